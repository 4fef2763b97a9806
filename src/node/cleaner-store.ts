// The cleaner's file operations over a directory on disk (the CLI's `clean --apply` and `undo`):
// FileOps, the plan's VaultView and the log note, all relative to `root` (the vault holding
// the dataset, else the dataset's parent). Moves go through the fs store's rename, which never
// replaces an existing file; "trash" is a move into `<root>/.trash/` under a free name.
// Every path is checked with the cleaner's containment rule before it reaches the disk.

import { readdirSync, statSync } from "node:fs";
import { lstat, readFile, realpath, stat, writeFile } from "node:fs/promises";
import * as nodePath from "node:path";
import type { FileOps, TrashResult } from "../cleaner/batch-types";
import type { Fingerprint } from "../cleaner/decisions";
import { logNotePath } from "../cleaner/log";
import { baseName, freeNameAsync, joinPath, splitName } from "../cleaner/names";
import { requireVaultPath, VAULT_TRASH, type CleanerScope } from "../cleaner/paths";
import type { VaultView } from "../cleaner/plan";
import type { LogStore } from "../cleaner/workflow";
import { sha256Hex } from "../shared/hash";
import { createFsStore, realLocation } from "./fs-store";

export interface DiskCleaner {
  scope: CleanerScope;
  ops: FileOps;
  view: VaultView;
  log: LogStore;
  /** The dataset's label folders' names (its sub-folders, hidden ones left out), sorted. */
  labels(): string[];
}

/** The cleaner over `root`, for the dataset folder `dataset` (relative to root). */
export function diskCleaner(root: string, dataset: string): DiskCleaner {
  const store = createFsStore(root);
  const base = store.root;
  const scope: CleanerScope = { dataset, trash: VAULT_TRASH, logNote: logNotePath(dataset) };
  const full = (path: string): string => nodePath.join(base, ...requireVaultPath(path).split("/"));

  const statFile = async (path: string): Promise<{ size: number; mtime: number } | null> => {
    try {
      const s = await stat(full(path));
      return s.isFile() ? { size: s.size, mtime: s.mtimeMs } : null;
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT" || (error as { code?: string }).code === "ENOTDIR") return null;
      throw error;
    }
  };
  const hash = async (path: string): Promise<string> => sha256Hex(await store.readBinary(requireVaultPath(path)));

  /**
   * Refuses `path` (a move's source or destination, vault-relative) when any of its components
   * is a symbolic link leading outside the folder it belongs to: the dataset folder (as its real
   * path) for dataset files, the trash folder for trash files; the trash folder itself must not be
   * a link. A path that does not exist yet is judged by its deepest existing folder. Throws an
   * Error naming the path and where it resolves.
   */
  async function requireRealInside(path: string, role: "source" | "destination"): Promise<void> {
    requireVaultPath(path);
    const inTrash = path === VAULT_TRASH || path.startsWith(`${VAULT_TRASH}/`);
    const realRoot = await realpath(base);
    let top: string;
    if (inTrash) {
      const trashFull = nodePath.join(base, VAULT_TRASH);
      const link = await lstat(trashFull).then((s) => s.isSymbolicLink(), () => false);
      if (link) throw new Error(`refused the ${role} "${path}": the trash folder "${VAULT_TRASH}" is a link (it points to ${await realpath(trashFull).catch(() => "nothing")})`);
      top = nodePath.join(realRoot, VAULT_TRASH);
    } else {
      top = await realpath(full(dataset));
    }
    const resolved = await realLocation(full(path), true);
    if (resolved !== top && !resolved.startsWith(top + nodePath.sep)) {
      const where = inTrash ? `the trash folder "${VAULT_TRASH}"` : `the dataset folder "${dataset}"`;
      throw new Error(`refused the ${role} "${path}": it is outside ${where} through a link (it resolves to ${resolved})`);
    }
  }

  const ops: FileOps = {
    exists: (path) => store.exists(requireVaultPath(path)),
    stat: statFile,
    async move(from, to) {
      await requireRealInside(from, "source");
      await requireRealInside(to, "destination");
      if (!(await statFile(from))) throw new Error(`"${from}" is not a file`);
      await store.rename(requireVaultPath(from), requireVaultPath(to));
    },
    async trash(path): Promise<TrashResult> {
      await requireRealInside(path, "source");
      if (!(await statFile(path))) throw new Error(`"${path}" is not a file`);
      const to = await freeNameAsync(VAULT_TRASH, baseName(path), (p) => store.exists(p));
      await requireRealInside(to, "destination");
      await store.rename(requireVaultPath(path), to);
      return { where: "vault-trash", trashPath: to };
    },
    async mkdir(path) {
      await requireRealInside(path, "destination");
      await store.mkdir(requireVaultPath(path));
    },
    hash,
    async locateTrashed(originalPath: string, fp: Fingerprint): Promise<string | null> {
      const { stem, ext } = splitName(baseName(originalPath));
      const hits: string[] = [];
      for (const f of (await store.list(VAULT_TRASH)) ?? []) {
        const n = baseName(f.path);
        if (!n.startsWith(stem) || !n.endsWith(ext) || f.size !== fp.size) continue;
        if (fp.hash !== undefined && (await hash(f.path)) !== fp.hash) continue;
        hits.push(f.path);
      }
      return hits.length === 1 ? hits[0] : null;
    },
  };

  const view: VaultView = {
    exists(path) {
      try {
        statSync(full(path));
        return true;
      } catch {
        return false;
      }
    },
    stat(path) {
      try {
        const s = statSync(full(path));
        return s.isFile() ? { size: s.size, mtime: s.mtimeMs } : null;
      } catch {
        return null;
      }
    },
    labelFolder: (label) => joinPath(dataset, label),
  };

  const logFile = full(scope.logNote!);
  const log: LogStore = {
    async read() {
      try {
        return await readFile(logFile, "utf8");
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return "";
        throw error;
      }
    },
    async process(change) {
      await writeFile(logFile, change(await this.read()), "utf8");
    },
  };

  const labels = (): string[] =>
    readdirSync(full(dataset), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();

  return { scope, ops, view, log, labels };
}
