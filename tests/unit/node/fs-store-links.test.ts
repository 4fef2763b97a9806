// QA 1, 2 at the file store: rename never moves a file from or into a place that a symbolic link
// in its path leads to outside the store root (real temporary folders, real links).
import { afterEach, describe, expect, it } from "vitest";
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createFsStore } from "../../../src/node/fs-store";

const made: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

async function dir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

describe("createFsStore rename and links leading outside the root", () => {
  it("refuses a source or a destination reached through a linked folder outside, naming the path", async () => {
    const root = await dir("lesson-lab-store-");
    const outside = await dir("lesson-lab-store-out-");
    await mkdir(path.join(root, "ds", "cat"), { recursive: true });
    await writeFile(path.join(root, "ds", "cat", "a.png"), "a");
    await writeFile(path.join(outside, "s.png"), "s");
    await symlink(outside, path.join(root, "ds", "Sneaker"), "dir");
    const store = createFsStore(root);
    await expect(store.rename("ds/Sneaker/s.png", "ds/cat/s.png")).rejects.toThrow(/refused the path "ds\/Sneaker\/s\.png": it is outside the store root .* through a link/);
    await expect(store.rename("ds/cat/a.png", "ds/Sneaker/a.png")).rejects.toThrow(/refused the path "ds\/Sneaker\/a\.png"/);
    await expect(store.rename("ds/cat/a.png", "ds/Sneaker/new/a.png")).rejects.toThrow(/refused the path "ds\/Sneaker\/new\/a\.png"/);
    expect((await readdir(outside)).sort()).toEqual(["s.png"]);
    expect(await readFile(path.join(root, "ds", "cat", "a.png"), "utf8")).toBe("a");
    // Inside the root, moves still work, links inside included.
    await symlink(path.join(root, "ds", "cat"), path.join(root, "ds", "kitty"), "dir");
    await store.rename("ds/cat/a.png", "ds/kitty/b.png");
    expect(await readFile(path.join(root, "ds", "cat", "b.png"), "utf8")).toBe("a");
  });
});
