// @vitest-environment happy-dom
// The URL table and the front-matter table through the CLI's JSON and through the app's renderer
// (the stand-in's Reading view, with the metadata cache indexing each note): each note's timestamp
// must play the expected video in both, or show the expected message in both.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { run, type TimestampRecord } from "../../../../src/cli/timestamps";
import { scanNote } from "../../../../src/timestamps/note";
import type { VideoRef } from "../../../../src/timestamps/types";
import { FRONTMATTER_CASES, VAULT_VIDEO, type FrontmatterExpected } from "../../../fixtures/frontmatter-table";
import { URL_SHAPES, type Expected } from "../../../fixtures/video-url-table";
import { innerSource, makeCtx, makePlugin, processor, type Harness } from "./helpers";

interface TableNote {
  /** Vault-relative path. */
  path: string;
  text: string;
  /** What the note's ```timestamp block (01:00) plays, or the message it shows. */
  expected: { video: VideoRef } | { error: RegExp };
  /** Obsidian cannot index it (invalid YAML): the app reads it from the section text only. */
  unindexed: boolean;
}

const VIDEO_BLOCK_ERROR = /^the video block above \(line 1\) is invalid: /;
const PROPERTY_ERROR = /^the `video` property is invalid: /;

function urlNote(input: string): string {
  return ["```timestamp-url", input, "```", "", "```timestamp", "01:00", "```", ""].join("\n");
}

function fromUrl(e: Expected): TableNote["expected"] {
  return "video" in e ? { video: e.video } : { error: e.error };
}

function fromFrontmatter(e: FrontmatterExpected): TableNote["expected"] {
  if ("video" in e) return { video: e.video };
  if ("error" in e) return { error: e.error };
  return { error: /^no video for this timestamp/ };
}

const NOTES: TableNote[] = [
  ...URL_SHAPES.map((s, i) => ({ path: `urls/${String(i).padStart(3, "0")}.md`, text: urlNote(s.input), expected: fromUrl(s.expected), unindexed: false })),
  ...FRONTMATTER_CASES.map((c, i) => ({
    path: `frontmatter/${String(i).padStart(3, "0")}.md`,
    text: c.note,
    expected: fromFrontmatter(c.expected),
    unindexed: c.badYaml === true,
  })),
];

/** The message of an error after the context's prefix ("the video block above … is invalid: "). */
function bareError(error: string): string {
  return error.replace(VIDEO_BLOCK_ERROR, "").replace(PROPERTY_ERROR, "");
}

function expectOutcome(where: string, got: { video: VideoRef | null; error: string | null }, expected: TableNote["expected"]): void {
  if ("video" in expected) {
    expect(got, where).toEqual({ video: expected.video, error: null });
  } else {
    expect(got.video, where).toBeNull();
    expect(bareError(got.error ?? ""), where).toMatch(expected.error);
  }
}

let vaultDir = "";
const cliRecords = new Map<string, TimestampRecord>();
let builtCli: { code: number | null; stderr: string; stdout: string } = { code: null, stderr: "", stdout: "" };
let inProcessJson = "";

beforeAll(async () => {
  vaultDir = mkdtempSync(path.join(tmpdir(), "lesson-lab-table-"));
  mkdirSync(path.join(vaultDir, ".obsidian"));
  mkdirSync(path.join(vaultDir, path.dirname(VAULT_VIDEO)), { recursive: true });
  writeFileSync(path.join(vaultDir, VAULT_VIDEO), "");
  for (const n of NOTES) {
    mkdirSync(path.join(vaultDir, path.dirname(n.path)), { recursive: true });
    writeFileSync(path.join(vaultDir, n.path), n.text);
  }
  let out = "";
  let err = "";
  const args = [path.join(vaultDir, "urls"), path.join(vaultDir, "frontmatter"), "--json"];
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  expect({ code, err }).toEqual({ code: 0, err: "" });
  for (const r of JSON.parse(out) as TimestampRecord[]) cliRecords.set(path.relative(vaultDir, r.file).split(path.sep).join("/"), r);
  // The built CLI (dist/cli, made by the unit tests' globalSetup) as users run it, over the same
  // notes: its bundle must load the URL and YAML libraries and print the same records.
  const built = spawnSync(process.execPath, [path.resolve(__dirname, "../../../../bin/lesson-lab.mjs"), "timestamps", ...args], { encoding: "utf8", timeout: 60_000 });
  builtCli = { code: built.status, stderr: built.stderr, stdout: built.stdout };
  inProcessJson = out;
});

afterAll(() => rmSync(vaultDir, { recursive: true, force: true }));
afterEach(() => document.body.empty());

describe("the URL and front-matter tables through the CLI's JSON", () => {
  it("the built CLI (bin/lesson-lab.mjs) prints the same records as run() in process", () => {
    expect({ code: builtCli.code, stderr: builtCli.stderr }).toEqual({ code: 0, stderr: "" });
    const records = JSON.parse(builtCli.stdout) as TimestampRecord[];
    expect(records.length).toBe(NOTES.length);
    expect(records).toEqual(JSON.parse(inProcessJson));
  });

  it.each(NOTES.map((n) => [n.path, n] as const))("%s", (_path, n) => {
    const r = cliRecords.get(n.path);
    expect(r, `no record for ${n.path}`).toBeDefined();
    if (!r) return;
    expect(r.seconds).toBe("video" in n.expected ? 60 : null);
    expectOutcome(n.path, { video: r.video, error: r.error }, n.expected);
  });
});

describe("the URL and front-matter tables through the app's renderer", () => {
  let h: Harness;
  const files: Record<string, string> = { [VAULT_VIDEO]: "" };
  for (const n of NOTES) if (!n.unindexed) files[n.path] = n.text;

  beforeAll(async () => {
    h = await makePlugin(files);
  });

  /** Renders the note's ```timestamp block as Reading view does; clicks its link when there is one. */
  async function renderedOutcome(n: TableNote): Promise<{ video: VideoRef | null; error: string | null }> {
    const block = scanNote(n.text).blocks.find((b) => b.kind === "timestamp");
    if (!block) throw new Error(`${n.path} has no timestamp block`);
    const el = document.body.createDiv();
    const ctx = makeCtx(h, n.path, { text: n.text, lineStart: block.startLine, lineEnd: block.endLine });
    await processor(h.plugin, "timestamp")(innerSource(n.text.replace(/\r\n/g, "\n"), block.startLine, block.endLine), el, ctx);
    const link = el.querySelector<HTMLElement>("a.lesson-lab-timestamp");
    if (link === null) {
      const text = el.querySelector(".lesson-lab-error")?.textContent ?? "";
      return { video: null, error: text.replace(/^01:00: /, "") };
    }
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    link.click();
    const call = seek.mock.calls[0];
    seek.mockRestore();
    expect(call?.[1]).toBe(60);
    return { video: call?.[0] ?? null, error: null };
  }

  it.each(NOTES.map((n) => [n.path, n] as const))("%s", async (_path, n) => {
    expectOutcome(n.path, await renderedOutcome(n), n.expected);
    // The app and the CLI agree exactly, message included.
    const r = cliRecords.get(n.path);
    const rendered = await renderedOutcome(n);
    expect(rendered.video, n.path).toEqual(r?.video ?? null);
    if (r?.error) expect(rendered.error, n.path).toBe(r.error);
  });

  it("the `video` property comes from the metadata cache when it differs from the text", async () => {
    const n = NOTES.find((x) => x.path.startsWith("frontmatter/") && "video" in x.expected && x.text.includes("youtu.be"));
    if (!n) throw new Error("no front-matter case with a YouTube video");
    const file = h.app.vault.getFileByPath(n.path);
    if (!file) throw new Error("note not in the stand-in vault");
    const cache = h.app.metadataCache.getFileCache(file);
    if (!cache) throw new Error("the stand-in did not index the note");
    // As Obsidian's cache would hold it after the property was edited in the Properties view.
    h.app.metadataCache.setCache__(n.path, { ...cache, frontmatter: { video: ["https://vimeo.com/70315642"] } });
    const got = await renderedOutcome(n);
    expect(got).toEqual({ video: { kind: "vimeo", id: "70315642", url: "https://vimeo.com/70315642" }, error: null });
  });
});
