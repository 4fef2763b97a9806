// The quality bench's table (bench/quality-table.ts): rows per set and size, the tuned sets' mean,
// the held-out set last, the goal's verdict, skipped sets named with their reason. The text must
// equal tests/fixtures/approved/bench/quality-table.txt; after a deliberate change review the
// difference and approve it: UPDATE_APPROVALS=1 npx vitest run tests/unit/bench/quality-table.test.ts
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isQualityRowKey, qualityTable } from "../../../bench/quality-table";

const APPROVED = path.resolve(__dirname, "../../fixtures/approved/bench");

function row(error: number, topk: number): Record<string, number | null> {
  return {
    classifier_error: error,
    uniform_topk: topk,
    systematic_topk: 0.4,
    uniform_flag_precision: 0.5,
    uniform_flag_recall: 0.55,
    estimated_ratio_uniform: 4.4,
    estimated_per_100_clean: 36,
    flagged_ratio_uniform: 1.09,
    flagged_per_100_clean: 7,
  };
}

// In the order benchQuality writes them: sets, then the means.
const FIGURES = {
  seeds: { 40: [1, 2, 3], 150: [1, 2] },
  held_out: "digits",
  fashion_40: row(0.209, 0.79),
  fashion_150: row(0.157, 0.83),
  digits_40: row(0.109, 0.91),
  twemoji_40: row(0.406, 0.5),
  twemoji_150: { ...row(0.344, 0.58), systematic_topk: null },
  mean_tuned_sets_40: row(0.3075, 0.645),
  mean_tuned_sets_150: row(0.2505, 0.705),
  cleaner_seconds_1000: 5.2,
};

describe("qualityTable", () => {
  it("prints a row per set and size, the tuned sets' mean, the held-out set apart, and the goal's verdict", () => {
    const text = qualityTable(FIGURES);
    const file = path.join(APPROVED, "quality-table.txt");
    if (process.env.UPDATE_APPROVALS === "1" || !existsSync(file)) {
      mkdirSync(APPROVED, { recursive: true });
      writeFileSync(file, `${text}\n`);
      if (process.env.UPDATE_APPROVALS !== "1") throw new Error(`${file} did not exist: written; review it, then run again`);
    }
    expect(`${text}\n`).toBe(readFileSync(file, "utf8"));
  });

  it("says NOT MET while a goal's figures miss it, met once both hold, and '-' for a figure not measured", () => {
    const line = (figures: Record<string, unknown>): string => qualityTable(figures).split("\n").find((l) => l.startsWith("twemoji, 40")) ?? "";
    expect(line({ twemoji_40: row(0.406, 0.5) })).toContain("NOT MET");
    expect(line({ twemoji_40: row(0.3, 0.5) })).toContain("NOT MET");
    expect(line({ twemoji_40: row(0.32, 0.65) })).toMatch(/: met$/);
    expect(line({ twemoji_40: { ...row(0.3, 0.7), uniform_topk: null } })).toContain("NOT MET");
    expect(line({ twemoji_40: { ...row(0.3, 0.7), systematic_topk: null } })).toMatch(/ - /);
  });

  it("names a skipped set with its reason, and tells rows from the section's other figures", () => {
    expect(qualityTable({ digits: { skipped: "needs digits.png" } })).toContain("digits: skipped (needs digits.png)");
    expect(["fashion_40", "twemoji_150.tta", "mean_tuned_sets_40"].every(isQualityRowKey)).toBe(true);
    expect(["seeds", "held_out", "cleaner_seconds_1000", "digits"].some(isQualityRowKey)).toBe(false);
  });
});
