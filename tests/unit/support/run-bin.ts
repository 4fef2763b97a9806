// Runs the built `lesson-lab` bin as a child process without blocking the test's worker: a
// spawnSync of a CLI that trains keeps the worker's event loop shut for as long as the child runs,
// and a vitest worker that cannot answer its runner for 60 s fails the whole run ("Timeout
// calling onTaskUpdate") even though every test passed.
import { spawn } from "node:child_process";

export interface BinResult {
  /** The exit code, or null when the child ended by a signal (the timeout's included). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node BIN ...args` in `cwd`, killed after `timeoutMs`; resolves when it has ended and its output is read. */
export function runBin(bin: string, args: string[], cwd: string, timeoutMs: number): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
