// Reads the cleaner's log note back (see log.ts): only whole-line records outside fenced code, each
// validated (types, and every path against the dataset's label folders and the trash) before
// anything acts on it.

import type { AppliedBatch, AppliedMove, ApplyStep, FailedFile, NotRestorable, RestoredFile, StepResult, TrashedFile, UndoJob, UndoResult } from "./batch-types";
import type { Fingerprint } from "./decisions";
import type { ApplyIntent, StepRecord, UndoIntent } from "./log";
import { datasetFileProblem, labelDestinationProblem, pathProblem, scopeProblem, trashFileProblem, type CleanerScope } from "./paths";

/** A record: the whole line, nothing before or after. */
const RECORD_LINE_RE = /^<!-- lesson-lab-cleaner (\{.*\}) -->$/;
const FENCE_RE = /^ {0,3}(`{3,}|~{3,})/;

export interface LoggedBatch extends AppliedBatch {
  /** Set when the batch was undone. */
  undo?: UndoResult;
}

/** A run (apply or undo) whose outcome record is missing: interrupted, or still running. */
export type OpenRun =
  | { kind: "apply"; intent: ApplyIntent; begun: Map<number, string | null>; ended: Map<number, StepResult> }
  | { kind: "undo"; intent: UndoIntent; begun: Map<number, string | null>; ended: Map<number, StepResult> };

export interface ParsedLog {
  /** Oldest first. */
  batches: LoggedBatch[];
  /** The run that has no outcome record yet, if any. */
  open: OpenRun | null;
  /** Records ignored, each with its line and the reason. */
  warnings: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const optNum = (v: unknown): boolean => v === undefined || isNum(v);
const optStr = (v: unknown): boolean => v === undefined || isStr(v);

/** A record whose shape or paths are wrong; the message says which. */
class Invalid extends Error {}

function need(ok: boolean, what: string): void {
  if (!ok) throw new Invalid(what);
}

function list<T>(v: unknown, read: (x: unknown) => T, what: string): T[] {
  need(Array.isArray(v), `${what} is not a list`);
  return (v as unknown[]).map(read);
}

/** Path checks: without a scope only normal form, with one the cleaner's containment rule. */
type Check = (path: unknown, kind: "dataset" | "destination" | "trash" | "either") => void;

function checker(scope: CleanerScope | undefined): Check {
  return (path, kind) => {
    let problem: string | null;
    if (!scope) problem = pathProblem(path);
    else if (kind === "dataset") problem = datasetFileProblem(path, scope);
    else if (kind === "destination") problem = labelDestinationProblem(path, scope);
    else if (kind === "trash") problem = trashFileProblem(path, scope);
    else problem = scopeProblem(path, scope);
    if (problem) throw new Invalid(`the path ${JSON.stringify(path)} is refused: ${problem}`);
  };
}

function readFp(x: unknown): Fingerprint {
  need(isRecord(x), "a fingerprint is missing");
  const f = x as Record<string, unknown>;
  need(isNum(f.size) && isNum(f.mtime) && optStr(f.hash), "a fingerprint is damaged");
  return { size: f.size as number, mtime: f.mtime as number, ...(isStr(f.hash) ? { hash: f.hash } : {}) };
}

function readFailed(x: unknown, check: Check): FailedFile {
  need(isRecord(x) && isStr(x.path) && isStr(x.reason), "a failed file is damaged");
  const r = x as { path: string; reason: string };
  check(r.path, "either");
  return { path: r.path, reason: r.reason };
}

function readMove(x: unknown, check: Check): AppliedMove {
  need(isRecord(x) && isStr(x.from) && isStr(x.to) && optNum(x.size) && optNum(x.mtime) && optStr(x.label) && optStr(x.hash), "a move is damaged");
  const r = x as Record<string, unknown>;
  check(r.from, "dataset");
  check(r.to, "destination");
  const m: AppliedMove = { from: r.from as string, to: r.to as string };
  if (isStr(r.label)) m.label = r.label;
  if (isNum(r.size)) m.size = r.size;
  if (isNum(r.mtime)) m.mtime = r.mtime;
  if (isStr(r.hash)) m.hash = r.hash;
  return m;
}

function readTrashed(x: unknown, check: Check): TrashedFile {
  need(isRecord(x) && isStr(x.path) && optNum(x.size) && optNum(x.mtime) && optStr(x.trashPath) && optStr(x.hash), "a trashed file is damaged");
  const r = x as Record<string, unknown>;
  need(r.where === "vault-trash" || r.where === "system" || r.where === "deleted", "a trashed file has an unknown place");
  check(r.path, "dataset");
  if (isStr(r.trashPath) && r.trashPath !== "") check(r.trashPath, "trash");
  const t: TrashedFile = { path: r.path as string, where: r.where as TrashedFile["where"] };
  if (isStr(r.trashPath)) t.trashPath = r.trashPath;
  if (isNum(r.size)) t.size = r.size;
  if (isNum(r.mtime)) t.mtime = r.mtime;
  if (isStr(r.hash)) t.hash = r.hash;
  return t;
}

function readBatch(x: unknown, check: Check): AppliedBatch {
  need(isRecord(x) && isStr(x.id) && isStr(x.at) && optStr(x.interrupted), "the batch is damaged");
  const r = x as Record<string, unknown>;
  const b: AppliedBatch = {
    id: r.id as string,
    at: r.at as string,
    moves: list(r.moves, (m) => readMove(m, check), "moves"),
    trashed: list(r.trashed, (t) => readTrashed(t, check), "trashed"),
    failed: list(r.failed, (f) => readFailed(f, check), "failed"),
  };
  if (isStr(r.interrupted)) b.interrupted = r.interrupted;
  return b;
}

function readRestored(x: unknown, check: Check): RestoredFile {
  need(isRecord(x) && isStr(x.from) && isStr(x.to), "a restored file is damaged");
  const r = x as { from: string; to: string };
  check(r.from, "either");
  check(r.to, "dataset");
  return { from: r.from, to: r.to };
}

function readNotRestorable(x: unknown, check: Check): NotRestorable {
  need(isRecord(x) && isStr(x.path) && isStr(x.message), "a file not restorable is damaged");
  const r = x as Record<string, unknown>;
  need(r.where === "vault-trash" || r.where === "system" || r.where === "deleted", "a file not restorable has an unknown place");
  check(r.path, "dataset");
  return { path: r.path as string, where: r.where as NotRestorable["where"], message: r.message as string };
}

function readUndo(x: unknown, check: Check): UndoResult {
  need(isRecord(x) && isStr(x.batchId) && isStr(x.at) && optStr(x.id) && optStr(x.interrupted), "the undo is damaged");
  const r = x as Record<string, unknown>;
  const u: UndoResult = {
    batchId: r.batchId as string,
    at: r.at as string,
    restored: list(r.restored, (e) => readRestored(e, check), "restored"),
    notRestorable: list(r.notRestorable, (e) => readNotRestorable(e, check), "notRestorable"),
    failed: list(r.failed, (e) => readFailed(e, check), "failed"),
  };
  if (isStr(r.id)) u.id = r.id;
  if (isStr(r.interrupted)) u.interrupted = r.interrupted;
  return u;
}

function readStep(x: unknown, check: Check): ApplyStep {
  need(isRecord(x), "a step is damaged");
  const r = x as Record<string, unknown>;
  if (r.op === "move") {
    need(isStr(r.from) && isStr(r.to) && isStr(r.label), "a move step is damaged");
    check(r.from, "dataset");
    check(r.to, "destination");
    return { op: "move", from: r.from as string, to: r.to as string, label: r.label as string, fp: readFp(r.fp) };
  }
  need(r.op === "trash" && isStr(r.path), "a step is damaged");
  check(r.path, "dataset");
  return { op: "trash", path: r.path as string, fp: readFp(r.fp) };
}

function readIntent(x: unknown, check: Check, scope: CleanerScope | undefined): ApplyIntent {
  need(isRecord(x) && isStr(x.id) && isStr(x.at) && isStr(x.dataset) && isStr(x.trash), "the intent is damaged");
  const r = x as Record<string, unknown>;
  if (scope) {
    need(r.dataset === scope.dataset, `the intent is for the dataset ${JSON.stringify(r.dataset)}, not "${scope.dataset}"`);
    need(r.trash === scope.trash, `the intent names the trash ${JSON.stringify(r.trash)}, not "${scope.trash}"`);
  }
  return { id: r.id as string, at: r.at as string, dataset: r.dataset as string, trash: r.trash as string, steps: list(r.steps, (s) => readStep(s, check), "steps") };
}

function readJob(x: unknown, check: Check): UndoJob {
  need(isRecord(x) && isStr(x.from) && isStr(x.to), "an undo step is damaged");
  const r = x as Record<string, unknown>;
  check(r.from, "either");
  check(r.to, "dataset");
  return { from: r.from as string, to: r.to as string, fp: readFp(r.fp) };
}

function readUndoIntent(x: unknown, check: Check): UndoIntent {
  need(isRecord(x) && isStr(x.id) && isStr(x.batchId) && isStr(x.at), "the undo intent is damaged");
  const r = x as Record<string, unknown>;
  return {
    id: r.id as string,
    batchId: r.batchId as string,
    at: r.at as string,
    jobs: list(r.jobs, (j) => readJob(j, check), "jobs"),
    notRestorable: list(r.notRestorable, (e) => readNotRestorable(e, check), "notRestorable"),
    refused: list(r.refused, (e) => readFailed(e, check), "refused"),
  };
}

/** A step record, checked against its open run (index, paths, the file it names). */
function readStepRecord(x: unknown, open: OpenRun | null, check: Check): StepRecord {
  need(isRecord(x) && isStr(x.run) && Number.isInteger(x.k), "the step record is damaged");
  const r = x as Record<string, unknown>;
  need(open !== null && open.intent.id === r.run, `it belongs to no open run (${JSON.stringify(r.run)})`);
  const run = open!;
  const k = r.k as number;
  const count = run.kind === "apply" ? run.intent.steps.length : run.intent.jobs.length;
  need(k >= 0 && k < count, `step ${k} is not in the run`);
  need(!run.ended.has(k), `step ${k} is recorded twice`);
  if (r.phase === "begin") {
    need(r.to === null || isStr(r.to), "the step record is damaged");
    if (isStr(r.to)) {
      if (run.kind === "apply") {
        const step = run.intent.steps[k];
        need(step.op === "move", `step ${k} is no move`);
        check(r.to, "destination");
      } else check(r.to, "dataset");
    }
    return { run: r.run as string, k, phase: "begin", to: (r.to as string | null) ?? null };
  }
  need(r.phase === "end" && isRecord(r.result), "the step record is damaged");
  const res = r.result as Record<string, unknown>;
  let result: StepResult;
  if (res.status === "moved") result = { status: "moved", move: readMove(res.move, check) };
  else if (res.status === "trashed") result = { status: "trashed", trashed: readTrashed(res.trashed, check) };
  else if (res.status === "restored") result = { status: "restored", restored: readRestored(res.restored, check) };
  else if (res.status === "failed") result = { status: "failed", failed: readFailed(res.failed, check) };
  else throw new Invalid("the step result has an unknown status");
  // The result must be about the file the step names.
  if (run.kind === "apply") {
    const step = run.intent.steps[k];
    const from = step.op === "move" ? step.from : step.path;
    need(result.status !== "restored", "an apply step cannot restore");
    if (result.status === "moved") need(step.op === "move" && result.move.from === from, "the move is not the step's");
    if (result.status === "trashed") need(step.op === "trash" && result.trashed.path === from, "the trash is not the step's");
    if (result.status === "failed") need(result.failed.path === from, "the failure is not the step's");
  } else {
    const job = run.intent.jobs[k];
    need(result.status === "restored" || result.status === "failed", "an undo step can only restore or fail");
    if (result.status === "restored") need(result.restored.from === job.from, "the restore is not the step's");
    if (result.status === "failed") need(result.failed.path === job.to, "the failure is not the step's");
  }
  return { run: r.run as string, k, phase: "end", result };
}

/**
 * The runs recorded in a log note. Only whole-line records outside fenced code are read; each is
 * validated, and with a `scope` every path must lie in the dataset's label folders or the trash.
 * Records that fail are ignored and named, with their line, in `warnings`.
 */
export function parseLog(text: string, scope?: CleanerScope): ParsedLog {
  const batches: LoggedBatch[] = [];
  const byId = new Map<string, LoggedBatch>();
  const warnings: string[] = [];
  const check = checker(scope);
  let open: OpenRun | null = null;
  let fence: string | null = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    const f = FENCE_RE.exec(line);
    if (f) {
      if (fence === null) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const match = RECORD_LINE_RE.exec(line);
    if (!match) continue;
    const where = `Log line ${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(match[1]) as unknown;
    } catch {
      warnings.push(`${where}: the record is not valid JSON; ignored.`);
      continue;
    }
    if (!isRecord(raw) || raw.v !== 1) {
      warnings.push(`${where}: the record has an unknown format; ignored.`);
      continue;
    }
    try {
      if (raw.type === "batch") {
        const batch = readBatch(raw.batch, check);
        if (open && open.kind === "apply" && open.intent.id === batch.id) open = null;
        else need(open === null, `it closes batch ${batch.id} while ${open?.intent.id ?? ""} is open`);
        need(!byId.has(batch.id), `it repeats batch ${batch.id}`);
        const logged: LoggedBatch = batch;
        batches.push(logged);
        byId.set(batch.id, logged);
      } else if (raw.type === "undo") {
        const undo = readUndo(raw.undo, check);
        const target = byId.get(undo.batchId);
        need(target !== undefined, `it undoes batch ${undo.batchId}, which the log does not have`);
        need(!target!.undo, `it undoes batch ${undo.batchId} a second time`);
        if (open && open.kind === "undo" && open.intent.id === undo.id) open = null;
        else need(open === null, `it closes an undo while ${open?.intent.id ?? ""} is open`);
        target!.undo = undo;
      } else if (raw.type === "intent") {
        need(open === null, `it starts a batch while ${open?.intent.id ?? ""} is open`);
        const intent = readIntent(raw.intent, check, scope);
        need(!byId.has(intent.id), `it repeats batch ${intent.id}`);
        open = { kind: "apply", intent, begun: new Map(), ended: new Map() };
      } else if (raw.type === "undo-intent") {
        need(open === null, `it starts an undo while ${open?.intent.id ?? ""} is open`);
        const intent = readUndoIntent(raw.intent, check);
        const target = byId.get(intent.batchId);
        need(target !== undefined, `it undoes batch ${intent.batchId}, which the log does not have`);
        need(!target!.undo, `it undoes batch ${intent.batchId} a second time`);
        open = { kind: "undo", intent, begun: new Map(), ended: new Map() };
      } else if (raw.type === "step") {
        const step = readStepRecord(raw.step, open, check);
        if (step.phase === "begin") open!.begun.set(step.k, step.to);
        else open!.ended.set(step.k, step.result);
      } else {
        throw new Invalid("the record has an unknown type");
      }
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      warnings.push(`${where}: ${e.message}; ignored.`);
    }
  }
  return { batches, open, warnings };
}

/**
 * The latest batch not yet undone, which the pane's undo acts on; null when there is none. With
 * `skipEmpty`, an empty batch (nothing moved, trashed or failed: an --apply whose every decision
 * was skipped, as older versions logged) is passed over, so that undo reaches the last batch
 * that did something (the CLI's `undo`).
 */
export function lastUndoable(log: ParsedLog, skipEmpty = false): LoggedBatch | null {
  for (let i = log.batches.length - 1; i >= 0; i--) {
    const b = log.batches[i];
    if (b.undo) continue;
    if (skipEmpty && b.moves.length === 0 && b.trashed.length === 0 && b.failed.length === 0) continue;
    return b;
  }
  return null;
}
