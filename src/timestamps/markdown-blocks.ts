// Where each line of a note stands in Obsidian's (CommonMark's) block structure, as far as
// timestamps care: fenced blocks, indented code, quotes, list items, headings, and the note's
// lines read one at a time. Pure: no Obsidian import. Used by ./note.ts's scan.

/** The opening line of a fenced code block. */
export interface Fence {
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
export function indentOf(text: string, from = 0): { columns: number; chars: number } {
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
export function stripQuotes(line: string, depth: number): string | null {
  let rest = line;
  for (let d = 0; d < depth; d += 1) {
    const m = /^ {0,3}>[ \t]?/.exec(rest);
    if (!m) return null;
    rest = rest.slice(m[0].length);
  }
  return rest;
}

/** All leading blockquote markers of a line: how many, and what follows them. */
export function quotePrefix(line: string): { quotes: number; rest: string } {
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
export function opensWith(line: string, a: number, b: number): boolean {
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

/** The fence opening at `at` of `text` (inside `quotes` quote markers, in a container whose content starts at `column`), or null. */
function fenceAt(text: string, at: number, quotes: number, column: number): Fence | null {
  const first = text.charCodeAt(at);
  const m = (first === 96 && mayOpenBacktickFence(text, at)) || first === 126 ? /^(`{3,}|~{3,})(.*)$/.exec(text.slice(at)) : null;
  // A backtick fence's info string may not hold backticks (otherwise it is inline code).
  if (!m || (m[1].charAt(0) === "`" && m[2].includes("`"))) return null;
  const char = m[1].charAt(0) === "`" ? "`" : "~";
  const language = m[2].trim().split(/\s+/)[0] ?? "";
  return { char, width: m[1].length, language, quotes, column };
}

export function isClosingFence(text: string, fence: Fence): boolean {
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
export class BlockContext {
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
    // A quote opened inside a list item ("- > ```timestamp"): its fence's lines carry the item's
    // indent and then the quote markers, which stripQuotes removes when the indent is at most 3.
    if (this.items.length > 0 && rest.charCodeAt(at) === 62) {
      const inner = quotePrefix(rest.slice(at));
      const indent = indentOf(inner.rest);
      const fence = indent.columns < 4 ? fenceAt(inner.rest, indent.chars, quotes + inner.quotes, 0) : null;
      if (fence) {
        this.inParagraph = false;
        return fence;
      }
    }
    const fence = fenceAt(rest, at, quotes, base);
    if (fence) {
      this.inParagraph = false;
      return fence;
    }
    this.inParagraph = !isAtxHeadingStart(rest, at) && !isThematicBreak(rest, at);
    return "text";
  }

  /** After a fenced block: what follows starts a new paragraph. */
  endBlock(): void {
    this.inParagraph = false;
  }
}

/** The text of an ATX heading line (`## Title ##` gives "Title"), or null when the line is not one. */
export function atxHeading(line: string): string | null {
  const m = /^ {0,3}#{1,6}(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return null;
  return (m[1] ?? "").replace(/(?:^|[ \t]+)#+[ \t]*$/, "").trim();
}

/**
 * A note's lines as `text.split(/\r\n|\r|\n/)` gives them, read one at a time: only where each
 * line starts and ends is kept (one pass over the text), and a line's string is made when it is
 * read, so a scan does not hold the whole note as line strings.
 */
export class NoteLines {
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
