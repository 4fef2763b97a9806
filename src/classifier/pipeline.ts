// trainClassifier: folder of labelled images → trained, evaluated, saved classifier.
//
// scan → read + hash every image once → split by content hash → for images whose views are
// not cached: decode once, make the views (plain; augmented ones for training images),
// embed, cache → train the head → evaluate on the validation split → save `<folder>.model/`.
// User problems (missing folder, one label…) come back as `{error}`; only cancellation
// (AbortError) and programming/system faults throw. The dataset is only ever read.
import type { EpochMetrics, FileStore, ImageDecoder, RgbImage, TrainProgress } from "./types";
import { labelCounts, readDatasetImage, scanDataset, type SkippedFile, type Unreadable } from "./dataset";
import { assignSplit, validPctProblem, type Split } from "./split";
import { hash32, sha256Hex } from "../shared/hash";
import { applyAugmentation, augmentParams, viewId } from "./augment";
import { EmbeddingCache } from "./cache";
import { Head, HEAD_DEFAULTS } from "./head";
import { evaluate, fitHead, type LabeledEmbeddings } from "./train";
import { throwIfAborted } from "../shared/abort";
import {
  accuracy as accuracyOf,
  accuracyInterval,
  confusionMatrix,
  mostConfused,
  perClassAccuracy,
  topLosses,
  type ConfusedPair,
  type ConfusionMatrix,
  type PerClassAccuracy,
  type ProportionInterval,
  type ScoredItem,
  type TopLoss,
} from "./metrics";
import { MODEL_FORMAT, MODEL_VERSION, saveModel, type ModelMetadata, type SavedModel } from "./model-io";
import type { Embedder } from "./predict";
import { ensureTf } from "./tf-lazy";
import { standardizeByDefault } from "./backbone";
import { errorText } from "../shared/errors";

export interface TrainOptions {
  /** Passes over the training embeddings. Default 10 (cheap: only the head trains). */
  epochs?: number;
  /** Fraction of images kept for validation (fastai's valid_pct). Default 0.2. */
  validPct?: number;
  /** Seeds the split, the head's initialisation and the shuffling. Default 42. */
  seed?: number;
  /** Adam learning rate. Default 3e-3. */
  lr?: number;
  /** Train on augmented views of the training images too. Default true. */
  augment?: boolean;
  /** Augmented views per training image when augment is on. Default 2. */
  augViews?: number;
  /** Hidden units of the head; 0 = linear head (default). */
  hidden?: number;
  /** Standardise embeddings before the head. Default: what the backbone asks for (standardizeByDefault in backbone.ts). */
  standardize?: boolean;
  batchSize?: number;
  /** Save `<folder>.model/`. Default true. */
  save?: boolean;
}

export const TRAIN_DEFAULTS = { epochs: 10, validPct: 0.2, seed: 42, lr: HEAD_DEFAULTS.lr, augment: true, augViews: 2, hidden: 0, batchSize: 32 } as const;

export interface TrainClassifierArgs {
  store: FileStore;
  /** The dataset folder, a store path: its sub-folders are the labels. */
  folder: string;
  decoder: ImageDecoder;
  /** The frozen feature extractor (a Backbone, or an embed pool wrapped as an Embedder). */
  backbone: Embedder;
  /** Store folder for the embedding cache; null or undefined = no cache. */
  cacheFolder?: string | null;
  options?: TrainOptions;
  onProgress?: (progress: TrainProgress) => void;
  signal?: AbortSignal;
}

/** Per image, for the cleaner: what the network saw and what the head thinks of it. */
export interface ItemEmbedding {
  path: string;
  label: string;
  split: Split;
  hash: string;
  /** Backbone embedding of the plain (unaugmented) image. */
  embedding: Float32Array;
  /** The trained head's probabilities on the plain image, labels order. */
  probabilities: Float32Array;
}

export interface TrainResult {
  /** Why nothing was trained (a message for the user); null on success. */
  error: string | null;
  folder: string;
  /** The id of the backbone the embeddings come from (the cleaner's defaults follow it). */
  backbone: string;
  labels: string[];
  /** Usable images per label (unreadable ones left out). */
  counts: Record<string, number>;
  unreadable: Unreadable[];
  unlabeled: string[];
  /** Files under the folder not used, with why (dataset.ts scanDataset); absent before a scan. */
  skipped?: SkippedFile[];
  warnings: string[];
  epochs: EpochMetrics[];
  confusion: ConfusionMatrix | null;
  perClass: PerClassAccuracy[];
  mostConfused: ConfusedPair[];
  topLosses: TopLoss[];
  /** On the validation split; null without one. */
  accuracy: number | null;
  errorRate: number | null;
  /** 95% Wilson score interval of the validation accuracy (metrics.ts wilsonInterval); null without a validation split. */
  accuracyInterval: ProportionInterval | null;
  trainCount: number;
  validCount: number;
  model: SavedModel | null;
  embeddings: ItemEmbedding[];
  /** Views embedded by the backbone in this run, and views found in the cache. */
  embedded: number;
  cached: number;
  seconds: { reading: number; embedding: number; training: number; total: number };
}

function emptyResult(folder: string, backbone: string): TrainResult {
  return {
    error: null,
    folder,
    backbone,
    labels: [],
    counts: labelCounts(),
    unreadable: [],
    unlabeled: [],
    skipped: [],
    warnings: [],
    epochs: [],
    confusion: null,
    perClass: [],
    mostConfused: [],
    topLosses: [],
    accuracy: null,
    errorRate: null,
    accuracyInterval: null,
    trainCount: 0,
    validCount: 0,
    model: null,
    embeddings: [],
    embedded: 0,
    cached: 0,
    seconds: { reading: 0, embedding: 0, training: 0, total: 0 },
  };
}

/** A problem with the options, as a message; null when they are usable. */
export function optionsProblem(o: Required<Omit<TrainOptions, "save" | "standardize">>): string | null {
  if (!Number.isInteger(o.epochs) || o.epochs < 1 || o.epochs > 1000) return `epochs must be a whole number from 1 to 1000; got ${o.epochs}`;
  const split = validPctProblem(o.validPct);
  if (split) return split;
  if (!Number.isFinite(o.seed)) return `the seed must be a number; got ${o.seed}`;
  if (!(o.lr > 0 && o.lr <= 1)) return `the learning rate must be above 0 and at most 1; got ${o.lr}`;
  if (!Number.isInteger(o.augViews) || o.augViews < 0 || o.augViews > 16) return `augmented views must be a whole number from 0 to 16; got ${o.augViews}`;
  if (!Number.isInteger(o.hidden) || o.hidden < 0 || o.hidden > 4096) return `hidden units must be a whole number from 0 to 4096; got ${o.hidden}`;
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) return `the batch size must be a whole number of at least 1; got ${o.batchSize}`;
  return null;
}

interface Entry {
  path: string;
  label: string;
  hash: string;
  split: Split;
  /** view id → embedding */
  views: Map<string, Float32Array>;
}

// Images decoded and embedded together: enough views to keep an embed pool's workers busy.
const EMBED_CHUNK = 32;

function countByLabel(entries: { label: string }[]): Record<string, number> {
  const counts = labelCounts();
  for (const e of entries) counts[e.label] = (counts[e.label] ?? 0) + 1;
  return counts;
}

async function readBytes(store: FileStore, path: string): Promise<Uint8Array | Unreadable> {
  try {
    const bytes = await store.readBinary(path);
    return bytes.byteLength === 0 ? { path, reason: "empty file" } : bytes;
  } catch (error) {
    const missing = !(await store.exists(path).catch(() => false));
    return { path, reason: missing ? "missing: the file was moved or deleted" : `could not read: ${errorText(error)}` };
  }
}

export async function trainClassifier(args: TrainClassifierArgs): Promise<TrainResult> {
  const { store, decoder, backbone, signal } = args;
  const started = Date.now();
  const progress = (p: TrainProgress): void => args.onProgress?.(p);
  // Options given as undefined (an absent CLI flag) keep their defaults.
  const given = Object.fromEntries(Object.entries(args.options ?? {}).filter(([, v]) => v !== undefined)) as TrainOptions;
  const o = { ...TRAIN_DEFAULTS, ...given };
  const augViews = o.augment ? o.augViews : 0;
  const result = emptyResult(args.folder, args.backbone.id);
  const problem = optionsProblem(o);
  if (problem) return { ...result, error: problem };

  // 1. Scan.
  throwIfAborted(signal);
  progress({ phase: "scanning", message: `Scanning ${args.folder}` });
  const scan = await scanDataset(store, args.folder);
  result.folder = scan.folder;
  result.unlabeled = scan.unlabeled;
  result.skipped = scan.skipped;
  result.warnings.push(...scan.warnings);
  result.labels = scan.labels;
  result.counts = scan.counts;
  if (scan.error) return { ...result, error: scan.error };
  progress({ phase: "scanning", message: `Found ${scan.items.length} images in ${scan.labels.length} labels` });

  // 2. Read and hash every image once (the hash drives the split and the cache).
  const readStart = Date.now();
  const hashed: { path: string; label: string; hash: string }[] = [];
  for (let i = 0; i < scan.items.length; i++) {
    throwIfAborted(signal);
    const item = scan.items[i];
    const bytes = await readBytes(store, item.path);
    if (bytes instanceof Uint8Array) hashed.push({ path: item.path, label: item.label, hash: await sha256Hex(bytes) });
    else result.unreadable.push(bytes);
    progress({ phase: "decoding", done: i + 1, total: scan.items.length });
  }
  result.seconds.reading = (Date.now() - readStart) / 1000;

  const labelsProblem = (kept: { label: string }[]): string | null => {
    const labels = Object.keys(countByLabel(kept));
    if (labels.length >= 2) return null;
    const named = result.unreadable.slice(0, 10).map((u) => `${u.path} (${u.reason})`);
    const more = result.unreadable.length - named.length;
    return (
      `after leaving out ${result.unreadable.length} unreadable image(s), ${labels.length === 0 ? "no label has" : `only "${labels[0]}" has`} usable images; a classifier needs at least two labels. ` +
      `Unreadable: ${named.join("; ")}${more > 0 ? `; and ${more} more` : ""}`
    );
  };
  const early = labelsProblem(hashed);
  if (early) return { ...result, error: early };

  // 3. Split by content, so duplicates never straddle train and valid.
  const splits = assignSplit(hashed, { validPct: o.validPct, seed: o.seed });
  const entries: Entry[] = hashed.map((h) => ({ ...h, split: splits.get(h.path) ?? "train", views: new Map() }));

  // 4. Embeddings: cache first, then the backbone for what is missing.
  const embedStart = Date.now();
  await ensureTf();
  const cache = args.cacheFolder ? await EmbeddingCache.open(store, args.cacheFolder, backbone.id, backbone.dim, result.warnings) : null;
  const viewsOf = (e: Entry): string[] => (e.split === "train" ? [0, ...Array.from({ length: augViews }, (_, k) => k + 1)] : [0]).map(viewId);
  const total = entries.reduce((n, e) => n + viewsOf(e).length, 0);
  const pending: Entry[] = [];
  for (const e of entries) {
    for (const v of viewsOf(e)) {
      const hit = cache?.get(e.hash, v);
      if (hit) e.views.set(v, hit);
    }
    if (e.views.size < viewsOf(e).length) pending.push(e);
  }
  result.cached = entries.reduce((n, e) => n + e.views.size, 0);
  let done = result.cached;
  let embeddedSeconds = 0;
  progress({ phase: "embedding", done, total, imagesPerSecond: 0, cached: result.cached });
  const dropped = new Set<string>();
  try {
    for (let start = 0; start < pending.length; start += EMBED_CHUNK) {
      throwIfAborted(signal);
      const chunk = pending.slice(start, start + EMBED_CHUNK);
      const images: RgbImage[] = [];
      const targets: { entry: Entry; view: string }[] = [];
      for (const entry of chunk) {
        const read = await readDatasetImage(store, decoder, entry.path, backbone.inputSize);
        if ("unreadable" in read) {
          result.unreadable.push(read.unreadable);
          dropped.add(entry.path);
          done += viewsOf(entry).length - entry.views.size;
          continue;
        }
        // The file may have changed since it was hashed: key the cache by what was decoded.
        entry.hash = await sha256Hex(read.bytes);
        const imageSeed = hash32(entry.hash, 0);
        for (const v of viewsOf(entry)) {
          if (entry.views.has(v)) continue;
          const index = v === "plain" ? 0 : Number(v.slice(3));
          images.push(index === 0 ? read.image : applyAugmentation(read.image, augmentParams(imageSeed, index)));
          targets.push({ entry, view: v });
        }
      }
      if (images.length === 0) continue;
      const t0 = Date.now();
      const rate = (extra: number): number => (result.embedded + extra) / Math.max(1e-3, embeddedSeconds + (Date.now() - t0) / 1000);
      const vectors = await backbone.embed(
        images,
        (d) => progress({ phase: "embedding", done: done + d, total, imagesPerSecond: rate(d), cached: result.cached }),
        signal,
      );
      throwIfAborted(signal);
      embeddedSeconds += (Date.now() - t0) / 1000;
      if (vectors.length !== images.length) throw new Error(`The backbone returned ${vectors.length} embeddings for ${images.length} images.`);
      vectors.forEach((vec, i) => {
        const { entry, view } = targets[i];
        entry.views.set(view, vec);
        cache?.set(entry.hash, view, vec);
      });
      result.embedded += vectors.length;
      done += vectors.length;
      progress({ phase: "embedding", done, total, imagesPerSecond: embeddedSeconds > 0 ? result.embedded / embeddedSeconds : 0, cached: result.cached });
    }
  } finally {
    // Keep what was embedded, even when cancelled: the next run resumes from it.
    if (cache) {
      await cache.save().catch((error: unknown) => {
        result.warnings.push(`the embedding cache could not be saved (${errorText(error)})`);
      });
    }
  }
  result.seconds.embedding = (Date.now() - embedStart) / 1000;

  const usable = entries.filter((e) => !dropped.has(e.path));
  const late = labelsProblem(usable);
  if (late) return { ...result, error: late };
  result.labels = [...new Set(usable.map((e) => e.label))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  result.counts = countByLabel(usable);
  for (const label of scan.labels) {
    if (!result.labels.includes(label)) result.warnings.push(`label "${label}" has no readable image; it is left out`);
  }
  const labelIndex = new Map(result.labels.map((l, i) => [l, i]));
  const train: LabeledEmbeddings = { x: [], y: [] };
  const valid: LabeledEmbeddings = { x: [], y: [] };
  const validEntries: Entry[] = [];
  for (const e of usable) {
    const y = labelIndex.get(e.label) as number;
    if (e.split === "train") {
      for (const v of viewsOf(e)) {
        train.x.push(e.views.get(v) as Float32Array);
        train.y.push(y);
      }
    } else {
      valid.x.push(e.views.get("plain") as Float32Array);
      valid.y.push(y);
      validEntries.push(e);
    }
  }
  result.trainCount = usable.length - validEntries.length;
  result.validCount = validEntries.length;
  if (result.trainCount === 0) return { ...result, error: "no image is left for training: lower the validation fraction or add images" };
  if (validEntries.length === 0) result.warnings.push("the validation split is empty (too few images or a validation fraction of 0): the model was trained without validation metrics");

  // 5. Train the head.
  const trainStart = Date.now();
  const head = Head.create(backbone.dim, result.labels.length, { lr: o.lr, seed: o.seed, hidden: o.hidden, standardize: given.standardize ?? standardizeByDefault(backbone.id) });
  try {
    head.fitStandardizer(train.x);
    progress({ phase: "training", epoch: 0, epochs: o.epochs });
    result.epochs = await fitHead(head, train, valid, {
      epochs: o.epochs,
      batchSize: o.batchSize,
      seed: o.seed,
      signal,
      onEpoch: (metrics) => progress({ phase: "training", epoch: metrics.epoch + 1, epochs: o.epochs, metrics }),
    });
    result.seconds.training = (Date.now() - trainStart) / 1000;

    // 6. Interpretation on the validation split.
    const evaluation = evaluate(head, valid);
    const scored: ScoredItem[] = validEntries.map((e, i) => ({ path: e.path, actual: valid.y[i], probabilities: evaluation.probabilities[i] }));
    if (scored.length > 0) {
      result.confusion = confusionMatrix(result.labels, scored);
      result.perClass = perClassAccuracy(result.confusion);
      result.mostConfused = mostConfused(result.labels, scored);
      result.topLosses = topLosses(result.labels, scored);
      result.accuracy = accuracyOf(scored);
      result.errorRate = result.accuracy === null ? null : 1 - result.accuracy;
      result.accuracyInterval = accuracyInterval(result.accuracy, scored.length);
    }
    const plain = usable.map((e) => e.views.get("plain") as Float32Array);
    const probabilities = head.predict(plain);
    result.embeddings = usable.map((e, i) => ({ path: e.path, label: e.label, split: e.split, hash: e.hash, embedding: plain[i], probabilities: probabilities[i] }));

    // 7. Save.
    throwIfAborted(signal);
    if (o.save !== false) {
      progress({ phase: "saving", message: "Saving the model" });
      head.foldStandardization();
      const metadata: ModelMetadata = {
        format: MODEL_FORMAT,
        version: MODEL_VERSION,
        labels: result.labels,
        backbone: backbone.id,
        imageSize: backbone.inputSize,
        embeddingDim: backbone.dim,
        head: head.config,
        metrics: {
          error_rate: result.errorRate,
          accuracy: result.accuracy,
          valid_count: result.validCount,
          train_count: result.trainCount,
          epochs: result.epochs,
          confusion: result.confusion,
        },
        trainedAt: new Date().toISOString(),
        dataset: scan.folder,
        counts: result.counts,
        options: { validPct: o.validPct, seed: o.seed, epochs: o.epochs, lr: o.lr, augment: o.augment, augViews },
      };
      result.model = await saveModel(store, scan.folder, head, metadata, { signal });
      progress({ phase: "saving", message: `Saved ${result.model.folder}` });
    }
  } finally {
    head.dispose();
  }
  result.seconds.total = (Date.now() - started) / 1000;
  return result;
}
