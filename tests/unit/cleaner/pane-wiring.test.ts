// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { FuzzySuggestModal, type TFolder } from "obsidian-test-mocks/obsidian";
import { CLEANER_VIEW_TYPE } from "../../../src/cleaner/obsidian/shell-view";
import { cleanerPlugin, sampleReport } from "./pane-support";

afterEach(() => {
  vi.restoreAllMocks();
  document.body.empty();
});

type Command = { id: string; name: string; hotkeys?: unknown[]; callback?: () => unknown };

function commands(plugin: unknown): Command[] {
  return [...(plugin as { commands__: Map<string, Command> }).commands__.values()];
}

describe("cleaner wiring", () => {
  it("registers the pane, two commands without hotkeys, and a folder menu item", async () => {
    const h = await cleanerPlugin();
    const views = (h.plugin as unknown as { views__: Map<string, unknown> }).views__;
    expect(views.has(CLEANER_VIEW_TYPE)).toBe(true);
    const mine = commands(h.plugin).filter((c) => c.id === "open-cleaner" || c.id === "undo-cleaner-batch");
    expect(mine.map((c) => c.name)).toEqual(["Open cleaner", "Undo last cleaner batch"]);
    for (const c of mine) expect(c.hotkeys ?? []).toEqual([]);

    // The folder menu: only folders get "Clean this dataset", and it opens the pane there.
    // A menu that records its items and clicks "Clean this dataset".
    const titles = (file: unknown): string[] => {
      const added: string[] = [];
      const menu = {
        addItem(cb: (item: unknown) => void) {
          let title = "";
          const item = {
            setTitle(t: string) {
              title = t;
              added.push(t);
              return item;
            },
            setIcon: () => item,
            onClick(fn: () => void) {
              if (title === "Clean this dataset") fn();
              return item;
            },
          };
          cb(item);
          return menu;
        },
      };
      h.app.workspace.trigger("file-menu", menu, file, "file-explorer");
      return added;
    };
    expect(titles(h.app.vault.getFileByPath("ds/cat/a.jpg"))).not.toContain("Clean this dataset");
    expect(titles(h.app.vault.getFolderByPath("ds"))).toContain("Clean this dataset");
    await vi.waitFor(() => expect(h.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)).toHaveLength(1));
    expect(h.view().getFolder()).toBe("ds");
  });

  it("the undo command needs an open pane, and then undoes its dataset's last batch", async () => {
    const h = await cleanerPlugin();
    const undo = commands(h.plugin).find((c) => c.id === "undo-cleaner-batch");
    undo?.callback?.();
    await h.plugin.openCleaner("ds", sampleReport());
    const spy = vi.spyOn(h.view(), "undoLastBatch");
    undo?.callback?.();
    expect(spy).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(h.view().contentEl.querySelector(".lesson-lab-cleaner-status")?.textContent).toBe("No applied batch to undo."));
  });

  it("Open cleaner asks for a dataset folder when no pane is open, then reveals the open one", async () => {
    const h = await cleanerPlugin(undefined, { "ds/cat/a.jpg": "a", "ds/dog/b.jpg": "b", "Notes/x.md": "", "single/only/c.jpg": "c" });
    const opened: FuzzySuggestModal<TFolder>[] = [];
    vi.spyOn(FuzzySuggestModal.prototype, "open").mockImplementation(function (this: FuzzySuggestModal<TFolder>) {
      opened.push(this);
    });
    const open = commands(h.plugin).find((c) => c.id === "open-cleaner");
    open?.callback?.();
    expect(opened).toHaveLength(1);
    const items = opened[0].getItems();
    expect(items.map((f) => opened[0].getItemText(f))).toEqual(["ds"]); // folders with two or more label folders
    opened[0].onChooseItem(items[0], new MouseEvent("click"));
    await vi.waitFor(() => expect(h.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)).toHaveLength(1));
    expect(h.view().getFolder()).toBe("ds");
    const reveal = vi.spyOn(h.app.workspace, "revealLeaf");
    open?.callback?.();
    expect(opened).toHaveLength(1);
    expect(reveal).toHaveBeenCalledWith(h.view().leaf);
  });

  it("keeps the pane's folder in its view state", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    expect(h.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)[0].getViewState().state).toMatchObject({ folder: "ds" });
  });
});
