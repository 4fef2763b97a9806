// The layer compiler gives back every tensor it made when it refuses a model, wherever in the
// graph the refusal comes: loadBackbone then falls back to the LayersModel, and a leak there
// would keep a copy of the weights for as long as the app runs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayersModel, SymbolicTensor } from "@tensorflow/tfjs";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { compileFolded } from "../../../src/classifier/compile/compiler";
import { UnsupportedGraphError } from "../../../src/classifier/compile/graph";
import { loadBackbone } from "../../../src/classifier/backbone";
import { createFsStore } from "../../../src/node/fs-store";
import { randomImages, tinyModel, writeModelFolder } from "../support/classifier-backbone-fixtures";

let tf: Tf;
let dir: string;
beforeAll(async () => {
  ({ tf } = await setupTf({ backends: ["wasm"] }));
  dir = await mkdtemp(path.join(tmpdir(), "lesson-lab-compile-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Apply = (layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown }, x: SymbolicTensor) => SymbolicTensor;

/**
 * conv c1 + bn1 + ReLU6, conv c2 + bn2, then `tail` (where the refusal is), then pooling and a
 * dense "out": by the time the compiler reaches the tail it holds the folded weights of c1 and c2.
 */
function chain(tail: (x: SymbolicTensor, ap: Apply) => SymbolicTensor, dense: { activation?: string } = {}): LayersModel {
  const L = tf.layers;
  const ap: Apply = (layer, x) => layer.apply(x) as SymbolicTensor;
  const input = tf.input({ shape: [8, 8, 3], name: "input" });
  let x = ap(L.conv2d({ filters: 4, kernelSize: 3, padding: "same", useBias: false, name: "c1" }), input);
  x = ap(L.batchNormalization({ name: "bn1" }), x);
  x = ap(L.reLU({ maxValue: 6, name: "r1" }), x);
  x = ap(L.conv2d({ filters: 4, kernelSize: 1, name: "c2" }), x);
  x = ap(L.batchNormalization({ name: "bn2" }), x);
  x = tail(x, ap);
  x = ap(L.globalAveragePooling2d({ name: "gap" }), x);
  const out = ap(L.dense({ units: 2, name: "out", ...(dense as { activation?: "linear" }) }), x);
  return tf.model({ inputs: input, outputs: out });
}

describe("compileFolded when it refuses a model", () => {
  const cases: { what: string; model: () => LayersModel; fold?: boolean; error: RegExp }[] = [
    { what: "an unknown layer type after two convolutions", model: () => chain((x, ap) => ap(tf.layers.leakyReLU({ alpha: 0.1, name: "leaky" }), x)), error: /leaky: layer type LeakyReLU/ },
    {
      what: "a convolution whose activation it does not know",
      model: () => chain((x, ap) => ap(tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: "selu", name: "c3" }), x)),
      error: /c3: activation "selu"/,
    },
    {
      what: "a BatchNormalization over the height axis, folded into a convolution",
      model: () => chain((x, ap) => ap(tf.layers.batchNormalization({ axis: 1, name: "bn3" }), ap(tf.layers.conv2d({ filters: 4, kernelSize: 1, name: "c3" }), x))),
      error: /bn3: BatchNormalization over axis/,
    },
    {
      what: "the same BatchNormalization with folding off",
      model: () => chain((x, ap) => ap(tf.layers.batchNormalization({ axis: 1, name: "bn3" }), ap(tf.layers.conv2d({ filters: 4, kernelSize: 1, name: "c3" }), x))),
      fold: false,
      error: /bn3: BatchNormalization over axis/,
    },
    { what: "the last layer, a dense one with an activation it does not know", model: () => chain((x) => x, { activation: "selu" }), error: /out: activation "selu"/ },
  ];

  it.each(cases)("$what: throws UnsupportedGraphError and leaves no tensor behind", ({ model: build, fold, error }) => {
    const model = build();
    const before = tf.memory().numTensors;
    let thrown: unknown = null;
    try {
      compileFolded(tf, model, ["out"], { fold });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UnsupportedGraphError);
    expect(String(thrown)).toMatch(error);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("a target the model lacks throws before anything is made", () => {
    const model = chain((x) => x);
    const before = tf.memory().numTensors;
    expect(() => compileFolded(tf, model, ["gap", "nope"])).toThrow(/Layer "nope" not found/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("the same graph without the refused layer compiles (the refusals above come from the tail)", () => {
    const model = chain((x) => x);
    const before = tf.memory().numTensors;
    const net = compileFolded(tf, model, ["out"]);
    expect(net.foldedBatchNorms).toBe(2);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("loadBackbone falls back to the LayersModel, and its dispose frees everything", async () => {
    const store = createFsStore(dir);
    await writeModelFolder(tf, store, "leaky", tinyModel(tf, 16, 4, { leaky: true }));
    const before = tf.memory().numTensors;
    const backbone = await loadBackbone("vault:leaky#gap", { store, tf: { backends: ["wasm"] } });
    expect(backbone.folded).toBe(false);
    const [embedding] = await backbone.embed(randomImages(1, 16, 2));
    expect(embedding).toHaveLength(12);
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
