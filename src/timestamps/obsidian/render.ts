// Reading view / Live Preview rendering of ```timestamp and ```timestamp-url blocks and of inline
// `@06:45` timestamps. Thin: parsing is in ../note.ts and ../binding.ts, clicks go to the player service.
import { MarkdownRenderChild, TFile, type App, type MarkdownPostProcessorContext } from "obsidian";
import { placeBlock, placeInline, type DomIndex, type LineRange, type NoteBinding, type RenderedInline } from "../binding";
import { parseInlineTimestamp } from "../inline";
import { NO_VIDEO_ERROR, parseTimestampBlockSource, scanNoteCached, TIMESTAMP_LANGUAGE, TIMESTAMP_URL_LANGUAGE } from "../note";
import type { TimestampEntry, VideoRef } from "../types";
import { bindingInApp, scanNoteInApp } from "./frontmatter";
import { describeVideo } from "../binding-queries";
import { resolveVaultVideo } from "./vault";
import { errorText } from "../../shared/errors";
import type { PlayerService } from "./player-service";

/** What rendered links call: the player service (its app, seek and openVideo). */
type LinkTarget = Pick<PlayerService, "app" | "seek" | "openVideo">;

type LinkAction = { video: VideoRef; seconds: number } | { video: VideoRef; open: true };

/** Per rendered element: the click handler of its last render and a counter to drop stale async renders. */
const renders = new WeakMap<HTMLElement, { child: LinkChild | null; run: number }>();

/**
 * One per rendered block or section: delegated click/Enter handling for the links inside,
 * registered through the component so Obsidian removes it with the section.
 */
class LinkChild extends MarkdownRenderChild {
  readonly actions = new WeakMap<HTMLElement, LinkAction>();

  constructor(containerEl: HTMLElement, private readonly player: LinkTarget, private readonly sourcePath: string) {
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
    const done = "open" in action ? this.player.openVideo(action.video, this.sourcePath) : this.player.seek(action.video, action.seconds, this.sourcePath);
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

/** Appends `text` (as text) to `parent` in the plugin's error style; returns the new span. */
export function renderError(parent: HTMLElement, text: string): HTMLElement {
  return parent.createSpan({ cls: "lesson-lab-error", text });
}

/**
 * The binding of the note the section belongs to, and the section's line range: from the section
 * info when Obsidian gives it (its text is fresher than the file), else from the file, with no range.
 */
async function bindingForSection(app: App, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<{ binding: NoteBinding | null; range: LineRange | null; dom: DomIndex | null }> {
  const info = ctx.getSectionInfo(el);
  if (info && typeof info.text === "string") {
    const range = { lineStart: info.lineStart, lineEnd: info.lineEnd };
    return { binding: bindingInApp(app, ctx.sourcePath, info.text), range, dom: domIndexOf(el, ctx, range) };
  }
  const file = app.vault.getAbstractFileByPath(ctx.sourcePath);
  if (file instanceof TFile) return { binding: bindingInApp(app, ctx.sourcePath, await app.vault.cachedRead(file)), range: null, dom: null };
  return { binding: null, range: null, dom: null };
}

const BLOCK_CLASS = `block-language-${TIMESTAMP_LANGUAGE}`;

/**
 * Where `el` (a ```timestamp block Obsidian rendered, classed block-language-timestamp) stands among
 * the blocks of its section: the section's element is the outermost ancestor with the same section
 * info. Null when that cannot be seen (the element is not classed or not in its section yet).
 */
function domIndexOf(el: HTMLElement, ctx: MarkdownPostProcessorContext, range: LineRange): DomIndex | null {
  if (!el.classList.contains(BLOCK_CLASS)) return null;
  let root: HTMLElement = el;
  for (let n = el.parentElement; n; n = n.parentElement) {
    const info = ctx.getSectionInfo(n);
    if (!info || info.lineStart !== range.lineStart || info.lineEnd !== range.lineEnd) break;
    root = n;
  }
  if (root === el) return null;
  const all = Array.from(root.querySelectorAll(`.${BLOCK_CLASS}`));
  const index = all.indexOf(el);
  return index < 0 ? null : { index, count: all.length };
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

function renderEntries(el: HTMLElement, child: LinkChild, player: LinkTarget, entries: TimestampEntry[], sourcePath: string): void {
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
    const problem = videoProblem(player.app, entry.video, sourcePath);
    if (problem) renderError(wrap, problem);
    else timestampLink(wrap, child, { text: entry.text, label: entry.label, seconds: entry.seconds }, entry.video, false);
  }
}

/** The ```timestamp code-block processor. Never throws: failures render as an inline error. */
export async function renderTimestampBlock(player: LinkTarget, source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<void> {
  const run = beginRender(el);
  el.empty();
  try {
    const { binding, range, dom } = await bindingForSection(player.app, el, ctx);
    if (!isCurrent(el, run)) return;
    const placed = binding ? placeBlock(binding, source, range, dom) : { error: NO_VIDEO_ERROR };
    // A block that cannot be placed shows, for each of its times, its own error or why it cannot be played.
    const entries: TimestampEntry[] =
      "entries" in placed
        ? placed.entries
        : parseTimestampBlockSource(source).map((b) => ({ line: 0, text: b.text, seconds: null, label: b.label, heading: "", video: null, error: b.error ?? placed.error, source: "block" as const }));
    el.empty();
    const child = new LinkChild(el, player, ctx.sourcePath);
    renderEntries(el, child, player, entries, ctx.sourcePath);
    attachChild(el, run, child, ctx);
  } catch (e) {
    if (!isCurrent(el, run)) return;
    el.empty();
    renderError(el, `could not render timestamps: ${errorText(e)}`);
  }
}

/** The ```timestamp-url code-block processor: an "Open video" link, or the error. */
export async function renderVideoBlock(player: LinkTarget, source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<void> {
  const run = beginRender(el);
  el.empty();
  try {
    const info = ctx.getSectionInfo(el);
    const inNote = info && typeof info.text === "string" ? scanNoteInApp(player.app, ctx.sourcePath, info.text).videoBlocks.find((b) => b.line === info.lineStart) : undefined;
    // Without the note (or when it disagrees), read the source as a block of its own, by the same rules.
    const scanned = inNote ?? scanNoteCached(`\`\`\`${TIMESTAMP_URL_LANGUAGE}\n${source}\n\`\`\``).videoBlocks[0];
    const parsed: { video: VideoRef } | { error: string } = scanned?.video ? { video: scanned.video } : { error: scanned?.error ?? "invalid video" };
    const block = el.createDiv({ cls: "lesson-lab-video-block" });
    if ("error" in parsed) {
      renderError(block, parsed.error);
      return;
    }
    const problem = videoProblem(player.app, parsed.video, ctx.sourcePath);
    if (problem) {
      renderError(block, problem);
      return;
    }
    const child = new LinkChild(el, player, ctx.sourcePath);
    const a = block.createEl("a", { cls: "lesson-lab-video-link", href: "#", text: "Open video" });
    child.actions.set(a, { video: parsed.video, open: true });
    block.createSpan({ cls: "lesson-lab-video-name", text: describeVideo(parsed.video) });
    attachChild(el, run, child, ctx);
  } catch (e) {
    if (!isCurrent(el, run)) return;
    el.empty();
    renderError(el, `could not render the video block: ${errorText(e)}`);
  }
}

/** Markdown post-processor: inline code such as `@06:45 Label` becomes a timestamp link. */
export async function renderInlineTimestamps(player: LinkTarget, el: HTMLElement, ctx: MarkdownPostProcessorContext): Promise<void> {
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
    const { binding, range } = await bindingForSection(player.app, el, ctx);
    const rendered: RenderedInline[] = codes.map(({ parsed }) =>
      "error" in parsed
        ? { text: parsed.text, label: "", seconds: null, error: parsed.error }
        : { text: parsed.text, label: parsed.label, seconds: parsed.seconds, error: null },
    );
    const placed = binding ? placeInline(binding, rendered, range) : rendered.map(() => ({ error: NO_VIDEO_ERROR }));
    child = new LinkChild(el, player, ctx.sourcePath);
    codes.forEach(({ code, parsed }, i) => {
      if (!code.isConnected && !el.contains(code)) return;
      const holder = createSpan();
      const entry = placed[i];
      if ("error" in parsed) {
        renderError(holder, `@${parsed.text}: ${parsed.error}`);
      } else if (!entry || !("line" in entry)) {
        renderError(holder, `@${parsed.text}: ${entry?.error ?? NO_VIDEO_ERROR}`);
      } else if (entry.error !== null || entry.seconds === null || entry.video === null) {
        renderError(holder, `@${parsed.text}: ${entry.error ?? NO_VIDEO_ERROR}`);
      } else {
        const problem = videoProblem(player.app, entry.video, ctx.sourcePath);
        if (problem) renderError(holder, `@${parsed.text}: ${problem}`);
        else if (child) timestampLink(holder, child, { text: entry.text, label: entry.label, seconds: entry.seconds }, entry.video, true);
      }
      const replacement = holder.firstElementChild;
      if (replacement) code.replaceWith(replacement);
    });
    ctx.addChild(child);
  } catch (e) {
    console.error("Lesson Lab: inline timestamps", e);
    for (const { code } of codes) {
      if (!code.isConnected) continue;
      code.replaceWith(createSpan({ cls: "lesson-lab-error", text: `could not render timestamp: ${errorText(e)}` }));
    }
  }
}
