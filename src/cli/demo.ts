// `npm run demo` / `lesson-lab demo [VAULT]`: the plugin's main jobs, run headless on the demo
// vault — what a new user sees first. It reuses the CLI commands, so the demo shows exactly
// what they print.
import path from "node:path";
import { EXIT_USAGE, parseArgs } from "./args";
import { processIo, type CliIo } from "./io";
import { oneLine, shellWord, terminalIo } from "./terminal";
import { run as listTimestamps } from "./timestamps";

const USAGE = `usage: lesson-lab demo [VAULT]

Runs the plugin's main jobs on VAULT (default: demo-vault, relative to the working directory):
lists the timestamps of its notes (lesson-lab timestamps VAULT), then trains a classifier on
its Fashion folder for 5 epochs (lesson-lab train VAULT/Fashion --epochs 5), saving
VAULT/Fashion.model/, and exports it as a web app (lesson-lab export VAULT/Fashion --out
"VAULT/Fashion web app" --force: only an export's own files are replaced there).
  -h, --help   this help
Exit code: the largest of the commands' exit codes (0 when all succeed).
`;

const SPEC = { help: { type: "boolean", short: "h" } } as const;

export async function run(args: string[], rawIo: CliIo = processIo): Promise<number> {
  // The vault's path reaches the terminal escaped (terminal.ts); each command escapes its own
  // output, and gets the raw io so that train's progress line can still redraw itself.
  const io = terminalIo(rawIo, false);
  const parsed = parseArgs(args, SPEC);
  if ("error" in parsed) {
    io.err(`lesson-lab demo: ${oneLine(parsed.error)}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (parsed.flags.help) {
    io.out(USAGE);
    return 0;
  }
  if (parsed.positional.length > 1) {
    io.err(`lesson-lab demo: give at most one vault folder (got ${parsed.positional.length}: quote a path with spaces)\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const vault = parsed.positional[0] ?? "demo-vault";
  io.out(`\n# Timestamps in ${oneLine(vault)} and the videos they seek\n\n`);
  const timestampsCode = await listTimestamps([vault], rawIo);
  const dataset = path.join(vault, "Fashion");
  io.out(`\n# Training a classifier on ${oneLine(dataset)}\n\n`);
  const { run: train } = await import("./train");
  const trainCode = await train([dataset, "--epochs", "5"], rawIo);
  if (trainCode !== 0) return Math.max(timestampsCode, trainCode);
  const out = path.join(vault, "Fashion web app");
  io.out(`\n# Putting the model into production: a web app in ${oneLine(out)}\n\n`);
  const { run: exportApp } = await import("./export");
  const exportCode = await exportApp([dataset, "--out", out, "--force"], rawIo);
  if (exportCode === 0) {
    io.out(`\nThe page: ${oneLine(path.resolve(out, "index.html"))}\nOpen it in a browser (from disk works), or serve the model as an API: lesson-lab serve ${oneLine(shellWord(dataset))}\n`);
  }
  return Math.max(timestampsCode, trainCode, exportCode);
}
