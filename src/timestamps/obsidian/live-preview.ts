// Live Preview: inline `@06:45 Label` code becomes a timestamp link while the cursor is elsewhere.
// Only the visible lines are decorated. Which code is a timestamp, and which video it seeks, comes
// from the note's binding (../binding.ts), the same one Reading view and the CLI read: nothing is
// rescanned here, and code inside fenced or indented code or comments is left alone.
// CodeMirror is supplied by Obsidian at runtime (external in the bundle); it is a dev dependency for types and tests.
import { RangeSetBuilder, type Extension } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import { editorInfoField, editorLivePreviewField } from "obsidian";
import { inlineInLines, type NoteBinding } from "../binding";
import { bindingInApp } from "./frontmatter";
import type { VideoRef } from "../types";
import type { PlayerService } from "./player-service";

/** What a widget click needs: the player service's seek. */
type Seeker = Pick<PlayerService, "seek">;

/** What each widget link seeks, set when its DOM is made. */
const targets = new WeakMap<HTMLElement, { video: VideoRef; seconds: number }>();

class TimestampWidget extends WidgetType {
  constructor(readonly text: string, readonly label: string, readonly seconds: number, readonly line: number, readonly video: VideoRef) {
    super();
  }

  override eq(other: TimestampWidget): boolean {
    return other.text === this.text && other.label === this.label && other.seconds === this.seconds && other.line === this.line && other.video.url === this.video.url;
  }

  toDOM(): HTMLElement {
    const a = createEl("a", {
      cls: "lesson-lab-timestamp lesson-lab-inline",
      href: "#",
      attr: { "data-seconds": String(this.seconds), "data-line": String(this.line), "aria-label": `Play from ${this.text}` },
    });
    a.createSpan({ cls: "lesson-lab-timestamp-time", text: this.text });
    if (this.label !== "") a.createSpan({ cls: "lesson-lab-timestamp-label", text: this.label });
    targets.set(a, { video: this.video, seconds: this.seconds });
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

/**
 * Decorations for the visible lines of `view`, from the note's binding (exported for tests):
 * a link for each playable inline timestamp, an error mark (with the reason as its title) for the
 * others. O(visible timestamps + log n).
 */
export function buildDecorations(view: EditorView, binding: NoteBinding): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const doc = view.state.doc;
  const selection = view.state.selection.ranges;
  for (const { from, to } of view.visibleRanges) {
    const first = doc.lineAt(from).number - 1;
    const last = doc.lineAt(to).number - 1;
    for (const o of inlineInLines(binding, first, last)) {
      if (o.entry.line + 1 > doc.lines) continue;
      const line = doc.line(o.entry.line + 1);
      const start = line.from + o.from;
      const end = line.from + o.to;
      if (end > line.to) continue;
      // Where the cursor or a selection touches the code, the user is editing it: show the source.
      if (selection.some((r) => r.from <= end && r.to >= start)) continue;
      const e = o.entry;
      if (e.error === null && e.seconds !== null && e.video !== null) {
        builder.add(start, end, Decoration.replace({ widget: new TimestampWidget(e.text, e.label, e.seconds, e.line, e.video) }));
      } else {
        builder.add(start, end, Decoration.mark({ class: "lesson-lab-error", attributes: { title: e.error ?? "invalid time" } }));
      }
    }
  }
  return builder.finish();
}

/** The binding of the editor's note, its `video` property from the metadata cache. */
function bindingInEditor(view: EditorView): NoteBinding {
  const info = view.state.field(editorInfoField, false);
  return bindingInApp(info?.app, info?.file?.path, view.state.doc.toString());
}

/**
 * The Live Preview extension: in Live Preview (not Source mode) each playable inline timestamp on a
 * visible line becomes a link that seeks through `player` on click or Enter; an invalid one gets an
 * error mark. Recomputed on edits, scrolling, selection and mode changes.
 */
export function inlineTimestampExtension(player: Seeker): Extension {
  const plugin = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      private binding: NoteBinding;
      private live: boolean;

      constructor(view: EditorView) {
        this.binding = bindingInEditor(view);
        this.live = isLivePreview(view);
        this.decorations = this.live ? buildDecorations(view, this.binding) : Decoration.none;
      }

      update(u: ViewUpdate): void {
        if (u.docChanged) this.binding = bindingInEditor(u.view);
        const live = isLivePreview(u.view);
        if (u.docChanged || u.viewportChanged || u.selectionSet || live !== this.live) {
          this.live = live;
          this.decorations = live ? buildDecorations(u.view, this.binding) : Decoration.none;
        }
      }
    },
    {
      decorations: (v) => v.decorations,
      eventHandlers: {
        mousedown(e, view) {
          return activate(e, view, player);
        },
        keydown(e, view) {
          return e.key === "Enter" ? activate(e, view, player) : false;
        },
      },
    },
  );
  return plugin;
}

/** Seeks the video of the widget link under the event, if any. */
export function activate(e: Event, view: EditorView, player: Seeker): boolean {
  const a = e.target instanceof Element ? e.target.closest("a.lesson-lab-timestamp.lesson-lab-inline") : null;
  if (!(a instanceof HTMLElement) || !view.dom.contains(a)) return false;
  const target = targets.get(a);
  if (!target) return false;
  e.preventDefault();
  const sourcePath = view.state.field(editorInfoField, false)?.file?.path ?? "";
  player.seek(target.video, target.seconds, sourcePath).catch((err: unknown) => console.error("Lesson Lab: could not open the video", err));
  return true;
}
