import { describe, expect, it } from "vitest";
import { findInlineTimestamps, INLINE_TIMESTAMP_PREFIX, parseInlineTimestamp, scanInlineLine } from "../../../src/timestamps/inline";

describe("parseInlineTimestamp", () => {
  it("uses @ as its prefix", () => {
    expect(INLINE_TIMESTAMP_PREFIX).toBe("@");
  });

  it.each([
    ["@06:45", { text: "06:45", seconds: 405, label: "" }],
    ["@06:45 Data cleaning", { text: "06:45", seconds: 405, label: "Data cleaning" }],
    ["@06:45 - Data cleaning", { text: "06:45", seconds: 405, label: "Data cleaning" }],
    [" @1:02:03 ", { text: "1:02:03", seconds: 3723, label: "" }],
    ["@75.5", { text: "75.5", seconds: 75.5, label: "" }],
  ])("reads %j", (code, expected) => {
    expect(parseInlineTimestamp(code)).toEqual(expected);
  });

  it.each(["@Override", "@param x", "@", "@ 06:45", "06:45", "email@example.com", "", "@-1:00", "@:45"])(
    "leaves %j alone (not meant as a timestamp)",
    (code) => {
      expect(parseInlineTimestamp(code)).toBeNull();
    },
  );

  it.each([
    ["@1x:00", "1x:00", /not a time/],
    ["@06:75", "06:75", /below 60/],
    ["@1:2:3:4", "1:2:3:4", /too many parts/],
  ])("reports %j as an invalid time", (code, text, message) => {
    const r = parseInlineTimestamp(code);
    expect(r).not.toBeNull();
    expect(r && "error" in r ? r.text : null).toBe(text);
    expect(r && "error" in r ? r.error : "").toMatch(message);
  });
});

describe("findInlineTimestamps", () => {
  it("finds the whole backticked span, backticks included", () => {
    const line = "- see `@06:45 Data cleaning` and `@27:12` too";
    const found = findInlineTimestamps(line);
    expect(found).toHaveLength(2);
    expect(line.slice(found[0].from, found[0].to)).toBe("`@06:45 Data cleaning`");
    expect(found[0]).toMatchObject({ text: "06:45", seconds: 405, label: "Data cleaning", error: null });
    expect(line.slice(found[1].from, found[1].to)).toBe("`@27:12`");
    expect(found[1]).toMatchObject({ seconds: 1632, label: "", error: null });
  });

  it("follows CommonMark code spans: double backticks, escapes, unmatched runs", () => {
    // The escaped backtick opens nothing; the lone ``` run has no closer and stays text.
    const line = "``@01:00`` \\`@02:00 ``` `@03:00`";
    const found = findInlineTimestamps(line);
    expect(found.map((f) => line.slice(f.from, f.to))).toEqual(["``@01:00``", "`@03:00`"]);
    // A span pairs with the next run of the same width, whatever sits between.
    const tricky = "`@04:00 `` still code` `@05:00`";
    expect(findInlineTimestamps(tricky).map((f) => f.text)).toEqual(["04:00", "05:00"]);
  });

  it("ignores ordinary inline code and text", () => {
    expect(findInlineTimestamps("call `ImageClassifierCleaner` with `@Override` at 06:45")).toEqual([]);
    expect(findInlineTimestamps("")).toEqual([]);
    expect(findInlineTimestamps("an unclosed `@06:45")).toEqual([]);
  });

  it("reports invalid inline times with their range", () => {
    const line = "at `@1x:00` we";
    const [m] = findInlineTimestamps(line);
    expect(m).toMatchObject({ from: 3, to: 11, text: "1x:00", seconds: null, label: "" });
    expect(m.error).toMatch(/not a time/);
  });

  it("hides what %% and HTML comments hold, the leftmost of a code span and a comment winning", () => {
    const line = "`@0:01` %% `@0:02` %% `%%` `@0:03` <!-- `@0:04` --> `@0:05` %% `@0:06`";
    const r = scanInlineLine(line);
    expect(r.matches.map((m) => m.text)).toEqual(["0:01", "0:03", "0:05"]);
    expect(r.comment).toBe("%%");
    expect(scanInlineLine("`@0:07` %% `@0:08`", "%%").matches.map((m) => m.text)).toEqual(["0:08"]);
    expect(scanInlineLine("x --> `@0:09` <!-- y", "html")).toMatchObject({ matches: [{ text: "0:09" }], comment: "html" });
  });

  it("pairs runs of many widths in one pass (a line of mixed runs gives the CommonMark spans)", () => {
    // Runs of widths 1..5 each closed later by the same width, with timestamps between.
    const line = "` a ` `` b `` `@0:01` ``` `@0:02` ``` `@0:03` `` x ` y `` `@0:04`";
    expect(findInlineTimestamps(line).map((m) => m.text)).toEqual(["0:01", "0:03", "0:04"]);
    // An escaped backtick shortens the opener by one.
    expect(findInlineTimestamps("\\``@0:05` x").map((m) => m.text)).toEqual(["0:05"]);
  });

  it("uses UTF-16 offsets, as editors do", () => {
    const line = "🎬 `@06:45`";
    const [m] = findInlineTimestamps(line);
    expect(line.slice(m.from, m.to)).toBe("`@06:45`");
  });

  // Its speed is the bench's (npm run bench, timestamps section): tests assert no wall-clock time.
  it("finds nothing on lines full of unmatched backticks", () => {
    let line = "";
    for (let w = 1; w <= 60; w += 1) line += `${"`".repeat(w)}x`;
    line = line.repeat(50);
    expect(findInlineTimestamps(line)).toEqual([]);
  });
});
