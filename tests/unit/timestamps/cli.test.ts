import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli/args";
import { run } from "../../../src/cli/timestamps";

const ROOT = path.resolve(__dirname, "../../..");
const FIXTURE = path.join(ROOT, "tests/fixtures/Lesson 2.md");
const KEYS = ["file", "line", "text", "seconds", "label", "video", "error"];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const tmp = mkdtempSync(path.join(tmpdir(), "lesson-lab-ts-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

describe("parseArgs", () => {
  const spec = { json: "boolean", vault: "string", epochs: "number", help: { type: "boolean", short: "h" } } as const;

  it("reads positionals, --flag value, --flag=value and booleans", () => {
    expect(parseArgs(["a.md", "--json", "--vault", "V", "b.md", "--epochs=3"], spec)).toEqual({
      positional: ["a.md", "b.md"],
      flags: { json: true, vault: "V", epochs: 3 },
    });
    expect(parseArgs(["--json=false", "-h", "--", "--json", "-x"], spec)).toEqual({
      positional: ["--json", "-x"],
      flags: { json: false, help: true },
    });
    expect(parseArgs(["-", "-5", "--epochs", "-2"], spec)).toEqual({ positional: ["-", "-5"], flags: { epochs: -2 } });
    expect(parseArgs(["--vault=a=b", "--vault="], spec)).toEqual({ positional: [], flags: { vault: "" } });
  });

  it.each([
    [["--bogus"], /unknown option --bogus/],
    [["--"], null],
    [["--=x"], /unknown option --$/],
    [["-x"], /unknown option -x/],
    [["--vault"], /--vault needs a value/],
    [["--vault", "--json"], /--vault needs a value/],
    [["--epochs", "many"], /--epochs needs a number, not "many"/],
    [["--epochs="], /--epochs needs a number/],
    [["--json=maybe"], /--json is a switch/],
    [["--toString"], /unknown option --toString/],
  ])("%j → %s", (argv, message) => {
    const r = parseArgs(argv, spec);
    if (message === null) expect(r).toEqual({ positional: [], flags: {} });
    else expect("error" in r ? r.error : "no error").toMatch(message);
  });
});

describe("timestamps command", () => {
  it("lists the sample's timestamps as text", async () => {
    const { code, out, err } = await cli([FIXTURE]);
    expect(code).toBe(0);
    expect(err).toBe("");
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe(`${FIXTURE}:16  06:45  (405 s)  Data cleaning  → youtube F4tvM4Vb3A0`);
    expect(lines[1]).toBe(`${FIXTURE}:31  27:12  (1632 s)  How to put your model into production  → youtube F4tvM4Vb3A0`);
    expect(lines[2]).toBe("2 timestamps in 1 file, 0 errors");
  });

  it("keeps the --json contract: one array, exactly these keys in this order", async () => {
    const { code, out } = await cli(["--json", FIXTURE]);
    expect(code).toBe(0);
    const records = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(KEYS);
      expect(Object.keys(r.video as object)).toEqual(["kind", "id", "url"]);
    }
    expect(records[0]).toEqual({
      file: FIXTURE,
      line: 16,
      text: "06:45",
      seconds: 405,
      label: "Data cleaning",
      video: { kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" },
      error: null,
    });
    expect(records[1]).toMatchObject({ line: 31, seconds: 1632, label: "How to put your model into production" });
  });

  it("reports timestamp errors in the listing and still exits 0", async () => {
    const p = write("errors.md", "```timestamp\n06:45 Intro\n6:75\n```\n");
    const { code, out } = await cli(["--json", p]);
    expect(code).toBe(0);
    const records = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(records.map((r) => [r.line, r.seconds, r.video, typeof r.error])).toEqual([
      [2, null, null, "string"],
      [3, null, null, "string"],
    ]);
    expect(records[0].label).toBe("Intro");
    const text = await cli([p]);
    expect(text.out).toContain(`${p}:3  6:75  error: seconds must be below 60`);
    expect(text.out).toContain("2 timestamps in 1 file, 2 errors");
  });

  it("goes on after a missing file, says so on stderr and exits 1", async () => {
    const missing = path.join(tmp, "missing.md");
    const { code, out, err } = await cli(["--json", missing, FIXTURE]);
    expect(code).toBe(1);
    expect(err).toContain(`cannot read "${missing}": no such file or directory`);
    expect((JSON.parse(out) as unknown[]).length).toBe(2);
  });

  it("gives usage and exit 2 without files or with an unknown option", async () => {
    for (const args of [[], ["--nope", FIXTURE], ["--vault", path.join(tmp, "no-such-dir"), FIXTURE]]) {
      const { code, out, err } = await cli(args);
      expect(code, JSON.stringify(args)).toBe(2);
      expect(out).toBe("");
      expect(err).toMatch(/lesson-lab timestamps: /);
    }
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: lesson-lab timestamps/);
  });

  it("lists the .md files of a directory recursively and parses other files as text", async () => {
    const dir = path.join(tmp, "notes");
    copyFileSync(FIXTURE, write("notes/b/Lesson 2.md", ""));
    write("notes/a.md", "---\nvideo: https://vimeo.com/76979871\n---\n`@1:00`\n");
    write("notes/skip.txt", "`@9:00`");
    write("notes/.hidden/c.md", "`@9:00`");
    const txt = write("plain.txt", "---\nvideo: https://vimeo.com/76979871\n---\n`@2:00 Text file`\n");
    const { code, out } = await cli(["--json", dir, txt]);
    expect(code).toBe(0);
    const records = JSON.parse(out) as Array<{ file: string; seconds: number; label: string }>;
    expect(records.map((r) => [path.relative(tmp, r.file), r.seconds])).toEqual([
      ["notes/a.md", 60],
      ["notes/b/Lesson 2.md", 405],
      ["notes/b/Lesson 2.md", 1632],
      ["plain.txt", 120],
    ]);
    expect(records[3].label).toBe("Text file");
    const empty = path.join(tmp, "empty-dir");
    mkdirSync(empty, { recursive: true });
    const none = await cli([empty]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("no .md files");
  });

  it("says when a note has no timestamps", async () => {
    const p = write("plain.md", "# nothing here\n");
    const { code, out } = await cli([p]);
    expect(code).toBe(0);
    expect(out).toContain(`${p}: no timestamps`);
  });

  describe("vault videos", () => {
    const vault = path.join(tmp, "vault");
    write("vault/.obsidian/app.json", "{}");
    write("vault/media/lesson 3.mp4", "not really a video");
    write("vault/other/lesson 3.mp4", "a deeper twin");
    write("vault/course/week1/clip.webm", "x");
    write("vault/course/week1/deep/clip.webm", "x");
    const noteText = [
      "```timestamp-url",
      "[[lesson 3.mp4]]",
      "```",
      "`@0:01 by name`",
      "```timestamp-url",
      "![[other/lesson 3.mp4|alias]]",
      "```",
      "`@0:02 by path`",
      "```timestamp-url",
      "clip.webm",
      "```",
      "`@0:03 beside the note`",
      "```timestamp-url",
      "[[gone.mp4]]",
      "```",
      "`@0:04 missing`",
      "```timestamp-url",
      "../../../outside.mp4",
      "```",
      "`@0:05 escape`",
      "```timestamp-url",
      "./deep/clip.webm",
      "```",
      "`@0:06 relative`",
    ].join("\n");
    const notePath = write("vault/course/week1/Lesson 3.md", noteText);

    it("resolves links from the nearest vault root like Obsidian", async () => {
      const { code, out } = await cli(["--json", notePath]);
      expect(code).toBe(0);
      const records = JSON.parse(out) as Array<{ label: string; video: { id: string; url: string } | null; error: string | null; seconds: number | null }>;
      const byLabel = Object.fromEntries(records.map((r) => [r.label, r]));
      expect(byLabel["by name"].video).toEqual({ kind: "vault", id: "media/lesson 3.mp4", url: "lesson 3.mp4" });
      expect(byLabel["by path"].video?.id).toBe("other/lesson 3.mp4");
      expect(byLabel["beside the note"].video?.id).toBe("course/week1/clip.webm");
      expect(byLabel["relative"].video?.id).toBe("course/week1/deep/clip.webm");
      expect(byLabel["missing"]).toMatchObject({ video: null, seconds: null });
      expect(byLabel["missing"].error).toMatch(/^vault file not found: "gone.mp4"/);
      expect(byLabel["escape"].error).toMatch(/^vault file outside the vault/);
    });

    it("uses --vault when given, else the note's folder", async () => {
      const lone = write("lone/Note.md", "```timestamp-url\n[[v.mp4]]\n```\n`@0:01`\n");
      write("lone/v.mp4", "x");
      const { out } = await cli(["--json", lone]);
      expect((JSON.parse(out) as Array<{ video: { id: string } }>)[0].video.id).toBe("v.mp4");
      const other = await cli(["--json", "--vault", vault, lone]);
      expect((JSON.parse(other.out) as Array<{ error: string }>)[0].error).toMatch(/vault file not found/);
    });
  });

  it("runs through the CLI dispatcher as a separate process", async () => {
    const tsx = path.join(ROOT, "node_modules/.bin/tsx");
    const { stdout } = await promisify(execFile)(tsx, ["src/cli/main.ts", "timestamps", "--json", "tests/fixtures/Lesson 2.md"], {
      cwd: ROOT,
    });
    const records = JSON.parse(stdout) as Array<{ file: string; seconds: number }>;
    expect(records.map((r) => [r.file, r.seconds])).toEqual([
      ["tests/fixtures/Lesson 2.md", 405],
      ["tests/fixtures/Lesson 2.md", 1632],
    ]);
  });
});

describe("text output never passes invisible or direction-changing characters to the terminal (QA 17)", () => {
  it("labels, file names and messages show them as \\u{XXXX}", async () => {
    const file = path.join(tmp, "bidi\u202Eevil.md");
    writeFileSync(file, ["```timestamp-url", "https://youtu.be/Qm4x7-Lb_2c\u202E", "```", "```timestamp", "1:00", "```",
      "```timestamp-url", "https://youtu.be/Qm4x7-Lb_2c", "```", "```timestamp", "2:00 a\u200Bb", "```", ""].join("\n"));
    const r = await cli([file]);
    expect(r.out).not.toMatch(/[\u200B\u202E]/);
    expect(r.out).toContain("bidi\\u{202E}evil.md:5");
    expect(r.out).toContain("a\\u{200B}b");
    expect(r.out).toContain('"https://youtu.be/Qm4x7-Lb_2c\\u{202E}" contains invisible or text-direction characters');
  });
});

// QA 1 (/work/coord/reports/qa1.md), findings 4, 5, 8 and 15; notes in tests/fixtures/qa1/.
describe("QA 1: errors as JSON, wrong-case and unclosed blocks, file counts, links", () => {
  const QA = path.join(ROOT, "tests/fixtures/qa1");

  it("--json prints {error} when no file could be read or on a usage error (#4)", async () => {
    const missing = path.join(tmp, "nope.md");
    const one = await cli([missing, "--json"]);
    expect(one.code).toBe(1);
    expect(JSON.parse(one.out)).toEqual({ error: `cannot read "${missing}": no such file or directory` });
    const emptyDir = path.join(tmp, "empty-for-json");
    mkdirSync(emptyDir, { recursive: true });
    const dir = await cli([emptyDir, "--json"]);
    expect(dir.code).toBe(1);
    expect((JSON.parse(dir.out) as { error: string }).error).toContain("no .md files");
    for (const args of [["--json"], ["--json", "--nope", FIXTURE], ["--json", "--vault", path.join(tmp, "no-such-dir"), FIXTURE]]) {
      const r = await cli(args);
      expect(r.code, JSON.stringify(args)).toBe(2);
      expect(typeof (JSON.parse(r.out) as { error: unknown }).error).toBe("string");
    }
  });

  it("reports ```TIMESTAMP and ```Timestamp-URL with the fix, so the time below is not silently bound to another video (#5)", async () => {
    const note = path.join(QA, "uppercase.md");
    const { code, out } = await cli(["--json", note]);
    expect(code).toBe(0);
    const records = JSON.parse(out) as Array<Record<string, unknown>>;
    for (const r of records) expect(Object.keys(r)).toEqual(KEYS);
    expect(records.map((r) => [r.line, r.text, r.seconds])).toEqual([
      [4, "```TIMESTAMP", null],
      [7, "```Timestamp-URL", null],
      [11, "02:00", 120],
    ]);
    expect(records[0].error).toContain("write ```timestamp");
    expect(records[1].error).toContain("write ```timestamp-url");
    const text = await cli([note]);
    expect(text.out).toContain(`${note}:7  \`\`\`Timestamp-URL  error: \`\`\`Timestamp-URL is shown as plain code: block names are case-sensitive; write \`\`\`timestamp-url`);
    expect(text.out).toContain("1 timestamp in 1 file, 2 errors");
    const other = write("misnamed-mixed.md", "```TimeStamp\n1:00\n```\n```timestamp\n2:00\n");
    const mixed = JSON.parse((await cli(["--json", other])).out) as Array<{ line: number; text: string; error: string | null }>;
    expect(mixed.map((r) => [r.line, r.text])).toEqual([[1, "```TimeStamp"], [4, "```timestamp"], [5, "2:00"]]);
    expect(mixed[1].error).toContain("not closed");
  });

  it("counts every file read in the summary, with or without timestamps (#8)", async () => {
    const { out } = await cli([path.join(QA, "plain.md"), path.join(QA, "lists.md")]);
    expect(out.trimEnd().split("\n").pop()).toBe("7 timestamps in 2 files, 0 errors");
    const none = await cli([path.join(QA, "plain.md")]);
    expect(none.out.trimEnd().split("\n").pop()).toBe("0 timestamps in 1 file, 0 errors");
  });

  it("names each link it does not follow inside a directory (#15)", async () => {
    const dir = path.join(tmp, "links");
    copyFileSync(path.join(QA, "lists.md"), write("links/lists.md", ""));
    symlinkSync(path.join(ROOT, "tests/fixtures"), path.join(dir, "outside"));
    symlinkSync(dir, path.join(dir, "self"));
    const { code, out, err } = await cli([dir]);
    expect(code).toBe(0);
    expect(out).toContain("7 timestamps in 1 file");
    expect(err).toContain(`not followed: "${path.join(dir, "outside")}" is a link`);
    expect(err).toContain(`not followed: "${path.join(dir, "self")}" is a link`);
  });
});
