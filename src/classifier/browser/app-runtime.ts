// The classifier's runtime inside Obsidian: tfjs and the backbone are loaded on first use and
// kept, and every long computation runs in slices that hand the main thread back, so that no
// task Obsidian runs takes much longer than one forward pass (the app stays responsive).
// Imported lazily (from handlers), never at plugin load.
import type { Backbone } from "../backbone";
import type { Embedder } from "../predict";
import type { FileStore, ImageDecoder } from "../types";
import type { TfBackendName } from "../tf-setup";
import type { FetchBinary } from "../backbones/remote";
import { macrotask } from "../../shared/yield";
import { AbortError } from "../../shared/abort";

export { macrotask };

/** Work between two yields is kept under this many ms. */
export const SLICE_BUDGET_MS = 12;

/** Hands the main thread back whenever the current slice of work exceeds the budget. */
export class Slicer {
  private start = performance.now();
  constructor(private readonly budgetMs = SLICE_BUDGET_MS) {}

  async tick(): Promise<void> {
    if (performance.now() - this.start >= this.budgetMs) await this.yieldNow();
  }

  async yieldNow(): Promise<void> {
    await macrotask();
    this.start = performance.now();
  }
}

/** The slicer every classifier job on the main thread shares (they interleave with one another). */
export const mainSlicer = new Slicer();

/** A FileStore whose every call may yield first (a chain of cached reads would otherwise be one long task). */
export function slicedStore(store: FileStore, slicer: Slicer): FileStore {
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await slicer.tick();
      const out = await fn(...args);
      await slicer.tick();
      return out;
    };
  return {
    list: wrap((f) => store.list(f)),
    exists: wrap((p) => store.exists(p)),
    readBinary: wrap((p) => store.readBinary(p)),
    readText: wrap((p) => store.readText(p)),
    mkdir: wrap((p) => store.mkdir(p)),
    writeBinary: wrap((p, d) => store.writeBinary(p, d)),
    writeText: wrap((p, t) => store.writeText(p, t)),
    rename: wrap((a, b) => store.rename(a, b)),
    removeOwn: wrap((p) => store.removeOwn(p)),
    ...("listFolders" in store ? { listFolders: (store as FileStore & { listFolders(f: string): Promise<string[] | null> }).listFolders.bind(store) } : {}),
  };
}

export function slicedDecoder(decoder: ImageDecoder, slicer: Slicer): ImageDecoder {
  return {
    async decode(bytes, size) {
      await slicer.tick();
      return decoder.decode(bytes, size);
    },
  };
}

/** Embeds one image per slice, yielding before each forward pass. */
export function slicedEmbedder(backbone: Embedder, slicer: Slicer): Embedder {
  return {
    id: backbone.id,
    inputSize: backbone.inputSize,
    dim: backbone.dim,
    async embed(images, onProgress, signal) {
      const out: Float32Array[] = [];
      for (let i = 0; i < images.length; i++) {
        await slicer.yieldNow();
        if (signal?.aborted) throw new AbortError();
        const [vector] = await backbone.embed([images[i]]);
        out.push(vector);
        onProgress?.(i + 1, images.length);
      }
      return out;
    },
  };
}

export interface RuntimeRequest {
  backboneId: string;
  /** Backend preference; "auto" tries webgl, then wasm, then cpu. */
  backend: TfBackendName | "auto";
  store: FileStore;
  /** Download cache for backbones fetched once (imagenet-mobilenet). */
  modelsDir: string;
  fetchBinary: FetchBinary;
}

export interface Runtime {
  backbone: Backbone;
  backend: string;
  decoder: ImageDecoder;
}

const loaded = new Map<string, Promise<Runtime>>();
let lastBackend: RuntimeRequest["backend"] = "auto";

/** The backend the panel asked for last ("auto" before any): classifying reuses it rather than switching. */
export function preferredBackend(): RuntimeRequest["backend"] {
  return lastBackend;
}

/** The backbone (and tfjs) for a request; loaded once per backbone and backend, then shared. */
export function loadRuntime(req: RuntimeRequest): Promise<Runtime> {
  lastBackend = req.backend;
  const key = `${req.backend}\u0000${req.backboneId}`;
  let pending = loaded.get(key);
  if (!pending) {
    pending = (async (): Promise<Runtime> => {
      const [{ loadBackbone }, { createBrowserDecoder }] = await Promise.all([import("../backbone"), import("./decode-browser")]);
      const backends: TfBackendName[] = req.backend === "auto" ? ["webgl", "wasm", "cpu"] : [req.backend];
      // Backbones built on another backend hold that backend's tensors: drop them first.
      for (const [other, promise] of loaded) {
        if (other !== key && !other.startsWith(`${req.backend}\u0000`)) {
          loaded.delete(other);
          void promise.then((r) => r.backbone.dispose()).catch(() => undefined);
        }
      }
      await macrotask();
      const backbone = await loadBackbone(req.backboneId, {
        store: req.store,
        modelsDir: req.modelsDir,
        fetchBinary: req.fetchBinary,
        batchSize: 1,
        tf: { backends },
        // Between the ops of a forward pass: one pass is ~60 ops, far over the budget in one go.
        pause: () => mainSlicer.tick(),
      });
      return { backbone, backend: backbone.backend, decoder: createBrowserDecoder() };
    })();
    loaded.set(key, pending);
    // A failed load (no network, bad vault model) is retried next time.
    pending.catch(() => loaded.delete(key));
  }
  return pending;
}

/** The backend tfjs runs on now, or null before the first load. */
export async function currentBackend(): Promise<string | null> {
  const { currentTf } = await import("../tf-setup");
  return currentTf()?.backend ?? null;
}

/** Frees every loaded backbone (plugin unload). */
export function disposeRuntimes(): void {
  for (const promise of loaded.values()) void promise.then((r) => r.backbone.dispose()).catch(() => undefined);
  loaded.clear();
}

