// The pane's card model: what a card shows, the order (most suspicious first), the filters,
// paging and the triage keys. Pure: no Obsidian import, so it is tested without a DOM.

import type { Decision } from "./decisions";
import type { Split } from "../classifier/split";
import { baseName } from "./names";

export type SplitFilter = "all" | Split;

/** One image to review. `id` is its path when the report was made; `path` follows applies and undos. */
export interface ReviewItem {
  id: string;
  path: string;
  /** The label folder it is in. */
  given: string;
  predicted: string | null;
  /** The model's probability of `predicted`. */
  probability: number | null;
  /** Cross-entropy of the given label. */
  loss: number | null;
  /** Higher = more suspicious; the grid's order. */
  score: number;
  /** The suggested fix: a label, "delete", or null. */
  suggested: string | null;
  /** What kind of issue: "label", "duplicate", "outlier", "unreadable", ... */
  issue: string;
  split: Split | null;
  /** A line of explanation (a duplicate's twin, an unreadable file's reason). */
  detail?: string;
  /** Trashed by an applied batch: hidden until an undo brings it back. */
  gone?: boolean;
}

/** What the pane is given: a report from the suspect finder (or a precomputed one). */
export interface ReviewReport {
  folder: string;
  labels: string[];
  items: ReviewItem[];
  /** The classifier's validation error rate when the report was made, when known. */
  errorRate?: number | null;
  warnings?: string[];
  /** How many labels the finder expects are wrong (find.ts expectedLabelIssues), when known. */
  expectedLabelIssues?: number;
}

export interface Filters {
  /** Given label, or null for all. */
  label: string | null;
  split: SplitFilter;
  /** Issue kind, or null for all. */
  issue: string | null;
}

export const NO_FILTERS: Filters = { label: null, split: "all", issue: null };

/** Cards per page: enough to triage with the keyboard, few enough to draw at once. */
export const PAGE_SIZE = 48;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most suspicious first; ties in path order so the grid is stable. */
export function orderItems(items: readonly ReviewItem[]): ReviewItem[] {
  return [...items].sort((a, b) => b.score - a.score || compareText(a.path, b.path));
}

export function matches(item: ReviewItem, f: Filters): boolean {
  if (item.gone) return false;
  if (f.label !== null && item.given !== f.label) return false;
  if (f.split !== "all" && item.split !== f.split) return false;
  if (f.issue !== null && item.issue !== f.issue) return false;
  return true;
}

export function visibleItems(items: readonly ReviewItem[], f: Filters): ReviewItem[] {
  return orderItems(items.filter((i) => matches(i, f)));
}

export function issueKinds(items: readonly ReviewItem[]): string[] {
  return [...new Set(items.map((i) => i.issue))].sort(compareText);
}

export function pageCount(total: number, size = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / size));
}

export function clampPage(page: number, total: number, size = PAGE_SIZE): number {
  return Math.min(Math.max(0, Math.floor(page)), pageCount(total, size) - 1);
}

export function pageSlice<T>(list: readonly T[], page: number, size = PAGE_SIZE): T[] {
  const p = clampPage(page, list.length, size);
  return list.slice(p * size, (p + 1) * size);
}

/** What a key does on a focused card. */
export type KeyAction =
  | { kind: "move"; delta: number; rows: boolean }
  | { kind: "decide"; decision: Decision }
  | { kind: "undo" }
  | { kind: "open" };

/** The triage action of a key (no modifiers), or null: 1..9 relabel as labels[0..8]. */
export function keyAction(key: string, labels: readonly string[]): KeyAction | null {
  switch (key) {
    case "ArrowLeft":
      return { kind: "move", delta: -1, rows: false };
    case "ArrowRight":
      return { kind: "move", delta: 1, rows: false };
    case "ArrowUp":
      return { kind: "move", delta: -1, rows: true };
    case "ArrowDown":
      return { kind: "move", delta: 1, rows: true };
    case "d":
    case "D":
      return { kind: "decide", decision: { kind: "delete" } };
    case "k":
    case "K":
      return { kind: "decide", decision: { kind: "keep" } };
    case "u":
    case "U":
      return { kind: "undo" };
    case "Enter":
      return { kind: "open" };
  }
  if (/^[1-9]$/.test(key)) {
    const label = labels[Number(key) - 1];
    return label === undefined ? null : { kind: "decide", decision: { kind: "relabel", label } };
  }
  return null;
}

/** The index focus moves to; null when it stays. `columns` is the grid's width in cards. */
export function moveIndex(index: number, count: number, delta: number, rows: boolean, columns: number): number | null {
  if (count === 0) return null;
  const next = index + delta * (rows ? Math.max(1, columns) : 1);
  if (next < 0 || next >= count) return null;
  return next;
}

export function formatProbability(p: number | null): string {
  return p === null || !Number.isFinite(p) ? "–" : `${(p * 100).toFixed(p >= 0.995 || p < 0.005 ? 1 : 0)}%`;
}

export function formatLoss(loss: number | null): string {
  return loss === null || !Number.isFinite(loss) ? "–" : loss.toFixed(2);
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? "unknown" : `${(rate * 100).toFixed(1)}%`;
}

/**
 * The pane's line on how many labels are likely wrong (find.ts expectedLabelIssues, from confident learning's thresholds)
 * against the relabels and deletions decided so far, so the user knows when to stop reviewing;
 * "" when the report has no estimate.
 */
export function describeEstimate(expected: number | undefined, changed: number): string {
  if (expected === undefined || !Number.isFinite(expected)) return "";
  const done = `you have relabelled or deleted ${changed}`;
  if (expected === 0) return `No label looks wrong by confident learning's thresholds; ${done}.`;
  const wrong = `About ${expected} label${expected === 1 ? " looks" : "s look"} wrong by confident learning's thresholds`;
  return `${wrong}; ${done}${changed >= expected ? ": the images left are likely labelled right" : ""}.`;
}

/** The decision's short text on a card. */
export function decisionText(d: Decision | undefined): string {
  if (!d) return "Undecided";
  if (d.kind === "relabel") return `Relabel as ${d.label}`;
  return d.kind === "keep" ? "Keep" : "Delete";
}

/** The label folder `path` lies in directly under the dataset folder, or null. */
export function labelFromPath(path: string, datasetFolder: string): string | null {
  const prefix = datasetFolder === "" ? "" : `${datasetFolder.replace(/\/+$/, "")}/`;
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length).split("/");
  return rest.length >= 2 ? rest[0] : null;
}

/** Items after an apply: moved ones take their new path and label, trashed ones are hidden. */
export function afterApply(
  items: ReviewItem[],
  moves: readonly { from: string; to: string }[],
  trashed: readonly string[],
  datasetFolder: string,
): void {
  const moved = new Map(moves.map((m) => [m.from, m.to]));
  const gone = new Set(trashed);
  for (const item of items) {
    const to = moved.get(item.path);
    if (to !== undefined) {
      item.path = to;
      item.given = labelFromPath(to, datasetFolder) ?? item.given;
    } else if (gone.has(item.path)) {
      item.gone = true;
    }
  }
}

/** Items after an undo: restored files are shown again at their restored path. */
export function afterUndo(
  items: ReviewItem[],
  restored: readonly { from: string; to: string }[],
  batchMoves: readonly { from: string; to: string }[],
  batchTrashed: readonly { path: string; trashPath?: string }[],
  datasetFolder: string,
): void {
  // Where each file was before undo → the item's path at that time.
  const current = new Map<string, string>();
  for (const m of batchMoves) current.set(m.to, m.to);
  for (const t of batchTrashed) if (t.trashPath) current.set(t.trashPath, t.path);
  for (const r of restored) {
    const before = current.get(r.from);
    if (before === undefined) continue;
    const item = items.find((i) => i.path === before);
    if (!item) continue;
    item.path = r.to;
    item.gone = false;
    item.given = labelFromPath(r.to, datasetFolder) ?? item.given;
  }
}

/** Words for an issue kind, for the card's chip and the issue filter ("label" alone is cryptic). */
export function issueTitle(kind: string): string {
  const titles: Record<string, string> = {
    label: "Label may be wrong",
    duplicate: "Duplicate",
    leak: "Copy in train and validation",
    conflict: "Same image, other label",
    outlier: "Outlier",
    unreadable: "Unreadable",
    "no issue found": "No issue found",
    "decided earlier": "Decided earlier",
  };
  return titles[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1);
}

/** Why the card is in the grid, in a sentence: what the finder saw, or that it saw nothing. */
export function cardReason(item: ReviewItem): string {
  if (item.detail) return item.detail.charAt(0).toUpperCase() + item.detail.slice(1) + ".";
  if (item.issue === "label" && item.predicted !== null && item.predicted !== item.given) {
    return `The model sees ${item.predicted} (${formatProbability(item.probability)}), not ${item.given || "its label"}.`;
  }
  if (item.issue === "label") return `The model is unsure this is ${item.given || "its label"}.`;
  if (item.issue === "no issue found") return "Not flagged; shown after the suspects.";
  if (item.issue === "decided earlier") return "Decided earlier; not in the current list of suspects.";
  return `Flagged as ${issueTitle(item.issue).toLowerCase()}.`;
}

export function displayName(path: string): string {
  return baseName(path);
}
