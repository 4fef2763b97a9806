// The cleaner headless: `lesson-lab clean FOLDER --apply DECISIONS.json` carries out a decisions
// file, `lesson-lab clean FOLDER --finish` completes a batch that was interrupted, and
// `lesson-lab undo FOLDER` undoes the last batch. The same plan / apply / log core as the pane
// (src/cleaner/workflow.ts), over the files on disk (src/node/cleaner-store.ts): relabel moves
// into the label folder under a free name, delete moves into `.trash/` of the vault holding
// FOLDER (else `.trash/` beside FOLDER), and every batch is written ahead to FOLDER's
// `Cleaner log.md`. No tfjs is loaded.
import { lstatSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as nodePath from "node:path";
import { scanDataset } from "../classifier/dataset";
import type { AppliedBatch, UndoResult } from "../cleaner/batch-types";
import { DecisionBook, type Decision } from "../cleaner/decisions";
import { labelProblem } from "../cleaner/names";
import { datasetFileProblem, type CleanerScope } from "../cleaner/paths";
import { planBatch, type SkippedDecision } from "../cleaner/plan";
import { CleanerWorkflow, warningsText, type ApplyOutcome, type UndoOutcome } from "../cleaner/workflow";
import { BatchRefusedError, stepProblemText } from "../cleaner/apply";
import { diskCleaner, type DiskCleaner } from "../node/cleaner-store";
import { createFsStore } from "../node/fs-store";
import { EXIT_FAILURE } from "./args";
import { startDatasetCommand } from "./dataset-command";
import type { CliIo } from "./io";
import { processIo } from "./io";
import { shownPath } from "./paths";
import { oneLine, shellWord } from "./terminal";
import { locateDataset } from "../node/dataset-location";
import { errorText } from "../shared/errors";

/** One line of a decisions file, as `clean --json` prints paths (relative to its `root`). */
export interface DecisionLine {
  path: string;
  action: "keep" | "delete" | "relabel";
  label?: string;
  /** SHA-256 hex of the file as reviewed (`clean --json` prints it); a file that differs is skipped. */
  hash?: string;
}

/**
 * A value from a decisions file, for a message: a string in double quotes with oneLine's escapes
 * (the one style of the CLI's output: `\u{XXXX}`), anything else as JSON, escaped the same way.
 */
function q(value: unknown): string {
  return typeof value === "string" ? `"${oneLine(value)}"` : oneLine(JSON.stringify(value) ?? String(value));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What the dataset scan found, for checking a decisions file against it. */
export interface DatasetFacts {
  /** The dataset's labels (label folders holding at least one usable image). */
  labels: readonly string[];
  /** The files the scan uses (its items), vault-relative. */
  items: ReadonlySet<string>;
  /** Files the scan leaves out, with why (hidden, not an image, outside through a link…). */
  skipped: ReadonlyMap<string, string>;
  /** Whether something (file, folder or link) is at `path` now; a path that is not is left to the plan. */
  present(path: string): boolean;
}

/**
 * The decisions of a decisions file, or every problem it has. A file with any problem is refused
 * as a whole (nothing moves): a path outside the dataset's label folders, an unknown action, a
 * relabel without a usable label, a path named twice; with `facts`, also a file the dataset
 * scan does not use (a hidden file, a file reached through a link leading outside) and a relabel
 * to a label the dataset does not have.
 */
export function readDecisions(text: string, scope: CleanerScope, facts?: DatasetFacts): { decisions: DecisionLine[] } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (error) {
    return { problems: [`it is not valid JSON (${errorText(error)})`] };
  }
  if (!Array.isArray(raw)) return { problems: ['it must be a JSON list: [{"path": …, "action": "keep" | "delete" | "relabel", "label"?: …}]'] };
  const problems: string[] = [];
  const decisions: DecisionLine[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const where = `decision ${i + 1}`;
    if (!isRecord(item)) return void problems.push(`${where} is not an object`);
    const path = item.path;
    const outside = datasetFileProblem(path, scope);
    if (outside) return void problems.push(`${where}: refused the path ${q(path)}: ${outside}`);
    const p = path as string;
    if (seen.has(p)) return void problems.push(`${where}: ${q(p)} is named twice`);
    seen.add(p);
    if (facts && !facts.items.has(p)) {
      const why = facts.skipped.get(p);
      if (why !== undefined) return void problems.push(`${where}: refused the path ${q(p)}: the dataset scan does not use it (${why})`);
      if (facts.present(p)) return void problems.push(`${where}: refused the path ${q(p)}: it is not an image the dataset scan uses`);
    }
    if (item.action !== "keep" && item.action !== "delete" && item.action !== "relabel") {
      return void problems.push(`${where} (${q(p)}): the action must be "keep", "delete" or "relabel"; got ${q(item.action)}`);
    }
    if (item.hash !== undefined && (typeof item.hash !== "string" || !/^[0-9a-fA-F]{64}$/.test(item.hash))) {
      return void problems.push(`${where} (${q(p)}): the hash must be a SHA-256 in hex (64 characters, as clean --json prints it); got ${q(item.hash)}`);
    }
    const line: DecisionLine = { path: p, action: item.action };
    if (typeof item.hash === "string") line.hash = item.hash;
    if (item.action === "relabel") {
      if (typeof item.label !== "string") return void problems.push(`${where} (${q(p)}): a relabel needs a "label"`);
      const bad = labelProblem(item.label);
      if (bad) return void problems.push(`${where} (${q(p)}): ${bad}`);
      if (facts && !facts.labels.includes(item.label)) {
        const known = facts.labels.map((l) => q(l)).join(", ");
        return void problems.push(`${where} (${q(p)}): the label ${q(item.label)} is not a label of the dataset (its labels: ${known || "none"})`);
      }
      line.label = item.label;
    }
    decisions.push(line);
  });
  return problems.length ? { problems } : { decisions };
}

/** The dataset scan's labels, items and left-out files, for `readDecisions`. */
async function datasetFacts(root: string, dataset: string): Promise<DatasetFacts> {
  const scan = await scanDataset(createFsStore(root), dataset);
  return {
    labels: scan.labels,
    items: new Set(scan.items.map((i) => i.path)),
    skipped: new Map(scan.skipped.map((f) => [f.path, f.reason])),
    present(path) {
      try {
        lstatSync(nodePath.join(root, ...path.split("/")));
        return true;
      } catch {
        return false;
      }
    },
  };
}

function decisionOf(line: DecisionLine): Decision {
  return line.action === "relabel" ? { kind: "relabel", label: line.label! } : { kind: line.action };
}

/** A skipped decision that leaves a decision undone (not a no-op relabel). */
function isUndone(s: SkippedDecision): boolean {
  return s.code !== "same-label";
}

function batchJson(batch: AppliedBatch, skipped: SkippedDecision[], extra: { root: string; log: string; warnings: string[] }): Record<string, unknown> {
  return {
    batch: batch.id,
    moved: batch.moves.map((m) => ({ from: m.from, to: m.to, label: m.label ?? null })),
    trashed: batch.trashed.map((t) => ({ path: t.path, to: t.trashPath ?? null })),
    skipped: skipped.map((s) => ({ path: s.path, reason: s.reason })),
    failed: batch.failed.map((f) => ({ path: f.path, reason: f.reason })),
    interrupted: batch.interrupted ?? null,
    log: extra.log,
    root: extra.root,
    warnings: extra.warnings,
  };
}

function batchText(batch: AppliedBatch, skipped: SkippedDecision[], show: (p: string) => string, folderArg: string): string {
  const lines = [`Batch ${batch.id}: ${batch.moves.length} moved, ${batch.trashed.length} moved to the trash, ${skipped.length} skipped, ${batch.failed.length} failed.`];
  if (batch.interrupted) lines.push(`Interrupted: ${oneLine(batch.interrupted)}.`);
  for (const m of batch.moves) lines.push(`  moved    ${show(m.from)} → ${show(m.to)}`);
  for (const t of batch.trashed) lines.push(`  trashed  ${show(t.path)} → ${t.trashPath ? show(t.trashPath) : "the trash"}`);
  for (const s of skipped) lines.push(`  skipped  ${show(s.path)}: ${oneLine(s.reason)}`);
  for (const f of batch.failed) lines.push(`  failed   ${show(f.path)}: ${oneLine(f.reason)}`);
  lines.push(`Undo it with: lesson-lab undo ${oneLine(shellWord(folderArg))}`);
  return lines.join("\n") + "\n";
}

interface Opened {
  cleaner: DiskCleaner;
  workflow: CleanerWorkflow;
  root: string;
  show: (p: string) => string;
}

async function open(folder: string, fail: (m: string) => number): Promise<Opened | number> {
  const location = await locateDataset(folder);
  if (location.folder === "") return fail(`the dataset folder must not be a vault root (${location.root})`);
  const cleaner = diskCleaner(location.root, location.folder);
  return {
    cleaner,
    workflow: new CleanerWorkflow({ scope: cleaner.scope, ops: cleaner.ops, log: cleaner.log }),
    root: location.root,
    // Paths as printed: relative to the working directory, escaped (a name from the web may hold line breaks and escape sequences).
    show: (p) => oneLine(shownPath(location.root, p)),
  };
}

/** `clean FOLDER --apply DECISIONS.json` (or `--finish`): the part of `clean` that changes files. */
export async function runApply(folder: string, options: { apply?: string; finish?: boolean; json: boolean }, io: CliIo, fail: (m: string) => number): Promise<number> {
  const opened = await open(folder, fail);
  if (typeof opened === "number") return opened;
  const { cleaner, workflow, root, show } = opened;
  const logPath = cleaner.scope.logNote!;
  try {
    if (options.finish) {
      const done = await workflow.finish();
      if (!done) return fail(`no interrupted batch to finish in "${folder}"`);
      if (done.kind === "undo") return reportUndo(done.outcome, io, options.json, root, logPath, show);
      if (options.json) io.out(`${JSON.stringify(batchJson(done.batch, [], { root, log: logPath, warnings: done.warnings }))}\n`);
      else io.out(batchText(done.batch, [], show, folder));
      return done.batch.failed.length ? EXIT_FAILURE : 0;
    }
    let text: string;
    try {
      text = await readFile(options.apply!, "utf8");
    } catch (error) {
      return fail(`cannot read the decisions file "${options.apply}": ${errorText(error)}`);
    }
    const read = readDecisions(text, cleaner.scope, await datasetFacts(root, cleaner.scope.dataset));
    if ("problems" in read) return fail(`the decisions file "${oneLine(options.apply!)}" is refused, nothing was moved: ${read.problems.join("; ")}`);
    const book = new DecisionBook(cleaner.scope.dataset);
    const absent = new Set<string>();
    for (const d of read.decisions) {
      const now = cleaner.view.stat(d.path);
      if (!now) absent.add(d.path);
      const st = now ?? { size: 0, mtime: 0 };
      book.set(d.path, decisionOf(d), d.hash === undefined ? st : { ...st, hash: d.hash });
    }
    const plan = planBatch(book, { datasetFolder: cleaner.scope.dataset, labels: cleaner.labels(), vault: cleaner.view });
    // A path that is not there when the decisions file is read was never seen by this run: say
    // "no such file" (a misspelling, another case or Unicode form) rather than "moved since review".
    plan.skipped = plan.skipped.map((x) => (x.code === "missing" && absent.has(x.path) ? { ...x, reason: "no such file (check the spelling, letter case and accents of the path)" } : x));
    if (plan.moves.length === 0 && plan.deletions.length === 0) return reportNothing(plan.skipped, io, options.json, root, logPath, show);
    let applied: ApplyOutcome;
    try {
      applied = await workflow.apply(plan);
    } catch (error) {
      if (!(error instanceof BatchRefusedError)) throw error;
      const each = error.problems.map((p) => stepProblemText(p, (s) => `"${oneLine(shownPath(root, s))}"`));
      return fail(`the decisions file "${oneLine(options.apply!)}" is refused, nothing was moved: ${each.join("; ")}`);
    }
    const { batch, warnings } = applied;
    if (options.json) io.out(`${JSON.stringify(batchJson(batch, plan.skipped, { root, log: logPath, warnings }))}\n`);
    else {
      io.out(batchText(batch, plan.skipped, show, folder));
      if (warnings.length) io.err(`warning: ${oneLine(warningsText(warnings))}\n`);
    }
    return batch.failed.length || plan.skipped.some(isUndone) ? EXIT_FAILURE : 0;
  } catch (error) {
    return fail(errorText(error));
  }
}

/** A decisions file that moves nothing: no batch is logged (so undo keeps acting on the last real one). */
function reportNothing(skipped: SkippedDecision[], io: CliIo, json: boolean, root: string, log: string, show: (p: string) => string): number {
  const note = "nothing to move: no batch was logged";
  if (json) {
    const s = skipped.map((x) => ({ path: x.path, reason: x.reason }));
    io.out(`${JSON.stringify({ batch: null, moved: [], trashed: [], skipped: s, failed: [], interrupted: null, log, root, warnings: [], note })}\n`);
  } else {
    const lines = [`Nothing to move (${skipped.length} skipped): no batch was logged.`];
    for (const x of skipped) lines.push(`  skipped  ${show(x.path)}: ${oneLine(x.reason)}`);
    io.out(lines.join("\n") + "\n");
  }
  return skipped.some(isUndone) ? EXIT_FAILURE : 0;
}

function reportUndo(outcome: UndoOutcome, io: CliIo, json: boolean, root: string, log: string, show: (p: string) => string): number {
  const r: UndoResult = outcome.result;
  if (json) {
    io.out(
      `${JSON.stringify({
        batch: outcome.batch.id,
        restored: r.restored,
        not_restorable: r.notRestorable.map((n) => ({ path: n.path, where: n.where, message: n.message })),
        failed: r.failed,
        resumed: outcome.resumed,
        log,
        root,
        warnings: outcome.warnings,
      })}\n`,
    );
  } else {
    const lines = [`Undid batch ${outcome.batch.id}${outcome.resumed ? " (an interrupted undo, finished)" : ""}: ${r.restored.length} restored, ${r.failed.length} failed.`];
    for (const x of r.restored) lines.push(`  restored ${show(x.from)} → ${show(x.to)}`);
    for (const n of r.notRestorable) lines.push(`  note     ${oneLine(n.message)}`);
    for (const f of r.failed) lines.push(`  failed   ${show(f.path)}: ${oneLine(f.reason)}`);
    io.out(lines.join("\n") + "\n");
    if (outcome.warnings.length) io.err(`warning: ${oneLine(warningsText(outcome.warnings))}\n`);
  }
  return r.failed.length ? EXIT_FAILURE : 0;
}

const UNDO_USAGE = `usage: lesson-lab undo FOLDER [--json]

Undoes the last batch that \`lesson-lab clean FOLDER --apply\` (or the cleaner pane) applied,
as FOLDER's "Cleaner log.md" records it: moved images go back to their label folders (a free
name beside the old one when it is taken), images in .trash come back. Only files inside
FOLDER's label folders and the .trash folder are touched, and only files that still match the
size, time and content the batch recorded. A batch that was interrupted (a crash) is reversed;
an interrupted undo is finished.
  --json       one JSON object on stdout: {batch, restored: [{from, to}], not_restorable,
               failed: [{path, reason}], resumed, log, root, warnings}; paths relative to root
  -h, --help   this help
Exit codes: 0 undone, 1 nothing to undo or a file could not be restored, 2 usage error.
`;

/** `lesson-lab undo FOLDER [--json]`. */
export async function runUndo(args: string[], rawIo: CliIo = processIo): Promise<number> {
  // Paths from the log note and the dataset reach the terminal escaped (startDatasetCommand's io), as in train and clean.
  const spec = { json: "boolean", help: { type: "boolean", short: "h" } } as const;
  const started = await startDatasetCommand("undo", args, spec, UNDO_USAGE, rawIo);
  if (typeof started === "number") return started;
  const { folder, json, io, fail } = started;
  const opened = await open(folder, fail);
  if (typeof opened === "number") return opened;
  try {
    const outcome = await opened.workflow.undo({ skipEmpty: true });
    if (!outcome) {
      const hasLog = (await opened.cleaner.log.read()) !== "";
      return fail(hasLog ? `nothing to undo in "${folder}": every batch in its Cleaner log.md is already undone (or none was applied)` : `nothing to undo in "${folder}": it has no Cleaner log.md (no batch was ever applied there)`);
    }
    return reportUndo(outcome, io, json, opened.root, opened.cleaner.scope.logNote!, opened.show);
  } catch (error) {
    return fail(errorText(error));
  }
}
