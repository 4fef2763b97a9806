// Inline timestamps. Pure: no Obsidian import.
//
// Syntax: inline code whose text starts with `@` and a digit, e.g. `@06:45` or
// `@06:45 Data cleaning` (the label is optional; the same separators as in blocks are allowed:
// `@06:45 - Data cleaning`). Inline code was chosen because Markdown renders it unchanged inside
// paragraphs, list items, tables and callouts, so the plugin can find it in Reading view
// (<code> elements) and in Live Preview (the backticked range) without a new syntax that
// Markdown might mangle. Only `@` followed by a digit counts, so code such as `@Override` or
// `@param` is left alone; `@1x:00` is meant as a time and reported as an invalid one.
import { parseTimeLine } from "./time";

export const INLINE_TIMESTAMP_PREFIX = "@";

export type InlineTimestamp =
  | { text: string; seconds: number; label: string }
  | { text: string; error: string };

/** One inline timestamp in a line: `from`/`to` span the whole backticked code, backticks included. */
export interface InlineTimestampMatch {
  from: number;
  to: number;
  /** The time as written, without the `@`. */
  text: string;
  seconds: number | null;
  label: string;
  error: string | null;
}

/**
 * Reads the text of an inline code span. Returns null when the code is not meant as a timestamp
 * (it does not start with `@` and a digit).
 */
export function parseInlineTimestamp(codeText: string): InlineTimestamp | null {
  const t = String(codeText ?? "").trim();
  if (!t.startsWith(INLINE_TIMESTAMP_PREFIX) || !/^[0-9]$/.test(t.charAt(INLINE_TIMESTAMP_PREFIX.length))) return null;
  const parsed = parseTimeLine(t.slice(INLINE_TIMESTAMP_PREFIX.length));
  if (parsed.error !== null || parsed.seconds === null) {
    return { text: parsed.text, error: parsed.error ?? "invalid time" };
  }
  return { text: parsed.text, seconds: parsed.seconds, label: parsed.label };
}

/**
 * Finds the inline timestamps of one line of Markdown, following CommonMark's code spans: a run of
 * N backticks opens a span closed by the next run of exactly N backticks; a backslash-escaped
 * backtick opens nothing. Lines inside fenced code blocks must not be passed here.
 */
export function findInlineTimestamps(lineText: string): InlineTimestampMatch[] {
  const line = String(lineText ?? "");
  const found: InlineTimestampMatch[] = [];
  // Once a run width has no closer after some point it has none later either: remembering that
  // keeps lines full of unmatched backticks linear instead of quadratic.
  const unclosedWidths = new Set<number>();
  let i = 0;
  while (i < line.length) {
    const ch = line.charAt(i);
    if (ch === "\\") {
      i += 2; // an escaped character, backtick or not, is plain text
      continue;
    }
    if (ch !== "`") {
      i += 1;
      continue;
    }
    const openEnd = runEnd(line, i);
    const width = openEnd - i;
    const close = unclosedWidths.has(width) ? -1 : findClosingRun(line, openEnd, width);
    if (close < 0) {
      unclosedWidths.add(width);
      // No closer: these backticks are literal text (CommonMark), scanning goes on after them.
      i = openEnd;
      continue;
    }
    const parsed = parseInlineTimestamp(line.slice(openEnd, close));
    const to = close + width;
    if (parsed !== null) {
      found.push(
        "error" in parsed
          ? { from: i, to, text: parsed.text, seconds: null, label: "", error: parsed.error }
          : { from: i, to, text: parsed.text, seconds: parsed.seconds, label: parsed.label, error: null },
      );
    }
    i = to;
  }
  return found;
}

function runEnd(line: string, start: number): number {
  let j = start;
  while (j < line.length && line.charAt(j) === "`") j += 1;
  return j;
}

function findClosingRun(line: string, from: number, width: number): number {
  let j = from;
  while (j < line.length) {
    if (line.charAt(j) !== "`") {
      j += 1;
      continue;
    }
    const end = runEnd(line, j);
    if (end - j === width) return j;
    j = end;
  }
  return -1;
}
