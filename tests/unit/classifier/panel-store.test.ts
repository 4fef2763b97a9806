// @vitest-environment happy-dom
// The vault FileStore against the stand-in's in-memory vault: what the core needs, and that it
// never writes over a user's file.
import { describe, expect, it } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import type { App as ObsidianApp } from "obsidian";
import { createVaultStore } from "../../../src/shared/obsidian/vault-store";
import { scanDataset } from "../../../src/classifier/dataset";

async function vault(): Promise<{ app: ObsidianApp; store: ReturnType<typeof createVaultStore> }> {
  const mock = App.createConfigured__({ files: { "notes/a.md": "# a", "Pets/empty/": "" } });
  const app = mock as unknown as ObsidianApp;
  for (const [path, bytes] of [
    ["Pets/cat/1.png", [1, 2, 3]],
    ["Pets/cat/2.png", [4]],
    ["Pets/dog/x/3.jpg", [5, 6]],
    ["Pets/loose.png", [7]],
  ] as const) {
    // As in Obsidian, a file's folders must exist before it is created.
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      if (!app.vault.getAbstractFileByPath(folder)) await app.vault.createFolder(folder);
    }
    await app.vault.createBinary(path, new Uint8Array(bytes).buffer);
  }
  return { app, store: createVaultStore(app) };
}

describe("vault store", () => {
  it("lists files recursively, and null for a missing folder or a file", async () => {
    const { store } = await vault();
    const files = (await store.list("Pets"))!.map((f) => f.path).sort();
    expect(files).toEqual(["Pets/cat/1.png", "Pets/cat/2.png", "Pets/dog/x/3.jpg", "Pets/loose.png"]);
    expect(await store.list("/Pets/")).toHaveLength(4);
    expect(await store.list("Nope")).toBeNull();
    expect(await store.list("notes/a.md")).toBeNull();
    expect((await store.listFolders("Pets"))!.sort()).toEqual(["Pets/cat", "Pets/dog", "Pets/dog/x", "Pets/empty"]);
  });

  it("feeds the core's scan: labels, counts, unlabeled images, empty label folders", async () => {
    const { store } = await vault();
    const scan = await scanDataset(store, "Pets");
    expect(scan.labels).toEqual(["cat", "dog"]);
    expect(scan.counts).toEqual({ cat: 2, dog: 1 });
    expect(scan.unlabeled).toEqual(["Pets/loose.png"]);
    expect(scan.warnings.join("\n")).toContain('label folder "empty" has no images');
  });

  it("reads bytes and text", async () => {
    const { store } = await vault();
    expect([...(await store.readBinary("Pets/cat/1.png"))]).toEqual([1, 2, 3]);
    expect(await store.readText("notes/a.md")).toBe("# a");
    await expect(store.readBinary("Pets/cat/none.png")).rejects.toThrow();
    await expect(store.readBinary("Pets/cat")).rejects.toThrow("is a folder");
  });

  it("creates new files with their folders, and refuses to write over anything", async () => {
    const { app, store } = await vault();
    await store.mkdir("Pets.model.tmp-1");
    await store.writeText("Pets.model.tmp-1/metadata.json", "{}");
    await store.writeBinary("Pets.model.tmp-1/weights.bin", new Uint8Array([9, 9]));
    expect(app.vault.getFileByPath("Pets.model.tmp-1/weights.bin")).not.toBeNull();
    await expect(store.writeText("notes/a.md", "overwritten")).rejects.toThrow("already exists");
    await expect(store.writeBinary("Pets/cat/1.png", new Uint8Array([0]))).rejects.toThrow("already exists");
    expect(await store.readText("notes/a.md")).toBe("# a");
    expect([...(await store.readBinary("Pets/cat/1.png"))]).toEqual([1, 2, 3]);
  });

  it("renames folders, never onto an existing path, and removes its own output", async () => {
    const { app, store } = await vault();
    await store.writeText("Pets.model.tmp-1/metadata.json", "{}");
    await store.rename("Pets.model.tmp-1", "Pets.model");
    expect(await store.exists("Pets.model/metadata.json")).toBe(true);
    expect(await store.exists("Pets.model.tmp-1")).toBe(false);
    await store.writeText("other/metadata.json", "{}");
    await expect(store.rename("other", "Pets.model")).rejects.toThrow("exists");
    await store.removeOwn("other");
    expect(app.vault.getAbstractFileByPath("other")).toBeNull();
    await store.removeOwn("never-was");
  });

  it("keeps plugin files under the config folder on the adapter, where replacing them is allowed", async () => {
    const { app, store } = await vault();
    const dir = `${app.vault.configDir}/plugins/lesson-lab/cache/pets`;
    await store.mkdir(dir);
    await store.writeBinary(`${dir}/embeddings.bin`, new Uint8Array([1]));
    await store.writeBinary(`${dir}/embeddings.bin`, new Uint8Array([2, 3]));
    expect([...(await store.readBinary(`${dir}/embeddings.bin`))]).toEqual([2, 3]);
    expect((await store.list(dir))!.map((f) => [f.path, f.size])).toEqual([[`${dir}/embeddings.bin`, 2]]);
    await store.rename(`${dir}/embeddings.bin`, `${dir}/old.bin`);
    await store.removeOwn(`${dir}/old.bin`);
    expect(await store.exists(`${dir}/old.bin`)).toBe(false);
  });
});
