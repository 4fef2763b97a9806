// Containment of paths that come from notes, files or logs: a contained path is vault-relative
// and already normal: segments joined by "/", none empty, none "." or "..", no backslash, no
// leading "/", no drive ("C:"), no control character. Paths are refused as written rather than
// normalised into something else, so that a hostile name never becomes a different, valid one;
// the message names the path and the reason. Used by the cleaner (src/cleaner/paths.ts), the
// classifier's vault store, the ```classify block's `model:` and the `vault:` backbone folder.
// Pure: no Obsidian import.

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
