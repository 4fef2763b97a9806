import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findInlineTimestamps, parseInlineTimestamp } from "../../../src/timestamps/inline";
import { problemsOf, scanNote } from "../../../src/timestamps/note";
import { MAX_SECONDS, parseTime } from "../../../src/timestamps/time";
import type { VideoRef } from "../../../src/timestamps/types";
import { parseVideoSource } from "../../../src/timestamps/video";

// Fixed seed: a failure reproduces; the pieces below steer the random text towards the syntax.
const RUNS = { numRuns: 10_000, seed: 20261125 };

const pieces = [
  "`", "``", "```", "~~~", ":", "::", ".", "-", "@", "0", "1", "5", "9", "06:45", "1:02:03", "60", "99:99",
  "\n", "\r", "\r\n", " ", "\t", ">", "> ", "- ", "1. ", "#", "## ", "---", "[[", "]]", "|", "#", "[", "](", ")",
  "<", ">", "http", "https://", "://", "youtu.be/", "www.youtube.com/watch?v=", "F4tvM4Vb3A0", "vimeo.com/",
  "76979871", "player.vimeo.com/video/", "?h=", ".mp4", ".MP3", "javascript:", "data:", "file:", "video:", "Video: ",
  "```timestamp", "```timestamp-url", "```timestamp \n", " ```", "```python", "é", "日本", "🎬", "\u0000", "\u202e",
  "\uFEFF", "NaN", "Infinity", "1e309", "-", "\\",
];

const fuzzText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: "grapheme", maxLength: 6 })), { maxLength: 30 })
      .map((a) => a.join("")),
  },
);

// Whole notes built from plausible lines, so the scan also meets valid blocks and videos.
const noteLines = [
  "---", "video: https://vimeo.com/76979871", "Video: '[[a.mp4]]'", "```timestamp-url", "```timestamp-url ",
  "https://youtu.be/F4tvM4Vb3A0", " https://www.youtube.com/watch?v=F4tvM4Vb3A0", "[[media/a.mp4|A]]", "javascript:alert(1)",
  "```timestamp", "```timestamp ", "06:45", " 27:12 Data cleaning", "1:02:03 - Part", "6:75", "", "   ", " ```", "```",
  "~~~timestamp", "~~~", "> ```timestamp", "> 1:00", "> ```", "- ```timestamp", "  0:30", "  ```", "```python",
  "## Heading", "`@0:45 inline` and `@1x:00`", "text",
  // Whole blocks (their LF line endings mix with the chosen ones, which a note may also do).
  "---\nvideo: https://vimeo.com/76979871\n---", "```timestamp-url\n[[a.mp4]]\n```", "```timestamp\n06:45\n1:00 x\n```",
  "```timestamp-url \n https://youtu.be/F4tvM4Vb3A0\n ```",
];
const fuzzNote = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...noteLines) }, { weight: 1, arbitrary: fuzzText }), {
      maxLength: 25,
    }),
    fc.constantFrom("\n", "\r\n", "\r"),
  )
  .map(([lines, eol]) => lines.join(eol));

function checkVideo(v: VideoRef): void {
  expect(["youtube", "vimeo", "media", "vault"]).toContain(v.kind);
  expect(v.id.length).toBeGreaterThan(0);
  if (v.kind === "youtube") {
    expect(v.id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(v.url).toBe(`https://www.youtube.com/watch?v=${v.id}`);
  }
  if (v.kind === "vimeo") expect(v.url).toMatch(/^https:\/\/vimeo\.com\/[0-9]+(\/[A-Za-z0-9]+)?$/);
  if (v.kind === "media") expect(v.url).toMatch(/^https?:\/\//);
  if (v.kind === "vault") expect(v.id).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/);
}

function checkSeconds(seconds: number): void {
  expect(Number.isFinite(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(0);
  expect(seconds).toBeLessThan(MAX_SECONDS);
}

describe("fuzz: nothing throws and every result is well-formed", () => {
  it("parseTime", () => {
    fc.assert(
      fc.property(fuzzText, (s) => {
        const r = parseTime(s);
        if ("error" in r) expect(r.error.length).toBeGreaterThan(0);
        else checkSeconds(r.seconds);
      }),
      RUNS,
    );
  });

  it("parseVideoSource", () => {
    fc.assert(
      fc.property(fuzzText, (s) => {
        const r = parseVideoSource(s);
        if ("error" in r) expect(r.error.length).toBeGreaterThan(0);
        else checkVideo(r.video);
      }),
      RUNS,
    );
  });

  it("parseInlineTimestamp and findInlineTimestamps", () => {
    fc.assert(
      fc.property(fuzzText, (s) => {
        const r = parseInlineTimestamp(s);
        if (r !== null) {
          if ("error" in r) expect(r.error.length).toBeGreaterThan(0);
          else checkSeconds(r.seconds);
        }
        for (const m of findInlineTimestamps(s)) {
          expect(m.from).toBeGreaterThanOrEqual(0);
          expect(m.to).toBeLessThanOrEqual(s.length);
          expect(s.charAt(m.from)).toBe("`");
          expect(s.charAt(m.to - 1)).toBe("`");
          expect(m.seconds === null).not.toBe(m.error === null);
          if (m.seconds !== null) checkSeconds(m.seconds);
        }
      }),
      RUNS,
    );
  });

  it("scanNote", () => {
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof(fuzzText, fuzzNote), (s) => {
        const scan = scanNote(s);
        valid += scan.timestamps.filter((e) => e.error === null).length;
        const lineCount = s.split(/\r\n|\r|\n/).length;
        let previous = -1;
        for (const e of scan.timestamps) {
          expect(e.seconds === null).not.toBe(e.error === null);
          if (e.seconds !== null) checkSeconds(e.seconds);
          if (e.video !== null) checkVideo(e.video);
          expect(e.line).toBeGreaterThanOrEqual(Math.max(previous, 0));
          expect(e.line).toBeLessThan(lineCount);
          previous = e.line;
        }
        for (const b of scan.blocks) {
          expect(b.endLine).toBeGreaterThanOrEqual(b.startLine);
          expect(b.endLine).toBeLessThan(lineCount);
        }
        for (const v of scan.videoBlocks) expect(v.video === null).not.toBe(v.error === null);
        for (const p of problemsOf(scan)) expect(p.message.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
    // The generator must reach the happy path too, or the checks above prove little.
    expect(valid).toBeGreaterThan(100);
  });
});
