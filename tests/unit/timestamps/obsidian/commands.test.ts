// @vitest-environment happy-dom
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command, Editor, MarkdownView } from "obsidian";
import { Modal, Notice } from "obsidian-test-mocks/obsidian";
import { afterEach, describe, expect, it, vi } from "vitest";
import { insertedTimestamp } from "../../../../src/timestamps/obsidian/commands";
import type { VideoRef } from "../../../../src/timestamps/types";
import { LESSON, LESSON_PATH, makePlugin, quietIframeLoading, type Harness } from "./helpers";

quietIframeLoading();
afterEach(() => document.body.empty());

const YT: VideoRef = { kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" };

function command(h: Harness, id: string): Command {
  const c = (h.plugin as unknown as { commands__: Map<string, Command> }).commands__.get(id);
  if (!c) throw new Error(`no command ${id}`);
  return c;
}

function fakeEditor(ch = 0): { editor: Editor; inserted: string[] } {
  const inserted: string[] = [];
  const editor = {
    getCursor: () => ({ line: 3, ch }),
    replaceSelection: (text: string) => inserted.push(text),
  } as unknown as Editor;
  return { editor, inserted };
}

/** An editor on `text` with the cursor at line `line`, column `ch`. */
function textEditor(text: string, line: number, ch: number): Editor {
  const lines = text.split("\n");
  return {
    getCursor: () => ({ line, ch }),
    getLine: (n: number) => lines[n] ?? "",
    getValue: () => text,
  } as unknown as Editor;
}

function viewOf(filePath: string): MarkdownView {
  return { file: { path: filePath } } as unknown as MarkdownView;
}

const SHARED_LESSON = path.resolve(__dirname, "../../../../../shared/samples/Lesson 2.md");

describe("commands", () => {
  it("are registered without hotkeys, with ids free of the plugin id and of the word command", async () => {
    const h = await makePlugin();
    const ids = [...(h.plugin as unknown as { commands__: Map<string, Command> }).commands__.keys()];
    expect(ids).toEqual(
      expect.arrayContaining(["insert-timestamp", "play-pause", "seek-back", "seek-forward", "slower", "faster", "open-note-video", "report-problems", "play-timestamp-at-cursor"]),
    );
    for (const id of ids) {
      expect(id).not.toMatch(/lesson-lab|command/);
      expect(command(h, id).hotkeys).toBeUndefined();
    }
  });

  it("insert puts a timestamp block at the playing time minus the offset, clamped at 0", async () => {
    const h = await makePlugin();
    h.plugin.timestamps.settings.autoplay = false; // a paused player keeps an exact clock
    const insert = command(h, "insert-timestamp");
    const none = fakeEditor();
    insert.editorCallback?.(none.editor, {} as never);
    expect(none.inserted).toEqual([]); // no player: a notice, nothing inserted

    await h.plugin.seek(YT, 405, LESSON_PATH);
    const at = fakeEditor();
    insert.editorCallback?.(at.editor, {} as never);
    expect(at.inserted).toEqual(["```timestamp\n6:43\n```\n"]);

    h.plugin.timestamps.settings.insertOffsetSeconds = 5;
    await h.plugin.seek(YT, 3, LESSON_PATH);
    const early = fakeEditor(7);
    insert.editorCallback?.(early.editor, {} as never);
    expect(early.inserted).toEqual(["\n```timestamp\n0:00\n```\n"]);
  });

  it("play-timestamp-at-cursor is unavailable off a timestamp and seeks like a click on one", async () => {
    const h = await makePlugin();
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    const play = command(h, "play-timestamp-at-cursor");
    expect(play.hotkeys).toBeUndefined();
    expect(play.name).toBe("Play this timestamp");
    const run = (text: string, line: number, ch: number, checking: boolean) => play.editorCheckCallback?.(checking, textEditor(text, line, ch), viewOf("Notes/Inline.md"));

    const text = "---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\nAt `@06:45 Data cleaning` and `@27:12`.\nPlain line.\n```timestamp\n1:02:03\n```\n";
    expect(run(text, 4, 3, true)).toBe(false);
    expect(run(text, 0, 0, true)).toBe(false);
    expect(seek).not.toHaveBeenCalled();

    expect(run(text, 3, 5, true)).toBe(true);
    expect(seek).not.toHaveBeenCalled(); // checking never acts
    expect(run(text, 3, 5, false)).toBe(true);
    expect(seek).toHaveBeenLastCalledWith(YT, 405, "Notes/Inline.md");
    run(text, 3, 40, false);
    expect(seek).toHaveBeenLastCalledWith(YT, 1632, "Notes/Inline.md");
    run(text, 5, 0, false); // the opening fence
    expect(seek).toHaveBeenLastCalledWith(YT, 3723, "Notes/Inline.md");
    expect(seek).toHaveBeenCalledTimes(3);
  });

  it("play-timestamp-at-cursor shows a notice, and seeks nothing, for a timestamp without a video or with an invalid time", async () => {
    const h = await makePlugin();
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    const notices: string[] = [];
    vi.spyOn(Notice.prototype, "constructor__").mockImplementation((message: string | DocumentFragment) => {
      notices.push(String(typeof message === "string" ? message : message.textContent));
    });
    const play = command(h, "play-timestamp-at-cursor");
    const text = "See `@1:00` and `@1x:00`.\n";
    expect(play.editorCheckCallback?.(true, textEditor(text, 0, 5), viewOf("A.md"))).toBe(true);
    expect(play.editorCheckCallback?.(false, textEditor(text, 0, 5), viewOf("A.md"))).toBe(true);
    expect(play.editorCheckCallback?.(false, textEditor(text, 0, 20), viewOf("A.md"))).toBe(true);
    expect(seek).not.toHaveBeenCalled();
    expect(notices).toEqual([
      "No video for this timestamp: add a video block above it or a video property.",
      expect.stringMatching(/^Cannot play this timestamp: not a time: "1x:00"/) as unknown as string,
    ]);
  });

  it.each([
    ["the shared sample", SHARED_LESSON],
    ["the fixture copy", path.resolve(__dirname, "../../../fixtures/Lesson 2.md")],
  ])("play-timestamp-at-cursor works inside the stray-space blocks of Lesson 2.md (%s)", async (_name, file) => {
    if (!existsSync(file)) return;
    const text = readFileSync(file, "utf8");
    const h = await makePlugin({ [LESSON_PATH]: text });
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    const play = command(h, "play-timestamp-at-cursor");
    // "```timestamp " (trailing space), " 06:45" (leading space), " ```" (indented closing fence).
    for (const [line, ch] of [[14, 13], [15, 0], [15, 6], [16, 4]] as const) {
      expect(play.editorCheckCallback?.(false, textEditor(text, line, ch), viewOf(LESSON_PATH))).toBe(true);
      expect(seek).toHaveBeenLastCalledWith(YT, 405, LESSON_PATH);
    }
    play.editorCheckCallback?.(false, textEditor(text, 30, 1), viewOf(LESSON_PATH));
    expect(seek).toHaveBeenLastCalledWith(YT, 1632, LESSON_PATH);
    expect(play.editorCheckCallback?.(true, textEditor(text, 11, 3), viewOf(LESSON_PATH))).toBe(false); // the video block
    expect(play.editorCheckCallback?.(true, textEditor(text, 19, 20), viewOf(LESSON_PATH))).toBe(false); // `ImageClassifierCleaner`
  });

  it("insertedTimestamp formats hours", () => {
    expect(insertedTimestamp(3725, 2, true)).toBe("```timestamp\n1:02:03\n```\n");
  });

  it("seek, rate and play/pause act on the open player and are unavailable without one", async () => {
    const h = await makePlugin();
    h.plugin.timestamps.settings.autoplay = false;
    for (const id of ["play-pause", "seek-back", "seek-forward", "slower", "faster"]) expect(command(h, id).checkCallback?.(true)).toBe(false);
    await h.plugin.seek(YT, 100, LESSON_PATH);
    const player = h.plugin.timestamps.player.getPlayerView()?.getPlayer();
    if (!player) throw new Error("no player");
    h.plugin.timestamps.settings.seekStepSeconds = 10;
    expect(command(h, "seek-back").checkCallback?.(false)).toBe(true);
    expect(player.currentTime()).toBe(90);
    command(h, "seek-forward").checkCallback?.(false);
    command(h, "seek-forward").checkCallback?.(false);
    expect(player.currentTime()).toBe(110);
    command(h, "faster").checkCallback?.(false);
    expect(player.rate()).toBe(1.25);
    for (let i = 0; i < 10; i++) command(h, "slower").checkCallback?.(false);
    expect(player.rate()).toBe(0.25);
    expect(player.paused()).toBe(true);
    command(h, "play-pause").checkCallback?.(false);
    expect(player.paused()).toBe(false);
    command(h, "play-pause").checkCallback?.(false);
    expect(player.paused()).toBe(true);
  });

  it("open-note-video opens the active note's first video; report-problems lists problems", async () => {
    const broken = "```timestamp-url\nhttps://youtu.be/F4tvM4Vb3A0\n```\n```timestamp\n6:7x\n```\n";
    const h = await makePlugin({ [LESSON_PATH]: LESSON, "Broken.md": broken });
    const openVideo = vi.spyOn(h.plugin.timestamps.player, "openVideo").mockResolvedValue();
    const lesson = h.app.vault.getFileByPath(LESSON_PATH);
    if (!lesson) throw new Error("no note");
    const leaf = h.app.workspace.getLeaf(false);
    await leaf.openFile(lesson);
    h.app.workspace.setActiveLeaf(leaf);
    command(h, "open-note-video").callback?.();
    await vi.waitFor(() => expect(openVideo).toHaveBeenCalledWith(YT, LESSON_PATH));

    expect(await h.plugin.timestamps.player.activeNoteProblems()).toEqual({ path: LESSON_PATH, problems: [] });
    const broken2 = h.app.vault.getFileByPath("Broken.md");
    if (!broken2) throw new Error("no note");
    await leaf.openFile(broken2);
    const found = await h.plugin.timestamps.player.activeNoteProblems();
    expect(found?.problems).toHaveLength(1);
    expect(found?.problems[0]?.line).toBe(4);
    expect(found?.problems[0]?.message).toContain("6:7x");

    // The command shows them in a modal, with 1-based line numbers.
    const opened: Modal[] = [];
    vi.spyOn(Modal.prototype, "open").mockImplementation(function (this: Modal) {
      opened.push(this);
      (this as unknown as { onOpen(): void }).onOpen();
    });
    command(h, "report-problems").callback?.();
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    const items = [...(opened[0]?.contentEl.querySelectorAll("ul.lesson-lab-problems > li") ?? [])].map((li) => li.textContent);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^Line 5: .*6:7x/);

    await leaf.openFile(lesson);
    command(h, "report-problems").callback?.();
    await vi.waitFor(() => expect(opened).toHaveLength(2));
    expect(opened[1]?.contentEl.textContent).toContain("No problems found in this note.");
  });

  it("onload registers the processors, the Live Preview extension, the views and the tab", async () => {
    const h = await makePlugin();
    const p = h.plugin as unknown as { markdownCodeBlockProcessors__: Map<string, unknown>; editorExtensions__: unknown[]; views__: Map<string, unknown>; settingTabs__: unknown[] };
    expect([...p.markdownCodeBlockProcessors__.keys()].sort()).toEqual(["classify", "timestamp", "timestamp-url"]);
    expect(p.editorExtensions__).toHaveLength(1);
    expect([...p.views__.keys()].sort()).toEqual(["lesson-lab-classifier", "lesson-lab-cleaner", "lesson-lab-player"]);
    expect(p.settingTabs__).toHaveLength(1);
  });
});
