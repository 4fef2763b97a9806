// The records of the cleaner's file work: the FileOps port the vault is reached through, the steps of
// an apply or undo, their results, and the batches and undos the log keeps. Types only.

import type { Fingerprint } from "./decisions";

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
  /** Content hash of a file (SHA-256 hex); recorded in decisions and batches, compared before acting. */
  hash?(path: string): Promise<string>;
  /**
   * Where a file that was at `originalPath` lies in the vault's trash, found by name and
   * fingerprint; null when no single file fits. For a trash call that threw after it worked,
   * and for a batch interrupted during a trash.
   */
  locateTrashed?(originalPath: string, fingerprint: Fingerprint): Promise<string | null>;
}

export interface AppliedMove {
  from: string;
  to: string;
  label?: string;
  /** The file's size, mtime and content hash when it was moved, so undo moves back the same file. */
  size?: number;
  mtime?: number;
  hash?: string;
}

export interface TrashedFile {
  path: string;
  where: TrashResult["where"];
  /** Where the file lies in the vault's .trash folder (`where` = "vault-trash"); "" when not known. */
  trashPath?: string;
  size?: number;
  mtime?: number;
  hash?: string;
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
  /** Set when the batch was interrupted (the app or the CLI stopped during it) and closed afterwards. */
  interrupted?: string;
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
  /** The undo's own id (write-ahead logs); absent in older logs. */
  id?: string;
  interrupted?: string;
}

/** One step of a batch, as its intent is recorded before the first one runs. Moves first, then trashes. */
export type ApplyStep =
  | { op: "move"; from: string; to: string; label: string; fp: Fingerprint }
  | { op: "trash"; path: string; fp: Fingerprint };

/** One file an undo moves back: from where the batch left it to its original path. */
export interface UndoJob {
  /** Where the batch left the file (its destination, or its place in .trash). */
  from: string;
  /** Its original path; a free name next to it when that is taken at undo time. */
  to: string;
  fp: Fingerprint;
}

/** How a step ended. */
export type StepResult =
  | { status: "moved"; move: AppliedMove }
  | { status: "trashed"; trashed: TrashedFile }
  | { status: "restored"; restored: RestoredFile }
  | { status: "failed"; failed: FailedFile };

/**
 * The write-ahead journal: `begin` is awaited before step k acts on a file, with its exact
 * destination when that differs from the one in the recorded intent; `end` after it finished.
 * An error thrown by the journal stops the run (nothing acts unrecorded).
 */
export interface StepJournal {
  begin(k: number, to: string | null): Promise<void>;
  end(k: number, result: StepResult): Promise<void>;
}
