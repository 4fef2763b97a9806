// The vault's trash: what deleting means under Obsidian's "Deleted files" setting, and where a file
// sent to the vault's .trash folder landed.

import { baseName, splitName } from "./names";

/**
 * Where a file sent to the vault's `.trash` folder landed, from the folder's listing before and after
 * (Obsidian's trashFile does not say; it may rename on collision). Null when no single entry fits.
 */
export function newTrashEntry(before: Iterable<string>, after: Iterable<string>, originalPath: string): string | null {
  const old = new Set(before);
  const added = [...after].filter((p) => !old.has(p));
  if (added.length <= 1) return added[0] ?? null;
  // Several new entries (something else was trashed meanwhile): the one named after the file.
  const { stem, ext } = splitName(baseName(originalPath));
  const named = added.filter((p) => {
    const n = baseName(p);
    return n.startsWith(stem) && n.endsWith(ext);
  });
  if (named.length <= 1) return named[0] ?? null;
  return named.find((p) => baseName(p) === baseName(originalPath)) ?? null;
}

/** Obsidian's "Deleted files" setting (config key `trashOption`). */
export type TrashOption = "system" | "local" | "none";

export interface TrashBehaviour {
  option: TrashOption;
  /** Deleted images can be brought back at all. */
  recoverable: boolean;
  /** Undo in the pane brings them back by itself. */
  undoable: boolean;
  /** Shown before apply when deletions are planned; null when nothing needs saying. */
  warning: string | null;
}

/** What deleting means under the user's trash setting; unknown values are read as Obsidian's default, "system". */
export function trashBehaviour(option: unknown): TrashBehaviour {
  if (option === "local") return { option, recoverable: true, undoable: true, warning: null };
  if (option === "none") {
    return {
      option,
      recoverable: false,
      undoable: false,
      warning:
        'Obsidian\'s "Deleted files" setting is "Permanently delete": deleted images cannot be restored, not even by undo. ' +
        'Change it to "Move to Obsidian trash" (Settings → Files and links) to be able to undo deletions.',
    };
  }
  return {
    option: "system",
    recoverable: true,
    undoable: false,
    warning:
      "Deleted images go to the system trash: undo moves relabeled images back, but deleted ones must be restored from the system trash by hand.",
  };
}
