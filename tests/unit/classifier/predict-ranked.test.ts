// Predictions as a ranked array (issue 10, case 10): labels that are numbers ("3", "7", as in
// fastai's MNIST sample) and labels named "__proto__" or "constructor" come out most probable
// first, in the core and in `predict --json` (ranked added, probabilities kept) and its text.
// The bars of the classify modal and block: classifier-classify-modal.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { probabilitiesObject, rankedLabels, toPrediction } from "../../../src/classifier/predict";
import { run as predictCli } from "../../../src/cli/predict";
import { writeNoisePngs, writeTinyClassifier } from "../support/tiny-classifier";
import { captureIo } from "../support/capture-io";

const LABELS = ["3", "7", "__proto__", "constructor"];
/** Most probable first: __proto__, constructor, 7, 3 (numeric order would put 3 and 7 first). */
const EXPECTED_ORDER = ["__proto__", "constructor", "7", "3"];

let tf: Tf;
let root = "";
beforeAll(async () => {
  tf = (await setupTf({ backends: ["cpu"] })).tf;
  root = await mkdtemp(path.join(tmpdir(), "lesson-lab-ranked-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("ranked predictions", () => {
  it("the core ranks every label, most probable first, ties in the model's order", () => {
    const p = toPrediction(LABELS, Float32Array.from([0.1, 0.2, 0.4, 0.3]));
    expect(p.label).toBe("__proto__");
    expect(p.ranked.map((r) => r.label)).toEqual(EXPECTED_ORDER);
    expect(p.ranked.map((r) => r.probability)).toEqual([0.4, 0.3, 0.2, 0.1].map((x) => Math.fround(x)));
    expect(rankedLabels(["b", "a", "c"], [0.25, 0.5, 0.25]).map((r) => r.label)).toEqual(["a", "b", "c"]);
    expect(() => rankedLabels(["a", "b"], [1])).toThrow(/1 probabilities for 2 labels/);
  });

  it("the compatibility object keeps __proto__ and constructor as plain keys", () => {
    const obj = probabilitiesObject(toPrediction(LABELS, [0.1, 0.2, 0.4, 0.3]).ranked);
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.keys(obj).sort()).toEqual([...LABELS].sort());
    const back = JSON.parse(JSON.stringify(obj)) as Record<string, number>;
    expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toBe(0.4);
    expect(Object.getOwnPropertyDescriptor(back, "constructor")?.value).toBe(0.3);
    expect(back["7"]).toBe(0.2);
  });

  it("predict --json adds ranked (most probable first) and keeps probabilities; the text lists the same order", async () => {
    const model = await writeTinyClassifier(tf, root, "digits", LABELS, [0, 1, 3, 2]);
    const images = await writeNoisePngs(path.join(root, "new"), 2, 3);
    const c = captureIo();
    expect(await predictCli([model.dataset, ...images, "--json"], c.io)).toBe(0);
    const rows = JSON.parse(c.out()) as { image: string; label: string; ranked: { label: string; probability: number }[]; probabilities: Record<string, number> }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(["image", "label", "ranked", "probabilities", "error"]);
      expect(row.label).toBe("__proto__");
      expect(row.ranked.map((r) => r.label)).toEqual(EXPECTED_ORDER);
      const ps = row.ranked.map((r) => r.probability);
      expect([...ps].sort((a, b) => b - a)).toEqual(ps);
      expect(ps.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(Object.keys(row.probabilities).sort()).toEqual([...LABELS].sort());
      for (const r of row.ranked) expect(Object.getOwnPropertyDescriptor(row.probabilities, r.label)?.value).toBe(r.probability);
    }
    // Each image has its own numbers (the kernel is not zero).
    expect(rows[0].ranked[0].probability).not.toBe(rows[1].ranked[0].probability);

    const t = captureIo();
    expect(await predictCli([model.modelFolder, images[0]], t.io)).toBe(0);
    expect(t.out()).toMatch(/: __proto__ \(\d+\.\d%\) {2}\[constructor \d+\.\d%, 7 \d+\.\d%, 3 \d+\.\d%\]\n$/);
  });

});
