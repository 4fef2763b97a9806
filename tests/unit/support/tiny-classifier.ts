// A complete model folder in seconds, for tests of what uses a trained classifier (predict,
// export, serve): a tiny convolutional backbone saved as a vault model (`vault:<folder>#gap`,
// 16x16 input, 12-d embedding) and a linear head whose bias orders the labels, so that the
// ranking is known in advance, while a small random kernel keeps each image's numbers its own.
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import sharp from "sharp";
import type { Tf } from "../../../src/classifier/tf-setup";
import { Head } from "../../../src/classifier/head";
import { MODEL_FORMAT, MODEL_VERSION, saveModel, type ModelMetadata } from "../../../src/classifier/model-io";
import { createFsStore } from "../../../src/node/fs-store";
import { rng, tinyModel, writeModelFolder } from "./classifier-backbone-fixtures";

export const TINY_BACKBONE_FOLDER = "tiny-backbone";
export const TINY_BACKBONE_ID = `vault:${TINY_BACKBONE_FOLDER}#gap`;
const DIM = 12;

export interface TinyClassifier {
  /** The dataset folder (absolute); its model is `${dataset}.model`. */
  dataset: string;
  modelFolder: string;
  labels: string[];
}

/**
 * Writes `<root>/tiny-backbone/` and `<root>/<name>.model/` (and an empty `<root>/<name>/`).
 * `bias[i]` is label i's logit offset: the larger, the more probable for every image.
 */
export async function writeTinyClassifier(tf: Tf, root: string, name: string, labels: string[], bias: number[]): Promise<TinyClassifier> {
  const store = createFsStore(root);
  if (!(await store.exists(TINY_BACKBONE_FOLDER))) await writeModelFolder(tf, store, TINY_BACKBONE_FOLDER, tinyModel(tf, 16, 7));
  await mkdir(path.join(root, name), { recursive: true });
  const head = Head.create(DIM, labels.length, { seed: 5 });
  const r = rng(11);
  const kernel = tf.tensor2d(Float32Array.from({ length: DIM * labels.length }, () => (r() - 0.5) * 0.2), [DIM, labels.length]);
  const b = tf.tensor1d(bias);
  head.model.layers[head.model.layers.length - 1].setWeights([kernel, b]);
  tf.dispose([kernel, b]);
  const counts: Record<string, number> = {};
  labels.forEach((l, i) => Object.defineProperty(counts, l, { value: 10 + i, enumerable: true, writable: true, configurable: true }));
  const metadata: ModelMetadata = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    labels,
    backbone: TINY_BACKBONE_ID,
    imageSize: 16,
    embeddingDim: DIM,
    head: head.config,
    metrics: { error_rate: 0.25, accuracy: 0.75, valid_count: 8, train_count: 32, epochs: [] },
    trainedAt: "2026-01-02T03:04:05.000Z",
    dataset: name,
    counts,
    options: { validPct: 0.2, seed: 42, epochs: 1, lr: 0.003, augment: false, augViews: 0 },
  };
  const saved = await saveModel(store, name, head, metadata);
  head.dispose();
  return { dataset: path.join(root, name), modelFolder: path.join(root, saved.folder), labels };
}

/** Writes `count` PNGs of random noise (`size` px square) under `folder`; returns their paths. */
export async function writeNoisePngs(folder: string, count: number, seed: number, size = 24): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const data = Buffer.alloc(size * size * 3);
    for (let k = 0; k < data.length; k++) data[k] = Math.floor(r() * 256);
    const file = path.join(folder, `noise-${i}.png`);
    await writeFile(file, await sharp(data, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
    out.push(file);
  }
  return out;
}
