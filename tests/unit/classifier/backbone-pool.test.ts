// The embed pool: worker_threads, each with its own wasm backend and model, sharing the work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadBackbone } from "../../../src/classifier/backbone";
import { setupTf } from "../../../src/classifier/tf-setup";
import { createEmbedPool, type EmbedPool } from "../../../src/node/embed-pool";
import { createFsStore } from "../../../src/node/fs-store";
import { randomImages, tinyModel, writeModelFolder } from "../support/classifier-backbone-fixtures";

let dir: string;
let pool: EmbedPool;

beforeAll(async () => {
  const { tf } = await setupTf({ backends: ["wasm"] });
  dir = await mkdtemp(path.join(tmpdir(), "lesson-lab-pool-"));
  const store = createFsStore(dir);
  await writeModelFolder(tf, store, "m", tinyModel(tf, 16, 9));
  // A tiny vault model and batches of 4 keep this fast while exercising the scheduling.
  pool = await createEmbedPool({ backboneId: "vault:m#gap", threads: 2, batchSize: 4, storeRoot: dir });
});

afterAll(async () => {
  await pool?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("createEmbedPool", () => {
  it("starts two workers and reports the backbone's shape", () => {
    expect(pool.threads).toBe(2);
    expect(pool.inputSize).toBe(16);
    expect(pool.dim).toBe(12);
  });

  it("returns the same embeddings, in order, as the backbone in this thread", async () => {
    const images = randomImages(11, 16, 4); // 3 batches of 4 + a partial one
    const progress: number[] = [];
    const got = await pool.embed(images, (done, total) => {
      expect(total).toBe(11);
      progress.push(done);
    });
    const local = await loadBackbone("vault:m#gap", { store: createFsStore(dir) });
    const want = await local.embed(images);
    local.dispose();
    expect(got).toHaveLength(11);
    for (let i = 0; i < 11; i++) for (let k = 0; k < 12; k++) expect(got[i][k]).toBeCloseTo(want[i][k], 5);
    expect(progress[progress.length - 1]).toBe(11);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    // The caller's image buffers are not transferred away.
    expect(images[0].data.length).toBe(16 * 16 * 3);
  });

  it("stops when aborted and stays usable", async () => {
    const ctl = new AbortController();
    const images = randomImages(40, 16, 6);
    const run = pool.embed(images, (done) => {
      if (done >= 4) ctl.abort();
    }, ctl.signal);
    await expect(run).rejects.toThrow(/cancelled/);
    const again = await pool.embed(images.slice(0, 3));
    expect(again).toHaveLength(3);
  });

  it("refuses images of the wrong size", async () => {
    await expect(pool.embed(randomImages(1, 8, 1))).rejects.toThrow(/needs 16x16/);
  });

  it("reports a backbone that cannot load", async () => {
    await expect(createEmbedPool({ backboneId: "vault:none#gap", threads: 1, storeRoot: dir })).rejects.toThrow(
      /Could not start the embedding workers: No model.json in "none"/,
    );
  });
});
