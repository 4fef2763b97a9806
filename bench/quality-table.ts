// The quality section's figures (bench/quality.ts benchQuality) as one readable table: a row per
// set and size (and experiment), the tuned sets' means, the held-out set apart, and issue 16's
// goals beside the rows they are about. Pure: figures in, text out.
import { formatTable } from "../src/cli/table";

/** The figures of one row, as benchQuality's meanFigures gives them (NaN/null: not measured). */
export type QualityRow = Record<string, number | null>;

interface Column {
  key: string;
  title: string;
}

const COLUMNS: Column[] = [
  { key: "classifier_error", title: "error_rate (5-fold)" },
  { key: "uniform_topk", title: "top-k uniform" },
  { key: "systematic_topk", title: "top-k systematic" },
  { key: "uniform_flag_precision", title: "flags P" },
  { key: "uniform_flag_recall", title: "flags R" },
  { key: "flagged_ratio_uniform", title: "flagged/injected" },
  { key: "estimated_ratio_uniform", title: "cleanlab est./injected" },
  { key: "flagged_per_100_clean", title: "flagged per 100 clean" },
];

/** Issue 16's goals per row key (`<set>_<size>`); the text shown in the table's last column. */
export const QUALITY_GOALS: Readonly<Record<string, { text: string; met: (row: QualityRow) => boolean }>> = {
  twemoji_40: {
    text: "goal: error_rate <= 0.32, top-k uniform >= 0.65",
    met: (r) => typeof r.classifier_error === "number" && r.classifier_error <= 0.32 && typeof r.uniform_topk === "number" && r.uniform_topk >= 0.65,
  },
};

const SET_ORDER = ["fashion", "twemoji", "digits"];

function cell(v: number | null | undefined): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toFixed(3) : "-";
}

/** Parses "twemoji_40" / "twemoji_40.name" / "mean_tuned_sets_40" / "mean_tuned_sets_40.name". */
function parseKey(key: string): { set: string; size: number; experiment: string } | null {
  const mean = /^mean_tuned_sets_(\d+)(?:\.(.+))?$/.exec(key);
  if (mean) return { set: "mean", size: Number(mean[1]), experiment: mean[2] ?? "" };
  const row = /^([a-z]+)_(\d+)(?:\.(.+))?$/.exec(key);
  return row ? { set: row[1], size: Number(row[2]), experiment: row[3] ?? "" } : null;
}

/** Whether a key of benchQuality's figures is a table row (a set, a mean, or a skipped set). */
export function isQualityRowKey(key: string): boolean {
  return parseKey(key) !== null;
}

/**
 * The table: for each size, the tuned sets' rows, their mean, then the held-out set (`held_out`
 * in the figures), each row's goal and whether it is met. Skipped sets are listed under the table
 * with the reason. Keys that are not rows (seeds, cleaner seconds) are left to the main table.
 */
export function qualityTable(figures: Record<string, unknown>): string {
  const heldOut = typeof figures.held_out === "string" ? figures.held_out : "";
  const rows: { key: string; set: string; size: number; experiment: string; values: QualityRow }[] = [];
  const skipped: string[] = [];
  for (const [key, value] of Object.entries(figures)) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) continue;
    const v = value as Record<string, unknown>;
    if (typeof v.skipped === "string") {
      skipped.push(`${key}: skipped (${v.skipped})`);
      continue;
    }
    const parsed = parseKey(key);
    if (!parsed) continue;
    rows.push({ key, ...parsed, values: v as QualityRow });
  }
  const rank = (set: string): number => (set === "mean" ? 10 : set === heldOut ? 20 : SET_ORDER.indexOf(set) >= 0 ? SET_ORDER.indexOf(set) : 5);
  rows.sort((a, b) => a.size - b.size || a.experiment.localeCompare(b.experiment) || rank(a.set) - rank(b.set) || a.set.localeCompare(b.set));
  const label = (r: (typeof rows)[number]): string => {
    const name = r.set === "mean" ? "mean of the tuned sets" : r.set === heldOut ? `${r.set} (held out)` : r.set;
    return `${name}, ${r.size} per label${r.experiment ? ` [${r.experiment}]` : ""}`;
  };
  const headers = ["set", ...COLUMNS.map((c) => c.title), "goal"];
  const body = rows.map((r) => {
    const goal = QUALITY_GOALS[`${r.set}_${r.size}`];
    return [label(r), ...COLUMNS.map((c) => cell(r.values[c.key])), goal ? `${goal.text}: ${goal.met(r.values) ? "met" : "NOT MET"}` : ""];
  });
  // The CLI's table: figures right-aligned, the set and the goal left-aligned.
  const table = formatTable(headers, body, headers.map((_, c) => c > 0 && c < headers.length - 1)).trimEnd();
  return [table, ...skipped].join("\n");
}
