// The binding of a note: every timestamp of the note tied to its video and seconds, computed once
// per note text by scanNote, and the questions each view asks of it to find its own entries.
// Every view (code-block processor, inline post-processor, Live Preview, commands, chapters, CLI)
// answers from this one binding, so they cannot disagree. Pure: no Obsidian import.
//
// Placing a rendered element: Obsidian tells a rendered element where it is only through section
// info (a line range that may cover a whole list, callout or quote, or may be missing). An element
// is placed when every place it could be in that range means the same thing (same video, seconds,
// label); otherwise it gets an error saying so rather than a guess.
import { NO_VIDEO_ERROR, normalizedBlockSource, parseTimestampBlockSource, scanNoteCached, type InlineOccurrence, type NoteScan, type TimestampBlock } from "./note";
import type { TimestampEntry, VideoRef } from "./types";

/** 0-based, inclusive line range of a rendered section, as Obsidian's section info gives it. */
export interface LineRange {
  lineStart: number;
  lineEnd: number;
}

/** What a rendered element that cannot be placed shows instead of a link. */
export const UNPLACED_ERROR =
  "cannot tell which video this timestamp seeks: the note has the same text in places under different videos, and this view does not say which one this is";

export interface NoteBinding {
  readonly scan: NoteScan;
  /** The ```timestamp blocks, in document order. */
  readonly timestampBlocks: readonly TimestampBlock[];
  /** scan.inline's lines, for binary search by line. */
  readonly inlineLines: readonly number[];
  /** scan.inline's keys (time and label, see inlineKey) and where each key occurs. */
  readonly inlineKeys: KeyIndex;
}

/**
 * Where each inline key occurs: the positions (indexes into scan.inline) of the key numbered g are
 * `order[start[g]] < … < order[start[g + 1] - 1]`. Typed arrays and one number per key, so a note
 * of many inline timestamps is indexed without an array per key.
 */
export interface KeyIndex {
  /** scan.inline's keys, by position. */
  readonly keys: readonly string[];
  /** Each distinct key's number. */
  readonly groups: ReadonlyMap<string, number>;
  readonly start: Int32Array;
  readonly order: Int32Array;
}

function keyIndexOf(inline: readonly InlineOccurrence[]): KeyIndex {
  const n = inline.length;
  const keys = new Array<string>(n);
  const groupOf = new Int32Array(n);
  const groups = new Map<string, number>();
  const counts: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const key = inlineKey(inline[i].entry.text, inline[i].entry.label);
    keys[i] = key;
    let g = groups.get(key);
    if (g === undefined) {
      g = counts.length;
      groups.set(key, g);
      counts.push(0);
    }
    groupOf[i] = g;
    counts[g] += 1;
  }
  const start = new Int32Array(counts.length + 1);
  for (let g = 0; g < counts.length; g += 1) start[g + 1] = start[g] + counts[g];
  const fill = start.slice(0, counts.length);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[fill[groupOf[i]]++] = i;
  return { keys, groups, start, order };
}

const bindings = new WeakMap<NoteScan, NoteBinding>();

/** The binding of a note's text, computed once per text (scans are remembered by scanNoteCached). */
export function bindingFor(text: string): NoteBinding {
  return bindingOf(scanNoteCached(text));
}

/**
 * The binding of a scan (indexes built once per scan). O(size of the scan). The key index
 * (inlineKeys) is built on first use: a view with section info that matches the scan (the common
 * case) never needs it.
 */
export function bindingOf(scan: NoteScan): NoteBinding {
  const known = bindings.get(scan);
  if (known) return known;
  let inlineKeys: KeyIndex | null = null;
  const inline = scan.inline;
  const inlineLines = new Array<number>(inline.length);
  for (let i = 0; i < inline.length; i += 1) inlineLines[i] = inline[i].entry.line;
  const binding: NoteBinding = {
    scan,
    timestampBlocks: scan.blocks.filter((b) => b.kind === "timestamp"),
    inlineLines,
    get inlineKeys() {
      return (inlineKeys ??= keyIndexOf(inline));
    },
  };
  bindings.set(scan, binding);
  return binding;
}

/** The key an inline timestamp is matched by between the note and a rendered `<code>`. */
export function inlineKey(text: string, label: string): string {
  return `${text}\n${label}`;
}

/** First index i of the sorted `values[from, to)` with values[i] >= target (`to` when none). */
function lowerBound(values: ArrayLike<number>, target: number, from = 0, to = values.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The inline timestamps written on line `line`, with their columns. O(log n + k). */
export function inlineOnLine(binding: NoteBinding, line: number): InlineOccurrence[] {
  const from = lowerBound(binding.inlineLines, line);
  const to = lowerBound(binding.inlineLines, line + 1);
  return binding.scan.inline.slice(from, to);
}

/** The inline timestamps of lines [fromLine, toLine], in order. */
export function inlineInLines(binding: NoteBinding, fromLine: number, toLine: number): InlineOccurrence[] {
  return binding.scan.inline.slice(lowerBound(binding.inlineLines, fromLine), lowerBound(binding.inlineLines, toLine + 1));
}

type Context = { video: VideoRef | null; error: string | null };

const sameVideo = (a: VideoRef | null, b: VideoRef | null): boolean => (a === null ? b === null : b !== null && a.kind === b.kind && a.id === b.id && a.url === b.url);

/** Whether two entries seek the same thing (their place and heading aside). */
export function sameMeaning(a: TimestampEntry, b: TimestampEntry): boolean {
  return a.text === b.text && a.label === b.label && a.seconds === b.seconds && a.error === b.error && sameVideo(a.video, b.video);
}

function sameEntries(a: readonly TimestampEntry[], b: readonly TimestampEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => sameMeaning(e, b[i]));
}

function contextAfterBlock(b: { line: number; video: VideoRef | null; error: string | null }): Context {
  return b.video ? { video: b.video, error: null } : { video: null, error: `the video block above (line ${b.line + 1}) is invalid: ${b.error ?? "unknown error"}` };
}

/** The video a line of the note is under: the nearest timestamp-url block above, else the `video` property. */
export function videoContextAt(scan: NoteScan | null, line: number): Context {
  if (!scan) return { video: null, error: NO_VIDEO_ERROR };
  const blocks = scan.videoBlocks;
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid].line < line) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0) return contextAfterBlock(blocks[lo - 1]);
  const fm = scan.frontmatterVideo;
  if (fm) return fm.video ? { video: fm.video, error: null } : { video: null, error: `the \`video\` property is invalid: ${fm.error ?? "unknown error"}` };
  return { video: null, error: NO_VIDEO_ERROR };
}

/** The one video context every line of `range` (the whole note when null) is under, or null when there are several. */
function onlyContextIn(scan: NoteScan, range: LineRange | null): Context | null {
  const start = range ? range.lineStart : 0;
  const first = videoContextAt(scan, start);
  for (const b of scan.videoBlocks) {
    if (b.line < start) continue;
    if (range && b.line > range.lineEnd) break;
    const c = contextAfterBlock(b);
    if (!sameVideo(c.video, first.video) || c.error !== first.error) return null;
  }
  return first;
}

function withContext(parsed: { text: string; seconds: number | null; label: string; error: string | null }, line: number, context: Context, source: "block" | "inline"): TimestampEntry {
  const error = parsed.error ?? (parsed.seconds === null ? "invalid time" : context.error);
  return { line, text: parsed.text, seconds: error === null ? parsed.seconds : null, label: parsed.label, heading: "", video: context.video, error, source };
}

/** Where a rendered block element stands among the ```timestamp blocks rendered in its section. */
export interface DomIndex {
  /** 0-based position of the element among them, in document order. */
  index: number;
  /** How many the section rendered. */
  count: number;
}

export type PlacedBlock = { entries: TimestampEntry[]; exact: boolean } | { error: string };

/**
 * The entries of the ```timestamp block rendered from `source`, in section `range` (null: no
 * section info, anywhere in the note). In order: the block starting at the range's first line with
 * that text; the only block in range with that text; the one at `dom` position when the section
 * rendered as many blocks as the note has there; any of several identical blocks when they all
 * mean the same. When no block has that text (the note changed since), the text is read under the
 * range's video if the range has only one. Otherwise an error (UNPLACED_ERROR). O(log n + k) with
 * a range of k blocks.
 */
export function placeBlock(binding: NoteBinding, source: string, range: LineRange | null, dom: DomIndex | null = null): PlacedBlock {
  const want = normalizedBlockSource(source);
  const all = binding.timestampBlocks;
  let inRange: readonly TimestampBlock[] = all;
  if (range) {
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid].startLine < range.lineStart) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < all.length && all[end].startLine <= range.lineEnd) end += 1;
    inRange = all.slice(lo, end);
    const first = inRange[0];
    if (first && first.startLine === range.lineStart && first.source === want) return { entries: first.entries, exact: true };
  }
  const same = inRange.filter((b) => b.source === want);
  if (same.length === 1) return { entries: same[0].entries, exact: true };
  if (same.length > 1) {
    if (dom && dom.count === inRange.length && inRange[dom.index]?.source === want) return { entries: inRange[dom.index].entries, exact: true };
    if (same.every((b) => sameEntries(b.entries, same[0].entries))) return { entries: same[0].entries, exact: false };
    return { error: UNPLACED_ERROR };
  }
  const context = onlyContextIn(binding.scan, range);
  if (!context) return { error: UNPLACED_ERROR };
  const base = range ? range.lineStart + 1 : 0;
  return { entries: parseTimestampBlockSource(source).map((b) => withContext(b, base + b.lineOffset, context, "block")), exact: false };
}

/** A rendered inline timestamp, as read back from its `<code>`. */
export interface RenderedInline {
  text: string;
  label: string;
  seconds: number | null;
  error: string | null;
}

export type PlacedInline = TimestampEntry | { error: string };

/** How many places of one text are compared before giving up on placing it (keeps lookups bounded). */
const MAX_CANDIDATES = 256;

/**
 * The entries of the inline timestamps rendered, in document order, in section `range` (null: no
 * section info). When the section holds exactly these timestamps, each is its entry. Otherwise the
 * run of them is looked for in the range (the whole note without section info): each is placed
 * when every place the run (or, failing that, its own text) occurs in means the same. Otherwise
 * UNPLACED_ERROR. O(log n + k) with section info.
 */
export function placeInline(binding: NoteBinding, codes: readonly RenderedInline[], range: LineRange | null): PlacedInline[] {
  const occ = binding.scan.inline;
  const lo = range ? lowerBound(binding.inlineLines, range.lineStart) : 0;
  const hi = range ? lowerBound(binding.inlineLines, range.lineEnd + 1) : occ.length;
  // The section holds exactly these (same time and label, in order; as comparing their keys).
  if (hi - lo === codes.length && codes.every((c, i) => occ[lo + i].entry.text === c.text && occ[lo + i].entry.label === c.label)) {
    return occ.slice(lo, hi).map((o) => o.entry);
  }
  const keys = codes.map((c) => inlineKey(c.text, c.label));
  const index = binding.inlineKeys;
  const { order } = index;
  // The positions of `key`, ascending, are order[firstOf(key), endOf(key)).
  const firstOf = (key: string): number => {
    const g = index.groups.get(key);
    return g === undefined ? 0 : index.start[g];
  };
  const endOf = (key: string): number => {
    const g = index.groups.get(key);
    return g === undefined ? 0 : index.start[g + 1];
  };

  // Where does the whole run occur in the range?
  const starts: number[] = [];
  const firstEnd = keys.length > 0 ? endOf(keys[0]) : 0;
  let checked = 0;
  for (let p = keys.length > 0 ? lowerBound(order, lo, firstOf(keys[0]), firstEnd) : 0; p < firstEnd && checked < MAX_CANDIDATES; p += 1, checked += 1) {
    const at = order[p];
    if (at + keys.length > hi) break;
    if (keys.every((k, i) => index.keys[at + i] === k)) starts.push(at);
  }
  const runComplete = checked < MAX_CANDIDATES;
  if (starts.length > 0 && runComplete) {
    const agreed = keys.map((_, i) => (starts.every((s) => sameMeaning(occ[s + i].entry, occ[starts[0] + i].entry)) ? occ[starts[0] + i].entry : null));
    if (agreed.every((e) => e !== null)) return agreed;
  }

  // Each on its own.
  let context: Context | null | undefined;
  return codes.map((c, i): PlacedInline => {
    const end = endOf(keys[i]);
    const from = lowerBound(order, lo, firstOf(keys[i]), end);
    const to = lowerBound(order, hi, from, end);
    if (to - from > MAX_CANDIDATES) return { error: UNPLACED_ERROR };
    if (to > from) {
      const first = occ[order[from]].entry;
      for (let p = from + 1; p < to; p += 1) if (!sameMeaning(occ[order[p]].entry, first)) return { error: UNPLACED_ERROR };
      return first;
    }
    // Not in the note as scanned (it changed since): its time under the range's only video, if any.
    if (context === undefined) context = onlyContextIn(binding.scan, range);
    if (context === null) return { error: UNPLACED_ERROR };
    return withContext(c, range ? range.lineStart : 0, context, "inline");
  });
}
