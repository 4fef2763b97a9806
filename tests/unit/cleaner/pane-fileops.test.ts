// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import type { App as ObsidianApp } from "obsidian";
import { applyPlan } from "../../../src/cleaner/apply";
import { DecisionBook } from "../../../src/cleaner/decisions";
import { planBatch } from "../../../src/cleaner/plan";
import { appendToLog, linkedFrom, ObsidianFileOps, ObsidianVaultView, readLog, trashSetting } from "../../../src/cleaner/obsidian/file-ops";
import { formatLogEntry } from "../../../src/cleaner/log-format";
import { emulateVaultTrash, realStats } from "./pane-support";

afterEach(() => vi.restoreAllMocks());

async function vault(files: Record<string, string>, trash: "local" | "system" | "none" = "local") {
  const mock = App.createConfigured__({ files });
  await realStats(mock);
  emulateVaultTrash(mock, trash);
  const app = mock as unknown as ObsidianApp;
  return { mock, app, ops: new ObsidianFileOps(app) };
}

describe("ObsidianFileOps", () => {
  it("moves through fileManager.renameFile and refuses to overwrite", async () => {
    const { mock, ops } = await vault({ "ds/cat/a.jpg": "A", "ds/dog/a.jpg": "other A" });
    const rename = vi.spyOn(mock.fileManager, "renameFile");
    await expect(ops.move("ds/cat/a.jpg", "ds/dog/a.jpg")).rejects.toThrow('"ds/dog/a.jpg" already exists; nothing was overwritten.');
    expect(rename).not.toHaveBeenCalled();
    expect(await mock.vault.adapter.read("ds/dog/a.jpg")).toBe("other A");
    await ops.move("ds/cat/a.jpg", "ds/dog/a (2).jpg");
    expect(rename).toHaveBeenCalledTimes(1);
    expect(rename.mock.calls[0][1]).toBe("ds/dog/a (2).jpg");
    expect(mock.vault.getFileByPath("ds/dog/a (2).jpg")).not.toBeNull();
    await expect(ops.move("ds/cat/missing.jpg", "ds/dog/m.jpg")).rejects.toThrow("is not a file in the vault");
  });

  it("sees files the index lacks (never overwrites them) and ignores case where the vault does", async () => {
    const { mock, ops } = await vault({ "ds/cat/a.jpg": "A" });
    await mock.vault.adapter.write("ds/cat/unindexed.jpg", "raw");
    expect(await ops.exists("ds/cat/unindexed.jpg")).toBe(true);
    const v = mock.vault as unknown as Record<string, unknown>;
    v.getAbstractFileByPathInsensitive = (p: string) => mock.vault.getFiles().find((f) => f.path.toLowerCase() === p.toLowerCase()) ?? null;
    expect(await ops.exists("ds/cat/A.JPG")).toBe(true);
    expect(new ObsidianVaultView(mock as unknown as ObsidianApp, "ds").exists("ds/CAT/a.jpg")).toBe(true);
  });

  it("trashes through fileManager.trashFile and finds where the file landed in .trash", async () => {
    const { mock, ops } = await vault({ "ds/cat/b.jpg": "B", "ds/dog/b.jpg": "dog B" });
    const trash = vi.spyOn(mock.fileManager, "trashFile");
    expect(await ops.trash("ds/cat/b.jpg")).toEqual({ where: "vault-trash", trashPath: ".trash/b.jpg" });
    // A second b.jpg: Obsidian renames it in .trash.
    expect(await ops.trash("ds/dog/b.jpg")).toEqual({ where: "vault-trash", trashPath: ".trash/b 2.jpg" });
    expect(trash).toHaveBeenCalledTimes(2);
    expect(await ops.stat(".trash/b 2.jpg")).toMatchObject({ size: 5 });
    // Back from .trash: through the adapter (not a vault file), never over an existing file.
    await expect(ops.move(".trash/b 2.jpg", "ds/cat/b.jpg")).resolves.toBeUndefined();
    expect(await mock.vault.adapter.read("ds/cat/b.jpg")).toBe("dog B");
    await expect(ops.move(".trash/b.jpg", "ds/cat/b.jpg")).rejects.toThrow("already exists");
  });

  it("reports the system trash and permanent deletion from the trash setting", async () => {
    const sys = await vault({ "ds/cat/b.jpg": "B" }, "system");
    expect(await sys.ops.trash("ds/cat/b.jpg")).toEqual({ where: "system" });
    expect(trashSetting(sys.app).undoable).toBe(false);
    const none = await vault({ "ds/cat/b.jpg": "B" }, "none");
    expect(await none.ops.trash("ds/cat/b.jpg")).toEqual({ where: "deleted" });
    expect(trashSetting(none.app).warning).toContain("Permanently delete");
    // A vault without getConfig (the stand-in): Obsidian's default, the system trash.
    const bare = App.createConfigured__({ files: {} }) as unknown as ObsidianApp;
    expect(trashSetting(bare).option).toBe("system");
  });

  it("creates label folders through the vault", async () => {
    const { mock, ops } = await vault({ "ds/cat/a.jpg": "A" });
    const create = vi.spyOn(mock.vault, "createFolder");
    await ops.mkdir("ds/fox");
    await ops.mkdir("ds/cat");
    expect(create).toHaveBeenCalledTimes(1);
    expect(mock.vault.getFolderByPath("ds/fox")).not.toBeNull();
  });

  it("applies a plan end to end with free names and no overwrite", async () => {
    const { mock, app, ops } = await vault({ "ds/cat/a.jpg": "A", "ds/dog/a.jpg": "dog A", "ds/dog/a (2).jpg": "dog A2" });
    const book = new DecisionBook("ds");
    const f = mock.vault.getFileByPath("ds/cat/a.jpg")!;
    book.set(f.path, { kind: "relabel", label: "dog" }, { size: f.stat.size, mtime: f.stat.mtime });
    const plan = planBatch(book, { datasetFolder: "ds", labels: ["cat", "dog"], vault: new ObsidianVaultView(app, "ds") });
    expect(plan.moves[0].to).toBe("ds/dog/a (3).jpg");
    const batch = await applyPlan(plan, ops, new Date());
    expect(batch.failed).toEqual([]);
    expect(await mock.vault.adapter.read("ds/dog/a.jpg")).toBe("dog A");
    expect(await mock.vault.adapter.read("ds/dog/a (2).jpg")).toBe("dog A2");
    expect(await mock.vault.adapter.read("ds/dog/a (3).jpg")).toBe("A");
  });
});

describe("backlinks and the log note", () => {
  it("lists the notes that link to an image", async () => {
    const { mock, app } = await vault({ "ds/cat/a.jpg": "A" });
    mock.metadataCache.resolvedLinks = { "B.md": { "ds/cat/a.jpg": 2 }, "A.md": { "ds/cat/a.jpg": 1 }, "C.md": { "x.png": 1 } };
    expect(linkedFrom(app, "ds/cat/a.jpg")).toEqual(["A.md", "B.md"]);
    expect(linkedFrom(app, "ds/cat/none.jpg")).toEqual([]);
  });

  it("creates Cleaner log.md, then appends through vault.process, and reads batches back", async () => {
    const { mock, app } = await vault({ "ds/cat/a.jpg": "A" });
    const create = vi.spyOn(mock.vault, "create");
    const process = vi.spyOn(mock.vault, "process");
    const batch = { id: "20261125T210045123Z-abcd", at: "2026-11-25T21:00:45.123Z", moves: [{ from: "ds/cat/a.jpg", to: "ds/dog/a.jpg" }], trashed: [], failed: [] };
    expect(await appendToLog(app, "ds", formatLogEntry(batch))).toBe("ds/Cleaner log.md");
    expect(create).toHaveBeenCalledTimes(1);
    expect(process).not.toHaveBeenCalled();
    await appendToLog(app, "ds", formatLogEntry({ ...batch, id: "20261125T210046000Z-efgh" }));
    expect(process).toHaveBeenCalledTimes(1);
    const log = await readLog(app, "ds");
    expect(log.batches.map((b) => b.id)).toEqual([batch.id, "20261125T210046000Z-efgh"]);
    expect(log.warnings).toEqual([]);
  });

  it("refuses to write the log over a folder of that name", async () => {
    const { app } = await vault({ "ds/cat/a.jpg": "A", "ds/Cleaner log.md/": "" });
    await expect(appendToLog(app, "ds", "x")).rejects.toThrow("is a folder");
  });
});
