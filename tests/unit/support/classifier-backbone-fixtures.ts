// Tiny tfjs LayersModels and images for the backbone tests: every layer type the
// BN folder handles, with non-trivial BatchNorm statistics, saved as model.json + shard.

import type { LayersModel, SymbolicTensor } from "@tensorflow/tfjs";
import type { Tf } from "../../../src/classifier/tf-setup";
import type { FileStore, RgbImage } from "../../../src/classifier/types";
import { seededRandom as rng } from "../../../src/shared/random";

/** Deterministic pseudo-random numbers. */
export { rng };

export function randomImages(count: number, size: number, seed: number): RgbImage[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * 256);
    return { width: size, height: size, data };
  });
}

/**
 * A small MobileNetV2-like functional model, input size x size x 3:
 * pad+conv+BN+ReLU6, depthwise+BN+ReLU6, project+BN, residual add, a branch with a
 * conv that has its own ReLU followed by BN (must not be folded), max-pool, concat,
 * "out_relu" (ReLU6), global average pool "gap", dense "emb", softmax "out".
 */
export function tinyModel(tf: Tf, size = 16, seed = 1, opts: { leaky?: boolean } = {}): LayersModel {
  const L = tf.layers;
  const input = tf.input({ shape: [size, size, 3], name: "input" });
  const ap = (layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown }, x: SymbolicTensor | SymbolicTensor[]) =>
    layer.apply(x) as SymbolicTensor;
  let x = ap(L.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: "pad" }), input);
  x = ap(L.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "valid", useBias: false, name: "c1" }), x);
  x = ap(L.batchNormalization({ name: "bn1", epsilon: 1e-3 }), x);
  const r1 = ap(L.reLU({ maxValue: 6, name: "r1" }), x);
  x = ap(L.depthwiseConv2d({ kernelSize: 3, padding: "same", depthMultiplier: 2, useBias: true, name: "dw" }), r1);
  x = ap(L.batchNormalization({ name: "bn2" }), x);
  x = ap(L.reLU({ maxValue: 6, name: "r2" }), x);
  x = ap(L.conv2d({ filters: 8, kernelSize: 1, useBias: false, name: "proj" }), x);
  x = ap(L.batchNormalization({ name: "bn3", scale: false }), x);
  const added = ap(L.add({ name: "add" }), [x, r1]);
  const mp = ap(L.maxPooling2d({ poolSize: 2, name: "mp" }), added);
  let b = ap(L.conv2d({ filters: 4, kernelSize: 1, strides: 2, activation: "relu", name: "c2" }), added);
  b = ap(L.batchNormalization({ name: "bn4" }), b);
  if (opts.leaky) b = ap(L.leakyReLU({ alpha: 0.1, name: "leaky" }), b);
  const cat = ap(L.concatenate({ axis: -1, name: "cat" }), [mp, b]);
  const outRelu = ap(L.reLU({ maxValue: 6, name: "out_relu" }), cat);
  const gap = ap(L.globalAveragePooling2d({ name: "gap" }), outRelu);
  const emb = ap(L.dense({ units: 5, activation: "relu", name: "emb" }), gap);
  const out = ap(L.dense({ units: 3, activation: "softmax", name: "out" }), emb);
  const model = tf.model({ inputs: input, outputs: out });

  // Non-trivial weights everywhere, BN statistics included (fresh BN is the identity).
  const r = rng(seed);
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    const isBn = layer.getClassName() === "BatchNormalization";
    const fresh = ws.map((w, i) => {
      const n = w.size;
      const vals = new Float32Array(n);
      const last = i === ws.length - 1;
      for (let k = 0; k < n; k++) {
        // BN: moving variance (last) must be positive; gamma/mean/beta anything.
        vals[k] = isBn && last ? 0.3 + 2 * r() : (r() - 0.5) * (isBn ? 2 : 1);
      }
      return tf.tensor(vals, w.shape);
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
  return model;
}

/** Saves a model the way tfjs writes it to disk: model.json text and one binary shard. */
export async function saveModelFiles(tf: Tf, model: LayersModel, shardName = "group1-shard1of1.bin"): Promise<{ json: string; shard: Uint8Array }> {
  let json = "";
  let shard = new Uint8Array(0);
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      const data = artifacts.weightData;
      const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const total = parts.reduce((a, p) => a + p.byteLength, 0);
      shard = new Uint8Array(total);
      let off = 0;
      for (const p of parts) {
        shard.set(new Uint8Array(p), off);
        off += p.byteLength;
      }
      json = JSON.stringify({
        format: "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [shardName], weights: artifacts.weightSpecs }],
      });
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } });
    }),
  );
  return { json, shard };
}

/** Writes `model` into `folder` of `store` as model.json + one shard (a vault model), and disposes it. */
export async function writeModelFolder(tf: Tf, store: FileStore, folder: string, model: LayersModel): Promise<void> {
  const files = await saveModelFiles(tf, model);
  model.dispose();
  await store.mkdir(folder);
  await store.writeText(`${folder}/model.json`, files.json);
  await store.writeBinary(`${folder}/group1-shard1of1.bin`, files.shard);
}
