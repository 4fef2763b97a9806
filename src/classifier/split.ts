// Train/validation split, stable under changes to the dataset. Pure.
//
// Rule: a file is in "valid" iff unitHash(contentHash, seed) < validPct. The split of a
// file is thus a function of its bytes alone: adding, moving, relabelling or deleting
// other files never changes it, and identical images (same content hash) always share a
// split, so a duplicate can never leak from train into valid.
//
// Correction, so that every label can be both learnt and evaluated: first the "valid" rule
// for every label (in sorted order), then the "train" rule, counting distinct content hashes:
//   - if it has 2 or more and none is in valid, its lowest-scoring hash moves to valid;
//   - if it has 2 or more and none is in train, its highest-scoring hash moves to train.
// A move applies to every file with that hash (duplicates stay together, whatever their
// label); among a label's candidates, one whose move would empty that side for another
// label sharing the duplicate is passed over when possible. Only labels lacking one side
// are touched, and only one hash per side each. (With duplicates shared across labels no
// assignment can always satisfy every label; then some label may still lack a side.)
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
    const labelsOf = new Map<string, string[]>();
    for (const label of labels) {
      for (const h of hashesByLabel.get(label) ?? []) {
        const list = labelsOf.get(h);
        if (list) list.push(label);
        else labelsOf.set(h, [label]);
      }
    }
    const leavesSideEmpty = (h: string, holders: string[], except: string): boolean => {
      const from = side.get(h);
      return holders.some((other) => {
        if (other === except) return false;
        const own = hashesByLabel.get(other) ?? new Set<string>();
        if (own.size < 2) return false;
        for (const g of own) if (g !== h && side.get(g) === from) return false;
        return true;
      });
    };
    for (const wanted of ["valid", "train"] as const) {
      for (const label of labels) {
        const hashes = [...(hashesByLabel.get(label) ?? [])];
        if (hashes.length < 2) continue;
        if (hashes.some((h) => side.get(h) === wanted)) continue;
        // Ties on score are broken by the hash itself, so the choice never depends on input order.
        hashes.sort((a, b) => (score.get(a) ?? 0) - (score.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
        if (wanted === "train") hashes.reverse();
        // Prefer a hash whose move does not take the last image of that side from another
        // label holding a duplicate of it; with no such hash, the best-scoring one.
        const pick = hashes.find((h) => !leavesSideEmpty(h, labelsOf.get(h) ?? [], label)) ?? hashes[0];
        side.set(pick, wanted);
        corrected.set(pick, wanted);
      }
    }
  }

  const splits = new Map<string, Split>();
  for (const item of items) splits.set(item.path, side.get(item.hash) ?? "train");
  return { splits, corrected };
}
