import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm, writeFile, readFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setupTf } from "../../../src/classifier/tf-setup";
import { Head } from "../../../src/classifier/head";
import { loadModel, saveModel, MODEL_FORMAT, type ModelMetadata } from "../../../src/classifier/model-io";
import { EmbeddingCache, decodeCache, encodeCache } from "../../../src/classifier/cache";
import { createFsStore } from "../../../src/node/fs-store";
import { seededRandom } from "../../../src/classifier/train";

let root = "";
beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
  root = await mkdtemp(path.join(tmpdir(), "lesson-lab-model-"));
  await mkdir(path.join(root, "pets"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function metadataFor(head: Head, labels: string[]): ModelMetadata {
  return {
    format: MODEL_FORMAT,
    version: 1,
    labels,
    backbone: "fake",
    imageSize: 32,
    embeddingDim: head.config.inputDim,
    head: head.config,
    metrics: { error_rate: 0.1, accuracy: 0.9, valid_count: 10, train_count: 40, epochs: [] },
    trainedAt: new Date(0).toISOString(),
    dataset: "pets",
    counts: { cat: 25, dog: 25 },
    options: { validPct: 0.2, seed: 42, epochs: 1, lr: 0.003, augment: false, augViews: 0 },
  };
}

const random = seededRandom(3);
const vectors = Array.from({ length: 5 }, () => Float32Array.from({ length: 8 }, () => random()));

describe("model files", () => {
  it("round-trips a head, keeps the previous model, and reports bad folders clearly", async () => {
    const store = createFsStore(root);
    const head = Head.create(8, 2, { seed: 1, hidden: 4 });
    head.trainBatch(vectors, [0, 1, 0, 1, 0]);
    const saved = await saveModel(store, "pets", head, metadataFor(head, ["cat", "dog"]), { now: new Date(1000) });
    expect(saved).toEqual({ folder: "pets.model", metadataPath: "pets.model/metadata.json", previous: null });
    expect((await readdir(path.join(root, "pets.model"))).sort()).toEqual(["metadata.json", "model.json", "weights.bin"]);
    const loaded = await loadModel(store, "pets.model");
    expect(loaded.metadata.labels).toEqual(["cat", "dog"]);
    const a = head.predict(vectors);
    const b = loaded.head.predict(vectors);
    a.forEach((p, i) => expect(Array.from(b[i])).toEqual(Array.from(p)));
    loaded.head.dispose();

    const second = await saveModel(store, "pets", head, metadataFor(head, ["cat", "dog"]), { now: new Date(2000) });
    expect(second.previous).toBe("pets.model.previous-1970-01-01T00-00-02-000Z");
    expect((await readdir(root)).sort()).toEqual(["pets", "pets.model", "pets.model.previous-1970-01-01T00-00-02-000Z"]);
    head.dispose();

    await expect(loadModel(store, "nothing.model")).rejects.toThrow(/metadata.json is missing/);
    const meta = path.join(root, "pets.model/metadata.json");
    const good = await readFile(meta, "utf8");
    await writeFile(meta, JSON.stringify({ ...JSON.parse(good), labels: ["cat", "dog", "fox"] }));
    await expect(loadModel(store, "pets.model")).rejects.toThrow(/2 outputs but 3 labels/);
    await writeFile(meta, JSON.stringify({ ...JSON.parse(good), format: "something-else" }));
    await expect(loadModel(store, "pets.model")).rejects.toThrow(/not a Lesson Lab classifier/);
    await writeFile(meta, "{oops");
    await expect(loadModel(store, "pets.model")).rejects.toThrow(/not valid JSON/);
    await writeFile(meta, good);
    await writeFile(path.join(root, "pets.model/weights.bin"), Buffer.alloc(10));
    await expect(loadModel(store, "pets.model")).rejects.toThrow(/weights.bin has 10 bytes/);
  });

  it("removes its temporary folder when a save is cancelled", async () => {
    const store = createFsStore(root);
    const before = (await readdir(root)).sort();
    const head = Head.create(8, 2);
    const controller = new AbortController();
    controller.abort();
    await expect(saveModel(store, "pets", head, metadataFor(head, ["cat", "dog"]), { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect((await readdir(root)).sort()).toEqual(before);
    head.dispose();
  });
});

describe("embedding cache file", () => {
  it("encodes and decodes, and refuses other backbones, sizes and truncation", async () => {
    const entries = new Map([
      ["h1:plain", Float32Array.from([1, 2, 3])],
      ["h2:aug1", Float32Array.from([4, 5, 6])],
    ]);
    const bytes = encodeCache("bb", 3, entries);
    expect(decodeCache(bytes, "bb", 3)).toEqual(entries);
    expect(() => decodeCache(bytes, "other", 3)).toThrow(/backbone/);
    expect(() => decodeCache(bytes, "bb", 4)).toThrow(/3-d/);
    expect(() => decodeCache(bytes.subarray(0, bytes.length - 1), "bb", 3)).toThrow(/truncated/);
    expect(() => decodeCache(new TextEncoder().encode("hello world!"), "bb", 3)).toThrow(/not an embedding cache/);

    const store = createFsStore(root);
    const warnings: string[] = [];
    const cache = await EmbeddingCache.open(store, "cache", "bb", 3, warnings);
    cache.set("h1", "plain", Float32Array.from([1, 2, 3]));
    await cache.save();
    await cache.save();
    const again = await EmbeddingCache.open(store, "cache", "bb", 3, warnings);
    expect(again.get("h1", "plain")).toEqual(Float32Array.from([1, 2, 3]));
    expect(again.get("h1", "aug1")).toBeUndefined();
    again.set("h2", "plain", Float32Array.from([0, 0, 1]));
    await again.save();
    expect(await readdir(path.join(root, "cache"))).toEqual(["embeddings-bb.bin"]);
    expect(warnings).toEqual([]);
  });

  it("ignores entries written before the shared resizer (an older preprocessing), and replaces the file on save", async () => {
    // The header as the cache wrote it before classifier/resize.ts: no preprocessing field.
    const stale = Float32Array.from([9, 9, 9]);
    const header = new TextEncoder().encode(JSON.stringify({ backbone: "bb", dim: 3, keys: ["h1:plain"] }));
    const dataStart = Math.ceil((12 + header.byteLength) / 4) * 4;
    const bytes = new Uint8Array(dataStart + 12);
    bytes.set(new TextEncoder().encode("LLEC"), 0);
    new DataView(bytes.buffer).setUint32(4, 1, true);
    new DataView(bytes.buffer).setUint32(8, header.byteLength, true);
    bytes.set(header, 12);
    new Float32Array(bytes.buffer, dataStart, 3).set(stale);
    await mkdir(path.join(root, "cache"), { recursive: true });
    await writeFile(path.join(root, "cache", "embeddings-bb.bin"), bytes);

    const store = createFsStore(root);
    const warnings: string[] = [];
    const cache = await EmbeddingCache.open(store, "cache", "bb", 3, warnings);
    expect(cache.get("h1", "plain")).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set("h1", "plain", Float32Array.from([1, 2, 3]));
    await cache.save();
    const again = await EmbeddingCache.open(store, "cache", "bb", 3, warnings);
    expect(again.get("h1", "plain")).toEqual(Float32Array.from([1, 2, 3]));
    expect(await readdir(path.join(root, "cache"))).toEqual(["embeddings-bb.bin"]);
    // Same backbone and size, another preprocessing: its entries are ignored too.
    const other = encodeCache("bb", 3, new Map([["h1:plain", stale]]), "some-other-resize");
    expect(decodeCache(other, "bb", 3).size).toBe(0);
  });
});
