// The front-matter table (tests/fixtures/frontmatter-table.ts) through the core: readFrontMatter,
// the `video` property and the timestamp below it; and the metadata cache's value taking over.
import { describe, expect, it, vi } from "vitest";
import { frontmatterVideoOf, readFrontMatter, videoText } from "../../../src/timestamps/frontmatter";
import { NO_VIDEO_ERROR, problemsOf, scanNote } from "../../../src/timestamps/note";
import { FRONTMATTER_CASES } from "../../fixtures/frontmatter-table";

const lines = (text: string): string[] => text.split(/\r\n|\r|\n/);

describe("the front-matter table through scanNote", () => {
  it.each(FRONTMATTER_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const scan = scanNote(c.note);
    const stamp = scan.timestamps[0];
    expect(scan.timestamps).toHaveLength(1);
    const e = c.expected;
    if ("video" in e) {
      expect(scan.frontmatterVideo).toMatchObject({ video: e.video, error: null, line: e.line });
      expect(stamp).toMatchObject({ seconds: 60, video: e.video, error: null });
      expect(problemsOf(scan)).toEqual([]);
    } else if ("error" in e) {
      expect(scan.frontmatterVideo?.video).toBeNull();
      expect(scan.frontmatterVideo?.error).toMatch(e.error);
      expect(scan.frontmatterVideo?.line).toBe(e.line);
      expect(stamp.seconds).toBeNull();
      expect(stamp.error).toMatch(/^the `video` property is invalid: /);
      expect(problemsOf(scan)[0]).toMatchObject({ line: e.line, message: expect.stringMatching(/^video property: /) as string });
    } else {
      expect(scan.frontmatterVideo).toBeNull();
      expect(stamp).toMatchObject({ seconds: null, video: null, error: NO_VIDEO_ERROR });
    }
  });

  it("with the metadata cache's value, that value is played, never a reading of the text", () => {
    // The cache holds another video than the text for every case: only the key's line comes from the text.
    const other = { kind: "vimeo", id: "70315642", url: "https://vimeo.com/70315642" };
    const refuse = (): never => {
      throw new Error("the text was parsed although the cache had the value");
    };
    for (const c of FRONTMATTER_CASES) {
      if (c.badYaml === true || !("video" in c.expected || "error" in c.expected)) continue;
      // The key as the text spells it (Obsidian's cache keeps the spelling), first of those equal but for case.
      const key = [...(readFrontMatter(lines(c.note.replace(/^\uFEFF/, "")))?.keyLines.keys() ?? [])].find((k) => k.toLowerCase() === "video") ?? "video";
      const scan = scanNote(c.note, { [key]: other.url }, refuse);
      expect(scan.frontmatterVideo, c.name).toEqual({ raw: other.url, video: other, error: null, line: c.expected.line });
      expect(scan.timestamps[0]?.video, c.name).toEqual(other);
    }
  });
});

describe("readFrontMatter", () => {
  it("needs --- on the first line and a closing --- or ...", () => {
    expect(readFrontMatter(lines("video: x\n---"))).toBeNull();
    expect(readFrontMatter(lines("\n---\nvideo: x\n---"))).toBeNull();
    expect(readFrontMatter(lines("---\nvideo: x"))).toBeNull();
    expect(readFrontMatter(lines("---\n---\nbody"))).toMatchObject({ data: {}, error: null, bodyStart: 2 });
  });

  it("gives each top-level key's note line", () => {
    const fm = readFrontMatter(lines("---\ntitle: a\ntags:\n  - b\n'video': c\n---"));
    expect([...(fm?.keyLines ?? new Map<string, number>()).entries()]).toEqual([["title", 1], ["tags", 2], ["video", 4]]);
  });

  it("refuses YAML that is not a map of properties, with a message", () => {
    expect(readFrontMatter(lines("---\n- a\n- b\n---"))?.error?.message).toMatch(/not a list of properties/);
    expect(readFrontMatter(lines("---\njust text\n---"))?.error?.message).toMatch(/not a list of properties/);
  });

  it("never throws on hostile YAML: alias bombs and custom tags are errors or plain values", () => {
    const levels = "abcdefghi".split("").map((n, i, all) => (i === 0 ? `${n}: &${n} [x, x, x, x, x, x, x, x, x]` : `${n}: &${n} [${Array(9).fill(`*${all[i - 1]}`).join(", ")}]`));
    const bomb = ["---", ...levels, "video: https://youtu.be/Qm4x7-Lb_2c", "---"];
    const fm = readFrontMatter(bomb);
    expect(fm?.data).toBeNull();
    expect(fm?.error).toEqual({ message: "its aliases (*name) repeat content more than 10000 times", line: 1, syntax: true });
    expect(() => frontmatterVideoOf(["---", "video: !!js/function 'x'", "---"])).not.toThrow();
    expect(() => frontmatterVideoOf(["---", "video: !!binary aGk=", "---"])).not.toThrow();
  });
});

describe("front matter the QA of issue 17 found mishandled", () => {
  const URL = "https://youtu.be/Qm4x7-Lb_2c";
  it("a scalar repeated by 150 aliases is read (Obsidian reads it too)", () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `k${i}: *a`);
    const fm = frontmatterVideoOf(["---", "a: &a x", ...aliases, `video: ${URL}`, "---"]);
    expect(fm.video).toMatchObject({ error: null, line: 152, video: { kind: "youtube" } });
  });

  it("40,000 keys are read in one pass, with the video's line (no quadratic duplicate-key check)", () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `key${i}: value ${i}`);
    const fm = frontmatterVideoOf(["---", ...keys, `video: ${URL}`, "---"]);
    expect(fm.video).toMatchObject({ error: null, line: 40_001 });
  });

  it("front matter over 1 MiB is refused with its size", () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `key${i}: ${"x".repeat(24)}`);
    const fm = frontmatterVideoOf(["---", `video: ${URL}`, ...keys, "---"]);
    expect(fm.video?.error).toMatch(/^the front matter cannot be read \(line 2: it is 1\d{3} KB; front matter is read up to 1024 KB\)/);
  });

  it("deep nesting is a message, not a stack overflow", () => {
    const deep = `x: ${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const fm = frontmatterVideoOf(["---", `video: ${URL}`, deep, "---"]);
    expect(fm.video?.error).toMatch(/^the front matter (cannot be read|is not valid YAML) \(line \d+: it is nested too deeply to read\)/);
  });

  it("a collection used as a key prints no warning", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const log = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    frontmatterVideoOf(["---", "? [video]", `: ${URL}`, "---"]);
    expect([warn.mock.calls.length, log.mock.calls.length]).toEqual([0, 0]);
    warn.mockRestore();
    log.mockRestore();
  });
});

describe("videoText", () => {
  it.each([
    [" https://youtu.be/x ", "https://youtu.be/x"],
    [["https://youtu.be/x"], "https://youtu.be/x"],
    [[["lesson.mp4"]], "[[lesson.mp4]]"],
    [[[["lesson.mp4"]]], "[[lesson.mp4]]"],
    ["", null],
    [[], null],
    [null, null],
    [[null], null],
    [7, "7"],
  ])("%j → %j", (value, text) => {
    expect(videoText(value)).toEqual(text);
  });

  it.each([[["a", "b"]], [{ url: "x" }], [[{ url: "x" }]], [[["a", "b"]]]])("%j is an error", (value) => {
    expect(videoText(value)).toMatchObject({ error: expect.any(String) as string });
  });
});

describe("the yaml library stays out of the app's start-up code", () => {
  it("only the CLI's reader (src/timestamps/frontmatter-yaml.ts) imports it among the timestamps and plugin sources", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const path = await import("node:path");
    const files = [...(await readdir("src/timestamps", { recursive: true })).map((f) => path.join("src/timestamps", f)), "src/plugin.ts", "main.ts"];
    const importers: string[] = [];
    for (const f of files.filter((x) => x.endsWith(".ts"))) {
      if (/from\s+"yaml"|import\("yaml"\)/.test(await readFile(f, "utf8"))) importers.push(f.split(path.sep).join("/"));
    }
    expect(importers).toEqual(["src/timestamps/frontmatter-yaml.ts"]);
  });
});
