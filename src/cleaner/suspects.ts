// Label issues from out-of-fold probabilities: self-confidence ranking and confident learning
// (Northcutt, Jiang & Chuang 2021, as cleanlab implements it). Pure: numbers in, indices out.

import type { Split } from "../classifier/split";

/**
 * The issue kinds the cleaner reports. "conflict": byte-identical copies of one image filed
 * under different labels (find.ts: every copy is listed, with the label the evidence favours).
 */
export type IssueKind = "label" | "duplicate" | "leak" | "outlier" | "unreadable" | "conflict";

/** For a "conflict" suspect: the other copies, what the evidence says, and what to do with this copy. */
export interface ConflictInfo {
  /** The other copies of the same bytes, with the label each is filed under. */
  copies: { path: string; given: string }[];
  /** The label out-of-fold evidence favours among the copies' labels; null when it does not decide. */
  evidence: string | null;
  /** Keep this copy: it is the one copy kept under the evidence label (never deleted, never moved). */
  keep: boolean;
}

/** One image worth a look. Label indices are resolved to names by the orchestrator. */
export interface Suspect {
  path: string;
  /** The label the image is filed under. */
  given: string;
  /** The out-of-fold argmax. */
  predicted: string;
  /** Out-of-fold probability of the given label (self-confidence). */
  probability: number;
  /** How suspicious, higher first; in [0, 1] (see find.ts for each issue's score). */
  score: number;
  /** What to do about the label: the confidently predicted class, else the argmax. */
  suggested: string;
  issue: IssueKind;
  /** -ln p(given), fastai's loss. */
  loss: number;
  /** Out-of-fold probabilities, labels order (empty for unreadable files). */
  probabilities: number[];
  split: Split | null;
  /** Only for issue "conflict". */
  conflict?: ConflictInfo;
}

/**
 * How label issues are flagged (cleanlab's `filter_by`):
 * - "confident_learning": off-diagonals of the confident joint (every image confidently
 *   counted in another class);
 * - "prune_by_noise_rate": per (given i, true j) cell, the calibrated confident joint's count
 *   of images labelled i with the largest margin p_j − p_i (cleanlab's default);
 * - "prune_by_class": per given class i, its calibrated off-diagonal count of lowest
 *   self-confidence images;
 * - "both": flagged by prune_by_noise_rate and prune_by_class;
 * - "confident_tail" (ours): confident-learning flags whose self-confidence is also in the low
 *   tail of their label, p(given) < TAIL_FRACTION · t_given. With a head that is wrong on a
 *   quarter of the images, the plain off-diagonals count its honest confusions (shirt vs
 *   T-shirt) as label errors and flag about twice as many images as are wrong; a wrong label
 *   is usually not merely unsure but far below what images of that label usually get.
 * - "below_threshold" (ours, the default): the same tail test on cleanlab's per-class
 *   threshold, p(given) < BELOW_FRACTION · t_given, with any other label the most likely
 *   (not necessarily one above its own threshold). A wrongly filed image often sits between
 *   two other labels, neither confident; confident_tail misses those.
 */
export type FlagMethod = "below_threshold" | "confident_learning" | "prune_by_noise_rate" | "prune_by_class" | "both" | "confident_tail";
export const FLAG_METHODS: readonly FlagMethod[] = ["below_threshold", "confident_learning", "prune_by_noise_rate", "prune_by_class", "both", "confident_tail"];

/** See "confident_tail"; measured by bench/cleaner.ts (figures in find.ts). */
export const TAIL_FRACTION = 0.2;

/** See "below_threshold"; measured by bench/cleaner.ts (figures in find.ts). */
export const BELOW_FRACTION = 0.15;

/** Per-class thresholds t_j: mean p_j over images labelled j (NaN for a label with no image). */
export function perClassThresholds(probabilities: readonly ArrayLike<number>[], labels: readonly number[], numLabels: number): number[] {
  const sum = new Array<number>(numLabels).fill(0);
  const count = new Array<number>(numLabels).fill(0);
  probabilities.forEach((p, i) => {
    sum[labels[i]] += p[labels[i]];
    count[labels[i]]++;
  });
  return sum.map((s, j) => (count[j] > 0 ? s / count[j] : NaN));
}

export interface ConfidentJoint {
  thresholds: number[];
  /** counts[i][j]: images labelled i confidently counted as j. */
  counts: number[][];
  /** Per image: the class it is confidently counted in, or -1 when no class reaches its threshold. */
  confident: number[];
}

/**
 * The confident joint: an image labelled i is counted in class j when p_j ≥ t_j and j is the
 * most likely among the classes reaching their threshold. (cleanlab falls back to the plain
 * argmax when exactly one class is confident; we keep to the definition.)
 */
export function confidentJoint(probabilities: readonly ArrayLike<number>[], labels: readonly number[], numLabels: number): ConfidentJoint {
  const thresholds = perClassThresholds(probabilities, labels, numLabels);
  const counts = Array.from({ length: numLabels }, () => new Array<number>(numLabels).fill(0));
  const confident = probabilities.map((p, i) => {
    let best = -1;
    for (let j = 0; j < numLabels; j++) {
      // A label with no image has no threshold and cannot be confidently predicted.
      if (Number.isNaN(thresholds[j]) || p[j] < thresholds[j]) continue;
      if (best < 0 || p[j] > p[best]) best = j;
    }
    if (best >= 0) counts[labels[i]][best]++;
    return best;
  });
  return { thresholds, counts, confident };
}

/** Rounds each row to whole numbers keeping its (rounded) total: largest remainders get the extra ones. */
function roundRowsPreservingTotals(rows: number[][]): number[][] {
  return rows.map((row) => {
    const total = Math.round(row.reduce((a, b) => a + b, 0));
    const floors = row.map(Math.floor);
    let left = total - floors.reduce((a, b) => a + b, 0);
    const order = row.map((v, j) => ({ j, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r || a.j - b.j);
    for (const { j } of order) {
      if (left <= 0) break;
      floors[j]++;
      left--;
    }
    return floors;
  });
}

/**
 * cleanlab's calibration: each row scaled to the number of images with that label (the
 * confident joint only counts confident images), then rounded keeping row totals.
 */
export function calibrateConfidentJoint(counts: readonly number[][], labelCounts: readonly number[]): number[][] {
  const scaled = counts.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? row.map((_, j) => (j === i ? labelCounts[i] : 0)) : row.map((c) => (c / total) * labelCounts[i]);
  });
  return roundRowsPreservingTotals(scaled);
}

/** Images of label i, ordered by `key` descending, first `n`. */
function topBy(members: readonly number[], n: number, key: (i: number) => number): number[] {
  if (n <= 0) return [];
  return [...members].sort((a, b) => key(b) - key(a) || a - b).slice(0, n);
}

export interface LabelIssues {
  /** Flagged image indices, lowest self-confidence first. */
  flagged: number[];
  /** Per flagged index: the suggested class (the confident class, else the argmax). */
  suggested: Map<number, number>;
  joint: ConfidentJoint;
  /** Calibrated confident joint (rows: given label). */
  calibrated: number[][];
  /** cleanlab's estimate of how many labels are wrong: the calibrated off-diagonal total. */
  estimatedIssues: number;
}

function argmaxOf(p: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
  return best;
}

/** Indices ordered by self-confidence (probability of the given label), lowest first; ties by index. */
export function rankBySelfConfidence(probabilities: readonly ArrayLike<number>[], labels: readonly number[]): number[] {
  return probabilities.map((_, i) => i).sort((a, b) => probabilities[a][labels[a]] - probabilities[b][labels[b]] || a - b);
}

/**
 * How label suspects are ordered:
 * - "self_confidence" (cleanlab's default): p(given), lowest first;
 * - "log_ratio" (the default): how many times likelier the likeliest other label is than the
 *   given one, p(other) / p(given), highest first. The same order where the errors are spread
 *   over all labels; better where a label is mistaken for one other label (shirts filed as
 *   T-shirts): there the given label keeps some probability, but the other one has more.
 *   Figures in find.ts.
 */
export type RankBy = "log_ratio" | "self_confidence";
export const RANK_BY: readonly RankBy[] = ["log_ratio", "self_confidence"];

/**
 * How suspicious a label is, in [0, 1], higher first, for `by`: 1 − p(given) for
 * self_confidence; p(other) / (p(given) + p(other)) for log_ratio, the share the likeliest
 * other label takes of the two (0.5 when they tie; the same order as the ratio).
 */
export function labelScore(p: ArrayLike<number>, given: number, by: RankBy): number {
  const own = p[given];
  if (by === "self_confidence") return 1 - own;
  let other = 0;
  for (let j = 0; j < p.length; j++) if (j !== given && p[j] > other) other = p[j];
  return own + other > 0 ? other / (own + other) : 0.5;
}

/** Indices ordered by labelScore, most suspicious first; ties by index. */
export function rankLabels(probabilities: readonly ArrayLike<number>[], labels: readonly number[], by: RankBy): number[] {
  const score = probabilities.map((p, i) => labelScore(p, labels[i], by));
  return probabilities.map((_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
}

/** Flags label issues by `method` (see FlagMethod). */
export function findLabelIssues(
  probabilities: readonly ArrayLike<number>[],
  labels: readonly number[],
  numLabels: number,
  method: FlagMethod = "confident_learning",
  tailFraction: number = method === "below_threshold" ? BELOW_FRACTION : TAIL_FRACTION,
): LabelIssues {
  if (probabilities.length !== labels.length) throw new Error(`${probabilities.length} probability rows for ${labels.length} labels`);
  labels.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l >= numLabels) throw new Error(`label index ${l} of item ${i} is outside 0..${numLabels - 1}`);
    if (probabilities[i].length !== numLabels) throw new Error(`item ${i} has ${probabilities[i].length} probabilities for ${numLabels} labels`);
  });
  const joint = confidentJoint(probabilities, labels, numLabels);
  const labelCounts = new Array<number>(numLabels).fill(0);
  for (const l of labels) labelCounts[l]++;
  const calibrated = calibrateConfidentJoint(joint.counts, labelCounts);
  const estimatedIssues = calibrated.reduce((n, row, i) => n + row.reduce((a, c, j) => a + (j === i ? 0 : c), 0), 0);
  const selfConfidence = (i: number): number => probabilities[i][labels[i]];
  const suggested = new Map<number, number>();
  const suggest = (i: number): number => (joint.confident[i] >= 0 && joint.confident[i] !== labels[i] ? joint.confident[i] : argmaxOf(probabilities[i]));

  const flaggedSet = new Set<number>();
  if (method === "below_threshold") {
    labels.forEach((l, i) => {
      if (selfConfidence(i) < tailFraction * joint.thresholds[l] && argmaxOf(probabilities[i]) !== l) flaggedSet.add(i);
    });
  } else if (method === "confident_learning" || method === "confident_tail") {
    joint.confident.forEach((c, i) => {
      if (c < 0 || c === labels[i]) return;
      if (method === "confident_tail" && !(selfConfidence(i) < tailFraction * joint.thresholds[labels[i]])) return;
      flaggedSet.add(i);
    });
  } else {
    const members: number[][] = Array.from({ length: numLabels }, () => []);
    labels.forEach((l, i) => members[l].push(i));
    const byNoiseRate = new Set<number>();
    const byClass = new Set<number>();
    for (let i = 0; i < numLabels; i++) {
      // Never empty a class (cleanlab keeps at least one image per label).
      const budget = Math.max(0, members[i].length - 1);
      const offDiagonal = Math.min(
        budget,
        calibrated[i].reduce((a, c, j) => a + (j === i ? 0 : c), 0),
      );
      for (const k of topBy(members[i], offDiagonal, (k) => -selfConfidence(k))) byClass.add(k);
      let used = 0;
      for (let j = 0; j < numLabels; j++) {
        if (j === i) continue;
        const n = Math.min(calibrated[i][j], budget - used);
        for (const k of topBy(members[i], n, (k) => probabilities[k][j] - probabilities[k][i])) byNoiseRate.add(k);
        used += Math.max(0, n);
      }
    }
    for (let k = 0; k < labels.length; k++) {
      const keep = method === "prune_by_noise_rate" ? byNoiseRate.has(k) : method === "prune_by_class" ? byClass.has(k) : byNoiseRate.has(k) && byClass.has(k);
      // As cleanlab: an image the model predicts as its given label is not a label issue.
      if (keep && argmaxOf(probabilities[k]) !== labels[k]) flaggedSet.add(k);
    }
  }
  const flagged = [...flaggedSet].sort((a, b) => selfConfidence(a) - selfConfidence(b) || a - b);
  for (const i of flagged) suggested.set(i, suggest(i));
  return { flagged, suggested, joint, calibrated, estimatedIssues };
}

/** Precision and recall of `found` against the truly wrong `truth` (for benchmarks and tests). */
export function precisionRecall(found: Iterable<number>, truth: ReadonlySet<number>): { precision: number; recall: number; found: number; hits: number } {
  const list = [...new Set(found)];
  const hits = list.filter((i) => truth.has(i)).length;
  return { precision: list.length === 0 ? 0 : hits / list.length, recall: truth.size === 0 ? 1 : hits / truth.size, found: list.length, hits };
}
