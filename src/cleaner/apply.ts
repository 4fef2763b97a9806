// Carries out a confirmed plan, and undoes an applied batch. Pure: the vault is reached
// only through FileOps (in Obsidian: fileManager.renameFile, fileManager.trashFile).
// Safety rules: every step re-checks the file right before acting on it, a move never
// targets an existing path, and one failing file is recorded while the batch goes on.

import type { DecisionBook, Fingerprint } from "./decisions";
import { baseName, freeNameAsync, parentOf, splitName } from "./names";
import { fingerprintMismatch, type Plan } from "./plan";

/** Where `trash` put a file. */
export type TrashResult = { where: "vault-trash"; trashPath: string } | { where: "system" } | { where: "deleted" };

export type Awaitable<T> = T | Promise<T>;

/**
 * File operations on the live vault. Paths under `.trash/` are outside Obsidian's file index:
 * an adapter answers them through the raw adapter (exists, stat, rename), not through TFiles.
 */
export interface FileOps {
  /**
   * Whether a file or folder exists at `path`. On a case-insensitive file system (macOS, Windows)
   * this must ignore case, so free names avoid `A.jpg` next to `a.jpg`.
   */
  exists(path: string): Awaitable<boolean>;
  /** Size and modification time of the file at `path`; null when there is no file there. */
  stat(path: string): Awaitable<{ size: number; mtime: number } | null>;
  /** Moves a file, keeping links to it. Must fail (throw) when `to` exists. */
  move(from: string, to: string): Promise<void>;
  /** Moves a file to the trash the user chose, and says where it went (see `newTrashEntry`). */
  trash(path: string): Promise<TrashResult>;
  /** Creates a folder and its parents. */
  mkdir(path: string): Promise<void>;
  /** Content hash of a file, when decisions record one. */
  hash?(path: string): Promise<string>;
}

/**
 * Where a file sent to the vault's `.trash` folder landed, from the folder's listing before and after
 * (Obsidian's trashFile does not say; it may rename on collision). Null when no single entry fits.
 */
export function newTrashEntry(before: Iterable<string>, after: Iterable<string>, originalPath: string): string | null {
  const old = new Set(before);
  const added = [...after].filter((p) => !old.has(p));
  if (added.length <= 1) return added[0] ?? null;
  // Several new entries (something else was trashed meanwhile): the one named after the file.
  const { stem, ext } = splitName(baseName(originalPath));
  const named = added.filter((p) => {
    const n = baseName(p);
    return n.startsWith(stem) && n.endsWith(ext);
  });
  if (named.length <= 1) return named[0] ?? null;
  return named.find((p) => baseName(p) === baseName(originalPath)) ?? null;
}

export interface AppliedMove {
  from: string;
  to: string;
  label?: string;
  /** The file's size and mtime when it was moved, so undo moves back the same file. */
  size?: number;
  mtime?: number;
}

export interface TrashedFile {
  path: string;
  where: TrashResult["where"];
  /** Where the file lies in the vault's .trash folder (`where` = "vault-trash"). */
  trashPath?: string;
  size?: number;
  mtime?: number;
}

export interface FailedFile {
  path: string;
  reason: string;
}

export interface AppliedBatch {
  id: string;
  /** ISO time of the apply. */
  at: string;
  moves: AppliedMove[];
  trashed: TrashedFile[];
  failed: FailedFile[];
}

export interface RestoredFile {
  /** Where the file was before undo (the batch's destination, or its place in .trash). */
  from: string;
  /** Where it is now: its original path, or a free name next to it when that path is taken. */
  to: string;
}

export interface NotRestorable {
  path: string;
  where: "system" | "deleted" | "vault-trash";
  message: string;
}

export interface UndoResult {
  batchId: string;
  /** ISO time of the undo. */
  at: string;
  restored: RestoredFile[];
  /** Files undo cannot bring back itself; `message` says where to look (or that they are gone). */
  notRestorable: NotRestorable[];
  failed: FailedFile[];
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A batch id that sorts by time: `20261125T210045123Z-k3f9`. */
export function makeBatchId(now: Date): string {
  const suffix = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0");
  return `${now.toISOString().replace(/[-:.]/g, "")}-${suffix}`;
}

/** For bookkeeping after a step succeeded: a failing check must not turn a done step into a "failed" one. */
async function statOrNull(ops: FileOps, path: string): Promise<{ size: number; mtime: number } | null> {
  try {
    return await ops.stat(path);
  } catch {
    return null;
  }
}

async function existsOr(ops: FileOps, path: string, fallback: boolean): Promise<boolean> {
  try {
    return await ops.exists(path);
  } catch {
    return fallback;
  }
}

async function ensureFolder(ops: FileOps, folder: string): Promise<void> {
  if (folder !== "" && !(await ops.exists(folder))) await ops.mkdir(folder);
}

/** The file's current state against its review fingerprint: null when it still matches. */
async function recheck(ops: FileOps, path: string, fp: Fingerprint): Promise<string | null> {
  const st = await ops.stat(path);
  const hash = st && fp.hash !== undefined && ops.hash ? await ops.hash(path) : undefined;
  return fingerprintMismatch(fp, st && (hash === undefined ? st : { ...st, hash }));
}

/** Moves `from` into `folder` under `name` or a free variant of it; returns the path used. */
async function moveToFree(
  ops: FileOps,
  from: string,
  folder: string,
  name: string,
  expected?: { size?: number; mtime?: number },
): Promise<string> {
  await ensureFolder(ops, folder);
  const to = await freeNameAsync(folder, name, (p) => ops.exists(p));
  try {
    await ops.move(from, to);
  } catch (e) {
    // An adapter may report an error after the rename went through; the log must say where the file is.
    // Only when the file at `to` is this one: not a file that raced in while this one vanished.
    if (!(await ops.exists(from)) && expected?.size !== undefined && expected.mtime !== undefined) {
      const st = await ops.stat(to);
      if (st && fingerprintMismatch({ size: expected.size, mtime: expected.mtime }, st) === null) return to;
    }
    throw e;
  }
  return to;
}

export async function applyPlan(plan: Plan, ops: FileOps, now: Date, id: string = makeBatchId(now)): Promise<AppliedBatch> {
  const batch: AppliedBatch = { id, at: now.toISOString(), moves: [], trashed: [], failed: [] };

  for (const m of plan.moves) {
    try {
      const mismatch = await recheck(ops, m.from, m.fingerprint);
      if (mismatch) {
        batch.failed.push({ path: m.from, reason: `not moved: ${mismatch}` });
        continue;
      }
      const to = await moveToFree(ops, m.from, parentOf(m.to), baseName(m.to), m.fingerprint);
      const st = await statOrNull(ops, to);
      batch.moves.push({ from: m.from, to, label: m.label, ...(st ? { size: st.size, mtime: st.mtime } : {}) });
    } catch (e) {
      batch.failed.push({ path: m.from, reason: `not moved: ${errorText(e)}` });
    }
  }

  for (const d of plan.deletions) {
    try {
      const mismatch = await recheck(ops, d.path, d.fingerprint);
      if (mismatch) {
        batch.failed.push({ path: d.path, reason: `not trashed: ${mismatch}` });
        continue;
      }
      const st = await ops.stat(d.path);
      const result = await ops.trash(d.path);
      const entry: TrashedFile = { path: d.path, where: result.where };
      if (result.where === "vault-trash") entry.trashPath = result.trashPath;
      if (st) {
        entry.size = st.size;
        entry.mtime = st.mtime;
      }
      batch.trashed.push(entry);
    } catch (e) {
      const gone = !(await existsOr(ops, d.path, true));
      const hint = gone ? `; it is no longer at "${d.path}": look in the trash` : "";
      batch.failed.push({ path: d.path, reason: `not trashed: ${errorText(e)}${hint}` });
    }
  }
  return batch;
}

/**
 * Forgets the decisions a batch settled: files moved or trashed, no-op relabels, files gone or
 * outside the dataset. Decisions on files changed since review stay, for the user to look again.
 */
export function settleDecisions(book: DecisionBook, plan: Plan, batch: AppliedBatch): void {
  const done = [
    ...batch.moves.map((m) => m.from),
    ...batch.trashed.map((t) => t.path),
    ...plan.skipped.filter((s) => s.code !== "changed" && s.code !== "bad-label").map((s) => s.path),
  ];
  book.forget(done);
}

/** Whether the file at `path` is still the one the batch left there; a reason when not. */
async function sameAsBatch(ops: FileOps, path: string, size?: number, mtime?: number): Promise<string | null> {
  const st = await ops.stat(path);
  if (!st) return `it is no longer at "${path}" (moved or deleted since the batch)`;
  if (size === undefined || mtime === undefined) return null;
  return fingerprintMismatch({ size, mtime }, st) === null ? null : `the file at "${path}" changed since the batch, so it was left there`;
}

/**
 * Undoes an applied batch: moved files go back to their original paths (a free name next to it when
 * that path is taken now), files in the vault's .trash are moved back. Files in the system trash, or
 * deleted permanently, are reported with where to find them.
 */
export async function undoBatch(batch: AppliedBatch & { undo?: UndoResult }, ops: FileOps, now: Date = new Date()): Promise<UndoResult> {
  // A batch read back from the log carries its undo; a second undo would move unrelated files.
  if (batch.undo) throw new Error(`The batch of ${batch.at} was already undone (${batch.undo.at}).`);
  const result: UndoResult = { batchId: batch.id, at: now.toISOString(), restored: [], notRestorable: [], failed: [] };

  const restore = async (current: string, original: string, size?: number, mtime?: number): Promise<void> => {
    try {
      const problem = await sameAsBatch(ops, current, size, mtime);
      if (problem) {
        result.failed.push({ path: original, reason: `not restored: ${problem}` });
        return;
      }
      const to = await moveToFree(ops, current, parentOf(original), baseName(original), { size, mtime });
      result.restored.push({ from: current, to });
    } catch (e) {
      result.failed.push({ path: original, reason: `not restored from "${current}": ${errorText(e)}` });
    }
  };

  // Files whose original path is free go first, so one file's free name never takes another's own name.
  const jobs: { current: string; original: string; size?: number; mtime?: number }[] = [
    ...[...batch.moves].reverse().map((m) => ({ current: m.to, original: m.from, size: m.size, mtime: m.mtime })),
    ...batch.trashed.flatMap((t) =>
      t.where === "vault-trash" && t.trashPath ? [{ current: t.trashPath, original: t.path, size: t.size, mtime: t.mtime }] : [],
    ),
  ];
  const blocked = new Set<string>();
  for (const j of jobs) {
    try {
      if (await ops.exists(j.original)) blocked.add(j.original);
    } catch {
      blocked.add(j.original); // restore() will report the error
    }
  }
  for (const j of jobs) if (!blocked.has(j.original)) await restore(j.current, j.original, j.size, j.mtime);
  for (const j of jobs) if (blocked.has(j.original)) await restore(j.current, j.original, j.size, j.mtime);

  for (const t of batch.trashed) {
    if (t.where === "vault-trash" && t.trashPath) continue; // restored above
    if (t.where === "vault-trash") {
      result.notRestorable.push({
        path: t.path,
        where: "vault-trash",
        message: `"${t.path}" went to the vault's .trash folder: restore "${baseName(t.path)}" from there by hand.`,
      });
    } else if (t.where === "system") {
      result.notRestorable.push({
        path: t.path,
        where: "system",
        message:
          `"${baseName(t.path)}" is in the system trash (Trash on macOS and Linux, Recycle Bin on Windows): ` +
          `restore it from there, then move it back to "${parentOf(t.path) || "/"}".`,
      });
    } else {
      result.notRestorable.push({
        path: t.path,
        where: "deleted",
        message: `"${t.path}" was deleted permanently (Obsidian's "Deleted files" setting is "Permanently delete"); it cannot be restored.`,
      });
    }
  }
  return result;
}

/** Obsidian's "Deleted files" setting (config key `trashOption`). */
export type TrashOption = "system" | "local" | "none";

export interface TrashBehaviour {
  option: TrashOption;
  /** Deleted images can be brought back at all. */
  recoverable: boolean;
  /** Undo in the pane brings them back by itself. */
  undoable: boolean;
  /** Shown before apply when deletions are planned; null when nothing needs saying. */
  warning: string | null;
}

/** What deleting means under the user's trash setting; unknown values are read as Obsidian's default, "system". */
export function trashBehaviour(option: unknown): TrashBehaviour {
  if (option === "local") return { option, recoverable: true, undoable: true, warning: null };
  if (option === "none") {
    return {
      option,
      recoverable: false,
      undoable: false,
      warning:
        'Obsidian\'s "Deleted files" setting is "Permanently delete": deleted images cannot be restored, not even by undo. ' +
        'Change it to "Move to Obsidian trash" (Settings → Files and links) to be able to undo deletions.',
    };
  }
  return {
    option: "system",
    recoverable: true,
    undoable: false,
    warning:
      "Deleted images go to the system trash: undo moves relabeled images back, but deleted ones must be restored from the system trash by hand.",
  };
}

/** A short text for a notice after undo. */
export function undoMessage(r: UndoResult): string {
  const lines = [`Undo: ${r.restored.length} file${r.restored.length === 1 ? "" : "s"} restored.`];
  for (const n of r.notRestorable) lines.push(n.message);
  for (const f of r.failed) lines.push(`${f.path}: ${f.reason}`);
  return lines.join("\n");
}
