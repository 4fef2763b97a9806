// @vitest-environment happy-dom
import type { Command, Editor } from "obsidian";
import { Modal } from "obsidian-test-mocks/obsidian";
import { afterEach, describe, expect, it, vi } from "vitest";
import { insertedTimestamp } from "../../src/timestamps/obsidian/commands";
import type { VideoRef } from "../../src/timestamps/types";
import { LESSON, LESSON_PATH, makePlugin, quietIframeLoading, type Harness } from "./timestamps-obsidian-helpers";

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

describe("commands", () => {
  it("are registered without hotkeys, with ids free of the plugin id and of the word command", async () => {
    const h = await makePlugin();
    const ids = [...(h.plugin as unknown as { commands__: Map<string, Command> }).commands__.keys()];
    expect(ids).toEqual(
      expect.arrayContaining(["insert-timestamp", "play-pause", "seek-back", "seek-forward", "slower", "faster", "open-note-video", "report-problems"]),
    );
    for (const id of ids) {
      expect(id).not.toMatch(/lesson-lab|command/);
      expect(command(h, id).hotkeys).toBeUndefined();
    }
  });

  it("insert puts a timestamp block at the playing time minus the offset, clamped at 0", async () => {
    const h = await makePlugin();
    h.plugin.settings.autoplay = false; // a paused player keeps an exact clock
    const insert = command(h, "insert-timestamp");
    const none = fakeEditor();
    insert.editorCallback?.(none.editor, {} as never);
    expect(none.inserted).toEqual([]); // no player: a notice, nothing inserted

    await h.plugin.seek(YT, 405, LESSON_PATH);
    const at = fakeEditor();
    insert.editorCallback?.(at.editor, {} as never);
    expect(at.inserted).toEqual(["```timestamp\n6:43\n```\n"]);

    h.plugin.settings.insertOffsetSeconds = 5;
    await h.plugin.seek(YT, 3, LESSON_PATH);
    const early = fakeEditor(7);
    insert.editorCallback?.(early.editor, {} as never);
    expect(early.inserted).toEqual(["\n```timestamp\n0:00\n```\n"]);
  });

  it("insertedTimestamp formats hours", () => {
    expect(insertedTimestamp(3725, 2, true)).toBe("```timestamp\n1:02:03\n```\n");
  });

  it("seek, rate and play/pause act on the open player and are unavailable without one", async () => {
    const h = await makePlugin();
    h.plugin.settings.autoplay = false;
    for (const id of ["play-pause", "seek-back", "seek-forward", "slower", "faster"]) expect(command(h, id).checkCallback?.(true)).toBe(false);
    await h.plugin.seek(YT, 100, LESSON_PATH);
    const player = h.plugin.getPlayerView()?.getPlayer();
    if (!player) throw new Error("no player");
    h.plugin.settings.seekStepSeconds = 10;
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
    const openVideo = vi.spyOn(h.plugin, "openVideo").mockResolvedValue();
    const lesson = h.app.vault.getFileByPath(LESSON_PATH);
    if (!lesson) throw new Error("no note");
    const leaf = h.app.workspace.getLeaf(false);
    await leaf.openFile(lesson);
    h.app.workspace.setActiveLeaf(leaf);
    command(h, "open-note-video").callback?.();
    await vi.waitFor(() => expect(openVideo).toHaveBeenCalledWith(YT, LESSON_PATH));

    expect(await h.plugin.activeNoteProblems()).toEqual({ path: LESSON_PATH, problems: [] });
    const broken2 = h.app.vault.getFileByPath("Broken.md");
    if (!broken2) throw new Error("no note");
    await leaf.openFile(broken2);
    const found = await h.plugin.activeNoteProblems();
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
