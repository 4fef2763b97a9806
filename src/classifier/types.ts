// Shared shapes of the classifier capability. Pure: no Obsidian import, no tfjs import.
// The same core runs in Obsidian (vault-backed FileStore, browser decoders, webgl/wasm)
// and headless in Node (fs-backed FileStore, sharp decoder, wasm).

/** A file under a store root. Paths use "/" and are relative to the store root (the vault, or a directory). */
export interface StoredFile {
  path: string;
  size: number;
  /** Modification time, ms since epoch. */
  mtime: number;
  /**
   * Set when the store saw this entry but cannot offer its content, with the reason (a link that
   * points outside the listed folder, a link loop, a folder it cannot list): dataset scans list it
   * as skipped instead of leaving it out in silence. Never set for an ordinary file.
   */
  unusable?: string;
}

/** The file system the core sees: an Obsidian vault or a directory on disk. */
export interface FileStore {
  /** Every file below `folder`, recursively (no folders); null when `folder` does not exist or is not a folder. */
  list(folder: string): Promise<StoredFile[] | null>;
  /** Whether anything exists at `path`. */
  exists(path: string): Promise<boolean>;
  readBinary(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  /** Creates the folder and its parents; no-op when it exists. */
  mkdir(path: string): Promise<void>;
  /** Writes a file the plugin owns (models, caches). Callers write new paths, then `rename`, never over user files. */
  writeBinary(path: string, data: Uint8Array): Promise<void>;
  writeText(path: string, text: string): Promise<void>;
  /** Moves a file or folder; fails when `to` exists. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or folder the plugin itself wrote (temporary output). Never called on user files. */
  removeOwn(path: string): Promise<void>;
}

/** A decoded image, resized to the network's input, RGB bytes row-major (width*height*3). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Why an image could not be used. */
export type UnreadableReason =
  | "empty file"
  | "not an image"
  | "unsupported format"
  | "truncated or corrupt"
  | "too large"
  | "missing";

export class ImageReadError extends Error {
  constructor(
    readonly reason: UnreadableReason,
    detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = "ImageReadError";
  }
}

/** Decodes image bytes (png, jpeg, webp, gif first frame, bmp), honours EXIF orientation, composites alpha on white, and squishes to size x size. Throws ImageReadError. */
export interface ImageDecoder {
  decode(bytes: Uint8Array, size: number): Promise<RgbImage>;
}

/** Progress reported while a classifier trains. */
export type TrainProgress =
  | { phase: "scanning"; message: string }
  | { phase: "decoding"; done: number; total: number }
  | { phase: "embedding"; done: number; total: number; imagesPerSecond: number; cached: number }
  | { phase: "training"; epoch: number; epochs: number; metrics?: EpochMetrics }
  | { phase: "saving"; message: string };

export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  valid_loss: number;
  error_rate: number;
  seconds: number;
}
