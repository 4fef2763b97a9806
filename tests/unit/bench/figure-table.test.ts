// The bench's main table keeps its goal column near the left however long a value is.
import { describe, expect, it } from "vitest";
import { figureTable, VALUE_COLUMN_CAP, wrapValue } from "../../../bench/figure-table";

describe("bench figure table", () => {
  it("wraps a long value at its separators onto continuation lines; the goal column stays put", () => {
    const long = Array.from({ length: 12 }, (_, i) => `engine-file-${i}.bin=${100 * i}`).join(", ");
    expect(long.length).toBeGreaterThan(150);
    const text = figureTable([
      ["figure", "value", "goal / reference"],
      ["startup.engine_files_kb", long, ""],
      ["startup.onload_ms", "4.20", "< 20 met"],
    ]);
    const lines = text.split("\n");
    for (const l of lines) expect(l.length).toBeLessThanOrEqual("startup.engine_files_kb".length + 2 + VALUE_COLUMN_CAP + 2 + "goal / reference".length);
    expect(lines[0].indexOf("goal")).toBe(lines[lines.length - 1].indexOf("< 20"));
    expect(lines[0].indexOf("value")).toBe(lines[1].indexOf("engine-file-0"));
    // Nothing is lost: the continuation lines put back together are the value.
    const valueAt = lines[0].indexOf("value");
    expect(lines.slice(1, -1).map((l) => l.slice(valueAt).trimEnd()).join(" ")).toBe(long);
    expect(lines.slice(2, -1).every((l) => l.slice(0, valueAt).trim() === "")).toBe(true);
  });

  it("leaves short values on one line and cuts a piece with no separator", () => {
    expect(wrapValue("1.25")).toEqual(["1.25"]);
    expect(wrapValue("x".repeat(90), 40)).toEqual(["x".repeat(40), "x".repeat(40), "x".repeat(10)]);
  });
});
