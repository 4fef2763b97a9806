// Where each line of a note stands in Obsidian's (CommonMark's) block structure, as far as
// timestamps care: fenced blocks, indented code, quotes, list items, headings, and the note's
// lines read one at a time. Pure: no Obsidian import. Used by ./note.ts's scan.

/** The opening line of a fenced code block. */
export interface Fence {
  char: "`" | "~";
  width: number;
  /** The info string's first word, exactly as written (Obsidian's processors are case-sensitive). */
  language: string;
  /** Columns of indentation before the fence in its container: as many are removed from its content lines. */
  indent: number;
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
/**
 * The index of the last character of `line` that is neither `c` (a character code) nor a space or
 * a tab, or -1: from the next index on, the line could only be a thematic break of `c`.
 */
function breakTail(line: string, c: number): number {
  let k = line.length - 1;
  while (k >= 0) {
    const d = line.charCodeAt(k);
    if (d !== c && d !== 32 && d !== 9) break;
    k -= 1;
  }
  return k;
}

/** Whether the text from `at` on, made of `c`, spaces and tabs only, holds at least 3 `c`. */
function threeOf(line: string, at: number, c: number): boolean {
  let seen = 0;
  for (let k = at; k < line.length && seen < 3; k += 1) if (line.charCodeAt(k) === c) seen += 1;
  return seen >= 3;
}

/** Whether the text from `at` on opens an ATX heading: 1 to 6 `#` then a space, a tab or the end. */
function isAtxHeadingStart(line: string, at: number): boolean {
  let k = at;
  while (k < line.length && line.charCodeAt(k) === 35) k += 1;
  const marks = k - at;
  if (marks < 1 || marks > 6) return false;
  return k === line.length || line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9;
}

/** The fence opening at `at` of `text` (indented `indent` columns in its container), or null. */
function fenceAt(text: string, at: number, indent: number): Fence | null {
  const first = text.charCodeAt(at);
  const m = (first === 96 && mayOpenBacktickFence(text, at)) || first === 126 ? /^(`{3,}|~{3,})(.*)$/.exec(text.slice(at)) : null;
  // A backtick fence's info string may not hold backticks (otherwise it is inline code).
  if (!m || (m[1].charAt(0) === "`" && m[2].includes("`"))) return null;
  const char = m[1].charAt(0) === "`" ? "`" : "~";
  const language = m[2].trim().split(/\s+/)[0] ?? "";
  return { char, width: m[1].length, language, indent };
}

/** Whether the text from `at` on is `c` repeated at least `min` times, then only spaces and tabs. */
function isRunToEnd(line: string, at: number, c: number, min: number): boolean {
  let k = at;
  while (line.charCodeAt(k) === c) k += 1;
  if (k - at < min) return false;
  while (k < line.length && (line.charCodeAt(k) === 32 || line.charCodeAt(k) === 9)) k += 1;
  return k === line.length;
}

/** The value of the 1 to 9 digits at `at` (an ordered list marker's number). */
function numberAt(line: string, at: number, digits: number): number {
  let n = 0;
  for (let k = at; k < at + digits; k += 1) n = n * 10 + (line.charCodeAt(k) - 48);
  return n;
}

/** What a line is, as BlockContext.read tells it. */
export type LineKind =
  /** The line opens a fenced code block. */
  | Fence
  /** A line inside the open fenced block: its text, container markers and fence indent removed, is BlockContext.content. */
  | "content"
  /** The open fenced block's closing fence. */
  | "close"
  /** Indented code. */
  | "code"
  | "blank"
  /** Anything else: paragraph text, headings, thematic breaks, list markers: lines whose inline code counts. */
  | "text";

/** A container kind in BlockContext's stack: a blockquote, or (a positive number) a list item's content width. */
const QUOTE = 0;
/** The open leaf block that matters across lines. */
const NONE = 0;
const PARAGRAPH = 1;
const FENCED = 2;

/**
 * Where each line of a note stands in CommonMark's block structure (which Obsidian follows), as far
 * as timestamps care: which lines open, continue and close a fenced code block, which are indented
 * code, and which are text whose inline code counts.
 *
 * Containers follow the CommonMark spec (0.31, "Container blocks", and its reference parser's
 * two phases per line): the open blockquotes and list items are matched first (a quote by its `>`
 * after at most 3 spaces, a list item by indentation to its content column, or a blank line when
 * the item already holds something); then new containers open (`>`, and list markers `-`, `+`,
 * `*`, `1.` … `123456789)` with 1 to 4 spaces after them: a content column = the marker's indent +
 * its width + those spaces, or + 1 with 5 or more, as then the content is indented code); then a
 * leaf block starts. Only then is a line with 4 or more columns of indentation, counted from the
 * content column of its innermost container, indented code (or, in an open paragraph, its
 * continuation). A paragraph's lazy continuation lines (a quote's `>` or an item's indent left
 * out) keep their containers open. Tabs count to the next multiple of 4 columns, and a tab may be
 * split between container indentation and content, as the spec says.
 *
 * A GFM task marker (`- [ ] …`) is part of the item's first paragraph, not a container: a fence
 * written after it on the same line is paragraph text, in GFM as in Obsidian.
 *
 * Not modelled: HTML blocks (the note's scan hides HTML comments itself; the lines of other HTML
 * blocks are read as paragraph text, so a fence inside `<div>` … `</div>` counts here while
 * CommonMark keeps it HTML), link reference definitions and GFM tables (read as paragraph text,
 * which is what they are until their own parsers run).
 */
export class BlockContext {
  /** The open containers, outermost first: QUOTE, or a list item's width (marker indent + marker + spaces). Only the first `depth` count. */
  private kinds: number[] = [];
  /** Whether each open list item holds a block already (an empty item ends at a blank line). */
  private filled: boolean[] = [];
  private depth = 0;
  private leaf = NONE;
  /** The open fenced block (leaf is FENCED). */
  private fence: Fence | null = null;
  /** After read returned "content": that line's text inside the block. */
  content = "";

  // The line being read and where the reading stands in it, as the spec's parser keeps it:
  // `offset` the character, `column` the column (tabs to the next multiple of 4), `partial` when
  // the tab at `offset` has been consumed in part; `next`/`nextColumn` the first non-space from there.
  private line = "";
  private offset = 0;
  private column = 0;
  private partial = false;
  private next = 0;
  private nextColumn = 0;
  // breakTail of the line for `-`, `*` and `_`, found once per line when first needed (-2: not yet):
  // a line of n list markers ("- - - … x") then costs O(n), not O(n) for each marker.
  private tailDash = -2;
  private tailStar = -2;
  private tailUnderscore = -2;

  /** Whether the line from `at` on is a thematic break (`---`, `* * *`, `___`, spaces and tabs between). */
  private isThematicBreak(at: number): boolean {
    const line = this.line;
    const c = line.charCodeAt(at);
    let tail: number;
    if (c === 45) tail = this.tailDash === -2 ? (this.tailDash = breakTail(line, c)) : this.tailDash;
    else if (c === 42) tail = this.tailStar === -2 ? (this.tailStar = breakTail(line, c)) : this.tailStar;
    else if (c === 95) tail = this.tailUnderscore === -2 ? (this.tailUnderscore = breakTail(line, c)) : this.tailUnderscore;
    else return false;
    return tail < at && threeOf(line, at, c);
  }

  private findNext(): void {
    const line = this.line;
    let k = this.offset;
    let cols = this.column;
    for (;;) {
      const c = line.charCodeAt(k);
      if (c === 32) cols += 1;
      else if (c === 9) cols += 4 - (cols % 4);
      else break;
      k += 1;
    }
    this.next = k;
    this.nextColumn = cols;
  }

  /** Moves on `count` characters, or with `columns` `count` columns (a tab may then be consumed in part). */
  private advance(count: number, columns: boolean): void {
    const line = this.line;
    while (count > 0 && this.offset < line.length) {
      if (line.charCodeAt(this.offset) === 9) {
        const toTab = 4 - (this.column % 4);
        if (columns) {
          this.partial = toTab > count;
          const step = toTab > count ? count : toTab;
          this.column += step;
          if (!this.partial) this.offset += 1;
          count -= step;
        } else {
          this.partial = false;
          this.column += toTab;
          this.offset += 1;
          count -= 1;
        }
      } else {
        this.partial = false;
        this.offset += 1;
        this.column += 1;
        count -= 1;
      }
    }
  }

  private advanceToNext(): void {
    this.offset = this.next;
    this.column = this.nextColumn;
    this.partial = false;
  }

  /** A block is added to the innermost open container: an item holding one is no longer empty. */
  private addChild(): void {
    if (this.depth > 0) this.filled[this.depth - 1] = true;
  }

  private push(kind: number): void {
    this.addChild();
    this.kinds[this.depth] = kind;
    this.filled[this.depth] = false;
    this.depth += 1;
  }

  /** Reads the next line of the note (lines must be read in order; see LineKind). */
  read(line: string): LineKind {
    this.line = line;
    this.offset = 0;
    this.column = 0;
    this.partial = false;
    this.tailDash = this.tailStar = this.tailUnderscore = -2;
    // 1. The open containers this line continues.
    let matched = 0;
    while (matched < this.depth) {
      this.findNext();
      const kind = this.kinds[matched];
      if (kind === QUOTE) {
        if (this.nextColumn - this.column > 3 || line.charCodeAt(this.next) !== 62) break;
        this.advanceToNext();
        this.advance(1, false);
        const c = line.charCodeAt(this.offset);
        if (c === 32 || c === 9) this.advance(1, true);
      } else if (this.next >= line.length) {
        if (!this.filled[matched]) break; // a blank line after an empty item ends it
        this.advanceToNext();
      } else if (this.nextColumn - this.column >= kind) {
        this.advance(kind, true);
      } else break;
      matched += 1;
    }
    // 2. Inside a fenced block: its content or its closing fence, unless its containers ended.
    if (this.leaf === FENCED) {
      const fence = this.fence as Fence;
      if (matched === this.depth) {
        this.findNext();
        if (this.nextColumn - this.column <= 3 && line.charCodeAt(this.next) === fence.char.charCodeAt(0) && isRunToEnd(line, this.next, line.charCodeAt(this.next), fence.width)) {
          this.leaf = NONE;
          this.fence = null;
          return "close";
        }
        // Up to the opening fence's indentation is removed from each content line.
        for (let i = fence.indent; i > 0; i -= 1) {
          const c = line.charCodeAt(this.offset);
          if (c !== 32 && c !== 9) break;
          this.advance(1, true);
        }
        this.content = this.partial ? " ".repeat(4 - (this.column % 4)) + line.slice(this.offset + 1) : line.slice(this.offset);
        return "content";
      }
      this.leaf = NONE;
      this.fence = null;
      this.depth = matched;
    }
    // 3. New containers, then the leaf block the line starts.
    const lazy = this.leaf === PARAGRAPH && matched < this.depth;
    // Whether the line would continue an open paragraph (which list items may interrupt only so).
    let inParagraph = this.leaf === PARAGRAPH && matched === this.depth;
    for (;;) {
      this.findNext();
      if (this.next >= line.length) break;
      const indent = this.nextColumn - this.column;
      if (indent >= 4) {
        if (this.leaf === PARAGRAPH) break; // a paragraph's continuation, lazy or not
        this.depth = matched;
        this.addChild();
        this.leaf = NONE;
        return "code";
      }
      const at = this.next;
      const c = line.charCodeAt(at);
      if (c === 62) {
        // >
        this.advanceToNext();
        this.advance(1, false);
        const after = line.charCodeAt(this.offset);
        if (after === 32 || after === 9) this.advance(1, true);
        this.depth = matched;
        this.push(QUOTE);
        matched += 1;
        this.leaf = NONE;
        inParagraph = false;
        continue;
      }
      if (c === 96 || c === 126) {
        const fence = fenceAt(line, at, indent);
        if (fence) {
          this.depth = matched;
          this.addChild();
          this.leaf = FENCED;
          this.fence = fence;
          return fence;
        }
        break;
      }
      if (c === 35) {
        if (!isAtxHeadingStart(line, at)) break;
        return this.leafLine(matched);
      }
      if (inParagraph && (c === 61 || c === 45) && isRunToEnd(line, at, c, 1)) {
        return this.leafLine(matched); // a setext heading's underline ends the paragraph
      }
      if (this.isThematicBreak(at)) return this.leafLine(matched);
      const width = listMarkerWidth(line, at);
      if (width === 0) break;
      // An ordered list interrupts a paragraph only from 1, and no empty item interrupts one.
      if (inParagraph && ((width > 1 && numberAt(line, at, width - 1) !== 1) || isBlank(line, at + width))) break;
      this.advanceToNext();
      this.advance(width, true);
      const startColumn = this.column;
      const startOffset = this.offset;
      do {
        this.advance(1, true);
      } while (this.column - startColumn < 5 && (line.charCodeAt(this.offset) === 32 || line.charCodeAt(this.offset) === 9));
      const spaces = this.column - startColumn;
      let padding = width + spaces;
      if (spaces >= 5 || spaces < 1 || this.offset >= line.length) {
        // Content starts one column after the marker; what follows the first space is the content.
        padding = width + 1;
        this.column = startColumn;
        this.offset = startOffset;
        this.partial = false;
        const after = line.charCodeAt(this.offset);
        if (after === 32 || after === 9) this.advance(1, true);
      }
      this.depth = matched;
      this.push(indent + padding);
      matched += 1;
      this.leaf = NONE;
      inParagraph = false;
    }
    if (this.next >= line.length) {
      // A blank line ends a paragraph, and the containers it did not continue.
      this.depth = matched;
      this.leaf = NONE;
      return "blank";
    }
    if (lazy && matched < this.depth) return "text"; // a lazy continuation line: containers stay open
    this.depth = matched;
    if (this.leaf !== PARAGRAPH) {
      this.addChild();
      this.leaf = PARAGRAPH;
    }
    return "text";
  }

  /** A one-line leaf block (a heading, a thematic break) in the first `matched` containers. */
  private leafLine(matched: number): "text" {
    this.depth = matched;
    this.addChild();
    this.leaf = NONE;
    return "text";
  }

  /** What follows starts a new block (a line the caller did not read, such as an HTML block's, ended the paragraph). */
  endBlock(): void {
    if (this.leaf === PARAGRAPH) this.leaf = NONE;
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
