// The vault as the classifier core's FileStore, for every feature that reads or writes model and
// dataset files (the classifier, the production export). Paths under the config folder
// (.obsidian/…: the plugin's caches and downloaded backbones) go through vault.adapter; everything
// else through the Vault API, so that the model folders it writes appear in the file explorer.
// It never writes over a user's file: vault writes only create new files.
import { normalizePath, TFile, TFolder, type App, type TAbstractFile } from "obsidian";
import type { FileStore, StoredFile } from "../../classifier/types";
import type { FolderLister } from "../../classifier/dataset";
import { requireVaultPath } from "../vault-path";

export type VaultStore = FileStore & FolderLister;

/** A vault path; anything that would resolve outside the vault ("..", absolute, a drive, a backslash) is refused. */
function clean(path: string): string {
  const p = normalizePath(path);
  if (p === "/" || p === "") return "";
  return requireVaultPath(p);
}

function toBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer) return data.buffer;
  return data.slice().buffer;
}

export function createVaultStore(app: App): VaultStore {
  const { vault } = app;
  const adapter = vault.adapter;
  const configDir = clean(vault.configDir);
  // Dot-paths are not in the vault's index (Obsidian hides them): reach them through the adapter.
  const viaAdapter = (path: string): boolean => path === configDir || path.startsWith(`${configDir}/`) || path.split("/").some((p) => p.startsWith("."));
  const node = (path: string): TAbstractFile | null => (path === "" ? vault.getRoot() : vault.getAbstractFileByPath(path));

  async function adapterListFiles(folder: string, out: StoredFile[], folders: string[] | null): Promise<void> {
    const listed = await adapter.list(folder);
    for (const f of listed.files) {
      const st = await adapter.stat(f);
      out.push({ path: clean(f), size: st?.size ?? 0, mtime: st?.mtime ?? 0 });
    }
    for (const sub of listed.folders) {
      folders?.push(clean(sub));
      await adapterListFiles(sub, out, folders);
    }
  }

  async function ensureFolder(path: string): Promise<void> {
    if (path === "") return;
    if (viaAdapter(path)) {
      if (!(await adapter.exists(path))) await adapter.mkdir(path);
      return;
    }
    const existing = vault.getAbstractFileByPath(path);
    if (existing instanceof TFolder) return;
    if (existing) throw new Error(`"${path}" is a file, not a folder`);
    const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    await ensureFolder(parent);
    await vault.createFolder(path);
  }

  async function writeNew(path: string, data: Uint8Array | string): Promise<void> {
    const p = clean(path);
    if (viaAdapter(p)) {
      // Plugin-owned files under the config folder (caches): replacing them is fine.
      if (typeof data === "string") await adapter.write(p, data);
      else await adapter.writeBinary(p, toArrayBuffer(data));
      return;
    }
    if (vault.getAbstractFileByPath(p) || (await adapter.exists(p))) throw new Error(`"${p}" already exists; it is left untouched`);
    const parent = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "";
    await ensureFolder(parent);
    if (typeof data === "string") await vault.create(p, data);
    else await vault.createBinary(p, toArrayBuffer(data));
  }

  return {
    async list(folder) {
      const root = clean(folder);
      if (viaAdapter(root)) {
        if (!(await adapter.exists(root))) return null;
        const st = await adapter.stat(root);
        if (st && st.type !== "folder") return null;
        const out: StoredFile[] = [];
        await adapterListFiles(root, out, null);
        return out;
      }
      const start = node(root);
      if (!(start instanceof TFolder)) return null;
      const out: StoredFile[] = [];
      const walk = (f: TFolder): void => {
        for (const child of f.children) {
          if (child instanceof TFile) out.push({ path: child.path, size: child.stat.size, mtime: child.stat.mtime });
          else if (child instanceof TFolder) walk(child);
        }
      };
      walk(start);
      return out;
    },
    async listFolders(folder) {
      const root = clean(folder);
      const start = node(root);
      if (!(start instanceof TFolder)) return null;
      const out: string[] = [];
      const walk = (f: TFolder): void => {
        for (const child of f.children) {
          if (child instanceof TFolder) {
            out.push(child.path);
            walk(child);
          }
        }
      };
      walk(start);
      return out;
    },
    async exists(path) {
      const p = clean(path);
      if (p === "") return true;
      return vault.getAbstractFileByPath(p) !== null || (await adapter.exists(p));
    },
    async readBinary(path) {
      const p = clean(path);
      const file = vault.getAbstractFileByPath(p);
      if (file instanceof TFile) return toBytes(await vault.readBinary(file));
      if (file) throw new Error(`"${p}" is a folder`);
      return toBytes(await adapter.readBinary(p));
    },
    async readText(path) {
      const p = clean(path);
      const file = vault.getAbstractFileByPath(p);
      if (file instanceof TFile) return vault.read(file);
      return adapter.read(p);
    },
    mkdir: (path) => ensureFolder(clean(path)),
    writeBinary: (path, data) => writeNew(path, data),
    writeText: (path, text) => writeNew(path, text),
    async rename(from, to) {
      const a = clean(from);
      const b = clean(to);
      if (vault.getAbstractFileByPath(b) || (await adapter.exists(b))) throw new Error(`cannot move "${a}" to "${b}": "${b}" exists`);
      const file = vault.getAbstractFileByPath(a);
      // Only plugin-owned model and cache files are moved, so links need no updating.
      if (file) await vault.rename(file, b);
      else await adapter.rename(a, b);
    },
    async removeOwn(path) {
      const p = clean(path);
      const file = vault.getAbstractFileByPath(p);
      if (file) {
        // Only the plugin's own temporary output (an unfinished model folder) comes here; the
        // user's deletion preference still decides where it goes.
        await app.fileManager.trashFile(file);
        return;
      }
      const st = await adapter.stat(p);
      if (!st) return;
      if (st.type === "folder") await adapter.rmdir(p, true);
      else await adapter.remove(p);
    },
  };
}
