// `lesson-lab serve MODEL_OR_DATASET_FOLDER [--port 7860] [--host 127.0.0.1]`: the model as a
// local HTTP API and the exported web app's page (src/production/node/serve.ts). Runs until
// Ctrl-C (or SIGTERM), then closes the server and frees the model.
//
// Exit codes: 0 stopped cleanly; 1 no model, or the port cannot be used; 2 usage.
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, integerProblem, parseArgs } from "./args";
import { processIo, type CliIo } from "./io";
import { oneLine, terminalIo } from "./terminal";
import { errorText } from "../shared/errors";

const USAGE = `usage: lesson-lab serve MODEL_OR_DATASET_FOLDER [--port 7860] [--host 127.0.0.1]

Serves the model trained on FOLDER (FOLDER.model/), or the model folder itself, over HTTP:
  GET  /          the web app's page (the same as \`lesson-lab export\` writes)
  GET  /info      the model card as JSON
  POST /predict   an image (raw body with an image Content-Type, or multipart field "file");
                  answers {label, ranked: [{label, probability}], probabilities}
  --port N        port (default 7860; 0 picks a free one)
  --host ADDR     address to listen on (default 127.0.0.1, this machine only)
  -h, --help      this help
Ctrl-C stops it.
`;

const SPEC = { port: { type: "integer", min: 0, max: 65535 }, host: "string", help: { type: "boolean", short: "h" } } as const;

export interface ServeRunOptions {
  /** Stops the server when aborted (tests); Ctrl-C and SIGTERM always do. */
  signal?: AbortSignal;
  /** Called once the server listens. */
  onListening?(url: string): void;
}

/** The line `serve` prints once it listens; the title (from the model folder) and the URL escaped (oneLine). */
export function servingMessage(title: string, url: string): string {
  return `Serving "${oneLine(title)}" at ${oneLine(url)} (GET / the page, GET /info, POST /predict). Ctrl-C stops it.\n`;
}

export async function run(args: string[], rawIo: CliIo = processIo, options: ServeRunOptions = {}): Promise<number> {
  // The model's title comes from its folder, each request line from the network: all reach the
  // terminal escaped (terminal.ts), each inside its line (oneLine).
  const io = terminalIo(rawIo, false);
  const parsed = parseArgs(args, SPEC);
  if ("error" in parsed) {
    io.err(`lesson-lab serve: ${oneLine(parsed.error)}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { positional, flags } = parsed;
  if (flags.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  if (positional.length !== 1) {
    io.err(`lesson-lab serve: give one model or dataset folder\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const port = flags.port ?? 7860;
  const portProblem = integerProblem("port", flags.port, 0, 65535);
  if (portProblem) {
    io.err(`lesson-lab serve: ${portProblem}\n`);
    return EXIT_USAGE;
  }
  const host = (flags.host ?? "127.0.0.1").trim();
  if (host === "") {
    io.err("lesson-lab serve: --host needs an address\n");
    return EXIT_USAGE;
  }
  const fail = (error: unknown): number => {
    io.err(`lesson-lab serve: ${oneLine(errorText(error))}\n`);
    return EXIT_FAILURE;
  };
  const [{ modelFolderOf, readBundleFromDisk, loadClassifierFromDisk }, { webAppRuntime }, { webAppFiles }, { startServer, isLoopback }] = await Promise.all([
    import("../production/node/model"),
    import("../production/node/runtime"),
    import("../production/web-app"),
    import("../production/node/serve"),
  ]);
  let classifier;
  let server;
  let card;
  try {
    const modelFolder = await modelFolderOf(positional[0]);
    const bundle = await readBundleFromDisk(modelFolder);
    card = bundle.card;
    const files = webAppFiles(bundle, await webAppRuntime());
    classifier = await loadClassifierFromDisk(modelFolder);
    const c = classifier;
    server = await startServer({ port, host, files, card, classify: (bytes) => c.predict(bytes), log: (line) => io.err(`${oneLine(line)}\n`) });
  } catch (error) {
    classifier?.dispose();
    return fail(error);
  }
  if (!isLoopback(host)) {
    io.err(
      `\nWARNING: listening on ${oneLine(host)}: anyone who can reach this machine on port ${server.port} can use the model and send it images.\n` +
        "Leave out --host to serve this machine only (127.0.0.1).\n\n",
    );
  }
  io.out(servingMessage(card.title, server.url));
  options.onListening?.(server.url);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      options.signal?.removeEventListener("abort", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener("abort", stop);
  });
  await server.close();
  classifier.dispose();
  io.err("Stopped.\n");
  return EXIT_OK;
}
