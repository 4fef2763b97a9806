// Picks and initialises the tfjs backend. tfjs is imported dynamically so that
// Obsidian's start-up never evaluates it; the first classifier use pays for it.
//
// - Node (CLI, tests, embed workers): wasm with SIMD, binaries read from node_modules
//   by the backend itself; emscripten's own pthreads are turned off because Node
//   cannot start its blob: workers (we parallelise with worker_threads instead).
// - Obsidian: webgl when it works, else wasm with the SIMD binary, an engine file in the
//   plugin's folder (src/engine/assets.ts, handed over as a blob: URL), else cpu.

import type * as TfModule from "@tensorflow/tfjs";
import { errorText } from "../shared/errors";

export type Tf = typeof TfModule;
export type TfBackendName = "wasm" | "webgl" | "cpu";

export interface TfSetupOptions {
  /** Backends to try, in order. Default: Node ["wasm", "cpu"], app ["webgl", "wasm", "cpu"]. */
  backends?: TfBackendName[];
  /** wasm threads (xnnpack pool size); only honoured where the threaded binary can run. Default 1. */
  threads?: number;
  /**
   * Where the wasm binary comes from: "node_modules" (Node) or "embedded" (the plugin's
   * engine file, see src/engine/assets.ts). Default: "embedded" when a DOM is present, else "node_modules".
   */
  wasmSource?: "node_modules" | "embedded";
}

export interface TfRuntime {
  tf: Tf;
  backend: TfBackendName;
}

let tfPromise: Promise<Tf> | null = null;
let wasmConfigured = false;
let current: TfRuntime | null = null;

function isBrowserLike(): boolean {
  return typeof window !== "undefined" && typeof document !== "undefined";
}

async function importTf(): Promise<Tf> {
  tfPromise ??= import("@tensorflow/tfjs");
  return tfPromise;
}

async function configureWasm(tf: Tf, source: "node_modules" | "embedded", threads: number): Promise<void> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  if (wasmConfigured) return;
  // Our parallelism is one worker per core, each single-threaded: no SharedArrayBuffer
  // or cross-origin isolation needed, identical results in every host.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  wasm.setThreadsCount(Math.max(1, Math.floor(threads)));
  if (source === "embedded") {
    const { embeddedWasmUrls } = await import("./browser/wasm-embedded");
    wasm.setWasmPaths(await embeddedWasmUrls(), true);
  }
  wasmConfigured = true;
}

/**
 * Imports tfjs, registers the wasm backend and switches to the first backend in
 * `backends` that initialises. Safe to call repeatedly; returns the same tf module.
 */
export async function setupTf(opts: TfSetupOptions = {}): Promise<TfRuntime> {
  const browser = isBrowserLike();
  const order = opts.backends ?? (browser ? ["webgl", "wasm", "cpu"] : ["wasm", "cpu"]);
  if (order.length === 0) throw new Error("setupTf: no backend to try");
  const tf = await importTf();
  if (current && current.backend === order[0] && tf.getBackend() === current.backend) return current;

  const failures: string[] = [];
  for (const name of order) {
    try {
      if (name === "wasm") await configureWasm(tf, opts.wasmSource ?? (browser ? "embedded" : "node_modules"), opts.threads ?? 1);
      // setBackend resolves false (and logs) when initialisation fails.
      const ok = await tf.setBackend(name);
      if (!ok) {
        failures.push(`${name}: failed to initialise`);
        continue;
      }
      await tf.ready();
      if (name === "wasm" && !(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))) {
        // Still correct, just ~3x slower: worth knowing when reading benchmarks.
        failures.push("wasm: running without SIMD");
      }
      current = { tf, backend: name };
      return current;
    } catch (err) {
      failures.push(`${name}: ${errorText(err)}`);
    }
  }
  throw new Error(`No tfjs backend could start (${failures.join("; ")})`);
}

/** The backend in use, or null before setupTf. */
export function currentTf(): TfRuntime | null {
  return current;
}
