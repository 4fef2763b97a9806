// trainClassifier: a folder of labelled images → a trained, evaluated, saved classifier, as
// named steps: scan → read and hash every image once, split by content hash (readAndSplit) →
// embed the views not cached (embedViews) → assemble the training and validation sets
// (assembleSets) → fit the head (fitOnSets) → evaluate on the validation split (evaluateOnSets)
// → save `<folder>.model/` (saveTrained). Each step records what it finds in the run's
// TrainResult; a user problem comes back as a message, cancellation throws AbortError.
import type { RgbImage } from "./types";
import { readDatasetImage, scanDataset, type DatasetScan, type Unreadable } from "./dataset";
import { assignSplit, type Split } from "./split";
import { hash32, sha256Hex } from "../shared/hash";
import { applyAugmentation, augmentParams, viewId } from "./augment";
import { EmbeddingCache } from "./cache";
import { Head } from "./head";
import { evaluate, fitHead, type LabeledEmbeddings } from "./train";
import { throwIfAborted } from "../shared/abort";
import { accuracy as accuracyOf, accuracyInterval, confusionMatrix, mostConfused, perClassAccuracy, topLosses, type ScoredItem } from "./metrics";
import { MODEL_FORMAT, MODEL_VERSION, saveModel, type ModelMetadata } from "./model-io";
import type { Embedder } from "./predict";
import { ensureTf } from "./tf-lazy";
import { standardizeByDefault } from "./backbone";
import { errorText } from "../shared/errors";
import type { FileStore, ImageDecoder, TrainProgress } from "./types";
import { countByLabel, emptyResult, optionsProblem, TRAIN_DEFAULTS, type TrainClassifierArgs, type TrainOptions, type TrainResult } from "./pipeline-types";

export { emptyResult, optionsProblem, TRAIN_DEFAULTS };
export type { ItemEmbedding, TrainClassifierArgs, TrainOptions, TrainResult } from "./pipeline-types";

/** The options with every default filled in (pipeline.ts TRAIN_DEFAULTS). */
export type ResolvedOptions = Required<Omit<TrainOptions, "save" | "standardize">> & Pick<TrainOptions, "save" | "standardize">;

/** One training run: its inputs, resolved options and the result the steps fill in. */
export interface Run {
  store: FileStore;
  decoder: ImageDecoder;
  backbone: Embedder;
  cacheFolder: string | null;
  o: ResolvedOptions;
  /** Augmented views per training image (0 with augment off). */
  augViews: number;
  result: TrainResult;
  progress: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

/** An image on its way through the run: its content hash, its split, and its embedded views. */
export interface Entry {
  path: string;
  label: string;
  hash: string;
  split: Split;
  /** view id (augment.ts viewId) → embedding */
  views: Map<string, Float32Array>;
}

// Images decoded and embedded together: enough views to keep an embed pool's workers busy.
const EMBED_CHUNK = 32;

async function readBytes(store: FileStore, path: string): Promise<Uint8Array | Unreadable> {
  try {
    const bytes = await store.readBinary(path);
    return bytes.byteLength === 0 ? { path, reason: "empty file" } : bytes;
  } catch (error) {
    const missing = !(await store.exists(path).catch(() => false));
    return { path, reason: missing ? "missing: the file was moved or deleted" : `could not read: ${errorText(error)}` };
  }
}

/** Why fewer than two labels are left among `kept` (naming the unreadable files), or null. */
function labelsProblem(run: Run, kept: { label: string }[]): string | null {
  const { unreadable } = run.result;
  const labels = Object.keys(countByLabel(kept));
  if (labels.length >= 2) return null;
  const named = unreadable.slice(0, 10).map((u) => `${u.path} (${u.reason})`);
  const more = unreadable.length - named.length;
  return (
    `after leaving out ${unreadable.length} unreadable image(s), ${labels.length === 0 ? "no label has" : `only "${labels[0]}" has`} usable images; a classifier needs at least two labels. ` +
    `Unreadable: ${named.join("; ")}${more > 0 ? `; and ${more} more` : ""}`
  );
}

/**
 * Reads and hashes every scanned image once (the SHA-256 drives the split and the cache), then
 * splits by content (split.ts assignSplit: duplicates never straddle train and valid). Unreadable
 * files go to result.unreadable. Returns the entries, or a message when fewer than two labels
 * have a readable image.
 */
export async function readAndSplit(run: Run, scan: DatasetScan): Promise<Entry[] | string> {
  const { result, signal } = run;
  const readStart = Date.now();
  const hashed: { path: string; label: string; hash: string }[] = [];
  for (let i = 0; i < scan.items.length; i++) {
    throwIfAborted(signal);
    const item = scan.items[i];
    const bytes = await readBytes(run.store, item.path);
    if (bytes instanceof Uint8Array) hashed.push({ path: item.path, label: item.label, hash: await sha256Hex(bytes) });
    else result.unreadable.push(bytes);
    run.progress({ phase: "decoding", done: i + 1, total: scan.items.length });
  }
  result.seconds.reading = (Date.now() - readStart) / 1000;
  const problem = labelsProblem(run, hashed);
  if (problem) return problem;
  const splits = assignSplit(hashed, { validPct: run.o.validPct, seed: run.o.seed });
  return hashed.map((h) => ({ ...h, split: splits.get(h.path) ?? "train", views: new Map() }));
}

/** The views an entry needs: "plain" for every image, plus augViews augmented ones for a training image. */
function viewsOf(run: Run, e: Entry): string[] {
  return (e.split === "train" ? [0, ...Array.from({ length: run.augViews }, (_, k) => k + 1)] : [0]).map(viewId);
}

/**
 * Fills every entry's views: from the embedding cache first, then the backbone for what is
 * missing (decoded once per image, augmented views made from the decoded image, embedded in
 * chunks of EMBED_CHUNK images). Sets result.cached and result.embedded (views); an image that
 * no longer decodes goes to result.unreadable. The cache is saved even when cancelled, so the
 * next run resumes from it. Returns the paths of the images left out.
 */
export async function embedViews(run: Run, entries: Entry[]): Promise<Set<string>> {
  const { backbone, result, signal, progress } = run;
  const embedStart = Date.now();
  await ensureTf();
  const cache = run.cacheFolder ? await EmbeddingCache.open(run.store, run.cacheFolder, backbone.id, backbone.dim, result.warnings) : null;
  const total = entries.reduce((n, e) => n + viewsOf(run, e).length, 0);
  const pending: Entry[] = [];
  for (const e of entries) {
    for (const v of viewsOf(run, e)) {
      const hit = cache?.get(e.hash, v);
      if (hit) e.views.set(v, hit);
    }
    if (e.views.size < viewsOf(run, e).length) pending.push(e);
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
        const read = await readDatasetImage(run.store, run.decoder, entry.path, backbone.inputSize);
        if ("unreadable" in read) {
          result.unreadable.push(read.unreadable);
          dropped.add(entry.path);
          done += viewsOf(run, entry).length - entry.views.size;
          continue;
        }
        // The file may have changed since it was hashed: key the cache by what was decoded.
        entry.hash = await sha256Hex(read.bytes);
        const imageSeed = hash32(entry.hash, 0);
        for (const v of viewsOf(run, entry)) {
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
  return dropped;
}

/** The embedded images as the head's training set (every view) and validation set (plain views), labels as indices into result.labels. */
export interface TrainingSets {
  train: LabeledEmbeddings;
  valid: LabeledEmbeddings;
  /** The images behind valid, in its order. */
  validEntries: Entry[];
  /** Every usable image (train and valid). */
  usable: Entry[];
}

/**
 * Builds the training and validation sets from the usable entries and sets result.labels (sorted),
 * counts, trainCount and validCount. Returns a message when fewer than two labels or no training
 * image is left; warns about labels left without a readable image and about an empty validation split.
 */
export function assembleSets(run: Run, entries: Entry[], dropped: Set<string>, scannedLabels: string[]): TrainingSets | string {
  const { result } = run;
  const usable = entries.filter((e) => !dropped.has(e.path));
  const late = labelsProblem(run, usable);
  if (late) return late;
  result.labels = [...new Set(usable.map((e) => e.label))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  result.counts = countByLabel(usable);
  for (const label of scannedLabels) {
    if (!result.labels.includes(label)) result.warnings.push(`label "${label}" has no readable image; it is left out`);
  }
  const labelIndex = new Map(result.labels.map((l, i) => [l, i]));
  const train: LabeledEmbeddings = { x: [], y: [] };
  const valid: LabeledEmbeddings = { x: [], y: [] };
  const validEntries: Entry[] = [];
  for (const e of usable) {
    const y = labelIndex.get(e.label) as number;
    if (e.split === "train") {
      for (const v of viewsOf(run, e)) {
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
  if (result.trainCount === 0) return "no image is left for training: lower the validation fraction or add images";
  if (validEntries.length === 0) result.warnings.push("the validation split is empty (too few images or a validation fraction of 0): the model was trained without validation metrics");
  return { train, valid, validEntries, usable };
}

/** Fits the head (train.ts fitHead: Adam, shuffled mini-batches, fastai's per-epoch metrics) after fitting its standardiser on the training set; sets result.epochs and seconds.training. */
export async function fitOnSets(run: Run, head: Head, sets: TrainingSets): Promise<void> {
  const { o, result } = run;
  const trainStart = Date.now();
  head.fitStandardizer(sets.train.x);
  run.progress({ phase: "training", epoch: 0, epochs: o.epochs });
  result.epochs = await fitHead(head, sets.train, sets.valid, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    signal: run.signal,
    onEpoch: (metrics) => run.progress({ phase: "training", epoch: metrics.epoch + 1, epochs: o.epochs, metrics }),
  });
  result.seconds.training = (Date.now() - trainStart) / 1000;
}

/**
 * fastai's interpretation on the validation split (confusion matrix, per-class accuracy,
 * most_confused, top_losses, accuracy and error_rate with a 95% Wilson interval), and every
 * usable image's plain embedding with the head's probabilities (result.embeddings, for the cleaner).
 */
export function evaluateOnSets(run: Run, head: Head, sets: TrainingSets): void {
  const { result } = run;
  const evaluation = evaluate(head, sets.valid);
  const scored: ScoredItem[] = sets.validEntries.map((e, i) => ({ path: e.path, actual: sets.valid.y[i], probabilities: evaluation.probabilities[i] }));
  if (scored.length > 0) {
    result.confusion = confusionMatrix(result.labels, scored);
    result.perClass = perClassAccuracy(result.confusion);
    result.mostConfused = mostConfused(result.labels, scored);
    result.topLosses = topLosses(result.labels, scored);
    result.accuracy = accuracyOf(scored);
    result.errorRate = result.accuracy === null ? null : 1 - result.accuracy;
    result.accuracyInterval = accuracyInterval(result.accuracy, scored.length);
  }
  const plain = sets.usable.map((e) => e.views.get("plain") as Float32Array);
  const probabilities = head.predict(plain);
  result.embeddings = sets.usable.map((e, i) => ({ path: e.path, label: e.label, split: e.split, hash: e.hash, embedding: plain[i], probabilities: probabilities[i] }));
}

/** Folds the standardiser into the head and saves `<datasetFolder>.model/` (model-io.ts saveModel) with the run's metadata; sets result.model. */
export async function saveTrained(run: Run, head: Head, datasetFolder: string): Promise<void> {
  const { o, result, backbone } = run;
  run.progress({ phase: "saving", message: "Saving the model" });
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
    dataset: datasetFolder,
    counts: result.counts,
    options: { validPct: o.validPct, seed: o.seed, epochs: o.epochs, lr: o.lr, augment: o.augment, augViews: run.augViews },
  };
  result.model = await saveModel(run.store, datasetFolder, head, metadata, { signal: run.signal });
  run.progress({ phase: "saving", message: `Saved ${result.model.folder}` });
}

/**
 * Trains an image classifier on the dataset `args.folder` of `args.store`, whose sub-folders are
 * the labels: a frozen backbone embeds every image (and, for training images, `augViews`
 * augmented copies, fastai's default augmentations), a small softmax head is trained on the
 * embeddings, evaluated on a validation split, and saved beside the dataset as
 * `<folder>.model/` (the previous model kept as `<folder>.model.previous-<time>/`).
 *
 * Recipe: fastai's (lesson 2, `vision_learner` with a frozen body): `valid_pct` 0.2 split by a
 * seed, the augmentations of `aug_transforms`, the per-epoch table `epoch, train_loss,
 * valid_loss, error_rate, time`, and `ClassificationInterpretation`'s confusion matrix,
 * most_confused and top_losses; the head alone is trained with Adam (lr 3e-3), as Teachable
 * Machine does.
 *
 * Shapes and units: the backbone takes `inputSize`×`inputSize` RGB images and gives `dim`-d
 * float32 embeddings; `result.embeddings[i].embedding` is that [dim] vector of the plain image and
 * `.probabilities` the head's [labels.length] softmax output, in `result.labels` order (sorted).
 * Counts are images except `embedded`/`cached` (views); `seconds` are wall-clock seconds;
 * accuracy and error rate are fractions in [0, 1] on the validation split (null without one).
 *
 * Errors: a user problem (bad option, missing or empty folder, fewer than two labels with a
 * readable image, no image left for training) comes back as `result.error`, nothing saved.
 * Cancellation (`args.signal`) rejects with AbortError (shared/abort.ts): no model is written,
 * the embeddings made so far are kept in the cache. Other rejections are faults of the system
 * (a store that cannot write, a backbone that fails). The dataset is only ever read.
 */
export async function trainClassifier(args: TrainClassifierArgs): Promise<TrainResult> {
  const started = Date.now();
  // Options given as undefined (an absent CLI flag) keep their defaults.
  const given = Object.fromEntries(Object.entries(args.options ?? {}).filter(([, v]) => v !== undefined)) as TrainOptions;
  const o: ResolvedOptions = { ...TRAIN_DEFAULTS, ...given };
  const result = emptyResult(args.folder, args.backbone.id);
  const problem = optionsProblem(o);
  if (problem) return { ...result, error: problem };
  const run: Run = {
    store: args.store,
    decoder: args.decoder,
    backbone: args.backbone,
    cacheFolder: args.cacheFolder ?? null,
    o,
    augViews: o.augment ? o.augViews : 0,
    result,
    progress: (p) => args.onProgress?.(p),
    signal: args.signal,
  };

  const scan = await scanStep(run, args.folder);
  if (scan.error) return { ...result, error: scan.error };
  const entries = await readAndSplit(run, scan);
  if (typeof entries === "string") return { ...result, error: entries };
  const dropped = await embedViews(run, entries);
  const sets = assembleSets(run, entries, dropped, scan.labels);
  if (typeof sets === "string") return { ...result, error: sets };

  const head = Head.create(args.backbone.dim, result.labels.length, { lr: o.lr, seed: o.seed, hidden: o.hidden, standardize: given.standardize ?? standardizeByDefault(args.backbone.id) });
  try {
    await fitOnSets(run, head, sets);
    evaluateOnSets(run, head, sets);
    throwIfAborted(args.signal);
    if (o.save !== false) await saveTrained(run, head, scan.folder);
  } finally {
    head.dispose();
  }
  result.seconds.total = (Date.now() - started) / 1000;
  return result;
}

/** Scans the dataset folder (dataset.ts scanDataset) and records its labels, counts, unlabeled and skipped files and warnings. */
async function scanStep(run: Run, folder: string): Promise<DatasetScan> {
  const { result } = run;
  throwIfAborted(run.signal);
  run.progress({ phase: "scanning", message: `Scanning ${folder}` });
  const scan = await scanDataset(run.store, folder);
  result.folder = scan.folder;
  result.unlabeled = scan.unlabeled;
  result.skipped = scan.skipped;
  result.warnings.push(...scan.warnings);
  result.labels = scan.labels;
  result.counts = scan.counts;
  if (!scan.error) run.progress({ phase: "scanning", message: `Found ${scan.items.length} images in ${scan.labels.length} labels` });
  return scan;
}
