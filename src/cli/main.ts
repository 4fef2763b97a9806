// `lesson-lab` / `npm run cli -- <command>`: the plugin's core, run headless.
// Each command lives in its own module, loaded only when asked for, so that
// `timestamps` never pays for tfjs. To add a command: one entry in `commands` (its
// module exports `run(args: string[]): Promise<number>` and answers `--help` itself).
//
// Exit codes, the same for every command: 0 done; 1 a failure (bad data, a file that
// cannot be read, a model that cannot be loaded); 2 a usage error (unknown command or
// option, a missing argument, a flag value out of range), reported before any model
// loads; 130 cancelled with Ctrl-C (SIGINT).
import { EXIT_CANCELLED, EXIT_FAILURE, EXIT_USAGE, wantsJson } from "./args";
import { errorText } from "../shared/errors";
import { oneLine } from "./terminal";
import { version } from "../../package.json";

type CommandRunner = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  timestamps: {
    summary: "timestamps FILE_OR_DIR... [--json] [--vault DIR]  list the timestamps of notes and the videos they seek",
    load: async () => (await import("./timestamps")).run,
  },
  train: {
    summary: "train FOLDER [--epochs N] [--valid-pct P] [--json] ...  train an image classifier on FOLDER/<label>/*",
    load: async () => (await import("./train")).run,
  },
  predict: {
    summary: "predict FOLDER_OR_MODEL IMAGE... [--json]  classify images with a trained model",
    load: async () => (await import("./predict")).run,
  },
  clean: {
    summary: "clean FOLDER [--top K] [--folds N] [--json] [--apply DECISIONS.json] ...  list probably mislabeled, duplicate and odd images in FOLDER; --apply carries out decisions",
    load: async () => (await import("./clean")).run,
  },
  undo: {
    summary: "undo FOLDER [--json]  undo the last batch applied to FOLDER (clean --apply or the cleaner pane)",
    load: async () => (await import("./clean-apply")).runUndo,
  },
  export: {
    summary: "export MODEL_OR_DATASET_FOLDER --out DIR [--title T] [--force] [--json]  write a web app that runs the model in the browser",
    load: async () => (await import("./export")).run,
  },
  serve: {
    summary: "serve MODEL_OR_DATASET_FOLDER [--port 7860] [--host 127.0.0.1]  serve the model as an HTTP API and web page",
    load: async () => (await import("./serve")).run,
  },
  demo: {
    summary: "demo [VAULT]  list the demo vault's timestamps and train on its Fashion folder",
    load: async () => (await import("./demo")).run,
  },
};

function usage(): string {
  const lines = Object.values(commands).map((c) => `  ${c.summary}`);
  return (
    `usage: lesson-lab <command> [options]\n\ncommands:\n${lines.join("\n")}\n\n` +
    "`lesson-lab <command> --help` or `lesson-lab help <command>` describes a command;\n" +
    "`lesson-lab --version` prints the version. Exit codes: 0 done, 1 a failure, 2 a usage\n" +
    "error (checked before any model loads), 130 cancelled with Ctrl-C.\n"
  );
}

/**
 * Ctrl-C for commands that do not handle it themselves: say so (and `{"error":"cancelled"}`
 * on stdout with --json) and end with 130. A command that has work to save (train, clean)
 * adds its own SIGINT listener, aborts, cleans up and returns 130; this one then stays quiet.
 */
function installSigintFallback(name: string, args: readonly string[]): void {
  const json = wantsJson(args);
  process.on("SIGINT", () => {
    if (process.listenerCount("SIGINT") > 1) return;
    process.stderr.write(`\nlesson-lab ${name}: cancelled\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: "cancelled" })}\n`);
    process.exit(EXIT_CANCELLED);
  });
}

/**
 * A reader that stops early (`lesson-lab timestamps notes/ | head`) closes stdout: the rest of
 * the output has nowhere to go, so the command ends quietly with 0, as Unix tools do, instead
 * of dying on an unhandled EPIPE.
 */
function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on("error", (error: Error & { code?: string }) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenStdoutCloses();
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    process.stdout.write(`lesson-lab ${version}\n`);
    return 0;
  }
  // `help CMD` is `CMD --help`; `help` alone, `--help` and `-h` the general help.
  if (name === "help" && rest.length > 0) return main([rest[0], "--help"]);
  if (!name || name === "--help" || name === "-h" || name === "help") {
    (name ? process.stdout : process.stderr).write(usage());
    return name ? 0 : EXIT_USAGE;
  }
  const command = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`lesson-lab: unknown command "${oneLine(name)}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  installSigintFallback(name, rest);
  let runner: CommandRunner;
  try {
    runner = await command.load();
  } catch (error) {
    process.stderr.write(`lesson-lab: the "${name}" command is not available in this build (${oneLine(String(error))})\n`);
    return EXIT_FAILURE;
  }
  return runner(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lesson-lab: ${oneLine(errorText(error))}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
