// Questions the Obsidian adapters ask of a note's binding (./binding.ts). Pure: no Obsidian
// import, so it is tested without the stand-in.
import { bindingOf, inlineOnLine, placeBlock, videoContextAt, type LineRange } from "./binding";
import { NO_VIDEO_ERROR, type NoteScan } from "./note";
import { formatTime } from "./time";
import type { TimestampEntry, VideoRef } from "./types";
import type { Chapter } from "./player/controls";

export { videoContextAt };

/**
 * The timestamps of the ```timestamp block rendered from `source` in the section [lineStart,
 * lineEnd] of the note `scan` was made from (nulls: no section info). See placeBlock; a block that
 * cannot be placed gives one entry carrying the error.
 */
export function blockEntries(scan: NoteScan | null, source: string, lineStart: number | null, lineEnd: number | null): TimestampEntry[] {
  const range: LineRange | null = lineStart !== null ? { lineStart, lineEnd: lineEnd ?? lineStart } : null;
  const placed = scan ? placeBlock(bindingOf(scan), source, range) : null;
  if (placed && "entries" in placed) return placed.entries;
  const error = placed ? placed.error : NO_VIDEO_ERROR;
  return [{ line: lineStart ?? 0, text: "", seconds: null, label: "", heading: "", video: null, error, source: "block" }];
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
 * The timestamp at line `line` (0-based), column `ch` (0-based, UTF-16 units) of the note `scan`
 * was made from. Inside a ```timestamp block, fences included, it is the block's time
 * on the cursor line, else the nearest one (the first from the opening fence, the last from the
 * closing one). Elsewhere it is the inline timestamp of the line that the cursor touches, else the
 * nearest one on the line (the left one on a tie). Null when there is none: a line of another
 * fenced block, of a ```timestamp-url block, or of text without an inline timestamp.
 */
export function timestampAtCursor(scan: NoteScan, line: number, ch: number): CursorTimestamp | null {
  const block = scan.blocks.find((b) => b.kind === "timestamp" && b.startLine <= line && line <= b.endLine);
  if (block) {
    let best: TimestampEntry | null = null;
    for (const e of block.entries) if (best === null || Math.abs(e.line - line) < Math.abs(best.line - line)) best = e;
    return best ? playable(scan, best) : null;
  }
  if (scan.blocks.some((b) => b.startLine <= line && line <= b.endLine)) return null;
  const occurrences = inlineOnLine(bindingOf(scan), line);
  if (occurrences.length === 0) return null;
  let bestIndex = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  occurrences.forEach((m, i) => {
    const distance = ch < m.from ? m.from - ch : ch > m.to ? ch - m.to : 0;
    if (distance < bestDistance) {
      bestDistance = distance;
      bestIndex = i;
    }
  });
  return playable(scan, occurrences[bestIndex].entry);
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
