// `lesson-lab export MODEL_OR_DATASET_FOLDER --out DIR [--title TEXT] [--force] [--json]`: writes
// a static web app that runs the model in the visitor's browser (src/production/).
//
// Exit codes: 0 written; 1 no model, a backbone that cannot be bundled, or a DIR that is not
// empty (without --force); 2 usage.
import * as path from "node:path";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseArgs, wantsJson } from "./args";
import { processIo, type CliIo } from "./io";
import { oneLine, terminalIo } from "./terminal";
import { errorText } from "../shared/errors";

const USAGE = `usage: lesson-lab export MODEL_OR_DATASET_FOLDER --out DIR [--title TEXT] [--force] [--json]

Writes a web app into DIR that classifies images in the visitor's browser with the model trained
on FOLDER (FOLDER.model/) or with the model folder itself: index.html works opened from disk,
from any static server, or as a Hugging Face Space (sdk: static; see DIR/README.md).
  --out DIR      the folder to write (created when missing)
  --title TEXT   the page's title (default "<dataset> classifier")
  --force        write into a DIR that is not empty, replacing only the files an export writes
                 (index.html, lesson-lab.js, model.js, lesson-lab.mjs, model-card.json, README.md)
  --json         one JSON object {out, index, files, replaced}; {"error": "..."} on a failure
  -h, --help     this help
`;

const SPEC = { out: "string", title: "string", force: "boolean", json: "boolean", help: { type: "boolean", short: "h" } } as const;

export async function run(args: string[], rawIo: CliIo = processIo): Promise<number> {
  // The title, labels and backbone come from the model folder, the paths from the user: all
  // reach the terminal escaped (terminal.ts), each inside its line (oneLine).
  const parsed = parseArgs(args, SPEC);
  const json = wantsJson(args, parsed);
  const io = terminalIo(rawIo, json);
  const usageError = (message: string): number => {
    io.err(`lesson-lab export: ${oneLine(message)}\n\n${USAGE}`);
    if (json) io.out(`${JSON.stringify({ error: message })}\n`);
    return EXIT_USAGE;
  };
  if ("error" in parsed) return usageError(parsed.error);
  const { positional, flags } = parsed;
  if (flags.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  if (positional.length !== 1 || !flags.out || flags.out.trim() === "") return usageError("give one model or dataset folder and --out DIR");
  try {
    const [{ modelFolderOf, readBundleFromDisk }, { webAppRuntime }, { webAppFiles, writeWebApp }, { fsExportTarget }] = await Promise.all([
      import("../production/node/model"),
      import("../production/node/runtime"),
      import("../production/web-app"),
      import("../production/node/fs-target"),
    ]);
    const modelFolder = await modelFolderOf(positional[0]);
    const out = path.resolve(flags.out);
    const target = fsExportTarget(out);
    // Refuse a non-empty DIR before the slow part.
    const existing = await target.list();
    if (existing && existing.length > 0 && !flags.force) await writeWebApp(target, [], { force: false });
    const bundle = await readBundleFromDisk(modelFolder, flags.title);
    const files = webAppFiles(bundle, await webAppRuntime());
    const result = await writeWebApp(target, files, { force: flags.force === true });
    const index = path.join(out, "index.html");
    if (json) io.out(`${JSON.stringify({ out, index, files: result.written, replaced: result.replaced })}\n`);
    else {
      const mb = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 1e6;
      io.out(
        `Exported "${oneLine(bundle.card.title)}" (${bundle.card.labels.length} labels, backbone ${oneLine(bundle.card.backbone)}) to ${oneLine(out)}/ (${mb.toFixed(1)} MB)` +
          `${result.replaced.length > 0 ? `, replacing ${result.replaced.length} files of an earlier export` : ""}.\n` +
          `Open ${oneLine(index)} in a browser, serve the folder, or push it to a Hugging Face Space (see README.md there).\n`,
      );
    }
    return EXIT_OK;
  } catch (error) {
    const message = errorText(error);
    io.err(`lesson-lab export: ${oneLine(message)}\n`);
    if (json) io.out(`${JSON.stringify({ error: message })}\n`);
    return EXIT_FAILURE;
  }
}
