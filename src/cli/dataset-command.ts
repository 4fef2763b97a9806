// The opening every dataset command shares (train, clean): parse the flags, answer --help,
// check every flag value (exit 2, before anything loads), insist on one existing folder,
// and fail the same way (stderr, plus {error} with --json).
import { stat } from "node:fs/promises";
import path from "node:path";
import { EXIT_FAILURE, EXIT_USAGE, integerProblem, parseArgs, wantsJson, type ArgSpec, type Flags } from "./args";
import type { CliIo } from "./io";
import { oneLine, terminalIo } from "./terminal";
import { errorText } from "../shared/errors";

export { isDirectory } from "../node/dataset-location";

/** Why `p` is not a usable folder, naming it (as given and absolute); null when it is one. */
export async function folderProblem(p: string): Promise<string | null> {
  const absolute = path.resolve(p);
  const where = absolute === p ? `"${p}"` : `"${p}" (${absolute})`;
  try {
    const s = await stat(p);
    if (s.isDirectory()) return null;
    return `${where} is not a folder: it is a file; give the folder whose sub-folders are the labels`;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "ENOENT" || code === "ENOTDIR") return `${where} is not a folder: it does not exist`;
    if (code === "EACCES" || code === "EPERM") return `${where} cannot be opened: permission denied`;
    return `${where} cannot be opened: ${errorText(error)}`;
  }
}

interface SharedFlags {
  seed?: number;
  backbone?: string;
}

/**
 * The checks every dataset command makes before anything loads (exit 2): --seed a whole number,
 * --backbone an id the loader knows (backbone.ts resolveBackboneSpec; its layers are checked when
 * it loads), and LESSON_LAB_ENGINE one of auto, onnxruntime, tfjs when set.
 */
async function sharedFlagProblem(flags: SharedFlags): Promise<string | null> {
  if (flags.seed !== undefined && !Number.isSafeInteger(flags.seed)) return `--seed must be a whole number; got ${flags.seed}`;
  if (flags.backbone !== undefined) {
    const { resolveBackboneSpec } = await import("../classifier/backbone");
    try {
      resolveBackboneSpec(flags.backbone);
    } catch (error) {
      return `--backbone "${flags.backbone}": ${errorText(error)}`;
    }
  }
  const { engineSettingProblem } = await import("../node/onnx/node-backbone");
  return engineSettingProblem(process.env.LESSON_LAB_ENGINE);
}

export interface DatasetCommand<S extends ArgSpec> {
  folder: string;
  flags: Flags<S>;
  json: boolean;
  /** The command's io: stdout escaped for JSON with --json, for a terminal without (terminalIo). */
  io: CliIo;
  /** Reports `message` (escaped on one line, oneLine) and returns exit code 1; with --json, `details` join `error` in the object (the files concerned). */
  fail: (message: string, details?: Record<string, unknown>) => number;
}

/**
 * Parses `args` for command `name`. Returns the command's start, or the exit code when the
 * command is already over: 2 for a usage error (unknown option, no folder, a flag value that
 * `check` or the shared --threads check refuses), 0 for --help, 1 for a missing folder.
 * `rawIo` is wrapped in terminalIo, in JSON mode when the parsed --json flag says so (wantsJson:
 * also for a usage error, when a --json token is true).
 */
export async function startDatasetCommand<S extends ArgSpec>(
  name: string,
  args: string[],
  spec: S,
  usage: string,
  rawIo: CliIo,
  check: (flags: Flags<S>) => string | null = () => null,
): Promise<DatasetCommand<S> | number> {
  const parsed = parseArgs(args, spec);
  const json = wantsJson(args, parsed);
  const io = terminalIo(rawIo, json);
  const usageError = (message: string): number => {
    io.err(`lesson-lab ${name}: ${oneLine(message)}\n\n${usage}`);
    if (json) io.out(`${JSON.stringify({ error: message })}\n`);
    return EXIT_USAGE;
  };
  if ("error" in parsed) return usageError(parsed.error);
  const { positional, flags } = parsed;
  if ((flags as { help?: unknown }).help === true) {
    io.out(usage);
    return 0;
  }
  if (positional.length !== 1) {
    return usageError(`give exactly one dataset folder${positional.length > 1 ? ` (got ${positional.length}: ${positional.map((p) => `"${p}"`).join(", ")}; quote a path with spaces)` : ""}`);
  }
  if (positional[0].trim() === "") return usageError("FOLDER is empty: give the dataset folder (its sub-folders are the labels)");
  const problem = integerProblem("threads", (flags as { threads?: number }).threads, 1, 64) ?? check(flags) ?? (await sharedFlagProblem(flags));
  if (problem) return usageError(problem);
  const fail = (message: string, details: Record<string, unknown> = {}): number => {
    io.err(`lesson-lab ${name}: ${oneLine(message)}\n`);
    if (json) io.out(`${JSON.stringify({ error: message, ...details })}\n`);
    return EXIT_FAILURE;
  };
  const folder = positional[0];
  const notFolder = await folderProblem(folder);
  if (notFolder) return fail(notFolder);
  return { folder, flags, json, io, fail };
}
