// Cancelling: an AbortSignal fired while embedding, training or saving rejects with an
// AbortError, leaves no model folder (final or temporary) and never touches the dataset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdir, rm } from "node:fs/promises";
import * as path from "node:path";
import { setupTf } from "../../../src/classifier/tf-setup";
import { trainClassifier } from "../../../src/classifier/pipeline";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import type { TrainProgress } from "../../../src/classifier/types";
import { fakeBackbone, makeColorDataset, snapshot } from "./train-helpers";

let root = "";
beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
  root = await makeColorDataset("colors", 40);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// [when, abort on this progress event, the phases seen before the run stopped]
const cases: [string, (p: TrainProgress) => boolean, (seen: string[]) => void][] = [
  ["while embedding", (p) => p.phase === "embedding" && p.done > 0, (seen) => expect(seen).not.toContain("training")],
  // Epoch 2's end is reported, then the abort lands before epoch 3's first batch.
  ["while training", (p) => p.phase === "training" && p.epoch === 2, (seen) => expect(seen.filter((s) => s === "training")).toHaveLength(3)],
  ["while saving", (p) => p.phase === "saving", (seen) => expect(seen.filter((s) => s === "saving")).toHaveLength(1)],
];

describe("cancelling trainClassifier", () => {
  it.each(cases)("%s rejects with AbortError and leaves nothing behind", async (_, when, check) => {
    const before = await snapshot(path.join(root, "colors"));
    const controller = new AbortController();
    const seen: string[] = [];
    const run = trainClassifier({
      store: createFsStore(root),
      folder: "colors",
      decoder: createSharpDecoder(),
      backbone: fakeBackbone(),
      options: { epochs: 5 },
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.phase);
        if (when(p)) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(controller.signal.aborted).toBe(true);
    expect((await readdir(root)).filter((n) => n.startsWith("colors.model"))).toEqual([]);
    expect(await snapshot(path.join(root, "colors"))).toEqual(before);
    check(seen);
  });

  it("stops embedding at once when aborted before the first chunk", async () => {
    const backbone = fakeBackbone();
    const controller = new AbortController();
    const run = trainClassifier({
      store: createFsStore(root),
      folder: "colors",
      decoder: createSharpDecoder(),
      backbone,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === "embedding") controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    expect(backbone.calls).toBe(0);
  });
});
