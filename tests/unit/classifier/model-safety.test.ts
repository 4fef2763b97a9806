// @vitest-environment happy-dom
// Issue 10, cases 7 and 9: a ```classify block (or plugin data, or a model's `vault:` backbone)
// cannot make Lesson Lab read outside the vault, and says the same whether or not such a folder
// exists; broken model files give a message (panel, block, modal, CLI), never NaN% or a TypeError.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App } from "obsidian-test-mocks/obsidian";
import { TFile, type App as ObsidianApp } from "obsidian";
import { classifyFile } from "../../../src/classifier/obsidian/classify";
import type { ClassifierHost } from "../../../src/classifier/app-ports";
import { parseClassifyBlock } from "../../../src/classifier/model-lookup";
import { createVaultStore } from "../../../src/shared/obsidian/vault-store";
import { resolveBackboneSpec } from "../../../src/classifier/backbone";
import { loadModel, readMetadata } from "../../../src/classifier/model-io";
import { parseResults } from "../../../src/classifier/results-file";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { createFsStore } from "../../../src/node/fs-store";
import { run as predictCli } from "../../../src/cli/predict";
import { TINY_BACKBONE_FOLDER, writeNoisePngs, writeTinyClassifier } from "../support/tiny-classifier";

describe("case 7: model folders from notes and files stay inside the vault", () => {
  it("a classify block's model: with .. is refused with one message, before any lookup", () => {
    const a = parseClassifyBlock("![[x.png]]\nmodel: ../../outside.model");
    expect(a.model).toBeNull();
    expect(a.problems).toEqual(['Refused the path "../../outside.model": the model folder must be a folder inside the vault (it contains "..").']);
    expect(parseClassifyBlock("![[x.png]]\nmodel: C:/models/x.model").problems[0]).toMatch(/names a drive/);
    expect(parseClassifyBlock("![[x.png]]\nmodel: Models/x.model").model).toBe("Models/x.model");
  });

  it("classifyFile never reaches the adapter with an outside path, and says the same whether or not the folder exists", async () => {
    const app = App.createConfigured__({ files: { "Pets/cat/a.md": "" } }) as unknown as ObsidianApp;
    await app.vault.createBinary("Pets/cat/1.png", new Uint8Array([1, 2, 3]).buffer);
    const file = app.vault.getAbstractFileByPath("Pets/cat/1.png");
    if (!(file instanceof TFile)) throw new Error("the test image was not created");
    const seen: string[] = [];
    for (const m of ["exists", "stat", "read", "readBinary"] as const) {
      const original = app.vault.adapter[m].bind(app.vault.adapter) as (p: string) => Promise<unknown>;
      vi.spyOn(app.vault.adapter, m).mockImplementation(((p: string) => {
        seen.push(p);
        // An outside folder that "exists", to show the message does not depend on it.
        if (p.includes("real-outside")) return Promise.resolve(m === "exists" ? true : null);
        return original(p);
      }) as never);
    }
    const host = (lastModel: string | null): ClassifierHost => ({
      loadClassifierData: () => Promise.resolve({ perFolder: {}, lastModel }),
      saveClassifierData: () => Promise.resolve(),
      updateClassifierData: () => Promise.resolve(),
      pluginDir: () => `${app.vault.configDir}/plugins/lesson-lab`,
    });
    const messages: string[] = [];
    for (const outside of ["../real-outside.model", "../missing-outside.model"]) {
      const error = await classifyFile(app, host(null), file, outside).catch((e: unknown) => e as Error);
      messages.push((error as Error).message.replace(/real-outside|missing-outside/, "X"));
    }
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toMatch(/^Refused the path "\.\.\/X\.model": the model folder must be a folder inside the vault/);
    // The last used model comes from plugin data: the same rule.
    await expect(classifyFile(app, host("../real-outside.model"), file)).rejects.toThrow(/Refused the path/);
    expect(seen.filter((p) => p.includes(".."))).toEqual([]);
  });

  it("the vault store refuses outside paths; a vault: backbone folder must lie inside the vault", async () => {
    const app = App.createConfigured__({ files: { "a.md": "x" } }) as unknown as ObsidianApp;
    const store = createVaultStore(app);
    await expect(store.readText("../x/metadata.json")).rejects.toThrow(/Refused the path "\.\.\/x\/metadata\.json"/);
    await expect(store.exists("a/../../x")).rejects.toThrow(/contains "\.\."/);
    expect(await store.readText("a.md")).toBe("x");
    expect(() => resolveBackboneSpec("vault:../../outside#gap")).toThrow(/Refused the path "\.\.\/\.\.\/outside": the backbone folder must be a folder inside the vault/);
    expect(() => resolveBackboneSpec("vault:Models/backbone#gap")).not.toThrow();
  });
});

describe("case 9: broken model files", () => {
  const base = {
    format: "lesson-lab-classifier",
    version: 1,
    labels: ["cat", "dog"],
    backbone: "mobilenet_v2-nsfwjs",
    imageSize: 224,
    embeddingDim: 8,
    head: { numLabels: 2 },
    trainedAt: "2026-01-01T00:00:00.000Z",
  };
  const meta = (extra: Record<string, unknown>) => JSON.stringify({ ...base, ...extra });

  it("refuses duplicate or empty labels, and labels that do not match the head", () => {
    expect(() => readMetadata("m.model", meta({ labels: ["cat", "cat"] }))).toThrow('Cannot load the classifier in "m.model": metadata.json lists the label "cat" twice.');
    expect(() => readMetadata("m.model", meta({ labels: ["cat", " "] }))).toThrow(/lists an empty label/);
    expect(() => readMetadata("m.model", meta({ labels: ["a", "b", "c"] }))).toThrow(/the head has 2 outputs but 3 labels are listed/);
    expect(() => readMetadata("m.model", meta({ embeddingDim: "8" }))).toThrow(/lacks imageSize or embeddingDim/);
  });

  it("metrics are optional: missing or malformed parts are left out with a warning, the rest is kept", () => {
    const none = readMetadata("m.model", meta({}));
    expect(none.metadata.metrics).toEqual({ error_rate: null, accuracy: null, valid_count: 0, train_count: 0, epochs: [] });
    expect(none.warnings).toEqual(['"m.model/metadata.json" records no metrics; they are not shown.']);
    const some = readMetadata(
      "m.model",
      meta({
        metrics: {
          error_rate: 0.1,
          accuracy: "high",
          valid_count: 4,
          epochs: [{ epoch: 1, train_loss: 0.5, valid_loss: 0.6, error_rate: 0.2, seconds: 3 }, { epoch: "two" }, null],
        },
      }),
    );
    expect(some.metadata.metrics).toEqual({ error_rate: 0.1, accuracy: null, valid_count: 4, train_count: 0, epochs: [{ epoch: 1, train_loss: 0.5, valid_loss: 0.6, error_rate: 0.2, seconds: 3 }] });
    expect(some.warnings).toEqual(['"m.model/metadata.json": accuracy "high" is not a rate from 0 to 1; not shown.', '"m.model/metadata.json": 2 of 3 epochs are damaged; not shown.']);
    expect(readMetadata("m.model", meta({ metrics: { epochs: "oops" } })).warnings).toContain('"m.model/metadata.json": epochs is not a list; not shown.');
  });

  it("a malformed results.json is not used (the panel falls back to metadata.json)", () => {
    const good = { labels: ["cat", "dog"], epochs: [], topLosses: [], perClass: [], mostConfused: [], accuracy: 0.5, errorRate: 0.5, trainCount: 1, validCount: 1, confusion: null };
    expect(parseResults(JSON.stringify(good), ["cat", "dog"])).not.toBeNull();
    expect(parseResults(JSON.stringify({ ...good, epochs: [{ epoch: "x" }] }), ["cat", "dog"])).toBeNull();
    expect(parseResults(JSON.stringify({ ...good, topLosses: [null] }), ["cat", "dog"])).toBeNull();
    expect(parseResults(JSON.stringify(good), ["dog", "cat"])).toBeNull();
    expect(parseResults("null")).toBeNull();
  });

  describe("NaN and infinite numbers", () => {
    let tf: Tf;
    let root = "";
    beforeAll(async () => {
      tf = (await setupTf({ backends: ["cpu"] })).tf;
      root = await mkdtemp(path.join(tmpdir(), "lesson-lab-model-safety-"));
    });
    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it("weights.bin with NaN is refused on load; a backbone giving NaN makes predict fail with a message, not NaN%", async () => {
      const model = await writeTinyClassifier(tf, root, "pets", ["cat", "dog"], [0, 1]);
      const weights = path.join(model.modelFolder, "weights.bin");
      const good = await readFile(weights);
      const bad = Buffer.from(good);
      bad.writeFloatLE(Number.NaN, 0);
      bad.writeFloatLE(Number.POSITIVE_INFINITY, 4);
      await writeFile(weights, bad);
      const store = createFsStore(root);
      await expect(loadModel(store, "pets.model")).rejects.toThrow('Cannot load the classifier in "pets.model": weights.bin holds 2 weights that are not a number (NaN or infinity): the model is damaged; train it again.');
      await writeFile(weights, good);

      // The head is fine, the backbone (a vault model) is not: the outputs are checked.
      const bb = path.join(root, TINY_BACKBONE_FOLDER, "group1-shard1of1.bin");
      const bbBytes = await readFile(bb);
      const nan = Buffer.from(bbBytes);
      for (let i = 0; i + 4 <= nan.length; i += 4) nan.writeFloatLE(Number.NaN, i);
      await writeFile(bb, nan);
      const images = await writeNoisePngs(path.join(root, "new"), 1, 3);
      let out = "";
      let err = "";
      const code = await predictCli([model.dataset, ...images, "--json"], { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false });
      expect(code).toBe(1);
      expect(out + err).toMatch(/gave outputs that are not probabilities \(NaN or infinity/);
      expect(out + err).not.toMatch(/NaN%/);
      await writeFile(bb, bbBytes);
    }, 60_000);
  });
});
