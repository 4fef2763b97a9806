// A note's front matter (the YAML between the `---` lines that open it) and its `video` property.
// Pure: no Obsidian import. The YAML is read by the `yaml` library (YAML 1.2, core schema), so the
// CLI reads the same values as Obsidian's metadata cache, which the app passes in instead.
//
// Lines are 0-based, counted in the whole note.
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { VideoRef } from "./types";
import { parseVideoSource } from "./video";

export interface FrontmatterVideo {
  /** The property's value as text: a string, or the one item of a one-element list. */
  raw: string;
  video: VideoRef | null;
  error: string | null;
  /** The line of the `video:` key, or of the front matter's first line when it cannot be read. */
  line: number;
}

export interface FrontMatter {
  /** The properties, or null when the YAML cannot be read (then `error` says why). */
  data: Record<string, unknown> | null;
  /** Why the YAML cannot be read, and where, or null. */
  error: { message: string; line: number } | null;
  /** The 0-based note line of each top-level key, in document order. */
  keyLines: Map<string, number>;
  /** The first line after the closing `---`. */
  bodyStart: number;
}

/** Aliases may repeat a node this many times at most while the YAML is read (a "billion laughs" guard). */
const MAX_ALIAS_COUNT = 100;

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).trim();
}

/**
 * Reads the front matter of a note split into lines (LF, CRLF and CR already split; a BOM before
 * the first `---` is allowed). It opens with `---` on the first line and closes with `---` or
 * `...`; returns null when the note has none. Never throws: bad YAML comes back as `error`.
 */
export function readFrontMatter(lines: readonly string[]): FrontMatter | null {
  if (lines.length === 0 || lines[0].replace(/^\uFEFF/, "").trimEnd() !== "---") return null;
  let end = -1;
  for (let k = 1; k < lines.length; k += 1) {
    const t = lines[k].trimEnd();
    if (t === "---" || t === "...") {
      end = k;
      break;
    }
  }
  if (end < 0) return null;
  const keyLines = new Map<string, number>();
  const source = lines.slice(1, end).join("\n");
  // The YAML's line 1 is the note's line 1 (0-based), just below the opening `---`.
  const counter = new LineCounter();
  try {
    const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, schema: "core", uniqueKeys: true });
    const problem = doc.errors[0];
    if (problem !== undefined) {
      const at = problem.pos[0];
      return { data: null, error: { message: firstLine(problem.message), line: counter.linePos(at).line }, keyLines, bodyStart: end + 1 };
    }
    const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (data === null || data === undefined) return { data: {}, error: null, keyLines, bodyStart: end + 1 };
    if (typeof data !== "object" || Array.isArray(data)) {
      return { data: null, error: { message: "it is not a list of properties (key: value lines)", line: 1 }, keyLines, bodyStart: end + 1 };
    }
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        const key = pair.key;
        const start = isNode(key) ? key.range?.[0] : undefined;
        const name = isScalar(key) ? String(key.value) : null;
        if (start !== undefined && name !== null && !keyLines.has(name)) keyLines.set(name, counter.linePos(start).line);
      }
    }
    return { data: data as Record<string, unknown>, error: null, keyLines, bodyStart: end + 1 };
  } catch (e) {
    const message = e instanceof Error ? firstLine(e.message) : String(e);
    return { data: null, error: { message, line: 1 }, keyLines, bodyStart: end + 1 };
  }
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
  return { error: "it is a set of key: value pairs, not a video; give one URL or [[file]]" };
}

/**
 * The note's `video` property, or null when it has none (no front matter, no such key, or an
 * empty value). `cached`, when given, is the front matter as Obsidian's metadata cache holds it:
 * its value is used instead of this module's reading of the YAML, and only the line numbers come
 * from the text. Bad YAML (without `cached`) gives a FrontmatterVideo whose `error` says so.
 */
export function frontmatterVideoOf(lines: readonly string[], cached?: Record<string, unknown> | null): { video: FrontmatterVideo | null; bodyStart: number } {
  const fm = readFrontMatter(lines);
  if (fm === null) return { video: null, bodyStart: 0 };
  const data = cached ?? fm.data;
  if (data === null) {
    const line = fm.error?.line ?? 1;
    const error = `the front matter is not valid YAML (line ${line + 1}: ${fm.error?.message ?? "unreadable"}), so the video cannot be read`;
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
