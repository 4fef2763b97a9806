// The cleaner's log note: Markdown entries appended through vault.process, each with hidden
// one-line JSON records so batches can be read back (undo after a restart, recovery after a
// crash). Pure: no Obsidian import.
//
// Write-ahead: an apply first records its intent (every planned step), then one record per step
// as it completes (and, before a move whose destination changed since planning, that
// destination), then the batch's outcome. An undo does the same. A run without its outcome
// record was interrupted; the workflow finishes or reverses it.
//
// Only the cleaner's own records count: a record is a whole line that is exactly
// `<!-- lesson-lab-cleaner {json} -->`, outside fenced code, and it is validated (types, and
// every path against the dataset's label folders and the trash) before anything acts on it.
// Visible text is flattened to one line and cannot open or close an HTML comment, so no file
// name, reason or label can plant a record.
//
// Paths are written as code, not [[wikilinks]]: Obsidian rewrites links when files move, which
// would turn the history ("moved from A") into the present ("moved from B").
//
// This module holds the note's place and the record types; log-format.ts writes entries,
// log-parse.ts reads them back.

import type { AppliedBatch, ApplyStep, FailedFile, NotRestorable, StepResult, UndoJob, UndoResult } from "./batch-types";
import { joinPath } from "./names";

export const LOG_NOTE_NAME = "Cleaner log.md";

export function logNotePath(datasetFolder: string): string {
  return joinPath(datasetFolder.replace(/\/+$/, ""), LOG_NOTE_NAME);
}

/** An apply's intent, recorded before its first step. */
export interface ApplyIntent {
  id: string;
  at: string;
  dataset: string;
  trash: string;
  steps: ApplyStep[];
}

/** An undo's intent, recorded before its first step. */
export interface UndoIntent {
  id: string;
  batchId: string;
  at: string;
  jobs: UndoJob[];
  notRestorable: NotRestorable[];
  refused: FailedFile[];
}

export type StepRecord = { run: string; k: number; phase: "begin"; to: string | null } | { run: string; k: number; phase: "end"; result: StepResult };

/** One hidden record line of the log note, as JSON. */
export type LogRecord =
  | { v: 1; type: "batch"; batch: AppliedBatch }
  | { v: 1; type: "undo"; undo: UndoResult }
  | { v: 1; type: "intent"; intent: ApplyIntent }
  | { v: 1; type: "undo-intent"; intent: UndoIntent }
  | { v: 1; type: "step"; step: StepRecord };
