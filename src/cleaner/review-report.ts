// The suspect finder's CleanReport as the pane's cards. Pure: no Obsidian import.
import type { TrainProgress } from "../classifier/types";
import { conflictAction, describeConflict, type CleanReport, type FindProgress } from "./find";
import type { ReviewItem, ReviewReport } from "./review-items";

/** Issue shown for images the finder did not flag: the pane still pages through them, last. */
export const NO_ISSUE = "no issue found";

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

/**
 * Suspects first (by the finder's score), then every other ranked image by its label's score,
 * most suspicious first, so nothing is capped at a fixed count. A copy, an outlier or an unreadable file
 * gets "delete" as its suggestion; a label issue gets the label the finder suggests. A conflict
 * (the same image under two labels): "delete" for every copy but the one kept under the label
 * the evidence favours, which gets no suggestion (it is never moved); nothing when undecided.
 */
export function toReviewReport(folder: string, clean: CleanReport, errorRate: number | null): ReviewReport {
  const twin = new Map<string, string>();
  for (const d of clean.duplicates) {
    const what = d.leak ? "copy across train and validation" : d.exact ? "exact copy" : `near copy (${d.similarity.toFixed(3)})`;
    if (!twin.has(d.b)) twin.set(d.b, `${what} of ${d.a}`);
    if (!twin.has(d.a)) twin.set(d.a, `${what} of ${d.b}`);
  }
  const outlier = new Map(clean.outliers.map((o) => [o.path, `fits no label well (nearest: ${o.nearest})`]));
  const unreadable = new Map(clean.unreadable.map((u) => [u.path, u.reason]));

  const items: ReviewItem[] = clean.suspects.map((s) => {
    const deleteIt = s.issue === "duplicate" || s.issue === "leak" || s.issue === "outlier" || s.issue === "unreadable" || (s.issue === "conflict" && conflictAction(s) === "delete");
    const suggested = deleteIt ? "delete" : s.issue === "conflict" ? null : s.suggested && s.suggested !== s.given ? s.suggested : null;
    const detail =
      s.issue === "unreadable" ? unreadable.get(s.path) : s.issue === "outlier" ? outlier.get(s.path) : s.issue === "conflict" ? describeConflict(s) : twin.get(s.path);
    return {
      id: s.path,
      path: s.path,
      given: s.given,
      predicted: s.predicted || null,
      probability: s.predicted ? finite(s.probabilities[clean.labels.indexOf(s.predicted)] ?? NaN) : null,
      loss: finite(s.loss),
      score: s.score,
      suggested,
      issue: s.issue,
      split: s.split,
      ...(detail ? { detail } : {}),
    };
  });
  const flagged = new Set(items.map((i) => i.path));
  for (const r of clean.ranking) {
    if (flagged.has(r.path)) continue;
    items.push({
      id: r.path,
      path: r.path,
      given: r.given,
      predicted: r.predicted,
      probability: finite(r.probabilities[clean.labels.indexOf(r.predicted)] ?? NaN),
      loss: finite(r.loss),
      // Below every suspect (scores are in [0, 1]), in the finder's order.
      score: -1 + r.score,
      suggested: null,
      issue: NO_ISSUE,
      split: r.split,
    });
  }
  return { folder, labels: [...clean.labels], items, errorRate, expectedLabelIssues: clean.expectedLabelIssues };
}

export function describeTrainProgress(p: TrainProgress): string {
  switch (p.phase) {
    case "scanning":
    case "saving":
      return p.message;
    case "decoding":
      return `Reading images: ${p.done} of ${p.total}`;
    case "embedding":
      return `Embedding: ${p.done} of ${p.total} (${p.cached} from the cache)`;
    case "training":
      return `Training: epoch ${p.epoch} of ${p.epochs}`;
  }
}

export function describeFindProgress(p: FindProgress): string {
  if (p.phase === "kfold") return `Scoring every image with heads that never saw it: ${p.done} of ${p.total}`;
  return p.phase === "duplicates" ? "Looking for duplicates" : "Looking for outliers";
}
