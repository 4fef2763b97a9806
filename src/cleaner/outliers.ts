// Outliers: images that fit no label (a screenshot in a folder of bears).
// Pure: embeddings, labels and out-of-fold probabilities in, indices out.
//
// An image is an outlier when it is far from every class: for each label j, its cosine distance
// to j's centroid is above OUTLIER_DEFAULTS.margin × the OUTLIER_DEFAULTS.percentile of the
// distances of j's own images to that centroid. The margin matters because the outliers are
// among j's images themselves and lift its percentile. Optionally (maxProbability < 1) no head
// may be sure of any label either; measured, that test costs more than it saves: a linear head
// extrapolates, and is often sure of an image unlike anything it was trained on.

import { embeddingMean } from "./duplicates";

// Measured on Fashion-MNIST (1,000 images) with 20 synthetic foreign images (noise, gradients,
// checkerboards…) filed under random labels, 3 seeds: 0.95 × 1.3 found 16 of 20 every time and
// flagged no garment; 0.95 × 1.0 found 16 but flagged 13–18 garments; 0.98 × 1.0 found 7–16;
// adding "max probability < 0.5" to 0.95 × 1.3 found only 9–11. A whole unnamed class (20 bags
// among clothes) is not found: bags are not far from garments in this embedding.
export const OUTLIER_DEFAULTS = { percentile: 0.95, margin: 1.3, maxProbability: 1 } as const;

export interface OutlierOptions {
  /** Per-class distance percentile an image must exceed for every class, in (0, 1). */
  percentile?: number;
  /** The highest out-of-fold probability must be below this; 1 (default) = no such test. */
  maxProbability?: number;
  /** The distance threshold is this multiple of the percentile (default OUTLIER_DEFAULTS.margin). */
  margin?: number;
  /** Measure distances on embeddings minus the dataset mean (default false). */
  centered?: boolean;
}

export interface Outlier {
  index: number;
  /** Highest out-of-fold probability of any label. */
  maxProbability: number;
  /** The nearest centroid's label index and the cosine distance to it. */
  nearest: number;
  distance: number;
  /** That label's distance threshold. */
  threshold: number;
}

export interface OutlierResult {
  outliers: Outlier[];
  /** Per label: the distance threshold (NaN for a label with no image). */
  thresholds: number[];
}

function unit(v: ArrayLike<number>, center: ArrayLike<number> | null = null): Float64Array {
  const out = new Float64Array(v.length);
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    out[i] = v[i] - (center ? center[i] : 0);
    s += out[i] * out[i];
  }
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) out[i] /= n;
  return out;
}

function cosineDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return 1 - s;
}

/** The q-quantile of `values` by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function findOutliers(
  embeddings: readonly ArrayLike<number>[],
  labels: readonly number[],
  probabilities: readonly ArrayLike<number>[],
  numLabels: number,
  options: OutlierOptions = {},
): OutlierResult {
  const percentile = options.percentile ?? OUTLIER_DEFAULTS.percentile;
  const maxProbability = options.maxProbability ?? OUTLIER_DEFAULTS.maxProbability;
  const margin = options.margin ?? OUTLIER_DEFAULTS.margin;
  if (!(margin > 0)) throw new Error(`the outlier margin must be above 0; got ${margin}`);
  if (!(percentile > 0 && percentile < 1)) throw new Error(`the outlier percentile must be between 0 and 1; got ${percentile}`);
  if (!(maxProbability > 0 && maxProbability <= 1)) throw new Error(`the outlier probability bound must be above 0 and at most 1; got ${maxProbability}`);
  if (embeddings.length !== labels.length || embeddings.length !== probabilities.length) {
    throw new Error(`outliers got ${embeddings.length} embeddings, ${labels.length} labels and ${probabilities.length} probability rows`);
  }
  if (embeddings.length === 0) return { outliers: [], thresholds: new Array<number>(numLabels).fill(NaN) };
  // Not centred by default (unlike duplicates): measured on Fashion-MNIST with 10 synthetic
  // foreign images, raw cosines find 9 of them by distance, centred ones none (every centred
  // image is nearly orthogonal to every centroid, foreign ones included).
  const center = options.centered === true ? embeddingMean(embeddings) : null;
  const units = embeddings.map((e) => unit(e, center));
  const dim = units[0].length;
  const sums = Array.from({ length: numLabels }, () => new Float64Array(dim));
  const counts = new Array<number>(numLabels).fill(0);
  units.forEach((u, i) => {
    const s = sums[labels[i]];
    for (let k = 0; k < dim; k++) s[k] += u[k];
    counts[labels[i]]++;
  });
  const centroids = sums.map((s, j) => (counts[j] > 0 ? unit(s) : null));
  const distances = units.map((u) => centroids.map((c) => (c ? cosineDistance(u, c) : Infinity)));
  const thresholds = centroids.map((c, j) => (c ? margin * quantile(distances.flatMap((d, i) => (labels[i] === j ? [d[j]] : [])), percentile) : NaN));

  const outliers: Outlier[] = [];
  distances.forEach((d, i) => {
    let top = 0;
    for (let j = 0; j < numLabels; j++) top = Math.max(top, probabilities[i][j]);
    if (maxProbability < 1 && top >= maxProbability) return;
    let nearest = -1;
    for (let j = 0; j < numLabels; j++) {
      if (!centroids[j]) continue;
      // Within some label's usual spread: not an outlier.
      if (d[j] <= thresholds[j]) return;
      if (nearest < 0 || d[j] < d[nearest]) nearest = j;
    }
    if (nearest < 0) return;
    outliers.push({ index: i, maxProbability: top, nearest, distance: d[nearest], threshold: thresholds[nearest] });
  });
  outliers.sort((a, b) => b.distance / b.threshold - a.distance / a.threshold || a.index - b.index);
  return { outliers, thresholds };
}
