import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  EMPTY_BLOCK_ERROR,
  entriesForBlockAt,
  NO_VIDEO_ERROR,
  parseTimestampBlockSource,
  problemsOf,
  scanNote,
} from "../../../src/timestamps/note";

const FIXTURE = path.resolve(__dirname, "../../fixtures/Lesson 2.md");
const SHARED = path.resolve(__dirname, "../../../../shared/samples/Lesson 2.md");
const samples: Array<[string, string]> = [["fixture", readFileSync(FIXTURE, "utf8")]];
if (existsSync(SHARED)) samples.push(["shared sample", readFileSync(SHARED, "utf8")]);

const YT = { kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" };

function expectSample(text: string): void {
  const scan = scanNote(text);
  expect(scan.frontmatterVideo).toMatchObject({ raw: "https://www.youtube.com/watch?v=F4tvM4Vb3A0", video: YT, error: null });
  expect(scan.videoBlocks).toEqual([{ line: 10, raw: "https://www.youtube.com/watch?v=F4tvM4Vb3A0", video: YT, error: null }]);
  expect(scan.timestamps).toEqual([
    { line: 15, text: "06:45", seconds: 405, label: "", heading: "Data cleaning", video: YT, error: null, source: "block" },
    {
      line: 30,
      text: "27:12",
      seconds: 1632,
      label: "",
      heading: "How to put your model into production",
      video: YT,
      error: null,
      source: "block",
    },
  ]);
  expect(scan.blocks.map((b) => [b.kind, b.startLine, b.endLine, b.closed])).toEqual([
    ["timestamp-url", 10, 12, true],
    ["timestamp", 14, 16, true],
    ["timestamp", 29, 31, true],
  ]);
  expect(problemsOf(scan)).toEqual([]);
}

describe("scanNote on the lesson sample", () => {
  it.each(samples)("reads the %s exactly as written", (_name, text) => {
    expect(text).toContain("```timestamp-url \n");
    expect(text).toContain("\n ```\n");
    expectSample(text);
  });

  it("reads it with CRLF and with lone CR line endings", () => {
    const text = samples[0][1];
    expectSample(text.replace(/\n/g, "\r\n"));
    expectSample(text.replace(/\n/g, "\r"));
  });

  it("gives the adapter each block's entries by its first line", () => {
    const scan = scanNote(samples[0][1]);
    expect(entriesForBlockAt(scan, 14)?.map((e) => e.seconds)).toEqual([405]);
    expect(entriesForBlockAt(scan, 29)?.map((e) => e.seconds)).toEqual([1632]);
    expect(entriesForBlockAt(scan, 10)).toBeNull(); // a timestamp-url block has no entries to give
    expect(entriesForBlockAt(scan, 15)).toBeNull();
    expect(entriesForBlockAt(scan, 13, 20)?.map((e) => e.seconds)).toEqual([405]);
    expect(entriesForBlockAt(scan, 0, 40)).toBeNull(); // two blocks in range: ambiguous
  });
});

const note = (...lines: string[]): string => lines.join("\n");

describe("scanNote: fences", () => {
  it("finds blocks indented in list items and blockquotes", () => {
    const scan = scanNote(
      note(
        "- lesson",
        "  ```timestamp-url",
        "  https://youtu.be/F4tvM4Vb3A0",
        "  ```",
        "- part",
        "    ```timestamp",
        "    06:45 Data cleaning",
        "    ```",
        "> quoted",
        "> ```timestamp",
        "> 27:12",
        ">  ```",
        "1. ```timestamp",
        "   1:00:00",
        "   ```",
        "> - ```timestamp",
        ">   0:30",
        ">   ```",
      ),
    );
    expect(scan.timestamps.map((e) => [e.line, e.seconds, e.label, e.error])).toEqual([
      [6, 405, "Data cleaning", null],
      [10, 1632, "", null],
      [13, 3600, "", null],
      [16, 30, "", null],
    ]);
    expect(scan.timestamps.every((e) => e.video?.id === "F4tvM4Vb3A0")).toBe(true);
  });

  it("ends a blockquoted block where the blockquote ends", () => {
    const scan = scanNote(note("> ```timestamp", "> 1:00", "", "2:00"));
    expect(scan.blocks).toMatchObject([{ kind: "timestamp", startLine: 0, endLine: 1, closed: false }]);
    expect(scan.timestamps.map((e) => e.text)).toEqual(["1:00"]);
  });

  it("supports ~~~ fences, longer fences and closing fences at least as long", () => {
    const scan = scanNote(
      note("~~~timestamp", "0:10", "```", "~~~~", "````timestamp", "0:20", "```", "0:30", "`````", "after"),
    );
    expect(scan.timestamps.map((e) => e.text)).toEqual(["0:10", "```", "0:20", "```", "0:30"]);
    expect(scan.blocks.map((b) => [b.startLine, b.endLine, b.closed])).toEqual([
      [0, 3, true],
      [4, 8, true],
    ]);
  });

  it("ignores blocks of other languages, even when they contain timestamp fences", () => {
    const scan = scanNote(
      note(
        "```python",
        "```timestamp",
        "06:45",
        "```",
        "```timestamps",
        "1:00",
        "```",
        "```",
        "inline `@0:05` in python? no",
        "```",
        "````markdown",
        "```timestamp",
        "0:01",
        "```",
        "````",
      ),
    );
    // The python block closes at line 3; line 4-6 is a `timestamps` (not ours) block; line 7 opens an
    // unnamed block holding line 8, closed at line 9; the markdown block holds a fake timestamp block.
    expect(scan.blocks).toEqual([]);
    expect(scan.timestamps).toEqual([]);
  });

  it("does not take inline code or a backticked info string for a fence", () => {
    const scan = scanNote(note("```timestamp` not a fence", "```js x``` y", "`@0:07`"));
    expect(scan.blocks).toEqual([]);
    expect(scan.timestamps.map((e) => [e.line, e.source])).toEqual([[2, "inline"]]);
  });

  it("runs an unclosed block to the end of the note and says so", () => {
    const scan = scanNote(note("---", "video: https://youtu.be/F4tvM4Vb3A0", "---", "```timestamp", "0:10", "", "0:20 end"));
    expect(scan.blocks).toMatchObject([{ startLine: 3, endLine: 6, closed: false }]);
    expect(scan.timestamps.map((e) => [e.line, e.seconds, e.label, e.heading])).toEqual([
      [4, 10, "", ""],
      [6, 20, "end", ""],
    ]);
    expect(problemsOf(scan)).toEqual([{ line: 3, message: "```timestamp block is not closed (add a closing ``` line)" }]);
  });

  it("accepts the language with trailing text and spaces", () => {
    const scan = scanNote(note("``` timestamp-url  extra ", "https://youtu.be/F4tvM4Vb3A0", "```", "```timestamp {x}", "1:00", "```"));
    expect(scan.timestamps[0]).toMatchObject({ seconds: 60, video: YT });
  });

  it("takes only the registered names in exact case, as Obsidian does, and reports the others with the fix", () => {
    const scan = scanNote(note("---", "video: https://youtu.be/F4tvM4Vb3A0", "---", "```TIMESTAMP", "06:45", "```", "```Timestamp-URL", "https://youtu.be/BBBBBBBBBBB", "```", "```timestamp", "1:00", "```"));
    expect(scan.timestamps.map((e) => [e.text, e.video?.id])).toEqual([["1:00", "F4tvM4Vb3A0"]]);
    expect(scan.misnamedBlocks).toEqual([
      { line: 3, language: "TIMESTAMP", expected: "timestamp" },
      { line: 6, language: "Timestamp-URL", expected: "timestamp-url" },
    ]);
    expect(problemsOf(scan)).toEqual([
      { line: 3, message: "```TIMESTAMP is shown as plain code: block names are case-sensitive; write ```timestamp" },
      { line: 6, message: "```Timestamp-URL is shown as plain code: block names are case-sensitive; write ```timestamp-url" },
    ]);
  });

  it("ignores blocks and inline times inside %% and HTML comments", () => {
    const scan = scanNote(
      note(
        "---",
        "video: https://youtu.be/F4tvM4Vb3A0",
        "---",
        "%%", // 3
        "```timestamp-url",
        "https://youtu.be/BBBBBBBBBBB",
        "```",
        "`@0:01`",
        "%%", // 8
        "a %%`@0:02`%% b `@0:03` c %% hidden `@0:04`", // 9
        "still hidden `@0:05` %% shown `@0:06`", // 10
        "<!--", // 11
        "```timestamp",
        "0:07",
        "```",
        "-->", // 15
        "x <!-- `@0:08` --> `@0:09`", // 16
        "`%%` is code, so `@0:10` shows", // 17
        "```timestamp",
        "0:11 %% not a comment here",
        "```",
      ),
    );
    expect(scan.timestamps.map((e) => [e.line, e.text, e.video?.id])).toEqual([
      [9, "0:03", "F4tvM4Vb3A0"],
      [10, "0:06", "F4tvM4Vb3A0"],
      [16, "0:09", "F4tvM4Vb3A0"],
      [17, "0:10", "F4tvM4Vb3A0"],
      [19, "0:11", "F4tvM4Vb3A0"],
    ]);
    expect(scan.videoBlocks).toEqual([]);
  });

  it("ignores indented code, but not fences indented inside list items or paragraph continuations", () => {
    const scan = scanNote(
      note(
        "---",
        "video: https://youtu.be/F4tvM4Vb3A0",
        "---",
        "", // 3
        "    ```timestamp", // indented code
        "    0:01",
        "    ```",
        "    `@0:02` is code too",
        "", // 8
        "- item",
        "  ```timestamp", // inside the item: a fence
        "  0:03",
        "  ```",
        "", // 13
        "      ```timestamp", // 6 columns under a 2-column item: indented code inside the item
        "      0:04",
        "      ```",
        "", // 17
        "para",
        "    `@0:05` continues the paragraph",
      ),
    );
    expect(scan.timestamps.map((e) => [e.line, e.text])).toEqual([
      [11, "0:03"],
      [19, "0:05"],
    ]);
  });

  it("ends a block inside a list item where the item's content ends", () => {
    const scan = scanNote(note("- ```timestamp", "  0:01", "text", "0:02"));
    expect(scan.blocks).toMatchObject([{ kind: "timestamp", startLine: 0, endLine: 1, closed: false }]);
  });
});

describe("scanNote: timestamp blocks", () => {
  const header = note("```timestamp-url", "https://youtu.be/F4tvM4Vb3A0", "```");

  it("reads several lines with labels and skips blank lines", () => {
    const scan = scanNote(note(header, "```timestamp", "", "06:45 Data cleaning", "  ", "27:12 - Production", "1:02:03", "```"));
    expect(scan.timestamps.map((e) => [e.line, e.text, e.seconds, e.label])).toEqual([
      [5, "06:45", 405, "Data cleaning"],
      [7, "27:12", 1632, "Production"],
      [8, "1:02:03", 3723, ""],
    ]);
  });

  it("reports an empty block as one error entry on its fence line", () => {
    for (const body of [[], ["", "   "]]) {
      const scan = scanNote(note(header, "```timestamp", ...body, "```"));
      expect(scan.timestamps).toEqual([
        { line: 3, text: "", seconds: null, label: "", heading: "", video: YT, error: EMPTY_BLOCK_ERROR, source: "block" },
      ]);
    }
  });

  it("reports invalid times on their own line and keeps the valid ones", () => {
    const scan = scanNote(note(header, "```timestamp", "06:45", "6:75 typo", "abc", "```"));
    expect(scan.timestamps.map((e) => [e.line, e.seconds, e.error === null])).toEqual([
      [4, 405, true],
      [5, null, false],
      [6, null, false],
    ]);
    expect(problemsOf(scan).map((p) => p.line)).toEqual([5, 6]);
    expect(problemsOf(scan)[0].message).toMatch(/below 60 in "6:75"/);
  });

  it("takes the first heading after the block, skipping only blank lines", () => {
    const h = (...after: string[]): string => scanNote(note(header, "```timestamp", "1:00", "```", ...after)).timestamps[0].heading;
    expect(h("## Intro ##")).toBe("Intro");
    expect(h("", "", "### Data #cleaning")).toBe("Data #cleaning");
    expect(h("text", "## Later")).toBe("");
    expect(h("#hashtag")).toBe("");
    expect(h("####### seven")).toBe("");
    expect(h()).toBe("");
    expect(h("", "", "", "", "", "", "## Too far")).toBe("");
  });

  it("splits a block's source for the adapter's fallback", () => {
    expect(parseTimestampBlockSource(" 06:45\n\n27:12 Production\r\nbad")).toEqual([
      { text: "06:45", seconds: 405, label: "", error: null, lineOffset: 0 },
      { text: "27:12", seconds: 1632, label: "Production", error: null, lineOffset: 2 },
      { text: "bad", seconds: null, label: "", error: expect.stringMatching(/not a time/) as string, lineOffset: 3 },
    ]);
    expect(parseTimestampBlockSource("  \n")).toEqual([{ text: "", seconds: null, label: "", error: EMPTY_BLOCK_ERROR, lineOffset: 0 }]);
  });
});

describe("scanNote: which video each timestamp seeks", () => {
  it("uses the nearest video block above, each video for its own timestamps", () => {
    const scan = scanNote(
      note(
        "```timestamp-url",
        "https://youtu.be/F4tvM4Vb3A0",
        "```",
        "```timestamp",
        "1:00",
        "```",
        "```timestamp-url",
        "https://vimeo.com/76979871",
        "```",
        "```timestamp",
        "2:00",
        "```",
        "`@3:00` inline",
        "```timestamp-url",
        "[[lesson 3.mp4]]",
        "```",
        "- `@4:00 In a list`",
      ),
    );
    expect(scan.timestamps.map((e) => [e.text, e.video?.kind, e.video?.id, e.source])).toEqual([
      ["1:00", "youtube", "F4tvM4Vb3A0", "block"],
      ["2:00", "vimeo", "76979871", "block"],
      ["3:00", "vimeo", "76979871", "inline"],
      ["4:00", "vault", "lesson 3.mp4", "inline"],
    ]);
    expect(scan.timestamps[3].label).toBe("In a list");
  });

  it("falls back on the `video` property, in any case, quoted or as a wikilink", () => {
    for (const prop of [
      "video: https://youtu.be/F4tvM4Vb3A0",
      "Video: https://youtu.be/F4tvM4Vb3A0",
      "VIDEO: 'https://youtu.be/F4tvM4Vb3A0'",
      'video: "https://youtu.be/F4tvM4Vb3A0"  ',
      "video: https://youtu.be/F4tvM4Vb3A0 # the lesson",
      '"video": https://youtu.be/F4tvM4Vb3A0',
      "video:\n  - https://youtu.be/F4tvM4Vb3A0",
    ]) {
      const scan = scanNote(note("---", "tags: [a]", prop, "---", "```timestamp", "1:00", "```"));
      expect(scan.timestamps[0], prop).toMatchObject({ seconds: 60, video: YT, error: null });
    }
    const wiki = scanNote(note("---", 'video: "[[media/lesson.mp4]]"', "---", "`@0:01`"));
    expect(wiki.timestamps[0].video).toEqual({ kind: "vault", id: "media/lesson.mp4", url: "media/lesson.mp4" });
  });

  it("prefers a video block above to the property, and uses the property only above the first block", () => {
    const scan = scanNote(
      note("---", "video: https://vimeo.com/76979871", "---", "`@0:01`", "```timestamp-url", "https://youtu.be/F4tvM4Vb3A0", "```", "`@0:02`"),
    );
    expect(scan.timestamps.map((e) => e.video?.kind)).toEqual(["vimeo", "youtube"]);
  });

  it("ignores keys that only contain `video`, and frontmatter that is not at the top", () => {
    expect(scanNote(note("---", "video_url: https://youtu.be/F4tvM4Vb3A0", "---", "`@0:01`")).frontmatterVideo).toBeNull();
    expect(scanNote(note("", "---", "video: https://youtu.be/F4tvM4Vb3A0", "---")).frontmatterVideo).toBeNull();
    expect(scanNote(note("---", "video: https://youtu.be/F4tvM4Vb3A0")).frontmatterVideo).toBeNull(); // never closed
    expect(scanNote(note("---", "video:", "---")).frontmatterVideo).toBeNull();
  });

  it("explains a timestamp without any video", () => {
    const scan = scanNote(note("```timestamp", "06:45", "```"));
    expect(scan.timestamps[0]).toMatchObject({ text: "06:45", seconds: null, video: null, error: NO_VIDEO_ERROR });
    expect(problemsOf(scan)).toEqual([{ line: 1, message: `06:45: ${NO_VIDEO_ERROR}` }]);
  });

  it("blames the invalid video block above, not an older valid one", () => {
    const scan = scanNote(
      note(
        "---",
        "video: https://youtu.be/F4tvM4Vb3A0",
        "---",
        "```timestamp-url",
        "javascript:alert(1)",
        "```",
        "```timestamp",
        "06:45",
        "```",
      ),
    );
    expect(scan.videoBlocks[0]).toMatchObject({ line: 3, video: null, error: expect.stringMatching(/^unsafe URL scheme/) as string });
    expect(scan.timestamps[0]).toMatchObject({ seconds: null, video: null });
    expect(scan.timestamps[0].error).toMatch(/^the video block above \(line 4\) is invalid: unsafe URL scheme "javascript:"/);
    expect(problemsOf(scan).map((p) => p.line)).toEqual([3, 7]);
  });

  it("reports empty and crowded video blocks, and an invalid property", () => {
    const empty = scanNote(note("```timestamp-url", "", "```", "`@1:00`"));
    expect(empty.videoBlocks[0].error).toBe("empty timestamp-url block");
    expect(empty.timestamps[0].error).toMatch(/line 1\) is invalid: empty timestamp-url block/);
    const two = scanNote(note("```timestamp-url", "https://youtu.be/F4tvM4Vb3A0", "https://vimeo.com/1", "```"));
    expect(two.videoBlocks[0].error).toMatch(/one video; this one has 2 lines/);
    const bad = scanNote(note("---", "Video: https://example.com/page", "---", "`@1:00`"));
    expect(bad.frontmatterVideo).toMatchObject({ line: 1, video: null, error: expect.stringMatching(/^unsupported video URL/) as string });
    expect(bad.timestamps[0].error).toMatch(/^the `video` property is invalid: unsupported video URL/);
    expect(problemsOf(bad).map((p) => p.line)).toEqual([1, 3]);
  });
});

describe("scanNote: inline timestamps", () => {
  it("finds them in paragraphs, lists and quotes, in document order with block entries", () => {
    const scan = scanNote(
      note(
        "---",
        "video: https://youtu.be/F4tvM4Vb3A0",
        // Quoted: YAML reserves a backtick at the start of a plain value.
        "note: \"`@9:99` in frontmatter is not scanned\"",
        "---",
        "Intro at `@0:30` and `@0:45 Setup`.",
        "```timestamp",
        "1:00",
        "```",
        "- item `@2:00`",
        "> quote `@3:00`",
        "```js",
        "const t = `@4:00`;",
        "```",
      ),
    );
    expect(scan.timestamps.map((e) => [e.line, e.text, e.source])).toEqual([
      [4, "0:30", "inline"],
      [4, "0:45", "inline"],
      [6, "1:00", "block"],
      [8, "2:00", "inline"],
      [9, "3:00", "inline"],
    ]);
    expect(scan.timestamps.every((e) => e.error === null && e.video?.id === "F4tvM4Vb3A0")).toBe(true);
  });

  it("reports invalid inline times", () => {
    const scan = scanNote(note("---", "video: https://youtu.be/F4tvM4Vb3A0", "---", "see `@1x:00`"));
    expect(scan.timestamps[0]).toMatchObject({ line: 3, text: "1x:00", seconds: null, source: "inline" });
    expect(problemsOf(scan)).toHaveLength(1);
  });
});

describe("scanNoteCached", () => {
  it("scans a text once and gives a fresh scan for a changed text", async () => {
    const { scanNoteCached } = await import("../../../src/timestamps/note");
    const text = "```timestamp-url\nhttps://youtu.be/F4tvM4Vb3A0\n```\n```timestamp\n06:45\n```\n";
    const first = scanNoteCached(text);
    expect(scanNoteCached(text)).toBe(first);
    const edited = scanNoteCached(text.replace("06:45", "07:00"));
    expect(edited).not.toBe(first);
    expect(edited.timestamps[0].seconds).toBe(420);
    expect(first.timestamps[0].seconds).toBe(405);
  });
});

describe("headings of blocks with several times", () => {
  it("title only the block's first time", async () => {
    const { scanNote } = await import("../../../src/timestamps/note");
    const scan = scanNote("---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\n```timestamp\n00:01\n00:05 Named\n00:09\n```\n### Warm-up\n");
    expect(scan.timestamps.map((e) => [e.text, e.label, e.heading])).toEqual([
      ["00:01", "", "Warm-up"],
      ["00:05", "Named", ""],
      ["00:09", "", ""],
    ]);
  });
});

// QA 1 (/work/coord/reports/qa1.md) finding 6: a fenced block in a block quote opened on the list
// marker's line ("- > ```timestamp") is a fence inside a quote inside a list item (CommonMark).
describe("a quote opened on a list marker's line (QA 1 #6)", () => {
  it("finds its fenced blocks, as the other list and quote nestings", () => {
    const note = readFileSync(path.resolve(__dirname, "../../fixtures/qa1/list-quote.md"), "utf8");
    const scan = scanNote(note);
    expect(scan.timestamps.map((t) => [t.line + 1, t.seconds])).toEqual([
      [5, 6],
      [9, 7],
      [14, 8],
      [18, 9],
    ]);
  });

  it("binds a time to a video block opened the same way, and ends the block with the quote", () => {
    const scan = scanNote("* > ```timestamp-url\n  > https://youtu.be/BBBBBBBBBBB\n  > ```\n1. > ```timestamp\n   > 01:00\nafter\n```timestamp\n02:00\n```\n");
    expect(scan.timestamps.map((t) => [t.line + 1, t.seconds, t.video?.id ?? null])).toEqual([
      [5, 60, "BBBBBBBBBBB"],
      [8, 120, "BBBBBBBBBBB"],
    ]);
  });
});
