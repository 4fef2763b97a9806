// Vault path helpers and free-name search for the cleaner. Pure: no Obsidian import.
// Paths are vault-relative and use "/"; "" is the vault root.
import { baseName, joinPath, parentOf } from "../shared/paths";

export { baseName, joinPath, parentOf };

/** Whether `path` lies strictly inside `folder` (at any depth). */
export function isInside(path: string, folder: string): boolean {
  const f = folder.replace(/\/+$/, "");
  return f === "" ? path !== "" : path.startsWith(`${f}/`) && path.length > f.length + 1;
}

/**
 * Splits a file name into the part a counter goes after and the extension.
 * A leading dot is part of the stem, so `.hidden` has no extension and `.hidden.jpg` has `.jpg`.
 * A trailing ` (n)` counter (n ≥ 2) is split off so `img (2).jpg` continues at 3 instead of nesting.
 */
export function splitName(fileName: string): { stem: string; ext: string; counter: number | null } {
  const dot = fileName.lastIndexOf(".");
  let stem = dot > 0 ? fileName.slice(0, dot) : fileName;
  const ext = dot > 0 ? fileName.slice(dot) : "";
  let counter: number | null = null;
  const m = / \((\d{1,9})\)$/.exec(stem);
  if (m && m.index > 0) {
    const n = Number(m[1]);
    if (n >= 2 && String(n) === m[1]) {
      counter = n;
      stem = stem.slice(0, m.index);
    }
  }
  return { stem, ext, counter };
}

/** Upper bound on tries: a `taken` that always says yes must give an error, not hang. */
const MAX_TRIES = 100_000;

/** The names tried for `fileName`, in order: the name itself, then `stem (n).ext` counting up. */
export function* candidateNames(fileName: string): Generator<string> {
  yield fileName;
  const { stem, ext, counter } = splitName(fileName);
  for (let n = (counter ?? 1) + 1, i = 0; i < MAX_TRIES; n++, i++) yield `${stem} (${n})${ext}`;
}

function noFreeName(folder: string, fileName: string): Error {
  return new Error(`No free name for "${fileName}" in "${folder || "/"}" after ${MAX_TRIES} tries.`);
}

function checkName(fileName: string): void {
  if (fileName === "" || fileName.includes("/")) throw new Error(`"${fileName}" is not a file name.`);
}

/**
 * The first path in `folder` that is not `taken`: `folder/fileName` itself, else `img (2).jpg`,
 * `img (3).jpg`, …; a name already carrying a counter continues it (`img (2).jpg` → `img (3).jpg`).
 * Returns the full path.
 */
export function freeName(folder: string, fileName: string, taken: (path: string) => boolean): string {
  checkName(fileName);
  for (const name of candidateNames(fileName)) {
    const path = joinPath(folder, name);
    if (!taken(path)) return path;
  }
  throw noFreeName(folder, fileName);
}

/** `freeName` with an asynchronous `taken` (a check against the live vault). */
export async function freeNameAsync(
  folder: string,
  fileName: string,
  taken: (path: string) => boolean | Promise<boolean>,
): Promise<string> {
  checkName(fileName);
  for (const name of candidateNames(fileName)) {
    const path = joinPath(folder, name);
    if (!(await taken(path))) return path;
  }
  throw noFreeName(folder, fileName);
}

/** Why `label` cannot name a label folder, or null when it can. */
export function labelProblem(label: string): string | null {
  if (label.trim() === "") return "a label cannot be empty";
  // Before any message that quotes the label: a control character must not reach a message raw.
  if ([...label].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return "the label contains a control character (a line break, tab or escape)";
  if (label !== label.trim()) return `label "${label}" starts or ends with a space`;
  if (/[/\\:]/.test(label)) return `label "${label}" contains / \\ or :`;
  if (label === "." || label === ".." || label.startsWith(".")) return `label "${label}" starts with a dot (a hidden folder)`;
  return null;
}
