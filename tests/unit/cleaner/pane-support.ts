// Shared by the cleaner-pane tests: the plugin on the stand-in with a small dataset, a
// precomputed report, Obsidian's "Move to Obsidian trash" emulated, and modals that stay open.
import { vi } from "vitest";
import { Modal, TFile, type App } from "obsidian-test-mocks/obsidian";
import type { ReviewReport } from "../../../src/cleaner/review-items";
import { CLEANER_VIEW_TYPE, CleanerView } from "../../../src/cleaner/obsidian/shell-view";
import { makePlugin, type Harness } from "../timestamps/obsidian/helpers";
import { item } from "./session-support";

export const DATASET: Record<string, string> = {
  "ds/cat/a.jpg": "cat a",
  "ds/cat/b.jpg": "cat bb",
  "ds/cat/c.jpg": "cat ccc",
  "ds/dog/a.jpg": "dog a (a different image with the same name)",
  "ds/dog/d.jpg": "dog dddd",
  "ds/dog/e.jpg": "dog eeeee",
  "Notes/Lesson.md": "A cat: ![[ds/cat/a.jpg]] and ![[ds/cat/b.jpg]]\n",
};

/** A review item of the sample dataset (the session tests' maker, without the stand-in). */
export const reviewItem = item;

export function sampleReport(): ReviewReport {
  return {
    folder: "ds",
    labels: ["cat", "dog"],
    errorRate: 0.2,
    items: [
      reviewItem("ds/cat/a.jpg", 0.9),
      reviewItem("ds/cat/b.jpg", 0.4, { split: "valid" }),
      reviewItem("ds/cat/c.jpg", 0.2, { issue: "duplicate", suggested: "delete" }),
      reviewItem("ds/dog/d.jpg", 0.7, { split: "valid", issue: "outlier", suggested: "delete" }),
      reviewItem("ds/dog/e.jpg", 0.1),
    ],
  };
}

/** Gives every file its size and mtime from the adapter (the stand-in's TFiles say 0), as Obsidian does. */
export async function realStats(app: App): Promise<void> {
  for (const f of app.vault.getFiles()) {
    const st = await app.vault.adapter.stat(f.path);
    if (st) f.stat = { ctime: st.ctime, mtime: st.mtime, size: st.size };
  }
}

/** Every file is bytes in Obsidian: the stand-in keeps text files apart, so its readBinary reads them as UTF-8 here. */
export function textAsBytes(app: App): void {
  const adapter = app.vault.adapter;
  const readBinary = adapter.readBinary.bind(adapter);
  adapter.readBinary = async (path: string) => {
    try {
      return await readBinary(path);
    } catch (error) {
      if (!(await adapter.exists(path))) throw error;
      return new TextEncoder().encode(await adapter.read(path)).buffer;
    }
  };
}

/** Obsidian's "Move to Obsidian trash": the file goes into `.trash/` (renamed on a clash) and leaves the index. */
export function emulateVaultTrash(app: App, option: "local" | "system" | "none" = "local"): void {
  const vault = app.vault as unknown as Record<string, unknown>;
  vault.getConfig = (key: string) => (key === "trashOption" ? option : undefined);
  app.fileManager.trashFile = async (file) => {
    if (option === "local") {
      if (!(file instanceof TFile)) throw new Error("only files are trashed here");
      let dest = `.trash/${file.name}`;
      for (let n = 2; await app.vault.adapter.exists(dest); n++) dest = `.trash/${file.basename} ${n}.${file.extension}`;
      await app.vault.adapter.rename(file.path, dest);
    } else {
      await app.vault.adapter.remove(file.path);
    }
    (app.vault as unknown as { deleteVaultAbstractFile__(p: string): void }).deleteVaultAbstractFile__(file.path);
  };
}

/** Modals stay open (the stand-in's close at once) and are kept for the test to click in. */
export function keepModalsOpen(): Modal[] {
  const opened: Modal[] = [];
  vi.spyOn(Modal.prototype, "open").mockImplementation(function (this: Modal) {
    opened.push(this);
    document.body.appendChild(this.containerEl);
    this.onOpen();
  });
  return opened;
}

export async function cleanerPlugin(data?: unknown, files: Record<string, string> = DATASET): Promise<Harness & { view(): CleanerView }> {
  const h = await makePlugin(files, data);
  await realStats(h.app);
  emulateVaultTrash(h.app);
  textAsBytes(h.app);
  return {
    ...h,
    view: () => {
      const leaf = h.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)[0];
      if (!leaf || !(leaf.view instanceof CleanerView)) throw new Error("no cleaner view");
      return leaf.view;
    },
  };
}

export function cards(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(".lesson-lab-cleaner-card"));
}

export function cardPaths(root: HTMLElement): string[] {
  return cards(root).map((c) => c.dataset.path ?? "");
}

export function press(target: HTMLElement, key: string): void {
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
}

export function choiceOf(root: HTMLElement, path: string): string {
  const card = cards(root).find((c) => c.dataset.path === path);
  return card?.querySelector<HTMLSelectElement>("select.lesson-lab-cleaner-choice")?.value ?? "(no card)";
}

export function isTFile(f: unknown): f is TFile {
  return f instanceof TFile;
}
