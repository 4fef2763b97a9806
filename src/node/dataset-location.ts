// Where a dataset folder given on the command line sits: the store root the headless commands
// work in (the vault above the folder, else the folder's parent), the folder as a store path,
// and its embedding-cache folder (the app's, when the dataset is in a vault).
import { stat } from "node:fs/promises";
import path from "node:path";
import { cacheFolderFor } from "../classifier/cache";
import type { SkippedFile } from "../classifier/dataset";

/** The plugin's folder in a vault, as the CLI assumes it (the app's is `<configDir>/plugins/lesson-lab`; the config folder is `.obsidian` unless the user renamed it). */
export const VAULT_PLUGIN_DIR = ".obsidian/plugins/lesson-lab";

/** The embedding-cache folder, beside the dataset, for a folder outside any vault. */
export const LOOSE_CACHE_DIR = ".lesson-lab-cache";

export interface DatasetLocation {
  /** Absolute store root: the vault above the folder, else the folder's parent. */
  root: string;
  /** The folder as a store path ("" when the folder is the vault root itself). */
  folder: string;
  /** Whether root is an Obsidian vault. */
  inVault: boolean;
}

/** Whether `p` is an existing directory (false for a file, a missing path or one that cannot be read). */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Where FOLDER sits: the nearest vault root (a folder with `.obsidian`) strictly above it, else its parent directory. */
export async function locateDataset(folderArg: string): Promise<DatasetLocation> {
  const absolute = path.resolve(folderArg);
  let dir = path.dirname(absolute);
  for (;;) {
    if (await isDirectory(path.join(dir, ".obsidian"))) {
      return { root: dir, folder: path.relative(dir, absolute).split(path.sep).join("/"), inVault: true };
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { root: path.dirname(absolute), folder: path.basename(absolute), inVault: false };
}

/**
 * The dataset's embedding-cache folder, a store path: in a vault, the app's own folder for this
 * dataset (classifier/cache.ts cacheFolderFor with VAULT_PLUGIN_DIR), so the CLI and the app
 * reuse each other's embeddings; outside a vault, `.lesson-lab-cache` beside the folder.
 */
export function cacheFolderOnDisk(location: DatasetLocation): string {
  return location.inVault ? cacheFolderFor(VAULT_PLUGIN_DIR, location.folder) : LOOSE_CACHE_DIR;
}

/**
 * The dataset's own problems (empty folder, one label…), found by listing it: reported before
 * the backbone loads. Null when it can be trained on as far as a listing can tell.
 */
export async function datasetProblem(location: DatasetLocation): Promise<{ error: string; skipped: SkippedFile[] } | null> {
  const [{ createFsStore }, { scanDataset }] = await Promise.all([import("./fs-store"), import("../classifier/dataset")]);
  const scan = await scanDataset(createFsStore(location.root), location.folder);
  return scan.error === null ? null : { error: scan.error, skipped: scan.skipped };
}
