// @vitest-environment happy-dom
import { EditorSelection, EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { editorLivePreviewField } from "obsidian-test-mocks/obsidian";
import { afterEach, describe, expect, it, vi } from "vitest";
import { inlineTimestampExtension } from "../../../../src/timestamps/obsidian/live-preview";

afterEach(() => document.body.empty());

const DOC = [
  "```timestamp-url",
  "https://youtu.be/F4tvM4Vb3A0",
  "```",
  "Cleaning starts at `@06:45 Data cleaning`, deploy at `@27:12`.",
  "```python",
  "x = `@00:10`",
  "```",
  "Broken `@1x:00` stays code.",
].join("\n");

function editor(doc: string, livePreview: boolean, cursor = 0) {
  const seek = vi.fn(() => Promise.resolve());
  const view = new EditorView({
    state: EditorState.create({
      doc,
      selection: EditorSelection.cursor(cursor),
      extensions: [editorLivePreviewField.init(() => livePreview), inlineTimestampExtension({ seek })],
    }),
    parent: document.body.createDiv(),
  });
  return { view, seek };
}

describe("Live Preview inline timestamps", () => {
  it("replaces valid inline timestamps outside fences with links, and a click seeks", () => {
    const { view, seek } = editor(DOC, true);
    const links = [...view.dom.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp.lesson-lab-inline")];
    expect(links.map((a) => a.dataset.seconds)).toEqual(["405", "1632"]);
    expect(links[0]?.querySelector(".lesson-lab-timestamp-label")?.textContent).toBe("Data cleaning");
    expect(view.dom.textContent).toContain("`@00:10`");
    expect(view.dom.textContent).toContain("`@1x:00`");

    links[1]?.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
    expect(seek).toHaveBeenCalledWith({ kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" }, 1632, "");
    view.destroy();
  });

  it("shows the source where the cursor is, and everything as source outside Live Preview", () => {
    const inside = DOC.indexOf("@06:45") + 2;
    const { view } = editor(DOC, true, inside);
    expect([...view.dom.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp")].map((a) => a.dataset.seconds)).toEqual(["1632"]);
    view.dispatch({ selection: EditorSelection.cursor(0) });
    expect(view.dom.querySelectorAll("a.lesson-lab-timestamp")).toHaveLength(2);
    view.destroy();

    const source = editor(DOC, false).view;
    expect(source.dom.querySelectorAll("a.lesson-lab-timestamp")).toHaveLength(0);
    source.destroy();
  });

  it("leaves code in comments and indented code alone, and marks errors with their reason", () => {
    const doc = ["---", "video: https://youtu.be/F4tvM4Vb3A0", "---", "%% `@0:01` %% `@0:02`", "", "    `@0:03`", "", "`@1: 30` and `@0:04`"].join("\n");
    const { view } = editor(doc, true);
    expect([...view.dom.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp")].map((a) => a.dataset.seconds)).toEqual(["2", "4"]);
    const marked = view.dom.querySelector<HTMLElement>(".lesson-lab-error");
    expect(marked?.textContent).toBe("`@1: 30`");
    expect(marked?.getAttribute("title")).toMatch(/can be read two ways/);
    view.destroy();
  });

  it("follows edits", () => {
    const { view } = editor(DOC, true);
    view.dispatch({ changes: { from: view.state.doc.length, insert: "\nNew `@1:00:00 Wrap-up`" }, selection: EditorSelection.cursor(0) });
    expect([...view.dom.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp")].map((a) => a.dataset.seconds)).toEqual(["405", "1632", "3600"]);
    view.destroy();
  });
});
