// The cleaner's log note: one Markdown entry per applied batch or undo, appended through
// vault.process. Each entry carries a hidden one-line JSON record so batches can be read back
// (undo after a restart). Pure: no Obsidian import.
//
// Paths are written as code, not [[wikilinks]]: Obsidian rewrites links when files move, which
// would turn the history ("moved from A") into the present ("moved from B").

import type { AppliedBatch, AppliedMove, FailedFile, NotRestorable, RestoredFile, TrashedFile, UndoResult } from "./apply";
import { joinPath } from "./names";

export const LOG_NOTE_NAME = "Cleaner log.md";

export function logNotePath(datasetFolder: string): string {
  return joinPath(datasetFolder.replace(/\/+$/, ""), LOG_NOTE_NAME);
}

const MARK = "lesson-lab-cleaner";
const RECORD_RE = /<!-- lesson-lab-cleaner (\{.*?\}) -->/g;

const LOG_HEADER =
  "# Cleaner log\n\n" +
  "Every batch applied in the Lesson Lab cleaner, and every undo. " +
  "The hidden line under each heading lets the cleaner read the batch back: keep it as it is.\n";

type LogRecord = { v: 1; type: "batch"; batch: AppliedBatch } | { v: 1; type: "undo"; undo: UndoResult };

/**
 * JSON that cannot end an HTML comment nor read as a link, tag or embed, on one line: inside strings,
 * `<`, `>`, `[`, `]`, `#` and the Unicode line separators become \u escapes (still valid JSON).
 */
function safeJson(value: unknown): string {
  const raw = JSON.stringify(value);
  let out = "";
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (inString && ch === "\\") {
      out += ch + raw[i + 1];
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    if (inString && "<>[]#\u2028\u2029".includes(ch)) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** `text` as an inline code span, whatever backticks it contains. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  const runs = flat.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat === "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** "2026-11-25 21:00:45 UTC" from an ISO time (the text itself when it is not one). */
export function displayTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function trashText(t: TrashedFile): string {
  if (t.where === "vault-trash") return t.trashPath ? `to the vault trash, ${code(t.trashPath)}` : "to the vault trash";
  if (t.where === "system") return "to the system trash";
  return "deleted permanently";
}

function section(title: string, items: string[]): string[] {
  return items.length ? ["", `${title} (${items.length}):`, ...items.map((i) => `- ${i}`)] : [];
}

export function formatLogEntry(batch: AppliedBatch): string {
  const record: LogRecord = { v: 1, type: "batch", batch };
  const lines = [`## ${displayTime(batch.at)}: cleaner batch`, `<!-- ${MARK} ${safeJson(record)} -->`];
  lines.push(...section("Moved", batch.moves.map((m) => `${code(m.from)} → ${code(m.to)}`)));
  lines.push(...section("Trashed", batch.trashed.map((t) => `${code(t.path)} ${trashText(t)}`)));
  lines.push(...section("Failed", batch.failed.map((f) => `${code(f.path)}: ${oneLine(f.reason)}`)));
  if (!batch.moves.length && !batch.trashed.length && !batch.failed.length) lines.push("", "Nothing changed.");
  return lines.join("\n") + "\n";
}

export function formatUndoEntry(undo: UndoResult): string {
  const record: LogRecord = { v: 1, type: "undo", undo };
  const lines = [`## ${displayTime(undo.at)}: undo of the batch of ${batchTimeFromId(undo.batchId)}`, `<!-- ${MARK} ${safeJson(record)} -->`];
  lines.push(...section("Restored", undo.restored.map((r) => `${code(r.from)} → ${code(r.to)}`)));
  lines.push(...section("Not restorable here", undo.notRestorable.map((n) => oneLine(n.message))));
  lines.push(...section("Failed", undo.failed.map((f) => `${code(f.path)}: ${oneLine(f.reason)}`)));
  return lines.join("\n") + "\n";
}

function batchTimeFromId(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} UTC` : code(id);
}

/** The note's text with `entry` appended (a header first when the note is new or empty). Pure: for vault.process. */
export function appendLogEntry(existing: string, entry: string): string {
  let text = existing.trim() === "" ? LOG_HEADER : existing;
  if (!text.endsWith("\n")) text += "\n";
  return `${text}\n${entry.endsWith("\n") ? entry : entry + "\n"}`;
}

export interface LoggedBatch extends AppliedBatch {
  /** Set when the batch was undone. */
  undo?: UndoResult;
}

export interface ParsedLog {
  /** Oldest first. */
  batches: LoggedBatch[];
  warnings: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const optNum = (v: unknown): boolean => v === undefined || isNum(v);

function list<T>(v: unknown, read: (x: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null;
  const out: T[] = [];
  for (const x of v) {
    const r = read(x);
    if (r === null) return null;
    out.push(r);
  }
  return out;
}

function readFailed(x: unknown): FailedFile | null {
  return isRecord(x) && isStr(x.path) && isStr(x.reason) ? { path: x.path, reason: x.reason } : null;
}

function readMove(x: unknown): AppliedMove | null {
  if (!isRecord(x) || !isStr(x.from) || !isStr(x.to) || !optNum(x.size) || !optNum(x.mtime)) return null;
  if (x.label !== undefined && !isStr(x.label)) return null;
  const m: AppliedMove = { from: x.from, to: x.to };
  if (isStr(x.label)) m.label = x.label;
  if (isNum(x.size)) m.size = x.size;
  if (isNum(x.mtime)) m.mtime = x.mtime;
  return m;
}

function readTrashed(x: unknown): TrashedFile | null {
  if (!isRecord(x) || !isStr(x.path) || !optNum(x.size) || !optNum(x.mtime)) return null;
  if (x.where !== "vault-trash" && x.where !== "system" && x.where !== "deleted") return null;
  if (x.trashPath !== undefined && !isStr(x.trashPath)) return null;
  const t: TrashedFile = { path: x.path, where: x.where };
  if (isStr(x.trashPath)) t.trashPath = x.trashPath;
  if (isNum(x.size)) t.size = x.size;
  if (isNum(x.mtime)) t.mtime = x.mtime;
  return t;
}

function readBatch(x: unknown): AppliedBatch | null {
  if (!isRecord(x) || !isStr(x.id) || !isStr(x.at)) return null;
  const moves = list(x.moves, readMove);
  const trashed = list(x.trashed, readTrashed);
  const failed = list(x.failed, readFailed);
  return moves && trashed && failed ? { id: x.id, at: x.at, moves, trashed, failed } : null;
}

function readRestored(x: unknown): RestoredFile | null {
  return isRecord(x) && isStr(x.from) && isStr(x.to) ? { from: x.from, to: x.to } : null;
}

function readNotRestorable(x: unknown): NotRestorable | null {
  if (!isRecord(x) || !isStr(x.path) || !isStr(x.message)) return null;
  if (x.where !== "vault-trash" && x.where !== "system" && x.where !== "deleted") return null;
  return { path: x.path, where: x.where, message: x.message };
}

function readUndo(x: unknown): UndoResult | null {
  if (!isRecord(x) || !isStr(x.batchId) || !isStr(x.at)) return null;
  const restored = list(x.restored, readRestored);
  const notRestorable = list(x.notRestorable, readNotRestorable);
  const failed = list(x.failed, readFailed);
  return restored && notRestorable && failed ? { batchId: x.batchId, at: x.at, restored, notRestorable, failed } : null;
}

/** The batches recorded in a log note, with their undos. Damaged records are skipped and named in `warnings`. */
export function parseLog(text: string): ParsedLog {
  const batches: LoggedBatch[] = [];
  const byId = new Map<string, LoggedBatch>();
  const warnings: string[] = [];
  let n = 0;
  for (const match of text.matchAll(RECORD_RE)) {
    n++;
    let raw: unknown;
    try {
      raw = JSON.parse(match[1]) as unknown;
    } catch {
      warnings.push(`Log record ${n} is not valid JSON; ignored.`);
      continue;
    }
    if (!isRecord(raw) || raw.v !== 1) {
      warnings.push(`Log record ${n} has an unknown format; ignored.`);
      continue;
    }
    if (raw.type === "batch") {
      const batch = readBatch(raw.batch);
      if (!batch) warnings.push(`Log record ${n} (a batch) is damaged; ignored.`);
      else if (byId.has(batch.id)) warnings.push(`Log record ${n} repeats batch ${batch.id}; ignored.`);
      else {
        const logged: LoggedBatch = batch;
        batches.push(logged);
        byId.set(batch.id, logged);
      }
    } else if (raw.type === "undo") {
      const undo = readUndo(raw.undo);
      const target = undo ? byId.get(undo.batchId) : undefined;
      if (!undo) warnings.push(`Log record ${n} (an undo) is damaged; ignored.`);
      else if (!target) warnings.push(`Log record ${n} undoes batch ${undo.batchId}, which the log does not have; ignored.`);
      else if (target.undo) warnings.push(`Log record ${n} undoes batch ${undo.batchId} a second time; ignored.`);
      else target.undo = undo;
    } else {
      warnings.push(`Log record ${n} has an unknown type; ignored.`);
    }
  }
  return { batches, warnings };
}

/** The latest batch not yet undone, which the pane's undo acts on; null when there is none. */
export function lastUndoable(log: ParsedLog): LoggedBatch | null {
  for (let i = log.batches.length - 1; i >= 0; i--) if (!log.batches[i].undo) return log.batches[i];
  return null;
}
