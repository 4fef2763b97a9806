// Other ways of reading the default backbone's features, measured with the quality bench's
// classifier figure (5-fold error rate, the pipeline's head on plain + 2 augmented views;
// bench/quality.ts qualityOf) on the quality sets (bench/quality-data.ts). Issue 16's levers that
// need more than the cached 576-d embedding:
//
//   npx tsx bench/readouts.ts embed SET
//       one MobileNetV2 pass per view (plain, aug1, aug2, as the pipeline makes them) keeping
//       several poolings of block_13_expand_relu (mean = the default, max, GeM p=3, a 2×2 grid of
//       means, the per-channel standard deviation) and the mean of other layers; written to
//       $LESSON_LAB_QUALITY_DIR/.readouts-SET.{json,bin} (about 8 minutes a set on 2 cores).
//   npx tsx bench/readouts.ts eval SET "A;B+C" [SIZE=40] [SEEDS=1,2,3]
//       the error rate of each ';'-separated readout, '+' concatenating parts, e.g.
//       "block_13_expand_relu:mean;block_13_expand_relu:mean+block_6_expand_relu:mean".
//       Transforms of the default embedding need no embed step: "sqrt" (power normalisation).
//   npx tsx bench/readouts.ts lda SET [ALPHAS=0.1,0.3,0.6,0.9]
//       shrinkage linear discriminant analysis (Ledoit & Wolf's shrinkage towards a scaled
//       identity, alpha fixed) on the standardised default embedding, in place of the head.
//   npx tsx bench/readouts.ts finetune SET [LR=1e-4] [EPOCHS=10] [SEEDS=1]
//       fastai's unfrozen step in small: the last convolution before the cut (block_13_expand,
//       batch norm folded) trained with the head, from cached block_12_add maps (plain view only;
//       the frozen baseline is trained the same way beside it).
//
// The figures are in the README ("How well it learns on other kinds of image").
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type * as T from "@tensorflow/tfjs";
import { setupTf, type Tf } from "../src/classifier/tf-setup";
import { loadBackboneArtifacts } from "../src/classifier/backbone";
import { applyAugmentation, augmentParams } from "../src/classifier/augment";
import { seededRandom, shuffled } from "../src/classifier/train";
import { createSharpDecoder } from "../src/node/decode-sharp";
import { stratifiedFolds } from "../src/cleaner/kfold";
import { hash32 } from "../src/shared/hash";
import { loadQualitySet, qualityRoot, type QualitySet, type QualitySetName } from "./quality-data";
import { qualityOf, subsample } from "./quality";

const VIEWS = 3;
const SIZE = 224;
/** Layers whose mean is kept; the cut layer also gets the other poolings. */
const LAYERS = ["block_13_expand_relu", "block_12_add", "block_6_expand_relu", "block_3_expand_relu", "block_16_project_BN", "out_relu"];
const CUT = "block_13_expand_relu";

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fmt = (xs: number[]): string => `${xs.map((x) => x.toFixed(3)).join(" ")}  mean ${mean(xs).toFixed(3)}`;

async function qualitySet(name: QualitySetName): Promise<QualitySet> {
  const set = await loadQualitySet(name);
  if ("skipped" in set) throw new Error(`${name}: ${set.skipped}`);
  return set;
}

async function fullNetwork(tf: Tf): Promise<T.LayersModel> {
  const artifacts = await loadBackboneArtifacts("mobilenet_v2-nsfwjs");
  return tf.loadLayersModel({ load: () => Promise.resolve(artifacts) });
}

/** The poolings of one image's [H, W, C] map: per-channel mean, max, GeM (p = 3), 2×2 grid of means, deviation. */
export function poolings(map: Float32Array, h: number, w: number, c: number, all: boolean): Record<string, Float32Array> {
  const avg = new Float32Array(c);
  const sq = new Float32Array(c);
  const max = new Float32Array(c).fill(-Infinity);
  const gem = new Float32Array(c);
  const grid = new Float32Array(4 * c);
  const cells = new Float32Array(4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
      cells[q]++;
      const at = (y * w + x) * c;
      for (let k = 0; k < c; k++) {
        const a = map[at + k];
        avg[k] += a;
        sq[k] += a * a;
        if (a > max[k]) max[k] = a;
        gem[k] += Math.max(0, a) ** 3;
        grid[q * c + k] += a;
      }
    }
  }
  const n = h * w;
  for (let k = 0; k < c; k++) {
    avg[k] /= n;
    gem[k] = Math.cbrt(gem[k] / n);
    sq[k] = Math.sqrt(Math.max(0, sq[k] / n - avg[k] * avg[k]));
  }
  for (let q = 0; q < 4; q++) for (let k = 0; k < c; k++) grid[q * c + k] /= Math.max(1, cells[q]);
  return all ? { mean: avg, max, gem, grid, std: sq } : { mean: avg };
}

/** Every view of every image of the set through the network, keeping LAYERS' poolings. */
async function embed(name: QualitySetName): Promise<void> {
  const { tf } = await setupTf();
  const set = await qualitySet(name);
  const full = await fullNetwork(tf);
  const net = tf.model({ inputs: full.inputs, outputs: LAYERS.map((l) => full.getLayer(l).output as T.SymbolicTensor) });
  const decoder = createSharpDecoder();
  const readouts = new Map<string, Float32Array[]>();
  const batch: { slot: number; pixels: Float32Array }[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const x = tf.tensor4d(concat(batch.map((b) => b.pixels)), [batch.length, SIZE, SIZE, 3]);
    const ys = net.predict(x) as T.Tensor[];
    const maps = await Promise.all(ys.map((y) => y.data() as Promise<Float32Array>));
    const shapes = ys.map((y) => y.shape as number[]);
    tf.dispose([x, ...ys]);
    batch.forEach((b, j) => {
      LAYERS.forEach((layer, li) => {
        const [, h, w, c] = shapes[li];
        const pooled = poolings(maps[li].subarray(j * h * w * c, (j + 1) * h * w * c), h, w, c, layer === CUT);
        for (const [kind, v] of Object.entries(pooled)) {
          const key = `${layer}:${kind}`;
          if (!readouts.has(key)) readouts.set(key, new Array<Float32Array>(set.items.length * VIEWS));
          (readouts.get(key) as Float32Array[])[b.slot] = v;
        }
      });
    });
    batch.length = 0;
  };
  const t0 = Date.now();
  for (let i = 0; i < set.items.length; i++) {
    const item = set.items[i];
    const image = await decoder.decode(readFileSync(path.join(qualityRoot(), item.path)), SIZE);
    const seed = hash32(item.hash, 0);
    for (let v = 0; v < VIEWS; v++) {
      const view = v === 0 ? image : applyAugmentation(image, augmentParams(seed, v));
      batch.push({ slot: i * VIEWS + v, pixels: Float32Array.from(view.data, (b) => b / 255) });
    }
    if (batch.length >= 16) await flush();
    if (i % 200 === 0) process.stderr.write(`${i}/${set.items.length} images, ${(Date.now() - t0) / 1000} s\n`);
  }
  await flush();
  const keys = [...readouts.keys()];
  const dims = keys.map((k) => (readouts.get(k) as Float32Array[])[0].length);
  const file = path.join(qualityRoot(), `.readouts-${name}`);
  writeFileSync(`${file}.bin.tmp`, Buffer.from(concat(keys.flatMap((k) => readouts.get(k) as Float32Array[])).buffer));
  renameSync(`${file}.bin.tmp`, `${file}.bin`);
  writeFileSync(`${file}.json`, JSON.stringify({ keys, dims, views: VIEWS, items: set.items.map((it) => it.hash) }));
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads what `embed` wrote: readout name → one vector per item and view. */
function readReadouts(name: QualitySetName, set: QualitySet): (key: string, item: number, view: number) => Float32Array {
  const file = path.join(qualityRoot(), `.readouts-${name}`);
  if (!existsSync(`${file}.json`)) throw new Error(`no readouts for ${name}: run "npx tsx bench/readouts.ts embed ${name}" first`);
  const header = JSON.parse(readFileSync(`${file}.json`, "utf8")) as { keys: string[]; dims: number[]; views: number; items: string[] };
  if (header.items.length !== set.items.length || header.items.some((h, i) => h !== set.items[i].hash)) throw new Error(`${file}.json: made from other images; embed again`);
  const bytes = readFileSync(`${file}.bin`);
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const offsets = new Map<string, { at: number; dim: number }>();
  let at = 0;
  header.keys.forEach((k, i) => {
    offsets.set(k, { at, dim: header.dims[i] });
    at += header.dims[i] * set.items.length * header.views;
  });
  return (key, item, view) => {
    const o = offsets.get(key);
    if (!o) throw new Error(`no readout "${key}"; there are: ${header.keys.join(", ")}`);
    const start = o.at + (item * header.views + view) * o.dim;
    return floats.subarray(start, start + o.dim);
  };
}

async function evaluate(name: QualitySetName, combos: string, size: number, seeds: number[]): Promise<void> {
  await setupTf();
  const set = await qualitySet(name);
  let read: ReturnType<typeof readReadouts> | null = null;
  for (const combo of combos.split(";")) {
    const parts = combo.split("+");
    const items = set.items.map((it, i) => ({
      ...it,
      views: it.views.map((plain, v) =>
        concat(
          parts.map((p) => {
            if (p === "default") return plain;
            if (p === "sqrt") return plain.map((x) => Math.sqrt(Math.max(0, x)));
            read ??= readReadouts(name, set);
            return read(p, i, v);
          }),
        ),
      ),
    }));
    const figures = (await qualityOf({ ...set, items }, size, seeds, [{ name: "readout" }], true)).readout;
    process.stdout.write(`${name} ${size} per label, ${combo}: error_rate ${fmt(figures.map((f) => f.classifier_error))}\n`);
  }
}

/** Solves L Lᵀ x = b for x, L lower-triangular (row-major d×d). */
function cholSolve(l: Float64Array, d: number, b: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * y[k];
    y[i] = s / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * x[k];
    x[i] = s / l[i * d + i];
  }
  return x;
}

/** A shrinkage-LDA scorer fitted on (x, y): standardise, pooled within-class covariance shrunk by alpha towards tr/d · I. */
export function fitShrinkageLda(x: Float32Array[], y: number[], numLabels: number, alpha: number): (v: Float32Array) => number {
  // alpha = 1 would leave only the identity (the covariance's trace is then unknown): a nearest-mean rule, not measured here.
  if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`shrinkage must be in [0, 1); got ${alpha}`);
  const d = x[0].length;
  const n = x.length;
  const mu0 = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const v of x) for (let j = 0; j < d; j++) mu0[j] += v[j] / n;
  for (const v of x) for (let j = 0; j < d; j++) sd[j] += (v[j] - mu0[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) + 1e-6;
  const z = x.map((v) => Float64Array.from(v, (a, j) => (a - mu0[j]) / sd[j]));
  const mu = Array.from({ length: numLabels }, () => new Float64Array(d));
  const count = new Array<number>(numLabels).fill(0);
  z.forEach((v, i) => {
    count[y[i]]++;
    for (let j = 0; j < d; j++) mu[y[i]][j] += v[j];
  });
  mu.forEach((m, c) => m.forEach((_, j) => (m[j] /= Math.max(1, count[c]))));
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const r = Float64Array.from(z[i], (a, j) => a - mu[y[i]][j]);
    for (let a = 0; a < d; a++) if (r[a] !== 0) for (let b = 0; b <= a; b++) cov[a * d + b] += r[a] * r[b];
  }
  let trace = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) cov[b * d + a] = cov[a * d + b] = ((1 - alpha) * cov[a * d + b]) / n;
    trace += cov[a * d + a] / (1 - alpha);
  }
  for (let a = 0; a < d; a++) cov[a * d + a] += (alpha * trace) / d;
  // Cholesky in place (lower triangle).
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = i === j ? Math.sqrt(s) : s / l[j * d + j];
    }
  }
  const w = mu.map((m) => cholSolve(l, d, m));
  const bias = mu.map((m, c) => -0.5 * m.reduce((s, a, j) => s + a * w[c][j], 0));
  return (v) => {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < numLabels; c++) {
      let s = bias[c];
      for (let j = 0; j < d; j++) s += ((v[j] - mu0[j]) / sd[j]) * w[c][j];
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    return best;
  };
}

async function lda(name: QualitySetName, alphas: number[]): Promise<void> {
  const set = await qualitySet(name);
  for (const alpha of alphas) {
    const errors = [1, 2, 3].map((seed) => {
      const items = subsample(set, 40, seed);
      const y = items.map((it) => it.label);
      const fold = stratifiedFolds(items.map((it, i) => ({ key: it.hash, label: y[i] })), 5, seed);
      let wrong = 0;
      for (let f = 0; f < 5; f++) {
        const train = items.flatMap((_, i) => (fold[i] === f ? [] : [i]));
        const predict = fitShrinkageLda(train.flatMap((i) => items[i].views), train.flatMap((i) => items[i].views.map(() => y[i])), set.labels.length, alpha);
        items.forEach((it, i) => {
          if (fold[i] === f && predict(it.views[0]) !== y[i]) wrong++;
        });
      }
      return wrong / items.length;
    });
    process.stdout.write(`${name} 40 per label, shrinkage LDA alpha ${alpha}: error_rate ${fmt(errors)}\n`);
  }
}

async function finetune(name: QualitySetName, adapterLr: number, epochs: number, seeds: number[]): Promise<void> {
  const { tf } = await setupTf();
  const set = await qualitySet(name);
  const full = await fullNetwork(tf);
  const hw = 14 * 14;
  const cin = 96;
  const cout = 576;
  const file = path.join(qualityRoot(), `.readouts-${name}-block_12_add.bin`);
  // The maps are kept for the images they were made from (their content hashes, in order): another set's are made again.
  const hashes = JSON.stringify(set.items.map((it) => it.hash));
  const fresh = existsSync(file) && existsSync(`${file}.json`) && readFileSync(`${file}.json`, "utf8") === hashes;
  let maps: Float32Array;
  if (fresh) {
    const bytes = readFileSync(file);
    maps = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    if (maps.length !== set.items.length * hw * cin) throw new Error(`${file}: ${maps.length} numbers, expected ${set.items.length * hw * cin}; delete it to make it again`);
  } else {
    const cut = tf.model({ inputs: full.inputs, outputs: full.getLayer("block_12_add").output });
    const decoder = createSharpDecoder();
    maps = new Float32Array(set.items.length * hw * cin);
    for (let s = 0; s < set.items.length; s += 16) {
      const chunk = set.items.slice(s, s + 16);
      const images = await Promise.all(chunk.map((it) => decoder.decode(readFileSync(path.join(qualityRoot(), it.path)), SIZE)));
      const x = tf.tensor4d(concat(images.map((im) => Float32Array.from(im.data, (b) => b / 255))), [chunk.length, SIZE, SIZE, 3]);
      const y = cut.predict(x) as T.Tensor;
      maps.set((await y.data()), s * hw * cin);
      tf.dispose([x, y]);
    }
    writeFileSync(file, Buffer.from(maps.buffer));
    writeFileSync(`${file}.json`, hashes);
  }
  // block_13_expand with its batch norm folded: W' = W·γ/√(σ²+ε), b' = β − μ·γ/√(σ²+ε).
  const [kernel] = await Promise.all(full.getLayer("block_13_expand").getWeights().map((w) => w.data()));
  const [gamma, beta, movingMean, movingVar] = await Promise.all(full.getLayer("block_13_expand_BN").getWeights().map((w) => w.data()));
  const w0 = new Float32Array(cin * cout);
  const b0 = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const scale = gamma[o] / Math.sqrt(movingVar[o] + 1e-3);
    b0[o] = beta[o] - movingMean[o] * scale;
    for (let i = 0; i < cin; i++) w0[i * cout + o] = kernel[i * cout + o] * scale;
  }
  const numLabels = set.labels.length;
  for (const seed of seeds) {
    const items = subsample(set, 40, seed);
    const index = items.map((it) => set.items.indexOf(it));
    const y = items.map((it) => it.label);
    const fold = stratifiedFolds(items.map((it, i) => ({ key: it.hash, label: y[i] })), 5, seed);
    const wrong = { frozen: 0, tuned: 0 };
    const mapsOf = (ids: number[]): T.Tensor3D => tf.tensor3d(concat(ids.map((i) => maps.subarray(index[i] * hw * cin, (index[i] + 1) * hw * cin))), [ids.length, hw, cin]);
    for (let f = 0; f < 5; f++) {
      const train = items.flatMap((_, i) => (fold[i] === f ? [] : [i]));
      const held = items.flatMap((_, i) => (fold[i] === f ? [i] : []));
      for (const mode of ["frozen", "tuned"] as const) {
        const w = tf.variable(tf.tensor2d(w0, [cin, cout]));
        const b = tf.variable(tf.tensor1d(b0));
        const features = (x: T.Tensor3D): T.Tensor2D => tf.mean(tf.clipByValue(tf.add(tf.matMul(x.reshape([-1, cin]), w), b), 0, 6).reshape([x.shape[0], hw, cout]), 1);
        const xTrain = mapsOf(train);
        const { mu, sd } = tf.tidy(() => {
          const m = tf.moments(features(xTrain), 0);
          return { mu: m.mean, sd: tf.sqrt(tf.add(m.variance, 1e-6)) };
        });
        const k = tf.variable(tf.randomUniform([cout, numLabels], -0.05, 0.05, "float32", seed + f));
        const kb = tf.variable(tf.zeros([numLabels]));
        const headOpt = tf.train.adam(3e-3);
        const adapterOpt = tf.train.adam(adapterLr);
        const random = seededRandom(seed * 100 + f);
        for (let e = 0; e < epochs; e++) {
          const order = shuffled(train.map((_, j) => j), random);
          for (let s = 0; s < order.length; s += 32) {
            const picked = order.slice(s, s + 32);
            tf.tidy(() => {
              const xb = tf.gather<T.Tensor3D>(xTrain, picked);
              const yb = tf.oneHot(tf.tensor1d(picked.map((j) => y[train[j]]), "int32"), numLabels);
              const loss = (): T.Scalar => tf.add(tf.losses.softmaxCrossEntropy(yb, tf.add(tf.matMul(tf.div(tf.sub(features(xb), mu), sd), k), kb)), tf.mul(1e-2, tf.sum(tf.square(k))));
              const { grads } = tf.variableGrads(loss, mode === "tuned" ? [k, kb, w, b] : [k, kb]);
              headOpt.applyGradients([k, kb].map((v) => ({ name: v.name, tensor: grads[v.name] })));
              if (mode === "tuned") adapterOpt.applyGradients([w, b].map((v) => ({ name: v.name, tensor: grads[v.name] })));
            });
          }
        }
        const xHeld = mapsOf(held);
        const predicted = tf.tidy(() => tf.argMax(tf.add(tf.matMul(tf.div(tf.sub(features(xHeld), mu), sd), k), kb), 1).dataSync());
        held.forEach((i, j) => {
          if (predicted[j] !== y[i]) wrong[mode]++;
        });
        tf.dispose([xTrain, xHeld, w, b, k, kb, mu, sd]);
        headOpt.dispose();
        adapterOpt.dispose();
      }
    }
    process.stdout.write(`${name} 40 per label seed ${seed}, plain view only: frozen ${(wrong.frozen / items.length).toFixed(3)}, block_13_expand trained at lr ${adapterLr} for ${epochs} epochs ${(wrong.tuned / items.length).toFixed(3)}\n`);
  }
}

if (require.main === module) {
  const [command, set, ...rest] = process.argv.slice(2);
  const numbers = (s: string | undefined, fallback: number[]): number[] => (s ? s.split(",").map(Number) : fallback);
  const run = (): Promise<void> => {
    const name = set as QualitySetName;
    if (command === "embed") return embed(name);
    if (command === "eval") return evaluate(name, rest[0] ?? "default", Number(rest[1] ?? 40), numbers(rest[2], [1, 2, 3]));
    if (command === "lda") return lda(name, numbers(rest[0], [0.1, 0.3, 0.6, 0.9]));
    if (command === "finetune") return finetune(name, Number(rest[0] ?? 1e-4), Number(rest[1] ?? 10), numbers(rest[2], [1]));
    return Promise.reject(new Error("usage: npx tsx bench/readouts.ts embed|eval|lda|finetune SET …"));
  };
  run().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
