// The front-matter table (tests/fixtures/frontmatter-table.ts) through the core: readFrontMatter,
// the `video` property and the timestamp below it; and the metadata cache's value taking over.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { frontmatterVideoOf, readFrontMatter, videoText } from "../../src/timestamps/frontmatter";
import { NO_VIDEO_ERROR, problemsOf, scanNote } from "../../src/timestamps/note";
import { FRONTMATTER_CASES } from "../fixtures/frontmatter-table";

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

  it("the metadata cache's reading gives the same video as the text's, for every case it can index", () => {
    for (const c of FRONTMATTER_CASES) {
      if (c.badYaml === true) continue;
      const ls = lines(c.note.replace(/^\uFEFF/, ""));
      const end = ls.findIndex((l, i) => i > 0 && (l === "---" || l === "..."));
      // What Obsidian keeps: the YAML between the fences, read by a YAML 1.2 parser.
      const cached = (parse(ls.slice(1, end).join("\n")) ?? {}) as Record<string, unknown>;
      expect(scanNote(c.note, cached).frontmatterVideo, c.name).toEqual(scanNote(c.note).frontmatterVideo);
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
    const bomb = ["---", "a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]", "video: https://youtu.be/Qm4x7-Lb_2c", "---"];
    const fm = readFrontMatter(bomb);
    expect(fm?.data === null ? fm.error?.message : "read").toMatch(/alias|read/i);
    expect(() => frontmatterVideoOf(["---", "video: !!js/function 'x'", "---"])).not.toThrow();
    expect(() => frontmatterVideoOf(["---", "video: !!binary aGk=", "---"])).not.toThrow();
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
