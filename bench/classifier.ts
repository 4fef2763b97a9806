// The classifier end to end, as `lesson-lab train` runs it (same store, decoder, backbone
// loading and cache folder as src/node/train-on-disk.ts): time from a folder of 1,000 Fashion-MNIST
// images (test split, 100/class, written by shared/datasets/fashion_to_folders.py) to a trained
// model, cold (empty cache) and warm (the cache, after re-encoding 20 of the images with a
// changed pixel), validation accuracy per backbone, and sharp's decode+resize rate on those files.
// Run from bench/run.ts, or `npx tsx bench/classifier.ts compare [--split train] [--offset K]`
// for the backbone comparison alone. Times depend on the machine's load.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import { DEFAULT_BACKBONE_ID } from "../src/classifier/backbone";
import { trainClassifier, type TrainOptions, type TrainResult } from "../src/classifier/pipeline";
import { createFsStore } from "../src/node/fs-store";
import { createSharpDecoder } from "../src/node/decode-sharp";
import { cacheFolderOnDisk, locateDataset } from "../src/node/dataset-location";
import { openBackbone } from "../src/node/train-on-disk";
import { benchEmbed, decodeRate as photoDecodeRate } from "./embed";

const SCRIPT = path.resolve(__dirname, "../../shared/datasets/fashion_to_folders.py");
const DATA = "/usr/share/datasets/fashion-mnist";

/** A backbone and head setting to compare; `standardize` undefined = the pipeline's default. */
export interface Candidate {
  name: string;
  backbone: string;
  standardize?: boolean;
}

/** The default (pooled block_13_expand_relu, standardised head) and the former default (flatten_1, raw head). */
export const CANDIDATES: Candidate[] = [
  { name: "block_13_std", backbone: "mobilenet_v2-nsfwjs#block_13_expand_relu", standardize: true },
  { name: "flatten_1", backbone: "mobilenet_v2-nsfwjs", standardize: false },
];

export function fashionAvailable(): boolean {
  return existsSync(SCRIPT) && existsSync(path.join(DATA, "t10k-images-idx3-ubyte.gz"));
}

/** Writes Fashion-MNIST as label folders under dir/name; returns the folder. */
export function makeFashion(dir: string, name: string, split: "test" | "train", perClass: number, offset = 0): string {
  const out = path.join(dir, name);
  execFileSync("python3", [SCRIPT, out, "--split", split, "--per-class", String(perClass), "--offset", String(offset)], { stdio: "ignore" });
  return out;
}

export interface RunFigures {
  result: TrainResult;
  /** Wall time from loading the backbone to the trained (saved) model. */
  seconds: number;
}

/** One `lesson-lab train FOLDER --threads N --no-save [--no-cache]` equivalent, timed. */
export async function trainFolder(folder: string, backboneId: string, threads: number, options: TrainOptions & { cache?: boolean } = {}): Promise<RunFigures> {
  const t = performance.now();
  const location = await locateDataset(folder);
  const store = createFsStore(location.root);
  const { backbone } = await openBackbone(backboneId, threads, location.root, store);
  try {
    const { cache, ...trainOptions } = options;
    const result = await trainClassifier({
      store,
      folder: location.folder,
      decoder: createSharpDecoder(),
      backbone,
      cacheFolder: cache === false ? null : cacheFolderOnDisk(location),
      options: { save: false, ...trainOptions },
    });
    if (result.error) throw new Error(`training ${folder} failed: ${result.error}`);
    return { result, seconds: (performance.now() - t) / 1000 };
  } finally {
    backbone.dispose?.();
  }
}

async function imageFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const label of (await readdir(folder, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of (await readdir(path.join(folder, label))).sort()) if (f.endsWith(".png")) out.push(path.join(folder, label, f));
  }
  return out;
}

/** Re-encodes `count` images spread over the folder with one pixel changed (new bytes, new hash). */
async function touchImages(folder: string, count: number): Promise<number> {
  const files = await imageFiles(folder);
  const step = Math.max(1, Math.floor(files.length / count));
  let changed = 0;
  for (let i = 0; i < files.length && changed < count; i += step, changed++) {
    const { data, info } = await sharp(files[i]).raw().toBuffer({ resolveWithObject: true });
    data[0] = data[0] ^ 0x10;
    await writeFile(files[i], await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).png().toBuffer());
  }
  return changed;
}

/** Decode + resize to 224x224 of the dataset's own files, several in flight as the pipeline does. */
async function datasetDecodeRate(folder: string, size: number): Promise<number> {
  const bytes = await Promise.all((await imageFiles(folder)).map(async (f) => new Uint8Array(await readFile(f))));
  const decoder = createSharpDecoder();
  await Promise.all(bytes.slice(0, 16).map((b) => decoder.decode(b, size)));
  const t = performance.now();
  await Promise.all(bytes.map((b) => decoder.decode(b, size)));
  return bytes.length / ((performance.now() - t) / 1000);
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Accuracy (and time) of each candidate on one folder. cache false: every run is cold; true: the
 * folder's cache is used, so a second head setting on the same backbone id embeds nothing.
 */
export async function compareBackbones(folder: string, threads: number, candidates: Candidate[] = CANDIDATES, options: TrainOptions & { cache?: boolean } = {}): Promise<Record<string, { accuracy: number; seconds: number; dim: number; embed_img_per_s: number }>> {
  const out: Record<string, { accuracy: number; seconds: number; dim: number; embed_img_per_s: number }> = {};
  for (const c of candidates) {
    const { result, seconds } = await trainFolder(folder, c.backbone, threads, { cache: false, ...options, standardize: c.standardize });
    out[c.name] = {
      accuracy: round(result.accuracy ?? 0, 3),
      seconds: round(seconds, 1),
      dim: result.embeddings[0]?.embedding.length ?? 0,
      embed_img_per_s: round(result.embedded / Math.max(1e-9, result.seconds.embedding), 1),
    };
  }
  return out;
}

export interface ClassifierBenchResult {
  backbone: string;
  threads: number;
  images: number;
  /** sharp, 640x480 JPEGs to 224x224 (bench/embed.ts), and the dataset's 28x28 PNGs to 224x224. */
  decode_resize_img_per_s: number;
  decode_resize_fashion_png_img_per_s: number;
  folder_1000_cold_s: number;
  folder_1000_cold_embedded: number;
  folder_1000_warm_20_changed_s: number;
  folder_1000_warm_embedded: number;
  folder_1000_warm_cached: number;
  fashion_100_accuracy: number;
  /** Validation accuracy per candidate (CANDIDATES' names; the default's is fashion_100_accuracy) on the same folder, cold runs. */
  fashion_100_accuracy_per_backbone: Record<string, number>;
  /** Embedding rate (batch 16) of each non-default candidate, one worker and one per core. */
  embed_img_per_s_per_backbone: Record<string, { "1_thread": number; all_threads: number }>;
}

export async function benchClassifier(opts: { threads?: number; candidates?: Candidate[] } = {}): Promise<ClassifierBenchResult | { skipped: string }> {
  if (!fashionAvailable()) return { skipped: `needs ${DATA} (apt-get install dataset-fashion-mnist) and ${SCRIPT}` };
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  const dir = await mkdtemp(path.join(tmpdir(), "lesson-lab-bench-"));
  try {
    const folder = makeFashion(dir, "fashion", "test", 100);
    const photoDecode = await photoDecodeRate(128, 224);
    const decode = await datasetDecodeRate(folder, 224);
    // Cold: empty cache, the default backbone and options, as `lesson-lab train` with --threads.
    const cold = await trainFolder(folder, DEFAULT_BACKBONE_ID, threads);
    // The other candidates on the unchanged folder (no cache: cold as well).
    const others = (opts.candidates ?? CANDIDATES).filter((c) => c.backbone !== DEFAULT_BACKBONE_ID);
    const defaultName = (opts.candidates ?? CANDIDATES).find((c) => c.backbone === DEFAULT_BACKBONE_ID)?.name ?? DEFAULT_BACKBONE_ID;
    const perBackbone: Record<string, number> = { [defaultName]: round(cold.result.accuracy ?? 0, 3) };
    for (const [name, r] of Object.entries(await compareBackbones(folder, threads, others))) perBackbone[name] = r.accuracy;
    const embedRates: ClassifierBenchResult["embed_img_per_s_per_backbone"] = {};
    for (const c of others) {
      const e = await benchEmbed({ backboneId: c.backbone, threads, unfolded: false, decode: false });
      embedRates[c.name] = { "1_thread": round(e.img_per_s_1_thread, 1), all_threads: round(e.img_per_s_all_threads, 1) };
    }
    // Warm: 20 files changed, the cache of the cold run holds the other 980.
    const changed = await touchImages(folder, 20);
    const warm = await trainFolder(folder, DEFAULT_BACKBONE_ID, threads);
    return {
      backbone: DEFAULT_BACKBONE_ID,
      threads,
      images: cold.result.trainCount + cold.result.validCount,
      decode_resize_img_per_s: round(photoDecode, 1),
      decode_resize_fashion_png_img_per_s: round(decode, 1),
      folder_1000_cold_s: round(cold.seconds, 1),
      folder_1000_cold_embedded: cold.result.embedded,
      folder_1000_warm_20_changed_s: round(warm.seconds, 1),
      folder_1000_warm_embedded: warm.result.embedded,
      folder_1000_warm_cached: warm.result.cached,
      fashion_100_accuracy: round(cold.result.accuracy ?? 0, 3),
      fashion_100_accuracy_per_backbone: perBackbone,
      embed_img_per_s_per_backbone: embedRates,
      ...(changed !== 20 ? { warning: `changed ${changed} files` } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/classifier.ts compare [--split test|train] [--offset K] [--per-class N] [--threads N] [--candidates a,b]`
if (require.main === module) {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const main = async (): Promise<unknown> => {
    if (process.argv[2] !== "compare") return benchClassifier();
    const split = arg("split") === "train" ? "train" : "test";
    const dir = await mkdtemp(path.join(tmpdir(), "lesson-lab-compare-"));
    try {
      const folder = makeFashion(dir, "fashion", split, Number(arg("per-class") ?? 100), Number(arg("offset") ?? 0));
      const extra: Candidate[] = [
        { name: "block_13_raw", backbone: "mobilenet_v2-nsfwjs#block_13_expand_relu", standardize: false },
        { name: "flatten_1_std", backbone: "mobilenet_v2-nsfwjs", standardize: true },
        { name: "flatten_1+block_13_std", backbone: "mobilenet_v2-nsfwjs#flatten_1+block_13_expand_relu", standardize: true },
      ];
      const wanted = arg("candidates")?.split(",");
      const list = [...CANDIDATES, ...extra].filter((c) => !wanted || wanted.includes(c.name));
      return { split, ...(await compareBackbones(folder, Number(arg("threads") ?? availableParallelism()), list, { cache: true })) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  main().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
