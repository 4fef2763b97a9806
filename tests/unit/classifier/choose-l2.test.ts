// chooseL2 must pick a strong penalty where a head can only memorise noise, and a weak one where
// the labels are cleanly separable (a strong penalty then leaves the head underconfident).
import { beforeAll, describe, expect, it } from "vitest";
import { setupTf } from "../../../src/classifier/tf-setup";
import { chooseL2, type ViewedItem } from "../../../src/classifier/train";
import { seededRandom } from "../../../src/shared/random";

beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
});

const gaussian = (random: () => number): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** Two labels; dimension 0 carries `signal` × the label's sign, the rest is noise; one augmented view per image. */
function dataset(n: number, dim: number, signal: number, seed: number): ViewedItem[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    const plain = Float32Array.from({ length: dim }, () => gaussian(random));
    plain[0] += signal * (label === 0 ? -1 : 1);
    const view = plain.map((v) => v + 0.1 * gaussian(random));
    return { views: [plain, view], label };
  });
}

const options = { candidates: [1e-4, 1], epochs: 20, lr: 0.01, standardize: true, seed: 3, batchSize: 16 };

describe("chooseL2 (inner cross-validation of the head's L2 penalty)", () => {
  it("picks the strong penalty when the features are mostly noise", async () => {
    const choice = await chooseL2(dataset(48, 80, 0.5, 1), 2, options);
    expect(choice.l2).toBe(1);
    expect(choice.scores.map((s) => s.l2)).toEqual([1e-4, 1]);
    expect(choice.scores[1].loss).toBeLessThan(choice.scores[0].loss);
  });

  it("picks the weak penalty when the labels are cleanly separable", async () => {
    const choice = await chooseL2(dataset(48, 4, 4, 2), 2, options);
    expect(choice.l2).toBe(1e-4);
    expect(choice.scores[0].errorRate).toBeLessThan(0.1);
  });

  it("refuses too few images, no candidate and a bad number of folds", async () => {
    await expect(chooseL2(dataset(5, 4, 4, 2), 2, options)).rejects.toThrow(/5 image\(s\) are too few for 3-fold/);
    await expect(chooseL2(dataset(12, 4, 4, 2), 2, { ...options, candidates: [] })).rejects.toThrow(/at least one candidate/);
    await expect(chooseL2(dataset(12, 4, 4, 2), 2, { ...options, folds: 1 })).rejects.toThrow(/at least 2/);
  });
});
