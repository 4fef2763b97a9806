// Duplicates, leakage across splits and outliers on small synthetic embeddings.
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../src/classifier/train";
import { cosineSimilarity, embeddingMean, findDuplicates, nearestNeighbours, type DuplicateInput } from "../../../src/cleaner/duplicates";
import { findOutliers, quantile } from "../../../src/cleaner/outliers";

function randomVector(random: () => number, dim: number, base = 1): Float32Array {
  return Float32Array.from({ length: dim }, () => base + random());
}

/** 12 distinct random images, then copies of some of them. */
function dataset(): DuplicateInput[] {
  const random = seededRandom(21);
  const items: DuplicateInput[] = Array.from({ length: 12 }, (_, i) => ({ path: `d/${String.fromCharCode(97 + i)}.png`, hash: `h${i}`, split: i % 4 === 3 ? "valid" : "train", embedding: randomVector(random, 32) }));
  // Byte-identical copy of a (train) in train.
  items.push({ path: "d/a-copy.png", hash: "h0", split: "train", embedding: items[0].embedding });
  // A near copy of b (train) in validation: a leak.
  items.push({ path: "d/b-resized.png", hash: "hb2", split: "valid", embedding: Float32Array.from(items[1].embedding, (v) => v * 1.02 + (random() - 0.5) * 0.01) });
  // A near copy of d (valid) in train: the train copy is kept, the validation one leaks.
  items.push({ path: "d/z-d-brighter.png", hash: "hd2", split: "train", embedding: Float32Array.from(items[3].embedding, (v) => v + (random() - 0.5) * 0.01) });
  return items;
}

describe("duplicates", () => {
  it("finds the byte-identical copy and the near copies, and nothing else", () => {
    const items = dataset();
    const result = findDuplicates(items);
    const pairs = result.pairs.map((p) => [items[p.a].path, items[p.b].path, p.exact, p.leak]);
    expect(pairs).toHaveLength(3);
    expect(pairs[0]).toEqual(["d/a.png", "d/a-copy.png", true, false]);
    expect(result.pairs[0].similarity).toBe(1);
    expect(pairs).toContainEqual(["d/b.png", "d/b-resized.png", false, true]);
    // The training copy comes first: the one to keep.
    expect(pairs).toContainEqual(["d/z-d-brighter.png", "d/d.png", false, true]);
    for (const p of result.pairs) expect(p.similarity).toBeGreaterThanOrEqual(result.threshold);
  });

  it("groups copies, keeping a training copy so that the validation one is what leaks", () => {
    const items = dataset();
    const groups = findDuplicates(items).groups.map((g) => ({ keep: items[g.keep].path, others: g.others.map((o) => [items[o.index].path, o.exact, o.leak]) }));
    expect(groups).toContainEqual({ keep: "d/a.png", others: [["d/a-copy.png", true, false]] });
    expect(groups).toContainEqual({ keep: "d/b.png", others: [["d/b-resized.png", false, true]] });
    // d is in validation, its copy in train: keep the train copy, report d as the leak.
    expect(groups).toContainEqual({ keep: "d/z-d-brighter.png", others: [["d/d.png", false, true]] });
  });

  it("joins chains of copies into one group", () => {
    const base = Float32Array.from({ length: 8 }, (_, i) => (i % 3) + 1);
    const tweak = (k: number): Float32Array => Float32Array.from(base, (v, i) => v + (i === 0 ? 0.02 * k : 0));
    const random = seededRandom(4);
    const items: DuplicateInput[] = [0, 1, 2].map((k) => ({ path: `c${k}`, hash: `c${k}`, split: "train" as const, embedding: tweak(k) }));
    for (let i = 0; i < 10; i++) items.push({ path: `r${i}`, hash: `r${i}`, split: "train", embedding: randomVector(random, 8, 0) });
    const groups = findDuplicates(items).groups;
    expect(groups).toHaveLength(1);
    expect([groups[0].keep, ...groups[0].others.map((o) => o.index)].sort()).toEqual([0, 1, 2]);
  });

  it("compares centred vectors: images that share only the common direction are not copies", () => {
    // Two vectors that agree on a large shared offset but differ in what is specific to them.
    const random = seededRandom(8);
    const items: DuplicateInput[] = Array.from({ length: 30 }, (_, i) => ({ path: `p${i}`, hash: `p${i}`, split: "train" as const, embedding: randomVector(random, 16, 10) }));
    expect(cosineSimilarity(items[0].embedding, items[1].embedding)).toBeGreaterThan(0.99);
    expect(findDuplicates(items, { centered: false }).pairs.length).toBeGreaterThan(100);
    expect(findDuplicates(items).pairs).toHaveLength(0);
    const mean = embeddingMean(items.map((i) => i.embedding));
    expect(Math.abs(cosineSimilarity(items[0].embedding, items[1].embedding, mean))).toBeLessThan(0.9);
  });

  it("nearest neighbours, zero vectors and bad input", () => {
    const nn = nearestNeighbours([new Float32Array([1, 0]), new Float32Array([0.9, 0.1]), new Float32Array([0, 1])]);
    expect(nn.map((n) => n.index)).toEqual([1, 0, 1]);
    expect(nearestNeighbours([new Float32Array([1])])[0].similarity).toBeNaN();
    expect(cosineSimilarity(new Float32Array([0, 0]), new Float32Array([1, 0]))).toBe(0);
    expect(() => cosineSimilarity(new Float32Array(2), new Float32Array(3))).toThrow(/sizes 2 and 3/);
    expect(() => findDuplicates(dataset(), { threshold: 0 })).toThrow(/threshold/);
    const bad = dataset();
    bad[2] = { ...bad[2], embedding: new Float32Array(3) };
    expect(() => findDuplicates(bad)).toThrow(/d\/c\.png has 3 dimensions, expected 32/);
  });

  it("stops when cancelled", () => {
    const controller = new AbortController();
    controller.abort();
    let thrown: unknown = null;
    try {
      findDuplicates(dataset(), {}, controller.signal);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe("AbortError");
  });
});

describe("outliers", () => {
  // Three classes in separate corners of 6-d space, 20 points each, plus three odd ones.
  function scene(): { x: Float32Array[]; y: number[]; p: number[][] } {
    const random = seededRandom(13);
    const x: Float32Array[] = [];
    const y: number[] = [];
    const p: number[][] = [];
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 20; i++) {
        x.push(Float32Array.from({ length: 6 }, (_, j) => (j === 2 * c || j === 2 * c + 1 ? 5 : 0) + random() * 0.8));
        y.push(c);
        p.push([0, 1, 2].map((j) => (j === c ? 0.9 : 0.05)));
      }
    }
    // 60: fits no class and no head is sure of it.
    x.push(Float32Array.from([0.1, 0.1, 0.1, 0.1, 0.1, 0.1]).map((v, j) => (j % 2 ? 6 : v)));
    y.push(0);
    p.push([0.4, 0.3, 0.3]);
    // 61: far from every class, but a head is sure of it (an outlier unless the probability test is on).
    x.push(Float32Array.from([0.1, 6, 0.1, 6, 0.1, 6]));
    y.push(1);
    p.push([0.05, 0.9, 0.05]);
    // 62: unsure (a head splits it between 0 and 1), but an ordinary image of class 0: not an outlier.
    x.push(Float32Array.from([5.3, 5.3, 0.5, 0.5, 0.4, 0.4]));
    y.push(0);
    p.push([0.45, 0.45, 0.1]);
    return { x, y, p };
  }

  it("flags the image far from every class; with the probability test, only if no head is sure of it", () => {
    const { x, y, p } = scene();
    const result = findOutliers(x, y, p, 3);
    expect(result.outliers.map((o) => o.index)).toEqual([60, 61]);
    for (const o of result.outliers) expect(o.distance).toBeGreaterThan(o.threshold);
    expect(result.thresholds).toHaveLength(3);
    const sure = findOutliers(x, y, p, 3, { maxProbability: 0.5 });
    expect(sure.outliers.map((o) => o.index)).toEqual([60]);
    expect(sure.outliers[0].maxProbability).toBeCloseTo(0.4, 6);
    // Without the margin the farthest ordinary images of each class pass the percentile too.
    const bare = findOutliers(x, y, p, 3, { margin: 1 }).outliers.map((r) => r.index);
    expect(bare).toEqual(expect.arrayContaining([60, 61]));
    expect(bare.length).toBeGreaterThan(2);
  });

  it("quantiles and bad options", () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
    const { x, y, p } = scene();
    expect(() => findOutliers(x, y, p, 3, { percentile: 1 })).toThrow(/percentile/);
    expect(() => findOutliers(x, y, p, 3, { margin: 0 })).toThrow(/margin/);
    expect(() => findOutliers(x, y.slice(1), p, 3)).toThrow(/63 embeddings, 62 labels/);
    expect(findOutliers([], [], [], 2).outliers).toEqual([]);
  });
});
