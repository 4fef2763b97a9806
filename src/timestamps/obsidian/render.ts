// Reading view / Live Preview rendering of ```timestamp and ```timestamp-url blocks and of inline
// `@06:45` timestamps. Thin: parsing is in ../note.ts and ./lookup.ts.
import { MarkdownRenderChild, TFile, type App, type MarkdownPostProcessorContext } from "obsidian";
import { parseInlineTimestamp } from "../inline";
import { scanNoteCached, TIMESTAMP_URL_LANGUAGE, type NoteScan } from "../note";
import type { TimestampEntry, VideoRef } from "../types";
import { blockEntries, describeVideo, inlineEntryAt, videoContextAt } from "./lookup";
import { scanNoteInApp } from "./frontmatter";
import { resolveVaultVideo } from "./vault";

/** What rendered links call back into (the plugin). */
export interface TimestampHost {
  readonly app: App;
  seek(video: VideoRef, seconds: number, sourcePath: string): Promise<void>;
  openVideo(video: VideoRef, sourcePath: string): Promise<void>;
}

type LinkAction = { video: VideoRef; seconds: number } | { video: VideoRef; open: true };

/** Per rendered element: the click handler of its last render and a counter to drop stale async renders. */
const renders = new WeakMap<HTMLElement, { child: LinkChild | null; run: number }>();

/**
 * One per rendered block or section: delegated click/Enter handling for the links inside,
 * registered through the component so Obsidian removes it with the section.
 */
class LinkChild extends MarkdownRenderChild {
  readonly actions = new WeakMap<HTMLElement, LinkAction>();

  constructor(containerEl: HTMLElement, private readonly host: TimestampHost, private readonly sourcePath: string) {
    super(containerEl);
  }

  override onload(): void {
    this.registerDomEvent(this.containerEl, "click", (e) => this.activate(e));
    this.registerDomEvent(this.containerEl, "keydown", (e) => {
      if (e.key === "Enter") this.activate(e);
    });
  }

  private activate(e: Event): void {
    const target = e.target instanceof Element ? e.target.closest("a") : null;
    if (!target || !this.containerEl.contains(target)) return;
    const action = this.actions.get(target);
    if (!action) return;
    // The href is "#" only to make the link focusable; Obsidian must not follow it.
    e.preventDefault();
    e.stopPropagation();
    const done = "open" in action ? this.host.openVideo(action.video, this.sourcePath) : this.host.seek(action.video, action.seconds, this.sourcePath);
    done.catch((err: unknown) => console.error("Lesson Lab: could not open the video", err));
  }
}

function beginRender(el: HTMLElement): number {
  const prev = renders.get(el);
  prev?.child?.unload();
  const run = (prev?.run ?? 0) + 1;
  renders.set(el, { child: null, run });
  return run;
}

function isCurrent(el: HTMLElement, run: number): boolean {
  return renders.get(el)?.run === run;
}

function attachChild(el: HTMLElement, run: number, child: LinkChild, ctx: MarkdownPostProcessorContext): void {
  renders.set(el, { child, run });
  ctx.addChild(child);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function renderError(parent: HTMLElement, text: string): HTMLElement {
  return parent.createSpan({ cls: "lesson-lab-error", text });
}

/** Reads the note the section belongs to: the section's own text when Obsidian gives it (fresher than the file). */
async function scanFor(app: App, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<{ scan: NoteScan | null; lineStart: number | null; lineEnd: number | null }> {
  const info = ctx.getSectionInfo(el);
  if (info && typeof info.text === "string") return { scan: scanNoteInApp(app, ctx.sourcePath, info.text), lineStart: info.lineStart, lineEnd: info.lineEnd };
  const file = app.vault.getAbstractFileByPath(ctx.sourcePath);
  if (file instanceof TFile) {
    const text = await app.vault.cachedRead(file);
    return { scan: scanNoteInApp(app, ctx.sourcePath, text), lineStart: null, lineEnd: null };
  }
  return { scan: null, lineStart: null, lineEnd: null };
}

/** Why a video cannot be played from this note, or null when it can. */
function videoProblem(app: App, video: VideoRef, sourcePath: string): string | null {
  if (video.kind !== "vault") return null;
  return resolveVaultVideo(app, video, sourcePath) ? null : `vault file not found: ${video.id}`;
}

function timestampLink(parent: HTMLElement, child: LinkChild, entry: { text: string; label: string; seconds: number }, video: VideoRef, inline: boolean): HTMLElement {
  const a = parent.createEl("a", {
    cls: inline ? "lesson-lab-timestamp lesson-lab-inline" : "lesson-lab-timestamp",
    href: "#",
    attr: { "data-seconds": String(entry.seconds), "aria-label": `Play from ${entry.text}` },
  });
  a.createSpan({ cls: "lesson-lab-timestamp-time", text: entry.text });
  if (entry.label !== "") a.createSpan({ cls: "lesson-lab-timestamp-label", text: entry.label });
  child.actions.set(a, { video, seconds: entry.seconds });
  return a;
}

function renderEntries(el: HTMLElement, child: LinkChild, host: TimestampHost, entries: TimestampEntry[], sourcePath: string): void {
  const wrap = el.createDiv({ cls: "lesson-lab-timestamps" });
  for (const entry of entries) {
    if (entry.error !== null || entry.seconds === null) {
      renderError(wrap, entry.text ? `${entry.text}: ${entry.error ?? "invalid time"}` : (entry.error ?? "invalid time"));
      continue;
    }
    if (!entry.video) {
      renderError(wrap, `${entry.text}: no video for this timestamp`);
      continue;
    }
    const problem = videoProblem(host.app, entry.video, sourcePath);
    if (problem) renderError(wrap, problem);
    else timestampLink(wrap, child, { text: entry.text, label: entry.label, seconds: entry.seconds }, entry.video, false);
  }
}

/** The ```timestamp code-block processor. Never throws: failures render as an inline error. */
export async function renderTimestampBlock(host: TimestampHost, source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<void> {
  const run = beginRender(el);
  el.empty();
  try {
    const { scan, lineStart, lineEnd } = await scanFor(host.app, el, ctx);
    if (!isCurrent(el, run)) return;
    const entries = blockEntries(scan, source, lineStart, lineEnd);
    el.empty();
    const child = new LinkChild(el, host, ctx.sourcePath);
    renderEntries(el, child, host, entries, ctx.sourcePath);
    attachChild(el, run, child, ctx);
  } catch (e) {
    if (!isCurrent(el, run)) return;
    el.empty();
    renderError(el, `could not render timestamps: ${message(e)}`);
  }
}

/** The ```timestamp-url code-block processor: an "Open video" link, or the error. */
export async function renderVideoBlock(host: TimestampHost, source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<void> {
  const run = beginRender(el);
  el.empty();
  try {
    const info = ctx.getSectionInfo(el);
    const inNote = info && typeof info.text === "string" ? scanNoteInApp(host.app, ctx.sourcePath, info.text).videoBlocks.find((b) => b.line === info.lineStart) : undefined;
    // Without the note (or when it disagrees), read the source as a block of its own, by the same rules.
    const scanned = inNote ?? scanNoteCached(`\`\`\`${TIMESTAMP_URL_LANGUAGE}\n${source}\n\`\`\``).videoBlocks[0];
    const parsed: { video: VideoRef } | { error: string } = scanned?.video ? { video: scanned.video } : { error: scanned?.error ?? "invalid video" };
    const block = el.createDiv({ cls: "lesson-lab-video-block" });
    if ("error" in parsed) {
      renderError(block, parsed.error);
      return;
    }
    const problem = videoProblem(host.app, parsed.video, ctx.sourcePath);
    if (problem) {
      renderError(block, problem);
      return;
    }
    const child = new LinkChild(el, host, ctx.sourcePath);
    const a = block.createEl("a", { cls: "lesson-lab-video-link", href: "#", text: "Open video" });
    child.actions.set(a, { video: parsed.video, open: true });
    block.createSpan({ cls: "lesson-lab-video-name", text: describeVideo(parsed.video) });
    attachChild(el, run, child, ctx);
  } catch (e) {
    if (!isCurrent(el, run)) return;
    el.empty();
    renderError(el, `could not render the video block: ${message(e)}`);
  }
}

/** Markdown post-processor: inline code such as `@06:45 Label` becomes a timestamp link. */
export async function renderInlineTimestamps(host: TimestampHost, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<void> {
  // Cheap exit first: most sections hold no inline timestamp.
  const codes: Array<{ code: HTMLElement; parsed: NonNullable<ReturnType<typeof parseInlineTimestamp>> }> = [];
  el.querySelectorAll("code").forEach((code) => {
    if (code.closest("pre")) return;
    const parsed = parseInlineTimestamp(code.textContent ?? "");
    if (parsed) codes.push({ code, parsed });
  });
  if (codes.length === 0) return;
  let child: LinkChild | null = null;
  try {
    const { scan, lineStart, lineEnd } = await scanFor(host.app, el, ctx);
    child = new LinkChild(el, host, ctx.sourcePath);
    for (const { code, parsed } of codes) {
      if (!code.isConnected && !el.contains(code)) continue;
      const holder = createSpan();
      if ("error" in parsed) {
        renderError(holder, `@${parsed.text}: ${parsed.error}`);
      } else {
        const from = lineStart ?? 0;
        const entry = inlineEntryAt(scan, from, lineEnd ?? Number.MAX_SAFE_INTEGER, parsed.text);
        const context = entry ? { video: entry.video, error: entry.video ? null : entry.error } : videoContextAt(scan, from);
        const problem = context.video ? videoProblem(host.app, context.video, ctx.sourcePath) : (context.error ?? "no video for this timestamp");
        if (problem || !context.video) renderError(holder, `@${parsed.text}: ${problem ?? "no video for this timestamp"}`);
        else timestampLink(holder, child, { text: parsed.text, label: parsed.label, seconds: parsed.seconds }, context.video, true);
      }
      const replacement = holder.firstElementChild;
      if (replacement) code.replaceWith(replacement);
    }
    ctx.addChild(child);
  } catch (e) {
    console.error("Lesson Lab: inline timestamps", e);
    for (const { code } of codes) {
      if (!code.isConnected) continue;
      code.replaceWith(createSpan({ cls: "lesson-lab-error", text: `could not render timestamp: ${message(e)}` }));
    }
  }
}
