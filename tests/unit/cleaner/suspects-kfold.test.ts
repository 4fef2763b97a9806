// k-fold out-of-fold probabilities and the whole finder on synthetic embeddings (Gaussian
// clusters with flipped labels): fast, no images, no backbone.
import { beforeAll, describe, expect, it } from "vitest";
import * as fc from "fast-check";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { seededRandom } from "../../../src/classifier/train";
import { Head } from "../../../src/classifier/head";
import { fitHead } from "../../../src/classifier/train";
import { kfoldProblem, outOfFoldProbabilities, stratifiedFolds } from "../../../src/cleaner/kfold";
import { findLabelIssues, precisionRecall, rankBySelfConfidence } from "../../../src/cleaner/suspects";
import { findIssues, findProblem, type CleanItem } from "../../../src/cleaner/find";
import { clusters } from "../support/clusters";

let tf: Tf;
beforeAll(async () => {
  tf = (await setupTf()).tf;
});

/** Moves `count` labels (every n/count-th image) to the next class. */
function flip(y: number[], classes: number, count: number): { noisy: number[]; flipped: Set<number> } {
  const noisy = [...y];
  const flipped = new Set<number>();
  const step = Math.floor(y.length / count);
  for (let k = 0; k < count; k++) {
    const i = k * step + (k % step);
    noisy[i] = (y[i] + 1) % classes;
    flipped.add(i);
  }
  return { noisy, flipped };
}

describe("stratified folds", () => {
  it("gives every item one fold, balances each label across folds, keeps copies together, ignores input order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.string({ minLength: 1, maxLength: 6 }), label: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 2, max: 7 }),
        fc.integer(),
        (items, k, seed) => {
          const folds = stratifiedFolds(items, k, seed);
          expect(folds).toHaveLength(items.length);
          for (const f of folds) expect(Number.isInteger(f) && f >= 0 && f < k).toBe(true);
          // Same key → same fold.
          const byKey = new Map<string, number>();
          items.forEach((it, i) => {
            if (byKey.has(it.key)) expect(folds[i]).toBe(byKey.get(it.key));
            byKey.set(it.key, folds[i]);
          });
          // Distinct keys of one label: fold sizes differ by at most one.
          const units = new Map<number, Map<string, number>>();
          items.forEach((it, i) => {
            const first = items.findIndex((o) => o.key === it.key);
            if (first !== i) return;
            const label = Math.min(...items.filter((o) => o.key === it.key).map((o) => o.label));
            const m = units.get(label) ?? new Map<string, number>();
            m.set(it.key, folds[i]);
            units.set(label, m);
          });
          for (const m of units.values()) {
            const sizes = new Array<number>(k).fill(0);
            for (const f of m.values()) sizes[f]++;
            expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          }
          // Order does not matter.
          const reversed = stratifiedFolds([...items].reverse(), k, seed).reverse();
          expect(reversed).toEqual(folds);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("says clearly when the data cannot be split", () => {
    expect(kfoldProblem(3, 2, 5)).toMatch(/3 image\(s\) are too few for 5 folds/);
    expect(kfoldProblem(30, 1, 5)).toMatch(/at least two labels/);
    expect(kfoldProblem(30, 2, 1)).toMatch(/from 2 to 50/);
    expect(kfoldProblem(30, 2, 5)).toBeNull();
    expect(() => stratifiedFolds([], 1, 0)).toThrow(/at least 2/);
    expect(findProblem(30, 2, { method: "nope" as never })).toMatch(/unknown method "nope"/);
    expect(findProblem(30, 2, { nearDuplicateThreshold: 1.5 })).toMatch(/near-duplicate threshold/);
  });
});

describe("out-of-fold probabilities", () => {
  it("scores every item exactly once, by a head that never trained on it", async () => {
    // Each item owns one dimension (one-hot embeddings) and gets a random label: a head can
    // only know an item's label by training on that item. Trained on everything, the head
    // recalls every label; out of fold, the held-out item's dimension never had a gradient.
    const n = 40;
    const random = seededRandom(3);
    const x = Array.from({ length: n }, (_, i) => Float32Array.from({ length: n }, (_, j) => (i === j ? 4 : 0)));
    const y = x.map(() => Math.floor(random() * 2));
    const keys = x.map((_, i) => `item-${i}`);
    const baseline = tf.memory().numTensors;
    const oof = await outOfFoldProbabilities(x, y, 2, keys, { folds: 4, epochs: 30, lr: 0.05 });
    expect(oof.probabilities).toHaveLength(n);
    for (const p of oof.probabilities) expect(p).toBeInstanceOf(Float32Array);
    expect(new Set(oof.fold).size).toBe(4);
    const head = Head.create(n, 2, { lr: 0.05, seed: 1 });
    await fitHead(head, { x, y }, { x: [], y: [] }, { epochs: 30, seed: 1 });
    const inSample = head.predict(x);
    head.dispose();
    const recall = (probs: Float32Array[]): number => probs.filter((p, i) => p[y[i]] > 0.5).length / n;
    expect(recall(inSample)).toBe(1);
    // Out of fold an item's own dimension never moved: its score is the prior, never a memory of it.
    for (const [i, p] of oof.probabilities.entries()) expect(Math.abs(p[y[i]] - 0.5)).toBeLessThan(0.35);
    expect(recall(oof.probabilities)).toBeLessThan(0.8);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("stops between folds when cancelled and frees the heads", async () => {
    const { x, y } = clusters(2, 20, 8, 0.3, 1);
    const baseline = tf.memory().numTensors;
    const controller = new AbortController();
    const run = outOfFoldProbabilities(x, y, 2, x.map((_, i) => String(i)), { folds: 5 }, controller.signal, (done) => {
      if (done === 2) controller.abort();
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe("finding flipped labels in Gaussian clusters", () => {
  it("ranks the flipped images first and flags them, suggesting their true class", async () => {
    const classes = 4;
    const { x, y } = clusters(classes, 50, 16, 0.6, 11);
    const { noisy, flipped } = flip(y, classes, 20);
    const keys = x.map((_, i) => `h${i}`);
    const baseline = tf.memory().numTensors;
    const oof = await outOfFoldProbabilities(x, noisy, classes, keys, { folds: 5, epochs: 40, lr: 0.01 });
    const topK = precisionRecall(rankBySelfConfidence(oof.probabilities, noisy).slice(0, flipped.size), flipped);
    expect(topK.precision).toBeGreaterThanOrEqual(0.9);
    for (const method of ["confident_learning", "prune_by_noise_rate"] as const) {
      const pr = precisionRecall(findLabelIssues(oof.probabilities, noisy, classes, method).flagged, flipped);
      expect(pr.recall, method).toBeGreaterThanOrEqual(0.85);
      expect(pr.precision, method).toBeGreaterThanOrEqual(0.8);
    }
    // The tail rules trade recall for precision: a flip the head gives 0.1 is not in a tail of 0.08.
    const tail = precisionRecall(findLabelIssues(oof.probabilities, noisy, classes, "confident_tail").flagged, flipped);
    expect(tail.precision).toBeGreaterThanOrEqual(0.9);
    expect(tail.recall).toBeGreaterThanOrEqual(0.5);
    // below_threshold (the default; fraction 0.15) is precise too. At confident_tail's fraction
    // it misses no more, as it does not need another label to be confident.
    const below = precisionRecall(findLabelIssues(oof.probabilities, noisy, classes, "below_threshold").flagged, flipped);
    expect(below.precision).toBeGreaterThanOrEqual(0.9);
    expect(below.recall).toBeGreaterThanOrEqual(0.7);
    expect(precisionRecall(findLabelIssues(oof.probabilities, noisy, classes, "below_threshold", 0.2).flagged, flipped).recall).toBeGreaterThanOrEqual(tail.recall);
    // The suggestion for a flipped image is its true class.
    const issues = findLabelIssues(oof.probabilities, noisy, classes, "confident_learning");
    const right = issues.flagged.filter((i) => flipped.has(i) && issues.suggested.get(i) === y[i]).length;
    expect(right / issues.flagged.filter((i) => flipped.has(i)).length).toBeGreaterThanOrEqual(0.9);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("out-of-fold scores find flips that an in-sample ranking (fastai's top losses) misses once the head memorises them", async () => {
    // More dimensions than images: a linear head can fit every label, wrong ones included.
    const classes = 3;
    const { x, y } = clusters(classes, 30, 200, 1.5, 17);
    const { noisy, flipped } = flip(y, classes, 9);
    const head = Head.create(200, classes, { lr: 0.01, seed: 1 });
    await fitHead(head, { x, y: noisy }, { x: [], y: [] }, { epochs: 100, seed: 1 });
    const inSample = head.predict(x);
    head.dispose();
    const oof = await outOfFoldProbabilities(x, noisy, classes, x.map((_, i) => `m${i}`), { epochs: 100, lr: 0.01 });
    const k = flipped.size;
    const fastai = precisionRecall(rankBySelfConfidence(inSample, noisy).slice(0, k), flipped).precision;
    const outOfFold = precisionRecall(rankBySelfConfidence(oof.probabilities, noisy).slice(0, k), flipped).precision;
    process.stdout.write(`memorising head: top-${k} precision out of fold ${outOfFold.toFixed(2)}, in sample ${fastai.toFixed(2)}\n`);
    // The memorised flips get a high in-sample probability for their wrong label.
    expect(inSample.filter((p, i) => p[noisy[i]] > 0.5).length).toBe(x.length);
    expect(outOfFold).toBeGreaterThanOrEqual(0.8);
    expect(outOfFold).toBeGreaterThan(fastai);
  });

  it("findIssues reports suspects with every field, most suspicious first, and frees every tensor", async () => {
    const labels = ["ant", "bee", "cat"];
    const { x, y } = clusters(3, 30, 12, 0.45, 5);
    const { noisy, flipped } = flip(y, 3, 6);
    const items: CleanItem[] = x.map((embedding, i) => ({ path: `set/${labels[noisy[i]]}/${i}.png`, label: labels[noisy[i]], split: i % 5 === 0 ? "valid" : "train", hash: `hash-${i}`, embedding }));
    const baseline = tf.memory().numTensors;
    const report = await findIssues({ labels, items, unreadable: [{ path: "set/bee/broken.png", reason: "truncated or corrupt" }] }, { epochs: 40, lr: 0.01 });
    expect(tf.memory().numTensors).toBe(baseline);
    const labelSuspects = report.suspects.filter((s) => s.issue === "label");
    const flaggedPaths = new Set(labelSuspects.map((s) => s.path));
    // A flip can sit just under its true class's threshold (with spread 0.6: p 0.60 vs t 0.82):
    // confident learning leaves it, the ranking still puts it near the top.
    expect([...flipped].filter((i) => flaggedPaths.has(items[i].path)).length).toBeGreaterThanOrEqual(4);
    expect(labelSuspects.every((s) => flipped.has(items.findIndex((it) => it.path === s.path)))).toBe(true);
    for (const s of labelSuspects) {
      const i = items.findIndex((it) => it.path === s.path);
      if (flipped.has(i)) expect(s.suggested).toBe(labels[y[i]]);
      expect(s.probability).toBeCloseTo(s.probabilities[labels.indexOf(s.given)], 6);
      expect(s.loss).toBeCloseTo(-Math.log(s.probability), 5);
      // log_ratio (the default): the share the likeliest other label takes of it and the given one.
      const other = Math.max(...s.probabilities.filter((_, j) => j !== labels.indexOf(s.given)));
      expect(s.score).toBeCloseTo(other / (other + s.probability), 6);
      expect(s.split).toBe(items[i].split);
    }
    expect(report.suspects[0]).toMatchObject({ path: "set/bee/broken.png", issue: "unreadable", given: "bee", score: 1, split: null });
    for (let i = 1; i < report.suspects.length; i++) expect(report.suspects[i - 1].score).toBeGreaterThanOrEqual(report.suspects[i].score);
    expect(report.ranking).toHaveLength(items.length);
    const flippedPaths = new Set([...flipped].map((i) => items[i].path));
    expect(report.ranking.slice(0, flipped.size).every((r) => flippedPaths.has(r.path))).toBe(true);
    expect(report.ranking.filter((r) => r.flagged).map((r) => r.path).sort()).toEqual([...flaggedPaths].sort());
    expect(report.outOfFoldAccuracy).toBeGreaterThan(0.85);
    expect(Object.keys(report.thresholds)).toEqual(labels);
  });

  it("findIssues orders by the ranking asked for, and says which", async () => {
    const { x, y } = clusters(3, 12, 6, 0.9, 41);
    const labels = ["a", "b", "c"];
    const items: CleanItem[] = x.map((embedding, i) => ({ path: `s/${labels[(y[i] + (i % 9 === 0 ? 1 : 0)) % 3]}/${i}.png`, label: labels[(y[i] + (i % 9 === 0 ? 1 : 0)) % 3], split: "train", hash: `k${i}`, embedding }));
    const byRatio = await findIssues({ labels, items }, { epochs: 5 });
    const bySelf = await findIssues({ labels, items }, { epochs: 5, rankBy: "self_confidence" });
    expect(byRatio.rankBy).toBe("log_ratio");
    expect(bySelf.rankBy).toBe("self_confidence");
    for (let i = 1; i < bySelf.ranking.length; i++) expect(bySelf.ranking[i - 1].probability).toBeLessThanOrEqual(bySelf.ranking[i].probability);
    for (const r of bySelf.ranking) expect(r.score).toBeCloseTo(1 - r.probability, 6);
    for (let i = 1; i < byRatio.ranking.length; i++) expect(byRatio.ranking[i - 1].score).toBeGreaterThanOrEqual(byRatio.ranking[i].score);
    // Same probabilities, same flags: only the order differs.
    expect(byRatio.ranking.filter((r) => r.flagged).map((r) => r.path).sort()).toEqual(bySelf.ranking.filter((r) => r.flagged).map((r) => r.path).sort());
    await expect(findIssues({ labels, items }, { rankBy: "vibes" as never })).rejects.toThrow(/unknown ranking "vibes"; use one of log_ratio, self_confidence/);
  });

  it("findIssues rejects labels it was not told about", async () => {
    const items: CleanItem[] = Array.from({ length: 10 }, (_, i) => ({ path: `p${i}`, label: i === 3 ? "zebra" : i % 2 ? "a" : "b", split: "train", hash: `h${i}`, embedding: new Float32Array([i, 1]) }));
    await expect(findIssues({ labels: ["a", "b"], items })).rejects.toThrow(/label "zebra", which is not among the labels \(a, b\)/);
    await expect(findIssues({ labels: ["a", "b"], items: items.slice(0, 3) })).rejects.toThrow(/too few for 5 folds/);
  });
});
