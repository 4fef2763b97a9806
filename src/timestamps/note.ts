// Reads a whole note: its ```timestamp-url / ```timestamp blocks, inline timestamps and the
// `video` property, and ties each timestamp to the video it seeks. Pure: no Obsidian import.
//
// Lines are 0-based everywhere in the returned data; messages meant for people say "line N"
// with N 1-based, as editors show them.
import { frontmatterVideoOf, videoCacheKey, type FrontmatterVideo } from "./frontmatter";
import { findInlineTimestamps } from "./inline";
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
}

export interface NoteScan {
  /** The `video` property of the frontmatter (key in any case), or null when there is none. */
  frontmatterVideo: FrontmatterVideo | null;
  videoBlocks: VideoBlock[];
  /** Every timestamp, block and inline, in document order. */
  timestamps: TimestampEntry[];
  blocks: TimestampBlock[];
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
  language: string;
  /** How many `>` markers precede the fence: its content lines carry as many. */
  quotes: number;
}

/** Reads an opening fence, allowing any indentation and `>` / list-marker containers before it. */
function openingFence(line: string): Fence | null {
  let i = 0;
  let quotes = 0;
  for (;;) {
    while (i < line.length && (line.charAt(i) === " " || line.charAt(i) === "\t")) i += 1;
    if (line.charAt(i) === ">") {
      quotes += 1;
      i += 1;
      continue;
    }
    const marker = /^(?:[-+*]|[0-9]{1,9}[.)])[ \t]+/.exec(line.slice(i, i + 12));
    if (marker) {
      i += marker[0].length;
      continue;
    }
    break;
  }
  const rest = line.slice(i);
  const m = /^(`{3,}|~{3,})(.*)$/.exec(rest);
  if (!m) return null;
  const char = m[1].charAt(0) === "`" ? "`" : "~";
  // A backtick fence's info string may not hold backticks (otherwise it is inline code).
  if (char === "`" && m[2].includes("`")) return null;
  const language = (m[2].trim().split(/\s+/)[0] ?? "").toLowerCase();
  return { char, width: m[1].length, language, quotes };
}

/** Removes up to `depth` blockquote markers; null when the line has fewer (the quote, and the block, ended). */
function stripQuotes(line: string, depth: number): string | null {
  let rest = line;
  for (let d = 0; d < depth; d += 1) {
    const m = /^[ \t]*>[ \t]?/.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
  }
  return rest;
}

function isClosingFence(text: string, fence: Fence): boolean {
  const t = text.trim();
  return t.length >= fence.width && t === fence.char.repeat(t.length);
}

function atxHeading(line: string): string | null {
  const m = /^ {0,3}#{1,6}(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  return (m[1] ?? "").replace(/(?:^|[ \t]+)#+[ \t]*$/, "").trim();
}

function headingAfter(lines: string[], endLine: number): string {
  for (let k = endLine + 1; k < lines.length && k <= endLine + HEADING_LOOKAHEAD; k += 1) {
    if (lines[k].trim() === "") continue;
    return atxHeading(lines[k]) ?? "";
  }
  return "";
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
const RECENT_SCANS = 4;

/**
 * scanNote, remembered for the last few texts. Obsidian hands every block of one render
 * the same note text, so a note of n blocks would otherwise be scanned n times (n² work).
 * The result is shared: callers must treat it as read-only.
 */
export function scanNoteCached(text: string, frontmatter?: Record<string, unknown> | null): NoteScan {
  const key = frontmatter ? `${text}\u0000${videoCacheKey(frontmatter)}` : text;
  const hit = recentScans.get(key);
  if (hit) {
    recentScans.delete(key);
    recentScans.set(key, hit);
    return hit;
  }
  const scan = scanNote(text, frontmatter);
  recentScans.set(key, scan);
  if (recentScans.size > RECENT_SCANS) recentScans.delete(recentScans.keys().next().value as string);
  return scan;
}

/**
 * Scans a note's text (LF, CRLF or CR line endings; a leading BOM is allowed). `frontmatter`, when
 * given, is the note's front matter from Obsidian's metadata cache: its `video` property is used
 * instead of the text's (see ./frontmatter.ts).
 */
export function scanNote(text: string, frontmatter?: Record<string, unknown> | null): NoteScan {
  const lines = String(text ?? "").split(/\r\n|\r|\n/);
  const { video: frontmatterVideo, bodyStart } = frontmatterVideoOf(lines, frontmatter);
  const videoBlocks: VideoBlock[] = [];
  const timestamps: TimestampEntry[] = [];
  const blocks: TimestampBlock[] = [];

  const defaultContext: VideoContext =
    frontmatterVideo === null
      ? { video: null, error: NO_VIDEO_ERROR }
      : frontmatterVideo.video !== null
        ? { video: frontmatterVideo.video, error: null }
        : { video: null, error: `the \`video\` property is invalid: ${frontmatterVideo.error ?? "unknown error"}` };
  let context = defaultContext;

  let i = bodyStart;
  while (i < lines.length) {
    const fence = openingFence(lines[i]);
    if (fence === null) {
      for (const m of findInlineTimestamps(lines[i])) timestamps.push(entryOf(i, m, "", context, "inline"));
      i += 1;
      continue;
    }
    const content: string[] = [];
    let endLine = lines.length - 1;
    let closed = false;
    for (let k = i + 1; k < lines.length; k += 1) {
      const inner = stripQuotes(lines[k], fence.quotes);
      if (inner === null) {
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

    if (fence.language === TIMESTAMP_URL_LANGUAGE) {
      const filled = content.map((l) => l.trim()).filter((l) => l !== "");
      const raw = filled.join("\n");
      let block: VideoBlock;
      if (filled.length === 0) block = { line: startLine, raw, video: null, error: "empty timestamp-url block" };
      else if (filled.length > 1) {
        block = { line: startLine, raw, video: null, error: `a timestamp-url block holds one video; this one has ${filled.length} lines` };
      } else {
        const parsed = parseVideoSource(filled[0]);
        block = "error" in parsed
          ? { line: startLine, raw, video: null, error: parsed.error }
          : { line: startLine, raw, video: parsed.video, error: null };
      }
      videoBlocks.push(block);
      blocks.push({ kind: "timestamp-url", startLine, endLine, closed, entries: [] });
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
      blocks.push({ kind: "timestamp", startLine, endLine, closed, entries });
      timestamps.push(...entries);
    }
  }
  return { frontmatterVideo, videoBlocks, timestamps, blocks };
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
