// Bundles the stand-in (tests/standin/browser-entry.ts) for the browser with esbuild.
import { build } from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// tsx runs the bench as CommonJS (no import.meta), vitest as ESM: take whichever is defined.
const HERE = typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(HERE, "..", "..", "..");
export const BUILD_DIR = join(REPO_ROOT, "tests", "e2e", ".build");
export const STANDIN_BUNDLE = join(BUILD_DIR, "standin.js");

let built: Promise<string> | null = null;

/**
 * Set (to the bundle's path) by the browser tests' globalSetup once it has built the stand-in, so
 * that the test files, which may run at the same time, use that build instead of each writing it.
 */
export const STANDIN_BUILT_ENV = "LESSON_LAB_STANDIN_BUILT";

/** Builds tests/e2e/.build/standin.js once per process (once per test run under vitest) and returns its path. */
export function buildStandIn(): Promise<string> {
  const prebuilt = process.env[STANDIN_BUILT_ENV];
  if (prebuilt) return Promise.resolve(prebuilt);
  built ??= (async () => {
    await mkdir(BUILD_DIR, { recursive: true });
    await build({
      entryPoints: [join(REPO_ROOT, "tests", "standin", "browser-entry.ts")],
      outfile: STANDIN_BUNDLE,
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2021",
      sourcemap: "inline",
      logLevel: "warning",
    });
    return STANDIN_BUNDLE;
  })();
  return built;
}
