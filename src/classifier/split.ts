// Train/validation split: stratified exactly, and as stable as an exact quota allows. Pure.
//
// Rule. Each image gets a score in [0, 1) from its content hash and the seed (splitScore:
// identical files score the same, whatever their name or label). Within each label, its
// distinct contents are ranked by score (ties by the hash itself), and the k lowest go to
// validation with every copy of them, where n is the number of distinct contents of the label
// and k = round(validPct × n), rounding halves up (16 images at 20% → 3.2 → 3; 15 at 30% →
// 4.5 → 5; 10 at 25% → 2.5 → 3). Two adjustments, both documented in the README:
//   - a label of 2 or more contents keeps at least one on each side (k is clamped to
//     [1, n − 1]), so that every label is both learnt and evaluated, and a label of one
//     content keeps it for training; validPct = 0 means no validation set at all (k = 0);
//   - a content filed under several labels (an exact duplicate across labels) must sit on one
//     side, so the first of its labels in sorted order decides; each later label counts it
//     where it fell and fills its own quota from its other contents (it can miss the quota only
//     when such shared contents alone exceed it).
//
// Stability. Nothing but a label's own contents decides its split: adding, removing, renaming
// or moving images of other labels never changes it (except through a content shared with
// them, above). Adding or removing one image of a label changes the side of at most one other
// image of that label: the one at the boundary. Adding an image y: when k stays the same and y
// ranks among the k lowest, y goes to validation and the k-th lowest goes back to training;
// when k grows by one (n crossed a rounding boundary: round(p·(n+1)) = round(p·n) + 1), y goes
// to validation if it ranks among the k + 1 lowest, else the (k + 1)-th lowest joins it there.
// Removing an image is the reverse. So a split drifts by at most one image per change, and
// re-adding a removed file restores the previous split exactly.

import { unitHash } from "../shared/hash";

export type Split = "train" | "valid";

export interface SplitItem {
  path: string;
  label: string;
  /** Content hash (e.g. sha256Hex of the file's bytes). */
  hash: string;
}

export interface SplitOptions {
  /** Fraction of each label's images for validation, in [0, 0.9]. Default 0.2 (fastai's valid_pct). */
  validPct?: number;
  /** Default 42 (fastai's lesson 2 seed). */
  seed?: number;
}

export const MAX_VALID_PCT = 0.9;

/** null when `validPct` is usable, else a message for the user. */
export function validPctProblem(validPct: number): string | null {
  if (typeof validPct !== "number" || !Number.isFinite(validPct) || validPct < 0 || validPct > MAX_VALID_PCT) {
    return `the validation fraction must be a number from 0 to ${MAX_VALID_PCT} (0.2 keeps 20% of the images for validation); got ${String(validPct)}`;
  }
  return null;
}

/** Where a content hash falls in [0, 1) under `seed`: its rank within its label. */
export function splitScore(contentHash: string, seed: number): number {
  return unitHash(contentHash, seed);
}

/**
 * How many of a label's `n` distinct contents go to validation: round(validPct × n), halves up,
 * clamped to [1, n − 1] for n ≥ 2 when validPct > 0, and 0 for n < 2 (see the module comment).
 */
export function validQuota(n: number, validPct: number): number {
  if (validPct <= 0 || n <= 0) return 0;
  // The small epsilon keeps products such as 0.35 × 10 = 3.4999999999999996 at their exact half.
  const k = Math.floor(validPct * n + 0.5 + 1e-9);
  return n >= 2 ? Math.min(n - 1, Math.max(1, k)) : 0;
}

/** Assigns each path to "train" or "valid" (see the module comment). Throws on a bad validPct. */
export function assignSplit(items: readonly SplitItem[], options: SplitOptions = {}): Map<string, Split> {
  return assignSplitDetailed(items, options).splits;
}

export interface LabelQuota {
  /** Distinct contents of the label. */
  contents: number;
  /** Contents validation should get: validQuota(contents, validPct). */
  quota: number;
  /** Contents it got (differs from quota only through contents shared with an earlier label). */
  valid: number;
}

export interface SplitResult {
  splits: Map<string, Split>;
  /** Per label (sorted): its distinct contents, its validation quota and what it got. */
  labels: Map<string, LabelQuota>;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function assignSplitDetailed(items: readonly SplitItem[], options: SplitOptions = {}): SplitResult {
  const validPct = options.validPct ?? 0.2;
  const seed = options.seed ?? 42;
  const problem = validPctProblem(validPct);
  if (problem) throw new RangeError(problem);
  if (!Number.isFinite(seed)) throw new RangeError(`the split seed must be a number; got ${String(seed)}`);

  const hashesByLabel = new Map<string, Set<string>>();
  for (const item of items) {
    let set = hashesByLabel.get(item.label);
    if (!set) hashesByLabel.set(item.label, (set = new Set()));
    set.add(item.hash);
  }
  const score = new Map<string, number>();
  for (const set of hashesByLabel.values()) for (const h of set) if (!score.has(h)) score.set(h, splitScore(h, seed));
  const rank = (a: string, b: string): number => (score.get(a) ?? 0) - (score.get(b) ?? 0) || byCodeUnit(a, b);

  const side = new Map<string, Split>();
  const labels = new Map<string, LabelQuota>();
  for (const label of [...hashesByLabel.keys()].sort(byCodeUnit)) {
    const hashes = [...(hashesByLabel.get(label) ?? [])];
    const quota = validQuota(hashes.length, validPct);
    const decided = hashes.filter((h) => side.has(h));
    const free = hashes.filter((h) => !side.has(h)).sort(rank);
    const alreadyValid = decided.filter((h) => side.get(h) === "valid").length;
    const take = Math.max(0, Math.min(free.length, quota - alreadyValid));
    free.forEach((h, i) => side.set(h, i < take ? "valid" : "train"));
    labels.set(label, { contents: hashes.length, quota, valid: alreadyValid + take });
  }

  const splits = new Map<string, Split>();
  for (const item of items) splits.set(item.path, side.get(item.hash) ?? "train");
  return { splits, labels };
}
