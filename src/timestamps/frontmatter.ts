// A note's front matter (the YAML between the `---` lines that open it) and its `video` property.
// Pure: no Obsidian import, and no YAML library either: the YAML is read by a YamlReader the caller
// injects. The CLI installs the `yaml` library's reader (./frontmatter-yaml.ts) as the default; the
// app passes Obsidian's own `parseYaml` and, where it has it, the metadata cache's value, so the
// `yaml` library stays out of the plugin's start-up file (main.js).
//
// Lines are 0-based, counted in the whole note.
import type { VideoRef } from "./types";
import { parseVideoSource } from "./video";

/** The note's `video` property: the video it names, or why it names none (exactly one of the two is set). */
export interface FrontmatterVideo {
  /** The property's value as text: a string, or the one item of a one-element list. */
  raw: string;
  video: VideoRef | null;
  error: string | null;
  /** The line of the `video:` key, or of the front matter's first line when it cannot be read. */
  line: number;
}

/** A note's front matter as read: its properties, or why they cannot be read, and where its lines are. */
export interface FrontMatter {
  /** The properties, or null when the YAML cannot be read (then `error` says why). */
  data: Record<string, unknown> | null;
  /** Why the YAML cannot be read, and where (`syntax`: the reader refused it as YAML), or null. */
  error: { message: string; line: number; syntax: boolean } | null;
  /** The 0-based note line of each top-level key, in document order (the first of equal keys). */
  keyLines: Map<string, number>;
  /** The first line after the closing `---`. */
  bodyStart: number;
}

/**
 * Reads YAML text into plain values (objects, arrays, strings, numbers, booleans, null). Throws on
 * text that is not valid YAML; a thrown value with a numeric `line` (0-based, in `source`) tells
 * where. Obsidian's `parseYaml` is one; ./frontmatter-yaml.ts wraps the `yaml` library as another.
 */
export type YamlReader = (source: string) => unknown;

let defaultReader: YamlReader | null = null;

/** Sets the reader used when a caller passes none (the CLI installs the `yaml` library's). */
export function useYamlReader(read: YamlReader): void {
  defaultReader = read;
}

/**
 * The largest front matter read, in characters (1 MiB). Obsidian's Properties view is for a few
 * dozen properties; larger YAML (a data dump pasted above a note) is refused with this figure
 * rather than parsed at every scan.
 */
export const MAX_FRONTMATTER_CHARS = 1_048_576;

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).trim();
}

/**
 * The 0-based note line of each top-level key of the front matter `lines[1 .. end)`, found by
 * reading the lines (one pass, no YAML parse): a key starts at column 0, plain or quoted, and is
 * followed by `:` and a space or the line's end. Indented lines, comments, list items and block
 * scalars' contents are skipped. Also reports the first key written twice.
 */
function topLevelKeys(lines: readonly string[], end: number): { keyLines: Map<string, number>; duplicate: { key: string; lines: [number, number] } | null } {
  const keyLines = new Map<string, number>();
  let duplicate: { key: string; lines: [number, number] } | null = null;
  for (let k = 1; k < end; k += 1) {
    const line = lines[k];
    const m = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#\-?:[{'"|>!&*%@`,][^:#]*?|-[^\s:][^:#]*?))[ \t]*:(?:[ \t]|$)/.exec(line);
    if (m === null) continue;
    const name = m[1] ?? (m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3]);
    const seen = keyLines.get(name);
    if (seen === undefined) keyLines.set(name, k);
    else if (duplicate === null) duplicate = { key: name, lines: [seen, k] };
  }
  return { keyLines, duplicate };
}

/**
 * Reads the front matter of a note split into lines (LF, CRLF and CR already split; a BOM before
 * the first `---` is allowed). It opens with `---` on the first line and closes with `---` or
 * `...`; returns null when the note has none. The YAML is read by `read` (the default reader when
 * omitted; with neither, `error` says so). Linear in the front matter's size; never throws: bad,
 * duplicated-key, over-large or non-map YAML comes back as `error`.
 */
export function readFrontMatter(lines: readonly string[], read: YamlReader | null = defaultReader): FrontMatter | null {
  if (lines.length === 0 || lines[0].replace(/^\uFEFF/, "").trimEnd() !== "---") return null;
  let end = -1;
  let size = 0;
  for (let k = 1; k < lines.length; k += 1) {
    const t = lines[k].trimEnd();
    if (t === "---" || t === "...") {
      end = k;
      break;
    }
    size += lines[k].length + 1;
  }
  if (end < 0) return null;
  const bodyStart = end + 1;
  const fail = (message: string, line: number, syntax = false): FrontMatter => ({ data: null, error: { message, line, syntax }, keyLines: new Map(), bodyStart });
  if (size > MAX_FRONTMATTER_CHARS) {
    return fail(`it is ${Math.ceil(size / 1024)} KB; front matter is read up to ${MAX_FRONTMATTER_CHARS / 1024} KB`, 1);
  }
  const { keyLines, duplicate } = topLevelKeys(lines, end);
  if (duplicate !== null) {
    return fail(`the key "${duplicate.key}" is written twice (lines ${duplicate.lines[0] + 1} and ${duplicate.lines[1] + 1}); keep one`, duplicate.lines[1], true);
  }
  if (read === null) return fail("no YAML reader is available", 1);
  let data: unknown;
  try {
    data = read(lines.slice(1, end).join("\n"));
  } catch (e) {
    // The YAML's line 0 is the note's line 1, just below the opening `---`.
    const at = typeof e === "object" && e !== null && typeof (e as { line?: unknown }).line === "number" ? (e as { line: number }).line + 1 : 1;
    if (e instanceof RangeError) return fail("it is nested too deeply to read", at);
    return fail(e instanceof Error ? firstLine(e.message) : String(e), at, true);
  }
  if (data === null || data === undefined) return { data: {}, error: null, keyLines, bodyStart };
  if (typeof data !== "object" || Array.isArray(data)) {
    return { data: null, error: { message: "it is valid YAML but not a list of properties (key: value lines)", line: 1, syntax: false }, keyLines, bodyStart };
  }
  return { data: data as Record<string, unknown>, error: null, keyLines, bodyStart };
}

/**
 * The key of the `video` property: `video` in any case (`Video:` works), the first such key in
 * document order when several differ only by case. Null when there is none.
 */
export function videoKeyOf(data: Record<string, unknown>): string | null {
  for (const key of Object.keys(data)) if (key.toLowerCase() === "video") return key;
  return null;
}

/**
 * A property value as the text of one video, or null when it is empty; `{error}` when it holds
 * something else. A string is used as is; a list must hold exactly one item. YAML reads an
 * unquoted `[[lesson.mp4]]` as a list inside a list: that shape is read back as the wikilink.
 */
export function videoText(value: unknown): string | null | { error: string } {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.length > 1) return { error: `it lists ${value.length} values; give one video` };
    const item: unknown = value[0];
    if (!Array.isArray(item)) return typeof item === "object" && item !== null ? { error: "its one item is a set of key: value pairs; give one URL or [[file]]" } : videoText(item);
    // `video: [[lesson.mp4]]` (flow) or `- [[lesson.mp4]]` (a block list of one): an unquoted wikilink.
    const first: unknown = item.length === 1 ? item[0] : undefined;
    const link: unknown = Array.isArray(first) && first.length === 1 ? first[0] : first;
    if (typeof link === "string") return `[[${link}]]`;
    return { error: "it is a list inside a list; give one URL or [[file]] (quote a wikilink: \"[[file.mp4]]\")" };
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    return { error: "its value is not text (a typed YAML value such as !!binary or a date); give one URL or [[file]]" };
  }
  return { error: "it is a set of key: value pairs, not a video; give one URL or [[file]]" };
}

/**
 * The note's `video` property, or null when it has none (no front matter, no such key, or an
 * empty value). `cached`, when given, is the front matter as Obsidian's metadata cache holds it:
 * its value is used instead of this module's reading of the YAML, and only the line numbers come
 * from the text. Bad YAML (without `cached`) gives a FrontmatterVideo whose `error` says so.
 */
export function frontmatterVideoOf(
  lines: readonly string[],
  cached?: Record<string, unknown> | null,
  read?: YamlReader,
): { video: FrontmatterVideo | null; bodyStart: number } {
  // With the metadata cache's value, the text is only scanned for the key's line: no YAML parse.
  const fm = cached ? frontMatterLines(lines) : readFrontMatter(lines, read ?? defaultReader);
  if (fm === null) return { video: null, bodyStart: 0 };
  const data = cached ?? fm.data;
  if (data === null) {
    const line = fm.error?.line ?? 1;
    const what = fm.error?.syntax === true ? "is not valid YAML" : "cannot be read";
    const error = `the front matter ${what} (line ${line + 1}: ${fm.error?.message ?? "unreadable"}), so the video cannot be read`;
    return { video: { raw: "", video: null, error, line }, bodyStart: fm.bodyStart };
  }
  const key = videoKeyOf(data);
  if (key === null) return { video: null, bodyStart: fm.bodyStart };
  const line = fm.keyLines.get(key) ?? [...fm.keyLines.entries()].find(([k]) => k.toLowerCase() === "video")?.[1] ?? 0;
  const text = videoText(data[key]);
  if (text === null) return { video: null, bodyStart: fm.bodyStart };
  if (typeof text === "object") return { video: { raw: "", video: null, error: text.error, line }, bodyStart: fm.bodyStart };
  const parsed = parseVideoSource(text);
  const video: FrontmatterVideo =
    "error" in parsed ? { raw: text, video: null, error: parsed.error, line } : { raw: text, video: parsed.video, error: null, line };
  return { video, bodyStart: fm.bodyStart };
}

/** The front matter's extent and key lines, without reading its YAML (`data` is {}). */
function frontMatterLines(lines: readonly string[]): FrontMatter | null {
  if (lines.length === 0 || lines[0].replace(/^\uFEFF/, "").trimEnd() !== "---") return null;
  for (let k = 1; k < lines.length; k += 1) {
    const t = lines[k].trimEnd();
    if (t === "---" || t === "...") return { data: {}, error: null, keyLines: topLevelKeys(lines, k).keyLines, bodyStart: k + 1 };
  }
  return null;
}

/** What a scan takes from a metadata-cache front matter (its `video` value), as a cache key. */
export function videoCacheKey(frontmatter: Record<string, unknown>): string {
  const key = videoKeyOf(frontmatter);
  if (key === null) return "";
  try {
    return `${key}=${JSON.stringify(frontmatter[key]) ?? ""}`;
  } catch {
    return `${key}=?`;
  }
}
