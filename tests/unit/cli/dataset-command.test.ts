// The opening shared by `train` and `clean`, and the shared training step's backbone failure.
import { describe, expect, it } from "vitest";
import path from "node:path";
import type { CliIo } from "../../../src/cli/io";
import { run as train } from "../../../src/cli/train";
import { run as clean } from "../../../src/cli/clean";

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = { stdout: "", stderr: "", errIsTty: false, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

describe.each([
  ["train", train],
  ["clean", clean],
] as const)("lesson-lab %s", (name, run) => {
  it("refuses a missing folder, bad --threads and an unknown backbone with a message (and {error} with --json)", async () => {
    let io = capture();
    expect(await run(["no/such/folder", "--json"], io)).toBe(1);
    // Which folder (as given and absolute) and which problem: missing, not a file.
    expect(io.stderr).toContain(`lesson-lab ${name}: "no/such/folder" (${path.resolve("no/such/folder")}) is not a folder: it does not exist`);
    expect(JSON.parse(io.stdout)).toEqual({ error: expect.stringContaining("is not a folder: it does not exist") as unknown });

    io = capture();
    expect(await run(["package.json"], io)).toBe(1);
    expect(io.stderr).toContain(`"package.json" (${path.resolve("package.json")}) is not a folder: it is a file`);

    // A bad flag value is a usage error (2), with the command's usage after the message.
    io = capture();
    expect(await run(["demo-vault/Fashion", "--threads", "0"], io)).toBe(2);
    expect(io.stderr).toContain("--threads must be a whole number from 1 to 64; got 0");
    expect(io.stderr).toContain(`usage: lesson-lab ${name} FOLDER`);

    io = capture();
    expect(await run(["demo-vault/Fashion", "--backbone", "nope", "--json"], io)).toBe(1);
    expect(io.stderr).toContain(`lesson-lab ${name}: could not load backbone "nope": Unknown backbone "nope"`);

    io = capture();
    expect(await run([], io)).toBe(2);
    expect(io.stderr).toContain("give exactly one dataset folder");
  });
});
