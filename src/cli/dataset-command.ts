// The opening every dataset command shares (train, clean): parse the flags, answer --help,
// insist on one existing folder, and fail the same way (stderr, plus {error} with --json).
import { stat } from "node:fs/promises";
import { parseArgs, type ArgSpec, type Flags } from "./args";
import type { CliIo } from "./io";

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export interface DatasetCommand<S extends ArgSpec> {
  folder: string;
  flags: Flags<S>;
  json: boolean;
  /** Reports `message` and returns exit code 1. */
  fail: (message: string) => number;
}

/**
 * Parses `args` for command `name`. Returns the command's start, or the exit code when the
 * command is already over (usage error 2, --help 0, a missing folder or bad --threads 1).
 */
export async function startDatasetCommand<S extends ArgSpec>(name: string, args: string[], spec: S, usage: string, io: CliIo): Promise<DatasetCommand<S> | number> {
  const parsed = parseArgs(args, spec);
  if ("error" in parsed) {
    io.err(`lesson-lab ${name}: ${parsed.error}\n\n${usage}`);
    return 2;
  }
  const { positional, flags } = parsed;
  if ((flags as { help?: unknown }).help === true) {
    io.out(usage);
    return 0;
  }
  if (positional.length !== 1) {
    io.err(`lesson-lab ${name}: give exactly one dataset folder${positional.length > 1 ? ` (got ${positional.length}: quote a path with spaces)` : ""}\n\n${usage}`);
    return 2;
  }
  const json = (flags as { json?: unknown }).json === true;
  const fail = (message: string): number => {
    io.err(`lesson-lab ${name}: ${message}\n`);
    if (json) io.out(`${JSON.stringify({ error: message })}\n`);
    return 1;
  };
  const threads = (flags as { threads?: unknown }).threads;
  if (typeof threads === "number" && (!Number.isInteger(threads) || threads < 1 || threads > 64)) return fail(`--threads must be a whole number from 1 to 64; got ${threads}`);
  const folder = positional[0];
  if (!(await isDirectory(folder))) return fail(`"${folder}" is not a folder (it does not exist or is a file)`);
  return { folder, flags, json, fail };
}
