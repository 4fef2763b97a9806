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

    // An unknown backbone is a usage error, reported before any model loads (QA 1 #10).
    io = capture();
    expect(await run(["demo-vault/Fashion", "--backbone", "nope", "--json"], io)).toBe(2);
    expect(io.stderr).toContain(`lesson-lab ${name}: --backbone "nope": Unknown backbone "nope"`);
    expect(io.stderr).not.toContain("Loading backbone");
    expect(JSON.parse(io.stdout)).toEqual({ error: expect.stringContaining('Unknown backbone "nope"') as unknown });

    io = capture();
    expect(await run([], io)).toBe(2);
    expect(io.stderr).toContain("give exactly one dataset folder");
  });
});

// QA 1 (/work/coord/reports/qa1.md), findings 9, 10 and 11: usage errors (exit 2) before anything loads.
describe.each([
  ["train", train],
  ["clean", clean],
] as const)("lesson-lab %s: flag values checked before loading (QA 1)", (name, run) => {
  it.each([
    [["--seed", "1.5"], "--seed must be a whole number; got 1.5"],
    [["--seed", "1e300"], "--seed must be a whole number; got 1e300"],
    [["--backbone", "vault:"], `--backbone "vault:"`],
    [["--backbone", "mobilenet_v2-nsfwjs-typo"], 'Unknown backbone "mobilenet_v2-nsfwjs-typo"'],
  ])("%j is refused", async (flags, message) => {
    const io = capture();
    expect(await run(["demo-vault/Fashion", ...flags, "--json"], io)).toBe(2);
    expect(io.stderr).toContain(message);
    expect(io.stderr).not.toContain("Loading backbone");
    expect((JSON.parse(io.stdout) as { error: string }).error).toContain(message);
  });

  it("refuses an unknown LESSON_LAB_ENGINE value with exit 2", async () => {
    const before = process.env.LESSON_LAB_ENGINE;
    process.env.LESSON_LAB_ENGINE = "bogus";
    try {
      const io = capture();
      expect(await run(["demo-vault/Fashion", "--json"], io)).toBe(2);
      expect(io.stderr).toContain(`lesson-lab ${name}: LESSON_LAB_ENGINE="bogus": use one of auto, onnxruntime, tfjs`);
      expect(io.stderr).not.toContain("Loading backbone");
    } finally {
      if (before === undefined) delete process.env.LESSON_LAB_ENGINE;
      else process.env.LESSON_LAB_ENGINE = before;
    }
  });

  it('says "FOLDER is empty" for an empty folder argument', async () => {
    for (const folder of ["", "  "]) {
      const io = capture();
      expect(await run([folder, "--json"], io)).toBe(2);
      expect(io.stderr).toContain(`lesson-lab ${name}: FOLDER is empty`);
      expect(JSON.parse(io.stdout)).toEqual({ error: expect.stringContaining("FOLDER is empty") as unknown });
    }
  });
});

