// A CliIo that keeps what a command writes, for the tests that run a CLI command in-process.
import type { CliIo } from "../../../src/cli/io";

/** `io` to pass to a command's `run`; `out()` and `err()` give what it wrote so far (stderr is not a terminal). */
export function captureIo(): { io: CliIo; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { io: { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false }, out: () => out, err: () => err };
}
