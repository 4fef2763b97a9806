// An in-memory vault for the cleaner's tests: implements FileOps and VaultView, keeps a vault
// `.trash/` folder, a simulated system trash and a record of permanent deletions, and refuses
// (and records) any move onto an existing path, so tests can assert nothing was overwritten.

import type { FileOps, TrashResult } from "../../../src/cleaner/batch-types";
import type { Fingerprint } from "../../../src/cleaner/decisions";
import { baseName, freeName, isInside, joinPath, parentOf, splitName } from "../../../src/cleaner/names";
import type { LogStore } from "../../../src/cleaner/workflow";
import type { VaultView } from "../../../src/cleaner/plan";

export type TrashMode = TrashResult["where"];
export type Content = string | Uint8Array;

export interface MemFile {
  content: Content;
  mtime: number;
}

export type Op = "move" | "trash" | "mkdir";

export const VAULT_TRASH = ".trash";

function sizeOf(c: Content): number {
  return typeof c === "string" ? new TextEncoder().encode(c).length : c.length;
}

/** Content as a comparable key (strings as themselves, bytes as hex). */
export function contentKey(c: Content): string {
  return typeof c === "string" ? c : `bytes:${Array.from(c, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class MemoryVault implements FileOps, VaultView {
  readonly files = new Map<string, MemFile>();
  readonly folders = new Set<string>();
  trashMode: TrashMode = "vault-trash";
  /** Like macOS and Windows: `A.jpg` and `a.jpg` are the same name. */
  caseInsensitive = false;
  /** Files sent to the simulated system trash. */
  readonly systemTrash: { name: string; from: string; content: Content }[] = [];
  /** Files deleted permanently ("deleted" trash mode): gone by the user's choice. */
  readonly permanentlyDeleted: { path: string; content: Content }[] = [];
  /** Every move that targeted an existing path (each was refused). Must stay empty. */
  readonly overwriteAttempts: { from: string; to: string }[] = [];
  /** Called right before an operation acts: a test simulates outside changes here. */
  beforeOp: ((op: Op, path: string) => void) | null = null;
  /** Returns an error message to make an operation fail. */
  failOp: ((op: Op, path: string) => string | null) | null = null;
  private clock = 1_700_000_000_000;

  constructor(
    readonly datasetFolder = "ds",
    files: Record<string, Content> = {},
  ) {
    for (const [p, c] of Object.entries(files)) this.write(p, c);
  }

  /** Advances the clock; every write gets a fresh mtime. */
  tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  // VaultView and FileOps

  exists(path: string): boolean {
    if (path === "" || this.files.has(path) || this.folders.has(path)) return true;
    if (!this.caseInsensitive) return false;
    const lower = path.toLowerCase();
    for (const p of this.files.keys()) if (p.toLowerCase() === lower) return true;
    for (const p of this.folders) if (p.toLowerCase() === lower) return true;
    return false;
  }

  stat(path: string): { size: number; mtime: number } | null {
    const f = this.files.get(path);
    return f ? { size: sizeOf(f.content), mtime: f.mtime } : null;
  }

  labelFolder(label: string): string {
    return joinPath(this.datasetFolder, label);
  }

  async move(from: string, to: string): Promise<void> {
    await Promise.resolve();
    this.hook("move", from);
    const f = this.files.get(from);
    if (!f) throw new Error(`move: no file at "${from}"`);
    if (this.exists(to)) {
      this.overwriteAttempts.push({ from, to });
      throw new Error(`move: "${to}" already exists`);
    }
    if (!this.folders.has(parentOf(to)) && parentOf(to) !== "") throw new Error(`move: folder "${parentOf(to)}" does not exist`);
    this.files.delete(from);
    // A rename keeps the modification time, as on a real file system.
    this.files.set(to, f);
  }

  async trash(path: string): Promise<TrashResult> {
    await Promise.resolve();
    this.hook("trash", path);
    const f = this.files.get(path);
    if (!f) throw new Error(`trash: no file at "${path}"`);
    this.files.delete(path);
    if (this.trashMode === "vault-trash") {
      this.folders.add(VAULT_TRASH);
      const trashPath = freeName(VAULT_TRASH, baseName(path), (p) => this.exists(p));
      this.files.set(trashPath, f);
      return { where: "vault-trash", trashPath };
    }
    if (this.trashMode === "system") {
      this.systemTrash.push({ name: baseName(path), from: path, content: f.content });
      return { where: "system" };
    }
    this.permanentlyDeleted.push({ path, content: f.content });
    return { where: "deleted" };
  }

  async mkdir(path: string): Promise<void> {
    await Promise.resolve();
    this.hook("mkdir", path);
    if (this.files.has(path)) throw new Error(`mkdir: "${path}" is a file`);
    this.addFolders(path);
  }

  async hash(path: string): Promise<string> {
    await Promise.resolve();
    const f = this.files.get(path);
    if (!f) throw new Error(`hash: no file at "${path}"`);
    return contentKey(f.content);
  }

  async locateTrashed(originalPath: string, fp: Fingerprint): Promise<string | null> {
    await Promise.resolve();
    const { stem, ext } = splitName(baseName(originalPath));
    const hits = [...this.files.entries()].filter(([p, f]) => {
      const n = baseName(p);
      return isInside(p, VAULT_TRASH) && n.startsWith(stem) && n.endsWith(ext) && sizeOf(f.content) === fp.size && (fp.hash === undefined || contentKey(f.content) === fp.hash);
    });
    return hits.length === 1 ? hits[0][0] : null;
  }

  /** The note at `path` as the workflow's log. */
  logStore(path: string): LogStore {
    return {
      read: async () => {
        await Promise.resolve();
        const c = this.read(path);
        return typeof c === "string" ? c : "";
      },
      process: async (change) => {
        await Promise.resolve();
        this.process(path, change);
      },
    };
  }

  // Changes made outside the pane (the user, a sync tool)

  /** Creates or overwrites a file (a new mtime), creating its folders. */
  write(path: string, content: Content): void {
    this.addFolders(parentOf(path));
    this.files.set(path, { content, mtime: this.tick() });
  }

  remove(path: string): void {
    if (!this.files.delete(path)) throw new Error(`remove: no file at "${path}"`);
  }

  rename(from: string, to: string): void {
    const f = this.files.get(from);
    if (!f || this.exists(to)) throw new Error(`rename: cannot move "${from}" to "${to}"`);
    this.addFolders(parentOf(to));
    this.files.delete(from);
    this.files.set(to, f);
  }

  read(path: string): Content | undefined {
    return this.files.get(path)?.content;
  }

  /** Like Obsidian's vault.process on a text file; creates it when missing. */
  process(path: string, fn: (text: string) => string): string {
    const f = this.files.get(path);
    const before = f ? f.content : "";
    if (typeof before !== "string") throw new Error(`process: "${path}" is not text`);
    const after = fn(before);
    this.write(path, after);
    return after;
  }

  /** Files below `folder` (any depth), sorted. */
  list(folder: string): string[] {
    return [...this.files.keys()].filter((p) => isInside(p, folder)).sort();
  }

  /** Content keys of every file that still exists somewhere (vault incl. .trash, system trash) plus permanent deletions, sorted. */
  accountedContents(except: (path: string) => boolean = () => false): string[] {
    const all = [...this.files.entries()].filter(([p]) => !except(p)).map(([, f]) => contentKey(f.content));
    for (const t of this.systemTrash) all.push(contentKey(t.content));
    for (const d of this.permanentlyDeleted) all.push(contentKey(d.content));
    return all.sort();
  }

  private addFolders(folder: string): void {
    for (let f = folder; f !== ""; f = parentOf(f)) this.folders.add(f);
  }

  private hook(op: Op, path: string): void {
    this.beforeOp?.(op, path);
    const err = this.failOp?.(op, path);
    if (err) throw new Error(err);
  }
}
