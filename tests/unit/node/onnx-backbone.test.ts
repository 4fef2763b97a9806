// The onnxruntime engine for headless embedding (src/node/onnx/): the Keras → ONNX conversion gives
// the same embeddings as tfjs, on tiny models with every converted layer type and on the real
// MobileNetV2 with real images, so one embedding cache serves both engines; unknown layers fall
// back to tfjs; the embed pool runs onnxruntime by default.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { LayersModel, SymbolicTensor } from "@tensorflow/tfjs";
import { loadBackbone, resolveBackboneSpec } from "../../../src/classifier/backbone";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import type { RgbImage } from "../../../src/classifier/types";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { createEmbedPool } from "../../../src/node/embed-pool";
import { kerasToOnnx } from "../../../src/node/onnx/keras-to-onnx";
import { loadOrtBackbone, ORT_BACKEND } from "../../../src/node/onnx/ort-backbone";
import { loadNodeBackbone } from "../../../src/node/onnx/node-backbone";
import { randomImages, rng, tinyModel, writeModelFolder } from "../support/classifier-backbone-fixtures";

let tf: Tf;
let dir: string;

/**
 * Layers and options tinyModel lacks: a ZeroPadding2D the convolution after it cannot absorb
 * ("same" conv), "same" padding with stride 2 on an odd size (TensorFlow pads the end), a conv
 * with its own relu6... as an Activation layer, average pooling, Flatten of a 2x2 map (NHWC order),
 * Dense with tanh.
 */
function oddModel(size = 15): LayersModel {
  const L = tf.layers;
  const input = tf.input({ shape: [size, size, 3], name: "input" });
  const ap = (layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown }, x: SymbolicTensor) => layer.apply(x) as SymbolicTensor;
  let x = ap(L.zeroPadding2d({ padding: [[1, 2], [2, 0]], name: "pad" }), input);
  x = ap(L.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: "same", useBias: true, name: "c1" }), x);
  x = ap(L.activation({ activation: "relu6", name: "act" }), x);
  x = ap(L.depthwiseConv2d({ kernelSize: 5, strides: 2, padding: "same", depthMultiplier: 1, activation: "relu", name: "dw" }), x);
  x = ap(L.averagePooling2d({ poolSize: 2, strides: 2, name: "avg" }), x);
  const flat = ap(L.flatten({ name: "flat" }), x);
  const dense = ap(L.dense({ units: 7, activation: "tanh", name: "dense" }), flat);
  const model = tf.model({ inputs: input, outputs: dense });
  const r = rng(5);
  for (const layer of model.layers) {
    const fresh = layer.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => r() - 0.5), w.shape));
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
  return model;
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): { diff: number; scale: number } {
  expect(a).toHaveLength(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    expect(a[i]).toHaveLength(b[i].length);
    for (let k = 0; k < a[i].length; k++) {
      diff = Math.max(diff, Math.abs(a[i][k] - b[i][k]));
      scale = Math.max(scale, Math.abs(b[i][k]));
    }
  }
  return { diff, scale };
}

beforeAll(async () => {
  ({ tf } = await setupTf({ backends: ["wasm"] }));
  dir = await mkdtemp(path.join(tmpdir(), "lesson-lab-onnx-"));
  const store = createFsStore(dir);
  await writeModelFolder(tf, store, "tiny", tinyModel(tf, 16, 3));
  await writeModelFolder(tf, store, "leaky", tinyModel(tf, 16, 3, { leaky: true }));
  await writeModelFolder(tf, store, "odd", oddModel());
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("onnxruntime backbone vs tfjs, small models", () => {
  const cases: [string, number][] = [
    ["vault:tiny#gap", 16], // pad merged into a valid conv, BN (also scale: false), ReLU6, depthwise x2, add, max-pool, concat, GAP
    ["vault:tiny#out", 16], // + Dense relu, Dense softmax
    ["vault:tiny#c1+out_relu+emb", 16], // several layers: 4-d ones pooled, all concatenated
    ["vault:odd#dense", 15], // Pad op, same/stride 2/odd size, Activation, AveragePool, Flatten of 2x2 (NHWC order)
    ["vault:odd#avg", 15],
  ];
  for (const [id, size] of cases) {
    it(`${id}: same embeddings as the tfjs LayersModel`, async () => {
      const store = createFsStore(dir);
      const images = randomImages(5, size, 11);
      const ort = await loadOrtBackbone(id, { store, batchSize: 2 });
      const ref = await loadBackbone(id, { store, fold: false });
      try {
        expect(ort.backend).toBe(ORT_BACKEND);
        expect(ort.dim).toBe(ref.dim);
        expect(ort.inputSize).toBe(size);
        const { diff, scale } = maxAbsDiff(await ort.embed(images), await ref.embed(images));
        expect(scale).toBeGreaterThan(0.01);
        expect(diff).toBeLessThan(1e-5 * Math.max(1, scale));
      } finally {
        ort.dispose();
        ref.dispose();
      }
    });
  }

  it("refuses a layer it does not convert (UnsupportedGraphError); auto falls back to tfjs and says why", async () => {
    const store = createFsStore(dir);
    await expect(loadOrtBackbone("vault:leaky#gap", { store })).rejects.toMatchObject({ name: "UnsupportedGraphError", message: /leaky: layer type LeakyReLU/ });
    await expect(loadNodeBackbone("vault:leaky#gap", { store, engine: "onnxruntime" })).rejects.toThrow(/LeakyReLU/);
    const auto = await loadNodeBackbone("vault:leaky#gap", { store, engine: "auto" });
    try {
      expect(auto.engine).toBe("tfjs");
      expect(auto.fallbackReason).toMatch(/LeakyReLU/);
      expect(auto.backbone.backend).toBe("wasm");
    } finally {
      auto.backbone.dispose();
    }
  });

  it("reports the loader's error for a missing model under every engine", async () => {
    const store = createFsStore(dir);
    for (const engine of ["auto", "onnxruntime", "tfjs"] as const) {
      await expect(loadNodeBackbone("vault:none#gap", { store, engine })).rejects.toThrow(/No model.json in "none"/);
    }
  });

  it("embed pool: runs onnxruntime by default and matches tfjs in this thread", async () => {
    const pool = await createEmbedPool({ backboneId: "vault:tiny#gap", threads: 2, batchSize: 3, storeRoot: dir });
    const ref = await loadBackbone("vault:tiny#gap", { store: createFsStore(dir) });
    try {
      expect(pool.engine).toBe("onnxruntime");
      expect(pool.fallbackReason).toBeNull();
      const images = randomImages(7, 16, 2);
      const { diff, scale } = maxAbsDiff(await pool.embed(images), await ref.embed(images));
      expect(diff).toBeLessThan(1e-5 * Math.max(1, scale));
    } finally {
      await pool.close();
      ref.dispose();
    }
  });

  it("embed pool: engine tfjs when asked", async () => {
    const pool = await createEmbedPool({ backboneId: "vault:tiny#gap", threads: 1, storeRoot: dir, engine: "tfjs" });
    try {
      expect(pool.engine).toBe("tfjs");
    } finally {
      await pool.close();
    }
  });
});

describe("onnxruntime backbone vs tfjs, MobileNetV2 (nsfwjs) on real images", () => {
  let images: RgbImage[];
  beforeAll(async () => {
    // Two Fashion-MNIST photos per label from the demo vault, decoded and resized as training does.
    const root = path.join(__dirname, "../../../demo-vault/Fashion");
    const decoder = createSharpDecoder();
    images = [];
    for (const label of (await readdir(root)).sort().slice(0, 4)) {
      for (const file of (await readdir(path.join(root, label))).sort().slice(0, 2)) {
        images.push(await decoder.decode(new Uint8Array(await readFile(path.join(root, label, file))), 224));
      }
    }
    expect(images).toHaveLength(8);
  });

  // The default backbone (pooled block_13_expand_relu) and the full network (flatten_1).
  for (const id of ["mobilenet_v2-nsfwjs#block_13_expand_relu", "mobilenet_v2-nsfwjs"]) {
    it(`${id}: features within 1e-4 of tfjs's`, async () => {
      const ort = await loadOrtBackbone(id, { batchSize: 8 });
      const ref = await loadBackbone(id, { batchSize: 8 });
      try {
        expect(ort.dim).toBe(ref.dim);
        const { diff, scale } = maxAbsDiff(await ort.embed(images), await ref.embed(images));
        expect(scale).toBeGreaterThan(1);
        expect(diff).toBeLessThan(1e-4);
      } finally {
        ort.dispose();
        ref.dispose();
      }
    });
  }

  it("converts the whole of MobileNetV2 to flatten_1, folding its 52 batch norms into the convolutions", async () => {
    const spec = resolveBackboneSpec("mobilenet_v2-nsfwjs");
    const artifacts = await spec.load({});
    const model = await tf.loadLayersModel({ load: () => Promise.resolve(artifacts) });
    try {
      const g = kerasToOnnx(tf, model, ["flatten_1"]);
      expect(g).toMatchObject({ inputSize: 224, dim: 1280, foldedBatchNorms: 52, inputName: "input", outputName: "embedding" });
    } finally {
      model.dispose();
    }
  });
});
