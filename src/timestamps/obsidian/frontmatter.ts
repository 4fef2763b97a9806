// The note's front matter as Obsidian's metadata cache holds it, for the core's scan: in the app
// the `video` property is Obsidian's own reading of the YAML (../frontmatter.ts then only finds
// the key's line in the text). When the cache has no front matter for the note (not indexed yet,
// or YAML Obsidian could not read), the text is read with Obsidian's own `parseYaml`: the `yaml`
// library is never part of the plugin's start-up file.
import { parseYaml, TFile, type App } from "obsidian";
import type { YamlReader } from "../frontmatter";
import { bindingOf, type NoteBinding } from "../binding";
import { scanNoteCached, type NoteScan } from "../note";

/** The front matter of the note at `sourcePath` from the metadata cache, or undefined when the cache has none. */
export function cachedFrontmatter(app: App | undefined, sourcePath: string | undefined): Record<string, unknown> | undefined {
  if (app === undefined || sourcePath === undefined || sourcePath === "") return undefined;
  const file = app.vault.getAbstractFileByPath(sourcePath);
  if (!(file instanceof TFile)) return undefined;
  const frontmatter: unknown = app.metadataCache.getFileCache(file)?.frontmatter;
  return typeof frontmatter === "object" && frontmatter !== null && !Array.isArray(frontmatter) ? (frontmatter as Record<string, unknown>) : undefined;
}

/**
 * Obsidian's `parseYaml` as a YamlReader: its error's line (js-yaml's `mark.line`, 0-based, or the
 * `yaml` library's `linePos`, 1-based, whichever the running Obsidian's parser gives) is kept.
 */
export const obsidianYaml: YamlReader = (source) => {
  try {
    return parseYaml(source) as unknown;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const err = e as Error & { mark?: { line?: unknown }; linePos?: { line?: unknown }[] };
    const line = typeof err.mark?.line === "number" ? err.mark.line : typeof err.linePos?.[0]?.line === "number" ? err.linePos[0].line - 1 : undefined;
    if (e instanceof RangeError) throw e;
    throw Object.assign(new Error((e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "").trim()), line === undefined ? {} : { line });
  }
};

/** scanNoteCached of `text`, the note at `sourcePath`, with its `video` property from the metadata cache. */
export function scanNoteInApp(app: App | undefined, sourcePath: string | undefined, text: string): NoteScan {
  return scanNoteCached(text, cachedFrontmatter(app, sourcePath), obsidianYaml);
}

/** The binding (../binding.ts) of `text`, the note at `sourcePath`, with its `video` property from the metadata cache. */
export function bindingInApp(app: App | undefined, sourcePath: string | undefined, text: string): NoteBinding {
  return bindingOf(scanNoteInApp(app, sourcePath, text));
}
