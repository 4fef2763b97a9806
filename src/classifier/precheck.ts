// Before training: which dataset files cannot be images, found by reading their headers only
// (no decoding), so that the panel can list them with reasons at once. Truncated or corrupt
// pixel data is only found when training decodes the image. No `obsidian` import.
import { checkBeforeDecode, DEFAULT_MAX_PIXELS } from "./sniff";
import { ImageReadError, type FileStore } from "./types";
import type { Unreadable } from "./dataset";
import { errorText } from "../shared/errors";

export interface PrecheckOptions {
  /** Awaited between files (the panel yields to the app there). */
  tick?: () => Promise<void>;
  onProgress?: (done: number, total: number, found: Unreadable[]) => void;
  /** Stop early (another folder was picked, the panel closed). */
  cancelled?: () => boolean;
  maxPixels?: number;
}

export async function findUnreadable(store: Pick<FileStore, "readBinary">, paths: string[], opts: PrecheckOptions = {}): Promise<Unreadable[]> {
  const found: Unreadable[] = [];
  for (let i = 0; i < paths.length; i++) {
    if (opts.cancelled?.()) break;
    await opts.tick?.();
    const path = paths[i];
    try {
      const bytes = await store.readBinary(path);
      if (bytes.byteLength === 0) throw new ImageReadError("empty file");
      checkBeforeDecode(bytes, opts.maxPixels ?? DEFAULT_MAX_PIXELS);
    } catch (error) {
      const reason = error instanceof ImageReadError ? error.message : `could not read: ${errorText(error)}`;
      found.push({ path, reason });
    }
    if ((i + 1) % 25 === 0 || i + 1 === paths.length) opts.onProgress?.(i + 1, paths.length, found);
  }
  return found;
}
