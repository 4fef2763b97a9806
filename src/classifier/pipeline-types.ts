// The options, arguments and result of trainClassifier (pipeline.ts), with the option defaults
// and their check. Separate from the pipeline so that its steps and its callers share these
// types without importing the pipeline itself.
import type { EpochMetrics, FileStore, ImageDecoder, TrainProgress } from "./types";
import { labelCounts, type SkippedFile, type Unreadable } from "./dataset";
import { validPctProblem, type Split } from "./split";
import { HEAD_DEFAULTS } from "./head";
import type { ConfusedPair, ConfusionMatrix, PerClassAccuracy, ProportionInterval, TopLoss } from "./metrics";
import type { SavedModel } from "./model-io";
import type { Embedder } from "./predict";

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

/** A result with nothing found yet (the pipeline fills it in step by step). */
export function emptyResult(folder: string, backbone: string): TrainResult {
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

/** Images per label, as a prototype-free record (dataset.ts labelCounts). */
export function countByLabel(entries: { label: string }[]): Record<string, number> {
  const counts = labelCounts();
  for (const e of entries) counts[e.label] = (counts[e.label] ?? 0) + 1;
  return counts;
}
