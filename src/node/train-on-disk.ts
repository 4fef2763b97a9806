// Headless training on a dataset on disk, as the CLI commands (train, clean) and the benchmarks
// run it: the directory's file store, sharp's decoder, the backbone in this process or in a
// pool of worker threads, and the dataset's embedding cache.
import type { FileStore, TrainProgress } from "../classifier/types";
import type { TrainOptions, TrainResult } from "../classifier/pipeline";
import type { Embedder } from "../classifier/predict";
import { errorText } from "../shared/errors";
import { cacheFolderOnDisk, type DatasetLocation } from "./dataset-location";

/**
 * The headless backbone `backboneId`: in this process for one thread, else a pool of `threads`
 * worker threads (embed-pool.ts) that open the store at `root` themselves; onnxruntime by
 * default, tfjs where it is unavailable (LESSON_LAB_ENGINE=tfjs forces tfjs; onnx/node-backbone.ts).
 * Throws the loader's error (unknown id, missing weights); the caller disposes it.
 */
export async function openBackbone(backboneId: string, threads: number, root: string, store: FileStore): Promise<Embedder> {
  if (threads > 1) {
    const { createEmbedPool } = await import("./embed-pool");
    return createEmbedPool({ backboneId, threads, storeRoot: root });
  }
  const { loadNodeBackbone } = await import("./onnx/node-backbone");
  return (await loadNodeBackbone(backboneId, { store })).backbone;
}

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
}

/**
 * Trains on a located dataset the way every CLI command does: the directory's file store, the
 * sharp decoder, the embedding cache at cacheFolderOnDisk(location) (unless `noCache`), and a
 * backbone loaded here and disposed when done. Returns trainClassifier's result (a user problem
 * as `{error}`); throws "could not load backbone …" when the backbone does not load, and
 * trainClassifier's AbortError when `signal` fires.
 */
export async function trainOnDisk(location: DatasetLocation, run: TrainOnDiskRun): Promise<TrainResult> {
  const [{ createFsStore }, { createSharpDecoder }, { DEFAULT_BACKBONE_ID }, { trainClassifier }] = await Promise.all([
    import("./fs-store"),
    import("./decode-sharp"),
    import("../classifier/backbone"),
    import("../classifier/pipeline"),
  ]);
  const store = createFsStore(location.root);
  const backboneId = run.backboneId ?? DEFAULT_BACKBONE_ID;
  run.onProgress({ phase: "scanning", message: `Loading backbone ${backboneId}` });
  let backbone: Embedder;
  try {
    backbone = await openBackbone(backboneId, run.threads ?? 1, location.root, store);
  } catch (error) {
    throw new Error(`could not load backbone "${backboneId}": ${errorText(error)}`);
  }
  try {
    return await trainClassifier({
      store,
      folder: location.folder,
      decoder: createSharpDecoder(),
      backbone,
      cacheFolder: run.noCache ? null : cacheFolderOnDisk(location),
      options: run.options,
      onProgress: run.onProgress,
      signal: run.signal,
    });
  } finally {
    backbone.dispose?.();
  }
}
