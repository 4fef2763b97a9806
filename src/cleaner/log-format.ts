// Writes the cleaner's log note: visible Markdown entries, each with its hidden one-line JSON record
// (see log.ts). Visible text is flattened to one line and cannot open or close an HTML comment, and
// record JSON escapes what could end the comment or read as a link, so no name can plant a record.

import type { AppliedBatch, TrashedFile, UndoResult } from "./batch-types";
import type { ApplyIntent, LogRecord, StepRecord, UndoIntent } from "./log";

const MARK = "lesson-lab-cleaner";

const LOG_HEADER =
  "# Cleaner log\n\n" +
  "Every batch applied in the Lesson Lab cleaner, and every undo. " +
  "The hidden line under each heading lets the cleaner read the batch back: keep it as it is.\n";
function recordLine(record: LogRecord): string {
  return `<!-- ${MARK} ${safeJson(record)} -->`;
}

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

/**
 * Text for the visible part of the log: one line, and nothing that opens or closes an HTML
 * comment (`<!--` and `-->` get a full-width angle bracket), so it can never read as a record.
 */
export function visible(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029\u0085\v\f]+/g, " ")
    .replace(/<!--/g, "\uff1c!--")
    .replace(/--!?>/g, (m) => m.slice(0, -1) + "\uff1e");
}

/** `text` as an inline code span, whatever backticks it contains. */
function code(text: string): string {
  const flat = visible(text);
  const runs = flat.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat === "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function oneLine(text: string): string {
  return visible(text).replace(/\s+/g, " ").trim();
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
  const lines = [`## ${displayTime(batch.at)}: cleaner batch`, recordLine(record)];
  if (batch.interrupted) lines.push("", `Interrupted: ${oneLine(batch.interrupted)}`);
  lines.push(...section("Moved", batch.moves.map((m) => `${code(m.from)} → ${code(m.to)}`)));
  lines.push(...section("Trashed", batch.trashed.map((t) => `${code(t.path)} ${trashText(t)}`)));
  lines.push(...section("Failed", batch.failed.map((f) => `${code(f.path)}: ${oneLine(f.reason)}`)));
  if (!batch.moves.length && !batch.trashed.length && !batch.failed.length) lines.push("", "Nothing changed.");
  return lines.join("\n") + "\n";
}

export function formatUndoEntry(undo: UndoResult): string {
  const record: LogRecord = { v: 1, type: "undo", undo };
  const lines = [`## ${displayTime(undo.at)}: undo of the batch of ${batchTimeFromId(undo.batchId)}`, recordLine(record)];
  if (undo.interrupted) lines.push("", `Interrupted: ${oneLine(undo.interrupted)}`);
  lines.push(...section("Restored", undo.restored.map((r) => `${code(r.from)} → ${code(r.to)}`)));
  lines.push(...section("Not restorable here", undo.notRestorable.map((n) => oneLine(n.message))));
  lines.push(...section("Failed", undo.failed.map((f) => `${code(f.path)}: ${oneLine(f.reason)}`)));
  return lines.join("\n") + "\n";
}

function batchTimeFromId(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} UTC` : code(id);
}

/** The intent of an apply: written before its first step. */
export function formatIntentEntry(intent: ApplyIntent): string {
  const lines = [`## ${displayTime(intent.at)}: cleaner batch, planned`, recordLine({ v: 1, type: "intent", intent })];
  lines.push(
    ...section(
      "Planned",
      intent.steps.map((s) => (s.op === "move" ? `move ${code(s.from)} → ${code(s.to)}` : `move ${code(s.path)} to the trash`)),
    ),
  );
  return lines.join("\n") + "\n";
}

/** The intent of an undo: written before its first step. */
export function formatUndoIntentEntry(intent: UndoIntent): string {
  const lines = [`## ${displayTime(intent.at)}: undo of the batch of ${batchTimeFromId(intent.batchId)}, planned`, recordLine({ v: 1, type: "undo-intent", intent })];
  lines.push(...section("Planned", intent.jobs.map((j) => `${code(j.from)} → ${code(j.to)}`)));
  return lines.join("\n") + "\n";
}

/** One step's record line (hidden). */
export function formatStepLine(step: StepRecord): string {
  return recordLine({ v: 1, type: "step", step });
}

/** The note's text with one record line appended directly (no blank line, no header). */
export function appendLogLine(existing: string, line: string): string {
  const text = existing.trim() === "" ? LOG_HEADER : existing;
  return `${text.endsWith("\n") ? text : text + "\n"}${line}\n`;
}

/** The note's text with `entry` appended (a header first when the note is new or empty). Pure: for vault.process. */
export function appendLogEntry(existing: string, entry: string): string {
  let text = existing.trim() === "" ? LOG_HEADER : existing;
  if (!text.endsWith("\n")) text += "\n";
  return `${text}\n${entry.endsWith("\n") ? entry : entry + "\n"}`;
}
