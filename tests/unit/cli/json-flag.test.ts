// --json is a switch like any other: `--json=true`, `--json=1`, `--json=yes` mean JSON on stdout
// and `--json=false` means text, for every command, for its results and for its errors (usage
// errors too, as `{"error": …}`). A name holding U+202E (right-to-left override) tells the two
// escapings apart: JSON writes it `\u202e`, text `\u{202E}` (not valid JSON).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { wantsJson, parseArgs } from "../../../src/cli/args";
import { run as trainCli } from "../../../src/cli/train";
import { run as cleanCli } from "../../../src/cli/clean";
import { runUndo } from "../../../src/cli/clean-apply";
import { run as predictCli } from "../../../src/cli/predict";
import { run as exportCli } from "../../../src/cli/export";
import { run as timestampsCli } from "../../../src/cli/timestamps";
import type { CliIo } from "../../../src/cli/io";
import { captureIo } from "../support/capture-io";

type Runner = (args: string[], io: CliIo) => Promise<number>;

let root = "";
let missing = "";
let empty = "";
beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), "lesson-lab-json-flag-")));
  missing = path.join(root, "gone \u202Egnp.jpg");
  empty = path.join(root, "empty \u202Edataset");
  await mkdir(path.join(empty, "cat"), { recursive: true });
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Each command run so that it fails on a name holding U+202E (the arguments before the flags). */
const COMMANDS: Array<[string, Runner, () => string[]]> = [
  ["train", trainCli, () => [missing]],
  ["clean", cleanCli, () => [missing]],
  ["clean --apply", cleanCli, () => [empty, "--apply", missing]],
  ["undo", runUndo, () => [empty]],
  ["predict", predictCli, () => [missing, missing]],
  ["export", exportCli, () => [missing, "--out", path.join(root, "out")]],
  ["timestamps", timestampsCli, () => [missing]],
];

describe("--json=VALUE decides JSON mode as the parser reads it", () => {
  for (const [name, runner, args] of COMMANDS) {
    for (const spelling of ["--json=yes", "--json=true", "--json=1", "--json=YES"]) {
      it(`${name} ${spelling}: stdout is valid JSON that keeps the name`, async () => {
        const c = captureIo();
        expect(await runner([...args(), spelling], c.io)).not.toBe(0);
        const parsed = JSON.parse(c.out()) as unknown;
        expect(JSON.stringify(parsed)).toContain("\u202E");
        expect(c.out()).toContain("\\u202e");
      });
    }

    it(`${name} --json=false (and --json --json=false): text, no JSON on stdout`, async () => {
      for (const flags of [["--json=false"], ["--json", "--json=no"]]) {
        const c = captureIo();
        expect(await runner([...args(), ...flags], c.io)).not.toBe(0);
        expect(c.out()).toBe("");
        expect(c.err()).toContain("\\u{202E}");
        expect(c.err()).not.toContain("\u202E");
      }
    });

    it(`${name} --json with a usage error: {"error"} on stdout`, async () => {
      for (const flags of [["--json", "--bogus"], ["--bogus", "--json=yes"]]) {
        const c = captureIo();
        expect(await runner([...args(), ...flags], c.io)).toBe(2);
        expect(JSON.parse(c.out())).toEqual({ error: "unknown option --bogus" });
        expect(c.err()).toContain("unknown option --bogus");
      }
      const c = captureIo();
      expect(await runner([...args(), "--json=false", "--bogus"], c.io)).toBe(2);
      expect(c.out()).toBe("");
    });
  }
});

describe("wantsJson", () => {
  const spec = { json: "boolean", title: "string" } as const;
  it("is the parsed flag when parsing succeeds", () => {
    for (const args of [["--json"], ["--json=yes"], ["--json=0"], ["--json", "--json=false"], ["--title=--json"], ["x", "--", "--json"], []]) {
      const parsed = parseArgs(args, spec);
      expect("error" in parsed).toBe(false);
      expect(wantsJson(args, parsed)).toBe(!("error" in parsed) && parsed.flags.json === true);
      expect(wantsJson(args)).toBe(wantsJson(args, parsed));
    }
  });
  it("reads the last --json token when parsing failed, and nothing after --", () => {
    expect(wantsJson(["--json", "--bogus"], parseArgs(["--json", "--bogus"], spec))).toBe(true);
    expect(wantsJson(["--json=yes", "--bogus"])).toBe(true);
    expect(wantsJson(["--json=false", "--bogus"])).toBe(false);
    expect(wantsJson(["--json=maybe"])).toBe(false);
    expect(wantsJson(["--", "--json"])).toBe(false);
  });
});
