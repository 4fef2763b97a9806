// Cleaner quality benchmark on Fashion-MNIST (test split, 100 images per class, made by
// ../shared/datasets/fashion_to_folders.py; embeddings by the default backbone, cached in the
// bench folder so a second run re-embeds nothing).
//
// Label noise: 10% of the labels moved to a wrong label, in memory (the files are never
// touched), for each of `seeds` noise seeds, two ways: "uniform" (any other label) and
// "confusable" (the label its true class is most confused with out of fold: shirt → T-shirt,
// the hard, systematic case). Against the injected errors we report:
// - oof_topk_precision: precision (= recall) of the first k of findIssues' ranking (what the
//   app and the CLI run; log_ratio by default), k = #injected; oof_self_confidence_topk_precision:
//   the same probabilities ranked by self-confidence;
// - find_issues_flags_precision / _recall: the images findIssues flags (its default method);
// - oof_heads_only_topk_precision: the same without the neighbour vote (kfold.ts);
// - fastai_topk_precision: fastai's ranking: the classifier's head trained on all images,
//   ranked by its in-sample loss; fastai_kfold_head_topk_precision: the same with the k-fold
//   heads' settings (see fastaiRanking);
// - ceiling_topk_precision: heads trained out of fold on the TRUE labels, ranked by p(noisy
//   label): what this backbone allows at best;
// - <method>_precision / _recall / _flagged for each flag method (suspects.ts FLAG_METHODS).
// Near-duplicates: similarity of 50 images to their 1-pixel-shifted, 10%-brighter, JPEG-75/90
// and 2×-resized copies (true near-copies) vs the nearest other image of the 1,000, raw and
// centred. Outliers: 20 synthetic foreign images, and a class nobody named (20 bags filed under
// other labels); precision and recall of the outlier flags.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import { setupTf } from "../src/classifier/tf-setup";
import { DEFAULT_BACKBONE_ID, loadBackbone, standardizeByDefault } from "../src/classifier/backbone";
import { trainClassifier, TRAIN_DEFAULTS, type ItemEmbedding } from "../src/classifier/pipeline";
import type { RgbImage } from "../src/classifier/types";
import { Head, HEAD_DEFAULTS, headL2 } from "../src/classifier/head";
import { fitHead, seededRandom, shuffled } from "../src/classifier/train";
import { argmax } from "../src/classifier/metrics";
import { createFsStore } from "../src/node/fs-store";
import { createSharpDecoder } from "../src/node/decode-sharp";
import { outOfFoldProbabilities, kfoldL2, kfoldEpochs, KFOLD_DEFAULTS } from "../src/cleaner/kfold";
import { FLAG_METHODS, findLabelIssues, precisionRecall, rankBySelfConfidence } from "../src/cleaner/suspects";
import { nearestNeighbours, cosineSimilarity, embeddingMean, nearDuplicateThresholdFor, CENTERED } from "../src/cleaner/duplicates";
import { findOutliers } from "../src/cleaner/outliers";
import { findIssues } from "../src/cleaner/find";

const SCRIPT = path.resolve(__dirname, "../../shared/datasets/fashion_to_folders.py");
const DATA = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

export interface CleanerBenchOptions {
  /** Folder kept between runs (dataset + embedding cache). */
  root?: string;
  seeds?: number[];
  noise?: number;
  /** Backbone id (default: the classifier's default). */
  backbone?: string;
  /** Standardise the heads' inputs. Default: what the backbone asks for (standardizeByDefault). */
  standardize?: boolean;
}

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Injects `noise` × n wrong labels: uniform over the other labels, or, given `confusedWith`,
 * each moved to the class its true class is most confused with (the hard, systematic case).
 */
export function injectNoise(labels: readonly number[], numLabels: number, noise: number, seed: number, confusedWith?: readonly number[]): { noisy: number[]; flipped: Set<number> } {
  const random = seededRandom(seed);
  const count = Math.round(labels.length * noise);
  const chosen = shuffled(
    labels.map((_, i) => i),
    random,
  ).slice(0, count);
  const noisy = [...labels];
  for (const i of chosen) noisy[i] = confusedWith ? confusedWith[labels[i]] : (labels[i] + 1 + Math.floor(random() * (numLabels - 1))) % numLabels;
  return { noisy, flipped: new Set(chosen) };
}

/**
 * fastai's ranking: one head trained on every image, ranked by its in-sample loss (highest
 * first). "classifier": the head as the classifier panel trains it (HEAD_DEFAULTS and headL2,
 * TRAIN_DEFAULTS.epochs; augmentation off), which is what a fastai user ranks with;
 * "kfold_head": the k-fold heads' own settings (their stronger L2 and epochs), to show what
 * out-of-fold scoring adds on its own.
 */
async function fastaiRanking(x: Float32Array[], y: number[], numLabels: number, seed: number, standardize: boolean, head: "classifier" | "kfold_head"): Promise<number[]> {
  const settings =
    head === "classifier"
      ? { lr: HEAD_DEFAULTS.lr, l2: headL2(standardize), epochs: TRAIN_DEFAULTS.epochs, batchSize: TRAIN_DEFAULTS.batchSize }
      : { lr: KFOLD_DEFAULTS.lr, l2: kfoldL2(standardize), epochs: kfoldEpochs(standardize), batchSize: KFOLD_DEFAULTS.batchSize };
  const model = Head.create(x[0].length, numLabels, { lr: settings.lr, seed, l2: settings.l2, standardize });
  try {
    model.fitStandardizer(x);
    await fitHead(model, { x, y }, { x: [], y: [] }, { epochs: settings.epochs, batchSize: settings.batchSize, seed });
    return rankBySelfConfidence(model.predict(x), y);
  } finally {
    model.dispose();
  }
}

export async function loadFashion(root: string, backboneId?: string): Promise<{ labels: string[]; items: ItemEmbedding[]; embedSeconds: number; embedded: number }> {
  if (!existsSync(path.join(root, "fashion"))) execFileSync("python3", [SCRIPT, path.join(root, "fashion"), "--split", "test", "--per-class", "100"], { stdio: "ignore" });
  const backbone = await loadBackbone(backboneId);
  try {
    const result = await trainClassifier({
      store: createFsStore(root),
      folder: "fashion",
      decoder: createSharpDecoder(),
      backbone,
      cacheFolder: ".cache",
      options: { augment: false, save: false, epochs: 1 },
    });
    if (result.error) throw new Error(result.error);
    return { labels: result.labels, items: result.embeddings, embedSeconds: result.seconds.embedding, embedded: result.embedded };
  } finally {
    backbone.dispose();
  }
}

/** Near-copies of `count` images (shift, brightness, JPEG) vs their nearest distinct neighbour. */
export async function nearDuplicateFigures(root: string, items: ItemEmbedding[], count: number, backboneId: string): Promise<Record<string, unknown>> {
  const backbone = await loadBackbone(backboneId);
  const NEAR_DUPLICATE_THRESHOLD = nearDuplicateThresholdFor(backboneId);
  const decoder = createSharpDecoder();
  try {
    const picked = items.filter((_, i) => i % Math.floor(items.length / count) === 0).slice(0, count);
    const variants: { kind: string; of: number; bytes: Buffer }[] = [];
    for (const [k, item] of picked.entries()) {
      const file = path.join(root, item.path);
      const meta = await sharp(file).metadata();
      const w = meta.width ?? 28;
      const h = meta.height ?? 28;
      // 1-pixel shift: crop one column off the left, pad one on the right.
      variants.push({ kind: "shift", of: k, bytes: await sharp(file).extract({ left: 1, top: 0, width: w - 1, height: h }).extend({ right: 1, background: "#000" }).png().toBuffer() });
      variants.push({ kind: "brightness", of: k, bytes: await sharp(file).modulate({ brightness: 1.1 }).png().toBuffer() });
      variants.push({ kind: "jpeg", of: k, bytes: await sharp(file).jpeg({ quality: 75 }).toBuffer() });
      variants.push({ kind: "jpeg90", of: k, bytes: await sharp(file).jpeg({ quality: 90 }).toBuffer() });
      variants.push({ kind: "resize", of: k, bytes: await sharp(await sharp(file).resize(56, 56).png().toBuffer()).png().toBuffer() });
    }
    const images = await Promise.all(variants.map((v) => decoder.decode(new Uint8Array(v.bytes), backbone.inputSize)));
    const vectors = await backbone.embed(images);
    const out: Record<string, unknown> = { threshold: NEAR_DUPLICATE_THRESHOLD };
    for (const centered of [false, true]) {
      const center = centered ? embeddingMean(items.map((it) => it.embedding)) : null;
      const tag = centered ? "centered" : "raw";
      const copySims: Record<string, number[]> = { shift: [], brightness: [], jpeg: [], jpeg90: [], resize: [] };
      variants.forEach((v, i) => copySims[v.kind].push(cosineSimilarity(vectors[i], picked[v.of].embedding, center)));
      const nn = nearestNeighbours(
        items.map((it) => it.embedding),
        center,
      ).map((n) => n.similarity);
      const sortedNn = [...nn].sort((a, b) => a - b);
      const allCopies = Object.values(copySims).flat().sort((a, b) => a - b);
      for (const [kind, v] of Object.entries(copySims)) {
        out[`${tag}_copy_${kind}_similarity_min`] = round(Math.min(...v));
        out[`${tag}_copy_${kind}_similarity_median`] = round([...v].sort((a, b) => a - b)[v.length >> 1]);
      }
      out[`${tag}_copy_similarity_p5`] = round(allCopies[Math.floor(allCopies.length * 0.05)]);
      out[`${tag}_distinct_nn_similarity_median`] = round(sortedNn[Math.floor(sortedNn.length / 2)]);
      out[`${tag}_distinct_nn_similarity_p99`] = round(sortedNn[Math.floor(sortedNn.length * 0.99)]);
      out[`${tag}_distinct_nn_similarity_max`] = round(sortedNn[sortedNn.length - 1]);
      if (centered === CENTERED) {
        out.copy_recall_at_threshold = round(allCopies.filter((s) => s >= NEAR_DUPLICATE_THRESHOLD).length / allCopies.length);
        out.distinct_images_flagged_at_threshold = nn.filter((s) => s >= NEAR_DUPLICATE_THRESHOLD).length;
      }
    }
    return out;
  } finally {
    backbone.dispose();
  }
}

/** A synthetic image unlike any garment: noise, a gradient, a checkerboard, a flat colour or stripes. */
export function foreignImage(k: number, size: number): RgbImage {
  const random = seededRandom(500 + k);
  const data = new Uint8Array(size * size * 3);
  const c1 = [0, 1, 2].map(() => Math.floor(random() * 256));
  const c2 = [0, 1, 2].map(() => Math.floor(random() * 256));
  const period = 6 + Math.floor(random() * 20);
  for (let yy = 0; yy < size; yy++) {
    for (let xx = 0; xx < size; xx++) {
      for (let c = 0; c < 3; c++) {
        let v: number;
        switch (k % 5) {
          case 0:
            v = random() * 256;
            break;
          case 1:
            v = c1[c] + ((c2[c] - c1[c]) * xx) / size;
            break;
          case 2:
            v = (Math.floor(xx / period) + Math.floor(yy / period)) % 2 ? c1[c] : c2[c];
            break;
          case 3:
            v = c1[c];
            break;
          default:
            v = Math.floor((xx + yy) / period) % 2 ? c1[c] : c2[c];
        }
        data[(yy * size + xx) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { width: size, height: size, data };
}

/**
 * Outliers, two ways: "foreign": 20 synthetic images (noise, gradients, checkerboards…) filed
 * under random labels; "unnamed_class": Bag removed as a label and 20 bags filed under random
 * other labels. Precision and recall of the outlier flags for each.
 */
export async function outlierFigures(labels: string[], items: ItemEmbedding[], backboneId?: string, standardize = false): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const score = async (name: string, pool: { embedding: Float32Array; label: number; hash: string }[], injected: Set<number>, numLabels: number): Promise<void> => {
    const oof = await outOfFoldProbabilities(
      pool.map((p) => p.embedding),
      pool.map((p) => p.label),
      numLabels,
      pool.map((p) => p.hash),
      { standardize },
    );
    const found = findOutliers(
      pool.map((p) => p.embedding),
      pool.map((p) => p.label),
      oof.probabilities,
      numLabels,
    ).outliers.map((o) => o.index);
    const pr = precisionRecall(found, injected);
    Object.assign(out, { [`outlier_${name}_injected`]: injected.size, [`outlier_${name}_flagged`]: pr.found, [`outlier_${name}_precision`]: round(pr.precision), [`outlier_${name}_recall`]: round(pr.recall) });
  };
  const random = seededRandom(99);
  const base = items.map((it) => ({ embedding: it.embedding, label: labels.indexOf(it.label), hash: it.hash }));

  const backbone = await loadBackbone(backboneId);
  let foreign: Float32Array[];
  try {
    foreign = await backbone.embed(Array.from({ length: 20 }, (_, k) => foreignImage(k, backbone.inputSize)));
  } finally {
    backbone.dispose();
  }
  await score(
    "foreign",
    [...base, ...foreign.map((embedding, k) => ({ embedding, label: Math.floor(random() * labels.length), hash: `foreign-${k}` }))],
    new Set(foreign.map((_, k) => base.length + k)),
    labels.length,
  );

  const bag = labels.indexOf("Bag");
  const kept = labels.filter((_, j) => j !== bag);
  const others = items.filter((it) => it.label !== "Bag").map((it) => ({ embedding: it.embedding, label: kept.indexOf(it.label), hash: it.hash }));
  const bags = items.filter((it) => it.label === "Bag").slice(0, 20).map((it) => ({ embedding: it.embedding, label: Math.floor(random() * kept.length), hash: it.hash }));
  await score("unnamed_class", [...others, ...bags], new Set(bags.map((_, k) => others.length + k)), kept.length);
  return out;
}

export async function benchCleaner(options: CleanerBenchOptions = {}): Promise<Record<string, unknown>> {
  if (!existsSync(DATA) || !existsSync(SCRIPT)) return { skipped: `needs ${DATA} (apt-get install dataset-fashion-mnist) and ${SCRIPT}` };
  const root = options.root ?? process.env.LESSON_LAB_BENCH_DIR ?? path.join(tmpdir(), "lesson-lab-bench-cleaner");
  // LESSON_LAB_BENCH_SEEDS=6,7,8,9,10 checks settings chosen on the default seeds on others.
  const seeds = options.seeds ?? (process.env.LESSON_LAB_BENCH_SEEDS ?? "1,2,3,4,5").split(",").map(Number);
  const noise = options.noise ?? 0.1;
  const { tf } = await setupTf();
  const backboneId = options.backbone ?? process.env.LESSON_LAB_BENCH_BACKBONE ?? DEFAULT_BACKBONE_ID;
  const envStandardize = process.env.LESSON_LAB_BENCH_STANDARDIZE;
  const standardize = options.standardize ?? (envStandardize === undefined ? standardizeByDefault(backboneId) : envStandardize === "1");
  const { labels, items, embedSeconds, embedded } = await loadFashion(root, backboneId);
  const numLabels = labels.length;
  const x = items.map((it) => it.embedding);
  const truth = items.map((it) => labels.indexOf(it.label));
  const figures: Record<string, unknown> = { backbone: backboneId, standardize, images: items.length, embedded, embed_seconds: round(embedSeconds, 1) };
  const tensorsBefore = tf.memory().numTensors;

  // Out-of-fold probabilities with the true labels: the ceiling (a ranking by p(noisy label)
  // from heads that learnt the true labels) and the most confused class of each label.
  const cleanOof = await outOfFoldProbabilities(x, truth, numLabels, items.map((it) => it.hash), { standardize });
  const confusion = labels.map(() => new Array<number>(numLabels).fill(0));
  cleanOof.probabilities.forEach((p, i) => confusion[truth[i]][argmax(p)]++);
  const mostConfused = confusion.map((row, i) => argmax(row.map((c, j) => (j === i ? -1 : c))));
  figures.clean_oof_accuracy = round(mean(cleanOof.probabilities.map((p, i) => (argmax(p) === truth[i] ? 1 : 0))));
  figures.most_confused = labels.map((l, i) => `${l}→${labels[mostConfused[i]]}`).join(", ");

  for (const kind of ["uniform", "confusable"] as const) {
    const perSeed: Record<string, number[]> = {};
    const add = (name: string, v: number): void => void (perSeed[name] ??= []).push(v);
    for (const seed of seeds) {
      const { noisy, flipped } = injectNoise(truth, numLabels, noise, seed, kind === "confusable" ? mostConfused : undefined);
      // Scored the way the app and the CLI score (findIssues), on the noisy labels.
      const report = await findIssues({ labels, items: items.map((it, i) => ({ ...it, label: labels[noisy[i]] })) }, { seed, standardize });
      add("kfold_seconds", report.seconds.kfold);
      const byPath = new Map(report.ranking.map((r) => [r.path, Float32Array.from(r.probabilities)]));
      const oof = { probabilities: items.map((it) => byPath.get(it.path) as Float32Array) };
      const k = flipped.size;
      const reported = new Set(report.ranking.flatMap((r) => (r.flagged ? [r.path] : [])));
      const defaultFlags = precisionRecall(
        items.flatMap((it, i) => (reported.has(it.path) ? [i] : [])),
        flipped,
      );
      add("find_issues_flags_precision", defaultFlags.precision);
      add("find_issues_flags_recall", defaultFlags.recall);
      const index = new Map(items.map((it, i) => [it.path, i]));
      add("oof_topk_precision", precisionRecall(report.ranking.slice(0, k).map((r) => index.get(r.path) as number), flipped).precision);
      add("oof_self_confidence_topk_precision", precisionRecall(rankBySelfConfidence(oof.probabilities, noisy).slice(0, k), flipped).precision);
      const headsOnly = await outOfFoldProbabilities(x, noisy, numLabels, items.map((it) => it.hash), { seed, standardize, neighbours: 0 });
      add("oof_heads_only_topk_precision", precisionRecall(rankBySelfConfidence(headsOnly.probabilities, noisy).slice(0, k), flipped).precision);
      add("fastai_topk_precision", precisionRecall((await fastaiRanking(x, noisy, numLabels, seed, standardize, "classifier")).slice(0, k), flipped).precision);
      add("fastai_kfold_head_topk_precision", precisionRecall((await fastaiRanking(x, noisy, numLabels, seed, standardize, "kfold_head")).slice(0, k), flipped).precision);
      add("ceiling_topk_precision", precisionRecall(rankBySelfConfidence(cleanOof.probabilities, noisy).slice(0, k), flipped).precision);
      for (const method of FLAG_METHODS) {
        const issues = findLabelIssues(oof.probabilities, noisy, numLabels, method);
        const pr = precisionRecall(issues.flagged, flipped);
        add(`${method}_precision`, pr.precision);
        add(`${method}_recall`, pr.recall);
        add(`${method}_flagged`, pr.found);
        if (method === FLAG_METHODS[0]) add("cleanlab_estimated_issues", issues.estimatedIssues);
      }
      for (const fraction of [0.1, 0.2]) {
        const pr = precisionRecall(findLabelIssues(oof.probabilities, noisy, numLabels, "below_threshold", fraction).flagged, flipped);
        add(`below_threshold_${fraction}_precision`, pr.precision);
        add(`below_threshold_${fraction}_recall`, pr.recall);
      }
    }
    for (const [name, values] of Object.entries(perSeed)) {
      figures[`${kind}.${name}`] = round(mean(values));
      if (/topk|_precision$|_recall$/.test(name) && !/_0\./.test(name)) figures[`${kind}.${name}_per_seed`] = values.map((v) => round(v));
    }
  }
  figures.injected = Math.round(items.length * noise);
  figures.seeds = seeds;

  // The orchestrator end to end on the clean data (duplicates over every pair included).
  const report = await findIssues({ labels, items }, { standardize, nearDuplicateThreshold: nearDuplicateThresholdFor(backboneId) });
  figures.find_issues_seconds = round(report.seconds.total, 1);
  figures.find_duplicates_seconds = round(report.seconds.duplicates, 2);
  figures.clean_suspects_label = report.suspects.filter((s) => s.issue === "label").length;
  figures.clean_duplicate_pairs = report.duplicates.length;
  figures.clean_outliers = report.outliers.length;

  Object.assign(figures, await outlierFigures(labels, items, backboneId, standardize));
  Object.assign(figures, await nearDuplicateFigures(root, items, 50, backboneId));
  figures.tensor_leak = tf.memory().numTensors - tensorsBefore;
  return figures;
}

// Run alone: `npx tsx bench/cleaner.ts`.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  benchCleaner().then(
    (f) => process.stdout.write(`${JSON.stringify(f, null, 1)}\n`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
