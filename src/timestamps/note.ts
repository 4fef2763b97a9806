// Reads a whole note: its ```timestamp-url / ```timestamp blocks, inline timestamps and the
// `video` property, and ties each timestamp to the video it seeks. Pure: no Obsidian import.
//
// Lines are 0-based everywhere in the returned data; messages meant for people say "line N"
// with N 1-based, as editors show them.
import { frontmatterVideoOf, videoCacheKey, type FrontmatterVideo, type YamlReader } from "./frontmatter";
import { scanInlineInto, type OpenComment } from "./inline";
import { atxHeading, BlockContext, NoteLines, opensWith, quotePrefix, type Fence } from "./markdown-blocks";
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

function headingAfter(lines: NoteLines, endLine: number): string {
  for (let k = endLine + 1; k < lines.length && k <= endLine + HEADING_LOOKAHEAD; k += 1) {
    const line = lines.at(k);
    if (line.trim() === "") continue;
    return atxHeading(line) ?? "";
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

  // The fenced block being read: its opening fence, that fence's line, and its content lines so far.
  let fence: Fence | null = null;
  let startLine = 0;
  let content: string[] = [];
  /** Ends the fenced block being read at `endLine` (its closing fence, or its last line when `closed` is false). */
  const finishBlock = (endLine: number, closed: boolean): void => {
    const open = fence as Fence;
    fence = null;
    if (open.language === TIMESTAMP_URL_LANGUAGE) {
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
    } else if (open.language === TIMESTAMP_LANGUAGE) {
      const heading = closed ? headingAfter(lines, endLine) : "";
      // The heading after a block titles the section its first time starts; later times of the
      // same block would otherwise all repeat it.
      const entries = parseBlockLines(content).map((b, i) =>
        entryOf(b.error === EMPTY_BLOCK_ERROR ? startLine : startLine + 1 + b.lineOffset, b, i === 0 ? heading : "", context, "block"),
      );
      blocks.push({ kind: "timestamp", startLine, endLine, closed, entries, source: normalizedBlockSource(content) });
      timestamps.push(...entries);
    } else {
      const lower = open.language.toLowerCase();
      if (lower === TIMESTAMP_LANGUAGE || lower === TIMESTAMP_URL_LANGUAGE) misnamedBlocks.push({ line: startLine, language: open.language, expected: lower });
    }
  };

  for (let i = bodyStart; i < lines.length; i += 1) {
    if (comment === "html-block") {
      if (lines.at(i).includes("-->")) comment = null;
      structure.endBlock();
      continue;
    }
    if (comment !== null) {
      scanText(i, comment);
      continue;
    }
    const line = lines.at(i);
    const kind = structure.read(line);
    if (fence !== null) {
      if (kind === "content") {
        content.push(structure.content);
        continue;
      }
      // The block ends at its closing fence, or with its container (the quote stops, or a list
      // item's content is dedented): then this line is read as what it is.
      finishBlock(kind === "close" ? i : i - 1, kind === "close");
      if (kind === "close") continue;
    }
    if (kind === "blank" || kind === "code" || kind === "content" || kind === "close") continue;
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
      continue;
    }
    fence = kind;
    startLine = i;
    content = [];
  }
  if (fence !== null) finishBlock(lines.length - 1, false);
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
