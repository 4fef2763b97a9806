// Live Preview: inline `@06:45 Label` code becomes a timestamp link while the cursor is elsewhere.
// Only the visible lines are decorated, and fenced code is skipped.
// CodeMirror is supplied by Obsidian at runtime (external in the bundle); it is a dev dependency for types and tests.
import { RangeSetBuilder, type Extension, type Text } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import { editorInfoField, editorLivePreviewField } from "obsidian";
import { findInlineTimestamps } from "../inline";
import { scanNoteInApp } from "./frontmatter";
import type { VideoRef } from "../types";
import { fencedLineMask } from "./fences";
import { inlineEntryAt, videoContextAt } from "./lookup";

export interface LivePreviewHost {
  seek(video: VideoRef, seconds: number, sourcePath: string): Promise<void>;
}

class TimestampWidget extends WidgetType {
  constructor(readonly text: string, readonly label: string, readonly seconds: number, readonly line: number) {
    super();
  }

  override eq(other: TimestampWidget): boolean {
    return other.text === this.text && other.label === this.label && other.seconds === this.seconds && other.line === this.line;
  }

  toDOM(): HTMLElement {
    const a = createEl("a", {
      cls: "lesson-lab-timestamp lesson-lab-inline",
      href: "#",
      attr: { "data-seconds": String(this.seconds), "data-line": String(this.line), "aria-label": `Play from ${this.text}` },
    });
    a.createSpan({ cls: "lesson-lab-timestamp-time", text: this.text });
    if (this.label !== "") a.createSpan({ cls: "lesson-lab-timestamp-label", text: this.label });
    return a;
  }

  override ignoreEvent(): boolean {
    // Let events reach the view plugin's handlers below, which take clicks and keep the cursor out.
    return false;
  }
}

function isLivePreview(view: EditorView): boolean {
  return view.state.field(editorLivePreviewField, false) ?? false;
}

/** Decorations for the visible lines of `view` (exported for tests). */
export function buildDecorations(view: EditorView, mask: boolean[]): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const doc = view.state.doc;
  const selection = view.state.selection.ranges;
  for (const { from, to } of view.visibleRanges) {
    let pos = from;
    while (pos <= to) {
      const line = doc.lineAt(pos);
      if (!mask[line.number - 1]) {
        for (const m of findInlineTimestamps(line.text)) {
          if (m.seconds === null || m.error !== null) continue;
          const start = line.from + m.from;
          const end = line.from + m.to;
          // Where the cursor or a selection touches the code, the user is editing it: show the source.
          if (selection.some((r) => r.from <= end && r.to >= start)) continue;
          builder.add(start, end, Decoration.replace({ widget: new TimestampWidget(m.text, m.label, m.seconds, line.number - 1) }));
        }
      }
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

function docLines(doc: Text): string[] {
  const out: string[] = [];
  for (let i = 1; i <= doc.lines; i++) out.push(doc.line(i).text);
  return out;
}

export function inlineTimestampExtension(host: LivePreviewHost): Extension {
  const plugin = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      private mask: boolean[];
      private live: boolean;

      constructor(view: EditorView) {
        this.mask = fencedLineMask(docLines(view.state.doc));
        this.live = isLivePreview(view);
        this.decorations = this.live ? buildDecorations(view, this.mask) : Decoration.none;
      }

      update(u: ViewUpdate): void {
        if (u.docChanged) this.mask = fencedLineMask(docLines(u.state.doc));
        const live = isLivePreview(u.view);
        if (u.docChanged || u.viewportChanged || u.selectionSet || live !== this.live) {
          this.live = live;
          this.decorations = live ? buildDecorations(u.view, this.mask) : Decoration.none;
        }
      }
    },
    {
      decorations: (v) => v.decorations,
      eventHandlers: {
        mousedown(e, view) {
          return activate(e, view, host);
        },
        keydown(e, view) {
          return e.key === "Enter" ? activate(e, view, host) : false;
        },
      },
    },
  );
  return plugin;
}

/** Seeks the video of the widget link under the event, if any. */
export function activate(e: Event, view: EditorView, host: LivePreviewHost): boolean {
  const a = e.target instanceof Element ? e.target.closest("a.lesson-lab-timestamp.lesson-lab-inline") : null;
  if (!(a instanceof HTMLElement) || !view.dom.contains(a)) return false;
  const seconds = Number(a.dataset.seconds);
  const line = Number(a.dataset.line);
  const text = a.querySelector(".lesson-lab-timestamp-time")?.textContent ?? "";
  if (!Number.isFinite(seconds) || !Number.isFinite(line)) return false;
  e.preventDefault();
  const info = view.state.field(editorInfoField, false);
  const sourcePath = info?.file?.path ?? "";
  const scan = scanNoteInApp(info?.app, sourcePath, view.state.doc.toString());
  const entry = inlineEntryAt(scan, line, line, text);
  const video = entry?.video ?? videoContextAt(scan, line).video;
  if (!video) {
    a.addClass("lesson-lab-error");
    a.setAttribute("aria-label", "No video for this timestamp: add a video block above it or a video property");
    return true;
  }
  host.seek(video, seconds, sourcePath).catch((err: unknown) => console.error("Lesson Lab: could not open the video", err));
  return true;
}
