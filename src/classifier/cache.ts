// Embedding cache: one file per backbone, `embeddings-<backbone>.bin`, in the dataset's cache
// folder. The app and the CLI use the same folder for the same dataset, cacheFolderFor(pluginDir,
// datasetFolder) = `<pluginDir>/cache/<cacheName(datasetFolder)>`, with pluginDir the plugin's
// folder (`<configDir>/plugins/lesson-lab` in the app, the vault's `.obsidian/plugins/lesson-lab`
// in the CLI), so a model trained by one reuses the embeddings the other made. (The CLI on a
// folder outside any vault uses `.lesson-lab-cache/` beside it, src/node/dataset-location.ts.)
// Keyed by (content sha256, view id), so that a renamed or relabelled file is still a hit and an
// edited file is a miss.
//
// File format (little-endian): "LLEC" | u32 version (1) | u32 header byte length |
// header JSON {backbone, dim, preprocess, keys: ["<sha256>:<view>", ...]} | zero padding to a
// multiple of 4 | float32[keys.length * dim]. Saved as a temporary file, then renamed over the old
// one. A file that fails to parse is ignored with a warning and rebuilt. A file made under another
// preprocessing (`preprocess` differs from resize.ts's PREPROCESS_VERSION, or is absent: files
// written before the shared resizer) parses to no entries, so its embeddings are never reused; the
// next save replaces it the same safe way.
import type { FileStore } from "./types";
import { joinPath } from "../shared/paths";
import { PREPROCESS_VERSION } from "./resize";
import { errorText } from "../shared/errors";

const MAGIC = "LLEC";
const VERSION = 1;
/** Entries not used by the latest run are dropped beyond this many. */
export const MAX_CACHE_ENTRIES = 100_000;

/**
 * A short, safe folder name for a dataset's embedding cache: the dataset's store path with runs
 * of characters other than A-Z a-z 0-9 _ - turned into "_" (first 40 kept), then "-" and a
 * 32-bit hash of the whole path in base 36 (so that "a/b" and "a_b" differ).
 */
export function cacheName(folder: string): string {
  let h = 0;
  for (let i = 0; i < folder.length; i++) h = (Math.imul(h, 31) + folder.charCodeAt(i)) | 0;
  return `${folder.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 40)}-${(h >>> 0).toString(36)}`;
}

/**
 * The one embedding-cache folder of a dataset, for the app and the CLI alike:
 * `<pluginDir>/cache/<cacheName(datasetFolder)>`. `pluginDir` is the plugin's folder as a store
 * path (the app: its manifest's dir, `<configDir>/plugins/lesson-lab`; the CLI: the vault's
 * `.obsidian/plugins/lesson-lab`); `datasetFolder` is the dataset's store path ("Datasets/Bears").
 * Slashes at either end of either argument are ignored, so "Bears/" and "Bears" share a cache.
 */
export function cacheFolderFor(pluginDir: string, datasetFolder: string): string {
  const trim = (p: string): string => p.replace(/^\/+|\/+$/g, "");
  return `${trim(pluginDir)}/cache/${cacheName(trim(datasetFolder))}`;
}

export function cacheKey(hash: string, view: string): string {
  return `${hash}:${view}`;
}

export function cacheFileName(backbone: string): string {
  return `embeddings-${backbone.replace(/[^A-Za-z0-9._-]/g, "_")}.bin`;
}

/** `preprocess`: the preprocessing the embeddings were made under (default: the current one). */
export function encodeCache(backbone: string, dim: number, entries: Map<string, Float32Array>, preprocess = PREPROCESS_VERSION): Uint8Array {
  const keys = [...entries.keys()];
  const header = new TextEncoder().encode(JSON.stringify({ backbone, dim, preprocess, keys }));
  const headerEnd = 12 + header.byteLength;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const out = new Uint8Array(dataStart + keys.length * dim * 4);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.byteLength, true);
  out.set(header, 12);
  const floats = new Float32Array(out.buffer, dataStart, keys.length * dim);
  keys.forEach((k, i) => floats.set(entries.get(k) as Float32Array, i * dim));
  return out;
}

/**
 * Parses a cache file; throws an Error saying what is wrong. A file made under another
 * preprocessing than PREPROCESS_VERSION gives an empty map (its entries are stale, not broken).
 */
export function decodeCache(bytes: Uint8Array, backbone: string, dim: number): Map<string, Float32Array> {
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error("not an embedding cache");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4, true) !== VERSION) throw new Error(`unknown cache version ${view.getUint32(4, true)}`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.byteLength) throw new Error("truncated header");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as { backbone?: unknown; dim?: unknown; preprocess?: unknown; keys?: unknown };
  if (header.backbone !== backbone) throw new Error(`made for backbone ${String(header.backbone)}`);
  if (header.dim !== dim) throw new Error(`holds ${String(header.dim)}-d embeddings, expected ${dim}`);
  if (header.preprocess !== PREPROCESS_VERSION) return new Map();
  if (!Array.isArray(header.keys) || !header.keys.every((k) => typeof k === "string")) throw new Error("bad key list");
  const keys: string[] = header.keys;
  const dataStart = Math.ceil((12 + headerLength) / 4) * 4;
  if (bytes.byteLength !== dataStart + keys.length * dim * 4) throw new Error("truncated data");
  // Copy: the input may not be 4-byte aligned, and entries must outlive it.
  const floats = new Float32Array(bytes.slice(dataStart).buffer);
  const entries = new Map<string, Float32Array>();
  keys.forEach((k, i) => {
    const e = floats.slice(i * dim, (i + 1) * dim);
    if (e.every((v) => Number.isFinite(v))) entries.set(k, e);
  });
  return entries;
}

export class EmbeddingCache {
  private readonly used = new Set<string>();
  private dirty = false;

  private constructor(
    private readonly store: FileStore,
    readonly path: string,
    readonly backbone: string,
    readonly dim: number,
    private readonly entries: Map<string, Float32Array>,
  ) {}

  /** Loads the cache of `backbone` from `folder`; a missing file is an empty cache, a bad one too (plus a warning). */
  static async open(store: FileStore, folder: string, backbone: string, dim: number, warnings: string[] = []): Promise<EmbeddingCache> {
    const path = joinPath(folder, cacheFileName(backbone));
    let entries = new Map<string, Float32Array>();
    try {
      if (await store.exists(path)) entries = decodeCache(await store.readBinary(path), backbone, dim);
    } catch (error) {
      warnings.push(`the embedding cache ${path} could not be used (${errorText(error)}); it is rebuilt`);
      entries = new Map();
    }
    return new EmbeddingCache(store, path, backbone, dim, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  get(hash: string, view: string): Float32Array | undefined {
    const key = cacheKey(hash, view);
    const hit = this.entries.get(key);
    if (hit) this.used.add(key);
    return hit;
  }

  set(hash: string, view: string, embedding: Float32Array): void {
    if (embedding.length !== this.dim) throw new Error(`embedding of size ${embedding.length} for a ${this.dim}-d cache`);
    const key = cacheKey(hash, view);
    this.entries.set(key, embedding);
    this.used.add(key);
    this.dirty = true;
  }

  /** Writes the cache when it changed: temporary file, then rename over the old file. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    if (this.entries.size > MAX_CACHE_ENTRIES) {
      for (const key of [...this.entries.keys()]) {
        if (this.entries.size <= MAX_CACHE_ENTRIES) break;
        if (!this.used.has(key)) this.entries.delete(key);
      }
    }
    const folder = this.path.slice(0, Math.max(0, this.path.lastIndexOf("/")));
    if (folder) await this.store.mkdir(folder);
    const unique = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const temp = `${this.path}.tmp-${unique}`;
    const old = `${this.path}.old-${unique}`;
    let movedOld = false;
    try {
      await this.store.writeBinary(temp, encodeCache(this.backbone, this.dim, this.entries));
      // FileStore.rename never replaces: move the old file aside first.
      if (await this.store.exists(this.path)) {
        await this.store.rename(this.path, old);
        movedOld = true;
      }
      await this.store.rename(temp, this.path);
    } catch (error) {
      if (movedOld) await this.store.rename(old, this.path).catch(() => undefined);
      await this.store.removeOwn(temp).catch(() => undefined);
      throw error;
    }
    if (movedOld) await this.store.removeOwn(old).catch(() => undefined);
    this.dirty = false;
  }
}
