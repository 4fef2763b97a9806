// Shared shapes of the timestamps capability. Pure: no Obsidian import.

/** Where a timestamp's video lives. `id` is the YouTube or Vimeo id, or the vault path. */
export interface VideoRef {
  kind: "youtube" | "vimeo" | "media" | "vault";
  id: string;
  /** A canonical URL for web videos; for vault files, the path as written (wikilink stripped). */
  url: string;
}

/** One seekable time found in a note (a line of a ```timestamp block, or an inline timestamp). */
export interface TimestampEntry {
  /** 0-based line of the note where the time is written. */
  line: number;
  /** The time as written, trimmed (e.g. "06:45"). */
  text: string;
  /** Seconds from the start of the video, or null when the time is invalid. */
  seconds: number | null;
  /** The label written after the time, or "" when none. */
  label: string;
  /** The heading that follows the block, on the block's first time only (it titles that chapter), or "". */
  heading: string;
  /** The video this timestamp seeks, or null when there is none or it is invalid. */
  video: VideoRef | null;
  /** What is wrong, or null. */
  error: string | null;
  /** "block" for ```timestamp blocks, "inline" for the inline syntax. */
  source: "block" | "inline";
}
