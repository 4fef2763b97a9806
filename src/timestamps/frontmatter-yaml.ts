// The `yaml` library (YAML 1.2, core schema) as a YamlReader for ./frontmatter.ts: the reader of
// the CLI and of the core's tests. The app reads YAML with Obsidian's own `parseYaml` instead, so
// this module (and the library) never reach the plugin's start-up file.
import { LineCounter, parseDocument } from "yaml";
import type { YamlReader } from "./frontmatter";

/**
 * Aliases may repeat nodes this many times while the YAML is read. The library counts an alias of
 * a collection by the nodes it copies, so nested "billion laughs" aliases exceed it at once, while
 * a note that repeats one scalar a few hundred times (valid, and read by Obsidian) stays under it.
 */
const MAX_ALIAS_COUNT = 10_000;

/** A YAML error with the 0-based line (in the YAML text) where it was found. */
export class YamlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "YamlError";
  }
}

/**
 * Reads `source` with the `yaml` library. Duplicate keys are checked by ./frontmatter.ts in one
 * pass over the lines (the library's own check, `uniqueKeys`, is quadratic in the number of keys).
 * Warnings (a collection used as a key, an unknown tag) are not printed. Throws YamlError.
 */
export const readYamlWithLibrary: YamlReader = (source) => {
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, schema: "core", uniqueKeys: false, logLevel: "error" });
  const problem = doc.errors[0];
  // The library reports a stack overflow on deep nesting as a document error: a RangeError it is.
  if (problem !== undefined && /call stack/i.test(problem.message)) throw new RangeError(problem.message);
  if (problem !== undefined) throw new YamlError(problem.message.split("\n")[0].trim(), counter.linePos(problem.pos[0]).line - 1);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new YamlError(`its aliases (*name) repeat content more than ${MAX_ALIAS_COUNT} times`, 0);
    }
    throw e;
  }
};
