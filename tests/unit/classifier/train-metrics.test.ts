import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { accuracy, argmax, confusionMatrix, crossEntropy, mostConfused, perClassAccuracy, topLosses, type ScoredItem } from "../../../src/classifier/metrics";

const labels = ["cat", "dog", "fox"];
const item = (path: string, actual: number, p: number[]): ScoredItem => ({ path, actual, probabilities: p });
const items = [
  item("a.png", 0, [0.9, 0.05, 0.05]),
  item("b.png", 0, [0.2, 0.7, 0.1]),
  item("c.png", 1, [0.1, 0.8, 0.1]),
  item("d.png", 1, [0.6, 0.3, 0.1]),
  item("e.png", 0, [0.3, 0.6, 0.1]),
  item("f.png", 2, [0.1, 0.1, 0.8]),
];

describe("classifier metrics", () => {
  it("builds the confusion matrix with rows actual, columns predicted", () => {
    const c = confusionMatrix(labels, items);
    expect(c.matrix).toEqual([
      [1, 2, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    expect(perClassAccuracy(c)).toEqual([
      { label: "cat", count: 3, correct: 1, accuracy: 1 / 3 },
      { label: "dog", count: 2, correct: 1, accuracy: 0.5 },
      { label: "fox", count: 1, correct: 1, accuracy: 1 },
    ]);
    expect(perClassAccuracy(confusionMatrix(labels, items.slice(0, 2)))[2].accuracy).toBeNull();
    expect(accuracy(items)).toBeCloseTo(0.5);
    expect(accuracy([])).toBeNull();
  });

  it("lists the most confused pairs, most frequent first, with their images", () => {
    expect(mostConfused(labels, items)).toEqual([
      { actual: "cat", predicted: "dog", count: 2, paths: ["b.png", "e.png"] },
      { actual: "dog", predicted: "cat", count: 1, paths: ["d.png"] },
    ]);
    expect(mostConfused(labels, items, 2)).toHaveLength(1);
  });

  it("ranks top losses by the actual label's cross-entropy", () => {
    const top = topLosses(labels, items, 2);
    expect(top.map((t) => t.path)).toEqual(["b.png", "d.png"]);
    expect(top[0]).toMatchObject({ actual: "cat", predicted: "dog", probabilityPredicted: 0.7, probabilityActual: 0.2 });
    expect(top[0].loss).toBeCloseTo(-Math.log(0.2));
    expect(topLosses(labels, items)).toHaveLength(6);
    expect(crossEntropy([0, 1], 0)).toBeGreaterThan(30);
    expect(Number.isFinite(crossEntropy([0, 1], 0))).toBe(true);
  });

  it("keeps its invariants on random predictions", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 })), { maxLength: 40 }),
        (rows) => {
          const scored = rows.map(([a, p], i) => item(`${i}.png`, a, p));
          const c = confusionMatrix(labels, scored);
          expect(c.matrix.flat().reduce((x, y) => x + y, 0)).toBe(scored.length);
          const wrong = scored.filter((s) => argmax(s.probabilities) !== s.actual).length;
          expect(mostConfused(labels, scored).reduce((n, p) => n + p.count, 0)).toBe(wrong);
          const losses = topLosses(labels, scored).map((t) => t.loss);
          expect([...losses].sort((x, y) => y - x)).toEqual(losses);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
