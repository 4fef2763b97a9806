// Interpretation of a trained classifier's predictions (fastai's ClassificationInterpretation,
// done by hand). Pure: no tfjs, no Obsidian. Every entry names the image file it comes from.

/** One scored image: its true label index and the head's probabilities (labels order). */
export interface ScoredItem {
  path: string;
  actual: number;
  probabilities: ArrayLike<number>;
}

/** Rows are actual labels, columns predicted labels, both in `labels` order. */
export interface ConfusionMatrix {
  labels: string[];
  matrix: number[][];
}

export interface PerClassAccuracy {
  label: string;
  /** Validation images of this label. */
  count: number;
  correct: number;
  /** correct / count; null when the label has no validation image. */
  accuracy: number | null;
}

export interface ConfusedPair {
  actual: string;
  predicted: string;
  count: number;
  /** The images behind the count. */
  paths: string[];
}

export interface TopLoss {
  path: string;
  actual: string;
  predicted: string;
  /** Cross-entropy of the actual label: -ln p(actual). */
  loss: number;
  probabilityPredicted: number;
  probabilityActual: number;
}

/** Index of the largest value; the first on ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

// Clamp keeps a confident wrong answer finite (a loss of ~36.8 instead of Infinity).
const MIN_PROBABILITY = 1e-16;

export function crossEntropy(probabilities: ArrayLike<number>, actual: number): number {
  return -Math.log(Math.max(probabilities[actual], MIN_PROBABILITY));
}

export function confusionMatrix(labels: string[], items: ScoredItem[]): ConfusionMatrix {
  const matrix = labels.map(() => labels.map(() => 0));
  for (const item of items) matrix[item.actual][argmax(item.probabilities)]++;
  return { labels: [...labels], matrix };
}

export function perClassAccuracy(confusion: ConfusionMatrix): PerClassAccuracy[] {
  return confusion.labels.map((label, i) => {
    const row = confusion.matrix[i];
    const count = row.reduce((a, b) => a + b, 0);
    const correct = row[i];
    return { label, count, correct, accuracy: count === 0 ? null : correct / count };
  });
}

/** Fraction of items whose top prediction is their label; null with no items. */
export function accuracy(items: ScoredItem[]): number | null {
  if (items.length === 0) return null;
  let correct = 0;
  for (const item of items) if (argmax(item.probabilities) === item.actual) correct++;
  return correct / items.length;
}

/** (actual, predicted) pairs off the diagonal with at least `minCount` images, most frequent first. */
export function mostConfused(labels: string[], items: ScoredItem[], minCount = 1): ConfusedPair[] {
  const pairs = new Map<string, ConfusedPair>();
  for (const item of items) {
    const predicted = argmax(item.probabilities);
    if (predicted === item.actual) continue;
    const key = `${item.actual}\u0000${predicted}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { actual: labels[item.actual], predicted: labels[predicted], count: 0, paths: [] };
      pairs.set(key, pair);
    }
    pair.count++;
    pair.paths.push(item.path);
  }
  return [...pairs.values()]
    .filter((p) => p.count >= minCount)
    .sort((a, b) => b.count - a.count || a.actual.localeCompare(b.actual) || a.predicted.localeCompare(b.predicted));
}

/** The `k` items with the highest loss (all when k is omitted), highest first. */
export function topLosses(labels: string[], items: ScoredItem[], k?: number): TopLoss[] {
  const all = items.map((item): TopLoss => {
    const predicted = argmax(item.probabilities);
    return {
      path: item.path,
      actual: labels[item.actual],
      predicted: labels[predicted],
      loss: crossEntropy(item.probabilities, item.actual),
      probabilityPredicted: item.probabilities[predicted],
      probabilityActual: item.probabilities[item.actual],
    };
  });
  all.sort((a, b) => b.loss - a.loss || a.path.localeCompare(b.path));
  return k === undefined ? all : all.slice(0, Math.max(0, k));
}

/** A two-sided confidence interval for a proportion. */
export interface ProportionInterval {
  low: number;
  high: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

/** z of the standard normal for the two-sided levels we report. */
const Z: Readonly<Record<string, number>> = { "0.9": 1.6448536269514722, "0.95": 1.959963984540054, "0.99": 2.5758293035489004 };

/**
 * Wilson score interval (Wilson 1927; Agresti & Coull 1998 recommend it over the normal
 * approximation for small n and proportions near 0 or 1) for `successes` out of `n`:
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). Stays inside [0, 1] and is not empty at
 * p̂ = 0 or 1. null when n is 0. `level` is 0.9, 0.95 (default) or 0.99; throws on others,
 * on a negative or fractional count or on successes > n.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): ProportionInterval | null {
  const z = Z[String(level)];
  if (z === undefined) throw new RangeError(`confidence level must be one of ${Object.keys(Z).join(", ")}; got ${level}`);
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0 || successes > n) throw new RangeError(`need whole numbers 0 ≤ successes ≤ n; got ${successes} of ${n}`);
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return { low: Math.max(0, (centre - spread) / denominator), high: Math.min(1, (centre + spread) / denominator), level };
}

/** The Wilson interval of an accuracy measured on `n` images (the correct count is rounded from accuracy·n); null without images or accuracy. */
export function accuracyInterval(accuracy: number | null, n: number, level = 0.95): ProportionInterval | null {
  if (accuracy === null || !Number.isFinite(accuracy) || !(n > 0)) return null;
  return wilsonInterval(Math.round(accuracy * n), n, level);
}

/** "95% interval 84.1–92.5%", with `n`: "… on 209 validation images" (as the CLI and the panel print it). */
export function describeInterval(interval: ProportionInterval, n?: number): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const text = `${Math.round(interval.level * 100)}% interval ${pct(interval.low)}–${pct(interval.high)}`;
  return n === undefined ? text : `${text} on ${n} validation image${n === 1 ? "" : "s"}`;
}

/**
 * Probabilities at temperature `t`: softmax(log p / t), i.e. p^(1/t) renormalised (Guo et al.
 * 2017, "On calibration of modern neural networks"). t > 1 flattens, t < 1 sharpens; t = 1
 * returns `p` itself. Probabilities are floored at 1e-12 first. Throws for t ≤ 0 or not finite.
 */
export function withTemperature(p: ArrayLike<number>, t: number): Float32Array {
  if (!(t > 0) || !Number.isFinite(t)) throw new Error(`a temperature must be a positive number; got ${t}`);
  const out = new Float32Array(p.length);
  if (t === 1) {
    out.set(Array.from(p));
    return out;
  }
  // Work in logs, shifted by the maximum, so small temperatures do not underflow every entry.
  const logs = Array.from(p, (v) => Math.log(Math.max(v, 1e-12)) / t);
  const top = Math.max(...logs);
  let sum = 0;
  logs.forEach((l, j) => (sum += out[j] = Math.exp(l - top)));
  for (let j = 0; j < out.length; j++) out[j] /= sum;
  return out;
}

/** Mean cross-entropy of `labels` under `probabilities` at temperature t. */
function temperedLogLoss(probabilities: readonly ArrayLike<number>[], labels: readonly number[], t: number): number {
  let sum = 0;
  probabilities.forEach((p, i) => (sum += crossEntropy(withTemperature(p, t), labels[i])));
  return sum / probabilities.length;
}

/**
 * Temperature scaling (Guo et al. 2017): the one temperature t in [1/8, 8] that minimises the mean
 * cross-entropy of `labels` under withTemperature(p, t), fitted on held-out (e.g. out-of-fold)
 * probabilities. A search over log t: a grid of 25 points, then golden-section refinement
 * around the best (the loss is convex in 1/t). Returns 1 for an empty set. Shapes:
 * probabilities[i] has one entry per label, labels[i] indexes it.
 */
export function fitTemperature(probabilities: readonly ArrayLike<number>[], labels: readonly number[]): number {
  if (probabilities.length !== labels.length) throw new Error(`${probabilities.length} probability rows for ${labels.length} labels`);
  if (probabilities.length === 0) return 1;
  const lo = Math.log(1 / 8);
  const hi = Math.log(8);
  const steps = 24;
  const loss = (u: number): number => temperedLogLoss(probabilities, labels, Math.exp(u));
  let best = 0;
  let bestLoss = Infinity;
  for (let s = 0; s <= steps; s++) {
    const u = lo + ((hi - lo) * s) / steps;
    const l = loss(u);
    if (l < bestLoss) {
      bestLoss = l;
      best = u;
    }
  }
  const step = (hi - lo) / steps;
  let a = Math.max(lo, best - step);
  let b = Math.min(hi, best + step);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = loss(c);
  let fd = loss(d);
  for (let it = 0; it < 30; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = loss(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = loss(d);
    }
  }
  return Math.exp((a + b) / 2);
}
