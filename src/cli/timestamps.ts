// `lesson-lab timestamps FILE... [--json] [--vault DIR]`: lists the timestamps of notes and the
// videos they seek, as the plugin would resolve them.
//
// Exit codes: 0 when every file was read (even if some timestamps have errors: those are reported
// in the listing, since a note with a typo is still a note that was read); 1 when a file or
// directory could not be read (the others are still listed); 2 for a usage error.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { readYamlWithLibrary } from "../timestamps/frontmatter-yaml";
import { problemsOf, scanNote, type NoteScan } from "../timestamps/note";
import type { TimestampEntry, VideoRef } from "../timestamps/types";
import { parseArgs, wantsJson } from "./args";
import { processIo, type CliIo } from "./io";
import { oneLine, terminalIo } from "./terminal";
import { isDirectory } from "./dataset-command";
import { errorText } from "../shared/errors";

export type { CliIo };

/** One line of `--json` output. Keys and their order are a contract: scripts rely on them. */
export interface TimestampRecord {
  file: string;
  /** 1-based line. */
  line: number;
  text: string;
  seconds: number | null;
  /** The label written after the time, or else the heading that follows its block. */
  label: string;
  video: { kind: VideoRef["kind"]; id: string; url: string } | null;
  error: string | null;
}

const USAGE = `usage: lesson-lab timestamps FILE_OR_DIR... [--json] [--vault DIR]

Lists every timestamp of the notes (directories: their .md files, recursively), in order, and
the blocks Obsidian does not render as timestamps (a wrong-case \`\`\`TIMESTAMP, an unclosed block)
as errors with the fix. Links (to folders or notes) inside a directory are not followed: each
one is named on stderr.
  --json       one JSON array of {file, line, text, seconds, label, video, error}; when no file
               could be read, or on a usage error, {"error": "..."} instead
  --vault DIR  vault root for [[video.mp4]] links (default: the nearest folder above the note
               holding .obsidian, else the note's folder)
  -h, --help   this help
Exit codes: 0 every file was read, even if timestamps have errors; 1 a file could not be read;
2 usage error.
`;

/** Folders never searched besides hidden ones (.obsidian, .git, .trash): dependencies. */
const SKIPPED_DIRS = new Set(["node_modules"]);
const MAX_VAULT_FILES = 200_000;

function fileErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return errorText(error);
}

/**
 * All files under `root` (vault-relative, "/"-separated), skipping hidden and tool folders.
 * Symbolic links are not followed (they can lead outside `root` or loop); `onLink` gets each one.
 */
async function listFiles(root: string, keep: (rel: string) => boolean, onLink?: (rel: string) => void): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // an unreadable sub-folder hides its files, it does not stop the listing
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (found.length >= MAX_VAULT_FILES) return;
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith(".")) await walk(child);
      } else if (e.isFile() && keep(child)) {
        found.push(child);
      } else if (e.isSymbolicLink() && !e.name.startsWith(".")) {
        onLink?.(child);
      }
    }
  };
  await walk("");
  return found;
}

async function findVaultRoot(noteDir: string): Promise<string> {
  let dir = path.resolve(noteDir);
  for (;;) {
    // Headless, there is no Vault#configDir to ask: the default config folder is what marks a vault.
    if (await isDirectory(path.join(dir, ".obsidian"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(noteDir);
    dir = parent;
  }
}

/** Resolves vault links like Obsidian: relative paths, vault paths, then the shortest match by name. */
class VaultIndex {
  private files: Promise<string[]> | null = null;
  constructor(readonly root: string) {}

  private all(): Promise<string[]> {
    this.files ??= listFiles(this.root, () => true);
    return this.files;
  }

  /** The vault-relative path of the file `link` names from a note at `noteRel` (null when outside the vault). */
  async resolve(link: string, noteRel: string | null): Promise<string | { error: string }> {
    const files = await this.all();
    const exact = new Set(files);
    const lower = new Map<string, string>();
    for (const f of files) if (!lower.has(f.toLowerCase())) lower.set(f.toLowerCase(), f);
    const lookup = (p: string): string | undefined => (exact.has(p) ? p : lower.get(p.toLowerCase()));
    const noteDir = noteRel === null ? null : path.posix.dirname(noteRel);

    let target = link.replace(/\\/g, "/");
    if (target.startsWith("./") || target.startsWith("../")) {
      if (noteDir === null) return { error: `vault file not found: "${link}" (the note is outside the vault ${this.root})` };
      const joined = path.posix.normalize(path.posix.join(noteDir, target));
      if (joined === ".." || joined.startsWith("../")) return { error: `vault file outside the vault: "${link}"` };
      return lookup(joined) ?? { error: `vault file not found: "${link}" (in vault ${this.root})` };
    }
    target = path.posix.normalize(target.replace(/^\/+/, ""));
    if (target === ".." || target.startsWith("../")) return { error: `vault file outside the vault: "${link}"` };
    const direct = lookup(target);
    if (direct) return direct;
    if (noteDir !== null && noteDir !== ".") {
      const beside = lookup(path.posix.join(noteDir, target));
      if (beside) return beside;
    }
    const wanted = `/${target.toLowerCase()}`;
    const matches = files.filter((f) => `/${f.toLowerCase()}`.endsWith(wanted));
    if (matches.length === 0) return { error: `vault file not found: "${link}" (in vault ${this.root})` };
    const depth = (f: string): number => f.split("/").length;
    matches.sort((a, b) => {
      const sameA = path.posix.dirname(a) === noteDir ? 0 : 1;
      const sameB = path.posix.dirname(b) === noteDir ? 0 : 1;
      return sameA - sameB || depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
    });
    return matches[0];
  }
}

/**
 * The note's blocks that Obsidian does not render as timestamp blocks (a language differing only
 * by case, a block left open), as records in the listing's shape: `text` is the opening fence,
 * `error` the app's "Report timestamp problems" message with the fix. Such a block does not bind
 * the times below it, so a time under a wrong-case video block seeks another video: say so.
 */
export function blockProblemRecords(file: string, scan: NoteScan, noteText: string): TimestampRecord[] {
  const lines = noteText.split(/\r\n|\r|\n/);
  // The fence as written (``` or ~~~, and the language), without the quote and list markers before it.
  const fenceText = (line: number, fallback: string): string => /(`{3,}|~{3,})[ \t]*(\S*)/.exec(lines[line] ?? "")?.slice(1, 3).join("") ?? fallback;
  const fences = new Map<number, string>();
  for (const b of scan.misnamedBlocks) fences.set(b.line, fenceText(b.line, `\`\`\`${b.language}`));
  for (const b of scan.blocks) if (!b.closed) fences.set(b.startLine, fenceText(b.startLine, `\`\`\`${b.kind}`));
  // problemsOf without the timestamps' own errors (listed with each timestamp) and the video errors (named by the times they break).
  return problemsOf({ ...scan, timestamps: [], videoBlocks: [], frontmatterVideo: null }).map((p) => ({
    file,
    line: p.line + 1,
    text: fences.get(p.line) ?? "",
    seconds: null,
    label: "",
    video: null,
    error: p.message,
  }));
}

function recordOf(file: string, e: TimestampEntry): TimestampRecord {
  return {
    file,
    line: e.line + 1,
    text: e.text,
    seconds: e.seconds,
    label: e.label !== "" ? e.label : e.heading,
    video: e.video === null ? null : { kind: e.video.kind, id: e.video.id, url: e.video.url },
    error: e.error,
  };
}

/** One line of the text output; control, zero-width and bidi characters (in file names, labels, messages) shown as \u{XXXX} (oneLine), so the terminal never interprets them. */
function textLine(r: TimestampRecord): string {
  return `${oneLine(textLineRaw(r))}\n`;
}

function textLineRaw(r: TimestampRecord): string {
  const where = `${r.file}:${r.line}`;
  const time = r.text === "" ? "(empty)" : r.text;
  if (r.error !== null) return `${where}  ${time}  error: ${r.error}`;
  const secs = r.seconds === null ? "" : `  (${Number(r.seconds.toFixed(3))} s)`;
  const label = r.label === "" ? "" : `  ${r.label}`;
  const video = r.video === null ? "" : `  → ${r.video.kind} ${r.video.id}`;
  return `${where}  ${time}${secs}${label}${video}`;
}

export async function run(args: string[], rawIo: CliIo = processIo): Promise<number> {
  const parsed = parseArgs(args, { json: "boolean", vault: "string", help: { type: "boolean", short: "h" } });
  const json = wantsJson(args, parsed);
  // Every line below escapes what it quotes (oneLine); terminalIo is the net under them.
  const io = terminalIo(rawIo, json);
  const usageError = (message: string, usage = true): number => {
    io.err(`lesson-lab timestamps: ${oneLine(message)}\n${usage ? `\n${USAGE}` : ""}`);
    if (json) io.out(`${JSON.stringify({ error: message })}\n`);
    return 2;
  };
  if ("error" in parsed) return usageError(parsed.error);
  if (parsed.flags.help === true) {
    io.out(USAGE);
    return 0;
  }
  if (parsed.positional.length === 0) return usageError("no file given");
  let vaultRoot: string | null = null;
  if (parsed.flags.vault !== undefined) {
    vaultRoot = path.resolve(parsed.flags.vault);
    if (parsed.flags.vault.trim() === "" || !(await isDirectory(vaultRoot))) return usageError(`--vault "${parsed.flags.vault}" is not a directory`, false);
  }

  let code = 0;
  const failures: string[] = [];
  const fail = (message: string): void => {
    io.err(`lesson-lab timestamps: ${oneLine(message)}\n`);
    failures.push(message);
    code = 1;
  };

  // Expand directories to their .md files; keep the order the user gave.
  const files: string[] = [];
  for (const arg of parsed.positional) {
    let info;
    try {
      info = await stat(arg);
    } catch (error) {
      fail(`cannot read "${arg}": ${fileErrorText(error)}`);
      continue;
    }
    if (info.isDirectory()) {
      const notes = await listFiles(
        arg,
        (rel) => rel.toLowerCase().endsWith(".md"),
        (rel) => io.err(`lesson-lab timestamps: not followed: "${oneLine(path.join(arg, rel))}" is a link (links inside a directory are skipped; give the target itself to list it)\n`),
      );
      if (notes.length === 0) fail(`no .md files in directory "${arg}"`);
      files.push(...notes.map((rel) => path.join(arg, rel)));
    } else {
      files.push(arg);
    }
  }

  const indexes = new Map<string, VaultIndex>();
  const records: TimestampRecord[] = [];
  let read = 0;
  let timestampCount = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      fail(`cannot read "${file}": ${fileErrorText(error)}`);
      continue;
    }
    read += 1;
    const noteText = text.replace(/^\uFEFF/, "");
    const scan = scanNote(noteText, undefined, readYamlWithLibrary);
    const root = vaultRoot ?? (await findVaultRoot(path.dirname(file)));
    let index = indexes.get(root);
    if (!index) {
      index = new VaultIndex(root);
      indexes.set(root, index);
    }
    const rel = path.relative(root, path.resolve(file)).split(path.sep).join("/");
    const noteRel = rel.startsWith("../") || rel === ".." || path.isAbsolute(rel) ? null : rel;

    const fileRecords: TimestampRecord[] = [];
    for (const entry of scan.timestamps) {
      const record = recordOf(file, entry);
      if (entry.video?.kind === "vault" && record.video !== null) {
        const found = await index.resolve(entry.video.id, noteRel);
        if (typeof found === "string") {
          record.video = { kind: "vault", id: found, url: entry.video.url };
        } else {
          // A video that cannot be found cannot be sought: report it instead of the time.
          record.video = null;
          if (record.error === null) {
            record.error = found.error;
            record.seconds = null;
          }
        }
      }
      fileRecords.push(record);
    }
    timestampCount += fileRecords.length;
    fileRecords.push(...blockProblemRecords(file, scan, noteText));
    fileRecords.sort((a, b) => a.line - b.line);
    if (fileRecords.length === 0 && parsed.flags.json !== true) io.out(`${oneLine(file)}: no timestamps\n`);
    for (const r of fileRecords) {
      records.push(r);
      if (parsed.flags.json !== true) io.out(textLine(r));
    }
  }

  if (parsed.flags.json === true) {
    // Nothing read at all: the {error} object every command prints; else the listing (exit 1 when a file was unreadable).
    if (read === 0 && failures.length > 0) io.out(`${JSON.stringify({ error: failures.join("; ") })}\n`);
    else io.out(`${JSON.stringify(records, null, 2)}\n`);
  } else if (read > 0) {
    const errors = records.filter((r) => r.error !== null).length;
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
    io.out(`${plural(timestampCount, "timestamp")} in ${plural(read, "file")}, ${plural(errors, "error")}\n`);
  }
  return code;
}
