// Undoes an applied batch: moved files go back, files in the vault's .trash come back, the others are
// reported with where to find them. Pure: the vault is reached only through FileOps; every file is
// re-checked against the size, time (and hash) the batch recorded before it is moved.

import type { Fingerprint } from "./decisions";
import type { AppliedBatch, FailedFile, FileOps, NotRestorable, StepJournal, StepResult, UndoJob, UndoResult } from "./batch-types";
import { ensureFolder, existsOr, JournalError, journaled, moveTo, unwrap } from "./guarded-steps";
import { baseName, freeNameAsync, parentOf } from "./names";
import { datasetFileProblem, trashFileProblem, VAULT_TRASH, type CleanerScope } from "./paths";
import { fingerprintMismatch } from "./plan";
import { errorText } from "../shared/errors";

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

/** A short text for a notice after undo. */
export function undoMessage(r: UndoResult): string {
  const lines = [`Undo: ${r.restored.length} file${r.restored.length === 1 ? "" : "s"} restored.`];
  for (const n of r.notRestorable) lines.push(n.message);
  for (const f of r.failed) lines.push(`${f.path}: ${f.reason}`);
  return lines.join("\n");
}
