// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLEANER_VIEW_TYPE } from "../../../src/cleaner/obsidian/shell-view";
import type { TrainResult } from "../../../src/classifier/pipeline";
import { PAGE_SIZE } from "../../../src/cleaner/review-items";
import { cardPaths, cards, choiceOf, cleanerPlugin, keepModalsOpen, press, reviewItem, sampleReport } from "./pane-support";

afterEach(() => {
  vi.restoreAllMocks();
  document.body.empty();
});

function select(root: HTMLElement, cls: string, value: string): void {
  const sel = root.querySelector<HTMLSelectElement>(`select.${cls}`);
  if (!sel) throw new Error(`no select .${cls}`);
  sel.value = value;
  sel.dispatchEvent(new Event("change", { bubbles: true }));
}

describe("cleaner pane: grid", () => {
  it("opens on a folder with a report and shows the cards most suspicious first", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    expect(h.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)).toHaveLength(1);
    const root = h.view().contentEl;
    expect(cardPaths(root)).toEqual(["ds/cat/a.jpg", "ds/dog/d.jpg", "ds/cat/b.jpg", "ds/cat/c.jpg", "ds/dog/e.jpg"]);
    const first = cards(root)[0];
    expect(first.querySelector(".lesson-lab-cleaner-given")?.textContent).toBe("Given: cat");
    expect(first.querySelector(".lesson-lab-cleaner-predicted")?.textContent).toBe("Predicted: dog (80%)");
    expect(first.querySelector(".lesson-lab-cleaner-loss")?.textContent).toBe("Loss: 1.60");
    // The thumbnail is drawn later, when the card scrolls into view.
    const thumb = first.querySelector(".lesson-lab-cleaner-thumb");
    expect(thumb?.getAttribute("aria-label")).toBe("a.jpg");
    expect(thumb?.querySelector("canvas")).toBeNull();
    // One control: keep, delete and one entry per label, the suggestion marked, the given label not offered.
    const options = Array.from(first.querySelectorAll("select.lesson-lab-cleaner-choice option")).map((o) => [o.textContent, (o as HTMLOptionElement).disabled]);
    expect(options).toEqual([
      ["Undecided", false],
      ["Keep", false],
      ["Delete", false],
      ["1: cat", true],
      ["2: dog (suggested)", false],
    ]);
    expect(h.view().getDisplayText()).toBe("Cleaner: ds");
  });

  it("filters by label, split and issue", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    const root = h.view().contentEl;
    select(root, "lesson-lab-cleaner-filter-label", "dog");
    expect(cardPaths(root)).toEqual(["ds/dog/d.jpg", "ds/dog/e.jpg"]);
    select(root, "lesson-lab-cleaner-filter-split", "valid");
    expect(cardPaths(root)).toEqual(["ds/dog/d.jpg"]);
    select(root, "lesson-lab-cleaner-filter-label", "");
    expect(cardPaths(root)).toEqual(["ds/dog/d.jpg", "ds/cat/b.jpg"]);
    select(root, "lesson-lab-cleaner-filter-issue", "outlier");
    expect(cardPaths(root)).toEqual(["ds/dog/d.jpg"]);
    select(root, "lesson-lab-cleaner-filter-split", "train");
    expect(cardPaths(root)).toEqual([]);
    expect(root.querySelector(".lesson-lab-cleaner-empty")?.textContent).toBe("No image matches these filters.");
  });

  it("pages through more images than one page holds, drawing only one page", async () => {
    const files: Record<string, string> = {};
    const items = [];
    for (let i = 0; i < PAGE_SIZE + 5; i++) {
      const path = `ds/cat/${String(i).padStart(3, "0")}.jpg`;
      files[path] = `img ${i}`;
      items.push(reviewItem(path, 1 - i / 1000));
    }
    files["ds/dog/x.jpg"] = "x";
    const h = await cleanerPlugin(undefined, files);
    await h.plugin.openCleaner("ds", { folder: "ds", labels: ["cat", "dog"], items });
    const root = h.view().contentEl;
    expect(cards(root)).toHaveLength(PAGE_SIZE);
    expect(root.querySelector(".lesson-lab-cleaner-page")?.textContent).toBe(`Page 1 of 2 (${PAGE_SIZE + 5} images)`);
    root.querySelector<HTMLButtonElement>(".lesson-lab-cleaner-next")?.click();
    expect(cards(root)).toHaveLength(5);
    expect(cardPaths(root)[0]).toBe(`ds/cat/${String(PAGE_SIZE).padStart(3, "0")}.jpg`);
    // Arrow left from the first card of page 2 goes back to the last card of page 1.
    const first = cards(root)[0];
    first.focus();
    press(first, "ArrowLeft");
    expect(root.querySelector(".lesson-lab-cleaner-page")?.textContent).toContain("Page 1 of 2");
    expect(document.activeElement).toBe(cards(root)[PAGE_SIZE - 1]);
  });
});

describe("cleaner pane: vault changes", () => {
  it("follows a file renamed outside the pane", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    const root = h.view().contentEl;
    await h.app.fileManager.renameFile(h.app.vault.getFileByPath("ds/cat/b.jpg")!, "ds/dog/b.jpg");
    await vi.waitFor(() => expect(cardPaths(root)).toContain("ds/dog/b.jpg"));
    expect(cardPaths(root)).not.toContain("ds/cat/b.jpg");
    const card = cards(root).find((c) => c.dataset.path === "ds/dog/b.jpg");
    expect(card?.querySelector(".lesson-lab-cleaner-given")?.textContent).toBe("Given: dog");
  });
});

describe("cleaner pane: keyboard triage", () => {
  it("moves with arrows, relabels with digits, deletes with d, keeps with k, undoes with u, opens with Enter", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    const view = h.view();
    const root = view.contentEl;
    const focused = () => (document.activeElement as HTMLElement | null)?.dataset.path;

    cards(root)[0].focus();
    press(cards(root)[0], "ArrowRight");
    expect(focused()).toBe("ds/dog/d.jpg");
    expect(cards(root)[1].getAttribute("aria-selected")).toBe("true");
    expect(cards(root)[0].getAttribute("aria-selected")).toBe("false");
    press(document.activeElement as HTMLElement, "ArrowLeft");
    expect(focused()).toBe("ds/cat/a.jpg");
    press(document.activeElement as HTMLElement, "ArrowDown"); // one column without layout
    expect(focused()).toBe("ds/dog/d.jpg");
    press(document.activeElement as HTMLElement, "ArrowUp");
    expect(focused()).toBe("ds/cat/a.jpg");

    // 2 = second label (dog); focus moves on to the next card. The card is updated in place.
    const thumb = cards(root)[0].querySelector(".lesson-lab-cleaner-thumb");
    press(document.activeElement as HTMLElement, "2");
    expect(choiceOf(root, "ds/cat/a.jpg")).toBe("relabel:dog");
    expect(cards(root)[0].querySelector(".lesson-lab-cleaner-thumb")).toBe(thumb);
    expect(cards(root)[0].getAttribute("aria-label")).toBe("a.jpg, given cat, predicted dog: Relabel as dog");
    expect(cards(root)[0].hasClass("is-relabel")).toBe(true);
    expect(focused()).toBe("ds/dog/d.jpg");
    press(document.activeElement as HTMLElement, "d");
    expect(choiceOf(root, "ds/dog/d.jpg")).toBe("delete");
    expect(focused()).toBe("ds/cat/b.jpg");
    press(document.activeElement as HTMLElement, "k");
    expect(choiceOf(root, "ds/cat/b.jpg")).toBe("keep");
    // A digit for the card's own label records nothing.
    expect(focused()).toBe("ds/cat/c.jpg");
    press(document.activeElement as HTMLElement, "1");
    expect(choiceOf(root, "ds/cat/c.jpg")).toBe("");

    // u takes back the last decision (keep on b) and focuses its card.
    press(document.activeElement as HTMLElement, "u");
    expect(choiceOf(root, "ds/cat/b.jpg")).toBe("");
    expect(focused()).toBe("ds/cat/b.jpg");
    press(document.activeElement as HTMLElement, "u");
    expect(choiceOf(root, "ds/dog/d.jpg")).toBe("");
    expect(root.querySelector(".lesson-lab-cleaner-counts")?.textContent).toBe("5 images · 0 keep · 0 delete · 1 relabel");

    const open = vi.spyOn(h.app.workspace, "openLinkText");
    press(document.activeElement as HTMLElement, "Enter");
    expect(open).toHaveBeenCalledWith("ds/dog/d.jpg", "", "tab");
  });

  it("takes a decision from the card's control too", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    const root = h.view().contentEl;
    const sel = cards(root)[3].querySelector<HTMLSelectElement>("select.lesson-lab-cleaner-choice")!;
    sel.value = "delete";
    sel.dispatchEvent(new Event("change", { bubbles: true }));
    expect(choiceOf(root, "ds/cat/c.jpg")).toBe("delete");
    const again = cards(root)[3].querySelector<HTMLSelectElement>("select.lesson-lab-cleaner-choice")!;
    again.value = "";
    again.dispatchEvent(new Event("change", { bubbles: true }));
    expect(choiceOf(root, "ds/cat/c.jpg")).toBe("");
  });
});

describe("cleaner pane: decisions persist", () => {
  it("keeps decisions across filter changes, pane closes and a plugin restart, in plugin data under its own key", async () => {
    const h = await cleanerPlugin({ settings: { autoplay: false }, other: { kept: true } });
    await h.plugin.openCleaner("ds", sampleReport());
    let root = h.view().contentEl;
    cards(root)[0].focus();
    press(cards(root)[0], "2");
    press(document.activeElement as HTMLElement, "d");
    select(root, "lesson-lab-cleaner-filter-label", "dog");
    select(root, "lesson-lab-cleaner-filter-label", "");
    expect(choiceOf(root, "ds/cat/a.jpg")).toBe("relabel:dog");

    // Close the pane and open it again: same decisions, and the report is still held.
    h.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)[0].detach();
    await new Promise((r) => window.setTimeout(r, 0));
    await h.plugin.openCleaner("ds");
    root = h.view().contentEl;
    expect(cardPaths(root)).toHaveLength(5);
    expect(choiceOf(root, "ds/cat/a.jpg")).toBe("relabel:dog");
    expect(choiceOf(root, "ds/dog/d.jpg")).toBe("delete");

    await h.plugin.cleaner.decisions.save();
    const data = (await h.plugin.loadData()) as Record<string, unknown>;
    expect(data.other).toEqual({ kept: true });
    expect(data.settings).toMatchObject({ autoplay: false });
    const books = (data.cleaner as { books: Record<string, { entries: { path: string; decision: unknown }[] }> }).books;
    expect(books.ds.entries.map((e) => [e.path, e.decision])).toEqual([
      ["ds/cat/a.jpg", { kind: "relabel", label: "dog" }],
      ["ds/dog/d.jpg", { kind: "delete" }],
    ]);

    // A restart: a new plugin on the same data, no report. The decided images are shown with their decisions.
    document.body.empty();
    const again = await cleanerPlugin(JSON.parse(JSON.stringify(data)));
    await again.plugin.openCleaner("ds");
    root = again.view().contentEl;
    expect(cardPaths(root).sort()).toEqual(["ds/cat/a.jpg", "ds/dog/d.jpg"]);
    expect(choiceOf(root, "ds/cat/a.jpg")).toBe("relabel:dog");
    expect(choiceOf(root, "ds/dog/d.jpg")).toBe("delete");
    expect(root.querySelector(".lesson-lab-cleaner-counts")?.textContent).toContain("1 delete · 1 relabel");
  });

  it("clears every decision of the dataset on request", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    const root = h.view().contentEl;
    cards(root)[0].focus();
    press(cards(root)[0], "d");
    const clear = root.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-clear")!;
    clear.click(); // the first click only asks
    await vi.waitFor(() => expect(clear.textContent).toBe("Clear 1 decision? Click again"));
    expect(choiceOf(root, "ds/cat/a.jpg")).toBe("delete");
    clear.click();
    await vi.waitFor(() => expect(choiceOf(root, "ds/cat/a.jpg")).toBe(""));
    expect(clear.textContent).toBe("Clear decisions");
    await h.plugin.cleaner.decisions.save();
    const data = (await h.plugin.loadData()) as { cleaner: { books: Record<string, unknown> } };
    expect(data.cleaner.books).toEqual({});
  });
});

describe("cleaner pane: apply, log, undo", () => {
  it("shows the summary first, then moves with renameFile under a free name, trashes with trashFile, logs, and undoes", async () => {
    const modals = keepModalsOpen();
    const h = await cleanerPlugin();
    h.app.metadataCache.resolvedLinks = { "Notes/Lesson.md": { "ds/cat/a.jpg": 1, "ds/cat/b.jpg": 1 } };
    const rename = vi.spyOn(h.app.fileManager, "renameFile");
    const trash = vi.spyOn(h.app.fileManager, "trashFile");
    await h.plugin.openCleaner("ds", sampleReport());
    const view = h.view();
    const root = view.contentEl;
    cards(root)[0].focus();
    press(cards(root)[0], "2"); // ds/cat/a.jpg → dog, where a.jpg is taken
    press(document.activeElement as HTMLElement, "k"); // ds/dog/d.jpg kept
    press(document.activeElement as HTMLElement, "d"); // ds/cat/b.jpg deleted

    // Cancel: nothing changes.
    let applying = view.applyDecisions();
    await vi.waitFor(() => expect(modals).toHaveLength(1));
    const summary = modals[0].contentEl;
    expect(summary.querySelector(".lesson-lab-cleaner-summary-counts")?.textContent).toBe("1 move, 1 deletion, 0 skipped.");
    expect(summary.textContent).toContain("ds/cat/a.jpg → ds/dog/a (2).jpg");
    expect(summary.textContent).toContain("Renamed: \"a.jpg\" is taken there.");
    expect(summary.textContent).toContain("Links follow, from: Notes/Lesson.md");
    expect(summary.textContent).toContain("Links will break, from: Notes/Lesson.md");
    expect(summary.textContent).toContain("1 image marked keep");
    expect(summary.querySelector(".lesson-lab-cleaner-warning")).toBeNull(); // the vault trash is undoable
    summary.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-cancel")?.click();
    expect(await applying).toBeNull();
    expect(rename).not.toHaveBeenCalled();
    expect(trash).not.toHaveBeenCalled();

    applying = view.applyDecisions();
    await vi.waitFor(() => expect(modals).toHaveLength(2));
    modals[1].contentEl.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-confirm")?.click();
    const batch = await applying;
    expect(batch?.failed).toEqual([]);
    expect(rename).toHaveBeenCalledTimes(1);
    expect(rename.mock.calls[0][0].path).toBe("ds/dog/a (2).jpg"); // the same TFile, renamed
    expect(rename.mock.calls[0][1]).toBe("ds/dog/a (2).jpg");
    expect(trash).toHaveBeenCalledTimes(1);
    expect(h.app.vault.getFileByPath("ds/dog/a.jpg")).not.toBeNull(); // the other a.jpg is untouched
    expect(await h.app.vault.adapter.read("ds/dog/a.jpg")).toBe("dog a (a different image with the same name)");
    expect(await h.app.vault.adapter.read("ds/dog/a (2).jpg")).toBe("cat a");
    expect(h.app.vault.getFileByPath("ds/cat/b.jpg")).toBeNull();
    expect(await h.app.vault.adapter.read(".trash/b.jpg")).toBe("cat bb");
    expect(batch?.trashed).toEqual([expect.objectContaining({ path: "ds/cat/b.jpg", where: "vault-trash", trashPath: ".trash/b.jpg" })]);

    // The grid follows: the moved image is now a dog, the deleted one is gone; decisions applied are forgotten.
    expect(cardPaths(root)).toEqual(["ds/dog/a (2).jpg", "ds/dog/d.jpg", "ds/cat/c.jpg", "ds/dog/e.jpg"]);
    expect(root.querySelector(".lesson-lab-cleaner-counts")?.textContent).toBe("4 images · 1 keep · 0 delete · 0 relabel");
    // So does the report the plugin holds: closing and reopening the pane shows the same.
    h.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)[0].detach();
    await new Promise((r) => window.setTimeout(r, 0));
    await h.plugin.openCleaner("ds");
    const reopened = h.view();
    expect(cardPaths(reopened.contentEl)).toEqual(["ds/dog/a (2).jpg", "ds/dog/d.jpg", "ds/cat/c.jpg", "ds/dog/e.jpg"]);

    // The log note, created, then appended to through vault.process.
    const log = h.app.vault.getFileByPath("ds/Cleaner log.md");
    expect(log).not.toBeNull();
    const first = await h.app.vault.read(log!);
    expect(first).toContain("cleaner batch");
    expect(first).toContain("`ds/cat/a.jpg` → `ds/dog/a (2).jpg`");
    const process = vi.spyOn(h.app.vault, "process");
    await reopened.undoLastBatch();
    // Write-ahead: the undo's intent, one record per file as it is restored, then the outcome.
    expect(process).toHaveBeenCalledTimes(4);
    const text = await h.app.vault.read(log!);
    expect(text.startsWith(first)).toBe(true);
    expect(text).toContain("undo of the batch");

    // Undo moved the file back (through renameFile) and restored the trashed one from .trash.
    expect(rename).toHaveBeenCalledTimes(2);
    expect(await h.app.vault.adapter.read("ds/cat/a.jpg")).toBe("cat a");
    expect(await h.app.vault.adapter.read("ds/cat/b.jpg")).toBe("cat bb");
    expect(await h.app.vault.adapter.exists(".trash/b.jpg")).toBe(false);
    expect(await h.app.vault.adapter.read("ds/dog/a.jpg")).toBe("dog a (a different image with the same name)");
    const el = reopened.contentEl;
    expect(el.querySelector(".lesson-lab-cleaner-status")?.textContent).toContain("Undo: 2 files restored.");
    expect(cardPaths(el)).toContain("ds/cat/b.jpg");
    expect(cardPaths(el)).toContain("ds/cat/a.jpg");

    // A second undo finds nothing left to undo.
    await reopened.undoLastBatch();
    expect(el.querySelector(".lesson-lab-cleaner-status")?.textContent).toBe("No applied batch to undo.");
  });

  it("warns before deleting when the trash setting cannot be undone", async () => {
    const modals = keepModalsOpen();
    const h = await cleanerPlugin();
    (h.app.vault as unknown as Record<string, unknown>).getConfig = (k: string) => (k === "trashOption" ? "none" : undefined);
    await h.plugin.openCleaner("ds", sampleReport());
    const root = h.view().contentEl;
    cards(root)[0].focus();
    press(cards(root)[0], "d");
    const applying = h.view().applyDecisions();
    await vi.waitFor(() => expect(modals).toHaveLength(1));
    expect(modals[0].contentEl.querySelector(".lesson-lab-cleaner-warning")?.textContent).toContain("Permanently delete");
    modals[0].close();
    expect(await applying).toBeNull();
    expect(h.app.vault.getFileByPath("ds/cat/a.jpg")).not.toBeNull();
  });

  it("says where deleted images went when the system trash holds them", async () => {
    const modals = keepModalsOpen();
    const h = await cleanerPlugin();
    (h.app.vault as unknown as Record<string, unknown>).getConfig = (k: string) => (k === "trashOption" ? "system" : undefined);
    await h.plugin.openCleaner("ds", sampleReport());
    const view = h.view();
    cards(view.contentEl)[0].focus();
    press(cards(view.contentEl)[0], "d");
    const applying = view.applyDecisions();
    await vi.waitFor(() => expect(modals).toHaveLength(1));
    expect(modals[0].contentEl.querySelector(".lesson-lab-cleaner-warning")?.textContent).toContain("system trash");
    modals[0].contentEl.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-confirm")?.click();
    expect((await applying)?.trashed).toEqual([expect.objectContaining({ path: "ds/cat/a.jpg", where: "system" })]);
    await view.undoLastBatch();
    const status = view.contentEl.querySelector(".lesson-lab-cleaner-status")?.textContent ?? "";
    expect(status).toContain("Undo: 0 files restored.");
    expect(status).toContain('"a.jpg" is in the system trash');
    expect(status).toContain('move it back to "ds/cat"');
  });

  it("shows the report's warnings", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", { ...sampleReport(), warnings: ["label \"fox\" has no readable image; it is left out"] });
    expect(h.view().contentEl.querySelector(".lesson-lab-cleaner-warnings")?.textContent).toBe('label "fox" has no readable image; it is left out');
  });

  it("runs retrain and shows the error rate before and after", async () => {
    const h = await cleanerPlugin();
    const calls: string[] = [];
    h.plugin.cleaner.trainer = {
      train: (folder, request) => {
        calls.push(folder);
        request.onProgress?.({ phase: "embedding", done: 6, total: 6, imagesPerSecond: 100, cached: 6 });
        return Promise.resolve({ errorRate: 0.05, embedded: 0, cached: 6 } as TrainResult);
      },
    };
    await h.plugin.openCleaner("ds", sampleReport());
    await h.view().retrain();
    expect(calls).toEqual(["ds"]);
    expect(h.view().contentEl.querySelector(".lesson-lab-cleaner-status")?.textContent).toBe(
      "Error rate before: 20.0%; after: 5.0% (0 views embedded, 6 from the cache).",
    );
  });

  it("cancels a running analysis", async () => {
    const h = await cleanerPlugin();
    h.plugin.cleaner.trainer = {
      train: (_folder, request) =>
        new Promise((_resolve, reject) => {
          request.onProgress?.({ phase: "training", epoch: 1, epochs: 10 });
          request.signal?.addEventListener("abort", () => reject(Object.assign(new Error("Cancelled"), { name: "AbortError" })));
        }),
    };
    await h.plugin.openCleaner("ds");
    const root = h.view().contentEl;
    root.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-analyse")?.click();
    await vi.waitFor(() => expect(root.querySelector(".lesson-lab-cleaner-status")?.textContent).toContain("Training: epoch 1 of 10"));
    root.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-cancel-task")?.click();
    await vi.waitFor(() => expect(root.querySelector(".lesson-lab-cleaner-status")?.textContent).toBe("Cancelled."));
  });
});

describe("cleaner pane: safety", () => {
  it("case 6: records a content hash with each decision; a file swapped for one of the same size and time is skipped", async () => {
    const modals = keepModalsOpen();
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    const view = h.view();
    cards(view.contentEl)[0].focus();
    press(cards(view.contentEl)[0], "d"); // ds/cat/a.jpg
    const book = (await view.pane()).session.book!;
    await vi.waitFor(() => expect(book.get("ds/cat/a.jpg")?.fingerprint.hash).toMatch(/^[0-9a-f]{64}$/));
    const file = h.app.vault.getFileByPath("ds/cat/a.jpg")!;
    const stat = { ...file.stat };
    await h.app.vault.adapter.write("ds/cat/a.jpg", "cat X"); // same size
    file.stat = stat; // and the same time, as the index reports it
    const applying = view.applyDecisions();
    await vi.waitFor(() => expect(modals).toHaveLength(1));
    modals[0].contentEl.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-confirm")?.click();
    const batch = await applying;
    expect(batch?.trashed).toEqual([]);
    expect(batch?.failed).toEqual([{ path: "ds/cat/a.jpg", reason: "not trashed: it changed since review (different content)" }]);
    expect(await h.app.vault.adapter.read("ds/cat/a.jpg")).toBe("cat X");
  });

  it("case 3: says on open that a batch was interrupted, and finishes it on request", async () => {
    const h = await cleanerPlugin();
    const st = (await h.app.vault.adapter.stat("ds/cat/a.jpg"))!;
    const intent = {
      v: 1,
      type: "intent",
      intent: { id: "r1", at: "2026-11-25T21:00:45.123Z", dataset: "ds", trash: ".trash", steps: [{ op: "move", from: "ds/cat/a.jpg", to: "ds/dog/a (2).jpg", label: "dog", fp: { size: st.size, mtime: st.mtime } }] },
    };
    await h.app.vault.create("ds/Cleaner log.md", `# Cleaner log\n\n## 2026-11-25 21:00:45 UTC: cleaner batch, planned\n<!-- lesson-lab-cleaner ${JSON.stringify(intent)} -->\n`);
    await h.plugin.openCleaner("ds", sampleReport());
    const view = h.view();
    const status = () => view.contentEl.querySelector(".lesson-lab-cleaner-status")?.textContent ?? "";
    await vi.waitFor(() => expect(status()).toMatch(/was interrupted before it finished \(0 of 1 steps recorded\)\. Finish it, or undo it\./));
    const finish = view.contentEl.querySelector<HTMLButtonElement>("button.lesson-lab-cleaner-finish")!;
    expect(finish.hasClass("is-hidden")).toBe(false);
    await view.finishInterrupted();
    expect(status()).toBe("Finished the interrupted batch: 1 moved, 0 deleted, 0 failed.");
    expect(await h.app.vault.adapter.read("ds/dog/a (2).jpg")).toBe("cat a");
    expect(finish.hasClass("is-hidden")).toBe(true);
  });
});
