// @vitest-environment happy-dom
// The oracle for "every link plays exactly what the note says, in every view": for each note of
// the corpus (tests/fixtures/timestamps-corpus/, the shared lesson sample and its variants), every
// link rendered in Reading view (section info as Obsidian gives it, and none at all) and in Live
// Preview must seek the video and seconds the CLI's JSON gives for the same note, in the same
// order. With section info every playable time is a link; without it, a time that cannot be
// placed says so ("cannot tell…") instead of guessing, and every link shown is still right.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliSeeks, expectPlacedOrSaid, livePreviewShown, readingViewShown } from "./views";

afterEach(() => document.body.empty());

const DIR = path.resolve(__dirname, "../../fixtures/timestamps-corpus");
const SHARED = path.resolve(__dirname, "../../../../shared/samples/Lesson 2.md");
const FIXTURE = path.resolve(__dirname, "../../fixtures/Lesson 2.md");

const lesson = readFileSync(existsSync(SHARED) ? SHARED : FIXTURE, "utf8");
const corpus: Array<[string, string]> = [
  ["Lesson 2 (shared sample, as written)", lesson],
  ["Lesson 2 with CRLF line endings", lesson.replace(/\n/g, "\r\n")],
  ...readdirSync(DIR)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f): [string, string] => [f, readFileSync(path.join(DIR, f), "utf8")]),
  ["27 five videos interleaved, CRLF", readFileSync(path.join(DIR, "27 five videos interleaved.md"), "utf8").replace(/\n/g, "\r\n")],
];

describe("timestamps corpus: every view seeks what the CLI lists", () => {
  it("holds at least 30 notes", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus)("%s", async (_name, text) => {
    const expected = await cliSeeks(text);
    expect(await readingViewShown(text, "obsidian")).toEqual(expected);
    expectPlacedOrSaid(await readingViewShown(text, "none"), expected);
    expect(await livePreviewShown(text)).toEqual(expected);
  });
});
