// Scans a labelled image folder (fast.ai lesson 2 layout: `<folder>/<label>/**/<image>`).
// Cheap: lists files, never reads them; unreadable images are found when decoding.
// Pure: works on any FileStore (vault or disk), never imports `obsidian`.
//
// Every file under the folder is accounted for: an image of a label (items), an image outside
// any label (unlabeled), or skipped with a kind and a reason (skipped): a format the app and
// the command line cannot both read, not an image, a hidden or system file, a link that leads
// outside the folder, an entry the store cannot read. Only the plugin's own files (its cache
// sub-folder and the cleaner's log note) are passed over without a word.

import type { FileStore, ImageDecoder, RgbImage, StoredFile } from "./types";
import { ImageReadError } from "./types";
import { errorText } from "../shared/errors";
import { extensionOf, IMAGE_EXTENSIONS, isImagePath } from "./image-files";

// The image extensions live in a tiny module of their own (main.js needs isImagePath at start-up).
export { IMAGE_EXTENSIONS, extensionOf, isImagePath };

/**
 * Image formats listed as skipped, by extension: the format and which decoder does not read it
 * (an image is used only when both do, so that the app and the command line see the same data):
 * Chromium reads no TIFF and no HEIC; sharp's prebuilt libvips decodes HEIF only with AV1, i.e.
 * AVIF, not HEVC (HEIC); createImageBitmap does not decode an SVG drawing.
 */
export const UNSUPPORTED_IMAGE_FORMATS: Readonly<Record<string, string>> = {
  heic: "HEIC: neither the app (Chromium) nor the command line (sharp) reads it",
  heif: "HEIF: neither the app (Chromium) nor the command line (sharp) reads it",
  hif: "HEIF: neither the app (Chromium) nor the command line (sharp) reads it",
  tif: "TIFF: the app (Chromium) does not read it",
  tiff: "TIFF: the app (Chromium) does not read it",
  svg: "SVG: a drawing, which the app's decoder (createImageBitmap) does not read",
  svgz: "SVG: a drawing, which the app's decoder (createImageBitmap) does not read",
  jxl: "JPEG XL: neither the app (Chromium) nor the command line (sharp) reads it",
  jp2: "JPEG 2000: neither the app (Chromium) nor the command line (sharp) reads it",
  j2k: "JPEG 2000: neither the app (Chromium) nor the command line (sharp) reads it",
  ico: "ICO: the command line (sharp) does not read it",
  psd: "Photoshop: neither the app (Chromium) nor the command line (sharp) reads it",
  dng: "camera raw: neither the app (Chromium) nor the command line (sharp) reads it",
  cr2: "camera raw: neither the app (Chromium) nor the command line (sharp) reads it",
  nef: "camera raw: neither the app (Chromium) nor the command line (sharp) reads it",
  arw: "camera raw: neither the app (Chromium) nor the command line (sharp) reads it",
  raw: "camera raw: neither the app (Chromium) nor the command line (sharp) reads it",
};

/** Files operating systems leave in folders (compared in lower case); hidden ones (".DS_Store") are hidden anyway. */
const SYSTEM_FILES = new Set(["thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"]);
/** Folders of system files (archive tools, NAS thumbnails, Windows' recycle bin). */
const SYSTEM_FOLDERS = new Set(["__macosx", "@eadir", "$recycle.bin", "system volume information"]);

/** The plugin's own note in a dataset folder (cleaner/log.ts LOG_NOTE_NAME): not a dataset file. */
const OWN_FILES = new Set(["Cleaner log.md"]);

/** Why a file under a dataset folder is not used. */
export type SkipKind = "unsupported format" | "not an image" | "hidden or system file" | "outside the folder through a link" | "unreadable";

export interface SkippedFile {
  path: string;
  kind: SkipKind;
  /** The kind, and what exactly: "unsupported format: HEIC images are read by neither ...". */
  reason: string;
}

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
  /** Every file under the folder that is not used, with why; sorted by path. */
  skipped: SkippedFile[];
  /** skipped.length (kept for older callers). */
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

/** Matches the scan's one-line summary of the skipped files among its warnings. */
export const SKIPPED_SUMMARY = /^\d+ files? in .+ (?:is|are) not used: /;

/** "2 unsupported format, 1 hidden or system file": counts by kind, most first. */
export function describeSkipped(skipped: readonly SkippedFile[]): string {
  const counts = new Map<SkipKind, number>();
  for (const s of skipped) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || byCodeUnit(a[0], b[0])).map(([kind, n]) => `${n} ${kind}`).join(", ");
}

/** Skipped files per kind, for --json: {"unsupported format": 2, ...}. */
export function countSkipped(skipped: readonly SkippedFile[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of skipped) counts[s.kind] = (counts[s.kind] ?? 0) + 1;
  return counts;
}

/** Hidden folders, the plugin's own and system folders are never labels. */
function isLabelFolderName(name: string): boolean {
  return !name.startsWith(".") && !SYSTEM_FOLDERS.has(name.toLowerCase());
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

/**
 * An empty label → count record with no prototype: a label folder may be named "__proto__",
 * "constructor" or "toString", which on a plain `{}` would set the prototype or read
 * Object.prototype's members. JSON.stringify writes it like any object.
 */
export function labelCounts(entries: Iterable<readonly [string, number]> = []): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const [label, n] of entries) out[label] = n;
  return out;
}

export async function scanDataset(store: FileStore & Partial<FolderLister>, folder: string): Promise<DatasetScan> {
  const root = normalizeFolder(folder);
  const shown = root === "" ? "the vault's root" : `"${root}"`;
  const scan: DatasetScan = {
    folder: root,
    labels: [],
    items: [],
    counts: labelCounts(),
    unlabeled: [],
    skipped: [],
    ignored: 0,
    warnings: [],
    error: null,
  };

  let files: StoredFile[] | null;
  try {
    files = await store.list(root);
  } catch (error) {
    scan.error = `could not list ${shown}: ${errorText(error)}`;
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
  const skip = (path: string, kind: SkipKind, detail: string): void => {
    scan.skipped.push({ path, kind, reason: `${kind}: ${detail}` });
  };
  for (const file of [...files].sort((a, b) => byCodeUnit(a.path, b.path))) {
    const rel = relativeTo(root, normalizeFolder(file.path));
    if (rel === null || rel === "") continue;
    const parts = rel.split("/");
    if (parts[0] === PLUGIN_SUBFOLDER) continue;
    if (parts.length === 1 && OWN_FILES.has(parts[0])) continue;
    if (parts.length > 1 && isLabelFolderName(parts[0]) && !labelFolders.has(parts[0])) labelFolders.set(parts[0], 0);
    if (file.unusable !== undefined) {
      const kind: SkipKind = file.unusable.startsWith("outside the folder through a link") ? "outside the folder through a link" : "unreadable";
      scan.skipped.push({ path: file.path, kind, reason: file.unusable });
      continue;
    }
    const hidden = parts.find((p) => p.startsWith("."));
    if (hidden !== undefined) {
      skip(file.path, "hidden or system file", hidden === parts[parts.length - 1] ? "a hidden file (its name starts with a dot)" : `in the hidden folder "${hidden}"`);
      continue;
    }
    const system = parts.slice(0, -1).find((p) => SYSTEM_FOLDERS.has(p.toLowerCase()));
    if (system !== undefined || SYSTEM_FILES.has(parts[parts.length - 1].toLowerCase())) {
      skip(file.path, "hidden or system file", system !== undefined ? `in the system folder "${system}"` : "a file the operating system keeps (thumbnails or folder settings)");
      continue;
    }
    if (!isImagePath(rel)) {
      const ext = extensionOf(rel);
      const format = UNSUPPORTED_IMAGE_FORMATS[ext];
      if (format !== undefined) skip(file.path, "unsupported format", `${format}; convert it to JPEG, PNG, WebP or AVIF`);
      else skip(file.path, "not an image", ext === "" ? "no file extension" : `".${ext}" is not an image extension (${IMAGE_EXTENSIONS.map((e) => `.${e}`).join(", ")})`);
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
        if (!isLabelFolderName(top)) continue;
        if (!labelFolders.has(top)) labelFolders.set(top, 0);
      }
    } catch {
      // Only used for a warning; the file list above is what matters.
    }
  }

  for (const [label, n] of labelFolders) if (n > 0) scan.counts[label] = n;
  scan.labels = Object.keys(scan.counts).sort(byCodeUnit);

  scan.ignored = scan.skipped.length;
  const empty = [...labelFolders].filter(([, n]) => n === 0).map(([l]) => l).sort(byCodeUnit);
  for (const label of empty) {
    const inside = scan.skipped.filter((s) => relativeTo(root, normalizeFolder(s.path))?.split("/")[0] === label);
    scan.warnings.push(
      inside.length === 0
        ? `label folder "${label}" has no images; it is left out`
        : `label folder "${label}" has no usable images (${plural(inside.length, "file")} skipped: ${describeSkipped(inside)}); it is left out`,
    );
  }
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
  for (const twins of sameAfterNormalization(scan.labels)) {
    scan.warnings.push(
      `label folders ${twins.map((l) => `"${l}" (${codePoints(l)})`).join(" and ")} differ only in Unicode normalization (one was probably copied from a Mac or a sync): they look alike but are ${twins.length} labels; merge them into one folder`,
    );
  }
  if (scan.unlabeled.length > 0) {
    scan.warnings.push(
      `${plural(scan.unlabeled.length, "image")} directly in ${shown} ${scan.unlabeled.length === 1 ? "has" : "have"} no label and ${scan.unlabeled.length === 1 ? "is" : "are"} left out: move ${scan.unlabeled.length === 1 ? "it" : "them"} into a label's sub-folder`,
    );
  }

  if (scan.skipped.length > 0) {
    // (SKIPPED_SUMMARY recognises this line, for outputs that list every skipped file anyway.)
    const shownFiles = scan.skipped.slice(0, 5).map((s) => `${s.path} (${s.reason})`);
    const more = scan.skipped.length - shownFiles.length;
    scan.warnings.push(
      `${plural(scan.skipped.length, "file")} in ${shown} ${scan.skipped.length === 1 ? "is" : "are"} not used: ${describeSkipped(scan.skipped)}: ${shownFiles.join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
    );
  }

  if (files.length === 0) {
    scan.error = `the folder ${shown} is empty: add one sub-folder per label, with that label's images inside`;
  } else if (scan.labels.length === 0) {
    scan.error = `no labeled images: put images in sub-folders named after their labels${skippedNote(scan.skipped)}`;
  } else if (scan.labels.length === 1) {
    scan.error = `a classifier needs at least two labels (sub-folders with images); found only "${scan.labels[0]}"${skippedNote(scan.skipped)}`;
  }
  return scan;
}

/** " (3 files not used: 3 unsupported format: a/x.heic (...), ...)" for an error message; "" when none. */
function skippedNote(skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return "";
  const first = skipped.slice(0, 5).map((s) => `${s.path} (${s.reason})`);
  const more = skipped.length - first.length;
  return ` (${plural(skipped.length, "file")} not used: ${first.join("; ")}${more > 0 ? `; and ${more} more` : ""})`;
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
    const detail = errorText(error);
    return { unreadable: { path, reason: missing ? "missing: the file was moved or deleted" : `could not read: ${detail}` } };
  }
  try {
    return { image: await decoder.decode(bytes, size), bytes };
  } catch (error) {
    if (error instanceof ImageReadError) return { unreadable: { path, reason: error.message } };
    return { unreadable: { path, reason: `truncated or corrupt: ${errorText(error)}` } };
  }
}

/** Groups of labels equal once NFC-normalized (e.g. "café" with é as U+00E9 and as e + U+0301): each group has 2 or more. */
export function sameAfterNormalization(labels: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const label of labels) {
    const key = label.normalize("NFC");
    const group = groups.get(key);
    if (group) group.push(label);
    else groups.set(key, [label]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The label with every character outside printable ASCII written as U+XXXX, so look-alike names can be told apart. */
function codePoints(label: string): string {
  return Array.from(label, (ch) => (/^[\x20-\x7e]$/.test(ch) ? ch : ` U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")} `))
    .join("")
    .replace(/ {2,}/g, " ")
    .trim();
}

