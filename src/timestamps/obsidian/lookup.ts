// Questions the Obsidian adapters ask of a scanned note. Pure: no Obsidian import, so it is
// tested without the stand-in.
import { findInlineTimestamps } from "../inline";
import { entriesForBlockAt, NO_VIDEO_ERROR, parseTimestampBlockSource, type NoteScan, type VideoBlock } from "../note";
import { formatTime } from "../time";
import type { TimestampEntry, VideoRef } from "../types";
import type { Chapter } from "../player/controls";

/** The video a line of the note is under: the nearest timestamp-url block above, else the frontmatter. */
export function videoContextAt(scan: NoteScan | null, line: number): { video: VideoRef | null; error: string | null } {
  if (scan) {
    let nearest: VideoBlock | null = null;
    for (const b of scan.videoBlocks) if (b.line < line && (nearest === null || b.line > nearest.line)) nearest = b;
    if (nearest) {
      return nearest.video
        ? { video: nearest.video, error: null }
        : { video: null, error: `the video block above (line ${nearest.line + 1}) is invalid: ${nearest.error ?? "unknown error"}` };
    }
    const fm = scan.frontmatterVideo;
    if (fm) return fm.video ? { video: fm.video, error: null } : { video: null, error: `the \`video\` property is invalid: ${fm.error ?? "unknown error"}` };
  }
  return { video: null, error: NO_VIDEO_ERROR };
}

/**
 * The timestamps of the ```timestamp block rendered from `source`. With section info, the scan's
 * block at that line; without it (or when the scan is stale and disagrees with `source`), the
 * source itself parsed under the frontmatter's video.
 */
export function blockEntries(scan: NoteScan | null, source: string, lineStart: number | null, lineEnd: number | null): TimestampEntry[] {
  const parsed = parseTimestampBlockSource(source);
  if (scan && lineStart !== null) {
    const found = entriesForBlockAt(scan, lineStart, lineEnd ?? undefined);
    if (found && sameTimes(found, parsed)) return found;
  }
  const base = lineStart !== null ? lineStart + 1 : 0;
  const context = lineStart !== null ? videoContextAt(scan, lineStart) : videoContextAt(scan && { ...scan, videoBlocks: [] }, 0);
  return parsed.map((b) => {
    const error = b.error ?? (b.seconds === null ? "invalid time" : context.error);
    return {
      line: base + b.lineOffset,
      text: b.text,
      seconds: error === null ? b.seconds : null,
      label: b.label,
      heading: "",
      video: context.video,
      error,
      source: "block" as const,
    };
  });
}

function sameTimes(a: readonly TimestampEntry[], b: readonly { text: string }[]): boolean {
  return a.length === b.length && a.every((e, i) => e.text === b[i]?.text);
}

/** The inline timestamp written `text` within lines [from, to], as the scan saw it, or null. */
export function inlineEntryAt(scan: NoteScan | null, from: number, to: number, text: string): TimestampEntry | null {
  if (!scan) return null;
  return scan.timestamps.find((e) => e.source === "inline" && e.line >= from && e.line <= to && e.text === text) ?? null;
}

/** The first video of a note: the frontmatter's, else the first valid timestamp-url block. */
export function firstVideo(scan: NoteScan): VideoRef | null {
  if (scan.frontmatterVideo?.video) return scan.frontmatterVideo.video;
  return scan.videoBlocks.find((b) => b.video !== null)?.video ?? null;
}

/** The note's timestamps that seek `video`, as chapters for the player pane, in time order. */
export function chaptersFor(scan: NoteScan, video: VideoRef): Chapter[] {
  const out: Chapter[] = [];
  for (const e of scan.timestamps) {
    if (e.seconds === null || e.error !== null || e.video?.url !== video.url) continue;
    const title = e.label || e.heading;
    out.push({ seconds: e.seconds, time: e.text || formatTime(e.seconds), title, line: e.line });
  }
  return out.sort((a, b) => a.seconds - b.seconds || a.line - b.line);
}

/** Provider and id, as shown next to a video link ("YouTube F4tvM4Vb3A0"). */
export function describeVideo(video: VideoRef): string {
  const provider = { youtube: "YouTube", vimeo: "Vimeo", media: "Media", vault: "Vault file" }[video.kind];
  return `${provider} ${video.id}`;
}

/** The timestamp under the editor's cursor, and what playing it means. */
export interface CursorTimestamp {
  entry: TimestampEntry;
  /** What a click on it seeks, or null when it cannot be played (then `problem` says why). */
  target: { video: VideoRef; seconds: number } | null;
  /** A sentence for a notice when `target` is null, else null. */
  problem: string | null;
}

/**
 * The timestamp at line `line` (0-based), column `ch` of the note `scan` was made from, whose text
 * at that line is `lineText`. Inside a ```timestamp block, fences included, it is the block's time
 * on the cursor line, else the nearest one (the first from the opening fence, the last from the
 * closing one). Elsewhere it is the inline timestamp of the line that the cursor touches, else the
 * nearest one on the line (the left one on a tie). Null when there is none: a line of another
 * fenced block, of a ```timestamp-url block, or of text without an inline timestamp.
 */
export function timestampAtCursor(scan: NoteScan, lineText: string, line: number, ch: number): CursorTimestamp | null {
  const block = scan.blocks.find((b) => b.kind === "timestamp" && b.startLine <= line && line <= b.endLine);
  if (block) {
    let best: TimestampEntry | null = null;
    for (const e of block.entries) if (best === null || Math.abs(e.line - line) < Math.abs(best.line - line)) best = e;
    return best ? playable(scan, best) : null;
  }
  if (scan.blocks.some((b) => b.startLine <= line && line <= b.endLine)) return null;
  const entries = scan.timestamps.filter((e) => e.source === "inline" && e.line === line);
  // The scan found these with the same function, on the same line, in the same order.
  const matches = findInlineTimestamps(lineText);
  if (entries.length === 0 || matches.length !== entries.length) return null;
  let bestIndex = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  matches.forEach((m, i) => {
    const distance = ch < m.from ? m.from - ch : ch > m.to ? ch - m.to : 0;
    if (distance < bestDistance) {
      bestDistance = distance;
      bestIndex = i;
    }
  });
  return playable(scan, entries[bestIndex]);
}

function playable(scan: NoteScan, entry: TimestampEntry): CursorTimestamp {
  if (entry.error === null && entry.seconds !== null && entry.video !== null) {
    return { entry, target: { video: entry.video, seconds: entry.seconds }, problem: null };
  }
  const context = videoContextAt(scan, entry.line);
  const error = entry.error ?? "invalid time";
  let problem: string;
  if (entry.video === null && error === NO_VIDEO_ERROR) problem = "No video for this timestamp: add a video block above it or a video property.";
  else if (entry.video === null && error === context.error) problem = `No video for this timestamp: ${error}.`;
  else if (entry.text === "" || error.includes(`"${entry.text}"`)) problem = `Cannot play this timestamp: ${error}.`;
  else problem = `Cannot play ${entry.text}: ${error}.`;
  return { entry, target: null, problem };
}
