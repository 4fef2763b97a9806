import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { accuracyInterval, describeInterval, wilsonInterval } from "../../../src/classifier/metrics";
import { formatReport, trainJson } from "../../../src/cli/train";
import type { TrainResult } from "../../../src/classifier/pipeline";

describe("validation accuracy interval (Wilson score)", () => {
  it("matches published Wilson intervals", () => {
    // Values as in Newcombe (1998), Statistics in Medicine 17:857, table I (Wilson, no continuity correction).
    const i81 = wilsonInterval(81, 263)!;
    expect(i81.low).toBeCloseTo(0.2553, 4);
    expect(i81.high).toBeCloseTo(0.3662, 4);
    const i1529 = wilsonInterval(15, 148)!;
    expect(i1529.low).toBeCloseTo(0.0624, 4);
    expect(i1529.high).toBeCloseTo(0.1605, 4);
    const zero = wilsonInterval(0, 20)!;
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.1611, 4);
    const one = wilsonInterval(29, 29)!;
    expect(one.low).toBeCloseTo(0.8830, 4);
    expect(one.high).toBeCloseTo(1, 10);
  });

  it("contains the observed proportion, stays in [0, 1] and narrows as n grows", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, q) => {
        const k = Math.round(q * n);
        const i = wilsonInterval(k, n)!;
        expect(i.low).toBeGreaterThanOrEqual(0);
        expect(i.high).toBeLessThanOrEqual(1);
        expect(i.low).toBeLessThanOrEqual(k / n + 1e-12);
        expect(i.high).toBeGreaterThanOrEqual(k / n - 1e-12);
        const wider = wilsonInterval(k, n, 0.99)!;
        expect(wider.high - wider.low).toBeGreaterThan(i.high - i.low);
        const bigger = wilsonInterval(4 * k, 4 * n)!;
        expect(bigger.high - bigger.low).toBeLessThan(i.high - i.low);
      }),
    );
  });

  it("refuses what is not a count, and has no interval without images", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(5, 4)).toThrow(/successes/);
    expect(() => wilsonInterval(1.5, 4)).toThrow(/whole numbers/);
    expect(() => wilsonInterval(1, 4, 0.8)).toThrow(/confidence level/);
    expect(accuracyInterval(null, 10)).toBeNull();
    expect(accuracyInterval(0.7, 0)).toBeNull();
    expect(accuracyInterval(49 / 70, 70)).toEqual(wilsonInterval(49, 70));
  });

  it("is described as the CLI and the panel print it", () => {
    const i = wilsonInterval(49, 70)!;
    expect(describeInterval(i)).toBe("95% interval 58.5%–79.5%");
    expect(describeInterval(i, 70)).toBe("95% interval 58.5%–79.5% on 70 validation images");
  });
});

describe("train --json and the text report carry the interval", () => {
  const result = (accuracy: number | null, validCount: number): TrainResult => ({
      error: null,
      folder: "ds",
      backbone: "b",
      labels: ["a", "b"],
      counts: { a: 50, b: 50 },
      unreadable: [],
      unlabeled: [],
      warnings: [],
      epochs: [],
      confusion: null,
      perClass: [],
      mostConfused: [],
      topLosses: [],
      accuracy,
      errorRate: accuracy === null ? null : 1 - accuracy,
      accuracyInterval: accuracyInterval(accuracy, validCount),
      trainCount: 100 - validCount,
      validCount,
      model: null,
      embeddings: [],
      embedded: 0,
      cached: 0,
      seconds: { reading: 0, embedding: 0, training: 0, total: 0 },
    });

  it("adds accuracy_interval without moving the first keys", () => {
    const json = trainJson(result(0.7, 70), "/root");
    expect(Object.keys(json).slice(0, 8)).toEqual(["labels", "counts", "unreadable", "unlabeled", "warnings", "epochs", "confusion", "model"]);
    expect(json.accuracy).toBe(0.7);
    const interval = json.accuracy_interval as { low: number; high: number; level: number };
    expect(interval.level).toBe(0.95);
    expect(interval.low).toBeCloseTo(0.5846, 4);
    expect(interval.high).toBeCloseTo(0.7946, 4);
    expect(trainJson(result(null, 0), "/root").accuracy_interval).toBeNull();
  });

  it("prints the interval after the counts", () => {
    expect(formatReport(result(0.7, 70))).toContain("Validation accuracy 70.0% (95% interval 58.5%–79.5% on 70 validation images).\n");
    expect(formatReport(result(null, 0))).not.toContain("interval");
  });
});
