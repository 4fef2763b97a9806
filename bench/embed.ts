// Embedding throughput of the frozen backbone on 224x224 inputs, on the embed pool's engine
// (onnxruntime by default, or tfjs wasm SIMD): one worker vs one worker per core, the BN-folded
// tfjs network vs the plain LayersModel, and sharp's decode+resize for comparison. Run on its own
// (`npx tsx bench/embed.ts`) or from bench/run.ts. Figures depend on the machine's
// load: on a shared box, read the 1-thread and all-threads numbers of the same run together.

import { availableParallelism } from "node:os";
import sharp from "sharp";
import { DEFAULT_BACKBONE_ID, loadBackbone } from "../src/classifier/backbone";
import type { RgbImage } from "../src/classifier/types";
import { createEmbedPool } from "../src/node/embed-pool";
import type { EmbedEngine } from "../src/node/onnx/node-backbone";
import { createSharpDecoder } from "../src/node/decode-sharp";
import { median } from "./stats";

export interface EmbedBenchOptions {
  backboneId?: string;
  /** Images per timed run (after a warm-up batch). Default 64. */
  images?: number;
  /** Workers for the all-threads figure. Default: one per core. */
  threads?: number;
  /** Also time the unfolded LayersModel on one thread (slow). Default true. */
  unfolded?: boolean;
  /** Also time sharp decode + resize of 640x480 JPEGs. Default true. */
  decode?: boolean;
  /** Embedding engine of the pool's workers (default "auto": onnxruntime, else tfjs). */
  engine?: EmbedEngine;
  /** Timed runs per figure; the median is reported. Default 3. */
  repeats?: number;
}

export interface EmbedBenchResult {
  backbone: string;
  /** The engine the pool ran ("onnxruntime" or "tfjs"). */
  engine: string;
  batch: number;
  threads: number;
  img_per_s_1_thread: number;
  img_per_s_all_threads: number;
  img_per_s_1_thread_unfolded?: number;
  decode_resize_img_per_s?: number;
}

function syntheticImages(n: number, size: number): RgbImage[] {
  return Array.from({ length: n }, (_, k) => {
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + k * 97 + ((i / size) | 0) * 7) & 255;
    return { width: size, height: size, data };
  });
}

async function poolRate(
  backboneId: string,
  threads: number,
  images: RgbImage[],
  batch: number,
  engine: EmbedEngine,
  repeats: number,
): Promise<{ rate: number; engine: string }> {
  const pool = await createEmbedPool({ backboneId, threads, batchSize: batch, engine });
  try {
    await pool.embed(images.slice(0, batch * threads)); // warm-up: every worker runs once
    const rates: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      await pool.embed(images);
      rates.push(images.length / ((performance.now() - t) / 1000));
    }
    return { rate: median(rates), engine: pool.engine };
  } finally {
    await pool.close();
  }
}

async function unfoldedRate(backboneId: string, images: RgbImage[], batch: number): Promise<number> {
  const bb = await loadBackbone(backboneId, { fold: false, batchSize: batch, tf: { backends: ["wasm"], threads: 1 } });
  try {
    await bb.embed(images.slice(0, batch));
    const t = performance.now();
    await bb.embed(images);
    return images.length / ((performance.now() - t) / 1000);
  } finally {
    bb.dispose();
  }
}

/** sharp decode + resize of n synthetic 640x480 JPEGs (16 distinct files) to size x size, images/s. */
export async function decodeRate(n: number, size: number): Promise<number> {
  const files: Uint8Array[] = [];
  for (let k = 0; k < Math.min(n, 16); k++) {
    const raw = syntheticImages(1, 480)[0].data;
    const photo = await sharp(Buffer.from(raw), { raw: { width: 480, height: 480, channels: 3 } })
      .resize(640, 480, { fit: "fill" })
      .modulate({ hue: k * 20 })
      .jpeg({ quality: 85 })
      .toBuffer();
    files.push(new Uint8Array(photo));
  }
  const decoder = createSharpDecoder();
  const t = performance.now();
  // As the training pipeline does: several decodes in flight, libvips uses the cores.
  await Promise.all(Array.from({ length: n }, (_, i) => decoder.decode(files[i % files.length], size)));
  return n / ((performance.now() - t) / 1000);
}

export async function benchEmbed(opts: EmbedBenchOptions = {}): Promise<EmbedBenchResult> {
  const backboneId = opts.backboneId ?? DEFAULT_BACKBONE_ID;
  const batch = 16;
  const n = Math.max(batch, opts.images ?? 64);
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  const size = backboneId.startsWith("inception_v3") ? 299 : 224;
  const images = syntheticImages(n, size);
  const engine = opts.engine ?? "auto";
  const repeats = Math.max(1, opts.repeats ?? 3);
  const one = await poolRate(backboneId, 1, images, batch, engine, repeats);
  const all = await poolRate(backboneId, threads, images, batch, engine, repeats);
  const result: EmbedBenchResult = {
    backbone: backboneId,
    engine: one.engine,
    batch,
    threads,
    img_per_s_1_thread: one.rate,
    img_per_s_all_threads: all.rate,
  };
  if (opts.unfolded ?? true) result.img_per_s_1_thread_unfolded = await unfoldedRate(backboneId, images.slice(0, Math.min(n, 32)), batch);
  if (opts.decode ?? true) result.decode_resize_img_per_s = await decodeRate(Math.max(n, 64), size);
  return result;
}

// `npx tsx bench/embed.ts [images]` prints the figures as JSON.
if (require.main === module) {
  const images = Number(process.argv[2] ?? 64);
  benchEmbed({ images }).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
