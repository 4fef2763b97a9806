#!/usr/bin/env node
// The `lesson-lab` bin: runs the built CLI (dist/cli/main.js, made by `npm run build:cli`,
// which `npm install`/`npm ci` run through the `prepare` script) in this very process, so
// that Ctrl-C reaches the CLI's own SIGINT handler.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
if (!existsSync(entry)) {
  process.stderr.write(`lesson-lab: the CLI is not built (${entry} is missing): run \`npm run build:cli\` in ${root}\n`);
  process.exit(1);
}
createRequire(import.meta.url)(entry);
