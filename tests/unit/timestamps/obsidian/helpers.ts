// Shared set-up for the timestamps adapter tests: the plugin on the stand-in's App, a
// post-processor context with section info, and the sample lesson note.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MarkdownPostProcessorContext, MarkdownSectionInformation } from "obsidian";
import { App, type Component } from "obsidian-test-mocks/obsidian";
import LessonLabPlugin from "../../../../src/plugin";
import { installLiveWorkspace } from "../../../standin/browser-workspace";

export const LESSON_PATH = "Lesson 2.md";
export const LESSON = readFileSync(join(process.cwd(), "tests/fixtures/Lesson 2.md"), "utf8");

export interface Harness {
  app: App;
  plugin: LessonLabPlugin;
  mainEl: HTMLElement;
  rightEl: HTMLElement;
  children: Component[];
}

export async function makePlugin(files: Record<string, string> = { [LESSON_PATH]: LESSON }, data?: unknown): Promise<Harness> {
  const app = App.createConfigured__({ files });
  const mainEl = document.body.createDiv({ cls: "test-main" });
  const rightEl = document.body.createDiv({ cls: "test-right" });
  const manifest = { id: "lesson-lab", name: "Lesson Lab", version: "0.1.0", minAppVersion: "1.7.2", description: "", author: "" };
  const plugin = new LessonLabPlugin(app.asOriginalType__(), manifest);
  if (data !== undefined) (plugin as unknown as { data__: unknown }).data__ = data;
  installLiveWorkspace(app, {
    mainEl,
    rightEl,
    findViewCreator: (type) => (plugin as unknown as { views__: Map<string, never> }).views__.get(type),
  });
  await plugin.onload();
  return { app, plugin, mainEl, rightEl, children: [] };
}

/** A post-processor context for `path`, with section info when `section` is given. */
export function makeCtx(
  h: Pick<Harness, "children">,
  path: string,
  section: MarkdownSectionInformation | null,
): MarkdownPostProcessorContext {
  return {
    docId: "doc",
    sourcePath: path,
    frontmatter: undefined,
    addChild: (child: Component) => {
      child.load();
      h.children.push(child);
    },
    getSectionInfo: () => section,
  } as unknown as MarkdownPostProcessorContext;
}

/** The lines between a fenced block's fences. */
export function innerSource(text: string, startLine: number, endLine: number): string {
  return text.split("\n").slice(startLine + 1, endLine).join("\n");
}

export type Processor = (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<void> | void;

export function processor(plugin: LessonLabPlugin, language: string): Processor {
  const found = (plugin as unknown as { markdownCodeBlockProcessors__: Map<string, Processor> }).markdownCodeBlockProcessors__.get(language);
  if (!found) throw new Error(`no processor for ${language}`);
  return found;
}

export function postProcessor(plugin: LessonLabPlugin): (el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<void> | void {
  const list = (plugin as unknown as { markdownPostProcessors__: Array<(el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<void> | void> }).markdownPostProcessors__;
  if (list.length === 0) throw new Error("no post-processor");
  // As Obsidian does: every registered post-processor runs on each rendered section, in order.
  return async (el, ctx) => {
    for (const run of list) await run(el, ctx);
  };
}

/**
 * happy-dom never loads iframe pages (no network in tests) and reports each refusal on
 * console.error; drop just those reports so real errors stay visible.
 */
export function quietIframeLoading(): void {
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.some((a) => String(a instanceof Error ? a.message : a).includes("Iframe page loading is disabled"))) return;
    original(...args);
  };
}
