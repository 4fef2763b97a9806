// Approval tests of the CLI's text output: each command, run as users run it (the built bin, a
// child process), on the fixed small dataset tests/fixtures/cli-dataset/bears (three labels of
// 8 striped or round 32-pixel images, a grizzly image copied into black, a copy inside teddy,
// a broken file, a HEIC file, a hidden file and a note). The output must equal the approved
// file in tests/fixtures/cli-approved/ once the parts that vary between runs are replaced:
// the temporary folder (<tmp>), the epoch times (<time>) and, for the commands that train,
// the numbers with decimals (<n>: losses, probabilities, percentages), which move whenever the
// training is tuned; what is approved is everything else: the layout, the labels, the counts,
// the paths, the issues and every message. After a deliberate change of the
// output, review the difference and approve it: UPDATE_APPROVALS=1 npx vitest run tests/unit/cli/approval.test.ts
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cp, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runBin, type BinResult } from "../support/run-bin";

const REPO = path.resolve(__dirname, "../../..");
const BIN = path.join(REPO, "bin", "lesson-lab.mjs");
const APPROVED = path.join(REPO, "tests", "fixtures", "cli-approved");
const BACKBONE = ["--backbone", "mobilenet_v2-nsfwjs"];

let work = "";
beforeAll(async () => {
  work = await realpath(await mkdtemp(path.join(tmpdir(), "lesson-lab-approval-")));
  await cp(path.join(REPO, "tests", "fixtures", "cli-dataset", "bears"), path.join(work, "bears"), { recursive: true });
  await cp(path.join(REPO, "tests", "fixtures", "Lesson 2.md"), path.join(work, "Lesson 2.md"));
  // A vault for `demo`: the note and the dataset as its Fashion folder.
  await cp(path.join(work, "Lesson 2.md"), path.join(work, "vault", "Lesson 2.md"));
  await cp(path.join(work, "bears"), path.join(work, "vault", "Fashion"), { recursive: true });
}, 60_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function run(args: string[]): Promise<BinResult> {
  return runBin(BIN, args, work, 240_000);
}

function normalise(text: string, numbers: boolean): string {
  const out = text
    .split(work)
    .join("<tmp>")
    .replace(/(\s)\d+\.\d\ds(?=\n|$)/gm, "$1<time>");
  return numbers ? out.replace(/\d+\.\d+/g, "<n>") : out;
}

function approve(name: string, text: string, numbers = true): void {
  const file = path.join(APPROVED, `${name}.txt`);
  const actual = normalise(text, numbers);
  if (process.env.UPDATE_APPROVALS === "1" || !existsSync(file)) {
    writeFileSync(file, actual);
    if (process.env.UPDATE_APPROVALS !== "1") throw new Error(`${file} did not exist: written; review it, then run again`);
    return;
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

describe("CLI text output (approved files)", () => {
  it("timestamps", async () => {
    const r = await run(["timestamps", "Lesson 2.md"]);
    expect(r.code).toBe(0);
    approve("timestamps", r.stdout, false);
  });

  it("train", async () => {
    const r = await run(["train", "bears", "--epochs", "3", ...BACKBONE]);
    expect(r.code, r.stderr).toBe(0);
    approve("train", r.stdout);
  }, 240_000);

  it("predict", async () => {
    const r = await run(["predict", "bears", "bears/grizzly/vstripes_0.png", "bears/teddy/circle_5.png", "bears/teddy/broken.png"]);
    expect(r.code).toBe(1); // broken.png cannot be read
    approve("predict", r.stdout);
  }, 120_000);

  it("clean", async () => {
    const r = await run(["clean", "bears", "--top", "8", "--folds", "4", ...BACKBONE]);
    expect(r.code, r.stderr).toBe(0);
    approve("clean", r.stdout);
  }, 240_000);

  it("demo", async () => {
    const r = await run(["demo", "vault"]);
    expect(r.code, r.stderr).toBe(0);
    approve("demo", r.stdout);
  }, 240_000);
});
