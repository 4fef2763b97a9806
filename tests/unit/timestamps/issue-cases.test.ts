// @vitest-environment happy-dom
// The cases of issue 11, each as found: what the CLI says and what each view plays.
import { afterEach, describe, expect, it } from "vitest";
import { bindingOf, placeBlock, placeInline, UNPLACED_ERROR } from "../../../src/timestamps/binding";
import { problemsOf, scanNote } from "../../../src/timestamps/note";
import { cliSeeks, livePreviewShown, readingViewShown } from "./views";

afterEach(() => document.body.empty());

const A = "https://www.youtube.com/watch?v=AAAAAAAAAAA";
const B = "https://www.youtube.com/watch?v=BBBBBBBBBBB";
const C = "https://www.youtube.com/watch?v=CCCCCCCCCCC";
const F = "```";
const note = (...lines: string[]): string => lines.join("\n");

async function allViews(text: string): Promise<void> {
  const expected = await cliSeeks(text);
  expect(await readingViewShown(text, "obsidian")).toEqual(expected);
  expect(await livePreviewShown(text)).toEqual(expected);
}

describe("1. blocks inside a list or callout bind to their own video", () => {
  const list = note("- Part 1", `  ${F}timestamp-url`, "  https://youtu.be/AAAAAAAAAAA", `  ${F}`, `  ${F}timestamp`, "  01:00", `  ${F}`, "- Part 2", `  ${F}timestamp-url`, "  https://youtu.be/BBBBBBBBBBB", `  ${F}`, `  ${F}timestamp`, "  02:00", `  ${F}`);

  it("the list of the issue: 01:00 → A and 02:00 → B in the CLI, Reading view (one section for the list) and Live Preview", async () => {
    expect(await cliSeeks(list)).toEqual([
      { seconds: 60, url: A },
      { seconds: 120, url: B },
    ]);
    await allViews(list);
  });

  it("a callout holding its own video: its times play the callout's video, not the one above", async () => {
    const text = note(`${F}timestamp-url`, "https://youtu.be/CCCCCCCCCCC", F, "", "> [!note] Part", `> ${F}timestamp-url`, "> https://youtu.be/BBBBBBBBBBB", `> ${F}`, `> ${F}timestamp`, "> 02:00", `> ${F}`);
    expect(await readingViewShown(text, "obsidian")).toEqual([{ seconds: 120, url: B }]);
    await allViews(text);
  });

  it("without section info, an inline time under the second video seeks the second (not the first entry with that text)", async () => {
    const text = note("---", "video: https://youtu.be/AAAAAAAAAAA", "---", "First `@00:30`", "", `${F}timestamp-url`, "https://youtu.be/CCCCCCCCCCC", F, "", "Second `@01:00`");
    expect(await readingViewShown(text, "none")).toEqual([
      { seconds: 30, url: A },
      { seconds: 60, url: C },
    ]);
  });

  it("without section info, the same time under two videos says it cannot tell instead of guessing", async () => {
    const text = note("---", "video: https://youtu.be/AAAAAAAAAAA", "---", "First `@01:00`", "", `${F}timestamp-url`, "https://youtu.be/CCCCCCCCCCC", F, "", "Second `@01:00`");
    expect(await readingViewShown(text, "none")).toEqual(["unplaced", "unplaced"]);
    expect(await readingViewShown(text, "obsidian")).toEqual([
      { seconds: 60, url: A },
      { seconds: 60, url: C },
    ]);
  });

  it("identical blocks in one section under different videos are told apart by their place among the section's blocks", () => {
    const text = note("- a", `  ${F}timestamp-url`, "  https://youtu.be/AAAAAAAAAAA", `  ${F}`, `  ${F}timestamp`, "  01:00", `  ${F}`, "- b", `  ${F}timestamp-url`, "  https://youtu.be/BBBBBBBBBBB", `  ${F}`, `  ${F}timestamp`, "  01:00", `  ${F}`);
    const binding = bindingOf(scanNote(text));
    const range = { lineStart: 0, lineEnd: 13 };
    expect(placeBlock(binding, "01:00", range, { index: 1, count: 2 })).toMatchObject({ entries: [{ seconds: 60, video: { url: B } }], exact: true });
    expect(placeBlock(binding, "01:00", range, { index: 0, count: 2 })).toMatchObject({ entries: [{ seconds: 60, video: { url: A } }] });
    expect(placeBlock(binding, "01:00", range, null)).toEqual({ error: UNPLACED_ERROR });
    // A section that rendered another number of blocks than the note holds there is not trusted.
    expect(placeBlock(binding, "01:00", range, { index: 1, count: 3 })).toEqual({ error: UNPLACED_ERROR });
  });

  it("identical inline times in one section are placed by their run", () => {
    const text = note("---", "video: https://youtu.be/AAAAAAAAAAA", "---", "- `@01:00`", `  ${F}timestamp-url`, "  https://youtu.be/BBBBBBBBBBB", `  ${F}`, "- `@01:00`");
    const binding = bindingOf(scanNote(text));
    const codes = [0, 1].map(() => ({ text: "01:00", label: "", seconds: 60, error: null }));
    expect(placeInline(binding, codes, { lineStart: 3, lineEnd: 7 }).map((e) => ("video" in e ? e.video?.url : e.error))).toEqual([A, B]);
    expect(placeInline(binding, codes.slice(0, 1), null)).toEqual([{ error: UNPLACED_ERROR }]);
  });
});

describe("2. a space after a colon is an error, not another time", () => {
  it.each([["1: 30"], ["12:34 : 56"]])("%s in a block and inline", async (time) => {
    const text = note("---", "video: https://youtu.be/AAAAAAAAAAA", "---", `${F}timestamp`, time, F, `Inline \`@${time}\``);
    const scan = scanNote(text);
    expect(scan.timestamps.map((e) => [e.seconds, e.error?.includes("can be read two ways")])).toEqual([
      [null, true],
      [null, true],
    ]);
    expect(problemsOf(scan).map((p) => p.message)).toEqual([expect.stringContaining("m:ss"), expect.stringContaining("m:ss")]);
    expect(await cliSeeks(text)).toEqual(["error", "error"]);
    await allViews(text);
  });
});

describe("3. the CLI reads only the blocks the app renders", () => {
  it("```TIMESTAMP is plain code in both, and reported with the fix", async () => {
    const text = note("---", "video: https://youtu.be/AAAAAAAAAAA", "---", `${F}TIMESTAMP`, "06:45", F);
    expect(await cliSeeks(text)).toEqual([]);
    expect(await readingViewShown(text, "obsidian")).toEqual([]);
    expect(problemsOf(scanNote(text))).toEqual([{ line: 3, message: "```TIMESTAMP is shown as plain code: block names are case-sensitive; write ```timestamp" }]);
  });

  it("timestamps inside %% … %% are listed by neither", async () => {
    const text = note("---", "video: https://youtu.be/AAAAAAAAAAA", "---", "%%", `${F}timestamp`, "06:45", F, "`@07:00`", "%%", "`@08:00`");
    expect(await cliSeeks(text)).toEqual([{ seconds: 480, url: A }]);
    expect(await readingViewShown(text, "none")).toEqual([{ seconds: 480, url: A }]);
    await allViews(text);
  });
});
