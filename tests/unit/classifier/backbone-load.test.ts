// The default backbone: nsfwjs's bundled MobileNetV2, truncated at block_13_expand_relu (pooled), on wasm.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBackbone, resolveBackboneSpec, standardizeByDefault, DEFAULT_BACKBONE_ID, type Backbone } from "../../../src/classifier/backbone";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { randomImages } from "../support/classifier-backbone-fixtures";

let tf: Tf;
let baseline: number;
let folded: Backbone;

beforeAll(async () => {
  ({ tf } = await setupTf({ backends: ["wasm"] }));
  baseline = tf.memory().numTensors;
  folded = await loadBackbone(DEFAULT_BACKBONE_ID);
});

describe("default backbone (mobilenet_v2-nsfwjs#block_13_expand_relu)", () => {
  it("loads on wasm with BN folded, 224x224 in, 576-d out", () => {
    expect(DEFAULT_BACKBONE_ID).toBe("mobilenet_v2-nsfwjs#block_13_expand_relu");
    expect(folded.backend).toBe("wasm");
    expect(folded.folded).toBe(true);
    expect(folded.inputSize).toBe(224);
    expect(folded.dim).toBe(576);
  });

  it("gives finite, non-trivial, deterministic embeddings that differ between images", async () => {
    const images = randomImages(3, 224, 42);
    const progress: number[] = [];
    const a = await folded.embed(images, (done) => progress.push(done));
    const b = await folded.embed(images.slice(0, 2));
    expect(a).toHaveLength(3);
    expect(progress).toEqual([3]);
    for (const v of a) {
      expect(v).toHaveLength(576);
      expect(v.every(Number.isFinite)).toBe(true);
      // A pooled ReLU6 output: within 0..6, and not all zero.
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThanOrEqual(6);
      expect(Math.max(...v)).toBeGreaterThan(0);
    }
    expect(Array.from(b[0])).toEqual(Array.from(a[0]));
    expect(Array.from(b[1])).toEqual(Array.from(a[1]));
    expect(Array.from(a[0])).not.toEqual(Array.from(a[1]));
  });

  it("matches the unfolded LayersModel through the whole network to flatten_1 (max abs diff < 1e-3 of the largest value)", async () => {
    // A mid-level layer as well, so the comparison covers a truncated pass too.
    const id = "mobilenet_v2-nsfwjs#flatten_1+block_13_expand_relu";
    const plain = await loadBackbone(id, { fold: false });
    const full = await loadBackbone(id);
    expect(plain.folded).toBe(false);
    expect(full.folded).toBe(true);
    expect(full.dim).toBe(1280 + 576);
    const images = randomImages(3, 224, 7);
    const ref = await plain.embed(images);
    const got = await full.embed(images);
    plain.dispose();
    full.dispose();
    for (let i = 0; i < images.length; i++) {
      let diff = 0;
      let scale = 0;
      for (let k = 0; k < 1280 + 576; k++) {
        diff = Math.max(diff, Math.abs(got[i][k] - ref[i][k]));
        scale = Math.max(scale, Math.abs(ref[i][k]));
      }
      expect(scale).toBeGreaterThan(0.1);
      expect(diff).toBeLessThan(1e-3 * scale);
    }
  });

  it("batches internally: 18 images (16 + 2) equal the same images one by one", async () => {
    const images = randomImages(18, 224, 3);
    const all = await folded.embed(images);
    const last = await folded.embed([images[17]]);
    expect(all).toHaveLength(18);
    const d = all[17].reduce((m, v, k) => Math.max(m, Math.abs(v - last[0][k])), 0);
    expect(d).toBeLessThan(1e-4);
  });

  it("stops between batches when aborted", async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(folded.embed(randomImages(2, 224, 1), undefined, ctl.signal)).rejects.toThrow(/cancelled/);
  });

  it("refuses images of the wrong size with a clear message", async () => {
    await expect(folded.embed(randomImages(1, 64, 1))).rejects.toThrow(/64x64; this backbone needs 224x224/);
    const bad = { width: 224, height: 224, data: new Uint8Array(10) };
    await expect(folded.embed([bad])).rejects.toThrow(/expected 150528 RGB bytes, got 10/);
  });

  it("frees every tensor: back to the baseline after embed and dispose", async () => {
    await folded.embed(randomImages(2, 224, 9));
    folded.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    await expect(folded.embed(randomImages(1, 224, 1))).rejects.toThrow(/disposed/);
  });
});

describe("backbone ids", () => {
  it("parses the known ids and layer suffixes", () => {
    expect(resolveBackboneSpec("mobilenet_v2-nsfwjs").layers).toEqual(["flatten_1"]);
    expect(resolveBackboneSpec("mobilenet_v2-nsfwjs#block_16_project_BN+flatten_1").layers).toEqual(["block_16_project_BN", "flatten_1"]);
    expect(resolveBackboneSpec("inception_v3-nsfwjs").layers).toEqual(["flatten_1"]);
    expect(resolveBackboneSpec("imagenet-mobilenet").layers).toEqual(["out_relu"]);
    expect(resolveBackboneSpec("vault:models/mine#gap").layers).toEqual(["gap"]);
  });

  it("standardises by default only for mid-level nsfwjs layers", () => {
    expect(standardizeByDefault(DEFAULT_BACKBONE_ID)).toBe(true);
    expect(standardizeByDefault("mobilenet_v2-nsfwjs#flatten_1+block_13_expand_relu")).toBe(true);
    expect(standardizeByDefault("mobilenet_v2-nsfwjs")).toBe(false);
    expect(standardizeByDefault("mobilenet_v2-nsfwjs#flatten_1")).toBe(false);
    expect(standardizeByDefault("imagenet-mobilenet")).toBe(false);
    expect(standardizeByDefault("vault:models/mine#gap")).toBe(false);
    expect(standardizeByDefault("stand-in")).toBe(false);
  });

  it("explains bad ids", async () => {
    expect(() => resolveBackboneSpec("resnet")).toThrow(/Unknown backbone "resnet"/);
    expect(() => resolveBackboneSpec("vault:models/mine")).toThrow(/name the embedding layer/);
    expect(() => resolveBackboneSpec("vault:#gap")).toThrow(/no folder/);
    expect(() => resolveBackboneSpec("mobilenet_v2-nsfwjs#")).toThrow(/no layer name/);
    await expect(loadBackbone("mobilenet_v2-nsfwjs#no_such_layer")).rejects.toThrow(/no layer "no_such_layer"/);
    await expect(loadBackbone("imagenet-mobilenet")).rejects.toThrow(/needs a store, a modelsDir and fetchBinary/);
  });
});
