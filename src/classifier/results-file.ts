// results.json, saved beside a trained model so that the panel can show its interpretation again
// later: its shape, how it is made from a training result, and how it is read back (refusing
// anything malformed). Pure: no Obsidian, no tfjs.
import type { EpochMetrics } from "./types";
import type { TrainResult } from "./pipeline";
import { readEpoch } from "./model-io";
import type { ConfusedPair, ConfusionMatrix, PerClassAccuracy, TopLoss } from "./metrics";

/** The name of the file beside a model's metadata.json. */
export const RESULTS_FILE = "results.json";

/** What the panel shows after training, also saved beside the model (results.json) to show it again later. */
export interface ResultsData {
  labels: string[];
  epochs: EpochMetrics[];
  accuracy: number | null;
  errorRate: number | null;
  trainCount: number;
  validCount: number;
  confusion: ConfusionMatrix | null;
  perClass: PerClassAccuracy[];
  mostConfused: ConfusedPair[];
  /** Every validation image, highest loss first (the confusion cells are made from these). */
  topLosses: TopLoss[];
}

/** The part of a training result that the panel shows, as saved to results.json. */
export function resultsDataOf(r: TrainResult): ResultsData {
  return {
    labels: r.labels,
    epochs: r.epochs,
    accuracy: r.accuracy,
    errorRate: r.errorRate,
    trainCount: r.trainCount,
    validCount: r.validCount,
    confusion: r.confusion,
    perClass: r.perClass,
    mostConfused: r.mostConfused,
    topLosses: r.topLosses,
  };
}

type Row = Record<string, unknown>;
const isRow = (x: unknown): x is Row => typeof x === "object" && x !== null && !Array.isArray(x);
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): boolean => isNumber(v) && Number.isInteger(v) && v >= 0;
const isProbability = (v: unknown): boolean => isNumber(v) && v >= 0 && v <= 1;
const isText = (v: unknown): boolean => typeof v === "string";

function isTopLoss(x: unknown): x is TopLoss {
  return isRow(x) && isText(x.path) && isText(x.actual) && isText(x.predicted) && isNumber(x.loss) && isProbability(x.probabilityPredicted) && isProbability(x.probabilityActual);
}

function isPerClass(x: unknown): x is PerClassAccuracy {
  return isRow(x) && isText(x.label) && isCount(x.count) && isCount(x.correct) && (x.accuracy === null || isProbability(x.accuracy));
}

function isConfusedPair(x: unknown): x is ConfusedPair {
  return isRow(x) && isText(x.actual) && isText(x.predicted) && isCount(x.count) && Array.isArray(x.paths) && x.paths.every(isText);
}

/**
 * Parses results.json saved beside a model; null when absent or malformed (older model, a damaged
 * file, labels that are not `labels`), so that the panel falls back to metadata.json's metrics.
 */
export function parseResults(text: string, labels?: readonly string[]): ResultsData | null {
  try {
    const r = JSON.parse(text) as Partial<ResultsData>;
    if (typeof r !== "object" || r === null) return null;
    if (!Array.isArray(r.labels) || !Array.isArray(r.epochs) || !Array.isArray(r.topLosses) || !Array.isArray(r.perClass) || !Array.isArray(r.mostConfused)) return null;
    if (!r.labels.every((l) => typeof l === "string")) return null;
    if (labels && (r.labels.length !== labels.length || r.labels.some((l, i) => l !== labels[i]))) return null;
    const epochs = r.epochs.map(readEpoch);
    if (epochs.some((e) => e === null)) return null;
    // Each row is drawn field by field: a row missing one, or of the wrong type, would show
    // "undefined" or "NaN%", so the whole file is refused instead.
    if (!r.topLosses.every(isTopLoss) || !r.perClass.every(isPerClass) || !r.mostConfused.every(isConfusedPair)) return null;
    const m = r.confusion?.matrix;
    const n = r.labels.length;
    const confusionOk = Array.isArray(m) && m.length === n && m.every((row) => Array.isArray(row) && row.length === n && row.every((v) => typeof v === "number" && Number.isFinite(v)));
    return {
      labels: r.labels,
      epochs: epochs as EpochMetrics[],
      accuracy: isProbability(r.accuracy) ? (r.accuracy as number) : null,
      errorRate: isProbability(r.errorRate) ? (r.errorRate as number) : null,
      trainCount: isCount(r.trainCount) ? (r.trainCount as number) : 0,
      validCount: isCount(r.validCount) ? (r.validCount as number) : 0,
      confusion: r.confusion && confusionOk ? r.confusion : null,
      perClass: r.perClass,
      mostConfused: r.mostConfused,
      topLosses: r.topLosses,
    };
  } catch {
    return null;
  }
}
