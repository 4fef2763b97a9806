// vitest globalSetup: builds the CLI (dist/cli/) once per test run, so that the tests that run
// the real `lesson-lab` bin (tests/unit/cli/*.test.ts) run what users run.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const script = fileURLToPath(new URL("../../../scripts/build-cli.mjs", import.meta.url));
  execFileSync(process.execPath, [script], { stdio: "inherit" });
}
