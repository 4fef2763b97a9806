// The app runtime's slicing: forward passes paused between ops give the same embeddings, an
// error during a pause frees every intermediate tensor, and the wrappers yield and cancel.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tensor4D } from "@tensorflow/tfjs";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { compileFolded } from "../../../src/classifier/compile/compiler";
import { loadBackbone } from "../../../src/classifier/backbone";
import { createFsStore } from "../../../src/node/fs-store";
import { macrotask, slicedEmbedder, Slicer, slicedStore } from "../../../src/classifier/browser/app-runtime";
import type { Embedder } from "../../../src/classifier/predict";
import type { FileStore } from "../../../src/classifier/types";
import { randomImages, rng, tinyModel, writeModelFolder } from "../support/classifier-backbone-fixtures";

let tf: Tf;
let dir: string;

beforeAll(async () => {
  ({ tf } = await setupTf({ backends: ["wasm"] }));
  dir = await mkdtemp(path.join(tmpdir(), "lesson-lab-runtime-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function input(size: number, batch: number): Tensor4D {
  const r = rng(3);
  return tf.tensor4d(Float32Array.from({ length: batch * size * size * 3 }, () => r()), [batch, size, size, 3]);
}

describe("sliced forward pass", () => {
  it("runSliced gives run's outputs and pauses once per op", async () => {
    const model = tinyModel(tf, 16, 5);
    const net = compileFolded(tf, model, ["gap", "out_relu"]);
    const x = input(16, 2);
    const plain = net.run(x);
    let pauses = 0;
    const before = tf.memory().numTensors;
    const sliced = await net.runSliced(x, async () => {
      pauses++;
      await Promise.resolve();
    });
    expect(pauses).toBe(net.opCount);
    // Only the outputs are left behind.
    expect(tf.memory().numTensors).toBe(before + sliced.length);
    for (let i = 0; i < plain.length; i++) expect(Array.from(sliced[i].dataSync())).toEqual(Array.from(plain[i].dataSync()));
    tf.dispose([...plain, ...sliced, x]);
    net.dispose();
    model.dispose();
  });

  it("an error thrown by pause frees the intermediates", async () => {
    const model = tinyModel(tf, 16, 6);
    const net = compileFolded(tf, model, ["out"]);
    const x = input(16, 1);
    const before = tf.memory().numTensors;
    let n = 0;
    await expect(
      net.runSliced(x, () => {
        if (++n === 4) return Promise.reject(new Error("stop"));
        return Promise.resolve();
      }),
    ).rejects.toThrow("stop");
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
    model.dispose();
  });

  it("a backbone loaded with pause embeds exactly as one without", async () => {
    const store = createFsStore(dir);
    await writeModelFolder(tf, store, "m", tinyModel(tf, 16, 9));
    let pauses = 0;
    const a = await loadBackbone("vault:m#gap", { store });
    const b = await loadBackbone("vault:m#gap", { store, pause: () => (pauses++, Promise.resolve()) });
    const images = randomImages(3, 16, 2);
    const before = tf.memory().numTensors;
    const ea = await a.embed(images);
    const eb = await b.embed(images);
    expect(pauses).toBeGreaterThan(3);
    expect(eb.map((v) => Array.from(v))).toEqual(ea.map((v) => Array.from(v)));
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });
});

describe("slicing wrappers", () => {
  it("the slicer yields only when the budget is spent", async () => {
    const slicer = new Slicer(5);
    let ticks = 0;
    const other = (async () => {
      for (;;) {
        await macrotask();
        ticks++;
        if (ticks > 1000) return;
      }
    })();
    await slicer.tick();
    expect(ticks).toBe(0);
    const start = performance.now();
    while (performance.now() - start < 8) {
      /* spend the budget */
    }
    await slicer.tick();
    expect(ticks).toBeGreaterThan(0);
    ticks = 2000;
    await other;
  });

  it("the sliced embedder embeds one image at a time, reports progress and stops when cancelled", async () => {
    const calls: number[] = [];
    const fake: Embedder = {
      id: "fake",
      inputSize: 2,
      dim: 1,
      embed: (images) => {
        calls.push(images.length);
        return Promise.resolve(images.map((im) => Float32Array.of(im.data[0])));
      },
    };
    const images = [0, 1, 2, 3].map((v) => ({ width: 2, height: 2, data: new Uint8Array(12).fill(v) }));
    const progress: number[] = [];
    const out = await slicedEmbedder(fake, new Slicer()).embed(images, (d) => progress.push(d));
    expect(out.map((v) => v[0])).toEqual([0, 1, 2, 3]);
    expect(calls).toEqual([1, 1, 1, 1]);
    expect(progress).toEqual([1, 2, 3, 4]);
    const controller = new AbortController();
    const cancelled = slicedEmbedder(fake, new Slicer()).embed(images, (d) => d === 2 && controller.abort(), controller.signal);
    await expect(cancelled).rejects.toMatchObject({ name: "AbortError" });
  });

  it("the sliced store passes every call through", async () => {
    const log: string[] = [];
    const base: FileStore = {
      list: (f) => (log.push(`list ${f}`), Promise.resolve([])),
      exists: (p) => (log.push(`exists ${p}`), Promise.resolve(true)),
      readBinary: (p) => (log.push(`readBinary ${p}`), Promise.resolve(new Uint8Array([1]))),
      readText: (p) => (log.push(`readText ${p}`), Promise.resolve("t")),
      mkdir: (p) => (log.push(`mkdir ${p}`), Promise.resolve()),
      writeBinary: (p) => (log.push(`writeBinary ${p}`), Promise.resolve()),
      writeText: (p) => (log.push(`writeText ${p}`), Promise.resolve()),
      rename: (a, b) => (log.push(`rename ${a} ${b}`), Promise.resolve()),
      removeOwn: (p) => (log.push(`removeOwn ${p}`), Promise.resolve()),
    };
    const s = slicedStore(base, new Slicer(0));
    expect(await s.list("a")).toEqual([]);
    expect(await s.exists("b")).toBe(true);
    expect([...(await s.readBinary("c"))]).toEqual([1]);
    expect(await s.readText("d")).toBe("t");
    await s.mkdir("e");
    await s.writeBinary("f", new Uint8Array());
    await s.writeText("g", "");
    await s.rename("h", "i");
    await s.removeOwn("j");
    expect(log).toEqual(["list a", "exists b", "readBinary c", "readText d", "mkdir e", "writeBinary f", "writeText g", "rename h i", "removeOwn j"]);
  });
});
