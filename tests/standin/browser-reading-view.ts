// Harness-only stand-in for Obsidian's Reading-view renderer.
//
// Obsidian splits a note into sections (front matter, fenced code blocks, headings, lists,
// paragraphs…), renders each into its own element, runs the code-block processor registered for
// a fenced block's language with the block's text, and then runs markdown post-processors on
// each section, with a context whose getSectionInfo(el) gives the section's real line range.
// This file reproduces that contract, not Obsidian's Markdown: inline formatting is limited to
// code spans (`<code>`, which inline post-processors look for) and links; emphasis, tables and
// embeds are rendered as plain text. It is enough to drive a plugin's processors the way Reading
// view does; it is not a Markdown renderer. Modelled as Obsidian does it:
// - a fenced block nested in a list, block quote or callout is handed to its code-block processor
//   with an element inside the container's section, whose section info spans the whole container
//   (lineStart/lineEnd of the list or callout, not of the block);
// - `%%…%%` and `<!-- … -->` comments (outside code) hide what they hold, fences included;
// - a line indented 4 spaces at the top level (not in a paragraph or list) is indented code;
// - code-block processors are looked up by the exact language (case-sensitive), and each gets
//   the class `block-language-<lang>`;
// - `sectionInfo: "none"` gives no section info at all (as embeds and some renders do).
import type { MarkdownPostProcessor, MarkdownPostProcessorContext, MarkdownSectionInformation } from "obsidian";
import { Component } from "obsidian-test-mocks/obsidian";

export type SectionKind = "frontmatter" | "code" | "heading" | "list" | "blockquote" | "hr" | "paragraph";

/** A fenced code block anywhere in the note (nested ones too), as Reading view and Live Preview hand them to processors. */
export interface CodeBlock {
  lang: string;
  code: string;
  /** 0-based lines of the opening and closing fences. */
  lineStart: number;
  lineEnd: number;
}

export interface Section {
  kind: SectionKind;
  /** 0-based first and last line of the section in the note (fences included). */
  lineStart: number;
  lineEnd: number;
  /** For code: the language (first word of the info string) and the text between the fences. */
  lang?: string;
  code?: string;
  /** For headings: 1–6. */
  level?: number;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|$)(.*)$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const QUOTE = /^ {0,3}>/;
const blank = (line: string): boolean => line.trim() === "";

/** Splits a note into Reading-view sections, as Obsidian's section list does. */
export function splitSections(markdown: string): Section[] {
  const lines = hideComments(markdown).split(/\r?\n/);
  const sections: Section[] = [];
  let i = 0;
  if (lines[0] === "---") {
    const end = lines.indexOf("---", 1);
    if (end > 0) {
      sections.push({ kind: "frontmatter", lineStart: 0, lineEnd: end });
      i = end + 1;
    }
  }
  while (i < lines.length) {
    const line = lines[i];
    if (blank(line)) {
      i++;
      continue;
    }
    const fence = FENCE_OPEN.exec(line);
    if (fence && !(fence[2][0] === "`" && fence[3].includes("`"))) {
      const indent = fence[1].length;
      const marker = fence[2];
      const close = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}[ \\t]*$`);
      let j = i + 1;
      while (j < lines.length && !close.test(lines[j])) j++;
      const body = lines.slice(i + 1, j).map((l) => l.replace(new RegExp(`^ {0,${indent}}`), ""));
      const lineEnd = Math.min(j, lines.length - 1);
      sections.push({ kind: "code", lineStart: i, lineEnd, lang: fence[3].trim().split(/\s+/)[0] ?? "", code: body.join("\n") });
      i = lineEnd + 1;
      continue;
    }
    if (/^(?: {4}|\t)/.test(line)) {
      // Indented code: runs over indented and blank lines (trailing blank lines excluded).
      let j = i + 1;
      let last = i;
      while (j < lines.length && (blank(lines[j]) || /^(?: {4}|\t)/.test(lines[j]))) {
        if (!blank(lines[j])) last = j;
        j++;
      }
      sections.push({ kind: "code", lineStart: i, lineEnd: last, lang: "", code: lines.slice(i, last + 1).map((l) => l.replace(/^(?: {4}|\t)/, "")).join("\n") });
      i = last + 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      sections.push({ kind: "heading", lineStart: i, lineEnd: i, level: heading[1].length });
      i++;
      continue;
    }
    if (HR.test(line)) {
      sections.push({ kind: "hr", lineStart: i, lineEnd: i });
      i++;
      continue;
    }
    const start = i;
    if (LIST_ITEM.test(line)) {
      // A list runs over its items and their indented continuations, across single blank lines.
      i++;
      while (i < lines.length) {
        const l = lines[i];
        if (blank(l)) {
          const next = lines[i + 1];
          if (next !== undefined && (LIST_ITEM.test(next) || /^[ \t]+\S/.test(next))) {
            i++;
            continue;
          }
          break;
        }
        if (LIST_ITEM.test(l) || /^[ \t]+\S/.test(l)) i++;
        else break;
      }
      sections.push({ kind: "list", lineStart: start, lineEnd: i - 1 });
      continue;
    }
    const kind: SectionKind = QUOTE.test(line) ? "blockquote" : "paragraph";
    i++;
    while (i < lines.length) {
      const l = lines[i];
      if (blank(l) || FENCE_OPEN.test(l) || HEADING.test(l) || HR.test(l)) break;
      if (kind === "paragraph" && (LIST_ITEM.test(l) || QUOTE.test(l))) break;
      if (kind === "blockquote" && !QUOTE.test(l)) break;
      i++;
    }
    sections.push({ kind, lineStart: start, lineEnd: i - 1 });
  }
  return sections;
}

const NESTED_FENCE = /^((?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)*[ \t]*)(`{3,}|~{3,})(.*)$/;

function isFenceInfo(marker: string, info: string): boolean {
  return !(marker.startsWith("`") && info.includes("`"));
}

/**
 * The note with what Obsidian hides blanked out (same lines and columns): `%%…%%` and
 * `<!-- … -->` outside fenced code and code spans; a line starting with `<!--` is an HTML block
 * that hides whole lines up to the one holding `-->`.
 */
export function hideComments(markdown: string): string {
  const lines = markdown.split(/\r?\n/);
  let fence: { char: string; width: number } | null = null;
  let comment: "%%" | "-->" | "block" | null = null;
  return lines
    .map((line) => {
      if (comment === "block") {
        if (line.includes("-->")) comment = null;
        return " ".repeat(line.length);
      }
      if (comment === null && fence !== null) {
        const t = line.replace(/^(?:[ \t]*>)*/, "").trim();
        if (t.length >= fence.width && t === fence.char.repeat(t.length)) fence = null;
        return line;
      }
      if (comment === null) {
        const body = line.replace(/^(?:[ \t]*>[ \t]?)*/, "");
        const m = NESTED_FENCE.exec(body);
        if (m && isFenceInfo(m[2], m[3])) {
          fence = { char: m[2][0], width: m[2].length };
          return line;
        }
        if (/^ {0,3}<!--/.test(body)) {
          if (!body.includes("-->", body.indexOf("<!--") + 4)) comment = "block";
          return " ".repeat(line.length);
        }
      }
      let out = "";
      let i = 0;
      while (i < line.length) {
        if (comment === "%%" || comment === "-->") {
          const j = line.indexOf(comment, i);
          const end = j < 0 ? line.length : j + comment.length;
          out += " ".repeat(end - i);
          i = end;
          if (j >= 0) comment = null;
          continue;
        }
        const c = line[i];
        if (c === "\\") {
          out += line.slice(i, i + 2);
          i += 2;
        } else if (c === "`") {
          const run = /^`+/.exec(line.slice(i))?.[0] ?? "`";
          const close = new RegExp(`(?<!\`)${run}(?!\`)`, "g");
          close.lastIndex = i + run.length;
          const found = close.exec(line);
          const end = found ? found.index + run.length : i + run.length;
          out += line.slice(i, end);
          i = end;
        } else if (line.startsWith("%%", i)) {
          comment = "%%";
          out += "  ";
          i += 2;
        } else if (line.startsWith("<!--", i)) {
          comment = "-->";
          out += "    ";
          i += 4;
        } else {
          out += c;
          i++;
        }
      }
      return out;
    })
    .join("\n");
}

/**
 * Splits the lines of a list or block quote section into text lines and the fenced blocks nested
 * in it (quote markers already removed). `offset` is the section's first line in the note.
 */
function nestedParts(lines: string[], offset: number): Array<{ text: string; line: number } | CodeBlock> {
  const parts: Array<{ text: string; line: number } | CodeBlock> = [];
  let i = 0;
  while (i < lines.length) {
    const m = NESTED_FENCE.exec(lines[i]);
    if (!m || !isFenceInfo(m[2], m[3])) {
      parts.push({ text: lines[i], line: offset + i });
      i++;
      continue;
    }
    // A list marker before the fence opens an item: keep it as a text line of its own.
    const prefix = m[1];
    if (/[-*+\d]/.test(prefix)) parts.push({ text: prefix.replace(/[ \t]+$/, ""), line: offset + i });
    const indent = prefix.replace(/\t/g, "    ").length;
    const marker = m[2];
    let j = i + 1;
    const body: string[] = [];
    for (; j < lines.length; j++) {
      const t = lines[j].trim();
      if (t.length >= marker.length && t === marker[0].repeat(t.length)) break;
      body.push(lines[j].replace(new RegExp(`^[ \\t]{0,${indent}}`), ""));
    }
    const lineEnd = Math.min(j, lines.length - 1);
    parts.push({ lang: m[3].trim().split(/\s+/)[0] ?? "", code: body.join("\n"), lineStart: offset + i, lineEnd: offset + lineEnd });
    i = lineEnd + 1;
  }
  return parts;
}

const isCode = (p: { text: string; line: number } | CodeBlock): p is CodeBlock => "lang" in p;

/** Every fenced code block of the note, top-level and nested in lists, quotes and callouts, in order. */
export function codeBlocksOf(markdown: string): CodeBlock[] {
  const lines = hideComments(markdown).split(/\r?\n/);
  const out: CodeBlock[] = [];
  for (const s of splitSections(markdown)) {
    if (s.kind === "code" && FENCE_OPEN.test(lines[s.lineStart] ?? "")) out.push({ lang: s.lang ?? "", code: s.code ?? "", lineStart: s.lineStart, lineEnd: s.lineEnd });
    else if (s.kind === "list" || s.kind === "blockquote") {
      const inner = lines.slice(s.lineStart, s.lineEnd + 1).map((l) => (s.kind === "blockquote" ? l.replace(/^ {0,3}> ?/, "") : l));
      out.push(...nestedParts(inner, s.lineStart).filter(isCode));
    }
  }
  return out;
}

type CodeBlockHandler = (parent: HTMLElement, block: CodeBlock) => void;

/** Appends `text` to `el` with code spans as `<code>` and [[wikilinks]] / [text](url) as links. */
export function renderInline(el: HTMLElement, text: string): void {
  // A backslash escape (first), code spans, wikilinks, links.
  const token = /\\([!-/:-@[-`{-~])|(?<!`)(`+)(?!`)([\s\S]*?[^`])\2(?!`)|\[\[([^\]]+)\]\]|\[([^\]]*)\]\(([^)\s]*)\)/g;
  let last = 0;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    if (m.index > last) el.appendText(text.slice(last, m.index));
    if (m[1] !== undefined) {
      el.appendText(m[1]);
    } else if (m[2] !== undefined) {
      el.createEl("code", { text: m[3].replace(/^ (.*) $/, "$1") });
    } else if (m[4] !== undefined) {
      const [target, alias] = m[4].split("|");
      el.createEl("a", { cls: "internal-link", text: alias ?? target, attr: { "data-href": target, href: target } });
    } else {
      el.createEl("a", { cls: "external-link", text: m[5], attr: { href: m[6], target: "_blank", rel: "noopener nofollow" } });
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) el.appendText(text.slice(last));
}

function renderList(el: HTMLElement, lines: string[], offset: number, code: CodeBlockHandler): void {
  // Nesting by indentation; items keep their own text, continuation lines join the last item;
  // fenced blocks nested in an item go inside it.
  const stack: { indent: number; list: HTMLElement }[] = [];
  let lastItem: HTMLElement | null = null;
  for (const part of nestedParts(lines, offset)) {
    if (isCode(part)) {
      code(lastItem ?? el, part);
      continue;
    }
    const raw = part.text;
    if (blank(raw)) continue;
    const indent = (/^[ \t]*/.exec(raw)?.[0] ?? "").replace(/\t/g, "    ").length;
    const item = /^[ \t]*([-*+]|\d{1,9}[.)])[ \t]?(.*)$/.exec(raw);
    if (!item || !LIST_ITEM.test(raw)) {
      if (lastItem) renderInline(lastItem, " " + raw.trim());
      continue;
    }
    while (stack.length > 0 && stack[stack.length - 1].indent > indent) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.indent < indent) {
      const parent: HTMLElement = top && lastItem ? lastItem : el;
      const list = parent.createEl(/\d/.test(item[1]) ? "ol" : "ul");
      top = { indent, list };
      stack.push(top);
    }
    lastItem = top.list.createEl("li");
    renderInline(lastItem, item[2]);
  }
}

/** A block quote, or a callout when its first line is `[!type] Title`, with nested fenced blocks. */
function renderQuote(el: HTMLElement, lines: string[], offset: number, code: CodeBlockHandler): void {
  const inner = lines.map((l) => l.replace(/^ {0,3}> ?/, ""));
  const callout = /^\[!([^\]]+)\][+-]?[ \t]*(.*)$/.exec(inner[0] ?? "");
  let body: HTMLElement;
  let parts = nestedParts(inner, offset);
  if (callout) {
    const box = el.createDiv({ cls: "callout", attr: { "data-callout": callout[1].toLowerCase() } });
    renderInline(box.createDiv({ cls: "callout-title" }), callout[2] || callout[1]);
    body = box.createDiv({ cls: "callout-content" });
    parts = parts.slice(1);
  } else {
    body = el.createEl("blockquote");
  }
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) renderInline(body.createEl("p"), paragraph.join("\n"));
    paragraph = [];
  };
  for (const part of parts) {
    if (isCode(part)) {
      flush();
      code(body, part);
    } else if (blank(part.text)) flush();
    else paragraph.push(part.text.trim());
  }
  flush();
}

export interface ReadingViewHost {
  sourcePath: string;
  codeBlockProcessors: ReadonlyMap<string, (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => unknown>;
  postProcessors: readonly MarkdownPostProcessor[];
  frontmatter?: Record<string, unknown>;
  /** "obsidian" (default): section info as Obsidian gives it; "none": getSectionInfo gives null. */
  sectionInfo?: "obsidian" | "none";
}

export interface RenderedNote {
  sections: Section[];
  sectionEls: HTMLElement[];
  /** What processors threw or rejected with. */
  errors: unknown[];
  /** Settles when every processor call (sync or async) has returned. */
  done: Promise<void>;
  /** Unloads the render children the processors added (as closing the note does). */
  unload(): void;
}

/** Renders `markdown` into `container` the way Reading view drives processors. */
export function renderReadingView(markdown: string, container: HTMLElement, host: ReadingViewHost): RenderedNote {
  const lines = hideComments(markdown).split(/\r?\n/);
  const sections = splitSections(markdown);
  const owner = new Component();
  owner.load();
  const sectionOf = new WeakMap<HTMLElement, Section>();
  const info = (s: Section): MarkdownSectionInformation => ({ text: markdown, lineStart: s.lineStart, lineEnd: s.lineEnd });
  const ctx = (): MarkdownPostProcessorContext => ({
    docId: "harness-" + host.sourcePath,
    sourcePath: host.sourcePath,
    frontmatter: host.frontmatter,
    addChild: (child) => {
      owner.addChild(child as unknown as Component);
    },
    getSectionInfo: (el: HTMLElement) => {
      if (host.sectionInfo === "none") return null;
      // Any element inside a rendered section answers for that section, as in Obsidian.
      for (let n: HTMLElement | null = el; n; n = n.parentElement) {
        const s = sectionOf.get(n);
        if (s) return info(s);
      }
      return null;
    },
  });

  const pending: Promise<void>[] = [];
  const errors: unknown[] = [];
  // Obsidian logs a failing processor and renders the rest; the errors are kept for the tests.
  const run = (call: () => unknown): void => {
    pending.push(
      Promise.resolve()
        .then(call)
        .then(
          () => undefined,
          (e: unknown) => {
            errors.push(e);
            console.error("processor failed", e);
          },
        ),
    );
  };
  const sectionEls: HTMLElement[] = [];
  const codeBlock: CodeBlockHandler = (parent, block) => {
    const processor = host.codeBlockProcessors.get(block.lang);
    if (processor) {
      const el = parent.createDiv({ cls: `block-language-${block.lang}` });
      run(() => processor(block.code, el, ctx()));
    } else {
      const pre = parent.createEl("pre", { cls: block.lang ? `language-${block.lang}` : "" });
      pre.createEl("code", { cls: block.lang ? `language-${block.lang}` : "", text: block.code });
    }
  };
  for (const s of sections) {
    const text = lines.slice(s.lineStart, s.lineEnd + 1);
    let wrapper: HTMLElement;
    if (s.kind === "frontmatter") {
      wrapper = container.createDiv({ cls: "el-pre mod-frontmatter" });
      wrapper.createEl("pre", { cls: "frontmatter", text: text.slice(1, -1).join("\n") });
    } else if (s.kind === "code") {
      const processor = host.codeBlockProcessors.get(s.lang ?? "");
      wrapper = container.createDiv({ cls: "el-pre" });
      sectionOf.set(wrapper, s);
      if (processor) {
        const el = wrapper.createDiv({ cls: `block-language-${s.lang ?? ""}` });
        run(() => processor(s.code ?? "", el, ctx()));
      } else {
        const pre = wrapper.createEl("pre", { cls: s.lang ? `language-${s.lang}` : "" });
        pre.createEl("code", { cls: s.lang ? `language-${s.lang}` : "", text: s.code ?? "" });
      }
    } else if (s.kind === "heading") {
      const level = s.level ?? 1;
      wrapper = container.createDiv({ cls: `el-h${level}` });
      renderInline(wrapper.createEl(`h${level}` as "h1"), (HEADING.exec(text[0])?.[2] ?? "").replace(/[ \t]+#+[ \t]*$/, ""));
    } else if (s.kind === "list") {
      wrapper = container.createDiv({ cls: /^[ \t]*\d/.test(text[0]) ? "el-ol" : "el-ul" });
      renderList(wrapper, text, s.lineStart, codeBlock);
    } else if (s.kind === "blockquote") {
      wrapper = container.createDiv({ cls: "el-blockquote" });
      renderQuote(wrapper, text, s.lineStart, codeBlock);
    } else if (s.kind === "hr") {
      wrapper = container.createDiv({ cls: "el-hr" });
      wrapper.createEl("hr");
    } else {
      wrapper = container.createDiv({ cls: "el-p" });
      renderInline(wrapper.createEl("p"), text.map((l) => l.trim()).join("\n"));
    }
    sectionOf.set(wrapper, s);
    sectionEls.push(wrapper);
  }
  // Post-processors run on every section once the code blocks are handed out, as in Obsidian.
  for (const wrapper of sectionEls) {
    const s = sectionOf.get(wrapper);
    if (!s || s.kind === "frontmatter") continue;
    for (const pp of host.postProcessors) {
      run(() => pp(wrapper, ctx()));
    }
  }
  return {
    sections,
    sectionEls,
    errors,
    done: Promise.all(pending).then(() => undefined),
    unload: () => owner.unload(),
  };
}
