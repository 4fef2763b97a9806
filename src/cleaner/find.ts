// findIssues: a trained dataset's embeddings → the images worth a look, most suspicious first.
//
// 1. k-fold heads give every image out-of-fold probabilities (kfold.ts);
// 2. label issues: confident learning on those probabilities (suspects.ts);
// 3. exact and near-duplicates, and copies straddling train and validation (duplicates.ts);
// 4. outliers that fit no label (outliers.ts);
// 5. the files that could not be read at all;
// 6. conflicts: byte-identical copies filed under different labels. Every copy is listed (so
//    the copies are seen together), with the label out-of-fold evidence favours among the
//    copies' labels (copies share a fold: content hashes key the folds, so the heads that
//    score them never saw that image under any label). One copy under that label is kept and
//    never moved; the others are suggested for deletion, so the last copy is never deleted.
//    When the evidence does not favour one label by CONFLICT_MARGIN, nothing is suggested.
// One suspect per image, by precedence unreadable > conflict > leak > duplicate > outlier >
// label: a copy is deleted whatever its label, and an image that fits no label needs more than
// a relabel.
import type { ItemEmbedding, TrainResult } from "../classifier/pipeline";
import type { Unreadable } from "../classifier/dataset";
import type { Split } from "../classifier/split";
import { crossEntropy, argmax } from "../classifier/metrics";
import { throwIfAborted } from "../shared/abort";
import { outOfFoldProbabilities, kfoldProblem, KFOLD_DEFAULTS, type KFoldOptions } from "./kfold";
import { findLabelIssues, labelScore, rankLabels, FLAG_METHODS, RANK_BY, type FlagMethod, type IssueKind, type RankBy, type Suspect } from "./suspects";
import { findDuplicates, keepFirst, nearDuplicateThresholdFor, NEAR_DUPLICATE_THRESHOLD } from "./duplicates";
import { standardizeByDefault } from "../classifier/backbone";
import { findOutliers, OUTLIER_DEFAULTS, type OutlierOptions } from "./outliers";

export type CleanItem = Pick<ItemEmbedding, "path" | "label" | "split" | "hash" | "embedding">;

/** What findIssues needs when it is not handed a TrainResult. */
export interface CleanInput {
  labels: string[];
  items: CleanItem[];
  unreadable?: Unreadable[];
  /** The backbone the embeddings come from, as in TrainResult. */
  backbone?: string;
}

export interface FindOptions extends KFoldOptions {
  /**
   * The backbone id the embeddings come from: picks the defaults of `standardize` (as the
   * classifier trains: backbone.ts standardizeByDefault) and `nearDuplicateThreshold`
   * (duplicates.ts NEAR_DUPLICATE_THRESHOLDS). Defaults to the input's own `backbone`.
   */
  backbone?: string;
  /** How label issues are flagged. Default FIND_DEFAULTS.method. */
  method?: FlagMethod;
  /** How label suspects (and the whole ranking) are ordered. Default FIND_DEFAULTS.rankBy. */
  rankBy?: RankBy;
  /** Cosine similarity for near-duplicates. Default NEAR_DUPLICATE_THRESHOLD. */
  nearDuplicateThreshold?: number;
  outliers?: OutlierOptions;
}

// The flag method, from bench/cleaner.ts on Fashion-MNIST (1,000 images, 100 labels moved to a
// random other label, 5 noise seeds), default backbone, standardised heads averaged with the
// neighbour vote, 2 repeats (kfold.ts; out-of-fold accuracy on the true labels 0.79):
// below_threshold flags 100 images, precision 0.84, recall 0.84 (fraction 0.1: 0.89/0.78; 0.2:
// 0.79/0.88); confident_tail 84 (0.82, 0.69); cleanlab's own methods 144–195 (0.49–0.55,
// 0.74–0.95): with a head wrong on a fifth of the images, their off-diagonals count its honest
// confusions (shirt vs T-shirt) as wrong labels. Top-k precision of the ranking: 0.854 by
// log_ratio, 0.846 by self-confidence, against 0.61 for fastai's in-sample loss and a ceiling
// of 0.87 (heads that learnt the true labels, by self-confidence). Moved to the most confused
// class instead (the systematic case), everything is weaker, log_ratio much less so: top-k
// 0.61 against 0.55 by self-confidence (ceiling 0.67); below_threshold 0.65/0.29. (log_ratio
// also did better on seeds 6–10, on OpenCV's digits and at 20% noise: +0.03 to +0.10 in the
// systematic case, ±0.01 in the uniform one.)
// The k-fold settings are not repeated here: what is not given is left to kfold.ts, whose
// defaults depend on whether the features are standardised (kfoldEpochs, kfoldL2).
export const FIND_DEFAULTS = { method: "below_threshold" as FlagMethod, rankBy: "log_ratio" as RankBy, nearDuplicateThreshold: NEAR_DUPLICATE_THRESHOLD, folds: KFOLD_DEFAULTS.folds, standardize: KFOLD_DEFAULTS.standardize };

/** Every image with its out-of-fold scores. */
export interface ScoredImage {
  path: string;
  given: string;
  predicted: string;
  probability: number;
  loss: number;
  probabilities: number[];
  split: Split;
  /** How suspicious its label is, in [0, 1] (suspects.ts labelScore, by the report's rankBy). */
  score: number;
  /** Flagged as a label issue. */
  flagged: boolean;
}

export interface DuplicateReport {
  a: string;
  b: string;
  similarity: number;
  exact: boolean;
  leak: boolean;
}

/** Byte-identical copies filed under different labels. */
export interface ConflictReport {
  /** Every copy, keep-first order (the copy to keep under `evidence` first when there is one). */
  paths: string[];
  /** The label each copy is filed under, same order. */
  labels: string[];
  /** The label the out-of-fold evidence favours among `labels`; null when it does not decide. */
  evidence: string | null;
  /** Out-of-fold probability of each of the copies' labels (the mean over the copies). */
  probabilities: Record<string, number>;
}

/**
 * A conflict is decided only when the favoured label is at least this many times as probable
 * (out of fold) as the next of the copies' labels; else the user decides, nothing is suggested.
 */
export const CONFLICT_MARGIN = 2;

export interface OutlierReport {
  path: string;
  given: string;
  maxProbability: number;
  nearest: string;
  distance: number;
  threshold: number;
}

export interface CleanReport {
  labels: string[];
  /** One entry per image worth a look, highest score first. */
  suspects: Suspect[];
  /** Every image by its label's score, most suspicious first (what the cleaner pane pages through). */
  ranking: ScoredImage[];
  duplicates: DuplicateReport[];
  /** Exact copies under different labels (each copy is also a "conflict" suspect). */
  conflicts: ConflictReport[];
  outliers: OutlierReport[];
  unreadable: Unreadable[];
  /** Per label: the confident-learning threshold t_j. */
  thresholds: Record<string, number>;
  /** cleanlab's estimate of the number of wrong labels (calibrated confident joint). */
  estimatedLabelIssues: number;
  /**
   * How many labels are likely wrong: the number of images the below_threshold test flags
   * (confident learning's per-label thresholds; whatever `method` flags). What the pane shows
   * to say when to stop reviewing: measured much closer to the truth than estimatedLabelIssues,
   * which counts the heads' honest confusions too (figures in the README, "How well it finds wrong labels", from bench/quality.ts).
   */
  expectedLabelIssues: number;
  method: FlagMethod;
  rankBy: RankBy;
  folds: number;
  nearDuplicateThreshold: number;
  /** Out-of-fold accuracy: how often a head that never saw an image agrees with its label. */
  outOfFoldAccuracy: number;
  seconds: { kfold: number; duplicates: number; total: number };
}

export type FindProgress = { phase: "kfold"; done: number; total: number } | { phase: "duplicates" } | { phase: "outliers" };

function isTrainResult(input: TrainResult | CleanInput): input is TrainResult {
  return "embeddings" in input;
}

/** A problem with the options or the data, as a message for the user; null when usable. */
export function findProblem(count: number, numLabels: number, options: FindOptions): string | null {
  const folds = options.folds ?? FIND_DEFAULTS.folds;
  const fold = kfoldProblem(count, numLabels, folds, options);
  if (fold) return fold;
  if (options.method !== undefined && !FLAG_METHODS.includes(options.method)) return `unknown method "${String(options.method)}"; use one of ${FLAG_METHODS.join(", ")}`;
  if (options.rankBy !== undefined && !RANK_BY.includes(options.rankBy)) return `unknown ranking "${String(options.rankBy)}"; use one of ${RANK_BY.join(", ")}`;
  const t = options.nearDuplicateThreshold;
  if (t !== undefined && !(t > 0 && t <= 1)) return `the near-duplicate threshold must be above 0 and at most 1; got ${t}`;
  if (options.epochs !== undefined && (!Number.isInteger(options.epochs) || options.epochs < 1 || options.epochs > 1000)) return `epochs must be a whole number from 1 to 1000; got ${options.epochs}`;
  if (options.seed !== undefined && !Number.isFinite(options.seed)) return `the seed must be a number; got ${options.seed}`;
  return null;
}

const PRECEDENCE: IssueKind[] = ["unreadable", "conflict", "leak", "duplicate", "outlier", "label"];

/**
 * The images of a trained dataset worth a look, most suspicious first (the steps in this file's
 * header). `input` is trainClassifier's result, or the same embeddings as a CleanInput: one
 * [dim] float32 embedding per image with its label, split and content hash.
 *
 * Methods: out-of-fold probabilities from k-fold heads (kfold.ts: 5 folds, twice, each head
 * averaged with a 10-nearest-neighbour vote); label issues by confident learning (Northcutt et
 * al. 2021, cleanlab's find_label_issues: per-label thresholds t_j, `method` picks the filter,
 * `rankBy` the order: cleanlab's self_confidence, or the log ratio of the likeliest other label);
 * exact and near-duplicates by centred cosine similarity (duplicates.ts); outliers that fit no label. Probabilities are
 * in [0, 1]; `seconds` are wall-clock seconds.
 *
 * Throws an Error for options or data it cannot use (findProblem: too few images per fold, one
 * label, a label not in `labels`), and AbortError when `signal` fires. `onProgress` hears each
 * k-fold head and the later phases.
 */
export async function findIssues(input: TrainResult | CleanInput, options: FindOptions = {}, signal?: AbortSignal, onProgress?: (p: FindProgress) => void): Promise<CleanReport> {
  const started = Date.now();
  const labels = [...input.labels];
  const items: CleanItem[] = isTrainResult(input) ? input.embeddings : input.items;
  const unreadable = [...(input.unreadable ?? [])];
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as FindOptions;
  // The input knows its backbone; an explicit option still wins.
  given.backbone ??= input.backbone;
  const byBackbone = given.backbone === undefined ? {} : { standardize: standardizeByDefault(given.backbone), nearDuplicateThreshold: nearDuplicateThresholdFor(given.backbone) };
  const o = { ...FIND_DEFAULTS, ...byBackbone, ...given };
  const problem = findProblem(items.length, labels.length, o);
  if (problem) throw new Error(problem);
  const index = new Map(labels.map((l, i) => [l, i]));
  const y = items.map((it) => {
    const j = index.get(it.label);
    if (j === undefined) throw new Error(`${it.path} has label "${it.label}", which is not among the labels (${labels.join(", ")})`);
    return j;
  });

  // 1. Out-of-fold probabilities. Keys are content hashes: byte-identical copies share a fold.
  const t0 = Date.now();
  const kfold = await outOfFoldProbabilities(
    items.map((it) => it.embedding),
    y,
    labels.length,
    items.map((it) => it.hash),
    { ...given, standardize: o.standardize },
    signal,
    (done, total) => onProgress?.({ phase: "kfold", done, total }),
  );
  const kfoldSeconds = (Date.now() - t0) / 1000;
  const probs = kfold.probabilities;

  // 2. Label issues.
  const issues = findLabelIssues(probs, y, labels.length, o.method);
  const flagged = new Set(issues.flagged);
  const expectedLabelIssues = o.method === "below_threshold" ? issues.flagged.length : findLabelIssues(probs, y, labels.length, "below_threshold").flagged.length;

  // 3. Duplicates.
  throwIfAborted(signal);
  onProgress?.({ phase: "duplicates" });
  const t1 = Date.now();
  const dups = findDuplicates(items, { threshold: o.nearDuplicateThreshold }, signal);
  const dupSeconds = (Date.now() - t1) / 1000;

  // 4. Outliers.
  onProgress?.({ phase: "outliers" });
  const out = findOutliers(
    items.map((it) => it.embedding),
    y,
    probs,
    labels.length,
    { ...OUTLIER_DEFAULTS, ...o.outliers },
  );

  const suspectOf = (i: number, issue: IssueKind, score: number, suggested: number): Suspect => {
    const p = probs[i];
    return {
      path: items[i].path,
      given: labels[y[i]],
      predicted: labels[argmax(p)],
      probability: p[y[i]],
      score: Math.max(0, Math.min(1, score)),
      suggested: labels[suggested],
      issue,
      loss: crossEntropy(p, y[i]),
      probabilities: Array.from(p),
      split: items[i].split,
    };
  };
  const byPath = new Map<string, Suspect>();
  const offer = (s: Suspect): void => {
    const current = byPath.get(s.path);
    if (!current || PRECEDENCE.indexOf(s.issue) < PRECEDENCE.indexOf(current.issue)) byPath.set(s.path, s);
  };
  const scores = probs.map((p, i) => labelScore(p, y[i], o.rankBy));
  for (const i of issues.flagged) offer(suspectOf(i, "label", scores[i], issues.suggested.get(i) ?? argmax(probs[i])));
  for (const g of dups.groups) {
    for (const other of g.others) {
      // A near copy filed under another label is a question about labels, not a copy to delete:
      // it stays in `duplicates`, and the label analysis speaks for it. An exact one is a
      // conflict (below): deleting "the copy" could delete the correctly labelled one.
      if (y[other.index] !== y[g.keep]) continue;
      // The copy keeps the label of the image it copies: suggested = the kept image's label.
      offer(suspectOf(other.index, other.leak ? "leak" : "duplicate", other.similarity, y[g.keep]));
    }
  }
  // Conflicts. The copies of one conflict share a score just below 1, so that they are listed
  // together (ties are ordered by path), conflicts in keep-first order of their first copy.
  const conflicts: ConflictReport[] = [];
  const copiesOf = new Map<string, number[]>();
  items.forEach((it, i) => {
    const list = copiesOf.get(it.hash);
    if (list) list.push(i);
    else copiesOf.set(it.hash, [i]);
  });
  const order = keepFirst(items);
  const conflicted = [...copiesOf.values()].filter((idx) => new Set(idx.map((i) => y[i])).size >= 2).map((idx) => [...idx].sort(order)).sort((a, b) => order(a[0], b[0]));
  conflicted.forEach((idx, g) => {
    const mean = new Array<number>(labels.length).fill(0);
    for (const i of idx) for (let j = 0; j < labels.length; j++) mean[j] += probs[i][j] / idx.length;
    const candidates = [...new Set(idx.map((i) => y[i]))].sort((a, b) => mean[b] - mean[a] || a - b);
    const decided = mean[candidates[0]] >= CONFLICT_MARGIN * mean[candidates[1]] && mean[candidates[0]] > 0;
    const evidence = decided ? candidates[0] : null;
    // The copy to keep: under the evidence label, first in keep-first order (training before validation, shorter path).
    const keeper = evidence === null ? -1 : (idx.find((i) => y[i] === evidence) ?? -1);
    const ordered = keeper < 0 ? idx : [keeper, ...idx.filter((i) => i !== keeper)];
    conflicts.push({
      paths: ordered.map((i) => items[i].path),
      labels: ordered.map((i) => labels[y[i]]),
      evidence: evidence === null ? null : labels[evidence],
      probabilities: Object.fromEntries(candidates.map((j) => [labels[j], mean[j]])),
    });
    for (const i of ordered) {
      const suspect = suspectOf(i, "conflict", 1 - (g + 1) * 1e-9, evidence ?? y[i]);
      suspect.conflict = {
        copies: ordered.filter((k) => k !== i).map((k) => ({ path: items[k].path, given: labels[y[k]] })),
        evidence: evidence === null ? null : labels[evidence],
        keep: i === keeper,
      };
      offer(suspect);
    }
  });
  // Outliers score from 0.5 (just past the threshold) towards 1 (far beyond it): above any
  // label suspect whose label a head still gives more than half.
  for (const o2 of out.outliers) offer(suspectOf(o2.index, "outlier", 1 - (0.5 * o2.threshold) / o2.distance, argmax(probs[o2.index])));
  for (const u of unreadable) {
    byPath.set(u.path, { path: u.path, given: labelOfPath(u.path, labels), predicted: "", probability: NaN, score: 1, suggested: "", issue: "unreadable", loss: NaN, probabilities: [], split: null });
  }
  const suspects = [...byPath.values()].sort(
    (a, b) => b.score - a.score || PRECEDENCE.indexOf(a.issue) - PRECEDENCE.indexOf(b.issue) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );

  const ranking: ScoredImage[] = rankLabels(probs, y, o.rankBy).map((i) => ({
    path: items[i].path,
    given: labels[y[i]],
    predicted: labels[argmax(probs[i])],
    probability: probs[i][y[i]],
    loss: crossEntropy(probs[i], y[i]),
    probabilities: Array.from(probs[i]),
    split: items[i].split,
    score: scores[i],
    flagged: flagged.has(i),
  }));
  const correct = probs.reduce((n, p, i) => n + (argmax(p) === y[i] ? 1 : 0), 0);
  return {
    labels,
    suspects,
    ranking,
    duplicates: dups.pairs.map((p) => ({ a: items[p.a].path, b: items[p.b].path, similarity: p.similarity, exact: p.exact, leak: p.leak })),
    conflicts,
    outliers: out.outliers.map((x) => ({
      path: items[x.index].path,
      given: labels[y[x.index]],
      maxProbability: x.maxProbability,
      nearest: labels[x.nearest],
      distance: x.distance,
      threshold: x.threshold,
    })),
    unreadable,
    thresholds: Object.fromEntries(labels.map((l, j) => [l, issues.joint.thresholds[j]])),
    estimatedLabelIssues: issues.estimatedIssues,
    expectedLabelIssues,
    method: o.method,
    rankBy: o.rankBy,
    folds: kfold.folds,
    nearDuplicateThreshold: o.nearDuplicateThreshold,
    outOfFoldAccuracy: items.length === 0 ? NaN : correct / items.length,
    seconds: { kfold: kfoldSeconds, duplicates: dupSeconds, total: (Date.now() - started) / 1000 },
  };
}

/** The label folder an unreadable file sits in: its parent folder's name, "" when that is not a label. */
function labelOfPath(path: string, labels: readonly string[]): string {
  const parts = path.split("/");
  const parent = parts.length >= 2 ? parts[parts.length - 2] : "";
  return labels.includes(parent) ? parent : "";
}

/** What to do with a conflict's copy: keep it (the one copy kept under the evidence label), delete it (another copy is kept), or null (the evidence does not decide: the user does). */
export function conflictAction(s: Pick<Suspect, "conflict">): "keep" | "delete" | null {
  if (!s.conflict || s.conflict.evidence === null) return null;
  return s.conflict.keep ? "keep" : "delete";
}

/** "same image as black/x.png (black); a head that never saw it says grizzly: keep this copy" — for the CLI and the pane. */
export function describeConflict(s: Pick<Suspect, "conflict" | "given">, show: (path: string) => string = (p) => p): string {
  const info = s.conflict;
  if (!info) return "";
  const copies = info.copies.map((c) => `${show(c.path)} (${c.given})`).join(", ");
  const action = conflictAction(s);
  const verdict =
    info.evidence === null
      ? "the evidence favours no label: decide which copy to keep"
      : action === "keep"
        ? `heads that never saw it say ${info.evidence}: keep this copy`
        : info.evidence === s.given
          ? `heads that never saw it say ${info.evidence}: a copy under ${info.evidence} is kept, delete this extra one`
          : `heads that never saw it say ${info.evidence}: delete this copy (the one under ${info.evidence} is kept)`;
  return `same image as ${copies}; ${verdict}`;
}
