import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanNote } from "../../../src/timestamps/note";
import { bindingOf, placeInline } from "../../../src/timestamps/binding";
import { blockEntries, chaptersFor, describeVideo, firstVideo, videoContextAt } from "../../../src/timestamps/binding-queries";

const LESSON = readFileSync(path.resolve(__dirname, "../../fixtures/Lesson 2.md"), "utf8");

const YT = { kind: "youtube" as const, id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" };

describe("note lookups for the adapters", () => {
  it("chapters of the sample lesson take the heading after each block", () => {
    expect(chaptersFor(scanNote(LESSON), YT)).toEqual([
      { seconds: 405, time: "06:45", title: "Data cleaning", line: 15 },
      { seconds: 1632, time: "27:12", title: "How to put your model into production", line: 30 },
    ]);
  });

  it("a multi-time block lends its heading to its first time only; labels win", () => {
    const text = "```timestamp-url\nhttps://youtu.be/F4tvM4Vb3A0\n```\n```timestamp\n1:00\n2:00 Second\n3:00\n```\n## Intro\n";
    expect(chaptersFor(scanNote(text), YT).map((c) => c.title)).toEqual(["Intro", "Second", ""]);
    expect(chaptersFor(scanNote(text), { ...YT, url: "https://other" })).toEqual([]);
  });

  it("the video of a line is the nearest video block above, else the frontmatter, else an error", () => {
    const text = "---\nvideo: https://vimeo.com/76979871\n---\na\n```timestamp-url\nhttps://youtu.be/F4tvM4Vb3A0\n```\nb\n```timestamp-url\nnope\n```\nc";
    const scan = scanNote(text);
    expect(videoContextAt(scan, 3).video?.kind).toBe("vimeo");
    expect(videoContextAt(scan, 7).video).toEqual(YT);
    expect(videoContextAt(scan, 11)).toMatchObject({ video: null, error: expect.stringContaining("line 9") as unknown });
    expect(videoContextAt(null, 0).error).toMatch(/no video/);
    expect(firstVideo(scan)?.kind).toBe("vimeo");
    expect(describeVideo(YT)).toBe("YouTube F4tvM4Vb3A0");
  });

  it("block entries come from the scan when it matches the source, else from the source", () => {
    const scan = scanNote(LESSON);
    expect(blockEntries(scan, " 06:45", 14, 16).map((e) => [e.seconds, e.heading])).toEqual([[405, "Data cleaning"]]);
    // A stale scan (the source was edited since): the source wins, under the video above.
    expect(blockEntries(scan, "07:00", 14, 16).map((e) => [e.seconds, e.video?.id])).toEqual([[420, "F4tvM4Vb3A0"]]);
    expect(blockEntries(null, "07:00", null, null)[0]?.error).toMatch(/no video/);
    const inline = bindingOf(scanNote("---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\nsee `@1:00 x`"));
    expect(placeInline(inline, [{ text: "1:00", label: "x", seconds: 60, error: null }], { lineStart: 3, lineEnd: 3 })).toMatchObject([{ seconds: 60, video: YT }]);
  });
});
