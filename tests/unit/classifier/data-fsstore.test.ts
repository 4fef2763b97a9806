import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsStore } from "../../../src/node/fs-store";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lessonlab-fs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createFsStore", () => {
  it("lists files recursively, sorted, with '/' paths relative to the root", async () => {
    await mkdir(join(dir, "bears", "grizzly", "deep"), { recursive: true });
    await mkdir(join(dir, "bears", "Ours brun ü"), { recursive: true });
    await writeFile(join(dir, "bears", "grizzly", "b.jpg"), "bb");
    await writeFile(join(dir, "bears", "grizzly", "deep", "a.jpg"), "a");
    await writeFile(join(dir, "bears", "Ours brun ü", "c.png"), "ccc");
    const store = createFsStore(dir);
    const files = await store.list("bears");
    expect(files?.map((f) => f.path)).toEqual(["bears/Ours brun ü/c.png", "bears/grizzly/b.jpg", "bears/grizzly/deep/a.jpg"]);
    expect(files?.[1].size).toBe(2);
    expect(files?.[1].mtime).toBeGreaterThan(0);
    expect((await store.list(""))?.length).toBe(3);
    expect(await store.listFolders("bears")).toEqual(["bears/Ours brun ü", "bears/grizzly", "bears/grizzly/deep"]);
  });

  it("returns null from list for a missing folder or a file", async () => {
    await writeFile(join(dir, "note.md"), "x");
    const store = createFsStore(dir);
    expect(await store.list("nope")).toBeNull();
    expect(await store.list("note.md")).toBeNull();
    expect(await store.exists("note.md")).toBe(true);
    expect(await store.exists("nope")).toBe(false);
  });

  it("writes with parent folders, reads back, and renames without overwriting", async () => {
    const store = createFsStore(dir);
    await store.writeBinary("m.model/tmp/weights.bin", new Uint8Array([1, 2, 3]));
    await store.writeText("m.model/tmp/model.json", "{}");
    expect(Array.from(await store.readBinary("m.model/tmp/weights.bin"))).toEqual([1, 2, 3]);
    expect(await store.readText("m.model/tmp/model.json")).toBe("{}");
    await store.writeText("taken.txt", "user data");
    await expect(store.rename("m.model/tmp/model.json", "taken.txt")).rejects.toThrow(/already exists/);
    expect(await readFile(join(dir, "taken.txt"), "utf8")).toBe("user data");
    await store.rename("m.model/tmp", "m.model/final");
    expect(await store.exists("m.model/final/weights.bin")).toBe(true);
    expect(await store.exists("m.model/tmp")).toBe(false);
    await store.mkdir("a/b/c");
    await store.mkdir("a/b/c");
    expect(await store.exists("a/b/c")).toBe(true);
    await store.removeOwn("m.model");
    expect(await store.exists("m.model")).toBe(false);
  });

  it("never moves over anything: a file, a folder, even an empty folder, stays as it was", async () => {
    const store = createFsStore(dir);
    await store.writeText("src/a.txt", "mine");
    await store.writeText("src/dir/b.txt", "inside");
    await store.writeText("dst/a.txt", "theirs");
    await store.mkdir("dst/empty");
    await store.writeText("dst/full/c.txt", "theirs too");
    await expect(store.rename("src/a.txt", "dst/a.txt")).rejects.toThrow(/"dst\/a.txt" already exists/);
    await expect(store.rename("src/dir", "dst/empty")).rejects.toThrow(/already exists/);
    await expect(store.rename("src/dir", "dst/full")).rejects.toThrow(/already exists/);
    await expect(store.rename("src/dir", "dst/a.txt")).rejects.toThrow(/already exists/);
    await expect(store.rename("src/a.txt", "dst/empty")).rejects.toThrow(/already exists/);
    expect(await readFile(join(dir, "src/a.txt"), "utf8")).toBe("mine");
    expect(await readFile(join(dir, "src/dir/b.txt"), "utf8")).toBe("inside");
    expect(await readFile(join(dir, "dst/a.txt"), "utf8")).toBe("theirs");
    expect(await readFile(join(dir, "dst/full/c.txt"), "utf8")).toBe("theirs too");
    expect(await readdir(join(dir, "dst/empty"))).toEqual([]);
    // Free names: a file and a folder move, into new parent folders too; the old names are gone.
    await store.rename("src/a.txt", "moved/a.txt");
    await store.rename("src/dir", "moved/dir");
    expect(await readFile(join(dir, "moved/a.txt"), "utf8")).toBe("mine");
    expect(await readFile(join(dir, "moved/dir/b.txt"), "utf8")).toBe("inside");
    expect(await store.exists("src/a.txt")).toBe(false);
    expect(await store.exists("src/dir")).toBe(false);
    await expect(store.rename("src/missing.txt", "moved/x.txt")).rejects.toThrow(/ENOENT/);
  });

  it("refuses paths that leave the root", async () => {
    const store = createFsStore(join(dir, "vault"));
    await mkdir(join(dir, "vault"));
    await writeFile(join(dir, "secret.txt"), "s");
    await expect(store.readText("../secret.txt")).rejects.toThrow(/outside the store root/);
    await expect(store.list("a/../../")).rejects.toThrow(/outside the store root/);
    await expect(store.writeText("/etc/x", "")).rejects.toThrow(/relative/);
    await expect(store.readText("..\\secret.txt")).rejects.toThrow(/outside the store root/);
    await expect(store.removeOwn("")).rejects.toThrow(/root/);
    await expect(store.removeOwn("..")).rejects.toThrow(/outside/);
    expect(await readFile(join(dir, "secret.txt"), "utf8")).toBe("s");
  });

  it("does not follow a link back to a folder it is listing (no cycles), and says so", async () => {
    await mkdir(join(dir, "d"));
    await writeFile(join(dir, "d", "x.png"), "x");
    await symlink(dir, join(dir, "d", "loop"));
    const files = await createFsStore(dir).list("");
    expect(files?.map((f) => [f.path, f.unusable])).toEqual([
      ["d/loop", "unreadable: a link loop (it points back to \".\", which holds it)"],
      ["d/x.png", undefined],
    ]);
  });
});
