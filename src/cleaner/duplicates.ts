// Exact and near-duplicate images, and duplicates that straddle train and validation (leakage).
// Pure: content hashes and embeddings in, pairs and groups out.
//
// Near-duplicates are pairs whose plain-view embeddings, minus the dataset's mean embedding,
// have a cosine similarity of at least NEAR_DUPLICATE_THRESHOLD. Centring matters: post-ReLU
// embeddings share a large positive mean, so raw cosines of any two images of a class sit near
// 0.95. Every pair is compared (O(n²·d): ~1–2 s for 1,000 images of 1,280 dimensions).
import { throwIfAborted } from "../shared/abort";
import type { Split } from "../classifier/split";

/**
 * Cosine similarity (centred) from which two images are reported as near-copies, per backbone
 * (features from different layers spread differently). Measured on Fashion-MNIST (1,000 test
 * images, bench/cleaner.ts): the threshold is where almost no distinct image has a neighbour
 * above it. mobilenet_v2-nsfwjs (flatten_1): 99% of images have their nearest other image below
 * 0.95, all but 2 below 0.97; copies of 50 images made by a 10% brightness change have a median
 * of 0.97, a 1-pixel shift 0.88, a 2× resize 0.89, JPEG q90 0.80. #block_13_expand_relu:
 * 30 images have a neighbour at 0.97 or more, 8 at 0.98, 3 at 0.985, none at 0.99; copies:
 * brightness 0.99, shift 0.97, resize 0.95, JPEG q90 0.84. On 28-pixel images an embedding
 * cannot tell most re-encoded copies from another item of the class, so the thresholds are
 * kept high: what they flag is almost surely a copy (byte-identical files are always found,
 * by hash), and they miss most altered copies.
 */
export const NEAR_DUPLICATE_THRESHOLDS: Readonly<Record<string, number>> = {
  "mobilenet_v2-nsfwjs": 0.97,
  "mobilenet_v2-nsfwjs#block_13_expand_relu": 0.985,
};

/** For a backbone not measured: the strictest measured threshold. */
export const NEAR_DUPLICATE_THRESHOLD = 0.985;

export function nearDuplicateThresholdFor(backboneId: string): number {
  return NEAR_DUPLICATE_THRESHOLDS[backboneId] ?? NEAR_DUPLICATE_THRESHOLD;
}

/** Pairs kept at most (highest similarity first), so a folder of one image copied 1,000 times stays printable. */
export const MAX_PAIRS = 10_000;

export interface DuplicateOptions {
  /** Cosine similarity from which two images are near-copies. Default NEAR_DUPLICATE_THRESHOLD. */
  threshold?: number;
  /** Compare embeddings minus their mean over the dataset. Default CENTERED. */
  centered?: boolean;
}

export const CENTERED = true;

export interface DuplicateInput {
  path: string;
  /** Content hash (equal hashes = byte-identical files). */
  hash: string;
  split: Split;
  embedding: ArrayLike<number>;
}

export interface DuplicatePair {
  /** Item indices; a is the one of the two to keep (see keepFirst). */
  a: number;
  b: number;
  /** Cosine similarity of the embeddings; 1 for byte-identical files. */
  similarity: number;
  exact: boolean;
  /** One is in train, the other in validation: the validation score is inflated. */
  leak: boolean;
}

export interface DuplicateGroup {
  /** The copy to keep: a training image if any (validation copies are what leaks), then the shortest path, then the first. */
  keep: number;
  /** The other members, each with its highest similarity to any member of the group. */
  others: { index: number; similarity: number; exact: boolean; leak: boolean }[];
}

export interface DuplicateResult {
  pairs: DuplicatePair[];
  groups: DuplicateGroup[];
  threshold: number;
  /** Pairs above the threshold that were not kept (over MAX_PAIRS). */
  pairsLeftOut: number;
}

/** Per-dimension mean of the embeddings (the direction every post-ReLU embedding shares). */
export function embeddingMean(embeddings: readonly ArrayLike<number>[]): Float32Array {
  const dim = embeddings[0]?.length ?? 0;
  const sum = new Float64Array(dim);
  for (const e of embeddings) for (let i = 0; i < dim; i++) sum[i] += e[i];
  return Float32Array.from(sum, (s) => s / Math.max(1, embeddings.length));
}

/** v − center, scaled to unit length (all zeros stays all zeros). */
export function unitVector(v: ArrayLike<number>, center: ArrayLike<number> | null = null): Float32Array {
  const out = new Float32Array(v.length);
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    out[i] = v[i] - (center ? center[i] : 0);
    s += out[i] * out[i];
  }
  const n = Math.sqrt(s);
  // A zero vector is similar to nothing (similarity 0), rather than NaN.
  if (n > 0) for (let i = 0; i < v.length; i++) out[i] /= n;
  return out;
}

/** a · b, four running sums (faster in V8 than one). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}

/** Cosine similarity of a − center and b − center (0 when either is all zeros). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, center: ArrayLike<number> | null = null): number {
  if (a.length !== b.length) throw new Error(`cannot compare embeddings of sizes ${a.length} and ${b.length}`);
  return dot(unitVector(a, center), unitVector(b, center));
}

/** For each item, the index and similarity of its most similar other item (-1 and NaN alone). */
export function nearestNeighbours(embeddings: readonly ArrayLike<number>[], center: ArrayLike<number> | null = null): { index: number; similarity: number }[] {
  const unit = embeddings.map((e) => unitVector(e, center));
  const best = unit.map(() => ({ index: -1, similarity: -Infinity }));
  for (let i = 0; i < unit.length; i++) {
    for (let j = i + 1; j < unit.length; j++) {
      const s = dot(unit[i], unit[j]);
      if (s > best[i].similarity) best[i] = { index: j, similarity: s };
      if (s > best[j].similarity) best[j] = { index: i, similarity: s };
    }
  }
  return best.map((b) => (b.index < 0 ? { index: -1, similarity: NaN } : b));
}

/**
 * Orders copies by which to keep: a training image first (validation copies are what leaks),
 * then the shorter path (copies usually carry a suffix: "a copy.png", "a (1).png"), then by path.
 */
export function keepFirst(items: readonly { path: string; split: Split }[]): (x: number, y: number) => number {
  return (x, y) =>
    Number(items[x].split === "valid") - Number(items[y].split === "valid") ||
    items[x].path.length - items[y].path.length ||
    (items[x].path < items[y].path ? -1 : items[x].path > items[y].path ? 1 : 0);
}

/**
 * Byte-identical files (same hash) and near-copies (cosine ≥ threshold), grouped by
 * transitivity (A≈B, B≈C → one group). Cancellable between rows.
 */
export function findDuplicates(items: readonly DuplicateInput[], options: DuplicateOptions = {}, signal?: AbortSignal): DuplicateResult {
  const threshold = options.threshold ?? NEAR_DUPLICATE_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`the near-duplicate threshold must be above 0 and at most 1; got ${threshold}`);
  const center = (options.centered ?? CENTERED) ? embeddingMean(items.map((it) => it.embedding)) : null;
  const unit = items.map((it) => unitVector(it.embedding, center));
  const dim = unit[0]?.length ?? 0;
  unit.forEach((u, i) => {
    if (u.length !== dim) throw new Error(`embedding of ${items[i].path} has ${u.length} dimensions, expected ${dim}`);
  });
  const pairs: DuplicatePair[] = [];
  const order = keepFirst(items);
  for (let a = 0; a < items.length; a++) {
    throwIfAborted(signal);
    for (let b = a + 1; b < items.length; b++) {
      const exact = items[a].hash === items[b].hash;
      const similarity = exact ? 1 : dot(unit[a], unit[b]);
      if (exact || similarity >= threshold) {
        const [first, second] = order(a, b) <= 0 ? [a, b] : [b, a];
        pairs.push({ a: first, b: second, similarity: Math.min(1, similarity), exact, leak: items[a].split !== items[b].split });
      }
    }
  }
  pairs.sort((p, q) => q.similarity - p.similarity || Number(q.exact) - Number(p.exact) || p.a - q.a || p.b - q.b);
  const pairsLeftOut = Math.max(0, pairs.length - MAX_PAIRS);
  if (pairsLeftOut > 0) pairs.length = MAX_PAIRS;

  // Union-find over the kept pairs.
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (const p of pairs) {
    const ra = find(p.a);
    const rb = find(p.b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const members = new Map<number, number[]>();
  for (const p of pairs) {
    for (const i of [p.a, p.b]) {
      const root = find(i);
      const list = members.get(root) ?? [];
      if (!list.includes(i)) list.push(i);
      members.set(root, list);
    }
  }
  const groups: DuplicateGroup[] = [];
  for (const list of members.values()) {
    const keep = [...list].sort(keepFirst(items))[0];
    const others = list
      .filter((i) => i !== keep)
      .map((index) => {
        let similarity = 0;
        let exact = false;
        for (const p of pairs) {
          if (p.a !== index && p.b !== index) continue;
          if (p.similarity > similarity) similarity = p.similarity;
          if (p.exact) exact = true;
        }
        // A copy leaks when the group it belongs to has a member in the other split.
        return { index, similarity, exact, leak: items[index].split !== items[keep].split };
      })
      .sort((x, y) => y.similarity - x.similarity || x.index - y.index);
    groups.push({ keep, others });
  }
  groups.sort((g, h) => (h.others[0]?.similarity ?? 0) - (g.others[0]?.similarity ?? 0) || g.keep - h.keep);
  return { pairs, groups, threshold, pairsLeftOut };
}
