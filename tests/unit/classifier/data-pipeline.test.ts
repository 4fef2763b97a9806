// End to end on disk: a labelled folder with good and bad images, scanned, hashed, split and
// decoded through the Node store and decoder; the dataset's bytes must be unchanged afterwards.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyAugmentation, augmentParams } from "../../../src/classifier/augment";
import { readDatasetImage, scanDataset, type Unreadable } from "../../../src/classifier/dataset";
import { hash32, sha256Hex } from "../../../src/shared/hash";
import { assignSplit } from "../../../src/classifier/split";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { createFsStore, type FsStore } from "../../../src/node/fs-store";
import { encodeBmp, pngHeaderOnly, rgbaOf } from "../../fixtures/images/make-images";

let dir: string;
let store: FsStore;

async function solid(hex: string, format: "png" | "jpeg" | "webp" | "gif", w = 20, h = 16): Promise<Uint8Array> {
  return sharp({ create: { width: w, height: h, channels: 3, background: hex } })[format]().toBuffer();
}

async function fingerprint(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of (await store.list("")) ?? []) out.set(f.path, await sha256Hex(await store.readBinary(f.path)));
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lessonlab-pipeline-"));
  store = createFsStore(dir);
  const formats = ["png", "jpeg", "webp", "gif"] as const;
  for (let i = 0; i < 6; i++) {
    const v = (40 * i).toString(16).padStart(2, "0");
    await store.writeBinary(`bears/grizzly/g${i}.${formats[i % 4] === "jpeg" ? "jpg" : formats[i % 4]}`, await solid(`#8b${v}13`, formats[i % 4]));
    await store.writeBinary(`bears/teddy bear/t${i}.png`, await solid(`#${v}c0ff`, "png", 16, 20));
  }
  await store.writeBinary("bears/teddy bear/t6.bmp", encodeBmp({ width: 6, height: 6, bpp: 24, rgba: rgbaOf(6, 6, () => [250, 200, 10, 255]) }));
  // A PNG named .jpg decodes; the rest are unreadable, each for its own reason.
  await store.writeBinary("bears/grizzly/really-a-png.jpg", await solid("#00ff00", "png"));
  await store.writeBinary("bears/grizzly/empty.jpg", new Uint8Array(0));
  await store.writeText("bears/grizzly/notes-renamed.jpg", "this was a text file\n");
  const jpeg = await sharp({ create: { width: 120, height: 90, channels: 3, background: "#777", noise: { type: "gaussian", mean: 120, sigma: 30 } } }).jpeg().toBuffer();
  await store.writeBinary("bears/teddy bear/cut.jpg", jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  await store.writeText("bears/teddy bear/scan.jpg", "%PDF-1.4\n% fake\n");
  await store.writeBinary("bears/teddy bear/huge.png", pngHeaderOnly(20000, 20000));
  await store.writeText("bears/teddy bear/info.md", "not an image");
  await store.writeBinary("bears/.lessonlab/cache.bin", new Uint8Array([1, 2, 3]));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("data pipeline on disk", () => {
  it("scans, hashes, splits and decodes every item, lists the unreadable ones with reasons, and changes nothing", async () => {
    const before = await fingerprint();

    const scan = await scanDataset(store, "bears");
    expect(scan.error).toBeNull();
    expect(scan.labels).toEqual(["grizzly", "teddy bear"]);
    expect(scan.counts).toEqual({ grizzly: 9, "teddy bear": 10 });
    expect(scan.ignored).toBe(1);

    const decoder = createSharpDecoder();
    const unreadable: Unreadable[] = [];
    const usable: Array<{ path: string; label: string; hash: string }> = [];
    for (const item of scan.items) {
      const result = await readDatasetImage(store, decoder, item.path, 32);
      if ("unreadable" in result) {
        unreadable.push(result.unreadable);
        continue;
      }
      expect(result.image.data.length).toBe(32 * 32 * 3);
      const hash = await sha256Hex(result.bytes);
      usable.push({ path: item.path, label: item.label, hash });
      // Augmented views of real decoded images keep their size.
      const aug = applyAugmentation(result.image, augmentParams(hash32(hash, 42), 1));
      expect(aug.data.length).toBe(result.image.data.length);
    }

    const reasons = Object.fromEntries(unreadable.map((u) => [u.path.split("/").pop() ?? "", u.reason.split(":")[0]]));
    expect(reasons).toEqual({
      "empty.jpg": "empty file",
      "notes-renamed.jpg": "not an image",
      "cut.jpg": "truncated or corrupt",
      "scan.jpg": "unsupported format",
      "huge.png": "too large",
    });
    expect(usable.map((u) => u.path)).toContain("bears/grizzly/really-a-png.jpg");
    expect(usable.map((u) => u.path)).toContain("bears/teddy bear/t6.bmp");

    const split = assignSplit(usable);
    expect(split.size).toBe(usable.length);
    for (const label of scan.labels) {
      const sides = usable.filter((u) => u.label === label).map((u) => split.get(u.path));
      expect(sides).toContain("valid");
      expect(sides).toContain("train");
    }

    expect(await fingerprint()).toEqual(before);
  });
});
