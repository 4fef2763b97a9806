// A standardised head must not let a nearly constant dimension decide alone: with few training
// images some dimensions barely vary, and a new image with an ordinary value there would be
// scaled by thousands.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTf } from "../../../src/classifier/tf-setup";
import { Head, HEAD_DEFAULTS, STANDARDIZED_HEAD_L2, headL2 } from "../../../src/classifier/head";
import { seededRandom } from "../../../src/shared/random";

beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
});

describe("standardised head", () => {
  it("keeps a nearly constant dimension from overwhelming the informative ones", () => {
    const random = seededRandom(3);
    const dim = 16;
    const x: Float32Array[] = [];
    const y: number[] = [];
    for (let i = 0; i < 40; i++) {
      const label = i % 2;
      const e = Float32Array.from({ length: dim }, () => 0.5 + 0.2 * random());
      e[0] = label === 0 ? 1 + 0.2 * random() : 0.2 * random();
      e[1] = 1e-5 * random(); // nearly constant in training (a ReLU that almost never fires)
      x.push(e);
      y.push(label);
    }
    const head = Head.create(dim, 2, { seed: 5, standardize: true, lr: 0.05 });
    head.fitStandardizer(x);
    for (let epoch = 0; epoch < 60; epoch++) head.trainBatch(x, y);
    // Clear class-0 and class-1 images that happen to fire the quiet dimension a little.
    const probe = (label: number): Float32Array => {
      const e = Float32Array.from({ length: dim }, () => 0.6);
      e[0] = label === 0 ? 1.1 : 0.1;
      e[1] = 0.05;
      return e;
    };
    const [p0, p1] = head.predict([probe(0), probe(1)]);
    expect(p0[0]).toBeGreaterThan(0.5);
    expect(p1[1]).toBeGreaterThan(0.5);
    head.dispose();
  });

  it("penalises a standardised head more than a raw one unless told otherwise", () => {
    expect(STANDARDIZED_HEAD_L2).toBeGreaterThan(HEAD_DEFAULTS.l2);
    expect(headL2(true)).toBe(STANDARDIZED_HEAD_L2);
    expect(headL2(false)).toBe(HEAD_DEFAULTS.l2);
    expect(headL2(true, 0)).toBe(0);
    const standardised = Head.create(4, 2, { standardize: true });
    const raw = Head.create(4, 2);
    const given = Head.create(4, 2, { standardize: true, l2: 0.5 });
    expect([standardised.config.l2, raw.config.l2, given.config.l2]).toEqual([STANDARDIZED_HEAD_L2, HEAD_DEFAULTS.l2, 0.5]);
    [standardised, raw, given].forEach((h) => h.dispose());
  });
});
