// Start-up cost of the plugin in Chromium, measured the way Obsidian loads a plugin: main.js's text
// compiled and run as `new Function(module, exports, require, source)` (main_js_eval_ms), then the
// plugin constructed and `await plugin.onload()` (onload_ms), in a fresh page each run
// (tests/standin/browser-harness.ts times both). Installed as the community store installs it
// (main.js, manifest.json, styles.css only): start-up must not need the engine files.
// Also the sizes of main.js and of the engine files loaded on first use (esbuild.config.mjs).
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { makeTempVault, openHarness, REPO_ROOT } from "../tests/e2e/harness";
import { median, round2 } from "./stats";

export interface StartupFigures {
  main_js_kb: number;
  /** Median over the runs, ms. */
  main_js_eval_ms: number;
  main_js_eval_runs_ms: number[];
  onload_ms: number;
  onload_runs_ms: number[];
  /** Engine file → KB (loaded on first use of the classifier or the cleaner). */
  engine_files_kb: Record<string, number>;
  runs: number;
}

export async function benchStartup(runs = 9): Promise<StartupFigures> {
  const vault = await makeTempVault({ "Lesson.md": "```timestamp-url\nhttps://www.youtube.com/watch?v=F4tvM4Vb3A0\n```\n\n```timestamp\n06:45\n```\n" });
  // Cross-origin isolated: performance.now() at 5 µs rather than 100 µs.
  const h = await openHarness({ vault, isolated: true, engine: "store" });
  try {
    const evals = [h.boot.evalMs];
    const onloads = [h.boot.onloadMs];
    for (let i = 1; i < runs; i++) {
      const b = await h.reload();
      evals.push(b.evalMs);
      onloads.push(b.onloadMs);
    }
    if (h.releaseRequests.length > 0) throw new Error(`start-up downloaded ${h.releaseRequests.join(", ")}`);
    const engine: Record<string, number> = {};
    for (const name of (await readdir(REPO_ROOT)).filter((n) => n.startsWith("engine-")).sort()) {
      engine[name] = round2((await stat(join(REPO_ROOT, name))).size / 1024);
    }
    return {
      main_js_kb: round2((await stat(join(REPO_ROOT, "main.js"))).size / 1024),
      main_js_eval_ms: round2(median(evals)),
      main_js_eval_runs_ms: evals.map(round2),
      onload_ms: round2(median(onloads)),
      onload_runs_ms: onloads.map(round2),
      engine_files_kb: engine,
      runs,
    };
  } finally {
    await h.close();
    await rm(vault, { recursive: true, force: true });
  }
}
