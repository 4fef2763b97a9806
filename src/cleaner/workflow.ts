// The cleaner's apply / undo / recovery workflow over a file store and the log note, shared by
// the pane and the CLI. Pure: no Obsidian import; the vault is reached through FileOps and the
// log note through LogStore.
//
// - Write-ahead: an apply records its intent (every step) before the first move, and each step
//   as it completes; an undo does the same. After a crash at any point the log says which files
//   moved, and `finish` completes the run or `undo` reverses it.
// - Containment: only the dataset's label folders and the trash are touched; records are read
//   back only when every path they name lies there (see paths.ts, log.ts).
// - Exclusive: one apply, undo or finish at a time per dataset; a second call is refused with a
//   message (BusyError).

import { makeBatchId, planSteps, recordResult, refuseBadSteps, runApplyStep, stepPath } from "./apply";
import { planUndo, runUndoJob, undoOrder } from "./undo";
import type { AppliedBatch, ApplyStep, FailedFile, FileOps, StepJournal, StepResult, UndoJob, UndoResult } from "./batch-types";
import type { Fingerprint } from "./decisions";
import { appendLogEntry, appendLogLine, displayTime, formatIntentEntry, formatLogEntry, formatStepLine, formatUndoEntry, formatUndoIntentEntry } from "./log-format";
import { lastUndoable, parseLog, type LoggedBatch, type OpenRun, type ParsedLog } from "./log-parse";
import type { ApplyIntent, UndoIntent } from "./log";
import { trashFileProblem, type CleanerScope } from "./paths";
import { fingerprintMismatch, type Plan } from "./plan";

/** The dataset's log note. */
export interface LogStore {
  /** The note's text; "" when there is no note. */
  read(): Promise<string>;
  /** Replaces the note's text with `change(text)` in one step (vault.process), creating the note when missing. */
  process(change: (text: string) => string): Promise<void>;
}

/** Refused because another apply, undo or finish is running on the same dataset. */
export class BusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BusyError";
  }
}

/** What runs, per dataset, in this process (shared by every pane and command). */
const running = new Map<string, string>();

export interface ApplyOutcome {
  batch: AppliedBatch;
  /** Log records that were ignored (damaged, forged, outside the scope). */
  warnings: string[];
}

export interface UndoOutcome {
  /** The batch undone. */
  batch: LoggedBatch;
  result: UndoResult;
  warnings: string[];
  /** The undo finished an undo that had been interrupted. */
  resumed: boolean;
}

export type FinishOutcome = { kind: "apply"; batch: AppliedBatch; warnings: string[] } | { kind: "undo"; outcome: UndoOutcome };

export interface WorkflowOptions {
  scope: CleanerScope;
  ops: FileOps;
  log: LogStore;
  now?: () => Date;
}

const INTERRUPTED = "the batch was interrupted (the app or the command stopped during it)";

/** A message about an interrupted run, for the pane and the CLI. */
export function interruptedMessage(open: OpenRun): string {
  const total = open.kind === "apply" ? open.intent.steps.length : open.intent.jobs.length;
  const what = open.kind === "apply" ? `The cleaner batch of ${displayTime(open.intent.at)}` : `The undo of ${displayTime(open.intent.at)}`;
  return `${what} was interrupted before it finished (${open.ended.size} of ${total} steps recorded). Finish it, or undo it.`;
}

export class CleanerWorkflow {
  private readonly now: () => Date;

  constructor(private readonly o: WorkflowOptions) {
    this.now = o.now ?? (() => new Date());
  }

  get scope(): CleanerScope {
    return this.o.scope;
  }

  /** What is running on this dataset now, or null. */
  busy(): string | null {
    return running.get(this.o.scope.dataset) ?? null;
  }

  async readLog(): Promise<ParsedLog> {
    return parseLog(await this.o.log.read(), this.o.scope);
  }

  /** The run the log records as started but not finished (after a crash), or null. */
  async interrupted(): Promise<OpenRun | null> {
    return (await this.readLog()).open;
  }

  /** Applies a confirmed plan, write-ahead. Refused while another run is going on or one was interrupted. */
  apply(plan: Plan): Promise<ApplyOutcome> {
    return this.exclusive("apply decisions", "applying a batch", async () => {
      if (plan.datasetFolder !== this.o.scope.dataset) throw new Error(`The plan is for "${plan.datasetFolder}", not "${this.o.scope.dataset}".`);
      const log = await this.readLog();
      if (log.open) throw new Error(interruptedMessage(log.open));
      const now = this.now();
      const steps: ApplyStep[] = planSteps(plan);
      // Preflight: a step that would be refused makes the whole batch refused, before the log or any file changes.
      refuseBadSteps(steps, this.o.scope);
      const intent: ApplyIntent = { id: makeBatchId(now), at: now.toISOString(), dataset: this.o.scope.dataset, trash: this.o.scope.trash, steps };
      await this.appendEntry(formatIntentEntry(intent));
      const batch: AppliedBatch = { id: intent.id, at: intent.at, moves: [], trashed: [], failed: [] };
      const journal = this.journal(intent.id);
      for (let k = 0; k < steps.length; k++) recordResult(batch, await this.step(() => runApplyStep(steps[k], k, this.o.ops, this.o.scope, journal)));
      await this.appendEntry(formatLogEntry(batch));
      return { batch, warnings: log.warnings };
    });
  }

  /**
   * Undoes the last batch the log records. An interrupted batch is first closed (the steps that
   * ran are found, the rest left undone) and then reversed; an interrupted undo is finished.
   * Null when there is nothing to undo. `skipEmpty`: pass over empty batches (see lastUndoable).
   */
  undo(options: { skipEmpty?: boolean } = {}): Promise<UndoOutcome | null> {
    return this.exclusive("undo", "undoing a batch", async () => {
      let log = await this.readLog();
      if (log.open?.kind === "undo") return this.finishUndo(log.open, log);
      if (log.open?.kind === "apply") {
        await this.closeApply(log.open, false);
        log = await this.readLog();
      }
      const batch = lastUndoable(log, options.skipEmpty === true);
      if (!batch) return null;
      const plan = planUndo(batch, this.o.scope);
      const now = this.now();
      const intent: UndoIntent = {
        id: makeBatchId(now),
        batchId: batch.id,
        at: now.toISOString(),
        jobs: plan.jobs,
        notRestorable: plan.notRestorable,
        refused: plan.refused,
      };
      await this.appendEntry(formatUndoIntentEntry(intent));
      const result: UndoResult = { id: intent.id, batchId: batch.id, at: intent.at, restored: [], notRestorable: plan.notRestorable, failed: [...plan.refused] };
      const journal = this.journal(intent.id);
      for (const k of await undoOrder(plan.jobs, this.o.ops)) addUndo(result, await this.step(() => runUndoJob(plan.jobs[k], k, this.o.ops, journal)));
      await this.appendEntry(formatUndoEntry(result));
      return { batch, result, warnings: log.warnings, resumed: false };
    });
  }

  /** Finishes an interrupted run: the rest of the batch (each file re-checked), or the rest of the undo. Null when none is open. */
  finish(): Promise<FinishOutcome | null> {
    return this.exclusive("finish the batch", "finishing a batch", async () => {
      const log = await this.readLog();
      if (!log.open) return null;
      if (log.open.kind === "undo") return { kind: "undo", outcome: await this.finishUndo(log.open, log) };
      return { kind: "apply", batch: await this.closeApply(log.open, true), warnings: log.warnings };
    });
  }

  // Internals

  private async exclusive<T>(what: string, doing: string, run: () => Promise<T>): Promise<T> {
    const key = this.o.scope.dataset;
    const busy = running.get(key);
    if (busy) throw new BusyError(`Cannot ${what} now: the cleaner is ${busy} in "${key}". Try again when it has finished.`);
    running.set(key, doing);
    try {
      return await run();
    } finally {
      running.delete(key);
    }
  }

  /** Runs a step; an error of the log (write-ahead failed) stops the run. */
  private async step(run: () => Promise<StepResult>): Promise<StepResult> {
    try {
      return await run();
    } catch (e) {
      const inner = (e as { inner?: unknown }).inner;
      throw inner === undefined ? e : inner;
    }
  }

  private appendEntry(entry: string): Promise<void> {
    return this.o.log.process((text) => appendLogEntry(text, entry));
  }

  private journal(run: string): StepJournal {
    return {
      begin: (k, to) => (to === null ? Promise.resolve() : this.o.log.process((t) => appendLogLine(t, formatStepLine({ run, k, phase: "begin", to })))),
      end: (k, result) => this.o.log.process((t) => appendLogLine(t, formatStepLine({ run, k, phase: "end", result }))),
    };
  }

  /** Whether the file at `path` is the one `fp` describes (the hash too, when recorded and available). */
  private async matches(path: string, fp: Fingerprint): Promise<boolean> {
    try {
      const st = await this.o.ops.stat(path);
      if (!st) return false;
      const hash = fp.hash !== undefined && this.o.ops.hash ? await this.o.ops.hash(path) : undefined;
      return fingerprintMismatch(fp, hash === undefined ? st : { ...st, hash }) === null;
    } catch {
      return false;
    }
  }

  /** What step k of an interrupted apply did, from the files themselves; null when it did not run. */
  private async resolveApplyStep(step: ApplyStep, target: string | null): Promise<StepResult | null> {
    const from = stepPath(step);
    if (await this.matches(from, step.fp)) return null;
    if (step.op === "move") {
      const to = target ?? step.to;
      if (await this.matches(to, step.fp)) return { status: "moved", move: { from, to, label: step.label, ...step.fp } };
      return { status: "failed", failed: { path: from, reason: `not moved: ${INTERRUPTED}, and the file is neither at "${from}" nor at "${to}"` } };
    }
    const found = this.o.ops.locateTrashed ? await this.o.ops.locateTrashed(from, step.fp).catch(() => null) : null;
    if (found && trashFileProblem(found, this.o.scope) === null) return { status: "trashed", trashed: { path: from, where: "vault-trash", trashPath: found, ...step.fp } };
    return { status: "failed", failed: { path: from, reason: `not trashed: ${INTERRUPTED}, and the file is no longer at "${from}": look in the trash` } };
  }

  /** Closes an interrupted apply: finds what ran, then runs the rest (`carryOn`) or leaves it. */
  private async closeApply(open: Extract<OpenRun, { kind: "apply" }>, carryOn: boolean): Promise<AppliedBatch> {
    const { intent } = open;
    const journal = this.journal(intent.id);
    const results = new Map(open.ended);
    const pending: number[] = [];
    for (let k = 0; k < intent.steps.length; k++) {
      if (results.has(k)) continue;
      const r = await this.resolveApplyStep(intent.steps[k], open.begun.get(k) ?? null);
      if (r === null) pending.push(k);
      else {
        await journal.end(k, r);
        results.set(k, r);
      }
    }
    for (const k of pending) {
      const step = intent.steps[k];
      const r: StepResult = carryOn
        ? await this.step(() => runApplyStep(step, k, this.o.ops, this.o.scope, journal))
        : { status: "failed", failed: { path: stepPath(step), reason: `not carried out: ${INTERRUPTED} before this step` } };
      results.set(k, r);
    }
    const batch: AppliedBatch = { id: intent.id, at: intent.at, moves: [], trashed: [], failed: [], interrupted: carryOn ? `${INTERRUPTED}; it was finished on ${displayTime(this.now().toISOString())}` : `${INTERRUPTED}; the steps not carried out were left` };
    for (let k = 0; k < intent.steps.length; k++) recordResult(batch, results.get(k)!);
    await this.appendEntry(formatLogEntry(batch));
    return batch;
  }

  /** Finishes an interrupted undo. */
  private async finishUndo(open: Extract<OpenRun, { kind: "undo" }>, log: ParsedLog): Promise<UndoOutcome> {
    const { intent } = open;
    const batch = log.batches.find((b) => b.id === intent.batchId)!;
    const journal = this.journal(intent.id);
    const result: UndoResult = {
      id: intent.id,
      batchId: intent.batchId,
      at: intent.at,
      restored: [],
      notRestorable: intent.notRestorable,
      failed: [...intent.refused],
      interrupted: `the undo was interrupted; it was finished on ${displayTime(this.now().toISOString())}`,
    };
    const pending: UndoJob[] = [];
    const pendingK: number[] = [];
    for (let k = 0; k < intent.jobs.length; k++) {
      const ended = open.ended.get(k);
      if (ended) {
        addUndo(result, ended);
        continue;
      }
      const job = intent.jobs[k];
      if (await this.matches(job.from, job.fp)) {
        pending.push(job);
        pendingK.push(k);
        continue;
      }
      const to = open.begun.get(k) ?? job.to;
      const r: StepResult = (await this.matches(to, job.fp))
        ? { status: "restored", restored: { from: job.from, to } }
        : { status: "failed", failed: { path: job.to, reason: `not restored: the undo was interrupted, and the file is neither at "${job.from}" nor at "${to}"` } };
      await journal.end(k, r);
      addUndo(result, r);
    }
    for (const i of await undoOrder(pending, this.o.ops)) {
      addUndo(result, await this.step(() => runUndoJob(pending[i], pendingK[i], this.o.ops, journal)));
    }
    await this.appendEntry(formatUndoEntry(result));
    return { batch, result, warnings: log.warnings, resumed: true };
  }
}

function addUndo(result: UndoResult, r: StepResult): void {
  if (r.status === "restored") result.restored.push(r.restored);
  else if (r.status === "failed") result.failed.push(r.failed);
}

/** A short text about ignored log records, for the pane and the CLI; "" when there are none. */
export function warningsText(warnings: readonly string[]): string {
  if (warnings.length === 0) return "";
  const shown = warnings.slice(0, 5);
  const more = warnings.length > shown.length ? ` (and ${warnings.length - shown.length} more)` : "";
  return `The log has records the cleaner did not write or cannot use; they were ignored: ${shown.join(" ")}${more}`;
}
