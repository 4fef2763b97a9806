// @vitest-environment happy-dom
// In the app: a ```timestamp block inside a `10.` item's quote, as Reading view hands it to the
// processor (the block's text with the item's indent and the quote's `>` removed; section info
// spanning the whole list, which Reading view renders as one section), links to its own time and
// to the video of the ```timestamp-url block written the same way above it, not the note's.
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeCtx, makePlugin, processor } from "./helpers";

afterEach(() => document.body.empty());

const PATH = "Numbered.md";
const NOTE = [
  "---",
  "video: https://youtu.be/F4tvM4Vb3A0",
  "---",
  "10. > ```timestamp-url", // 3
  "    > https://youtu.be/AAAAAAAAAAA",
  "    > ```",
  "11. > ```timestamp", // 6
  "    > 06:45 Data cleaning",
  "    > ```", // 8
  "",
].join("\n");

const VIDEO = { kind: "youtube", id: "AAAAAAAAAAA", url: "https://www.youtube.com/watch?v=AAAAAAAAAAA" };

describe("a timestamp block in a quote in a `10.` list item", () => {
  it("links to its time and seeks the video block above it, with the list's section info", async () => {
    const h = await makePlugin({ [PATH]: NOTE });
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    const el = document.body.createDiv({ cls: "block-language-timestamp" });
    await processor(h.plugin, "timestamp")("06:45 Data cleaning", el, makeCtx(h, PATH, { text: NOTE, lineStart: 3, lineEnd: 8 }));
    const links = [...el.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp")];
    expect(el.querySelector(".lesson-lab-error")).toBeNull();
    expect(links.map((a) => a.dataset.seconds)).toEqual(["405"]);
    links[0]?.click();
    expect(seek).toHaveBeenCalledWith(VIDEO, 405, PATH);
  });

  it("the same with the block's own lines as section info (Live Preview's rendered block)", async () => {
    const h = await makePlugin({ [PATH]: NOTE });
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    const el = document.body.createDiv({ cls: "block-language-timestamp" });
    await processor(h.plugin, "timestamp")("06:45 Data cleaning", el, makeCtx(h, PATH, { text: NOTE, lineStart: 6, lineEnd: 8 }));
    el.querySelector<HTMLElement>("a.lesson-lab-timestamp")?.click();
    expect(seek).toHaveBeenCalledWith(VIDEO, 405, PATH);
  });
});
