// Questions the Obsidian adapters ask of a scanned note. Pure: no Obsidian import, so it is
// tested without the stand-in.
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
