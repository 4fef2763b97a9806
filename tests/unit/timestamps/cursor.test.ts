// The pure lookup behind "Play this timestamp": which timestamp, and which video,
// line L column C of a note is on.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanNote } from "../../../src/timestamps/note";
import { timestampAtCursor } from "../../../src/timestamps/binding-queries";

const YT = { kind: "youtube" as const, id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" };
const SHARED = path.resolve(__dirname, "../../../../shared/samples/Lesson 2.md");
const FIXTURE = path.resolve(__dirname, "../../fixtures/Lesson 2.md");

function at(text: string, line: number, ch: number) {
  return timestampAtCursor(scanNote(text), line, ch);
}

function target(text: string, line: number, ch: number) {
  return at(text, line, ch)?.target ?? null;
}

const NOTE = [
  "---", // 0
  "video: https://youtu.be/F4tvM4Vb3A0", // 1
  "---", // 2
  "Cleaning at `@06:45 Data cleaning`, deploy at `@27:12`.", // 3
  "No timestamp here, only `code`.", // 4
  "```timestamp", // 5
  "1:00 Intro", // 6
  "", // 7
  "2:00", // 8
  "```", // 9
  "```python", // 10
  "x = `@00:10`", // 11
  "```", // 12
  "Broken `@1x:00` here.", // 13
].join("\n");

describe("timestamp at the cursor", () => {
  it("finds the inline timestamp on the cursor line, with the note's video", () => {
    const found = at(NOTE, 3, 15);
    expect(found?.entry).toMatchObject({ source: "inline", text: "06:45", label: "Data cleaning", line: 3 });
    expect(found?.target).toEqual({ video: YT, seconds: 405 });
    expect(found?.problem).toBeNull();
  });

  it("with two inline timestamps on a line, picks the one the cursor touches, else the nearest", () => {
    const line = NOTE.split("\n")[3] ?? "";
    const first = line.indexOf("`@06:45");
    const second = line.indexOf("`@27:12");
    const firstEnd = line.indexOf("`,") + 1;
    expect(target(NOTE, 3, 0)?.seconds).toBe(405); // line start: the first is nearest
    expect(target(NOTE, 3, first)?.seconds).toBe(405); // just before its backtick
    expect(target(NOTE, 3, firstEnd)?.seconds).toBe(405); // just after its closing backtick
    expect(target(NOTE, 3, second)?.seconds).toBe(1632);
    expect(target(NOTE, 3, second + 4)?.seconds).toBe(1632);
    expect(target(NOTE, 3, line.length)?.seconds).toBe(1632); // line end: the second is nearest
    expect(target(NOTE, 3, second - 2)?.seconds).toBe(1632); // in the text between, nearer the second
    expect(target(NOTE, 3, firstEnd + 2)?.seconds).toBe(405); // nearer the first
  });

  it("inside a ```timestamp block takes the time on the cursor line, else the nearest", () => {
    expect(at(NOTE, 6, 2)?.target).toEqual({ video: YT, seconds: 60 });
    expect(at(NOTE, 6, 2)?.entry).toMatchObject({ source: "block", label: "Intro" });
    expect(target(NOTE, 8, 0)?.seconds).toBe(120);
    expect(target(NOTE, 7, 0)?.seconds).toBe(60); // a blank line between two: the earlier on a tie
  });

  it("on a block's fences takes its first time from the opening fence and its last from the closing one", () => {
    expect(target(NOTE, 5, 0)?.seconds).toBe(60);
    expect(target(NOTE, 5, 12)?.seconds).toBe(60);
    expect(target(NOTE, 9, 3)?.seconds).toBe(120);
  });

  it("is null outside everything: plain text, other code, another fenced block, the frontmatter", () => {
    expect(at(NOTE, 4, 5)).toBeNull();
    expect(at(NOTE, 4, 26)).toBeNull(); // `code` is not a timestamp
    expect(at(NOTE, 11, 6)).toBeNull(); // inline syntax inside a python block is code
    expect(at(NOTE, 10, 0)).toBeNull();
    expect(at(NOTE, 12, 0)).toBeNull();
    expect(at(NOTE, 1, 10)).toBeNull();
    expect(at(NOTE, 99, 0)).toBeNull();
    const url = "```timestamp-url\nhttps://youtu.be/F4tvM4Vb3A0\n```\n";
    expect(at(url, 1, 3)).toBeNull(); // a video block is not a timestamp
    expect(at("", 0, 0)).toBeNull();
  });

  it("an invalid time is found but cannot be played: a clear problem instead of a target", () => {
    const inline = at(NOTE, 13, 9);
    expect(inline?.target).toBeNull();
    expect(inline?.entry.error).toMatch(/not a time/);
    expect(inline?.problem).toBe(`Cannot play this timestamp: ${inline?.entry.error ?? ""}.`);
    expect(inline?.problem).toContain('"1x:00"');

    const block = at("```timestamp-url\nhttps://youtu.be/F4tvM4Vb3A0\n```\n```timestamp\n6:7x\n```\n", 4, 1);
    expect(block?.target).toBeNull();
    expect(block?.problem).toMatch(/^Cannot play this timestamp: not a time: "6:7x"/);

    const seconds = at("---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\n```timestamp\n6:75\n```\n", 4, 0);
    expect(seconds?.problem).toMatch(/^Cannot play this timestamp: seconds must be below 60/);

    const empty = at("---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\n```timestamp\n\n```\n", 4, 0);
    expect(empty?.problem).toBe("Cannot play this timestamp: empty timestamp block.");
  });

  it("a timestamp without a video says so, and names an invalid video above it", () => {
    const none = at("See `@1:00`.\n```timestamp\n2:00\n```\n", 0, 5);
    expect(none?.target).toBeNull();
    expect(none?.problem).toBe("No video for this timestamp: add a video block above it or a video property.");
    expect(at("See `@1:00`.\n```timestamp\n2:00\n```\n", 2, 0)?.problem).toBe(none?.problem);

    const invalid = at("```timestamp-url\nnope\n```\nSee `@1:00`.\n", 3, 5);
    expect(invalid?.target).toBeNull();
    expect(invalid?.problem).toMatch(/^No video for this timestamp: the video block above \(line 1\) is invalid: /);

    const property = at("---\nvideo: javascript:alert(1)\n---\n`@1:00`\n", 3, 0);
    expect(property?.problem).toMatch(/^No video for this timestamp: the `video` property is invalid: /);
  });

  it("follows the nearest video block above, as a click does", () => {
    const text = "---\nvideo: https://vimeo.com/76979871\n---\n`@0:10`\n```timestamp-url\nhttps://youtu.be/F4tvM4Vb3A0\n```\n`@0:20`\n";
    expect(target(text, 3, 0)).toEqual({ video: { kind: "vimeo", id: "76979871", url: "https://vimeo.com/76979871" }, seconds: 10 });
    expect(target(text, 7, 0)).toEqual({ video: YT, seconds: 20 });
  });

  it("reads CRLF notes and blocks inside list items and quotes", () => {
    const crlf = "---\r\nvideo: https://youtu.be/F4tvM4Vb3A0\r\n---\r\n```timestamp\r\n0:30\r\n```\r\n";
    expect(target(crlf, 4, 0)?.seconds).toBe(30);
    const nested = "---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\n- item\n  ```timestamp\n  0:40\n  ```\n> ```timestamp\n> 0:50\n> ```\n";
    expect(target(nested, 5, 3)?.seconds).toBe(40);
    expect(target(nested, 6, 0)?.seconds).toBe(40);
    expect(target(nested, 8, 0)?.seconds).toBe(50);
    expect(target(nested, 9, 0)?.seconds).toBe(50);
    expect(at(nested, 3, 0)).toBeNull();
  });
});

const samples: Array<[string, string]> = [];
if (existsSync(SHARED)) samples.push(["the shared sample", SHARED]);
samples.push(["the fixture copy", FIXTURE]);

describe.each(samples)("timestamp at the cursor in %s (Lesson 2.md, blocks with stray spaces)", (_name, file) => {
  const text = readFileSync(file, "utf8");
  const lines = text.split(/\r\n|\r|\n/);

  it("the file is the one with the stray spaces", () => {
    expect(lines[10]).toBe("```timestamp-url ");
    expect(lines[14]).toBe("```timestamp ");
    expect(lines[15]).toBe(" 06:45");
    expect(lines[16]).toBe(" ```");
  });

  it("plays 06:45 from every line of its first block, fences included, and 27:12 from the second", () => {
    for (const line of [14, 15, 16]) {
      for (const ch of [0, 1, (lines[line] ?? "").length]) expect(at(text, line, ch)?.target).toEqual({ video: YT, seconds: 405 });
    }
    for (const line of [29, 30, 31]) expect(at(text, line, 0)?.target).toEqual({ video: YT, seconds: 1632 });
  });

  it("offers nothing on the video block, the headings, the python block or the prose", () => {
    for (const line of [0, 6, 9, 10, 11, 12, 13, 17, 19, 21, 27, 32, 40]) expect(at(text, line, 0), `line ${line}`).toBeNull();
  });
});
