// One embedding worker (worker_threads): its own single-threaded engine (onnxruntime, or the tfjs
// wasm backend when onnxruntime is unavailable) and its own copy of the backbone. Started by embed-pool.ts.

import { parentPort, workerData } from "node:worker_threads";
import type { Backbone } from "../classifier/backbone";
import { loadNodeBackbone, type EmbedEngine, type NodeBackboneOptions } from "./onnx/node-backbone";
import { createFsStore } from "./fs-store";
import { fetchBinaryNode } from "./fetch-binary";
import type { RgbImage } from "../classifier/types";
import { errorText } from "../shared/errors";

export interface WorkerInit {
  backboneId: string;
  fold?: boolean;
  batchSize?: number;
  /** Root of an fs FileStore, for "vault:" and downloaded backbones. */
  storeRoot?: string;
  modelsDir?: string;
  /** Embedding engine (default "auto": onnxruntime, else tfjs). */
  engine?: EmbedEngine;
}

export type WorkerRequest = { type: "embed"; job: number; images: RgbImage[] } | { type: "close" };

export type WorkerReply =
  | { type: "ready"; dim: number; inputSize: number; backend: string; folded: boolean; engine: "onnxruntime" | "tfjs"; fallbackReason: string | null }
  | { type: "result"; job: number; embeddings: Float32Array[] }
  | { type: "error"; job: number | null; message: string };

async function start(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("embed-worker must run in a worker thread");
  const init = workerData as WorkerInit;
  let backbone: Backbone;
  let engine: "onnxruntime" | "tfjs";
  let fallbackReason: string | null;
  try {
    const opts: NodeBackboneOptions = { fold: init.fold, batchSize: init.batchSize, tf: { backends: ["wasm"], threads: 1 }, engine: init.engine, threads: 1 };
    if (init.storeRoot) {
      opts.store = createFsStore(init.storeRoot);
      opts.modelsDir = init.modelsDir;
      opts.fetchBinary = fetchBinaryNode;
    }
    ({ backbone, engine, fallbackReason } = await loadNodeBackbone(init.backboneId, opts));
  } catch (err) {
    port.postMessage({ type: "error", job: null, message: errorText(err) } satisfies WorkerReply);
    return;
  }
  port.postMessage({ type: "ready", dim: backbone.dim, inputSize: backbone.inputSize, backend: backbone.backend, folded: backbone.folded, engine, fallbackReason } satisfies WorkerReply);

  port.on("message", (msg: WorkerRequest) => {
    if (msg.type === "close") {
      backbone.dispose();
      port.close();
      return;
    }
    backbone.embed(msg.images).then(
      (embeddings) => {
        // Embeddings own their buffers (Backbone.embed slices), so they can be moved, not copied.
        port.postMessage({ type: "result", job: msg.job, embeddings } satisfies WorkerReply, embeddings.map((e) => e.buffer as ArrayBuffer));
      },
      (err: unknown) => {
        port.postMessage({ type: "error", job: msg.job, message: errorText(err) } satisfies WorkerReply);
      },
    );
  });
}

void start();
