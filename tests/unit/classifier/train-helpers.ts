// Shared by the classifier-train-* tests: datasets made on the fly, a fake backbone.
import { mkdtemp, mkdir, writeFile, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import type { RgbImage } from "../../../src/classifier/types";
import type { Embedder } from "../../../src/classifier/predict";
import { seededRandom } from "../../../src/classifier/train";

export const COLORS: Record<string, [number, number, number]> = {
  red: [220, 40, 40],
  green: [40, 200, 60],
  blue: [40, 60, 220],
};

/** A noisy, mostly-`rgb` PNG with a random lighter rectangle in it. */
export async function noisyImage(rgb: [number, number, number], seed: number, size = 48): Promise<Buffer> {
  const random = seededRandom(seed);
  const data = Buffer.alloc(size * size * 3);
  const x0 = Math.floor(random() * size * 0.6);
  const y0 = Math.floor(random() * size * 0.6);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inBox = x >= x0 && x < x0 + size / 3 && y >= y0 && y < y0 + size / 3;
      for (let c = 0; c < 3; c++) {
        const v = rgb[c] + (random() - 0.5) * 80 + (inBox ? 50 : 0);
        data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return sharp(data, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** `<root>/<folder>/<label>/<label>-<i>.png`, `perLabel` each; returns the temp root. */
export async function makeColorDataset(folder: string, perLabel: number, labels = Object.keys(COLORS)): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "lesson-lab-train-"));
  for (const [li, label] of labels.entries()) {
    await mkdir(path.join(root, folder, label), { recursive: true });
    for (let i = 0; i < perLabel; i++) {
      await writeFile(path.join(root, folder, label, `${label}-${i}.png`), await noisyImage(COLORS[label], 1000 * li + i + 1));
    }
  }
  return root;
}

/** Every file below `dir` → its bytes (to prove a dataset was not changed). */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), (await readFile(full)).toString("base64"));
  }
  return out;
}

/**
 * A stand-in backbone: mean colour of the image plus fixed random projections of a coarse
 * grey version. Counts the images it embeds.
 */
export function fakeBackbone(inputSize = 32, projections = 13): Embedder & { calls: number; images: number } {
  const random = seededRandom(7);
  const cells = 4 * 4;
  const proj = Array.from({ length: projections }, () => Array.from({ length: cells }, () => random() - 0.5));
  const backbone = {
    id: "fake-test",
    inputSize,
    dim: 3 + projections,
    calls: 0,
    images: 0,
    embed(images: RgbImage[]): Promise<Float32Array[]> {
      backbone.calls++;
      backbone.images += images.length;
      return Promise.resolve(images.map((img) => embedOne(img)));
    },
  };
  function embedOne(img: RgbImage): Float32Array {
    const mean = [0, 0, 0];
    const grid = new Array<number>(cells).fill(0);
    const n = img.width * img.height;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const i = (y * img.width + x) * 3;
        for (let c = 0; c < 3; c++) mean[c] += img.data[i + c] / 255 / n;
        const cell = Math.floor((y * 4) / img.height) * 4 + Math.floor((x * 4) / img.width);
        grid[cell] += (img.data[i] + img.data[i + 1] + img.data[i + 2]) / 765 / (n / cells);
      }
    }
    return Float32Array.from([...mean, ...proj.map((p) => p.reduce((s, w, j) => s + w * grid[j], 0))]);
  }
  return backbone;
}
