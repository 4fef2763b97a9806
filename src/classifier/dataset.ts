// Scans a labelled image folder (fast.ai lesson 2 layout: `<folder>/<label>/**/<image>`).
// Cheap: lists files, never reads them; unreadable images are found when decoding.
// Pure: works on any FileStore (vault or disk), never imports `obsidian`.

import type { FileStore, ImageDecoder, RgbImage, StoredFile } from "./types";
import { ImageReadError } from "./types";

export const IMAGE_EXTENSIONS: readonly string[] = ["png", "jpg", "jpeg", "webp", "gif", "bmp"];

/** The plugin's own sub-folder inside a dataset folder (caches); never scanned, never counted. */
export const PLUGIN_SUBFOLDER = ".lessonlab";

/** Below this many images, a label gets a warning. */
export const MIN_IMAGES_PER_LABEL = 5;

/** A largest/smallest label ratio above this gets a warning. */
export const IMBALANCE_RATIO = 10;

/** Where the model trained on `folder` is saved: a sibling folder, so scanning never sees it. */
export function modelFolderFor(folder: string): string {
  return `${normalizeFolder(folder)}.model`;
}

export interface DatasetItem {
  path: string;
  label: string;
  size: number;
  mtime: number;
}

export interface DatasetScan {
  folder: string;
  /** Sorted, only labels with at least one image. */
  labels: string[];
  /** Sorted by path. */
  items: DatasetItem[];
  counts: Record<string, number>;
  /** Images directly in the folder, outside any label folder. */
  unlabeled: string[];
  /** Files skipped: hidden files or folders, files that are not images by extension. */
  ignored: number;
  warnings: string[];
  /** Why this folder cannot be trained on; null when it can. */
  error: string | null;
}

/** An image that could not be used, and why (from ImageReadError or a read failure). */
export type Unreadable = { path: string; reason: string };

/** Stores that can also list sub-folders (so that empty label folders are reported). */
export interface FolderLister {
  /** Every folder below `folder`, recursively, as store paths; null when `folder` is not a folder. */
  listFolders(folder: string): Promise<string[] | null>;
}

export function normalizeFolder(folder: string): string {
  return folder.replace(/\\/g, "/").replace(/\/{2,}/g, "/").replace(/^\/+|\/+$/g, "");
}

export function isImagePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return false;
  return IMAGE_EXTENSIONS.includes(name.slice(dot + 1).toLowerCase());
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function relativeTo(folder: string, path: string): string | null {
  if (folder === "") return path;
  return path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : null;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function scanDataset(store: FileStore & Partial<FolderLister>, folder: string): Promise<DatasetScan> {
  const root = normalizeFolder(folder);
  const shown = root === "" ? "the vault's root" : `"${root}"`;
  const scan: DatasetScan = {
    folder: root,
    labels: [],
    items: [],
    counts: {},
    unlabeled: [],
    ignored: 0,
    warnings: [],
    error: null,
  };

  let files: StoredFile[] | null;
  try {
    files = await store.list(root);
  } catch (error) {
    scan.error = `could not list ${shown}: ${error instanceof Error ? error.message : String(error)}`;
    return scan;
  }
  if (files === null) {
    let exists = false;
    try {
      exists = root !== "" && (await store.exists(root));
    } catch {
      exists = false;
    }
    scan.error = exists
      ? `${shown} is a file, not a folder: choose the folder whose sub-folders are the labels`
      : `the folder ${shown} does not exist`;
    return scan;
  }

  // Label folders seen (even those holding no images), to warn about them.
  const labelFolders = new Map<string, number>();
  for (const file of [...files].sort((a, b) => byCodeUnit(a.path, b.path))) {
    const rel = relativeTo(root, normalizeFolder(file.path));
    if (rel === null || rel === "") continue;
    const parts = rel.split("/");
    if (parts[0] === PLUGIN_SUBFOLDER) continue;
    if (parts.some((p) => p.startsWith("."))) {
      scan.ignored++;
      continue;
    }
    if (parts.length > 1 && !labelFolders.has(parts[0])) labelFolders.set(parts[0], 0);
    if (!isImagePath(rel)) {
      scan.ignored++;
      continue;
    }
    if (parts.length === 1) {
      scan.unlabeled.push(file.path);
      continue;
    }
    const label = parts[0];
    labelFolders.set(label, (labelFolders.get(label) ?? 0) + 1);
    scan.items.push({ path: file.path, label, size: file.size, mtime: file.mtime });
  }

  if (typeof store.listFolders === "function") {
    try {
      for (const sub of (await store.listFolders(root)) ?? []) {
        const rel = relativeTo(root, normalizeFolder(sub));
        if (!rel) continue;
        const top = rel.split("/")[0];
        if (top.startsWith(".")) continue;
        if (!labelFolders.has(top)) labelFolders.set(top, 0);
      }
    } catch {
      // Only used for a warning; the file list above is what matters.
    }
  }

  for (const [label, n] of labelFolders) if (n > 0) scan.counts[label] = n;
  scan.labels = Object.keys(scan.counts).sort(byCodeUnit);

  const empty = [...labelFolders].filter(([, n]) => n === 0).map(([l]) => l).sort(byCodeUnit);
  for (const label of empty) scan.warnings.push(`label folder "${label}" has no images; it is left out`);
  for (const label of scan.labels) {
    const n = scan.counts[label];
    if (n < MIN_IMAGES_PER_LABEL) {
      scan.warnings.push(
        `label "${label}" has only ${plural(n, "image")}; ${MIN_IMAGES_PER_LABEL} or more are needed for a useful split`,
      );
    }
  }
  if (scan.labels.length >= 2) {
    const sorted = [...scan.labels].sort((a, b) => scan.counts[b] - scan.counts[a] || byCodeUnit(a, b));
    const most = sorted[0];
    const least = sorted[sorted.length - 1];
    if (scan.counts[most] > IMBALANCE_RATIO * scan.counts[least]) {
      scan.warnings.push(
        `labels are imbalanced: "${most}" has ${plural(scan.counts[most], "image")}, "${least}" has ${plural(scan.counts[least], "image")} (over ${IMBALANCE_RATIO}x)`,
      );
    }
  }
  if (scan.unlabeled.length > 0) {
    scan.warnings.push(
      `${plural(scan.unlabeled.length, "image")} directly in ${shown} ${scan.unlabeled.length === 1 ? "has" : "have"} no label and ${scan.unlabeled.length === 1 ? "is" : "are"} left out: move ${scan.unlabeled.length === 1 ? "it" : "them"} into a label's sub-folder`,
    );
  }

  if (files.length === 0) {
    scan.error = `the folder ${shown} is empty: add one sub-folder per label, with that label's images inside`;
  } else if (scan.labels.length === 0) {
    scan.error = "no labeled images: put images in sub-folders named after their labels";
  } else if (scan.labels.length === 1) {
    scan.error = `a classifier needs at least two labels (sub-folders with images); found only "${scan.labels[0]}"`;
  }
  return scan;
}

/** Reads and decodes one dataset image; every failure becomes an Unreadable with a reason, nothing throws. */
export async function readDatasetImage(
  store: FileStore,
  decoder: ImageDecoder,
  path: string,
  size: number,
): Promise<{ image: RgbImage; bytes: Uint8Array } | { unreadable: Unreadable }> {
  let bytes: Uint8Array;
  try {
    bytes = await store.readBinary(path);
  } catch (error) {
    const missing = !(await store.exists(path).catch(() => false));
    const detail = error instanceof Error ? error.message : String(error);
    return { unreadable: { path, reason: missing ? "missing: the file was moved or deleted" : `could not read: ${detail}` } };
  }
  try {
    return { image: await decoder.decode(bytes, size), bytes };
  } catch (error) {
    if (error instanceof ImageReadError) return { unreadable: { path, reason: error.message } };
    return { unreadable: { path, reason: `truncated or corrupt: ${error instanceof Error ? error.message : String(error)}` } };
  }
}
