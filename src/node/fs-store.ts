// FileStore over a directory on disk (the CLI, tests, benchmarks). Paths are relative
// to the root, with "/"; anything that would resolve outside the root is refused.

import { link, lstat, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import * as nodePath from "node:path";
import type { FileStore, StoredFile } from "../classifier/types";
import type { FolderLister } from "../classifier/dataset";

export type FsStore = FileStore & FolderLister & { readonly root: string };

export function createFsStore(root: string): FsStore {
  const base = nodePath.resolve(root);

  function resolve(path: string): string {
    if (typeof path !== "string" || path.includes("\0")) throw new Error(`invalid path ${JSON.stringify(path)}`);
    const rel = path.replace(/\\/g, "/");
    if (nodePath.isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) {
      throw new Error(`path "${path}" must be relative to the store root ${base}`);
    }
    const full = nodePath.resolve(base, rel);
    const back = nodePath.relative(base, full);
    if (back === ".." || back.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(back)) {
      throw new Error(`path "${path}" is outside the store root ${base}`);
    }
    return full;
  }

  function toStorePath(full: string): string {
    return nodePath.relative(base, full).split(nodePath.sep).join("/");
  }

  async function isDir(full: string): Promise<boolean> {
    try {
      return (await stat(full)).isDirectory();
    } catch {
      return false;
    }
  }

  /** Walks `dir`; symlinked folders are not followed (no cycles, no escaping the root). */
  async function walk(dir: string, files: StoredFile[] | null, folders: string[] | null): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = nodePath.join(dir, entry.name);
      if (entry.isDirectory()) {
        folders?.push(toStorePath(full));
        await walk(full, files, folders);
      } else if (files && (entry.isFile() || entry.isSymbolicLink())) {
        try {
          const s = await stat(full);
          if (s.isFile()) files.push({ path: toStorePath(full), size: s.size, mtime: s.mtimeMs });
        } catch {
          // A dangling symlink is no file.
        }
      }
    }
  }

  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  return {
    root: base,
    async list(folder) {
      const full = resolve(folder);
      if (!(await isDir(full))) return null;
      const files: StoredFile[] = [];
      await walk(full, files, null);
      return files.sort((a, b) => byPath(a.path, b.path));
    },
    async listFolders(folder) {
      const full = resolve(folder);
      if (!(await isDir(full))) return null;
      const folders: string[] = [];
      await walk(full, null, folders);
      return folders.sort(byPath);
    },
    async exists(path) {
      try {
        await lstat(resolve(path));
        return true;
      } catch {
        return false;
      }
    },
    async readBinary(path) {
      const buf = await readFile(resolve(path));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    async readText(path) {
      return readFile(resolve(path), "utf8");
    },
    async mkdir(path) {
      await mkdir(resolve(path), { recursive: true });
    },
    async writeBinary(path, data) {
      const full = resolve(path);
      await mkdir(nodePath.dirname(full), { recursive: true });
      await writeFile(full, data);
    },
    async writeText(path, text) {
      const full = resolve(path);
      await mkdir(nodePath.dirname(full), { recursive: true });
      await writeFile(full, text, "utf8");
    },
    async rename(from, to) {
      const src = resolve(from);
      const dst = resolve(to);
      const taken = (): Error => new Error(`cannot move "${from}" to "${to}": "${to}" already exists`);
      await mkdir(nodePath.dirname(dst), { recursive: true });
      // fs.rename silently replaces an existing file (and an empty folder): the target name is
      // claimed first by an operation that fails when it exists, so that nothing written there
      // in the meantime can be replaced.
      if ((await lstat(src)).isDirectory()) {
        try {
          await mkdir(dst);
        } catch (error) {
          if (codeOf(error) === "EEXIST") throw taken();
          throw error;
        }
        try {
          // Replaces only the empty folder just made (POSIX); fails if anything was put in it.
          await rename(src, dst);
        } catch (error) {
          try {
            await rmdir(dst);
          } catch {
            throw taken();
          }
          // Windows cannot rename onto a folder: with the claim given back, a plain rename.
          if (process.platform === "win32") await renameUnlessTaken(src, dst, taken);
          else throw error;
        }
        return;
      }
      try {
        // A second name for the file fails if the target exists; then the old name goes.
        await link(src, dst);
      } catch (error) {
        const code = codeOf(error);
        if (code === "EEXIST") throw taken();
        // File systems without hard links: check, then rename.
        if (code === "EPERM" || code === "ENOTSUP" || code === "EXDEV" || code === "ENOSYS") return renameUnlessTaken(src, dst, taken);
        throw error;
      }
      await unlink(src);
    },
    async removeOwn(path) {
      const full = resolve(path);
      if (full === base) throw new Error("refusing to remove the store root");
      await rm(full, { recursive: true, force: true });
    },
  };
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

/** Where the target cannot be claimed atomically: refuse an existing target, then rename. */
async function renameUnlessTaken(src: string, dst: string, taken: () => Error): Promise<void> {
  let exists = true;
  try {
    await lstat(dst);
  } catch {
    exists = false;
  }
  if (exists) throw taken();
  await rename(src, dst);
}
