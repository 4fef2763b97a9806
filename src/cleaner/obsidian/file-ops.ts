// The cleaner's thin adapter over the live vault: FileOps (apply/undo) and VaultView (plan)
// on app.fileManager, app.vault and, for the vault's `.trash` folder (outside Obsidian's file
// index), vault.adapter. Backlinks from metadataCache.resolvedLinks; the log note through
// vault.process.
import { normalizePath, TFile, TFolder, type App } from "obsidian";
import type { FileOps, TrashResult } from "../batch-types";
import { newTrashEntry, trashBehaviour, type TrashBehaviour } from "../trash";
import type { Fingerprint } from "../decisions";
import { appendLogEntry } from "../log-format";
import { logNotePath } from "../log";
import { parseLog, type ParsedLog } from "../log-parse";
import { baseName, joinPath, splitName } from "../names";
import { requireVaultPath, VAULT_TRASH } from "../paths";
import type { DatasetView } from "../ports";
import { cleanerScope } from "../session";
import type { LogStore } from "../workflow";
import { sha256Hex } from "../../shared/hash";

export { VAULT_TRASH };

function isInTrash(path: string): boolean {
  return path === VAULT_TRASH || path.startsWith(`${VAULT_TRASH}/`);
}

/** Obsidian's "Deleted files" setting; `getConfig` is not in the public API, so it is optional. */
export function trashSetting(app: App): TrashBehaviour {
  const vault = app.vault as unknown as { getConfig?: (key: string) => unknown };
  const read = "getConfig" in vault && typeof vault.getConfig === "function" ? vault.getConfig("trashOption") : undefined;
  return trashBehaviour(read);
}

/** A file the vault indexes, found without regard to case when the platform's file system ignores it. */
function indexed(app: App, path: string): ReturnType<App["vault"]["getAbstractFileByPath"]> {
  const p = normalizePath(path);
  const vault = app.vault as unknown as { getAbstractFileByPathInsensitive?: (p: string) => unknown };
  const exact = app.vault.getAbstractFileByPath(p);
  if (exact) return exact;
  if ("getAbstractFileByPathInsensitive" in vault && typeof vault.getAbstractFileByPathInsensitive === "function") {
    return vault.getAbstractFileByPathInsensitive(p) as ReturnType<App["vault"]["getAbstractFileByPath"]>;
  }
  return null;
}

export class ObsidianVaultView implements DatasetView {
  constructor(
    private readonly app: App,
    private readonly datasetFolder: string,
  ) {}

  exists(path: string): boolean {
    return path === "" || indexed(this.app, path) !== null;
  }

  stat(path: string): { size: number; mtime: number } | null {
    const f = this.app.vault.getAbstractFileByPath(normalizePath(path));
    return f instanceof TFile ? { size: f.stat.size, mtime: f.stat.mtime } : null;
  }

  labelFolder(label: string): string {
    return joinPath(this.datasetFolder, label);
  }

  labelFolders(): string[] {
    const folder = this.app.vault.getAbstractFileByPath(this.datasetFolder);
    if (!(folder instanceof TFolder)) return [];
    return folder.children
      .filter((c): c is TFolder => c instanceof TFolder && !c.name.startsWith("."))
      .map((c) => c.name)
      .sort();
  }
}

/**
 * A contained path as Obsidian writes it. Every path reaching the adapter goes through here: a
 * path with "..", a backslash, a leading "/" or a drive is refused, not normalised into another.
 */
function vaultPath(path: string): string {
  return normalizePath(requireVaultPath(path));
}

export class ObsidianFileOps implements FileOps {
  constructor(private readonly app: App) {}

  async exists(path: string): Promise<boolean> {
    const p = vaultPath(path);
    if (!isInTrash(p) && indexed(this.app, p)) return true;
    // Files Obsidian has not indexed yet (or in .trash) are still there: never overwrite them.
    return this.app.vault.adapter.exists(p);
  }

  async stat(path: string): Promise<{ size: number; mtime: number } | null> {
    const p = vaultPath(path);
    const f = this.app.vault.getAbstractFileByPath(p);
    if (f instanceof TFile) return { size: f.stat.size, mtime: f.stat.mtime };
    if (!isInTrash(p)) return null;
    const st = await this.app.vault.adapter.stat(p);
    return st && st.type === "file" ? { size: st.size, mtime: st.mtime } : null;
  }

  async move(from: string, to: string): Promise<void> {
    const src = vaultPath(from);
    const dest = vaultPath(to);
    if (await this.exists(dest)) throw new Error(`"${dest}" already exists; nothing was overwritten.`);
    if (isInTrash(src)) {
      // Files in .trash are not vault files: only the adapter can move them back.
      await this.app.vault.adapter.rename(src, dest);
      return;
    }
    const file = this.app.vault.getAbstractFileByPath(src);
    if (!(file instanceof TFile)) throw new Error(`"${src}" is not a file in the vault.`);
    // renameFile updates every link to the file.
    await this.app.fileManager.renameFile(file, dest);
  }

  async trash(path: string): Promise<TrashResult> {
    const p = vaultPath(path);
    const file = this.app.vault.getAbstractFileByPath(p);
    if (!(file instanceof TFile)) throw new Error(`"${p}" is not a file in the vault.`);
    const behaviour = trashSetting(this.app);
    const before = behaviour.option === "local" ? await this.listTrash() : [];
    await this.app.fileManager.trashFile(file);
    if (behaviour.option === "system") return { where: "system" };
    if (behaviour.option === "none") return { where: "deleted" };
    const landed = newTrashEntry(before, await this.listTrash(), p);
    // "" = in .trash, exact name unknown: undo then says to restore it by hand.
    return { where: "vault-trash", trashPath: landed ?? "" };
  }

  async mkdir(path: string): Promise<void> {
    const p = vaultPath(path);
    if (!(await this.exists(p))) await this.app.vault.createFolder(p);
  }

  /** SHA-256 of the file's bytes (hex). */
  async hash(path: string): Promise<string> {
    const p = vaultPath(path);
    const f = this.app.vault.getAbstractFileByPath(p);
    const data = f instanceof TFile ? await this.app.vault.readBinary(f) : await this.app.vault.adapter.readBinary(p);
    return sha256Hex(new Uint8Array(data));
  }

  /** The one file in .trash named like `originalPath` (Obsidian may add a number) with its size and content. */
  async locateTrashed(originalPath: string, fp: Fingerprint): Promise<string | null> {
    const { stem, ext } = splitName(baseName(originalPath));
    const hits: string[] = [];
    for (const p of await this.listTrash()) {
      const n = baseName(p);
      if (!n.startsWith(stem) || !n.endsWith(ext)) continue;
      const st = await this.app.vault.adapter.stat(p);
      if (!st || st.type !== "file" || st.size !== fp.size) continue;
      if (fp.hash !== undefined && (await this.hash(p)) !== fp.hash) continue;
      hits.push(p);
    }
    return hits.length === 1 ? hits[0] : null;
  }

  /** Every entry under `.trash` (files and folders, recursively). */
  async listTrash(): Promise<string[]> {
    const adapter = this.app.vault.adapter;
    if (!(await adapter.exists(VAULT_TRASH))) return [];
    const out: string[] = [];
    const walk = async (folder: string, depth: number): Promise<void> => {
      const { files, folders } = await adapter.list(folder);
      out.push(...files, ...folders);
      if (depth < 8) for (const f of folders) await walk(f, depth + 1);
    };
    await walk(VAULT_TRASH, 0);
    return out;
  }
}

/** Notes that link to `path`, from the resolved-links cache. */
export function linkedFrom(app: App, path: string): string[] {
  const out: string[] = [];
  const links = app.metadataCache.resolvedLinks;
  for (const source of Object.keys(links)) {
    if (source !== path && links[source]?.[path]) out.push(source);
  }
  return out.sort();
}

/** Appends `entry` to the dataset's `Cleaner log.md`, creating it when missing. */
export async function appendToLog(app: App, datasetFolder: string, entry: string): Promise<string> {
  const path = normalizePath(logNotePath(datasetFolder));
  const file = app.vault.getAbstractFileByPath(path);
  if (file instanceof TFile) {
    await app.vault.process(file, (text) => appendLogEntry(text, entry));
  } else if (file) {
    throw new Error(`"${path}" is a folder; the cleaner log could not be written.`);
  } else {
    await app.vault.create(path, appendLogEntry("", entry));
  }
  return path;
}

/** The dataset's log, read back (empty when there is no log note). */
export async function readLog(app: App, datasetFolder: string): Promise<ParsedLog> {
  const file = app.vault.getAbstractFileByPath(normalizePath(logNotePath(datasetFolder)));
  if (!(file instanceof TFile)) return { batches: [], open: null, warnings: [] };
  return parseLog(await app.vault.read(file), cleanerScope(datasetFolder));
}

/** The dataset's `Cleaner log.md` as the workflow's log: read, and changed through vault.process. */
export function obsidianLogStore(app: App, datasetFolder: string): LogStore {
  const path = normalizePath(logNotePath(datasetFolder));
  return {
    async read() {
      const file = app.vault.getAbstractFileByPath(path);
      return file instanceof TFile ? app.vault.read(file) : "";
    },
    async process(change) {
      const file = app.vault.getAbstractFileByPath(path);
      if (file instanceof TFile) await app.vault.process(file, change);
      else if (file) throw new Error(`"${path}" is a folder; the cleaner log could not be written.`);
      else await app.vault.create(path, change(""));
    },
  };
}
