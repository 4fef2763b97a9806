// "/"-separated relative paths (vault paths, store paths), as strings. Pure. The containment
// rule for paths that reach a file operation is in vault-path.ts.

/** `path` with "\" turned into "/" and no leading or trailing "/". */
export function trimSlashes(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\/+|\/+$/g, "");
}

/** The parts joined with "/", each trimmed of slashes, empty parts left out: `joinPath("", "a/", "b")` is "a/b". */
export function joinPath(...parts: string[]): string {
  return parts.map(trimSlashes).filter((p) => p !== "").join("/");
}

/** The folder part of `path` ("" for a file at the root). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** The last segment of `path`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
