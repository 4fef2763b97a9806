// The built CLI (dist/cli/, made by scripts/build-cli.mjs in vitest's globalSetup) run as users
// run it: the `lesson-lab` bin and `npm run -s cli`, as child processes. Exit codes, --help on
// every command, usage errors before any model loads, and Ctrl-C while it embeds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeColorDataset } from "../classifier/train-helpers";
import { runBin, type BinResult } from "../support/run-bin";

const REPO = path.resolve(__dirname, "../../..");
const BIN = path.join(REPO, "bin", "lesson-lab.mjs");

function cli(args: string[], cwd = REPO): Promise<BinResult> {
  return runBin(BIN, args, cwd, 60_000);
}

let root = "";
beforeAll(async () => {
  root = await makeColorDataset("colors", 24);
}, 60_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the built lesson-lab CLI", () => {
  it("ends quietly with 0 when its reader closes the pipe early (| head)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "ll-epipe-"));
    const note = path.join(dir, "long.md");
    await writeFile(note, "```timestamp-url\nhttps://youtu.be/dQw4w9WgXcQ\n```\n" + "`@01:00` a line\n".repeat(50_000));
    const child = spawn(process.execPath, [BIN, "timestamps", note], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Like `head -1`: read one chunk, then close our end of the pipe.
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    await rm(dir, { recursive: true, force: true });
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
  });

  it("runs JavaScript, not a TypeScript loader", async () => {
    expect(existsSync(path.join(REPO, "dist", "cli", "main.js"))).toBe(true);
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: lesson-lab <command> [options]");
    expect(r.stdout).toContain("Exit codes: 0 done, 1 a failure, 2 a usage");
  });

  it.each(["timestamps", "train", "predict", "clean", "demo"])("%s --help prints its usage and exits 0", async (command) => {
    const r = await cli([command, "--help"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: lesson-lab ${command}`));
  });

  it("every usage error exits 2 before any model loads; a failure exits 1", async () => {
    const folder = path.join(root, "colors");
    const usage: [string[], RegExp][] = [
      [["nope"], /unknown command "nope"/],
      [[], /usage: lesson-lab <command>/],
      [["train", folder, "--valid-pct", "150"], /--valid-pct is a percentage from 0 to 90 \(20 keeps 20% of each label's images for validation\); got 150/],
      [["train", folder, "--epochs", "0"], /--epochs must be a whole number from 1 to 1000; got 0/],
      [["train", folder, "--lr", "2"], /--lr must be above 0 and at most 1; got 2/],
      [["train", folder, "--epochs", "ten"], /--epochs needs a number, not "ten"/],
      [["clean", folder, "--folds", "1"], /--folds must be a whole number from 2 to 50; got 1/],
      [["clean", folder, "--bogus"], /unknown option --bogus/],
      [["demo", "--bogus"], /unknown option --bogus/],
      [["predict", folder], /give a dataset or model folder and at least one image/],
    ];
    for (const [args, message] of usage) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/Loading backbone/);
    }
    const json = await cli(["train", folder, "--valid-pct", "150", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: expect.stringContaining("--valid-pct is a percentage") as unknown });

    // A dataset problem is a failure (1), also found before the backbone loads.
    const one = await cli(["train", path.join(folder, "red")]);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/no labeled images/);
    expect(one.stderr).not.toMatch(/Loading backbone/);
  });

  it("an unknown command or a bad flag value from a file name is printed escaped, on its own line", async () => {
    const name = "x\u001b[31m\r\nfake\u202E";
    const unknown = await cli([name]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('lesson-lab: unknown command "x\\u{001B}[31m\\u{000D}\\u{000A}fake\\u{202E}"\n');
    const flag = await cli(["train", path.join(root, "colors"), "--epochs", name]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--epochs needs a number, not "x\\u{001B}[31m\\u{000D}\\u{000A}fake\\u{202E}"');
    for (const text of [unknown.stderr, flag.stderr]) {
      // eslint-disable-next-line no-control-regex -- the test looks for exactly these characters
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
  });

  it("Ctrl-C while it embeds: {\"error\":\"cancelled\"}, exit 130, the embeddings made so far kept", async () => {
    const folder = path.join(root, "colors");
    const cache = path.join(root, ".lesson-lab-cache");
    // As a terminal's Ctrl-C does: SIGINT to the whole process group. (Through `npm run -s cli`
    // the same happens; npm then ends itself by the signal, which a shell reports as 130.)
    const child = spawn(process.execPath, [BIN, "train", folder, "--json", "--epochs", "1"], { cwd: REPO, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    let sent = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      // The first chunk of 32 images (at most 96 views) is embedded, and more is to come.
      const done = [...stderr.matchAll(/embedding \[[#-]+\] (\d+)\/(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      const last = done[done.length - 1];
      if (!sent && last && last[0] > 96 && last[0] < last[1]) {
        sent = true;
        process.kill(-(child.pid as number), "SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(sent, stderr).toBe(true);
    expect(code).toBe(130);
    expect(JSON.parse(stdout)).toEqual({ error: "cancelled" });
    expect(stderr).toContain("lesson-lab train: cancelled; no model was written (the embeddings made so far are kept in the cache)");
    expect(existsSync(path.join(root, "colors.model"))).toBe(false);
    const files = await readdir(cache);
    expect(files.length).toBe(1);
    expect(statSync(path.join(cache, files[0])).size).toBeGreaterThan(0);

    // The next run starts from what was kept.
    const again = await cli(["train", folder, "--json", "--epochs", "1", "--no-save"]);
    expect(again.code, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout) as { cached: number; embedded: number };
    expect(result.cached).toBeGreaterThanOrEqual(64);
    expect(result.cached + result.embedded).toBeGreaterThan(result.cached);
  }, 300_000);
});

describe("help and version (QA)", () => {
  const COMMANDS = ["timestamps", "train", "predict", "clean", "undo", "export", "serve", "demo"];
  it("`help CMD` is CMD's help; every command's help lists -h, --help", async () => {
    for (const name of COMMANDS) {
      const own = await cli([name, "--help"]);
      const viaHelp = await cli(["help", name]);
      expect(own.code).toBe(0);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(own.stdout);
      expect(own.stdout).toContain(`usage: lesson-lab ${name}`);
      expect(own.stdout).toContain("-h, --help");
    }
  }, 120_000);
  it("the general help's line for each command starts as the command's own usage line", async () => {
    const general = await cli(["help"]);
    for (const name of COMMANDS) {
      const own = (await cli([name, "--help"])).stdout.split("\n")[0].replace(/^usage: lesson-lab /, "").replace(/ \[options\]$/, "");
      const line = general.stdout.split("\n").find((l) => l.startsWith(`  ${name} `) || l === `  ${name}`);
      expect(line, name).toBeDefined();
      // Same words for the arguments (FOLDER/MODEL names aside): the flags the usage line names are in the summary.
      for (const flag of own.match(/--[a-z-]+/g) ?? []) expect(line, `${name} ${flag}`).toContain(flag);
      expect(line!.split(/\s+/)[2]).toBe(own.split(/\s+/)[1]);
    }
  }, 120_000);
  it("--version prints the package's version", async () => {
    const { version } = (await import("../../../package.json")) as { version: string };
    const r = await cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`lesson-lab ${version}\n`);
  });
});
