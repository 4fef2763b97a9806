// Carries out a confirmed plan, and undoes an applied batch. Pure: the vault is reached
// only through FileOps (in Obsidian: fileManager.renameFile, fileManager.trashFile).
// Safety rules: every step re-checks the file right before acting on it, a move never
// targets an existing path, and one failing file is recorded while the batch goes on.

import type { DecisionBook, Fingerprint } from "./decisions";
import { baseName, freeNameAsync, parentOf, splitName } from "./names";
import { datasetFileProblem, labelDestinationProblem, trashFileProblem, VAULT_TRASH, type CleanerScope } from "./paths";
import { fingerprintMismatch, type Plan } from "./plan";
import { errorText } from "../shared/errors";

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

/** An error of the journal (the log could not be written): never recorded as a step's failure. */
class JournalError extends Error {
  constructor(readonly inner: unknown) {
    super(errorText(inner));
  }
}

async function journaled(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    throw new JournalError(e);
  }
}

function unwrap(e: unknown): unknown {
  return e instanceof JournalError ? e.inner : e;
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

async function hashOrUndefined(ops: FileOps, path: string): Promise<string | undefined> {
  if (!ops.hash) return undefined;
  try {
    return await ops.hash(path);
  } catch {
    return undefined;
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

/** The file's current state against a fingerprint: null when it still matches (the hash too, when recorded). */
export async function recheck(ops: FileOps, path: string, fp: Fingerprint): Promise<string | null> {
  const st = await ops.stat(path);
  const hash = st && fp.hash !== undefined && ops.hash ? await ops.hash(path) : undefined;
  return fingerprintMismatch(fp, st && (hash === undefined ? st : { ...st, hash }));
}

/** Moves `from` to the free path `to`; an adapter that throws after the move went through still counts. */
async function moveTo(ops: FileOps, from: string, to: string, expected: Fingerprint): Promise<void> {
  try {
    await ops.move(from, to);
  } catch (e) {
    // An adapter may report an error after the rename went through; the log must say where the file is.
    // Only when the file at `to` is this one: not a file that raced in while this one vanished.
    if (!(await existsOr(ops, from, true))) {
      const st = await statOrNull(ops, to);
      if (st && fingerprintMismatch({ size: expected.size, mtime: expected.mtime }, st) === null) return;
    }
    throw e;
  }
}

/** The steps of a plan, in the order they run (the intent recorded before the first). */
export function planSteps(plan: Plan): ApplyStep[] {
  return [
    ...plan.moves.map((m): ApplyStep => ({ op: "move", from: m.from, to: m.to, label: m.label, fp: { ...m.fingerprint } })),
    ...plan.deletions.map((d): ApplyStep => ({ op: "trash", path: d.path, fp: { ...d.fingerprint } })),
  ];
}

/** The path a step acts on. */
export function stepPath(step: ApplyStep): string {
  return step.op === "move" ? step.from : step.path;
}

/** Why a step may not run at all (a path outside the dataset's label folders), or null. */
export function stepRefusal(step: ApplyStep, scope: CleanerScope): string | null {
  const from = stepPath(step);
  const p1 = datasetFileProblem(from, scope);
  if (p1) return `refused "${from}": ${p1}`;
  if (step.op === "move") {
    const p2 = labelDestinationProblem(step.to, scope);
    if (p2) return `refused the destination "${step.to}": ${p2}`;
  }
  return null;
}

/** Carries out one step of a batch (re-checking the file first) and records it in the journal. */
export async function runApplyStep(step: ApplyStep, k: number, ops: FileOps, scope: CleanerScope, journal?: StepJournal): Promise<StepResult> {
  const result = await applyStepResult(step, k, ops, scope, journal);
  if (journal) await journaled(() => journal.end(k, result));
  return result;
}

async function applyStepResult(step: ApplyStep, k: number, ops: FileOps, scope: CleanerScope, journal?: StepJournal): Promise<StepResult> {
  const path = stepPath(step);
  const verb = step.op === "move" ? "not moved" : "not trashed";
  const failed = (reason: string): StepResult => ({ status: "failed", failed: { path, reason: `${verb}: ${reason}` } });
  const refusal = stepRefusal(step, scope);
  if (refusal) return failed(refusal);
  try {
    const mismatch = await recheck(ops, path, step.fp);
    if (mismatch) return failed(mismatch);
    if (step.op === "move") {
      const folder = parentOf(step.to);
      await ensureFolder(ops, folder);
      const to = await freeNameAsync(folder, baseName(step.to), (p) => ops.exists(p));
      if (journal) await journaled(() => journal.begin(k, to === step.to ? null : to));
      await moveTo(ops, step.from, to, step.fp);
      const st = (await statOrNull(ops, to)) ?? { size: step.fp.size, mtime: step.fp.mtime };
      const hash = (await hashOrUndefined(ops, to)) ?? step.fp.hash;
      return { status: "moved", move: { from: step.from, to, label: step.label, size: st.size, mtime: st.mtime, ...(hash ? { hash } : {}) } };
    }
    const st = await ops.stat(step.path);
    const hash = (await hashOrUndefined(ops, step.path)) ?? step.fp.hash;
    const fp: Fingerprint = { size: st?.size ?? step.fp.size, mtime: st?.mtime ?? step.fp.mtime, ...(hash ? { hash } : {}) };
    let result: TrashResult;
    try {
      if (journal) await journaled(() => journal.begin(k, null));
      result = await ops.trash(step.path);
    } catch (e) {
      if (e instanceof JournalError) throw e;
      // A trash call may fail after the file went: find it there, so undo can bring it back.
      if (await existsOr(ops, step.path, true)) throw e;
      const found = ops.locateTrashed ? await ops.locateTrashed(step.path, fp).catch(() => null) : null;
      if (found && trashFileProblem(found, scope) === null) {
        return { status: "trashed", trashed: { path: step.path, where: "vault-trash", trashPath: found, ...fp } };
      }
      return failed(`${errorText(e)}; it is no longer at "${step.path}": look in the trash`);
    }
    const entry: TrashedFile = { path: step.path, where: result.where, ...fp };
    if (result.where === "vault-trash") entry.trashPath = trashFileProblem(result.trashPath, scope) === null ? result.trashPath : "";
    return { status: "trashed", trashed: entry };
  } catch (e) {
    if (e instanceof JournalError) throw e;
    return failed(errorText(e));
  }
}

/** Adds a step's result to a batch. */
export function recordResult(batch: AppliedBatch, result: StepResult): void {
  if (result.status === "moved") batch.moves.push(result.move);
  else if (result.status === "trashed") batch.trashed.push(result.trashed);
  else if (result.status === "failed") batch.failed.push(result.failed);
}

export interface ApplyOptions {
  /** The write-ahead journal (the workflow's log); none in plain tests. */
  journal?: StepJournal;
  /** The vault's trash folder (default ".trash"). */
  trash?: string;
}

/**
 * Carries out a confirmed plan (planBatch) through `ops`: every step re-checks its file first
 * (size, time and, when recorded, content hash), a move never targets an existing path (a free
 * name is taken), one failing file is recorded in `failed` with its reason while the batch goes
 * on, and no path outside the dataset's label folders and the trash is touched (refused with a
 * message naming it).
 *
 * Returns the AppliedBatch (`id`, `at` = `now` as ISO 8601, `moves`, `trashed` with where each
 * file went, `failed`), which the log records and undo reverses. Throws only when the journal
 * (`options.journal`, the write-ahead log) cannot be written: the step it was for is not carried
 * out. The pane and the CLI run it through CleanerWorkflow (workflow.ts), which adds the
 * write-ahead log and one run per dataset at a time.
 */
export async function applyPlan(plan: Plan, ops: FileOps, now: Date, id: string = makeBatchId(now), options: ApplyOptions = {}): Promise<AppliedBatch> {
  const batch: AppliedBatch = { id, at: now.toISOString(), moves: [], trashed: [], failed: [] };
  const scope: CleanerScope = { dataset: plan.datasetFolder, trash: options.trash ?? VAULT_TRASH };
  const steps = planSteps(plan);
  for (let k = 0; k < steps.length; k++) {
    try {
      recordResult(batch, await runApplyStep(steps[k], k, ops, scope, options.journal));
    } catch (e) {
      throw unwrap(e);
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

/** What an undo will do: the files it moves back, those it cannot, and those it refuses. */
export interface UndoPlan {
  jobs: UndoJob[];
  notRestorable: NotRestorable[];
  /** Files the record names but undo leaves alone (no fingerprint, a path outside the scope). */
  refused: FailedFile[];
}

/** Plans the undo of `batch`; every path is checked against `scope` and every file needs its recorded size and time. */
export function planUndo(batch: AppliedBatch, scope: CleanerScope): UndoPlan {
  const plan: UndoPlan = { jobs: [], notRestorable: [], refused: [] };
  const add = (current: string, original: string, inTrash: boolean, size?: number, mtime?: number, hash?: string): void => {
    const p1 = datasetFileProblem(original, scope);
    const p2 = inTrash ? trashFileProblem(current, scope) : datasetFileProblem(current, scope);
    if (p1 || p2) {
      plan.refused.push({ path: original, reason: `not restored: the log names "${p1 ? original : current}", and ${p1 ?? p2}` });
    } else if (size === undefined || mtime === undefined) {
      plan.refused.push({ path: original, reason: `not restored: the log does not record the size and time of "${current}", so undo cannot tell it is the same file; it was left there` });
    } else {
      plan.jobs.push({ from: current, to: original, fp: { size, mtime, ...(hash ? { hash } : {}) } });
    }
  };
  for (const m of [...batch.moves].reverse()) add(m.to, m.from, false, m.size, m.mtime, m.hash);
  for (const t of batch.trashed) {
    if (t.where === "vault-trash" && t.trashPath) add(t.trashPath, t.path, true, t.size, t.mtime, t.hash);
    else if (t.where === "vault-trash") {
      plan.notRestorable.push({
        path: t.path,
        where: "vault-trash",
        message: `"${t.path}" went to the vault's .trash folder: restore "${baseName(t.path)}" from there by hand.`,
      });
    } else if (t.where === "system") {
      plan.notRestorable.push({
        path: t.path,
        where: "system",
        message:
          `"${baseName(t.path)}" is in the system trash (Trash on macOS and Linux, Recycle Bin on Windows): ` +
          `restore it from there, then move it back to "${parentOf(t.path) || "/"}".`,
      });
    } else {
      plan.notRestorable.push({
        path: t.path,
        where: "deleted",
        message: `"${t.path}" was deleted permanently (Obsidian's "Deleted files" setting is "Permanently delete"); it cannot be restored.`,
      });
    }
  }
  return plan;
}

/** Whether the file at `path` is still the one the batch left there; a reason when not. */
async function sameAsBatch(ops: FileOps, path: string, fp: Fingerprint): Promise<string | null> {
  const st = await ops.stat(path);
  if (!st) return `it is no longer at "${path}" (moved or deleted since the batch)`;
  const hash = fp.hash !== undefined && ops.hash ? await ops.hash(path) : undefined;
  return fingerprintMismatch(fp, hash === undefined ? st : { ...st, hash }) === null
    ? null
    : `the file at "${path}" changed since the batch, so it was left there`;
}

/** Moves one file back; records the step in the journal. */
export async function runUndoJob(job: UndoJob, k: number, ops: FileOps, journal?: StepJournal): Promise<StepResult> {
  let result: StepResult;
  try {
    const problem = await sameAsBatch(ops, job.from, job.fp);
    if (problem) result = { status: "failed", failed: { path: job.to, reason: `not restored: ${problem}` } };
    else {
      const folder = parentOf(job.to);
      await ensureFolder(ops, folder);
      const to = await freeNameAsync(folder, baseName(job.to), (p) => ops.exists(p));
      if (journal) await journaled(() => journal.begin(k, to === job.to ? null : to));
      await moveTo(ops, job.from, to, job.fp);
      result = { status: "restored", restored: { from: job.from, to } };
    }
  } catch (e) {
    if (e instanceof JournalError) throw e;
    result = { status: "failed", failed: { path: job.to, reason: `not restored from "${job.from}": ${errorText(e)}` } };
  }
  if (journal) await journaled(() => journal.end(k, result));
  return result;
}

/** The order undo runs its jobs: files whose original path is free first, so one file's free name never takes another's own name. */
export async function undoOrder(jobs: readonly UndoJob[], ops: FileOps): Promise<number[]> {
  const free: number[] = [];
  const blocked: number[] = [];
  for (let k = 0; k < jobs.length; k++) {
    const taken = await existsOr(ops, jobs[k].to, true);
    (taken ? blocked : free).push(k);
  }
  return [...free, ...blocked];
}

export interface UndoOptions {
  journal?: StepJournal;
  /** What undo may touch; default: the folder two levels above the first moved file, and ".trash". */
  scope?: CleanerScope;
  /** Jobs already done (an interrupted undo being finished): skipped. */
  skip?: ReadonlySet<number>;
}

function guessScope(batch: AppliedBatch): CleanerScope {
  const any = batch.moves[0]?.from ?? batch.trashed[0]?.path ?? batch.failed[0]?.path ?? "";
  return { dataset: parentOf(parentOf(any)), trash: VAULT_TRASH };
}

/** Runs an undo plan; `result` collects what happened. */
export async function runUndoPlan(plan: UndoPlan, result: UndoResult, ops: FileOps, options: UndoOptions = {}): Promise<void> {
  for (const k of await undoOrder(plan.jobs, ops)) {
    if (options.skip?.has(k)) continue;
    let r: StepResult;
    try {
      r = await runUndoJob(plan.jobs[k], k, ops, options.journal);
    } catch (e) {
      throw unwrap(e);
    }
    if (r.status === "restored") result.restored.push(r.restored);
    else if (r.status === "failed") result.failed.push(r.failed);
  }
}

/**
 * Undoes an applied batch: moved files go back to their original paths (a free name next to it when
 * that path is taken now), files in the vault's .trash are moved back. Files in the system trash, or
 * deleted permanently, are reported with where to find them. Only paths inside the scope are touched,
 * and only files that still match the size, time (and hash) the batch recorded.
 */
export async function undoBatch(batch: AppliedBatch & { undo?: UndoResult }, ops: FileOps, now: Date = new Date(), options: UndoOptions = {}): Promise<UndoResult> {
  // A batch read back from the log carries its undo; a second undo would move unrelated files.
  if (batch.undo) throw new Error(`The batch of ${batch.at} was already undone (${batch.undo.at}).`);
  const plan = planUndo(batch, options.scope ?? guessScope(batch));
  const result: UndoResult = { batchId: batch.id, at: now.toISOString(), restored: [], notRestorable: plan.notRestorable, failed: [...plan.refused] };
  await runUndoPlan(plan, result, ops, options);
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
