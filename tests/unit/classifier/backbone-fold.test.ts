// BN folding on a tiny model that has every layer kind the compiler handles:
// the folded forward pass must match tfjs's own LayersModel.predict.
import { beforeAll, describe, expect, it } from "vitest";
import type { Tensor, Tensor4D } from "@tensorflow/tfjs";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { compileFolded } from "../../../src/classifier/compile/compiler";
import { UnsupportedGraphError } from "../../../src/classifier/compile/graph";
import { rng, tinyModel } from "../support/classifier-backbone-fixtures";

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await setupTf({ backends: ["wasm"] }));
});

function randomInput(size: number, batch: number, seed: number): Tensor4D {
  const r = rng(seed);
  const vals = Float32Array.from({ length: batch * size * size * 3 }, () => r());
  return tf.tensor4d(vals, [batch, size, size, 3]);
}

function maxAbsDiff(a: Tensor, b: Tensor): { diff: number; scale: number } {
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  const scale = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]);
  return { diff, scale };
}

describe("compileFolded", () => {
  it("runs on wasm", () => {
    expect(tf.getBackend()).toBe("wasm");
  });

  it.each(["r1", "add", "cat", "out_relu", "gap", "emb", "out"])("matches LayersModel.predict up to layer %s", (target) => {
    const model = tinyModel(tf, 16, 7);
    const x = randomInput(16, 3, 11);
    const ref = tf.model({ inputs: model.inputs, outputs: model.getLayer(target).output }).predict(x) as Tensor;
    for (const fold of [true, false]) {
      const net = compileFolded(tf, model, [target], { fold });
      const [y] = net.run(x);
      expect(y.shape).toEqual(ref.shape);
      const { diff, scale } = maxAbsDiff(y, ref);
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
      y.dispose();
      net.dispose();
    }
    tf.dispose([x, ref]);
    model.dispose();
  });

  it("folds the BNs that follow linear convolutions and keeps the one after a ReLU conv", () => {
    const model = tinyModel(tf, 16, 3);
    const folded = compileFolded(tf, model, ["out"]);
    const plain = compileFolded(tf, model, ["out"], { fold: false });
    // bn1, bn2, bn3 fold; bn4 follows conv c2 with its own ReLU, so it stays.
    expect(folded.foldedBatchNorms).toBe(3);
    expect(plain.foldedBatchNorms).toBe(0);
    // Folding also absorbs the pad and the ReLU6 layers: fewer ops per forward.
    expect(folded.opCount).toBeLessThan(plain.opCount - 5);
    folded.dispose();
    plain.dispose();
    model.dispose();
  });

  it("returns several targets and frees every intermediate and weight", () => {
    const model = tinyModel(tf, 16, 5);
    const x = randomInput(16, 2, 1);
    const before = tf.memory().numTensors;
    const net = compileFolded(tf, model, ["gap", "r1"]);
    const outs = net.run(x);
    expect(outs.map((o) => o.shape)).toEqual([
      [2, 12],
      [2, 8, 8, 8],
    ]);
    tf.dispose(outs);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it("refuses layers it does not know, and unknown targets", () => {
    const model = tinyModel(tf, 16, 2, { leaky: true });
    const before = tf.memory().numTensors;
    expect(() => compileFolded(tf, model, ["out"])).toThrow(UnsupportedGraphError);
    expect(() => compileFolded(tf, model, ["out"])).toThrow(/LeakyReLU/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => compileFolded(tf, model, ["nope"])).toThrow(/Layer "nope" not found/);
    model.dispose();
  });
});
