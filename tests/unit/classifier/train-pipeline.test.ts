import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm, unlink, writeFile, readdir } from "node:fs/promises";
import * as path from "node:path";
import { setupTf } from "../../../src/classifier/tf-setup";
import { trainClassifier } from "../../../src/classifier/pipeline";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { loadModel } from "../../../src/classifier/model-io";
import { Classifier } from "../../../src/classifier/predict";
import type { TrainProgress } from "../../../src/classifier/types";
import { fakeBackbone, makeColorDataset, snapshot, noisyImage, COLORS } from "./train-helpers";

const roots: string[] = [];
const decoder = createSharpDecoder();

beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
});
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function dataset(perLabel = 12, labels?: string[]): Promise<string> {
  const root = await makeColorDataset("colors", perLabel, labels);
  roots.push(root);
  return root;
}

describe("trainClassifier with a stand-in backbone", () => {
  it("trains, evaluates, saves a model that loads and predicts, and leaves the dataset alone", async () => {
    const root = await dataset();
    const before = await snapshot(path.join(root, "colors"));
    const store = createFsStore(root);
    const backbone = fakeBackbone();
    const phases = new Set<string>();
    const result = await trainClassifier({
      store,
      folder: "colors",
      decoder,
      backbone,
      cacheFolder: ".cache",
      options: { epochs: 30, lr: 1e-2, standardize: true },
      onProgress: (p) => phases.add(p.phase),
    });
    expect(result.error).toBeNull();
    expect(result.labels).toEqual(["blue", "green", "red"]);
    expect(result.epochs).toHaveLength(30);
    expect(result.epochs[29].train_loss).toBeLessThan(result.epochs[0].train_loss);
    expect(result.validCount).toBeGreaterThan(0);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.confusion?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(result.validCount);
    expect([...phases]).toEqual(["scanning", "decoding", "embedding", "training", "saving"]);
    // plain for all + 2 augmented views per training image
    expect(backbone.images).toBe(36 + 2 * result.trainCount);
    expect(result.embeddings).toHaveLength(36);
    expect(result.model?.folder).toBe("colors.model");
    expect(await snapshot(path.join(root, "colors"))).toEqual(before);

    const model = await loadModel(store, "colors.model");
    expect(model.metadata.labels).toEqual(["blue", "green", "red"]);
    expect(model.metadata.metrics.epochs).toHaveLength(30);
    const classifier = new Classifier(model, backbone, decoder);
    const red = await classifier.predict(await noisyImage(COLORS.red, 99999));
    expect(red.label).toBe("red");
    expect(red.ranked[0].label).toBe("red");
    expect(red.ranked.reduce((a, r) => a + r.probability, 0)).toBeCloseTo(1, 5);
    // The saved (folded) head agrees with the in-memory one on the training images.
    const again = model.head.predict(result.embeddings.map((e) => e.embedding));
    result.embeddings.forEach((e, i) => {
      for (let j = 0; j < 3; j++) expect(again[i][j]).toBeCloseTo(e.probabilities[j], 4);
    });
    classifier.dispose();
  });

  it("is deterministic for a seed", async () => {
    const root = await dataset(8);
    const run = () => trainClassifier({ store: createFsStore(root), folder: "colors", decoder, backbone: fakeBackbone(), options: { epochs: 3, save: false } });
    const [a, b] = [await run(), await run()];
    expect(a.epochs.map((e) => e.train_loss)).toEqual(b.epochs.map((e) => e.train_loss));
    expect(a.epochs.map((e) => e.valid_loss)).toEqual(b.epochs.map((e) => e.valid_loss));
  });

  it("reports user errors as messages: missing folder, empty folder, one label", async () => {
    const root = await dataset(6, ["red"]);
    const store = createFsStore(root);
    const backbone = fakeBackbone();
    const missing = await trainClassifier({ store, folder: "nope", decoder, backbone });
    expect(missing.error).toMatch(/does not exist/);
    const one = await trainClassifier({ store, folder: "colors", decoder, backbone });
    expect(one.error).toMatch(/at least two labels/);
    await import("node:fs/promises").then((fs) => fs.mkdir(path.join(root, "empty")));
    const empty = await trainClassifier({ store, folder: "empty", decoder, backbone });
    expect(empty.error).toMatch(/empty/);
    const bad = await trainClassifier({ store, folder: "colors", decoder, backbone, options: { epochs: 0 } });
    expect(bad.error).toMatch(/epochs/);
    expect(backbone.calls).toBe(0);
    expect(await readdir(root)).toEqual(["colors", "empty"]);
  });

  it("lists unreadable and deleted files and trains on the rest", async () => {
    const root = await dataset(8);
    await writeFile(path.join(root, "colors/red/zero.png"), "");
    await writeFile(path.join(root, "colors/green/text.png"), "this is not a png");
    const store = createFsStore(root);
    const onProgress = (p: TrainProgress): void => {
      // Delete a file after the scan listed it, before it is read.
      if (p.phase === "scanning" && p.message.startsWith("Found")) void unlink(path.join(root, "colors/blue/blue-3.png"));
    };
    const result = await trainClassifier({ store, folder: "colors", decoder, backbone: fakeBackbone(), options: { epochs: 2, save: false }, onProgress });
    expect(result.error).toBeNull();
    const reasons = Object.fromEntries(result.unreadable.map((u) => [u.path, u.reason]));
    expect(reasons["colors/red/zero.png"]).toMatch(/empty/);
    expect(reasons["colors/green/text.png"]).toMatch(/not an image/);
    expect(reasons["colors/blue/blue-3.png"]).toMatch(/^missing/);
    expect(result.counts).toEqual({ blue: 7, green: 8, red: 8 });
    expect(result.embeddings).toHaveLength(23);
  });

  it("re-embeds only changed files on a retrain (cache), and survives a corrupt cache", async () => {
    const root = await dataset(8);
    const store = createFsStore(root);
    const first = fakeBackbone();
    const opts = { epochs: 1, save: false, augment: false };
    const r1 = await trainClassifier({ store, folder: "colors", decoder, backbone: first, cacheFolder: ".cache", options: opts });
    expect(r1.embedded).toBe(24);
    // Change two files, add one.
    await writeFile(path.join(root, "colors/red/red-0.png"), await noisyImage(COLORS.red, 555));
    await writeFile(path.join(root, "colors/blue/blue-0.png"), await noisyImage(COLORS.blue, 556));
    await writeFile(path.join(root, "colors/green/new.png"), await noisyImage(COLORS.green, 557));
    const second = fakeBackbone();
    const r2 = await trainClassifier({ store, folder: "colors", decoder, backbone: second, cacheFolder: ".cache", options: opts });
    expect(second.images).toBe(3);
    expect(r2.cached).toBe(22);
    // Same embeddings whether cached or not.
    expect(r2.embeddings.find((e) => e.path === "colors/red/red-5.png")?.embedding).toEqual(r1.embeddings.find((e) => e.path === "colors/red/red-5.png")?.embedding);
    await writeFile(path.join(root, ".cache/embeddings-fake-test.bin"), "garbage");
    const third = fakeBackbone();
    const r3 = await trainClassifier({ store, folder: "colors", decoder, backbone: third, cacheFolder: ".cache", options: opts });
    expect(r3.error).toBeNull();
    expect(third.images).toBe(25);
    expect(r3.warnings.join("\n")).toMatch(/cache.*could not be used/);
    expect((await readdir(path.join(root, ".cache"))).sort()).toEqual(["embeddings-fake-test.bin"]);
  });
  it("trains without validation when the split is empty, and says so", async () => {
    const root = await dataset(4);
    const result = await trainClassifier({ store: createFsStore(root), folder: "colors", decoder, backbone: fakeBackbone(), options: { epochs: 2, validPct: 0, save: false } });
    expect(result.error).toBeNull();
    expect(result.validCount).toBe(0);
    expect(result.accuracy).toBeNull();
    expect(result.confusion).toBeNull();
    expect(result.epochs.map((e) => Number.isNaN(e.valid_loss))).toEqual([true, true]);
    expect(result.warnings.join("\n")).toMatch(/validation split is empty/);
  });

  it("refuses when unreadable files leave fewer than two labels", async () => {
    const root = await dataset(3, ["red"]);
    await import("node:fs/promises").then(async (fs) => {
      await fs.mkdir(path.join(root, "colors/blue"));
      await fs.writeFile(path.join(root, "colors/blue/a.png"), "nope");
      await fs.writeFile(path.join(root, "colors/blue/b.png"), "");
    });
    const result = await trainClassifier({ store: createFsStore(root), folder: "colors", decoder, backbone: fakeBackbone(), options: { save: false } });
    expect(result.error).toMatch(/only "red" has usable images/);
    expect(result.unreadable.map((u) => u.path).sort()).toEqual(["colors/blue/a.png", "colors/blue/b.png"]);
  });
});
