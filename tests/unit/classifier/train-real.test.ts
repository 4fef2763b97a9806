// The real pieces end to end: nsfwjs MobileNetV2 backbone, sharp decoder, fs store, the CLI.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { setupTf } from "../../../src/classifier/tf-setup";
import { loadBackbone, type Backbone } from "../../../src/classifier/backbone";
import { trainClassifier } from "../../../src/classifier/pipeline";
import { loadModel } from "../../../src/classifier/model-io";
import { Classifier } from "../../../src/classifier/predict";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { run as trainCli } from "../../../src/cli/train";
import { run as predictCli } from "../../../src/cli/predict";
import { COLORS, makeColorDataset, noisyImage, snapshot } from "./train-helpers";
import { captureIo } from "../support/capture-io";

let root = "";
let backbone: Backbone;
let tf: Awaited<ReturnType<typeof setupTf>>["tf"];

beforeAll(async () => {
  tf = (await setupTf()).tf;
  backbone = await loadBackbone();
  root = await makeColorDataset("colors", 20);
}, 120_000);
afterAll(async () => {
  backbone?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe("training with the real backbone", () => {
  it("learns a separable dataset (>= 95% validation accuracy), predicts, and frees every tensor", async () => {
    const baseline = tf.memory().numTensors;
    const before = await snapshot(path.join(root, "colors"));
    const store = createFsStore(root);
    const decoder = createSharpDecoder();
    const result = await trainClassifier({ store, folder: "colors", decoder, backbone, cacheFolder: ".lesson-lab-cache", options: { augViews: 1 } });
    expect(result.error).toBeNull();
    process.stdout.write(`real backbone: accuracy ${result.accuracy} on ${result.validCount} validation images; ${result.seconds.embedding.toFixed(1)} s embedding ${result.embedded} views\n`);
    expect(result.validCount).toBeGreaterThanOrEqual(6);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.embeddings[0].embedding).toHaveLength(backbone.dim);
    expect(tf.memory().numTensors).toBe(baseline);

    const model = await loadModel(store, "colors.model");
    expect(model.metadata.backbone).toBe(backbone.id);
    const classifier = new Classifier(model, backbone, decoder);
    for (const label of ["red", "green", "blue"]) {
      const p = await classifier.predict(await noisyImage(COLORS[label], 4242 + label.length));
      expect(p.label).toBe(label);
    }
    classifier.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    expect(await snapshot(path.join(root, "colors"))).toEqual(before);
  });

  it("CLI train --json prints one object with the contract's keys first, reusing the cache", async () => {
    const c = captureIo();
    const code = await trainCli([path.join(root, "colors"), "--json", "--epochs", "4", "--seed=42"], c.io);
    expect(code).toBe(0);
    const json = JSON.parse(c.out()) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 8)).toEqual(["labels", "counts", "unreadable", "unlabeled", "warnings", "epochs", "confusion", "model"]);
    expect(json.labels).toEqual(["blue", "green", "red"]);
    expect(json.counts).toEqual({ blue: 20, green: 20, red: 20 });
    expect(json.epochs).toHaveLength(4);
    expect(Object.keys((json.epochs as object[])[0])).toEqual(["epoch", "train_loss", "valid_loss", "error_rate", "seconds"]);
    expect((json.model as { folder: string }).folder).toBe("colors.model");
    expect((json.model as { previous: string | null }).previous).toMatch(/^colors\.model\.previous-/);
    // Augmentation settings differ from the first test (2 views, not 1): only the extra view is embedded.
    expect(json.cached).toBeGreaterThan(0);
    expect(c.err()).toMatch(/embedding/);
  });

  it("CLI predict --json classifies images and reports unreadable ones without crashing", async () => {
    await mkdir(path.join(root, "new"), { recursive: true });
    await writeFile(path.join(root, "new/red.png"), await noisyImage(COLORS.red, 777));
    await writeFile(path.join(root, "new/broken.png"), "not an image");
    const c = captureIo();
    const images = ["new/red.png", "new/broken.png", "new/missing.png"].map((p) => path.join(root, p));
    const code = await predictCli([path.join(root, "colors"), ...images, "--json"], c.io);
    expect(code).toBe(1);
    const rows = JSON.parse(c.out()) as { image: string; label: string | null; probabilities: Record<string, number> | null; error: string | null }[];
    expect(rows.map((r) => Object.keys(r))).toEqual(rows.map(() => ["image", "label", "ranked", "probabilities", "error"]));
    expect(rows[0]).toMatchObject({ label: "red", error: null });
    expect(Object.keys(rows[0].probabilities ?? {})).toHaveLength(3);
    expect(rows[1].error).toMatch(/not an image/);
    expect(rows[2].error).toMatch(/missing/);
    // The model folder itself works too.
    const d = captureIo();
    expect(await predictCli([path.join(root, "colors.model"), images[0]], d.io)).toBe(0);
    expect(d.out()).toMatch(/red \(\d+\.\d%\)/);
  });

  it("CLI errors: missing folder, one label, no model; exit 1 with {error} under --json", async () => {
    const a = captureIo();
    expect(await trainCli([path.join(root, "nope"), "--json"], a.io)).toBe(1);
    expect(JSON.parse(a.out())).toEqual({ error: expect.stringMatching(/not a folder/) as unknown });
    await mkdir(path.join(root, "solo/only"), { recursive: true });
    await writeFile(path.join(root, "solo/only/a.png"), await noisyImage(COLORS.red, 1));
    const b = captureIo();
    expect(await trainCli([path.join(root, "solo"), "--json"], b.io)).toBe(1);
    expect((JSON.parse(b.out()) as { error: string }).error).toMatch(/at least two labels/);
    expect(b.err()).toMatch(/at least two labels/);
    const u = captureIo();
    expect(await trainCli([path.join(root, "colors"), "--bogus"], u.io)).toBe(2);
    expect(u.err()).toMatch(/unknown option --bogus/);
    const p = captureIo();
    expect(await predictCli([path.join(root, "solo"), path.join(root, "new/red.png"), "--json"], p.io)).toBe(1);
    expect((JSON.parse(p.out()) as { error: string }).error).toMatch(/no trained model/);
    expect((await readdir(root)).filter((n) => n.startsWith("solo.model"))).toEqual([]);
  });
});
