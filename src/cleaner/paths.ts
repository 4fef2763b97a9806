// Containment for every path the cleaner acts on, and for paths that come from notes or files
// (a ```classify block's `model:`, a model's `vault:` backbone folder, a log record).
// Pure: no Obsidian import.
//
// A contained path is vault-relative and already normal: segments joined by "/", none empty,
// none "." or "..", no backslash, no leading "/", no drive ("C:"), no control character. Paths
// are refused as written rather than normalised into something else, so that a hostile name
// never becomes a different, valid one; the message names the path and the reason.

import { isInside, parentOf } from "./names";

/** The vault's trash folder (Obsidian's "Move to Obsidian trash"; the CLI's `.trash/`). */
export const VAULT_TRASH = ".trash";

/** Why `path` is not a normal vault-relative path, or null when it is one. */
export function pathProblem(path: unknown): string | null {
  if (typeof path !== "string") return "it is not text";
  if (path === "") return "it is empty";
  if ([...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return "it contains a control character";
  if (path.includes("\\")) return "it contains a backslash";
  if (path.startsWith("/")) return "it is an absolute path";
  if (/^[A-Za-z]:/.test(path)) return "it names a drive";
  const segments = path.split("/");
  if (segments.some((s) => s === "")) return "it has an empty segment (a doubled or trailing /)";
  if (segments.some((s) => s === "..")) return 'it contains ".."';
  if (segments.some((s) => s === ".")) return 'it contains "."';
  return null;
}

/** Thrown for a path outside what the user chose; the message names the path. */
export class ContainmentError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Refused the path "${path}": ${reason}.`);
    this.name = "ContainmentError";
  }
}

/** `path` when it is a normal vault-relative path; otherwise a ContainmentError naming it. */
export function requireVaultPath(path: unknown, what = "path"): string {
  const problem = pathProblem(path);
  if (problem) throw new ContainmentError(String(path), `the ${what} must lie inside the vault, and ${problem}`);
  return path as string;
}

/**
 * A folder named by a note or a file (a ```classify block's `model:`, a `vault:` backbone
 * folder): surrounding slashes are dropped, then the rest must be a contained path. The message
 * is the same whether or not such a folder exists outside the vault.
 */
export function containedFolder(text: string, what: string): string {
  const trimmed = text.trim().replace(/^\/+(?=[^/])|\/+$/g, "");
  const problem = pathProblem(trimmed);
  if (problem) throw new ContainmentError(text.trim(), `the ${what} must be a folder inside the vault (${problem})`);
  return trimmed;
}

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
