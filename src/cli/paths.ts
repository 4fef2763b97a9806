// How the CLI prints paths: relative to the working directory the command ran in, or
// absolute where that would climb out of it ("../../x" says less than "/data/x").
// `--json` output keeps store paths (relative to its `root`, an absolute path), the contract.
import path from "node:path";
import { oneLine } from "./terminal";

/** `storePath` (relative to `root`, "/"-separated) as printed: relative to the working directory, else absolute. */
export function shownPath(root: string, storePath: string): string {
  const absolute = path.resolve(root, ...storePath.split("/"));
  const rel = path.relative(process.cwd(), absolute);
  if (rel === "") return ".";
  if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return absolute;
  return rel;
}

/** The line that says how the paths above were printed. */
export function pathsNote(): string {
  return `Paths are relative to the working directory ${oneLine(process.cwd())} (absolute when outside it).\n`;
}
