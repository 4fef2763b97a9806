// The cleaner's pending decisions for one dataset folder. Pure: no Obsidian import.
// The adapter stores `toJSON()` in plugin data so decisions survive filter changes,
// pane closes and restarts until they are applied or cleared.

import { labelProblem } from "./names";

export type Decision = { kind: "keep" } | { kind: "delete" } | { kind: "relabel"; label: string };

/** What a file looked like when it was reviewed; a difference at apply time means it changed outside the pane. */
export interface Fingerprint {
  size: number;
  /** Modification time, ms since epoch. */
  mtime: number;
  /** Optional content hash (any stable string, e.g. SHA-256 hex). */
  hash?: string;
}

export interface DecisionEntry {
  path: string;
  decision: Decision;
  fingerprint: Fingerprint;
  /** When the decision was made, ms since epoch. */
  at: number;
}

/** The persisted shape. */
export interface DecisionBookJSON {
  version: 1;
  datasetFolder: string;
  entries: DecisionEntry[];
}

/** Previous state of one path, so `undoLast` can restore it (undefined = no decision). */
interface HistoryStep {
  path: string;
  previous: DecisionEntry | undefined;
}

/** Keeps the undo history bounded over a long review session. */
const MAX_HISTORY = 1000;

export function sameDecision(a: Decision, b: Decision): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== "relabel" || (b.kind === "relabel" && a.label === b.label);
}

export function describeDecision(d: Decision): string {
  return d.kind === "relabel" ? `relabel as "${d.label}"` : d.kind;
}

export class DecisionBook {
  private readonly byPath = new Map<string, DecisionEntry>();
  private readonly history: HistoryStep[] = [];

  constructor(readonly datasetFolder: string) {}

  /** Records (or replaces) the decision for `path`. Throws on a relabel to an unusable label name. */
  set(path: string, decision: Decision, fingerprint: Fingerprint, at: number = Date.now()): void {
    const problem = entryProblem({ path, decision, fingerprint, at });
    if (problem) throw new Error(`Cannot record a decision for "${path}": ${problem}.`);
    const entry: DecisionEntry = { path, decision: copyDecision(decision), fingerprint: { ...fingerprint }, at };
    this.pushHistory(path);
    // Delete first so the entry moves to the end: `entries()` lists decisions in the order last made.
    this.byPath.delete(path);
    this.byPath.set(path, entry);
  }

  get(path: string): DecisionEntry | undefined {
    return this.byPath.get(path);
  }

  /** Clears the decision for `path`, or every decision when no path is given. Undoable per path only. */
  clear(path?: string): void {
    if (path === undefined) {
      this.byPath.clear();
      this.history.length = 0;
      return;
    }
    if (!this.byPath.has(path)) return;
    this.pushHistory(path);
    this.byPath.delete(path);
  }

  /** Undoes the last `set` or single-path `clear` (the `u` key). Returns the affected path, or null when there is nothing to undo. */
  undoLast(): string | null {
    const step = this.history.pop();
    if (!step) return null;
    this.byPath.delete(step.path);
    if (step.previous) this.byPath.set(step.path, step.previous);
    return step.path;
  }

  /** Forgets decisions that were carried out (no undo entry: the files moved). */
  forget(paths: Iterable<string>): void {
    const gone = new Set(paths);
    for (const p of gone) this.byPath.delete(p);
    for (let i = this.history.length - 1; i >= 0; i--) if (gone.has(this.history[i].path)) this.history.splice(i, 1);
  }

  /** Every decision, oldest first. */
  entries(): DecisionEntry[] {
    return [...this.byPath.values()];
  }

  get size(): number {
    return this.byPath.size;
  }

  /** Counts per kind, for the pane's header. */
  counts(): { keep: number; delete: number; relabel: number } {
    const c = { keep: 0, delete: 0, relabel: 0 };
    for (const e of this.byPath.values()) c[e.decision.kind]++;
    return c;
  }

  toJSON(): DecisionBookJSON {
    return {
      version: 1,
      datasetFolder: this.datasetFolder,
      entries: this.entries().map((e) => ({ ...e, decision: copyDecision(e.decision), fingerprint: { ...e.fingerprint } })),
    };
  }

  /**
   * A book from stored data of any shape. Invalid entries are dropped and named in `warnings`;
   * data that is not a book at all gives an empty book for `fallbackFolder` and a warning.
   */
  static fromJSON(raw: unknown, fallbackFolder = ""): { book: DecisionBook; warnings: string[] } {
    const warnings: string[] = [];
    if (typeof raw === "string") {
      try {
        raw = JSON.parse(raw) as unknown;
      } catch {
        return { book: new DecisionBook(fallbackFolder), warnings: ["Stored decisions are not valid JSON; starting with none."] };
      }
    }
    if (!isRecord(raw)) {
      if (raw !== undefined && raw !== null) warnings.push("Stored decisions have an unknown shape; starting with none.");
      return { book: new DecisionBook(fallbackFolder), warnings };
    }
    if (raw.version !== undefined && raw.version !== 1) {
      warnings.push(`Stored decisions have version ${JSON.stringify(raw.version)}; reading what can be read.`);
    }
    const folder = typeof raw.datasetFolder === "string" ? raw.datasetFolder : fallbackFolder;
    if (typeof raw.datasetFolder !== "string") warnings.push(`Stored decisions name no dataset folder; using "${fallbackFolder}".`);
    const book = new DecisionBook(folder);
    // Old data may have stored a path → entry object instead of a list.
    const list: unknown[] = Array.isArray(raw.entries)
      ? (raw.entries as unknown[])
      : isRecord(raw.entries)
        ? Object.entries(raw.entries).map(([path, e]) => (isRecord(e) && e.path === undefined ? { ...e, path } : e))
        : [];
    if (raw.entries !== undefined && !Array.isArray(raw.entries) && !isRecord(raw.entries)) {
      warnings.push("Stored decisions: the entry list is not a list; dropped.");
    }
    list.forEach((item, i) => {
      const entry = readEntry(item);
      if (typeof entry === "string") {
        const where = isRecord(item) && typeof item.path === "string" ? `"${item.path}"` : `#${i + 1}`;
        warnings.push(`Dropped stored decision ${where}: ${entry}.`);
      } else {
        book.byPath.delete(entry.path);
        book.byPath.set(entry.path, entry);
      }
    });
    return { book, warnings };
  }

  private pushHistory(path: string): void {
    this.history.push({ path, previous: this.byPath.get(path) });
    if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function copyDecision(d: Decision): Decision {
  return d.kind === "relabel" ? { kind: "relabel", label: d.label } : { kind: d.kind };
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

function entryProblem(e: DecisionEntry): string | null {
  if (typeof e.path !== "string" || e.path === "" || e.path.startsWith("/") || e.path.endsWith("/")) {
    return "the path is not a vault file path";
  }
  const d = e.decision as unknown;
  if (!isRecord(d)) return "no decision";
  if (d.kind === "relabel") {
    if (typeof d.label !== "string") return "a relabel without a label";
    const p = labelProblem(d.label);
    if (p) return p;
  } else if (d.kind !== "keep" && d.kind !== "delete") {
    return `unknown decision ${JSON.stringify(d.kind)}`;
  }
  const f = e.fingerprint as unknown;
  if (!isRecord(f) || !isCount(f.size) || !isCount(f.mtime)) return "no valid fingerprint (size, mtime)";
  if (f.hash !== undefined && typeof f.hash !== "string") return "the fingerprint's hash is not text";
  if (!isCount(e.at)) return "no valid time";
  return null;
}

function readEntry(item: unknown): DecisionEntry | string {
  if (!isRecord(item)) return "not an object";
  const entry = {
    path: item.path,
    decision: item.decision,
    fingerprint: item.fingerprint,
    // Entries from before `at` was stored get time 0 rather than being dropped.
    at: item.at === undefined ? 0 : item.at,
  } as DecisionEntry;
  const problem = entryProblem(entry);
  if (problem) return problem;
  const f = entry.fingerprint;
  return {
    path: entry.path,
    decision: copyDecision(entry.decision),
    fingerprint: f.hash === undefined ? { size: f.size, mtime: f.mtime } : { size: f.size, mtime: f.mtime, hash: f.hash },
    at: entry.at,
  };
}

/** Every dataset's book, as the adapter keeps them in plugin data: `{ [datasetFolder]: DecisionBookJSON }`. */
export function readDecisionBooks(raw: unknown): { books: Map<string, DecisionBook>; warnings: string[] } {
  const books = new Map<string, DecisionBook>();
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { books, warnings };
  if (!isRecord(raw)) return { books, warnings: ["Stored cleaner decisions have an unknown shape; starting with none."] };
  for (const [folder, value] of Object.entries(raw)) {
    const { book, warnings: w } = DecisionBook.fromJSON(value, folder);
    warnings.push(...w.map((m) => `${folder}: ${m}`));
    // The key is authoritative: a book stored under one folder belongs to it.
    const fixed = book.datasetFolder === folder ? book : DecisionBook.fromJSON({ ...book.toJSON(), datasetFolder: folder }).book;
    if (fixed.size > 0) books.set(folder, fixed);
  }
  return { books, warnings };
}

/** The plugin-data form of `books`; empty books are left out. */
export function writeDecisionBooks(books: Iterable<DecisionBook>): Record<string, DecisionBookJSON> {
  const out: Record<string, DecisionBookJSON> = {};
  for (const b of books) if (b.size > 0) out[b.datasetFolder] = b.toJSON();
  return out;
}
