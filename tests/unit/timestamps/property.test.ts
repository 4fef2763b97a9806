// @vitest-environment happy-dom
// Property: for random notes built from the pieces students write (video and time blocks at the
// top level, in lists and in callouts; inline times in text, lists and quotes; repeats of the
// same text under different videos; comments; misnamed blocks; front matter; CRLF), every view
// seeks exactly what the CLI's JSON lists (see timestamps-corpus.test.ts for the oracle).
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { cliSeeks, expectPlacedOrSaid, livePreviewShown, readingViewShown } from "./views";

afterEach(() => document.body.empty());

const F = "```";
const url = fc.constantFrom("https://youtu.be/AAAAAAAAAAA", "https://youtu.be/BBBBBBBBBBB", "https://vimeo.com/76979871");
// A small pool, so the same text often repeats under different videos.
const time = fc.constantFrom("00:10", "01:00", "1:02:03", "75");
const label = fc.constantFrom("", " Intro", " - 2 cats", " | Setup");
const timeLine = fc.tuple(time, label).map(([t, l]) => t + l);
const bad = fc.constantFrom("1: 30", "12:34 : 56", "6:7x");

type Container = "top" | "list" | "callout" | "quote";
const container = fc.constantFrom<Container>("top", "list", "callout", "quote");

function contain(kind: Container, lines: string[]): string[] {
  if (kind === "top") return lines;
  if (kind === "list") return ["- item", ...lines.map((l) => `  ${l}`)];
  if (kind === "callout") return ["> [!note] Box", ...lines.map((l) => `> ${l}`)];
  return lines.map((l) => `> ${l}`);
}

const piece: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(container, url).map(([c, u]) => contain(c, [`${F}timestamp-url`, u, F])),
  fc.tuple(container, fc.array(fc.oneof({ weight: 5, arbitrary: timeLine }, { weight: 1, arbitrary: bad }), { minLength: 1, maxLength: 3 })).map(([c, ts]) => contain(c, [`${F}timestamp`, ...ts, F])),
  fc.tuple(container, fc.array(timeLine, { minLength: 1, maxLength: 3 })).map(([c, ts]) => contain(c === "top" ? "top" : c, [`Text ${ts.map((t) => `\`@${t}\``).join(" and ")} here.`])),
  fc.tuple(url, timeLine).map(([u, t]) => ["- part", `  ${F}timestamp-url`, `  ${u}`, `  ${F}`, `- again \`@${t}\``, `  ${F}timestamp`, `  ${t}`, `  ${F}`]),
  fc.tuple(fc.constantFrom(["%%", "%%"], ["<!--", "-->"]), url, timeLine).map(([[open, close], u, t]) => [open, `${F}timestamp-url`, u, F, `\`@${t}\``, close]),
  fc.tuple(time, url).map(([t, u]) => [`a %%\`@${t}\`%% b \`@${t}\``, `${F}TIMESTAMP`, t, F, `${F}Timestamp-URL`, u, F]),
  fc.constantFrom("## Heading", "Plain text.", "`code` and `@Override`").map((l) => [l]),
);

const noteArb = fc
  .tuple(fc.option(url, { nil: null }), fc.array(piece, { minLength: 1, maxLength: 8 }), fc.boolean())
  .map(([fm, pieces, crlf]) => {
    const head = fm === null ? ["# Lesson"] : ["---", `video: ${fm}`, "---"];
    const text = [...head, "", ...pieces.flatMap((p) => [...p, ""])].join("\n");
    return crlf ? text.replace(/\n/g, "\r\n") : text;
  });

describe("property: every view seeks what the CLI lists", () => {
  it("random notes", async () => {
    await fc.assert(
      fc.asyncProperty(noteArb, async (text) => {
        const expected = await cliSeeks(text);
        expect(await readingViewShown(text, "obsidian")).toEqual(expected);
        expectPlacedOrSaid(await readingViewShown(text, "none"), expected);
        expect(await livePreviewShown(text)).toEqual(expected);
        document.body.empty();
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 60), seed: process.env.PROP_SEED ? Number(process.env.PROP_SEED) : 11 },
    );
  });
});
