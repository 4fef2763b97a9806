// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { scanNote } from "../../../../src/timestamps/note";
import { innerSource, LESSON, LESSON_PATH, makeCtx, makePlugin, postProcessor, processor, type Harness } from "./helpers";

afterEach(() => document.body.empty());

async function renderBlock(h: Harness, language: string, text: string, startLine: number, endLine: number, path = LESSON_PATH, withSection = true): Promise<HTMLElement> {
  const el = document.body.createDiv();
  const ctx = makeCtx(h, path, withSection ? { text, lineStart: startLine, lineEnd: endLine } : null);
  await processor(h.plugin, language)(innerSource(text, startLine, endLine), el, ctx);
  return el;
}

describe("```timestamp blocks of the sample lesson", () => {
  it("render one link per time with the right data-seconds, inside div.lesson-lab-timestamps", async () => {
    const h = await makePlugin();
    const blocks = scanNote(LESSON).blocks.filter((b) => b.kind === "timestamp");
    expect(blocks).toHaveLength(2);
    const seconds: string[] = [];
    for (const b of blocks) {
      const el = await renderBlock(h, "timestamp", LESSON, b.startLine, b.endLine);
      const links = el.querySelectorAll("div.lesson-lab-timestamps > a.lesson-lab-timestamp");
      expect(links).toHaveLength(1);
      const a = links[0] as HTMLAnchorElement;
      expect(a.getAttribute("href")).toBe("#");
      expect(a.querySelector(".lesson-lab-timestamp-time")?.textContent).toMatch(/^\d\d:\d\d$/);
      expect(a.querySelector(".lesson-lab-timestamp-label")).toBeNull();
      seconds.push(a.dataset.seconds ?? "");
      expect(el.querySelector(".lesson-lab-error")).toBeNull();
    }
    expect(seconds).toEqual(["405", "1632"]);
  });

  it("falls back to the block's source and the frontmatter video without section info", async () => {
    const h = await makePlugin();
    const el = document.body.createDiv();
    await processor(h.plugin, "timestamp")(" 06:45 Data cleaning\n 1:02:03\n", el, makeCtx(h, LESSON_PATH, null));
    const links = [...el.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp")];
    expect(links.map((a) => a.dataset.seconds)).toEqual(["405", "3723"]);
    expect(links[0]?.querySelector(".lesson-lab-timestamp-label")?.textContent).toBe("Data cleaning");
  });

  it("re-rendering the same element gives the same DOM and one click handler", async () => {
    const h = await makePlugin();
    const b = scanNote(LESSON).blocks.find((x) => x.kind === "timestamp");
    if (!b) throw new Error("fixture has no block");
    const el = document.body.createDiv();
    const ctx = makeCtx(h, LESSON_PATH, { text: LESSON, lineStart: b.startLine, lineEnd: b.endLine });
    const source = innerSource(LESSON, b.startLine, b.endLine);
    await processor(h.plugin, "timestamp")(source, el, ctx);
    const first = el.innerHTML;
    await processor(h.plugin, "timestamp")(source, el, ctx);
    expect(el.innerHTML).toBe(first);
    expect(el.querySelectorAll("a.lesson-lab-timestamp")).toHaveLength(1);
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    el.querySelector<HTMLElement>("a.lesson-lab-timestamp")?.click();
    expect(seek).toHaveBeenCalledTimes(1);
  });

  it("a click or Enter calls seek with the block's video, time and note", async () => {
    const h = await makePlugin();
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    const b = scanNote(LESSON).blocks.filter((x) => x.kind === "timestamp")[1];
    if (!b) throw new Error("fixture has no second block");
    const el = await renderBlock(h, "timestamp", LESSON, b.startLine, b.endLine);
    const a = el.querySelector<HTMLElement>("a.lesson-lab-timestamp");
    if (!a) throw new Error("no link");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    a.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    const video = { kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" };
    expect(seek).toHaveBeenLastCalledWith(video, 1632, LESSON_PATH);
    a.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    expect(seek).toHaveBeenCalledTimes(2);
    a.dispatchEvent(new KeyboardEvent("keydown", { key: "a", bubbles: true, cancelable: true }));
    expect(seek).toHaveBeenCalledTimes(2);
  });

  it("the timestamp-url block renders an Open video link that opens without a time", async () => {
    const h = await makePlugin();
    const open = vi.spyOn(h.plugin.timestamps.player, "openVideo").mockResolvedValue();
    const b = scanNote(LESSON).blocks.find((x) => x.kind === "timestamp-url");
    if (!b) throw new Error("no video block");
    const el = await renderBlock(h, "timestamp-url", LESSON, b.startLine, b.endLine);
    const link = el.querySelector<HTMLElement>("div.lesson-lab-video-block a.lesson-lab-video-link");
    expect(link?.textContent).toBe("Open video");
    expect(el.querySelector(".lesson-lab-video-name")?.textContent).toBe("YouTube F4tvM4Vb3A0");
    link?.click();
    expect(open).toHaveBeenCalledWith({ kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" }, LESSON_PATH);
  });
});

describe("errors render inline and are never thrown", () => {
  async function only(h: Harness, text: string, language: string, path = "Note.md"): Promise<HTMLElement> {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.startsWith("```" + language));
    const end = lines.findIndex((l, i) => i > start && l.trim() === "```");
    return renderBlock(h, language, text, start, end, path);
  }

  it("invalid time", async () => {
    const text = "---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\n```timestamp\n6:7x\n```\n";
    const h = await makePlugin({ "Note.md": text });
    const el = await only(h, text, "timestamp");
    expect(el.querySelector("a.lesson-lab-timestamp")).toBeNull();
    expect(el.querySelector(".lesson-lab-error")?.textContent).toMatch(/^6:7x: /);
  });

  it("unsafe URL", async () => {
    const text = "```timestamp-url\njavascript:alert(1)\n```\n";
    const h = await makePlugin({ "Note.md": text });
    const el = await only(h, text, "timestamp-url");
    expect(el.querySelector("a")).toBeNull();
    expect(el.querySelector(".lesson-lab-video-block .lesson-lab-error")?.textContent).not.toBe("");
  });

  it("missing vault file, for the video block and its timestamps", async () => {
    const text = "```timestamp-url\n[[Videos/missing.mp4]]\n```\n```timestamp\n01:00\n```\n";
    const h = await makePlugin({ "Note.md": text });
    const video = await only(h, text, "timestamp-url");
    expect(video.querySelector(".lesson-lab-error")?.textContent).toBe("vault file not found: Videos/missing.mp4");
    const stamps = await renderBlock(h, "timestamp", text, 3, 5, "Note.md");
    expect(stamps.querySelector("a")).toBeNull();
    expect(stamps.querySelector(".lesson-lab-error")?.textContent).toBe("vault file not found: Videos/missing.mp4");
  });

  it("an existing vault file gives a link", async () => {
    const text = "```timestamp-url\n[[lesson.mp4]]\n```\n```timestamp\n01:00\n```\n";
    const h = await makePlugin({ "Note.md": text, "Videos/lesson.mp4": "" });
    const stamps = await renderBlock(h, "timestamp", text, 3, 5, "Note.md");
    expect(stamps.querySelector<HTMLElement>("a.lesson-lab-timestamp")?.dataset.seconds).toBe("60");
  });

  it("no video", async () => {
    const text = "# Notes\n```timestamp\n01:00\n```\n";
    const h = await makePlugin({ "Note.md": text });
    const el = await only(h, text, "timestamp");
    expect(el.querySelector("a")).toBeNull();
    expect(el.querySelector(".lesson-lab-error")?.textContent).toMatch(/no video for this timestamp/);
  });

  it("a failing read becomes an error span", async () => {
    const h = await makePlugin({ "Note.md": "```timestamp\n1:00\n```" });
    vi.spyOn(h.app.vault, "cachedRead").mockRejectedValue(new Error("disk on fire"));
    const el = document.body.createDiv();
    await expect(processor(h.plugin, "timestamp")("1:00", el, makeCtx(h, "Note.md", null))).resolves.toBeUndefined();
    expect(el.querySelector(".lesson-lab-error")?.textContent).toBe("could not render timestamps: disk on fire");
  });
});

describe("inline timestamps in Reading view", () => {
  it("turn `@mm:ss Label` code into links under the nearest video, and leave other code alone", async () => {
    const text = [
      "```timestamp-url",
      "https://vimeo.com/76979871",
      "```",
      "See `@06:45 Data cleaning` and `print(x)` and `@1x:00`.",
      "```python",
      "`@00:10`",
      "```",
    ].join("\n");
    const h = await makePlugin({ "Note.md": text });
    const seek = vi.spyOn(h.plugin.timestamps.player, "seek").mockResolvedValue();
    const section = document.body.createDiv();
    const p = section.createEl("p");
    p.appendText("See ");
    p.createEl("code", { text: "@06:45 Data cleaning" });
    p.appendText(" and ");
    p.createEl("code", { text: "print(x)" });
    p.appendText(" and ");
    p.createEl("code", { text: "@1x:00" });
    const pre = section.createEl("pre");
    pre.createEl("code", { text: "@00:10" });
    await postProcessor(h.plugin)(section, makeCtx(h, "Note.md", { text, lineStart: 3, lineEnd: 3 }));

    const a = section.querySelector<HTMLElement>("a.lesson-lab-timestamp.lesson-lab-inline");
    expect(a?.dataset.seconds).toBe("405");
    expect(a?.querySelector(".lesson-lab-timestamp-label")?.textContent).toBe("Data cleaning");
    expect(section.querySelector("p code")?.textContent).toBe("print(x)");
    expect(section.querySelector("p .lesson-lab-error")?.textContent).toMatch(/^@1x:00: /);
    expect(pre.querySelector("code")?.textContent).toBe("@00:10");
    a?.click();
    expect(seek).toHaveBeenCalledWith({ kind: "vimeo", id: "76979871", url: "https://vimeo.com/76979871" }, 405, "Note.md");
  });
});
