// What the cleaner may touch: the dataset folder's own label folders and the vault's trash, with
// paths contained by the rule of src/shared/vault-path.ts. Pure: no Obsidian import.

import { isInside, parentOf } from "./names";
import { pathProblem } from "../shared/vault-path";

export { ContainmentError, containedFolder, pathProblem, requireVaultPath } from "../shared/vault-path";

/** The vault's trash folder (Obsidian's "Move to Obsidian trash"; the CLI's `.trash/`). */
export const VAULT_TRASH = ".trash";

/** What the cleaner may touch: the label folders of one dataset folder, and the vault's trash. */
export interface CleanerScope {
  /** The dataset folder, vault-relative, no trailing "/". */
  dataset: string;
  /** The vault's trash folder, vault-relative (".trash"). */
  trash: string;
  /** The dataset's log note (never moved). */
  logNote?: string;
}

/** Why `path` is not an image inside one of the dataset's label folders, or null when it is. */
export function datasetFileProblem(path: unknown, scope: CleanerScope): string | null {
  const problem = pathProblem(path);
  if (problem) return problem;
  const p = path as string;
  if (!isInside(p, scope.dataset)) return `it is outside the dataset folder "${scope.dataset}"`;
  if (p === scope.logNote) return "it is the cleaner's log note";
  const rest = scope.dataset === "" ? p : p.slice(scope.dataset.length + 1);
  const slash = rest.indexOf("/");
  if (slash < 0) return `it is not in a label folder of "${scope.dataset}"`;
  if (rest.startsWith(".")) return `"${rest.slice(0, slash)}" is a hidden folder, not a label folder`;
  return null;
}

/** Why `path` is not a file directly inside a label folder of the dataset (a move's destination). */
export function labelDestinationProblem(path: unknown, scope: CleanerScope): string | null {
  const problem = datasetFileProblem(path, scope);
  if (problem) return problem;
  const folder = parentOf(path as string);
  if (parentOf(folder) !== scope.dataset) return `it is not directly inside a label folder of "${scope.dataset}"`;
  return null;
}

/** Why `path` is not inside the vault's trash folder, or null when it is. */
export function trashFileProblem(path: unknown, scope: CleanerScope): string | null {
  const problem = pathProblem(path);
  if (problem) return problem;
  return isInside(path as string, scope.trash) ? null : `it is outside the trash folder "${scope.trash}"`;
}

/** Why `path` is neither a dataset image nor a file in the trash, or null. */
export function scopeProblem(path: unknown, scope: CleanerScope): string | null {
  const problem = pathProblem(path);
  if (problem) return problem;
  if (isInside(path as string, scope.trash)) return null;
  const inDataset = datasetFileProblem(path, scope);
  return inDataset === null ? null : `it is outside the dataset's label folders ("${scope.dataset}") and the trash ("${scope.trash}")`;
}
