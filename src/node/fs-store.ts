// FileStore over a directory on disk (the CLI, tests, benchmarks). Paths are relative
// to the root, with "/"; anything that would resolve outside the root is refused. Listing
// follows symbolic links that stay inside the listed folder and reports the others (walk).

import { link, lstat, mkdir, readFile, readdir, realpath, rename, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import type { Stats } from "node:fs";
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

  /**
   * Walks `dir` below the listed folder `top` (a real path). Symbolic links that resolve inside
   * `top` are followed, files and folders alike; a link to a folder being walked (a loop), a
   * link that resolves outside `top` and a dangling link are not followed but listed, as one
   * StoredFile with `unusable` saying why, so that no file is left out in silence. A sub-folder
   * that cannot be read is listed the same way.
   */
  async function walk(dir: string, top: string, ancestors: Set<string>, files: StoredFile[] | null, folders: string[] | null): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = nodePath.join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let real = full;
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(full);
        } catch {
          files?.push(unusable(full, "unreadable: a link to nothing (its target does not exist)"));
          continue;
        }
        const inside = target === top || target.startsWith(top + nodePath.sep);
        let kind: Stats;
        try {
          kind = await stat(target);
        } catch {
          files?.push(unusable(full, "unreadable: its link target cannot be read"));
          continue;
        }
        if (!inside) {
          files?.push(unusable(full, `outside the folder through a link: it points to ${target}`));
          continue;
        }
        if (kind.isDirectory() && ancestors.has(target)) {
          files?.push(unusable(full, `unreadable: a link loop (it points back to "${toStorePath(target) || "."}", which holds it)`));
          continue;
        }
        isDirectory = kind.isDirectory();
        real = target;
        if (!isDirectory && !kind.isFile()) continue;
      }
      if (isDirectory) {
        folders?.push(toStorePath(full));
        const realDir = real === full ? await realpath(full).catch(() => full) : real;
        try {
          await walk(full, top, new Set([...ancestors, realDir]), files, folders);
        } catch (error) {
          files?.push(unusable(full, `unreadable: the folder cannot be listed (${codeOf(error) ?? String(error)})`));
        }
      } else if (files && (entry.isFile() || entry.isSymbolicLink())) {
        try {
          const s = await stat(full);
          if (s.isFile()) files.push({ path: toStorePath(full), size: s.size, mtime: s.mtimeMs });
        } catch (error) {
          files.push(unusable(full, `unreadable: ${codeOf(error) ?? String(error)}`));
        }
      }
    }
  }

  function unusable(full: string, reason: string): StoredFile {
    return { path: toStorePath(full), size: 0, mtime: 0, unusable: reason };
  }

  async function listUnder(folder: string, files: StoredFile[] | null, folders: string[] | null): Promise<boolean> {
    const full = resolve(folder);
    if (!(await isDir(full))) return false;
    const top = await realpath(full);
    await walk(full, top, new Set([top]), files, folders);
    return true;
  }

  /**
   * Refuses `path` (resolved as `full`) when a symbolic link in it leads outside the store root:
   * the real path of the entry, or of its parent for a link itself or a name not yet there, must
   * lie inside the root's real path. The message names the path and where it resolves.
   */
  async function requireRealInsideRoot(path: string, full: string): Promise<void> {
    const top = await realpath(base);
    const resolved = await realLocation(full);
    if (resolved !== top && !resolved.startsWith(top + nodePath.sep)) {
      throw new Error(`refused the path "${path}": it is outside the store root ${base} through a link (it resolves to ${resolved})`);
    }
  }

  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  return {
    root: base,
    async list(folder) {
      const files: StoredFile[] = [];
      if (!(await listUnder(folder, files, null))) return null;
      return files.sort((a, b) => byPath(a.path, b.path));
    },
    async listFolders(folder) {
      const folders: string[] = [];
      if (!(await listUnder(folder, null, folders))) return null;
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
      await requireRealInsideRoot(from, src);
      await requireRealInsideRoot(to, dst);
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

/**
 * Where `full` (an absolute path) really is, symbolic links resolved. With `followLast` false the
 * last name is not followed: the real path of its parent folder joined with that name, so that a
 * link itself is placed by the folder it is in. Names not there yet (and missing folders on the
 * way) are kept as written. Throws what `realpath` throws other than ENOENT/ENOTDIR.
 */
export async function realLocation(full: string, followLast = false): Promise<string> {
  let probe = followLast ? full : nodePath.dirname(full);
  const rest = followLast ? [] : [nodePath.basename(full)];
  for (;;) {
    try {
      return nodePath.join(await realpath(probe), ...rest);
    } catch (error) {
      const code = codeOf(error);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
      const up = nodePath.dirname(probe);
      if (up === probe) throw error;
      rest.unshift(nodePath.basename(probe));
      probe = up;
    }
  }
}
