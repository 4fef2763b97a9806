// The model card an exported web app and `lesson-lab serve`'s GET /info show: what the model
// tells about itself, from its metadata.json (and results.json beside it, for models whose
// metadata predates the confusion matrix). Pure: no tfjs, no Obsidian, no file access.
import type { ModelMetadata } from "../classifier/model-io";
import type { ConfusionMatrix } from "../classifier/metrics";

export interface ModelCard {
  /** The page's title (the --title given, else "<dataset> classifier"). */
  title: string;
  /** Labels in the model's output order. */
  labels: string[];
  /** Training images per label, as [label, count] pairs in label order (an array: labels may be "__proto__" or "3"). */
  counts: [string, number][];
  /** Validation accuracy 0..1 (fastai's 1 - error_rate); null without a validation split. */
  accuracy: number | null;
  error_rate: number | null;
  train_count: number;
  valid_count: number;
  /** Rows actual, columns predicted, both in `labels` order; null when unknown. */
  confusion: ConfusionMatrix | null;
  backbone: string;
  /** Side of the square image the backbone takes, in pixels. */
  imageSize: number;
  /** ISO 8601 time the model was saved. */
  trainedAt: string;
  /** The dataset folder it was trained on (vault or folder relative path). */
  dataset: string;
  epochs: number;
}

function finiteOrNull(x: unknown): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

/** A rate 0..1 rounded to 1e-6, so that 1 - 0.8 reads 0.2 rather than 0.19999999999999996; null when not finite. */
export function rateOrNull(x: unknown): number | null {
  const v = finiteOrNull(x);
  return v === null ? null : Math.round(v * 1e6) / 1e6;
}

function validConfusion(c: unknown, labels: string[]): ConfusionMatrix | null {
  if (typeof c !== "object" || c === null) return null;
  const m = c as Partial<ConfusionMatrix>;
  if (!Array.isArray(m.labels) || !Array.isArray(m.matrix)) return null;
  if (m.labels.length !== labels.length || m.labels.some((l, i) => l !== labels[i])) return null;
  if (m.matrix.length !== labels.length) return null;
  for (const row of m.matrix) {
    if (!Array.isArray(row) || row.length !== labels.length || row.some((n) => typeof n !== "number" || !Number.isFinite(n) || n < 0)) return null;
  }
  return { labels: [...m.labels], matrix: m.matrix.map((r) => [...r]) };
}

/** The card of a model; `resultsConfusion` is results.json's matrix when metadata has none. */
export function modelCard(metadata: ModelMetadata, options: { title?: string; resultsConfusion?: unknown } = {}): ModelCard {
  const labels = [...metadata.labels];
  const counts: [string, number][] = labels.map((l) => {
    const n = Object.prototype.hasOwnProperty.call(metadata.counts ?? {}, l) ? (metadata.counts as Record<string, unknown>)[l] : undefined;
    return [l, typeof n === "number" && Number.isFinite(n) ? n : 0];
  });
  const metrics = (metadata.metrics ?? {}) as Partial<ModelMetadata["metrics"]>;
  const title = options.title?.trim() || `${metadata.dataset.split("/").pop() || "Image"} classifier`;
  return {
    title,
    labels,
    counts,
    accuracy: rateOrNull(metrics.accuracy),
    error_rate: rateOrNull(metrics.error_rate),
    train_count: finiteOrNull(metrics.train_count) ?? 0,
    valid_count: finiteOrNull(metrics.valid_count) ?? 0,
    confusion: validConfusion(metrics.confusion, labels) ?? validConfusion(options.resultsConfusion, labels),
    backbone: metadata.backbone,
    imageSize: metadata.imageSize,
    trainedAt: metadata.trainedAt,
    dataset: metadata.dataset,
    epochs: Array.isArray(metrics.epochs) ? metrics.epochs.length : 0,
  };
}
