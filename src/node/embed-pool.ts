// Embeds images on every core: one worker_thread per core, each with its own
// single-threaded engine (onnxruntime, else tfjs wasm; see onnx/node-backbone.ts) and model. Batches go to whichever worker is free,
// so a slow core does not hold the others back; an AbortSignal stops between batches.

import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as nodePath from "node:path";
import type { RgbImage } from "../classifier/types";
import type { WorkerInit, WorkerReply, WorkerRequest } from "./embed-worker";
import type { EmbedEngine } from "./onnx/node-backbone";
import { AbortError } from "../shared/abort";
import { errorText } from "../shared/errors";

export interface EmbedPoolOptions {
  backboneId: string;
  /** Workers; default one per core. */
  threads?: number;
  /** Images per forward pass and per message (default 16). */
  batchSize?: number;
  fold?: boolean;
  /** For "vault:" and downloaded backbones: the fs store root and the models cache folder in it. */
  storeRoot?: string;
  modelsDir?: string;
  /** Embedding engine (default "auto": onnxruntime where its package loads and the backbone converts, else tfjs). */
  engine?: EmbedEngine;
}

export interface EmbedPool {
  id: string;
  inputSize: number;
  dim: number;
  threads: number;
  /** The engine the workers run. */
  engine: "onnxruntime" | "tfjs";
  /** Why "auto" fell back to tfjs; null when it did not. */
  fallbackReason: string | null;
  embed(images: RgbImage[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Float32Array[]>;
  close(): Promise<void>;
  /** Same as close, for callers that treat the pool as an Embedder. */
  dispose(): void;
}

/**
 * How to start a worker: the compiled .js next to this file when there is one, else the
 * .ts source through tsx's CommonJS hook (Node 20 does not apply tsx's --import loader to
 * worker threads, so the hook is registered inside the worker by a tiny eval'd bootstrap;
 * the worker's module graph therefore uses static imports for relative paths).
 */
function workerEntry(): { script: string; eval: boolean } {
  const here = typeof __dirname === "string" ? __dirname : nodePath.dirname(fileURLToPath(import.meta.url));
  const js = nodePath.join(here, "embed-worker.js");
  if (existsSync(js)) return { script: js, eval: false };
  const req = createRequire(nodePath.join(here, "embed-pool.ts"));
  const ts = nodePath.join(here, "embed-worker.ts");
  return { script: `require(${JSON.stringify(req.resolve("tsx/cjs"))});\nrequire(${JSON.stringify(ts)});`, eval: true };
}

interface Slot {
  worker: Worker;
  busy: boolean;
  onReply: ((r: WorkerReply) => void) | null;
  failure: Error | null;
}

export async function createEmbedPool(opts: EmbedPoolOptions): Promise<EmbedPool> {
  const threads = Math.max(1, Math.floor(opts.threads ?? availableParallelism()));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 16));
  const entry = workerEntry();
  const init: WorkerInit = {
    backboneId: opts.backboneId,
    fold: opts.fold,
    batchSize,
    storeRoot: opts.storeRoot,
    modelsDir: opts.modelsDir,
    engine: opts.engine,
  };

  const slots: Slot[] = [];
  const ready: Promise<WorkerReply>[] = [];
  for (let i = 0; i < threads; i++) {
    const worker = new Worker(entry.script, { workerData: init, eval: entry.eval });
    const slot: Slot = { worker, busy: false, onReply: null, failure: null };
    slots.push(slot);
    ready.push(
      new Promise<WorkerReply>((resolve, reject) => {
        slot.onReply = resolve;
        worker.once("error", reject);
      }),
    );
    worker.on("message", (r: WorkerReply) => slot.onReply?.(r));
    worker.on("error", (err) => {
      slot.failure = err;
      slot.onReply?.({ type: "error", job: null, message: err.message });
    });
    worker.on("exit", (code) => {
      if (!slot.failure) slot.failure = new Error(`embed worker exited (code ${code})`);
      slot.onReply?.({ type: "error", job: null, message: slot.failure.message });
    });
  }

  const terminateAll = async () => {
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };

  let info: { dim: number; inputSize: number; engine: "onnxruntime" | "tfjs"; fallbackReason: string | null };
  try {
    const replies = await Promise.all(ready);
    const bad = replies.find((r) => r.type !== "ready");
    if (bad) throw new Error(bad.type === "error" ? bad.message : "embed worker failed to start");
    const first = replies[0] as Extract<WorkerReply, { type: "ready" }>;
    // Workers fall back alike (same package, same model); the first one speaks for all.
    info = { dim: first.dim, inputSize: first.inputSize, engine: first.engine, fallbackReason: first.fallbackReason };
  } catch (err) {
    await terminateAll();
    throw new Error(`Could not start the embedding workers: ${errorText(err)}`);
  }
  for (const s of slots) s.onReply = null;

  let closed = false;
  let nextJob = 1;
  let running = false;

  const runOn = (slot: Slot, images: RgbImage[]): Promise<Float32Array[]> =>
    new Promise((resolve, reject) => {
      if (slot.failure) {
        reject(slot.failure);
        return;
      }
      const job = nextJob++;
      slot.busy = true;
      slot.onReply = (r) => {
        if (r.type === "ready") return;
        if (r.job !== null && r.job !== job) return;
        slot.onReply = null;
        slot.busy = false;
        if (r.type === "result") resolve(r.embeddings);
        else reject(new Error(r.message));
      };
      slot.worker.postMessage({ type: "embed", job, images } satisfies WorkerRequest);
    });

  const pool: EmbedPool = {
    id: opts.backboneId,
    inputSize: info.inputSize,
    dim: info.dim,
    threads,
    engine: info.engine,
    fallbackReason: info.fallbackReason,
    async embed(images, onProgress, signal) {
      if (closed) throw new Error("The embed pool is closed");
      if (running) throw new Error("The embed pool is already embedding; wait for that call to finish");
      for (let i = 0; i < images.length; i++) {
        const img = images[i];
        if (img.width !== info.inputSize || img.height !== info.inputSize || img.data.length !== info.inputSize * info.inputSize * 3) {
          throw new Error(`Image ${i} is ${img.width}x${img.height}; this backbone needs ${info.inputSize}x${info.inputSize} RGB`);
        }
      }
      running = true;
      try {
        const out: Float32Array[] = new Array<Float32Array>(images.length);
        let next = 0;
        let done = 0;
        let failed: unknown = null;
        const loop = async (slot: Slot) => {
          while (next < images.length && failed === null) {
            if (signal?.aborted) throw new AbortError("Embedding was cancelled");
            const start = next;
            next = Math.min(images.length, next + batchSize);
            const vectors = await runOn(slot, images.slice(start, next));
            for (let k = 0; k < vectors.length; k++) out[start + k] = vectors[k]!;
            done += vectors.length;
            onProgress?.(done, images.length);
          }
        };
        await Promise.all(
          slots.map((s) =>
            loop(s).catch((err: unknown) => {
              failed ??= err;
            }),
          ),
        );
        if (failed !== null) throw failed instanceof Error ? failed : new Error("embedding failed");
        return out;
      } finally {
        running = false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of slots) if (!s.failure) s.worker.postMessage({ type: "close" } satisfies WorkerRequest);
      await terminateAll();
    },
    dispose() {
      void pool.close();
    },
  };
  return pool;
}
