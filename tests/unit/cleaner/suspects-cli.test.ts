// `lesson-lab clean` end to end with the real backbone on a tiny folder the test makes:
// 3 colours × 8 images, one red image filed under green, a byte-identical copy, a broken file.
// The backbone is named (flatten_1 features, raw heads) so the figures do not move with the default.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { COLORS, makeColorDataset, noisyImage, snapshot } from "../classifier/train-helpers";
import { run as cleanCli } from "../../../src/cli/clean";
import { captureIo } from "../support/capture-io";

const BACKBONE = ["--backbone", "mobilenet_v2-nsfwjs"];
let root = "";
beforeAll(async () => {
  root = await makeColorDataset("colors", 8);
  await writeFile(path.join(root, "colors", "green", "looks-red.png"), await noisyImage(COLORS.red, 777));
  await copyFile(path.join(root, "colors", "blue", "blue-0.png"), path.join(root, "colors", "blue", "blue-0 copy.png"));
  await writeFile(path.join(root, "colors", "blue", "broken.png"), "this is not a png");
  await mkdir(path.join(root, "solo", "only"), { recursive: true });
  await writeFile(path.join(root, "solo", "only", "a.png"), await noisyImage(COLORS.red, 1));
}, 60_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("lesson-lab clean", () => {
  it("--json: the contract's keys, the misfiled image first among labels, the copy, the broken file; the folder untouched", async () => {
    const before = await snapshot(path.join(root, "colors"));
    const c = captureIo();
    expect(await cleanCli([path.join(root, "colors"), "--json", ...BACKBONE], c.io)).toBe(0);
    const json = JSON.parse(c.out()) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 4)).toEqual(["suspects", "duplicates", "outliers", "unreadable"]);
    const suspects = json.suspects as Record<string, unknown>[];
    for (const s of suspects) expect(Object.keys(s).slice(0, 7)).toEqual(["path", "given", "predicted", "probability", "score", "suggested", "issue"]);
    const labelIssues = suspects.filter((s) => s.issue === "label");
    expect(labelIssues[0]).toMatchObject({ path: "colors/green/looks-red.png", given: "green", predicted: "red", suggested: "red" });
    expect(labelIssues[0].probability as number).toBeLessThan(0.2);
    expect(suspects).toContainEqual(expect.objectContaining({ path: "colors/blue/blue-0 copy.png", issue: "duplicate", score: 1, suggested: "blue" }));
    expect(suspects).toContainEqual(expect.objectContaining({ path: "colors/blue/broken.png", issue: "unreadable", probability: null }));
    expect(json.duplicates).toContainEqual(["colors/blue/blue-0.png", "colors/blue/blue-0 copy.png", 1]);
    const unreadable = json.unreadable as { path: string; reason: string }[];
    expect(unreadable.map((u) => u.path)).toEqual(["colors/blue/broken.png"]);
    expect(unreadable[0].reason).toMatch(/not an image|unsupported|corrupt/);
    expect(Array.isArray(json.outliers)).toBe(true);
    expect(json).toMatchObject({ method: "below_threshold", rank_by: "log_ratio", folds: 5 });
    for (let i = 1; i < suspects.length; i++) expect(suspects[i - 1].score as number).toBeGreaterThanOrEqual(suspects[i].score as number);
    expect(await snapshot(path.join(root, "colors"))).toEqual(before);

    // A second run reads every embedding from the cache and lists the same suspects.
    const again = captureIo();
    expect(await cleanCli([path.join(root, "colors"), "--json", "--top", "3", ...BACKBONE], again.io)).toBe(0);
    const second = JSON.parse(again.out()) as Record<string, unknown>;
    expect(json.embedded).toBe(26);
    expect(second.embedded).toBe(0);
    expect(second.cached).toBe(26);
    expect(second.suspects).toEqual(suspects.slice(0, 3));
  }, 180_000);

  it("prints a table: rank, image, given → suggested, p(given), issue", async () => {
    const c = captureIo();
    expect(await cleanCli([path.join(root, "colors"), "--top", "5", ...BACKBONE], c.io)).toBe(0);
    const text = c.out();
    expect(text).toMatch(/#\s+image\s+given → suggested\s+p\(given\)\s+issue\s+why/);
    // The dataset is outside the working directory: its paths are printed absolute, and the
    // last line says how paths are printed.
    const at = (rel: string): string => path.join(root, rel).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(text).toMatch(new RegExp(`${at("colors/green/looks-red.png")}\\s+green → red\\s+0\\.\\d\\d\\s+label`));
    // A duplicate says what it duplicates.
    expect(text).toMatch(new RegExp(`${at("colors/blue/blue-0 copy.png")}\\s+blue\\s+\\S+\\s+duplicate\\s+exact copy of ${at("colors/blue/blue-0.png")}`));
    expect(text).toMatch(new RegExp(`unreadable: ${at("colors/blue/broken.png")}`));
    expect(text).toContain(`Paths are relative to the working directory ${process.cwd()} (absolute when outside it).`);
    expect(text.split("\n").filter((l) => /^\s*\d+\s+\//.test(l)).length).toBeLessThanOrEqual(5);
  }, 120_000);

  it("bad input: clear messages on stderr, exit 1 for the data, 2 for usage (flags, before anything loads)", async () => {
    const cases: [string[], number, RegExp][] = [
      [[path.join(root, "missing")], 1, /is not a folder/],
      [[path.join(root, "colors"), "--folds", "1"], 2, /--folds must be a whole number from 2 to 50; got 1/],
      [[path.join(root, "colors"), "--method", "vibes"], 2, /--method must be one of below_threshold, confident_learning, .*; got "vibes"/],
      [[path.join(root, "colors"), "--rank-by", "luck"], 2, /--rank-by must be one of log_ratio, self_confidence; got "luck"/],
      [[path.join(root, "colors"), "--repeats", "0"], 2, /--repeats must be a whole number from 1 to 20; got 0/],
      [[path.join(root, "colors"), "--repeats", "1.5"], 2, /--repeats must be a whole number from 1 to 20; got 1.5/],
      [[path.join(root, "colors"), "--top", "0"], 2, /--top must be a whole number of at least 1; got 0/],
      [[path.join(root, "solo")], 1, /at least two labels/],
      [[path.join(root, "colors"), "--bogus"], 2, /unknown option --bogus/],
      [[], 2, /give exactly one dataset folder/],
    ];
    for (const [args, code, message] of cases) {
      const c = captureIo();
      expect(await cleanCli(args, c.io), args.join(" ")).toBe(code);
      expect(c.err()).toMatch(message);
      expect(c.out()).toBe("");
    }
    const j = captureIo();
    expect(await cleanCli([path.join(root, "missing"), "--json"], j.io)).toBe(1);
    const error = JSON.parse(j.out()) as { error: string };
    expect(Object.keys(error)).toEqual(["error"]);
    expect(error.error).toMatch(/is not a folder/);
  }, 120_000);
});
