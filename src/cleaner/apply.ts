// Carries out a confirmed plan, and settles the decisions it carried out. Pure: the vault is
// reached only through FileOps (in Obsidian: fileManager.renameFile, fileManager.trashFile).
// Safety rules: every step re-checks the file right before acting on it, a move never
// targets an existing path, and one failing file is recorded while the batch goes on.
// Undo is in undo.ts, the shared record types in batch-types.ts.

import type { DecisionBook, Fingerprint } from "./decisions";
import type { AppliedBatch, ApplyStep, FileOps, StepJournal, StepResult, TrashedFile, TrashResult } from "./batch-types";
import { ensureFolder, existsOr, hashOrUndefined, JournalError, journaled, moveTo, recheck, statOrNull, unwrap } from "./guarded-steps";
import { baseName, freeNameAsync, labelProblem, parentOf } from "./names";
import { datasetFileProblem, labelDestinationProblem, trashFileProblem, VAULT_TRASH, type CleanerScope } from "./paths";
import type { Plan } from "./plan";
import { errorText } from "../shared/errors";
import { showInvisible } from "../shared/visible-text";

/** A batch id that sorts by time: `20261125T210045123Z-k3f9`. */
export function makeBatchId(now: Date): string {
  const suffix = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0");
  return `${now.toISOString().replace(/[-:.]/g, "")}-${suffix}`;
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

/**
 * Why a step cannot run, known before anything moves: its source is not an image in a label
 * folder of the dataset, or its destination is not a usable file name directly inside a label
 * folder (containment, control characters, "..", a label folder name that labelProblem refuses).
 * `role` says which path is at fault, `path` is that path, `reason` is plain text that does not
 * quote the path (renderers escape and show it: the CLI with oneLine, the pane as DOM text).
 */
export interface StepProblem {
  /** The step's index in the batch (planSteps order). */
  index: number;
  op: ApplyStep["op"];
  /** The file the step acts on. */
  source: string;
  role: "source" | "destination";
  /** The faulty path: the source, or the move's destination. */
  path: string;
  reason: string;
}

/**
 * The one validation apply runs for a step: the preflight (stepProblems, over the whole batch
 * before the first step) and each step right before it acts (runApplyStep) call it, so a step
 * never fails at move time for a reason the preflight could have known. Null when the step may run.
 */
export function stepProblem(step: ApplyStep, scope: CleanerScope, index = 0): StepProblem | null {
  const source = stepPath(step);
  const at = (role: StepProblem["role"], path: string, reason: string): StepProblem => ({ index, op: step.op, source, role, path, reason });
  const p1 = datasetFileProblem(source, scope);
  if (p1) return at("source", source, p1);
  if (step.op !== "move") return null;
  const p2 = labelDestinationProblem(step.to, scope);
  if (p2) return at("destination", step.to, p2);
  const label = labelProblem(baseName(parentOf(step.to)));
  if (label) return at("destination", step.to, `its label folder cannot be used (${label})`);
  return null;
}

/** Every step's problem (stepProblem), for refusing a batch whole before anything moves. */
export function stepProblems(steps: readonly ApplyStep[], scope: CleanerScope): StepProblem[] {
  return steps.flatMap((s, k) => stepProblem(s, scope, k) ?? []);
}

/** The preflight of every apply: throws BatchRefusedError naming each step stepProblem refuses, before anything moves. */
export function refuseBadSteps(steps: readonly ApplyStep[], scope: CleanerScope): void {
  const problems = stepProblems(steps, scope);
  if (problems.length) throw new BatchRefusedError(problems);
}

/**
 * A step problem as one line. `quote` shows a path (default: in double quotes, with control,
 * zero-width and bidi characters written `\u{XXXX}` by showInvisible; the CLI passes its oneLine).
 */
export function stepProblemText(p: StepProblem, quote: (s: string) => string = (s) => `"${showInvisible(s)}"`): string {
  const what = p.op === "move" ? "move" : "trash";
  if (p.role === "source") return `step ${p.index + 1} (${what} ${quote(p.source)}): ${p.reason}`;
  return `step ${p.index + 1} (${what} ${quote(p.source)}): the destination ${quote(p.path)} is refused: ${p.reason}`;
}

/** Thrown by the workflow's apply when any step of a batch has a StepProblem: nothing was moved. */
export class BatchRefusedError extends Error {
  constructor(readonly problems: readonly StepProblem[]) {
    super(`The batch is refused, nothing was moved: ${problems.map((p) => stepProblemText(p)).join("; ")}.`);
    this.name = "BatchRefusedError";
  }
}

/** Why a step may not run at all (stepProblem as text), or null. */
export function stepRefusal(step: ApplyStep, scope: CleanerScope): string | null {
  const p = stepProblem(step, scope);
  if (!p) return null;
  return p.role === "source" ? `refused "${p.path}": ${p.reason}` : `refused the destination "${p.path}": ${p.reason}`;
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
 * on, and no path outside the dataset's label folders and the trash is touched. A batch with
 * any step that stepProblem refuses (a source or destination known bad before anything moves) is
 * refused whole: BatchRefusedError, naming every such step, and nothing is moved.
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
  refuseBadSteps(steps, scope);
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

