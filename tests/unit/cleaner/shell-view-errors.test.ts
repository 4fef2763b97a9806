// @vitest-environment happy-dom
// The cleaner's shell view and feature when things fail: a pane still loading when the view
// closes is dropped (never loaded, so it leaves no vault listeners); a pane that cannot be opened
// and decisions that cannot be saved are notices, never unhandled rejections.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Menu } from "obsidian";
import { CleanerView } from "../../../src/cleaner/obsidian/shell-view";
import { CleanerPane } from "../../../src/cleaner/obsidian/pane";
import { makePlugin } from "../timestamps/obsidian/helpers";
import { DATASET } from "./pane-support";

const notices = vi.hoisted(() => [] as string[]);
vi.mock("obsidian", async (importOriginal) => {
  const original = await importOriginal<Record<string, unknown> & { Notice: new (m: string) => object }>();
  class RecordingNotice extends original.Notice {
    constructor(message: string) {
      super(message);
      notices.push(message);
    }
  }
  return { ...original, Notice: RecordingNotice };
});

afterEach(() => {
  vi.restoreAllMocks();
  notices.length = 0;
  document.body.empty();
});

describe("the cleaner's shell view and feature on failure", () => {
  it("a view closed while its pane loads never loads the pane", async () => {
    const h = await makePlugin(DATASET);
    let release: (() => void) | null = null;
    vi.spyOn(CleanerPane.prototype, "loadThumbnails").mockImplementation(() => new Promise<void>((r) => (release = r)));
    const onload = vi.spyOn(CleanerPane.prototype, "onload");
    const view = new CleanerView(h.app.workspace.getLeaf("tab") as never, h.plugin.cleaner);
    const opening = view.onOpen();
    await vi.waitFor(() => expect(release).not.toBeNull());
    await view.onClose();
    release!();
    await opening;
    expect(onload).not.toHaveBeenCalled();
    expect(view.contentEl.querySelector(".lesson-lab-error")).toBeNull();
  });

  it("a pane that cannot load, opened from the folder menu, is a notice naming the failure", async () => {
    const h = await makePlugin(DATASET);
    vi.spyOn(h.plugin.cleaner, "open").mockRejectedValue(new Error("engine file cannot load (offline)"));
    const menu = new Menu();
    h.app.workspace.trigger("file-menu", menu, h.app.vault.getAbstractFileByPath("ds"), "file-explorer");
    const item = (menu as unknown as { menuItems__: { title__: string; onClick__: ((e: MouseEvent) => unknown) | null }[] }).menuItems__.find((i) => i.title__ === "Clean this dataset");
    item?.onClick__?.(new MouseEvent("click"));
    await vi.waitFor(() => expect(notices).toContain("Could not open the cleaner: engine file cannot load (offline)"));
  });

  it("closing when the decisions cannot be saved is a notice, not a rejection", async () => {
    const h = await makePlugin(DATASET);
    vi.spyOn(h.plugin.cleaner.decisions, "save").mockRejectedValue(new Error("offline"));
    const view = new CleanerView(h.app.workspace.getLeaf("tab") as never, h.plugin.cleaner);
    await expect(view.onClose()).resolves.toBeUndefined();
    expect(notices).toContain("Could not save the cleaner's decisions: offline");
  });
});
