// The note's front matter as Obsidian's metadata cache holds it, for the core's scan: in the app
// the `video` property is Obsidian's own reading of the YAML (../frontmatter.ts reads the text
// only for line numbers, and when the cache has no front matter for the note yet).
import { TFile, type App } from "obsidian";
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

/** scanNoteCached of `text`, the note at `sourcePath`, with its `video` property from the metadata cache. */
export function scanNoteInApp(app: App | undefined, sourcePath: string | undefined, text: string): NoteScan {
  return scanNoteCached(text, cachedFrontmatter(app, sourcePath));
}

/** The binding (../binding.ts) of `text`, the note at `sourcePath`, with its `video` property from the metadata cache. */
export function bindingInApp(app: App | undefined, sourcePath: string | undefined, text: string): NoteBinding {
  return bindingOf(scanNoteInApp(app, sourcePath, text));
}
