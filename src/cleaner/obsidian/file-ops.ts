// The cleaner's thin adapter over the live vault: FileOps (apply/undo) and VaultView (plan)
// on app.fileManager, app.vault and, for the vault's `.trash` folder (outside Obsidian's file
// index), vault.adapter. Backlinks from metadataCache.resolvedLinks; the log note through
// vault.process.
import { normalizePath, TFile, type App } from "obsidian";
import type { FileOps, TrashResult } from "../apply";
import { newTrashEntry, trashBehaviour, type TrashBehaviour } from "../apply";
import { appendLogEntry, logNotePath, parseLog, type ParsedLog } from "../log";
import { joinPath } from "../names";
import type { VaultView } from "../plan";

export const VAULT_TRASH = ".trash";

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

export class ObsidianVaultView implements VaultView {
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
}

export class ObsidianFileOps implements FileOps {
  constructor(private readonly app: App) {}

  async exists(path: string): Promise<boolean> {
    const p = normalizePath(path);
    if (!isInTrash(p) && indexed(this.app, p)) return true;
    // Files Obsidian has not indexed yet (or in .trash) are still there: never overwrite them.
    return this.app.vault.adapter.exists(p);
  }

  async stat(path: string): Promise<{ size: number; mtime: number } | null> {
    const p = normalizePath(path);
    const f = this.app.vault.getAbstractFileByPath(p);
    if (f instanceof TFile) return { size: f.stat.size, mtime: f.stat.mtime };
    if (!isInTrash(p)) return null;
    const st = await this.app.vault.adapter.stat(p);
    return st && st.type === "file" ? { size: st.size, mtime: st.mtime } : null;
  }

  async move(from: string, to: string): Promise<void> {
    const src = normalizePath(from);
    const dest = normalizePath(to);
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
    const p = normalizePath(path);
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
    const p = normalizePath(path);
    if (!(await this.exists(p))) await this.app.vault.createFolder(p);
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
  if (!(file instanceof TFile)) return { batches: [], warnings: [] };
  return parseLog(await app.vault.read(file));
}
