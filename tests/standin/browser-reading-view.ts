// Harness-only stand-in for Obsidian's Reading-view renderer.
//
// Obsidian splits a note into sections (front matter, fenced code blocks, headings, lists,
// paragraphs…), renders each into its own element, runs the code-block processor registered for
// a fenced block's language with the block's text, and then runs markdown post-processors on
// each section, with a context whose getSectionInfo(el) gives the section's real line range.
// This file reproduces that contract, not Obsidian's Markdown: inline formatting is limited to
// code spans (`<code>`, which inline post-processors look for) and links; emphasis, tables,
// embeds and callouts are rendered as plain text. It is enough to drive a plugin's processors
// the way Reading view does; it is not a Markdown renderer.
import type { MarkdownPostProcessor, MarkdownPostProcessorContext, MarkdownSectionInformation } from "obsidian";
import { Component } from "obsidian-test-mocks/obsidian";

export type SectionKind = "frontmatter" | "code" | "heading" | "list" | "blockquote" | "hr" | "paragraph";

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
  const lines = markdown.split(/\r?\n/);
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

/** Appends `text` to `el` with code spans as `<code>` and [[wikilinks]] / [text](url) as links. */
export function renderInline(el: HTMLElement, text: string): void {
  const token = /(`+)([\s\S]*?[^`])\1(?!`)|\[\[([^\]]+)\]\]|\[([^\]]*)\]\(([^)\s]*)\)/g;
  let last = 0;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    if (m.index > last) el.appendText(text.slice(last, m.index));
    if (m[1] !== undefined) {
      el.createEl("code", { text: m[2].replace(/^ (.*) $/, "$1") });
    } else if (m[3] !== undefined) {
      const [target, alias] = m[3].split("|");
      el.createEl("a", { cls: "internal-link", text: alias ?? target, attr: { "data-href": target, href: target } });
    } else {
      el.createEl("a", { cls: "external-link", text: m[4], attr: { href: m[5], target: "_blank", rel: "noopener nofollow" } });
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) el.appendText(text.slice(last));
}

function renderList(el: HTMLElement, lines: string[]): void {
  // Nesting by indentation; items keep their own text, continuation lines join the last item.
  const stack: { indent: number; list: HTMLElement }[] = [];
  let lastItem: HTMLElement | null = null;
  for (const raw of lines) {
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

export interface ReadingViewHost {
  sourcePath: string;
  codeBlockProcessors: ReadonlyMap<string, (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => unknown>;
  postProcessors: readonly MarkdownPostProcessor[];
  frontmatter?: Record<string, unknown>;
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
  const lines = markdown.split(/\r?\n/);
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
      renderList(wrapper, text);
    } else if (s.kind === "blockquote") {
      wrapper = container.createDiv({ cls: "el-blockquote" });
      renderInline(wrapper.createEl("blockquote").createEl("p"), text.map((l) => l.replace(/^ {0,3}> ?/, "")).join("\n"));
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
