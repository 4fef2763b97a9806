import { describe, expect, it } from "vitest";
import { crossEntropy, fitTemperature, withTemperature } from "../../../src/classifier/metrics";
import { seededRandom } from "../../../src/shared/random";

const softmax = (z: number[]): number[] => {
  const top = Math.max(...z);
  const e = z.map((v) => Math.exp(v - top));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/** Labels drawn from softmax(z); the probabilities handed over are softmax(z · sharpness). */
function miscalibrated(n: number, sharpness: number, seed: number): { probabilities: number[][]; labels: number[] } {
  const random = seededRandom(seed);
  const probabilities: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = [0, 1, 2, 3].map(() => (random() - 0.5) * 4);
    const truth = softmax(z);
    let u = random();
    let y = 0;
    while (y < truth.length - 1 && u >= truth[y]) u -= truth[y++];
    labels.push(y);
    probabilities.push(softmax(z.map((v) => v * sharpness)));
  }
  return { probabilities, labels };
}

describe("temperature scaling", () => {
  it("leaves probabilities alone at 1 and flattens or sharpens them otherwise", () => {
    expect(Array.from(withTemperature([0.7, 0.2, 0.1], 1))).toEqual(Array.from(Float32Array.from([0.7, 0.2, 0.1])));
    const flat = withTemperature([0.64, 0.36], 2);
    expect(flat[0]).toBeCloseTo(0.8 / 1.4, 5);
    expect(flat[1]).toBeCloseTo(0.6 / 1.4, 5);
    const sharp = withTemperature([0.6, 0.4], 0.5);
    expect(sharp[0]).toBeCloseTo(0.36 / 0.52, 5);
    // A tiny temperature does not underflow into NaN.
    const extreme = withTemperature([0.5, 0.3, 0.2], 1e-3);
    expect(extreme[0]).toBeCloseTo(1, 5);
    expect(Number.isNaN(extreme[1])).toBe(false);
  });

  it("refuses a temperature that is not positive", () => {
    expect(() => withTemperature([0.5, 0.5], 0)).toThrow(/positive/);
    expect(() => withTemperature([0.5, 0.5], Number.NaN)).toThrow(/positive/);
  });

  it("finds the temperature that undoes over- and under-confidence", () => {
    for (const [sharpness, expected] of [
      [3, 3],
      [0.5, 0.5],
      [1, 1],
    ]) {
      const { probabilities, labels } = miscalibrated(4000, sharpness, 7);
      const t = fitTemperature(probabilities, labels);
      expect(t).toBeGreaterThan(expected * 0.85);
      expect(t).toBeLessThan(expected * 1.15);
      // It minimises the log loss: nudging it either way does no better.
      const loss = (temp: number): number => probabilities.reduce((s, p, i) => s + crossEntropy(withTemperature(p, temp), labels[i]), 0);
      expect(loss(t)).toBeLessThanOrEqual(loss(t * 1.1) + 1e-6);
      expect(loss(t)).toBeLessThanOrEqual(loss(t / 1.1) + 1e-6);
    }
  });

  it("returns 1 for no data and refuses rows and labels that differ in number", () => {
    expect(fitTemperature([], [])).toBe(1);
    expect(() => fitTemperature([[0.5, 0.5]], [])).toThrow(/1 probability rows for 0 labels/);
  });
});
