// The neighbour vote (knn.ts), the shared standardiser, how k-fold blends votes, heads and
// repeats (kfold.ts), and that findIssues scores with exactly that.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { seededRandom } from "../../../src/classifier/train";
import { Head } from "../../../src/classifier/head";
import { standardizerOf, standardized, STD_FLOOR } from "../../../src/classifier/standardize";
import { neighbourProbabilities } from "../../../src/cleaner/knn";
import { kfoldEpochs, kfoldProblem, outOfFoldProbabilities, STANDARDIZED_EPOCHS } from "../../../src/cleaner/kfold";
import { clusters } from "../support/clusters";
import { findIssues, type CleanItem } from "../../../src/cleaner/find";
import { DEFAULT_BACKBONE_ID, standardizeByDefault } from "../../../src/classifier/backbone";

let tf: Tf;
beforeAll(async () => {
  tf = (await setupTf()).tf;
});

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

describe("standardiser", () => {
  it("centres and scales each dimension; a constant one gets deviation 1, a nearly constant one the floor", () => {
    const s = standardizerOf([v(1, 5, 0), v(3, 5, 0), v(5, 5, 0.0001)]);
    expect(Array.from(s.mean)).toEqual([3, 5, expect.closeTo(0.0000333, 6) as number]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(s.std[1]).toBe(1);
    // Dimension 2 varies a little: floored at STD_FLOOR of the mean deviation.
    const meanSd = (Math.sqrt(8 / 3) + 0 + 0.0000471) / 3;
    expect(s.std[2]).toBeCloseTo(STD_FLOOR * meanSd, 6);
    expect(Array.from(standardized(v(3, 5, 0), s)).map((x) => Math.round(x * 1000) / 1000)).toEqual([0, 0, -0.001]);
    expect(() => standardizerOf([])).toThrow(/at least one embedding/);
  });

  it("is what the head standardises with", () => {
    const x = [v(1, 2), v(3, 8), v(2, 2)];
    const head = Head.create(2, 2, { standardize: true });
    try {
      head.fitStandardizer(x);
      const s = standardizerOf(x);
      const inner = head as unknown as { mean: Float32Array; std: Float32Array };
      expect(Array.from(inner.mean)).toEqual(Array.from(s.mean));
      expect(Array.from(inner.std)).toEqual(Array.from(s.std));
    } finally {
      head.dispose();
    }
  });
});

describe("neighbour vote", () => {
  // Two labels on two directions; the query points along label 1's direction.
  const trainX = [v(1, 0), v(0.9, 0.1), v(1, 0.05), v(0, 1), v(0.1, 1), v(0.05, 0.9)];
  const trainY = [0, 0, 0, 1, 1, 1];

  it("gives each label its share of the k most similar images, smoothed by 1/k of a vote", async () => {
    const [p] = await neighbourProbabilities(trainX, trainY, [v(0.02, 1)], 2, { k: 3, standardize: false });
    // 3 votes for label 1, none for 0; smoothing 1/(k·L) per label, total k + 1/k.
    const total = 3 + 1 / 3;
    expect(p[0]).toBeCloseTo(1 / 6 / total, 6);
    expect(p[1]).toBeCloseTo((3 + 1 / 6) / total, 6);
    expect(p[0] + p[1]).toBeCloseTo(1, 6);
    const [mixed] = await neighbourProbabilities(trainX, trainY, [v(1, 0.9)], 2, { k: 4, standardize: false });
    // The four nearest to the diagonal: two of each direction's less pure members and its best.
    expect(mixed[0]).toBeGreaterThan(0.2);
    expect(mixed[1]).toBeGreaterThan(0.2);
  });

  it("uses cosine similarity: the length of an embedding does not matter", async () => {
    const a = await neighbourProbabilities(trainX, trainY, [v(0.02, 1)], 2, { k: 2, standardize: false });
    const b = await neighbourProbabilities(trainX, trainY, [v(2, 100)], 2, { k: 2, standardize: false });
    expect(Array.from(a[0])).toEqual(Array.from(b[0]));
  });

  it("standardises with the training images' statistics when asked: a wide dimension stops deciding alone", async () => {
    // Dimension 0 spreads widely and says nothing about the label; dimension 1 is the label.
    const x = [v(0, 1), v(50, 1), v(100, 1), v(0, -1), v(50, -1), v(100, -1)];
    const y = [0, 0, 0, 1, 1, 1];
    const query = [v(48, -1)];
    const [raw] = await neighbourProbabilities(x, y, query, 2, { k: 3, standardize: false });
    const [std] = await neighbourProbabilities(x, y, query, 2, { k: 3, standardize: true });
    // Raw: (50,-1), (100,-1) and (100,1) are closest in angle; standardised: the three of label 1.
    expect(raw[1]).toBeCloseTo((2 + 1 / 6) / (3 + 1 / 3), 6);
    expect(std[1]).toBeCloseTo((3 + 1 / 6) / (3 + 1 / 3), 6);
  });

  it("caps k at the training set's size and refuses bad input clearly", async () => {
    const [p] = await neighbourProbabilities(trainX.slice(0, 2), trainY.slice(0, 2), [v(0, 1)], 2, { k: 10, standardize: false });
    // k = 2: (2 votes + 1/(2·2)) / (2 + 1/2).
    expect(p[0]).toBeCloseTo(0.9, 6);
    await expect(neighbourProbabilities(trainX, trainY, [v(0, 1)], 2, { k: 0, standardize: false })).rejects.toThrow(/whole number of at least 1; got 0/);
    await expect(neighbourProbabilities([], [], [v(0, 1)], 2, { k: 3, standardize: false })).rejects.toThrow(/needs training embeddings/);
    await expect(neighbourProbabilities(trainX, [0], [v(0, 1)], 2, { k: 3, standardize: false })).rejects.toThrow(/6 training embeddings for 1 labels/);
    await expect(neighbourProbabilities(trainX, trainY, [v(0, 1, 2)], 2, { k: 3, standardize: false })).rejects.toThrow(/size 3 among 2-d/);
  });

  it("stops when cancelled", async () => {
    const random = seededRandom(5);
    const many = Array.from({ length: 200 }, () => v(random(), random()));
    const controller = new AbortController();
    const run = neighbourProbabilities(many, many.map((_, i) => i % 2), many, 2, { k: 3, standardize: false }, controller.signal);
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("k-fold with the vote and repeats", () => {
  const { x, y } = clusters(3, 20, 8, 0.8, 23);
  const keys = x.map((_, i) => `c${i}`);

  it("weight 1 is the vote alone, weight 0 (or no neighbours) the heads alone; the default blends them", async () => {
    const baseline = tf.memory().numTensors;
    const common = { folds: 4, epochs: 5, repeats: 1 };
    const votes = await outOfFoldProbabilities(x, y, 3, keys, { ...common, neighbourWeight: 1 });
    // A vote of 10 neighbours: every probability is (whole votes + 1/30) / (10 + 1/10).
    for (const p of votes.probabilities) for (const q of p) expect(Math.abs(q * 10.1 - 1 / 30 - Math.round(q * 10.1 - 1 / 30))).toBeLessThan(1e-4);
    const heads = await outOfFoldProbabilities(x, y, 3, keys, { ...common, neighbours: 0 });
    const headsToo = await outOfFoldProbabilities(x, y, 3, keys, { ...common, neighbourWeight: 0 });
    expect(headsToo.probabilities.map((p) => Array.from(p))).toEqual(heads.probabilities.map((p) => Array.from(p)));
    const blend = await outOfFoldProbabilities(x, y, 3, keys, common);
    blend.probabilities.forEach((p, i) => p.forEach((q, c) => expect(q).toBeCloseTo((votes.probabilities[i][c] + heads.probabilities[i][c]) / 2, 5)));
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("repeats average runs on other fold assignments, and report progress over all of them", async () => {
    const seen: [number, number][] = [];
    const once = await outOfFoldProbabilities(x, y, 3, keys, { folds: 4, epochs: 5, repeats: 1 });
    const twice = await outOfFoldProbabilities(x, y, 3, keys, { folds: 4, epochs: 5, repeats: 2 }, undefined, (done, total) => seen.push([done, total]));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((d) => [d, 8]));
    // The first run is the single run; the folds reported are the first run's.
    expect(twice.fold).toEqual(once.fold);
    expect(twice.probabilities.some((p, i) => Math.abs(p[0] - once.probabilities[i][0]) > 1e-4)).toBe(true);
    for (const p of twice.probabilities) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it("an image no fold can score (nothing else to train on) gets no opinion, not a crash", async () => {
    // Two labels, every image a byte-identical copy: one unit, one fold, nothing to train on elsewhere.
    const same = Array.from({ length: 4 }, () => v(1, 2));
    const oof = await outOfFoldProbabilities(same, [0, 1, 0, 1], 2, ["h", "h", "h", "h"], { folds: 2, epochs: 1 });
    for (const p of oof.probabilities) expect(Array.from(p)).toEqual([0.5, 0.5]);
  });

  it("standardised features train fewer epochs by default; bad options get clear messages", () => {
    expect(kfoldEpochs(true)).toBe(STANDARDIZED_EPOCHS);
    expect(kfoldEpochs(false)).toBe(20);
    expect(kfoldEpochs(true, 7)).toBe(7);
    expect(kfoldProblem(100, 3, 5, { neighbours: -1 })).toMatch(/neighbours must be a whole number from 0 to 1000; got -1/);
    expect(kfoldProblem(100, 3, 5, { neighbourWeight: 1.5 })).toMatch(/neighbour weight must be from 0 to 1; got 1.5/);
    expect(kfoldProblem(100, 3, 5, { repeats: 0 })).toMatch(/repeats must be a whole number from 1 to 20; got 0/);
    expect(kfoldProblem(100, 3, 5, { neighbours: 0, neighbourWeight: 0, repeats: 3 })).toBeNull();
  });
});

describe("findIssues scores with kfold.ts's own defaults", () => {
  it("gives each image the probabilities outOfFoldProbabilities gives with the same options, standardised or not", async () => {
    const { x, y } = clusters(3, 15, 8, 0.8, 31);
    const labels = ["a", "b", "c"];
    const items: CleanItem[] = x.map((embedding, i) => ({ path: `d/${labels[y[i]]}/${i}.png`, label: labels[y[i]], split: i % 5 === 0 ? "valid" : "train", hash: `h${i}`, embedding }));
    const keys = items.map((it) => it.hash);
    for (const standardize of [true, false]) {
      // The epochs and L2 the k-fold picks for standardised features must not be overridden by the finder's defaults.
      const report = await findIssues({ labels, items }, { standardize });
      const direct = await outOfFoldProbabilities(x, y, 3, keys, { standardize });
      const byPath = new Map(report.ranking.map((r) => [r.path, r.probabilities]));
      items.forEach((it, i) => expect(byPath.get(it.path)!.map((p) => p.toFixed(5)), `${it.path} standardize=${standardize}`).toEqual(Array.from(direct.probabilities[i], (p) => p.toFixed(5))));
    }
    // A backbone that standardises by default (the default one) gets the standardised defaults.
    const byBackbone = await findIssues({ labels, items, backbone: DEFAULT_BACKBONE_ID });
    const standardized = await outOfFoldProbabilities(x, y, 3, keys, { standardize: standardizeByDefault(DEFAULT_BACKBONE_ID) });
    expect(byBackbone.ranking.find((r) => r.path === items[0].path)!.probabilities[0]).toBeCloseTo(standardized.probabilities[0][0], 5);
  });
});
