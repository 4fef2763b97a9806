// Train/validation split, stable under changes to the dataset. Pure.
//
// Rule: a file is in "valid" iff unitHash(contentHash, seed) < validPct. The split of a
// file is thus a function of its bytes alone: adding, moving, relabelling or deleting
// other files never changes it, and identical images (same content hash) always share a
// split, so a duplicate can never leak from train into valid.
//
// Correction, so that every label can be both learnt and evaluated: for each label in
// sorted order, counting its distinct content hashes,
//   - if it has 2 or more and none is in valid, its lowest-scoring hash moves to valid;
//   - if it has 2 or more and none is in train, its highest-scoring hash moves to train.
// A move applies to every file with that hash (duplicates stay together, whatever their
// label). Only labels lacking one side are touched, and only one hash per side each.
// validPct = 0 means "no validation set": every file is train and nothing is corrected.

import { unitHash } from "./hash";

export type Split = "train" | "valid";

export interface SplitItem {
  path: string;
  label: string;
  /** Content hash (e.g. sha256Hex of the file's bytes). */
  hash: string;
}

export interface SplitOptions {
  /** Fraction of files for validation, in [0, 0.9]. Default 0.2 (fastai's valid_pct). */
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

/** Where a content hash falls in [0, 1) under `seed`; below validPct means "valid" before correction. */
export function splitScore(contentHash: string, seed: number): number {
  return unitHash(contentHash, seed);
}

/** Assigns each path to "train" or "valid" (see the module comment). Throws on a bad validPct. */
export function assignSplit(items: readonly SplitItem[], options: SplitOptions = {}): Map<string, Split> {
  return assignSplitDetailed(items, options).splits;
}

export interface SplitResult {
  splits: Map<string, Split>;
  /** Content hashes moved by the per-label correction, with the side they were moved to. */
  corrected: Map<string, Split>;
}

export function assignSplitDetailed(items: readonly SplitItem[], options: SplitOptions = {}): SplitResult {
  const validPct = options.validPct ?? 0.2;
  const seed = options.seed ?? 42;
  const problem = validPctProblem(validPct);
  if (problem) throw new RangeError(problem);
  if (!Number.isFinite(seed)) throw new RangeError(`the split seed must be a number; got ${String(seed)}`);

  const side = new Map<string, Split>();
  const score = new Map<string, number>();
  for (const item of items) {
    if (side.has(item.hash)) continue;
    const s = splitScore(item.hash, seed);
    score.set(item.hash, s);
    side.set(item.hash, s < validPct ? "valid" : "train");
  }

  const corrected = new Map<string, Split>();
  if (validPct > 0) {
    const hashesByLabel = new Map<string, Set<string>>();
    for (const item of items) {
      let set = hashesByLabel.get(item.label);
      if (!set) hashesByLabel.set(item.label, (set = new Set()));
      set.add(item.hash);
    }
    const labels = [...hashesByLabel.keys()].sort();
    for (const wanted of ["valid", "train"] as const) {
      for (const label of labels) {
        const hashes = [...(hashesByLabel.get(label) ?? [])];
        if (hashes.length < 2) continue;
        if (hashes.some((h) => side.get(h) === wanted)) continue;
        // Ties on score are broken by the hash itself, so the choice never depends on input order.
        hashes.sort((a, b) => (score.get(a) ?? 0) - (score.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
        const pick = wanted === "valid" ? hashes[0] : hashes[hashes.length - 1];
        side.set(pick, wanted);
        corrected.set(pick, wanted);
      }
    }
  }

  const splits = new Map<string, Split>();
  for (const item of items) splits.set(item.path, side.get(item.hash) ?? "train");
  return { splits, corrected };
}
