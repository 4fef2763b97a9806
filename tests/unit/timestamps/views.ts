// What each view of a note shows, read back as the user would meet it: the CLI's JSON, Reading
// view through the stand-in (section info as Obsidian gives it, or none), and Live Preview (a real
// CodeMirror view with the plugin's extension, code blocks through their processor). Each rendered
// link is clicked, and what it seeks is recorded. Shared by the corpus and property tests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EditorSelection, EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { editorLivePreviewField } from "obsidian-test-mocks/obsidian";
import { expect, vi } from "vitest";
import { run } from "../../../src/cli/timestamps";
import { bindingFor, UNPLACED_ERROR } from "../../../src/timestamps/binding";
import { buildDecorations, inlineTimestampExtension } from "../../../src/timestamps/obsidian/live-preview";
import type { VideoRef } from "../../../src/timestamps/types";
import { codeBlocksOf, renderReadingView } from "../../standin/browser-reading-view";
import { makeCtx, makePlugin, postProcessor, processor, type Harness } from "./obsidian/helpers";

/** One playable time: what a click seeks. */
export interface Seek {
  seconds: number;
  url: string;
}

/** A time as shown: a link and what it seeks, an error, or an error saying it cannot be placed. */
export type Shown = Seek | "error" | "unplaced";

/** The CLI's records, in document order: what each seeks, or "error". */
export async function cliSeeks(text: string): Promise<Shown[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "lesson-lab-corpus-"));
  try {
    const file = path.join(dir, "Note.md");
    writeFileSync(file, text);
    let out = "";
    const code = await run([file, "--json"], { out: (t) => (out += t), err: () => undefined });
    if (code !== 0) throw new Error(`CLI exit code ${code}`);
    const records = JSON.parse(out) as Array<{ text: string; seconds: number | null; video: { url: string } | null; error: string | null }>;
    // The listing also names blocks the app does not render as ours (a wrong-case or unclosed
    // fence: `text` is that fence and its language): problems of the note, not timestamps a view shows.
    return records.filter((r) => !(r.seconds === null && /^(`{3,}|~{3,})timestamp/i.test(r.text))).map((r): Shown => (r.error === null && r.seconds !== null && r.video !== null ? { seconds: r.seconds, url: r.video.url } : "error"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NOTE = "Note.md";

async function plugin(text: string): Promise<{ h: Harness; seeks: Seek[] }> {
  const h = await makePlugin({ [NOTE]: text });
  const seeks: Seek[] = [];
  vi.spyOn(h.plugin.timestamps.player, "seek").mockImplementation((video: VideoRef, seconds: number) => {
    seeks.push({ seconds, url: video.url });
    return Promise.resolve();
  });
  return { h, seeks };
}

/** Clicks each link and notes each timestamp error ("cannot tell…" apart) under `root`, in document order. */
function readBack(root: HTMLElement, seeks: Seek[], click: (a: HTMLElement) => void): Shown[] {
  const shown: Shown[] = [];
  for (const el of Array.from(root.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp, .lesson-lab-error"))) {
    // A video block's own error (an invalid URL) is not a timestamp.
    if (el.closest(".lesson-lab-video-block")) continue;
    if (el.matches("a.lesson-lab-timestamp")) {
      const before = seeks.length;
      click(el);
      if (seeks.length !== before + 1) throw new Error(`a link seeks nothing: ${el.outerHTML}`);
      const seek = seeks[seeks.length - 1];
      if (String(seek.seconds) !== el.dataset.seconds) throw new Error(`link shows ${el.dataset.seconds ?? "?"} s but seeks ${seek.seconds} s`);
      shown.push(seek);
    } else {
      shown.push((el.textContent ?? "").includes(UNPLACED_ERROR) ? "unplaced" : "error");
    }
  }
  return shown;
}

/** Reading view of `text` through the stand-in: every rendered time, in document order. */
export async function readingViewShown(text: string, sectionInfo: "obsidian" | "none"): Promise<Shown[]> {
  const { h, seeks } = await plugin(text);
  const container = document.body.createDiv();
  const internals = h.plugin as unknown as { markdownCodeBlockProcessors__: Map<string, never> };
  const rendered = renderReadingView(text, container, {
    sourcePath: NOTE,
    codeBlockProcessors: internals.markdownCodeBlockProcessors__,
    postProcessors: [postProcessor(h.plugin)],
    sectionInfo,
  });
  await rendered.done;
  if (rendered.errors.length > 0) throw new Error(`processors failed: ${rendered.errors.map(String).join("; ")}`);
  const shown = readBack(container, seeks, (a) => a.click());
  rendered.unload();
  container.remove();
  return shown;
}

/** Live Preview of `text`: code blocks through their processor (section info: the block itself), inline code through the editor extension. */
export async function livePreviewShown(text: string): Promise<Shown[]> {
  const { h, seeks } = await plugin(text);
  const items: Array<{ line: number; shown: Shown[] }> = [];
  const blocks = processor(h.plugin, "timestamp");
  for (const b of codeBlocksOf(text)) {
    if (b.lang !== "timestamp") continue;
    const el = document.body.createDiv({ cls: "block-language-timestamp" });
    await blocks(b.code, el, makeCtx(h, NOTE, { text, lineStart: b.lineStart, lineEnd: b.lineEnd }));
    items.push({ line: b.lineStart, shown: readBack(el, seeks, (a) => a.click()) });
    el.remove();
  }
  const view = new EditorView({
    state: EditorState.create({
      doc: text,
      selection: EditorSelection.cursor(0),
      extensions: [editorLivePreviewField.init(() => true), inlineTimestampExtension({ seek: (video, seconds) => h.plugin.seek(video, seconds, NOTE) })],
    }),
    parent: document.body.createDiv(),
  });
  // happy-dom has no layout, so CodeMirror only shows a first stretch of the note: the extension's
  // decorations are built for the whole note as if all of it were on screen, and each widget link
  // is put in the editor and clicked, going through the extension's own event handler.
  const whole = { state: view.state, visibleRanges: [{ from: 0, to: view.state.doc.length }] } as unknown as EditorView;
  const decorations = buildDecorations(whole, bindingFor(view.state.doc.toString()));
  decorations.between(0, view.state.doc.length, (from, _to, deco) => {
    const spec = deco.spec as { widget?: { toDOM(v: EditorView): HTMLElement }; class?: string };
    const line = view.state.doc.lineAt(from).number - 1 + from / (view.state.doc.length + 1);
    if (spec.class === "lesson-lab-error") items.push({ line, shown: ["error"] });
    const widget = spec.widget;
    if (!widget) return;
    const a = widget.toDOM(view);
    view.contentDOM.appendChild(a);
    const before = seeks.length;
    a.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
    if (seeks.length !== before + 1) throw new Error(`a Live Preview link seeks nothing: ${a.outerHTML}`);
    if (String(seeks[seeks.length - 1].seconds) !== a.dataset.seconds) throw new Error("a Live Preview link seeks another time than it shows");
    items.push({ line, shown: [seeks[seeks.length - 1]] });
    a.remove();
  });
  view.destroy();
  return items.sort((x, y) => x.line - y.line).flatMap((i) => i.shown);
}

/** Without section info: the same times in the same order, each as the CLI says, or "unplaced". */
export function expectPlacedOrSaid(shown: Shown[], expected: Shown[]): void {
  expect(shown).toHaveLength(expected.length);
  shown.forEach((s, i) => {
    if (s !== "unplaced") expect(s).toEqual(expected[i]);
  });
}
