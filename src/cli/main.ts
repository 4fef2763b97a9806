// `lesson-lab` / `npm run cli -- <command>`: the plugin's core, run headless.
// Each command lives in its own module, loaded only when asked for, so that
// `timestamps` never pays for tfjs.

type CommandRunner = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<CommandRunner> }> = {
  timestamps: {
    summary: "timestamps FILE... [--json] [--vault DIR]  list the timestamps of notes and the videos they seek",
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
    summary: "clean FOLDER [--top K] [--folds N] [--json] ...  list probably mislabeled, duplicate and odd images in FOLDER",
    load: async () => (await import("./clean")).run,
  },
  export: {
    summary: "export FOLDER_OR_MODEL --out DIR [--title T] [--force]  write a web app that runs the model in the browser",
    load: async () => (await import("./export")).run,
  },
  serve: {
    summary: "serve FOLDER_OR_MODEL [--port 7860] [--host 127.0.0.1]  serve the model as an HTTP API and web page",
    load: async () => (await import("./serve")).run,
  },
  demo: {
    summary: "demo [VAULT]  list the demo vault's timestamps and train on its Fashion folder",
    load: async () => (await import("./demo")).run,
  },
};

function usage(): string {
  const lines = Object.values(commands).map((c) => `  ${c.summary}`);
  return `usage: lesson-lab <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`lesson-lab: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let runner: CommandRunner;
  try {
    runner = await command.load();
  } catch (error) {
    process.stderr.write(`lesson-lab: the "${name}" command is not available in this build (${String(error)})\n`);
    return 1;
  }
  return runner(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lesson-lab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
