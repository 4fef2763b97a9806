// Text output helpers for the CLI: fixed-width tables, numbers, a progress line on stderr.
// (The epoch table's time column: classifier/format-time.ts, shared with the panel.)
import type { TrainProgress } from "../classifier/types";
import { displayWidth, oneLine } from "./terminal";

/**
 * Right-aligns numbers, left-aligns the rest; columns separated by two spaces. Cells are escaped
 * for the terminal on one line (oneLine: line breaks and tabs too) and aligned by their on-screen width.
 */
export function formatTable(headers: string[], rows: string[][], rightAligned: boolean[] = headers.map(() => false)): string {
  const cell = (c: string | undefined): string => oneLine(c ?? "");
  const shownHeaders = headers.map(cell);
  const shownRows = rows.map((r) => headers.map((_, i) => cell(r[i])));
  const widths = shownHeaders.map((h, i) => Math.max(displayWidth(h), ...shownRows.map((r) => displayWidth(r[i]))));
  const pad = (c: string, i: number): string => {
    const fill = " ".repeat(Math.max(0, widths[i] - displayWidth(c)));
    return rightAligned[i] ? fill + c : c + fill;
  };
  const line = (cells: string[]): string =>
    cells
      .map(pad)
      .join("  ")
      .trimEnd();
  return [line(shownHeaders), ...shownRows.map(line)].join("\n") + "\n";
}

/** A number with `digits` decimals, or "—" for NaN/null (no validation set). */
export function formatNumber(value: number | null | undefined, digits = 6): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(digits);
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : `${(value * 100).toFixed(digits)}%`;
}

export function progressBar(done: number, total: number, width = 24): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** One line describing a progress event. */
export function describeProgress(p: TrainProgress): string {
  switch (p.phase) {
    case "scanning":
    case "saving":
      return p.message;
    case "decoding":
      return `reading  ${progressBar(p.done, p.total)} ${p.done}/${p.total}`;
    case "embedding":
      return `embedding ${progressBar(p.done, p.total)} ${p.done}/${p.total} ${p.imagesPerSecond.toFixed(1)} img/s (${p.cached} cached)`;
    case "training":
      return `training ${progressBar(p.epoch, p.epochs)} epoch ${p.epoch}/${p.epochs}`;
  }
}

/**
 * Writes progress to a stream: redrawn in place on a terminal; elsewhere (logs, pipes) one line
 * per phase change and per 10% of a phase, so that logs stay short.
 */
export function createProgressWriter(write: (text: string) => void, isTty: boolean): { update(p: TrainProgress): void; end(): void } {
  let lastPhase = "";
  let lastDecile = -1;
  let open = false;
  return {
    update(p) {
      const text = oneLine(describeProgress(p));
      if (isTty) {
        write(`\r\x1b[2K${text}`);
        open = true;
        return;
      }
      const fraction = p.phase === "training" ? p.epoch / Math.max(1, p.epochs) : "done" in p ? p.done / Math.max(1, p.total) : 1;
      const decile = Math.floor(fraction * 10);
      if (p.phase !== lastPhase || decile !== lastDecile || p.phase === "scanning" || p.phase === "saving") write(`${text}\n`);
      lastPhase = p.phase;
      lastDecile = decile;
    },
    end() {
      if (open) write("\n");
      open = false;
    },
  };
}
