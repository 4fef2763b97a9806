// Inline timestamps. Pure: no Obsidian import.
//
// Syntax: inline code whose text starts with `@` and a digit, e.g. `@06:45` or
// `@06:45 Data cleaning` (the label is optional; the same separators as in blocks are allowed:
// `@06:45 - Data cleaning`). Inline code was chosen because Markdown renders it unchanged inside
// paragraphs, list items, tables and callouts, so the plugin can find it in Reading view
// (<code> elements) and in Live Preview (the backticked range) without a new syntax that
// Markdown might mangle. Only `@` followed by a digit counts, so code such as `@Override` or
// `@param` is left alone; `@1x:00` is meant as a time and reported as an invalid one.
import { parseTimeLine, plainTimeSeconds } from "./time";

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

/** Up to this many backtick runs on a line, closers are found by a direct look (bounded: at most FEW_RUNS² steps). */
const FEW_RUNS = 16;
// Every maximal backtick run of the line being scanned (start and width), reused from line to line:
// a note is scanned line by line, many thousand times. Only the first `runs` slots are current.
const runStart: number[] = [];
const runWidth: number[] = [];

/** Where a comment that a line leaves open continues: Obsidian's `%%…%%` or an HTML `<!-- … -->`. */
export type OpenComment = null | "%%" | "html";

export interface InlineLineScan {
  matches: InlineTimestampMatch[];
  /** The comment still open at the end of the line (it hides the next lines until it closes). */
  comment: OpenComment;
}

/**
 * Receives each inline timestamp a line holds, in order, as scanInlineLine would list it (the
 * fields of an InlineTimestampMatch, passed one by one so a note's scan makes no match objects).
 */
export type InlineSink = (from: number, to: number, text: string, seconds: number | null, label: string, error: string | null) => void;

/**
 * Finds the inline timestamps of one line of Markdown, following CommonMark's code spans: a run of
 * N backticks opens a span closed by the next run of exactly N backticks; a backslash-escaped
 * backtick opens nothing. Obsidian's `%%…%%` comments and HTML comments hide what they hold; the
 * leftmost of a code span and a comment wins, as in Obsidian. `comment` is the comment left open
 * by the previous line. Linear in the line's length: each backtick run is visited a bounded number
 * of times. Lines inside fenced or indented code must not be passed here.
 */
export function scanInlineLine(lineText: string, comment: OpenComment = null): InlineLineScan {
  const matches: InlineTimestampMatch[] = [];
  const left = scanInlineInto(String(lineText ?? ""), comment, (from, to, text, seconds, label, error) => {
    matches.push({ from, to, text, seconds, label, error });
  });
  return { matches, comment: left };
}

/**
 * scanInlineLine for a note's scan: each timestamp goes to `sink` as it is found (no arrays, no
 * match objects) and the comment left open at the line's end is returned. Same results, same order.
 * The sink must not scan another line itself (the backtick runs are kept in module-level slots).
 */
export function scanInlineInto(line: string, comment: OpenComment, sink: InlineSink): OpenComment {
  // The next `%`, `<` and backslash at or after the scan's position (-1: none left), each found
  // again only once the scan has passed it: each character is searched once per kind (linear).
  let percent = line.indexOf("%");
  let angle = line.indexOf("<");
  const firstTick = line.indexOf("`");
  // Most lines hold no backtick and no comment: nothing to do.
  if (comment === null && firstTick < 0 && percent < 0 && angle < 0) return null;
  let backslash = line.indexOf("\\");
  const n = line.length;
  // Every maximal backtick run, and per width the runs of that width in order. A closer is the next
  // run of the opener's width after it; positions only grow, so one cursor per width suffices.
  let runs = 0;
  for (let p = firstTick; p >= 0; p = line.indexOf("`", p)) {
    const end = runEnd(line, p);
    if (runs < runStart.length) {
      runStart[runs] = p;
      runWidth[runs] = end - p;
    } else {
      runStart.push(p);
      runWidth.push(end - p);
    }
    runs += 1;
    p = end;
  }
  // Few runs (most lines): look for the closer directly. Many: per-width lists with cursors.
  const byWidth = runs > FEW_RUNS ? new Map<number, number[]>() : null;
  if (byWidth) {
    for (let r = 0; r < runs; r++) {
      const list = byWidth.get(runWidth[r]);
      if (list) list.push(r);
      else byWidth.set(runWidth[r], [r]);
    }
  }
  const cursor = byWidth ? new Map<number, number>() : null;
  let run = 0; // the first run that ends after i
  let open = comment;
  let i = 0;
  while (i < n) {
    if (open === "%%") {
      const close = line.indexOf("%%", i);
      if (close < 0) return open;
      open = null;
      i = close + 2;
      continue;
    }
    if (open === "html") {
      const close = line.indexOf("-->", i);
      if (close < 0) return open;
      open = null;
      i = close + 3;
      continue;
    }
    // The next special character: a backslash, a backtick, `%` or `<`.
    if (backslash >= 0 && backslash < i) backslash = line.indexOf("\\", i);
    if (percent >= 0 && percent < i) percent = line.indexOf("%", i);
    if (angle >= 0 && angle < i) angle = line.indexOf("<", i);
    while (run < runs && runStart[run] + runWidth[run] <= i) run += 1;
    // A backtick at i or after: i itself when i is inside a run (its start escaped away).
    const tick = run < runs ? Math.max(runStart[run], i) : -1;
    let next = tick;
    if (backslash >= 0 && (next < 0 || backslash < next)) next = backslash;
    if (percent >= 0 && (next < 0 || percent < next)) next = percent;
    if (angle >= 0 && (next < 0 || angle < next)) next = angle;
    if (next < 0) break;
    i = next;
    const ch = line.charCodeAt(i);
    if (ch === 92) {
      i += 2; // a backslash: the escaped character, backtick or not, is plain text
      continue;
    }
    if (ch === 37) {
      // %
      if (line.charCodeAt(i + 1) === 37) {
        open = "%%";
        i += 2;
      } else i += 1;
      continue;
    }
    if (ch === 60) {
      // <
      if (line.startsWith("<!--", i)) {
        open = "html";
        i += 4;
      } else i += 1;
      continue;
    }
    // A backtick: the opener runs from i to the end of its run (its start may be escaped away).
    const openEnd = runStart[run] + runWidth[run];
    const width = openEnd - i;
    let closeRun = -1;
    if (byWidth) {
      const list = byWidth.get(width) ?? [];
      let k = cursor?.get(width) ?? 0;
      while (k < list.length && list[k] <= run) k += 1;
      cursor?.set(width, k);
      if (k < list.length) closeRun = list[k];
    } else {
      for (let r = run + 1; r < runs; r++) {
        if (runWidth[r] === width) {
          closeRun = r;
          break;
        }
      }
    }
    if (closeRun < 0) {
      // No closer: these backticks are literal text (CommonMark), scanning goes on after them.
      i = openEnd;
      continue;
    }
    const close = runStart[closeRun];
    // Only code starting with `@` (after spaces) can be a timestamp: skip the others unread.
    let first = openEnd;
    while (first < close && isSpaceAt(line, first)) first += 1;
    const to = close + width;
    // As parseInlineTimestamp on the code's text, read in place: `@`, a digit, then the time line
    // up to the last non-space character (String.prototype.trim and \s remove the same characters).
    const digit = line.charCodeAt(first + 1);
    if (line.charCodeAt(first) === 64 && first + 1 < close && digit >= 48 && digit <= 57) {
      let last = close;
      while (last > first && isSpaceAt(line, last - 1)) last -= 1;
      const written = line.slice(first + 1, last);
      // A lone time such as `@06:45` (most inline timestamps): parseTimeLine would give exactly
      // this, read in one pass. Anything else (a label, a fraction, an error) takes the full reading.
      const quick = plainTimeSeconds(written);
      if (quick >= 0) sink(i, to, written, quick, "", null);
      else {
        const parsed = parseTimeLine(written);
        if (parsed.error !== null || parsed.seconds === null) sink(i, to, parsed.text, null, "", parsed.error ?? "invalid time");
        else sink(i, to, parsed.text, parsed.seconds, parsed.label, null);
      }
    }
    i = to;
  }
  return open;
}

/** The inline timestamps of one line that starts outside any comment (see scanInlineLine). */
export function findInlineTimestamps(lineText: string): InlineTimestampMatch[] {
  return scanInlineLine(lineText, null).matches;
}

/** Whether the character at `k` is white space as `\s` (and String.prototype.trim) see it. */
function isSpaceAt(line: string, k: number): boolean {
  const c = line.charCodeAt(k);
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c >= 128 && /\s/.test(line.charAt(k));
}

function runEnd(line: string, start: number): number {
  let j = start;
  while (j < line.length && line.charCodeAt(j) === 96) j += 1;
  return j;
}
