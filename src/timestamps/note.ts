// Reads a whole note: its ```timestamp-url / ```timestamp blocks, inline timestamps and the
// `video` property, and ties each timestamp to the video it seeks. Pure: no Obsidian import.
//
// Lines are 0-based everywhere in the returned data; messages meant for people say "line N"
// with N 1-based, as editors show them.
import { frontmatterVideoOf, videoCacheKey, type FrontmatterVideo, type YamlReader } from "./frontmatter";
import { scanInlineInto, type OpenComment } from "./inline";
import { parseTimeLine } from "./time";
import type { TimestampEntry, VideoRef } from "./types";
import { parseVideoSource } from "./video";

export type { FrontmatterVideo } from "./frontmatter";

export const TIMESTAMP_LANGUAGE = "timestamp";
export const TIMESTAMP_URL_LANGUAGE = "timestamp-url";

export const NO_VIDEO_ERROR = "no video for this timestamp: add a ```timestamp-url block above it or a `video` property";
export const EMPTY_BLOCK_ERROR = "empty timestamp block";

export interface VideoBlock {
  /** The line of the block's opening fence. */
  line: number;
  /** The block's text, trimmed (its non-blank lines joined by "\n"). */
  raw: string;
  video: VideoRef | null;
  error: string | null;
}

export interface TimestampBlock {
  kind: "timestamp" | "timestamp-url";
  /** The opening fence's line. */
  startLine: number;
  /** The closing fence's line, or the block's last line when it is not closed. */
  endLine: number;
  closed: boolean;
  /** The block's timestamps (always empty for timestamp-url blocks). */
  entries: TimestampEntry[];
  /** The block's inner text, normalised by normalizedBlockSource (to match a rendered block's source). */
  source: string;
}

/** An inline timestamp and its place in its line. */
export interface InlineOccurrence {
  entry: TimestampEntry;
  /** 0-based UTF-16 columns of the backticked span in its line, backticks included (`to` exclusive). */
  from: number;
  to: number;
}

/** A fenced block whose language differs from ours only by case: Obsidian shows it as plain code. */
export interface MisnamedBlock {
  line: number;
  /** The language as written (e.g. "TIMESTAMP"). */
  language: string;
  /** The registered name it was probably meant as. */
  expected: "timestamp" | "timestamp-url";
}

export interface NoteScan {
  /** The `video` property of the frontmatter (key in any case), or null when there is none. */
  frontmatterVideo: FrontmatterVideo | null;
  videoBlocks: VideoBlock[];
  /** Every timestamp, block and inline, in document order. */
  timestamps: TimestampEntry[];
  blocks: TimestampBlock[];
  /** The inline timestamps (also in `timestamps`), in document order, with their columns. */
  inline: InlineOccurrence[];
  /** Blocks Obsidian does not render as ours because of the language's case. */
  misnamedBlocks: MisnamedBlock[];
}

export interface BlockLine {
  text: string;
  seconds: number | null;
  label: string;
  error: string | null;
  /** 0-based line within the block's source. */
  lineOffset: number;
}

export interface NoteProblem {
  line: number;
  message: string;
}

/** How many lines after a block's closing fence may hold its heading (blank lines in between). */
const HEADING_LOOKAHEAD = 5;

interface Fence {
  char: "`" | "~";
  width: number;
  /** The info string's first word, exactly as written (Obsidian's processors are case-sensitive). */
  language: string;
  /** How many `>` markers precede the fence: its content lines carry as many. */
  quotes: number;
  /** The column where the fence's container content starts (a list item's content column, else 0). */
  column: number;
}

/**
 * Columns of the spaces and tabs that start `text` at `from` (a tab advances to the next multiple
 * of 4, counting from `from`), and how many characters they are.
 */
function indentOf(text: string, from = 0): { columns: number; chars: number } {
  let columns = 0;
  let k = from;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c === 32) columns += 1;
    else if (c === 9) columns += 4 - (columns % 4);
    else break;
    k += 1;
  }
  return { columns, chars: k - from };
}

/** Removes up to `depth` blockquote markers; null when the line has fewer (the quote, and the block, ended). */
function stripQuotes(line: string, depth: number): string | null {
  let rest = line;
  for (let d = 0; d < depth; d += 1) {
    const m = /^ {0,3}>[ \t]?/.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
  }
  return rest;
}

/** All leading blockquote markers of a line: how many, and what follows them. */
function quotePrefix(line: string): { quotes: number; rest: string } {
  if (!line.includes(">")) return { quotes: 0, rest: line };
  let quotes = 0;
  let rest = line;
  for (;;) {
    const m = /^ {0,3}>[ \t]?/.exec(rest);
    if (!m) return { quotes, rest };
    quotes += 1;
    rest = rest.slice(m[0].length);
  }
}

/**
 * Whether the backticks at `at` may open a fence: at least 3, and no backtick after them on the
 * line (an info string holding one makes inline code). Read in place: a long line of code spans is
 * not copied.
 */
function mayOpenBacktickFence(line: string, at: number): boolean {
  let k = at;
  while (line.charCodeAt(k) === 96) k += 1;
  return k - at >= 3 && line.indexOf("`", k) < 0;
}

/** Whether the line's first character after up to 3 spaces is `a` or `b` (character codes). */
function opensWith(line: string, a: number, b: number): boolean {
  let k = 0;
  while (k < 3 && line.charCodeAt(k) === 32) k += 1;
  const c = line.charCodeAt(k);
  return c === a || c === b;
}

/** Blank from `from` on: nothing but spaces, tabs and other white space (what `text.slice(from).trim() === ""` tells, without a copy). */
function isBlank(text: string, from = 0): boolean {
  for (let k = from; k < text.length; k += 1) {
    const c = text.charCodeAt(k);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    if (c < 128 || !/\s/.test(text.charAt(k))) return false;
  }
  return true;
}

/**
 * The width of the list marker the text starts with at `at` (`-`, `+`, `*`, or 1 to 9 digits and
 * `.` or `)`, followed by a space, a tab or the end), or 0 when there is none.
 */
function listMarkerWidth(line: string, at: number): number {
  const c = line.charCodeAt(at);
  let width = 0;
  if (c === 45 || c === 43 || c === 42) width = 1;
  else {
    while (at + width < line.length && width < 10) {
      const d = line.charCodeAt(at + width);
      if (d < 48 || d > 57) break;
      width += 1;
    }
    if (width === 0 || width > 9) return 0;
    const after = line.charCodeAt(at + width);
    if (after !== 46 && after !== 41) return 0;
    width += 1;
  }
  if (at + width === line.length) return width;
  const next = line.charCodeAt(at + width);
  return next === 32 || next === 9 ? width : 0;
}
const THEMATIC_BREAK = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

/** Whether the text from `at` on is a thematic break (`---`, `* * *`, `___`). */
function isThematicBreak(line: string, at: number): boolean {
  const c = line.charCodeAt(at);
  if (c !== 45 && c !== 42 && c !== 95) return false;
  // The second marker must follow after spaces or tabs only: most list items ("- text") stop here.
  let k = at + 1;
  while (line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9) k += 1;
  return line.charCodeAt(k) === c && THEMATIC_BREAK.test(line.slice(at));
}

/** Whether the text from `at` on opens an ATX heading: 1 to 6 `#` then a space, a tab or the end. */
function isAtxHeadingStart(line: string, at: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === 35) k += 1;
  const marks = k - at;
  if (marks < 1 || marks > 6) return false;
  return k === line.length || line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9;
}

function isClosingFence(text: string, fence: Fence): boolean {
  const { columns } = indentOf(text);
  if (columns - fence.column > 3) return false;
  const t = text.trim();
  return t.length >= fence.width && t === fence.char.repeat(t.length);
}

/**
 * Where each line of a note stands in Obsidian's (CommonMark's) block structure, as far as
 * timestamps care: which lines open a fenced block, which are indented code, and which are text
 * whose inline code counts. List items are followed by their content column, so a fence inside a
 * list item may be indented, while 4 columns more than its container makes indented code.
 */
class BlockContext {
  private quotes = 0;
  /** Content columns of the open list items, innermost last. */
  private items: number[] = [];
  private inParagraph = false;

  /** The fence a line opens, "code" for an indented code line, "blank", or "text". */
  read(line: string): Fence | "code" | "blank" | "text" {
    const { quotes, rest } = quotePrefix(line);
    if (quotes !== this.quotes) {
      this.quotes = quotes;
      this.items = [];
      this.inParagraph = false;
    }
    if (isBlank(rest)) {
      this.inParagraph = false;
      return "blank";
    }
    let { columns, chars } = indentOf(rest);
    while (this.items.length > 0 && columns < this.items[this.items.length - 1]) this.items.pop();
    let base = this.items.length > 0 ? this.items[this.items.length - 1] : 0;
    // Four columns past the container: indented code, or inside a paragraph its continuation text.
    if (columns - base >= 4) return this.inParagraph ? "text" : "code";
    // The body (what follows the indent and list markers) starts at `at` in `rest`: read in place.
    let at = chars;
    // List markers open items (several on one line nest): the content column moves past each.
    for (;;) {
      if (isThematicBreak(rest, at)) break;
      const width = listMarkerWidth(rest, at);
      if (width === 0) break;
      const after = at + width;
      const gap = indentOf(rest, after);
      const empty = isBlank(rest, after);
      const content = empty || gap.columns > 4 ? columns + width + 1 : columns + width + gap.columns;
      this.items.push(content);
      base = content;
      this.inParagraph = false;
      if (empty || gap.columns > 4) return "text";
      columns = content;
      at = after + gap.chars;
    }
    const first = rest.charCodeAt(at);
    const m = (first === 96 && mayOpenBacktickFence(rest, at)) || first === 126 ? /^(`{3,}|~{3,})(.*)$/.exec(rest.slice(at)) : null;
    // A backtick fence's info string may not hold backticks (otherwise it is inline code).
    if (m && !(m[1].charAt(0) === "`" && m[2].includes("`"))) {
      this.inParagraph = false;
      const char = m[1].charAt(0) === "`" ? "`" : "~";
      const language = m[2].trim().split(/\s+/)[0] ?? "";
      return { char, width: m[1].length, language, quotes, column: base };
    }
    this.inParagraph = !isAtxHeadingStart(rest, at) && !isThematicBreak(rest, at);
    return "text";
  }

  /** After a fenced block: what follows starts a new paragraph. */
  endBlock(): void {
    this.inParagraph = false;
  }
}

function atxHeading(line: string): string | null {
  const m = /^ {0,3}#{1,6}(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  return (m[1] ?? "").replace(/(?:^|[ \t]+)#+[ \t]*$/, "").trim();
}

function headingAfter(lines: NoteLines, endLine: number): string {
  for (let k = endLine + 1; k < lines.length && k <= endLine + HEADING_LOOKAHEAD; k += 1) {
    const line = lines.at(k);
    if (line.trim() === "") continue;
    return atxHeading(line) ?? "";
  }
  return "";
}

/**
 * A note's lines as `text.split(/\r\n|\r|\n/)` gives them, read one at a time: only where each
 * line starts and ends is kept (one pass over the text), and a line's string is made when it is
 * read, so a scan does not hold the whole note as line strings.
 */
class NoteLines {
  /** Where line k starts and ends (its line ending excluded), for k < count. */
  private starts: Int32Array;
  private ends: Int32Array;
  private count = 0;

  constructor(private readonly text: string) {
    const n = text.length;
    const capacity = Math.min(n + 1, 1024 + (n >> 5));
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    // The next CR and LF at or after `from` (-1: none left); each is searched once per line it ends.
    let cr = text.indexOf("\r");
    let lf = text.indexOf("\n");
    let from = 0;
    for (;;) {
      if (cr >= 0 && cr < from) cr = text.indexOf("\r", from);
      if (lf >= 0 && lf < from) lf = text.indexOf("\n", from);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      this.add(from, end < 0 ? n : end);
      if (end < 0) return;
      from = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    }
  }

  private add(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2);
      const ends = new Int32Array(this.count * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count += 1;
  }

  /** How many lines (at least 1: an empty text is one empty line). */
  get length(): number {
    return this.count;
  }

  /** Line `k` (0-based), without its line ending. */
  at(k: number): string {
    return this.text.slice(this.starts[k], this.ends[k]);
  }

  /** The first lines, up to and including the front matter's closing `---` or `...` when line 0 opens one. */
  frontMatterHead(): string[] {
    const head = [this.at(0)];
    if (head[0].replace(/^\uFEFF/, "").trimEnd() !== "---") return head;
    for (let k = 1; k < this.length; k += 1) {
      const line = this.at(k);
      head.push(line);
      const t = line.trimEnd();
      if (t === "---" || t === "...") break;
    }
    return head;
  }
}

/** Splits a timestamp block's inner text into its timestamps; blank lines are skipped. */
export function parseTimestampBlockSource(source: string): BlockLine[] {
  return parseBlockLines(String(source ?? "").split(/\r\n|\r|\n/));
}

function parseBlockLines(content: string[]): BlockLine[] {
  const out: BlockLine[] = [];
  content.forEach((line, lineOffset) => {
    if (line.trim() === "") return;
    out.push({ ...parseTimeLine(line), lineOffset });
  });
  if (out.length === 0) return [{ text: "", seconds: null, label: "", error: EMPTY_BLOCK_ERROR, lineOffset: 0 }];
  return out;
}

type VideoContext = { video: VideoRef | null; error: string | null };

function entryOf(
  line: number,
  parsed: { text: string; seconds: number | null; label: string; error: string | null },
  heading: string,
  context: VideoContext,
  source: "block" | "inline",
): TimestampEntry {
  // Invariant: exactly one of seconds and error is null; a time without a video cannot be sought.
  const error = parsed.error ?? (parsed.seconds === null ? "invalid time" : context.error);
  return {
    line,
    text: parsed.text,
    seconds: error === null ? parsed.seconds : null,
    label: parsed.label,
    heading,
    video: context.video,
    error,
    source,
  };
}

const recentScans = new Map<string, NoteScan>();
const readerIds = new WeakMap<YamlReader, number>();
let readerCount = 0;

/** A number per YAML reader, so scans read by different readers are remembered apart. */
function readerId(read: YamlReader | undefined): number {
  if (read === undefined) return 0;
  let id = readerIds.get(read);
  if (id === undefined) readerIds.set(read, (id = (readerCount += 1)));
  return id;
}
const RECENT_SCANS = 4;

/**
 * scanNote, remembered for the last few texts. Obsidian hands every block of one render
 * the same note text, so a note of n blocks would otherwise be scanned n times (n² work).
 * The result is shared: callers must treat it as read-only.
 */
export function scanNoteCached(text: string, frontmatter?: Record<string, unknown> | null, read?: YamlReader): NoteScan {
  const key = `${readerId(read)}\u0000${frontmatter ? `${text}\u0000${videoCacheKey(frontmatter)}` : text}`;
  const hit = recentScans.get(key);
  if (hit) {
    recentScans.delete(key);
    recentScans.set(key, hit);
    return hit;
  }
  const scan = scanNote(text, frontmatter, read);
  recentScans.set(key, scan);
  if (recentScans.size > RECENT_SCANS) recentScans.delete(recentScans.keys().next().value as string);
  return scan;
}

/**
 * Scans a note's text (LF, CRLF or CR line endings; a leading BOM is allowed). `frontmatter`, when
 * given, is the note's front matter from Obsidian's metadata cache: its `video` property is used
 * instead of the text's (see ./frontmatter.ts). `read` reads the YAML when there is no such value
 * (the default reader of ./frontmatter.ts when omitted).
 */
export function scanNote(text: string, frontmatter?: Record<string, unknown> | null, read?: YamlReader): NoteScan {
  const lines = new NoteLines(String(text ?? ""));
  // The front matter is read from its own lines: a line of it is all the body scan needs.
  const { video: frontmatterVideo, bodyStart } = frontmatterVideoOf(lines.frontMatterHead(), frontmatter, read);
  const videoBlocks: VideoBlock[] = [];
  const timestamps: TimestampEntry[] = [];
  const blocks: TimestampBlock[] = [];
  const inline: InlineOccurrence[] = [];
  const misnamedBlocks: MisnamedBlock[] = [];

  const defaultContext: VideoContext =
    frontmatterVideo === null
      ? { video: null, error: NO_VIDEO_ERROR }
      : frontmatterVideo.video !== null
        ? { video: frontmatterVideo.video, error: null }
        : { video: null, error: `the \`video\` property is invalid: ${frontmatterVideo.error ?? "unknown error"}` };
  let context = defaultContext;

  const structure = new BlockContext();
  // A comment left open by an earlier line: %%…%% or an inline HTML comment hide up to their end;
  // an HTML comment block (a line starting with <!--) hides whole lines up to the one holding -->.
  let comment: OpenComment | "html-block" = null;
  // Each inline timestamp becomes its entry as the line's scan finds it (no per-line arrays).
  let textLine = 0;
  const addInline = (from: number, to: number, text: string, seconds: number | null, label: string, error: string | null): void => {
    // As entryOf: exactly one of seconds and error is null; a time without a video cannot be sought.
    const why = error ?? (seconds === null ? "invalid time" : context.error);
    const entry: TimestampEntry = { line: textLine, text, seconds: why === null ? seconds : null, label, heading: "", video: context.video, error: why, source: "inline" };
    timestamps.push(entry);
    inline.push({ entry, from, to });
  };
  const scanText = (lineNo: number, from: OpenComment): void => {
    textLine = lineNo;
    comment = scanInlineInto(lines.at(lineNo), from, addInline);
  };

  let i = bodyStart;
  while (i < lines.length) {
    if (comment === "html-block") {
      if (lines.at(i).includes("-->")) comment = null;
      structure.endBlock();
      i += 1;
      continue;
    }
    if (comment !== null) {
      scanText(i, comment);
      i += 1;
      continue;
    }
    const line = lines.at(i);
    const kind = structure.read(line);
    if (kind === "blank" || kind === "code") {
      i += 1;
      continue;
    }
    if (kind === "text") {
      // An HTML block starts, after up to 3 spaces, with `<!--`, or with the `>` of a quote holding one.
      const body = opensWith(line, 60, 62) && line.includes("<!--") ? quotePrefix(line).rest : "";
      if (body !== "" && /^ {0,3}<!--/.test(body)) {
        // CommonMark's HTML block: the whole line (and the next ones, until -->) is raw HTML.
        if (!body.includes("-->", body.indexOf("<!--") + 4)) comment = "html-block";
        structure.endBlock();
      } else {
        textLine = i;
        comment = scanInlineInto(line, null, addInline);
      }
      i += 1;
      continue;
    }
    const fence = kind;
    const content: string[] = [];
    let endLine = lines.length - 1;
    let closed = false;
    for (let k = i + 1; k < lines.length; k += 1) {
      const inner = stripQuotes(lines.at(k), fence.quotes);
      // The block ends with its container: the quote stops, or a list item's content is dedented.
      if (inner === null || (fence.column > 0 && inner.trim() !== "" && indentOf(inner).columns < fence.column)) {
        endLine = k - 1;
        break;
      }
      if (isClosingFence(inner, fence)) {
        endLine = k;
        closed = true;
        break;
      }
      content.push(inner);
    }
    const startLine = i;
    i = endLine + 1;
    structure.endBlock();

    if (fence.language === TIMESTAMP_URL_LANGUAGE) {
      const filled = content.map((l) => l.trim()).filter((l) => l !== "");
      const raw = filled.join("\n");
      let block: VideoBlock;
      // An embed code is HTML, which share dialogs and editors wrap over several lines: one source.
      const html = filled.length > 1 && filled[0].startsWith("<");
      if (filled.length === 0) block = { line: startLine, raw, video: null, error: "empty timestamp-url block" };
      else if (filled.length > 1 && !html) {
        block = { line: startLine, raw, video: null, error: `a timestamp-url block holds one video; this one has ${filled.length} lines` };
      } else {
        const parsed = parseVideoSource(html ? filled.join(" ") : filled[0]);
        block = "error" in parsed
          ? { line: startLine, raw, video: null, error: parsed.error }
          : { line: startLine, raw, video: parsed.video, error: null };
      }
      videoBlocks.push(block);
      blocks.push({ kind: "timestamp-url", startLine, endLine, closed, entries: [], source: raw });
      context = block.video !== null
        ? { video: block.video, error: null }
        : { video: null, error: `the video block above (line ${startLine + 1}) is invalid: ${block.error ?? "unknown error"}` };
    } else if (fence.language === TIMESTAMP_LANGUAGE) {
      const heading = closed ? headingAfter(lines, endLine) : "";
      // The heading after a block titles the section its first time starts; later times of the
      // same block would otherwise all repeat it.
      const entries = parseBlockLines(content).map((b, i) =>
        entryOf(b.error === EMPTY_BLOCK_ERROR ? startLine : startLine + 1 + b.lineOffset, b, i === 0 ? heading : "", context, "block"),
      );
      blocks.push({ kind: "timestamp", startLine, endLine, closed, entries, source: normalizedBlockSource(content) });
      timestamps.push(...entries);
    } else {
      const lower = fence.language.toLowerCase();
      if (lower === TIMESTAMP_LANGUAGE || lower === TIMESTAMP_URL_LANGUAGE) misnamedBlocks.push({ line: startLine, language: fence.language, expected: lower });
    }
  }
  return { frontmatterVideo, videoBlocks, timestamps, blocks, inline, misnamedBlocks };
}

/** A block's text as compared between the note and a rendered block: trimmed non-blank lines. */
export function normalizedBlockSource(content: string | readonly string[]): string {
  const lines = typeof content === "string" ? content.split(/\r\n|\r|\n/) : content;
  return lines.map((l) => l.trim()).filter((l) => l !== "").join("\n");
}

/**
 * The entries of the ```timestamp block whose opening fence is at `startLine`. When none starts
 * there and `endLine` is given (a section that holds the block, such as a list), the single
 * timestamp block inside [startLine, endLine] is used. Null when no block matches.
 */
export function entriesForBlockAt(scan: NoteScan, startLine: number, endLine?: number): TimestampEntry[] | null {
  const stamps = scan.blocks.filter((b) => b.kind === "timestamp");
  const exact = stamps.find((b) => b.startLine === startLine);
  if (exact) return exact.entries;
  if (endLine === undefined) return null;
  const inside = stamps.filter((b) => b.startLine >= startLine && b.startLine <= endLine);
  return inside.length === 1 ? inside[0].entries : null;
}

/** Everything a "report problems" command should show, ordered by line. */
export function problemsOf(scan: NoteScan): NoteProblem[] {
  const problems: NoteProblem[] = [];
  const fm = scan.frontmatterVideo;
  if (fm !== null && fm.error !== null) problems.push({ line: fm.line, message: `video property: ${fm.error}` });
  for (const b of scan.videoBlocks) {
    if (b.error !== null) problems.push({ line: b.line, message: `timestamp-url block: ${b.error}` });
  }
  for (const b of scan.misnamedBlocks) {
    problems.push({
      line: b.line,
      message: `\`\`\`${b.language} is shown as plain code: block names are case-sensitive; write \`\`\`${b.expected}`,
    });
  }
  for (const b of scan.blocks) {
    if (!b.closed) problems.push({ line: b.startLine, message: `\`\`\`${b.kind} block is not closed (add a closing \`\`\` line)` });
  }
  for (const e of scan.timestamps) {
    if (e.error === null) continue;
    const named = e.text === "" || e.error.includes(`"${e.text}"`);
    problems.push({ line: e.line, message: named ? e.error : `${e.text}: ${e.error}` });
  }
  return problems.sort((a, b) => a.line - b.line);
}
