// The cleaner pane's workflow without the pane: one dataset folder at a time, its suspects
// (a ReviewReport), the decisions on them, and the batch that carries the decisions out.
// decide → plan → confirm (a hook: the pane's summary dialog) → apply (write-ahead, see
// workflow.ts) → settle the decisions → save → log → refresh the items; undo, finish an
// interrupted batch, analyse and retrain through the Trainer and Finder ports. Pure: no Obsidian
// import; everything outside goes through CleanerPorts (ports.ts), so it is tested without a DOM.
import type { TrainResult } from "../classifier/pipeline";
import { BatchRefusedError, settleDecisions } from "./apply";
import { undoMessage } from "./undo";
import type { AppliedBatch, UndoResult } from "./batch-types";
import { describeDecision, sameDecision, type Decision, type DecisionBook, type Fingerprint } from "./decisions";
import { logNotePath } from "./log";
import type { LoggedBatch } from "./log-parse";
import { VAULT_TRASH, type CleanerScope } from "./paths";
import { planBatch, type Plan } from "./plan";
import type { CleanerPorts, Progress, Trainer } from "./ports";
import { afterApply, afterUndo, displayName, formatRate, labelFromPath, type ReviewItem, type ReviewReport } from "./review-items";
import { describeTrainProgress, toReviewReport } from "./review-report";
import { CleanerWorkflow, interruptedMessage, warningsText, type ApplyOutcome } from "./workflow";
import { errorText } from "../shared/errors";

/** What a session step has to tell the user: a status line, and a notice when it matters more. */
export interface Outcome {
  status: string;
  /** The status reports a failure (shown as an error). */
  isError?: boolean;
  /** Also shown as a notice. */
  notice?: string;
}

/** A decision was recorded (`saved` settles once it and the file's hash are written), or refused with a notice. */
export type DecideOutcome = { recorded: true; status: string; saved: Promise<void> } | { recorded: false; notice: string };

/** Asks the user to confirm a plan before anything changes; false leaves everything as it is. */
export type ConfirmPlan = (plan: Plan) => Promise<boolean>;

/** What the cleaner may touch for `datasetFolder`: its label folders, the vault's .trash and its log note. */
export function cleanerScope(datasetFolder: string): CleanerScope {
  const dataset = datasetFolder.replace(/\/+$/, "");
  return { dataset, trash: VAULT_TRASH, logNote: logNotePath(dataset) };
}

/**
 * The status after an apply: counts, the files that failed with why, ignored log records, and
 * the retrain hint when a trainer is there. Example: "Applied: 1 moved, 1 deleted. Retrain to see
 * the new error rate."
 */
export function appliedMessage(batch: AppliedBatch, logWarnings: readonly string[], canRetrain: boolean): string {
  const failed = batch.failed.length ? ` ${batch.failed.length} failed: ${batch.failed.map((f) => `${f.path} (${f.reason})`).join("; ")}.` : "";
  const logProblem = logWarnings.length ? ` ${warningsText(logWarnings)}` : "";
  return `Applied: ${batch.moves.length} moved, ${batch.trashed.length} deleted.${failed}${logProblem}${canRetrain ? " Retrain to see the new error rate." : ""}`;
}

/** One pane's cleaner workflow over its ports (see the file header). */
export class CleanerSession {
  private folderPath = "";
  private heldReport: ReviewReport | null = null;
  private list: ReviewItem[] = [];
  private decisions: DecisionBook | null = null;
  /** Error rate before the last apply, for the retrain comparison. */
  private rateBeforeApply: number | null | undefined = undefined;
  private openRun = false;

  constructor(private readonly ports: CleanerPorts) {}

  /** The dataset folder shown ("" before show). */
  get folder(): string {
    return this.folderPath;
  }

  /** The suspects held for the folder, or null when none were found in this app session. */
  get report(): ReviewReport | null {
    return this.heldReport;
  }

  /** Every item: the report's, then decided images the report does not hold. Paths follow applies and undos. */
  get items(): readonly ReviewItem[] {
    return this.list;
  }

  /** The folder's decisions; null before show. */
  get book(): DecisionBook | null {
    return this.decisions;
  }

  /** Whether analyse and retrain can run (a Trainer port was given). */
  get canTrain(): boolean {
    return this.ports.trainer !== undefined;
  }

  /** Whether the log records an apply or undo that was interrupted (set by checkInterrupted, cleared by undo and finish). */
  get hasInterruptedRun(): boolean {
    return this.openRun;
  }

  /**
   * Shows `folder` (a vault path). `report` replaces the suspects held for it; without one, the
   * last ones found in this app session are shown, if any. A copy is held: the caller's report
   * stays as given. Returns the status line. Throws when the decisions cannot be read.
   */
  async show(folder: string, report?: ReviewReport): Promise<Outcome> {
    if (report) this.ports.reports.set(folder, { ...report, items: report.items.map((i) => ({ ...i })) });
    this.folderPath = folder;
    this.heldReport = this.ports.reports.get(folder) ?? null;
    this.decisions = await this.ports.decisions.book(folder);
    this.list = this.heldReport ? this.heldReport.items : [];
    this.addDecidedItems();
    this.rateBeforeApply = undefined;
    this.openRun = false;
    return {
      status: this.heldReport
        ? `${this.list.length} images to review.`
        : this.list.length
          ? "Decisions from earlier are shown; find suspects to review more."
          : "Find suspects to train the classifier on this folder and list the images most likely to be wrong.",
    };
  }

  /** After a crash during apply or undo: an error status saying so (null when the log has no open run). */
  async checkInterrupted(): Promise<Outcome | null> {
    if (!this.folderPath) return null;
    try {
      const open = await this.workflow().interrupted();
      this.openRun = open !== null;
      return open ? { status: interruptedMessage(open), isError: true } : null;
    } catch (e) {
      this.openRun = false;
      return { status: `The cleaner log could not be read: ${errorText(e)}`, isError: true };
    }
  }

  /** Labels in the order digit keys use: the report's, else the dataset's label folders. */
  labels(): string[] {
    if (this.heldReport && this.heldReport.labels.length) return [...this.heldReport.labels];
    return this.folderPath ? this.ports.vault(this.folderPath).labelFolders() : [];
  }

  /** Decision counts of the folder (zeros before show). */
  counts(): { keep: number; delete: number; relabel: number } {
    return this.decisions?.counts() ?? { keep: 0, delete: 0, relabel: 0 };
  }

  /**
   * Records `decision` on the image at `path` with the file's size and time; its content hash is
   * added in the background (so that a file swapped for another of the same size and time is not
   * acted on), then the decisions are saved. Refused (with the reason as a notice) when the file
   * is gone or a relabel names the label it has.
   */
  decide(path: string, decision: Decision): DecideOutcome {
    const book = this.decisions;
    if (!book) return { recorded: false, notice: "Open the cleaner on a dataset first." };
    const stat = this.ports.vault(this.folderPath).stat(path);
    if (!stat) return { recorded: false, notice: `"${path}" is no longer in the vault; no decision recorded.` };
    const item = this.list.find((i) => i.path === path);
    if (decision.kind === "relabel" && item && decision.label === item.given) {
      return { recorded: false, notice: `"${displayName(path)}" is already labelled ${item.given}.` };
    }
    const fingerprint: Fingerprint = { size: stat.size, mtime: stat.mtime };
    try {
      book.set(path, decision, fingerprint);
    } catch (e) {
      return { recorded: false, notice: errorText(e) };
    }
    return { recorded: true, status: `${displayName(path)}: ${describeDecision(decision)}.`, saved: this.recordHash(book, path, decision, fingerprint) };
  }

  private async recordHash(book: DecisionBook, path: string, decision: Decision, fingerprint: Fingerprint): Promise<void> {
    try {
      if (this.ports.files.hash) {
        const hash = await this.ports.files.hash(path);
        const entry = book.get(path);
        const now = this.ports.vault(book.datasetFolder).stat(path);
        // Only when nothing changed meanwhile: the decision, and the file.
        if (entry && now && sameDecision(entry.decision, decision) && now.size === fingerprint.size && now.mtime === fingerprint.mtime) {
          entry.fingerprint.hash = hash;
        }
      }
    } catch {
      // Without a hash the decision still has size and time; apply re-checks those.
    }
    await this.save();
  }

  /** Takes back the decision on `path` and saves. */
  clearDecision(path: string): Promise<void> {
    this.decisions?.clear(path);
    return this.save();
  }

  /** The `u` key: takes back the last decision; the path it was on (null when none) and the status. */
  undoDecision(): { path: string | null; outcome: Outcome } {
    const path = this.decisions?.undoLast() ?? null;
    if (path === null) return { path, outcome: { status: "No decision to undo." } };
    void this.save();
    const d = this.decisions?.get(path)?.decision;
    return { path, outcome: { status: `Undid the decision on ${displayName(path)}${d ? `; back to ${describeDecision(d)}` : ""}.` } };
  }

  /** Clears every decision of the folder and saves; how many there were. */
  async clearDecisions(): Promise<number> {
    const n = this.decisions?.size ?? 0;
    if (n === 0) return 0;
    this.decisions?.clear();
    await this.save();
    return n;
  }

  /** Writes the decisions; a failure is reported as a notice, never thrown. */
  async save(): Promise<void> {
    try {
      await this.ports.decisions.save();
    } catch (e) {
      this.ports.notify(`Could not save the cleaner's decisions: ${errorText(e)}`);
    }
  }

  /** A file was renamed in the vault: its item follows (path and label). False when no item had that path. */
  fileRenamed(oldPath: string, newPath: string): boolean {
    const item = this.list.find((i) => i.path === oldPath);
    if (!item) return false;
    item.path = newPath;
    item.given = labelFromPath(newPath, this.folderPath) ?? item.given;
    return true;
  }

  /** Whether an item has `path` (a created file may be one an undo brought back). */
  hasItem(path: string): boolean {
    return this.list.some((i) => i.path === path);
  }

  // Training

  /**
   * Trains on the folder (Trainer port), finds the suspects (Finder port) and shows them. The
   * report's warnings say which backend trained, then the training's own warnings. Throws the
   * trainer's or finder's error; an AbortError when `signal` aborts. No-op without a trainer.
   */
  async analyse(progress: Progress, signal: AbortSignal): Promise<Outcome | null> {
    const trainer = this.ports.trainer;
    const folder = this.folderPath;
    if (!trainer || !folder) return null;
    const result = await this.train(trainer, folder, progress, signal);
    const report = await this.findIn(result, progress, signal);
    report.warnings = [...(report.warnings ?? []), ...(result.backend ? [`Trained on ${result.backend}.`] : []), ...result.warnings];
    return this.showFound(folder, report);
  }

  /**
   * Finds the suspects in a fresh training result (the classifier panel's) and shows them:
   * nothing is retrained. Throws when the result carries an error.
   */
  async analyseResult(result: TrainResult, progress: Progress, signal: AbortSignal): Promise<Outcome> {
    if (result.error) throw new Error(`The classifier was not trained: ${result.error}.`);
    const report = await this.findIn(result, progress, signal);
    return this.showFound(result.folder, report);
  }

  /** Trains through the Trainer port with progress as text; throws when nothing was trained (the message names the folder). */
  private async train(trainer: Trainer, folder: string, progress: Progress, signal: AbortSignal): Promise<TrainResult & { backend?: string }> {
    progress("Loading the backbone");
    const result = await trainer.train(folder, { onProgress: (p) => progress(describeTrainProgress(p)), signal });
    if (result.error) throw new Error(`Could not train on "${folder}": ${result.error}.`);
    return result;
  }

  private async findIn(result: TrainResult, progress: Progress, signal: AbortSignal): Promise<ReviewReport> {
    const clean = await this.ports.finder(result, progress, signal);
    return toReviewReport(result.folder, clean, result.errorRate);
  }

  private async showFound(folder: string, report: ReviewReport): Promise<Outcome> {
    await this.show(folder, report);
    return { status: `${report.items.length} images to review; validation error rate ${formatRate(report.errorRate)}.` };
  }

  /**
   * Retrains after an apply (embeddings come from the cache: moved files keep their content
   * hash) and compares the validation error rate with the one before the apply. No-op without a
   * trainer. Throws the trainer's error.
   */
  async retrain(progress: Progress, signal: AbortSignal): Promise<Outcome | null> {
    const trainer = this.ports.trainer;
    if (!trainer || !this.folderPath) return null;
    const before = this.rateBeforeApply !== undefined ? this.rateBeforeApply : this.heldReport?.errorRate;
    const { errorRate, embedded, cached } = await this.train(trainer, this.folderPath, progress, signal);
    if (this.heldReport) this.heldReport.errorRate = errorRate;
    const reuse = embedded !== undefined && cached !== undefined ? ` (${embedded} views embedded, ${cached} from the cache)` : "";
    return { status: `Error rate before: ${formatRate(before)}; after: ${formatRate(errorRate)}${reuse}.` };
  }

  // Apply, undo, finish

  /** The plan of the folder's pending decisions (planBatch over the vault as it is now); null before show. */
  plan(): Plan | null {
    if (!this.decisions || !this.folderPath) return null;
    return planBatch(this.decisions, { datasetFolder: this.folderPath, labels: this.labels(), vault: this.ports.vault(this.folderPath) });
  }

  /**
   * Plans the pending decisions, asks `confirm`, and applies the batch when confirmed
   * (write-ahead, one run per dataset at a time: see workflow.ts). Then settles and saves the
   * decisions and moves the items to their new paths (trashed ones hidden). Null with a
   * "Nothing applied." status when not confirmed; null and no status before show.
   * Throws when another run is going on in the folder, when an interrupted run must be
   * finished first, or when the log cannot be written (nothing then moves).
   */
  async apply(confirm: ConfirmPlan): Promise<{ batch: AppliedBatch | null; outcome: Outcome | null }> {
    const book = this.decisions;
    const folder = this.folderPath;
    if (!book || !folder) return { batch: null, outcome: null };
    const workflow = this.workflow();
    const busy = workflow.busy();
    if (busy) throw new Error(`The cleaner is ${busy} in "${folder}"; wait for it to finish.`);
    const plan = planBatch(book, { datasetFolder: folder, labels: this.labels(), vault: this.ports.vault(folder) });
    if (!(await confirm(plan))) return { batch: null, outcome: { status: "Nothing applied." } };
    let applied: ApplyOutcome;
    try {
      applied = await workflow.apply(plan);
    } catch (e) {
      // A step known bad before anything moves: the whole batch is refused, every such step named.
      if (!(e instanceof BatchRefusedError)) throw e;
      return { batch: null, outcome: { status: e.message, isError: true, notice: e.message } };
    }
    const { batch, warnings } = applied;
    settleDecisions(book, plan, batch);
    await this.save();
    afterApply(
      this.list,
      batch.moves,
      batch.trashed.map((t) => t.path),
      folder,
    );
    this.rateBeforeApply = this.heldReport?.errorRate;
    const message = appliedMessage(batch, warnings, this.canTrain);
    return { batch, outcome: { status: message, isError: batch.failed.length > 0 || warnings.length > 0, notice: message } };
  }

  /**
   * Undoes the last batch the folder's log records (an interrupted one is closed first) and
   * brings the items back to their restored paths. Throws when another run is going on or the
   * log cannot be written.
   */
  async undoLastBatch(): Promise<{ result: UndoResult | null; outcome: Outcome }> {
    if (!this.folderPath) return { result: null, outcome: { status: "", notice: "Open the cleaner on a dataset first." } };
    const done = await this.workflow().undo();
    this.openRun = false;
    if (!done) return { result: null, outcome: { status: "No applied batch to undo.", notice: `No applied cleaner batch to undo in "${this.folderPath}".` } };
    const { batch, result, warnings } = done;
    this.restored(batch, result);
    const message = [undoMessage(result), warningsText(warnings)].filter((t) => t !== "").join("\n");
    return { result, outcome: { status: message, isError: result.failed.length > 0 || warnings.length > 0, notice: message } };
  }

  /** Finishes a batch (or an undo) that was interrupted by a crash; null when none is open. */
  async finishInterrupted(): Promise<Outcome | null> {
    if (!this.folderPath) return null;
    const done = await this.workflow().finish();
    this.openRun = false;
    if (!done) return { status: "No interrupted batch to finish." };
    if (done.kind === "undo") {
      const { batch, result } = done.outcome;
      this.restored(batch, result);
      return { status: undoMessage(result), isError: result.failed.length > 0 };
    }
    const { batch } = done;
    this.decisions?.forget([...batch.moves.map((m) => m.from), ...batch.trashed.map((t) => t.path)]);
    await this.save();
    afterApply(
      this.list,
      batch.moves,
      batch.trashed.map((t) => t.path),
      this.folderPath,
    );
    return {
      status: `Finished the interrupted batch: ${batch.moves.length} moved, ${batch.trashed.length} deleted, ${batch.failed.length} failed.`,
      isError: batch.failed.length > 0,
    };
  }

  // Internals

  private workflow(): CleanerWorkflow {
    return new CleanerWorkflow({ scope: cleanerScope(this.folderPath), ops: this.ports.files, log: this.ports.log(this.folderPath), now: this.ports.now });
  }

  private restored(batch: LoggedBatch, result: UndoResult): void {
    afterUndo(this.list, result.restored, batch.moves, batch.trashed, this.folderPath);
  }

  /** Decided images the report does not hold (a restart): shown so their decisions can be seen and changed. */
  private addDecidedItems(): void {
    if (!this.decisions) return;
    const known = new Set(this.list.map((i) => i.path));
    for (const e of this.decisions.entries()) {
      if (known.has(e.path)) continue;
      this.list.push({
        id: e.path,
        path: e.path,
        given: labelFromPath(e.path, this.folderPath) ?? "",
        predicted: null,
        probability: null,
        loss: null,
        score: -1,
        suggested: null,
        issue: "decided earlier",
        split: null,
      });
    }
  }
}
