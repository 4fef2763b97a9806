// Headless training on a dataset on disk, as the CLI commands (train, clean) and the benchmarks
// run it: the directory's file store, sharp's decoder, the backbone in this process or in a
// pool of worker threads, and the dataset's embedding cache.
import type { FileStore, TrainProgress } from "../classifier/types";
import type { TrainOptions, TrainResult } from "../classifier/pipeline";
import type { Embedder } from "../classifier/predict";
import { errorText } from "../shared/errors";
import { cacheFolderOnDisk, type DatasetLocation } from "./dataset-location";

/** A headless backbone and the engine it runs on. */
export interface OpenedBackbone {
  backbone: Embedder;
  engine: "onnxruntime" | "tfjs";
  /** Why onnxruntime was not used although the engine setting allowed it; null when it was, or when tfjs was asked for. */
  fallbackReason: string | null;
}

/**
 * The headless backbone `backboneId`: in this process for one thread, else a pool of `threads`
 * worker threads (embed-pool.ts) that open the store at `root` themselves; onnxruntime by
 * default, tfjs where it is unavailable (LESSON_LAB_ENGINE=tfjs forces tfjs; onnx/node-backbone.ts).
 * Returns the engine used and why it fell back, if it did. Throws the loader's error (unknown id,
 * missing weights); the caller disposes the backbone.
 */
export async function openBackbone(backboneId: string, threads: number, root: string, store: FileStore): Promise<OpenedBackbone> {
  if (threads > 1) {
    const { createEmbedPool } = await import("./embed-pool");
    const pool = await createEmbedPool({ backboneId, threads, storeRoot: root });
    return { backbone: pool, engine: pool.engine, fallbackReason: pool.fallbackReason };
  }
  const { loadNodeBackbone } = await import("./onnx/node-backbone");
  const { backbone, engine, fallbackReason } = await loadNodeBackbone(backboneId, { store });
  return { backbone, engine, fallbackReason };
}

/** The warning when embedding fell back to tfjs (slower, same embeddings); null when it did not. */
export function engineFallbackWarning(opened: Pick<OpenedBackbone, "engine" | "fallbackReason">): string | null {
  if (opened.fallbackReason === null) return null;
  return `embedding with ${opened.engine} (slower): onnxruntime unavailable: ${opened.fallbackReason} (LESSON_LAB_ENGINE=tfjs chooses tfjs without this warning)`;
}

/** What trainOnDisk returns: trainClassifier's result with the engine that embedded (a fallback warning first in `warnings`). */
export type DiskTrainResult = TrainResult & { engine: "onnxruntime" | "tfjs" };

export interface TrainOnDiskRun {
  /** Default: backbone.ts DEFAULT_BACKBONE_ID. */
  backboneId?: string;
  /** Embedding threads (default 1: in this process). */
  threads?: number;
  /** Neither read nor write the embedding cache. */
  noCache?: boolean;
  options: TrainOptions;
  onProgress: (p: TrainProgress) => void;
  signal: AbortSignal;
  /** Called once the backbone loaded, when it fell back to tfjs, with the warning (the CLI prints it on stderr). */
  onWarning?: (warning: string) => void;
}

/**
 * Trains on a located dataset the way every CLI command does: the directory's file store, the
 * sharp decoder, the embedding cache at cacheFolderOnDisk(location) (unless `noCache`), and a
 * backbone loaded here and disposed when done. Returns trainClassifier's result (a user problem
 * as `{error}`); throws "could not load backbone …" when the backbone does not load, and
 * trainClassifier's AbortError when `signal` fires. A fallback from onnxruntime to tfjs
 * goes to `run.onWarning` and first into the result's `warnings`.
 */
export async function trainOnDisk(location: DatasetLocation, run: TrainOnDiskRun): Promise<DiskTrainResult> {
  const [{ createFsStore }, { createSharpDecoder }, { DEFAULT_BACKBONE_ID }, { trainClassifier }] = await Promise.all([
    import("./fs-store"),
    import("./decode-sharp"),
    import("../classifier/backbone"),
    import("../classifier/pipeline"),
  ]);
  const store = createFsStore(location.root);
  const backboneId = run.backboneId ?? DEFAULT_BACKBONE_ID;
  run.onProgress({ phase: "scanning", message: `Loading backbone ${backboneId}` });
  let opened: OpenedBackbone;
  try {
    opened = await openBackbone(backboneId, run.threads ?? 1, location.root, store);
  } catch (error) {
    throw new Error(`could not load backbone "${backboneId}": ${errorText(error)}`);
  }
  const { backbone, engine } = opened;
  const fallback = engineFallbackWarning(opened);
  if (fallback !== null) run.onWarning?.(fallback);
  try {
    const result = await trainClassifier({
      store,
      folder: location.folder,
      decoder: createSharpDecoder(),
      backbone,
      cacheFolder: run.noCache ? null : cacheFolderOnDisk(location),
      options: run.options,
      onProgress: run.onProgress,
      signal: run.signal,
    });
    return { ...result, engine, warnings: fallback === null ? result.warnings : [fallback, ...result.warnings] };
  } finally {
    backbone.dispose?.();
  }
}
