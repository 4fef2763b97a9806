// Which frozen backbone gives the best features for a linear head? Embeds N images per
// class of a labeled folder tree (e.g. Fashion-MNIST or OpenCV digits made by the
// scripts in ../shared/datasets), then reports 5-fold accuracy of a linear softmax head
// trained in tf on each candidate feature set, next to a 16x16 raw-pixel 1-NN baseline,
// and the embedding speed of each backbone.
//
//   python3 ../shared/datasets/fashion_to_folders.py /tmp/fm --split test --per-class 150
//   npx tsx bench/backbone-eval.ts /tmp/fm [--backbones=mobilenet,inception] [--per-class=150]
//   [--layers=block_12_expand_relu:576,...] (extra MobileNetV2 layers to try, pooled, with their widths)

import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Tensor2D } from "@tensorflow/tfjs";
import { setupTf, type Tf } from "../src/classifier/tf-setup";
import { createEmbedPool } from "../src/node/embed-pool";
import { createSharpDecoder } from "../src/node/decode-sharp";
import type { RgbImage } from "../src/classifier/types";

interface Sample {
  label: number;
  bytes: Uint8Array;
}

/** Feature sets carved out of one backbone pass: name → [offset, length] in the concatenated embedding. */
interface Candidate {
  backboneId: string;
  features: Record<string, string[]>;
  layers: { name: string; dim: number }[];
}

const MOBILENET_LAYERS = [
  { name: "flatten_1", dim: 1280 },
  { name: "block_16_project_BN", dim: 320 },
  { name: "block_13_expand_relu", dim: 576 },
  { name: "block_10_expand_relu", dim: 384 },
  { name: "block_6_expand_relu", dim: 192 },
  { name: "block_3_expand_relu", dim: 144 },
];

const MOBILENET: Candidate = {
  backboneId: `mobilenet_v2-nsfwjs#${MOBILENET_LAYERS.map((l) => l.name).join("+")}`,
  layers: MOBILENET_LAYERS,
  features: {
    ...Object.fromEntries(MOBILENET_LAYERS.map((l) => [`mobilenet_v2 ${l.name === "flatten_1" ? "flatten_1 (nsfwjs default)" : `pooled ${l.name}`}`, [l.name]])),
    ...Object.fromEntries(MOBILENET_LAYERS.slice(1).map((l) => [`mobilenet_v2 flatten_1 + pooled ${l.name}`, ["flatten_1", l.name]])),
    "mobilenet_v2 pooled block_10 + block_13 expand_relu": ["block_10_expand_relu", "block_13_expand_relu"],
    "mobilenet_v2 pooled block_6 + block_10 + block_13 expand_relu": ["block_6_expand_relu", "block_10_expand_relu", "block_13_expand_relu"],
  },
};

const INCEPTION: Candidate = {
  backboneId: "inception_v3-nsfwjs",
  layers: [{ name: "flatten_1", dim: 2048 }],
  features: { "inception_v3 flatten_1": ["flatten_1"] },
};

async function readDataset(root: string, perClass: number): Promise<{ labels: string[]; samples: Sample[] }> {
  const entries = await readdir(root, { withFileTypes: true });
  const labels = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (labels.length < 2) throw new Error(`${root}: expected one folder per label, found ${labels.length}`);
  const samples: Sample[] = [];
  for (let l = 0; l < labels.length; l++) {
    const files = (await readdir(path.join(root, labels[l]))).filter((f) => /\.(png|jpe?g|webp|bmp)$/i.test(f)).sort();
    for (const f of files.slice(0, perClass)) samples.push({ label: l, bytes: new Uint8Array(await readFile(path.join(root, labels[l], f))) });
  }
  return { labels, samples };
}

/** Stratified fold of each sample (deterministic shuffle per class). */
function folds(samples: Sample[], k: number, seed: number): number[] {
  const out = new Array<number>(samples.length);
  const byLabel = new Map<number, number[]>();
  samples.forEach((s, i) => byLabel.set(s.label, [...(byLabel.get(s.label) ?? []), i]));
  let a = seed >>> 0;
  const rand = () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
  for (const idx of byLabel.values()) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx.forEach((sampleIndex, r) => (out[sampleIndex] = r % k));
  }
  return out;
}

/** Linear softmax head (standardised inputs, Adam, L2), trained full-batch; returns held-out accuracy. */
function linearHeadAccuracy(tf: Tf, X: Float32Array[], y: number[], classes: number, fold: number[], k: number): number {
  const d = X[0].length;
  let correct = 0;
  for (let f = 0; f < k; f++) {
    const train = X.map((_, i) => i).filter((i) => fold[i] !== f);
    const test = X.map((_, i) => i).filter((i) => fold[i] === f);
    const mean = new Float32Array(d);
    const std = new Float32Array(d);
    for (const i of train) for (let j = 0; j < d; j++) mean[j] += X[i][j] / train.length;
    for (const i of train) for (let j = 0; j < d; j++) std[j] += (X[i][j] - mean[j]) ** 2 / train.length;
    for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) + 1e-6;
    const pack = (idx: number[]) => {
      const buf = new Float32Array(idx.length * d);
      idx.forEach((i, r) => {
        for (let j = 0; j < d; j++) buf[r * d + j] = (X[i][j] - mean[j]) / std[j];
      });
      return tf.tensor2d(buf, [idx.length, d]);
    };
    const xTrain = pack(train);
    const xTest = pack(test);
    const yTrain = tf.oneHot(tf.tensor1d(train.map((i) => y[i]), "int32"), classes);
    const W = tf.variable(tf.zeros([d, classes]));
    const b = tf.variable(tf.zeros([classes]));
    const opt = tf.train.adam(0.01);
    for (let step = 0; step < 150; step++) {
      opt.minimize(() => {
        const logits = tf.add(tf.matMul(xTrain, W), b);
        return tf.add(tf.losses.softmaxCrossEntropy(yTrain, logits), tf.mul(1e-3, tf.sum(tf.square(W))));
      });
    }
    const pred = tf.tidy(() => tf.argMax(tf.add<Tensor2D>(tf.matMul(xTest, W), b), 1).dataSync());
    test.forEach((i, r) => {
      if (pred[r] === y[i]) correct++;
    });
    tf.dispose([xTrain, xTest, yTrain, W, b]);
    opt.dispose();
  }
  return correct / X.length;
}

/** 1-nearest-neighbour (L2) accuracy, 5-fold. */
function nearestNeighbourAccuracy(X: Float32Array[], y: number[], fold: number[]): number {
  let correct = 0;
  for (let i = 0; i < X.length; i++) {
    let best = Infinity;
    let bestLabel = -1;
    for (let j = 0; j < X.length; j++) {
      if (fold[j] === fold[i]) continue;
      let dist = 0;
      for (let t = 0; t < X[i].length; t++) dist += (X[i][t] - X[j][t]) ** 2;
      if (dist < best) {
        best = dist;
        bestLabel = y[j]!;
      }
    }
    if (bestLabel === y[i]) correct++;
  }
  return correct / X.length;
}

async function decodeAll(samples: Sample[], size: number): Promise<RgbImage[]> {
  const decoder = createSharpDecoder();
  return Promise.all(samples.map((s) => decoder.decode(s.bytes, size)));
}

export interface EvalRow {
  features: string;
  dim: number;
  linear_head_acc: number;
  embed_img_per_s?: number;
}

export async function evaluateBackbones(
  root: string,
  perClass: number,
  which: string[],
  threads?: number,
  layerDims?: [string, number][],
): Promise<EvalRow[]> {
  const { tf } = await setupTf({ backends: ["wasm"] });
  const { samples, labels } = await readDataset(root, perClass);
  const y = samples.map((s) => s.label);
  const fold = folds(samples, 5, 42);
  const rows: EvalRow[] = [];

  const raw = (await decodeAll(samples, 16)).map((im) => Float32Array.from(im.data, (v) => v / 255));
  rows.push({ features: "raw 16x16 RGB pixels, 1-NN", dim: 768, linear_head_acc: nearestNeighbourAccuracy(raw, y, fold) });
  rows.push({ features: "raw 16x16 RGB pixels, linear head", dim: 768, linear_head_acc: linearHeadAccuracy(tf, raw, y, labels.length, fold, 5) });

  const candidates = [...(which.includes("mobilenet") ? [MOBILENET] : []), ...(which.includes("inception") ? [INCEPTION] : [])];
  if (layerDims) {
    // Custom single layers of MobileNetV2: name:dim pairs.
    const layers = layerDims.map(([name, dim]) => ({ name, dim }));
    candidates.push({
      backboneId: `mobilenet_v2-nsfwjs#${layers.map((l) => l.name).join("+")}`,
      layers,
      features: Object.fromEntries(layers.map((l) => [`mobilenet_v2 pooled ${l.name}`, [l.name]])),
    });
  }
  for (const c of candidates) {
    const pool = await createEmbedPool({ backboneId: c.backboneId, threads });
    const images = await decodeAll(samples, pool.inputSize);
    const t = performance.now();
    const emb = await pool.embed(images);
    const rate = images.length / ((performance.now() - t) / 1000);
    await pool.close();
    const offsets = new Map<string, [number, number]>();
    let off = 0;
    for (const l of c.layers) {
      offsets.set(l.name, [off, l.dim]);
      off += l.dim;
    }
    for (const [name, layers] of Object.entries(c.features)) {
      const X = emb.map((v) => {
        const parts = layers.map((l) => {
          const [o, n] = offsets.get(l)!;
          return v.subarray(o, o + n);
        });
        const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
        let p0 = 0;
        for (const p of parts) {
          out.set(p, p0);
          p0 += p.length;
        }
        return out;
      });
      rows.push({ features: name, dim: X[0].length, linear_head_acc: linearHeadAccuracy(tf, X, y, labels.length, fold, 5), embed_img_per_s: rate });
    }
  }
  return rows;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const root = args.find((a) => !a.startsWith("--"));
  const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (!root) {
    console.error("usage: npx tsx bench/backbone-eval.ts DATASET_DIR [--per-class=150] [--backbones=mobilenet,inception] [--threads=N] [--layers=name:dim,...]");
    process.exit(2);
  }
  const perClass = Number(opt("per-class") ?? 150);
  const which = (opt("backbones") ?? "mobilenet").split(",");
  const threads = opt("threads") ? Number(opt("threads")) : undefined;
  const layerDims = opt("layers")
    ?.split(",")
    .map((p) => p.split(":"))
    .map(([n, d]) => [n, Number(d)] as [string, number]);
  evaluateBackbones(root, perClass, which, threads, layerDims).then(
    (rows) => {
      process.stdout.write(`${path.basename(root)}, ${perClass}/class, 5-fold\n`);
      for (const r of rows) {
        process.stdout.write(
          `${r.features.padEnd(56)} dim ${String(r.dim).padStart(5)}  acc ${r.linear_head_acc.toFixed(3)}${r.embed_img_per_s ? `  ${r.embed_img_per_s.toFixed(1)} img/s` : ""}\n`,
        );
      }
      process.stdout.write(`${JSON.stringify(rows)}\n`);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
