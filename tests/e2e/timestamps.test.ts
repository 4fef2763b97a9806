// Timestamps in a real browser: the built plugin (main.js) in Chromium, on the stand-in, with the
// demo vault served over HTTP. Clicking a rendered time must seek the real <video> playing the
// vault file, or post the exact seek command to a YouTube/Vimeo embed (answered by fakes).
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SeekRecord } from "../standin/browser-harness";
import { makeTempVault, openHarness, REPO_ROOT, type Harness } from "./harness";
import { closeChecked } from "./harness/checks";

const NOTE = "Lesson 1 - demo.md";
const ARTIFACTS = join(REPO_ROOT, "artifacts");
const PLAYER = "#right-sidebar .lesson-lab-player";
const VIDEO = `${PLAYER} video.lesson-lab-media`;

let h: Harness | null = null;

function harness(): Harness {
  if (!h) throw new Error("no harness open");
  return h;
}

async function open(options: Parameters<typeof openHarness>[0] = {}): Promise<Harness> {
  h = await openHarness({ note: NOTE, ...options });
  return h;
}

afterEach(async () => {
  const done = h;
  h = null;
  await closeChecked(done);
});

/** A rendered time link, by the seconds it seeks to (each is unique in the notes used here). */
function stamp(seconds: number) {
  return harness().page.locator(`a.lesson-lab-timestamp[data-seconds="${seconds}"]`);
}

/** Waits until a <video>/<audio> in the page fires `seeked` within 0.5 s of `seconds`; returns it. */
async function seekedTo(seconds: number): Promise<SeekRecord> {
  const page = harness().page;
  const handle = await page.waitForFunction(
    (target) => window.lessonLabHarness.seeks.find((s) => Math.abs(s.time - target) < 0.5) ?? null,
    seconds,
    { timeout: 15_000 },
  );
  const record = (await handle.jsonValue()) as SeekRecord;
  await page.evaluate(() => window.lessonLabHarness.takeSeeks());
  return record;
}

async function playerLeafCount(): Promise<number> {
  return (await harness().leafTypes()).filter((t) => t === "lesson-lab-player").length;
}

describe("timestamps in Chromium (demo vault)", () => {
  beforeEach(async () => {
    await open();
  });

  it("renders every time of the note as a link, with the stand-in's section line ranges", async () => {
    const page = harness().page;
    // 3 local + 1 inline + 2 + 1 YouTube times in the demo note.
    expect(await page.locator("#note a.lesson-lab-timestamp").count()).toBe(7);
    const seconds = await page.locator("#note a.lesson-lab-timestamp").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seconds"))));
    expect(seconds).toEqual([1, 3, 5, 2, 405, 1632, 3723]);
    expect(await stamp(3).locator(".lesson-lab-timestamp-time").textContent()).toBe("00:03");
    expect(await stamp(3).locator(".lesson-lab-timestamp-label").textContent()).toBe("Counting starts to matter");
    expect(await stamp(2).locator(".lesson-lab-timestamp-label").textContent()).toBe("Inline example");
    expect(await page.locator("div.lesson-lab-timestamps").count()).toBe(3);
    expect(await page.locator("div.lesson-lab-video-block a.lesson-lab-video-link").count()).toBe(2);
    expect(await page.locator("#note .lesson-lab-error").count()).toBe(0);
  });

  it("with the player closed, a click opens it in the right sidebar and seeks the real <video> there", async () => {
    const { page, origin, server } = harness();
    expect(await playerLeafCount()).toBe(0);
    expect(await page.locator("video").count()).toBe(0);

    await stamp(3).click();
    const seek = await seekedTo(3);
    expect(seek.tag).toBe("video");
    expect(Math.abs(seek.time - 3)).toBeLessThan(0.5);
    expect(seek.src.startsWith(`${origin}/vault/media/countdown.webm`)).toBe(true);

    expect(await playerLeafCount()).toBe(1);
    await expect.poll(() => page.locator(VIDEO).count()).toBe(1);
    // The element really holds decoded frames of the served file.
    await page.waitForFunction((sel) => (document.querySelector<HTMLVideoElement>(sel)?.readyState ?? 0) >= 2, VIDEO);
    const duration = await page.locator(VIDEO).evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(7.5);
    expect(duration).toBeLessThan(8.5);
    // Chromium fetched the video with byte ranges, answered with 206.
    expect(server.log.some((e) => e.path === "/vault/media/countdown.webm" && e.status === 206)).toBe(true);
    // And it plays on from there (autoplay is the plugin's default).
    await page.waitForFunction(
      ([sel, from]) => {
        const v = document.querySelector<HTMLVideoElement>(sel);
        return v !== null && !v.paused && v.currentTime > from + 0.3;
      },
      [VIDEO, seek.time] as const,
      { timeout: 5_000 },
    );
  });

  it("the Open video link of a timestamp-url block opens that video", async () => {
    const page = harness().page;
    const youtubeBlock = page.locator("#note div.lesson-lab-video-block").filter({ hasText: "F4tvM4Vb3A0" });
    await youtubeBlock.locator("a.lesson-lab-video-link").click();
    const iframe = page.locator(`${PLAYER} iframe.lesson-lab-embed[data-provider="youtube"]`);
    await iframe.waitFor();
    expect(new URL((await iframe.getAttribute("src")) ?? "").pathname).toBe("/embed/F4tvM4Vb3A0");

    const localBlock = page.locator("#note div.lesson-lab-video-block").filter({ hasText: "countdown.webm" });
    await localBlock.locator("a.lesson-lab-video-link").click();
    await expect.poll(() => page.locator(`${VIDEO}`).evaluate((v: HTMLVideoElement) => v.currentSrc), { timeout: 10_000 }).toContain("/vault/media/countdown.webm");
    expect(await page.locator(`${PLAYER} iframe`).count()).toBe(0);
    expect(await playerLeafCount()).toBe(1);
  });

  it("a second click on the same video seeks the same element (no new <video>)", async () => {
    const page = harness().page;
    await stamp(5).click();
    await seekedTo(5);
    const first = await page.locator(VIDEO).elementHandle();
    if (!first) throw new Error("no <video> after the first click");
    await first.evaluate((el) => el.setAttribute("data-test-mark", "first"));

    await stamp(1).click();
    await seekedTo(1);
    expect(await page.locator("video").count()).toBe(1);
    expect(await page.locator(VIDEO).evaluate((el, other) => el === other, first)).toBe(true);
    expect(await page.locator(VIDEO).getAttribute("data-test-mark")).toBe("first");

    // The inline timestamp seeks the same video too.
    await stamp(2).click();
    await seekedTo(2);
    expect(await page.locator(VIDEO).evaluate((el, other) => el === other, first)).toBe(true);
  });

  it("two videos in one note: the local link seeks the <video>, the YouTube link drives the embed with exact commands", async () => {
    const page = harness().page;
    await stamp(3).click();
    await seekedTo(3);
    expect(await page.locator(`${PLAYER} iframe`).count()).toBe(0);

    await stamp(405).click();
    const iframe = page.locator(`${PLAYER} iframe.lesson-lab-embed[data-provider="youtube"]`);
    await iframe.waitFor();
    expect(await page.locator(`${PLAYER} video`).count()).toBe(0);
    const src = new URL((await iframe.getAttribute("src")) ?? "");
    expect(src.origin).toBe("https://www.youtube.com");
    expect(src.pathname).toBe("/embed/F4tvM4Vb3A0");
    expect(src.searchParams.get("enablejsapi")).toBe("1");
    expect(src.searchParams.get("start")).toBe("405");
    expect(harness().fakeRequests.some((u) => u.startsWith("https://www.youtube.com/embed/F4tvM4Vb3A0?"))).toBe(true);

    // The embed gets the API handshake, then a second time on the same video is a seekTo command.
    await expect.poll(async () => (await harness().embedMessages("youtube")).some((m) => (m as { event?: string }).event === "listening"), { timeout: 10_000 }).toBe(true);
    const iframeEl = await iframe.elementHandle();
    await stamp(1632).click();
    await expect
      .poll(async () => (await harness().embedMessages("youtube")).filter((m) => (m as { func?: string }).func === "seekTo").length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const raw = await harness().embedRawMessages("youtube");
    const seekCommands = raw.filter((m) => typeof m === "string" && m.includes('"seekTo"'));
    expect(seekCommands.length).toBe(1);
    // The YouTube embed API only accepts JSON strings; the command must be exactly this.
    expect(typeof seekCommands[0]).toBe("string");
    const command = JSON.parse(seekCommands[0] as string) as Record<string, unknown>;
    expect(command).toEqual({ event: "command", func: "seekTo", args: [1632, true], id: expect.any(String) as unknown, channel: "widget" });
    // Same iframe, not a reload.
    expect(await iframe.evaluate((el, other) => el === other, iframeEl)).toBe(true);
    expect(await harness().embedFrame("youtube")!.evaluate(() => (window as unknown as { __fakeEmbed: { currentTime: number } }).__fakeEmbed.currentTime)).toBe(1632);

    // Back to the local file: a <video> again, at its own time.
    await stamp(5).click();
    const back = await seekedTo(5);
    expect(back.src).toContain("/vault/media/countdown.webm");
    expect(await page.locator(`${PLAYER} iframe`).count()).toBe(0);
  });

  it("keeps a single player leaf after clicks on different videos", async () => {
    const page = harness().page;
    for (const s of [3, 405, 5, 1632, 2, 3723, 1]) {
      await stamp(s).click();
      if (s < 60) await seekedTo(s);
      else await page.locator(`${PLAYER} iframe[data-provider="youtube"]`).waitFor();
    }
    expect(await playerLeafCount()).toBe(1);
    expect(await page.locator("#right-sidebar .workspace-leaf").count()).toBe(1);
    expect(await page.locator(".lesson-lab-player").count()).toBe(1);
    expect(await page.locator(`${PLAYER} video, ${PLAYER} iframe`).count()).toBe(1);
  });

  it("after the player leaf is closed, the next click opens a new one at the new time", async () => {
    const page = harness().page;
    await stamp(3).click();
    await seekedTo(3);
    await page.evaluate(() => window.lessonLabHarness.app.workspace.detachLeavesOfType("lesson-lab-player"));
    expect(await playerLeafCount()).toBe(0);
    expect(await page.locator("video").count()).toBe(0);

    await stamp(5).click();
    const seek = await seekedTo(5);
    expect(seek.src).toContain("/vault/media/countdown.webm");
    expect(await playerLeafCount()).toBe(1);
    expect(await page.locator("video").count()).toBe(1);
  });

  it("lists the video's chapters and highlights the one playing", async () => {
    const page = harness().page;
    await stamp(3).click();
    await seekedTo(3);
    const chapters = page.locator(`${PLAYER} ul.lesson-lab-chapters > li.lesson-lab-chapter`);
    await expect.poll(() => chapters.count()).toBeGreaterThanOrEqual(3);
    const starts = await chapters.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seconds"))));
    for (const s of [1, 3, 5]) expect(starts).toContain(s);
    expect(starts).not.toContain(405);

    // The active chapter is the last one starting at or before the video's time.
    const activeMatchesTime = (): Promise<boolean> =>
      page.evaluate((sel) => {
        const video = document.querySelector(`${sel} video`) as HTMLVideoElement;
        const items = [...document.querySelectorAll(`${sel} li.lesson-lab-chapter`)];
        const starts = items.map((li) => Number(li.getAttribute("data-seconds")));
        const expected = Math.max(...starts.filter((s) => s <= video.currentTime));
        const active = items.filter((li) => li.classList.contains("is-active"));
        return active.length === 1 && Number(active[0].getAttribute("data-seconds")) === expected;
      }, PLAYER);
    await expect.poll(activeMatchesTime, { timeout: 5_000 }).toBe(true);

    // Clicking a chapter seeks there and moves the highlight.
    await page.locator(`${PLAYER} li.lesson-lab-chapter[data-seconds="5"]`).click();
    await seekedTo(5);
    await expect.poll(() => page.locator(`${PLAYER} li.lesson-lab-chapter.is-active`).getAttribute("data-seconds"), { timeout: 5_000 }).toBe("5");

    // A YouTube video lists its own chapters and highlights the clicked one.
    await stamp(1632).click();
    await expect
      .poll(() => chapters.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seconds")))), { timeout: 5_000 })
      .toEqual([405, 1632, 3723]);
    await expect.poll(() => page.locator(`${PLAYER} li.lesson-lab-chapter.is-active`).getAttribute("data-seconds"), { timeout: 5_000 }).toBe("1632");
  });

  it("looks sane (screenshots in artifacts/)", async () => {
    const page = harness().page;
    await mkdir(ARTIFACTS, { recursive: true });
    await stamp(3).click();
    await seekedTo(3);
    await page.waitForFunction((sel) => (document.querySelector<HTMLVideoElement>(sel)?.readyState ?? 0) >= 2, VIDEO);
    await page.screenshot({ path: join(ARTIFACTS, "timestamps-local-video.png") });
    await stamp(1632).click();
    await page.locator(`${PLAYER} iframe[data-provider="youtube"]`).waitFor();
    await expect.poll(() => harness().embedFrame("youtube")?.locator("#t").textContent() ?? null).toContain("1632");
    await page.screenshot({ path: join(ARTIFACTS, "timestamps-youtube.png") });
  });
});

describe("timestamps in Chromium (temporary vaults)", () => {
  it("a Vimeo link opens player.vimeo.com/video/ID and a second time posts setCurrentTime", async () => {
    const vault = await makeTempVault({
      "Vimeo lesson.md": "# Vimeo\n\n```timestamp-url \n https://vimeo.com/76979871\n ```\n\n```timestamp \n 00:10 Intro\n 01:30 Later\n ```\n### Intro\n",
    });
    await open({ vault, note: "Vimeo lesson.md" });
    const page = harness().page;
    await stamp(10).click();
    const iframe = page.locator(`${PLAYER} iframe.lesson-lab-embed[data-provider="vimeo"]`);
    await iframe.waitFor();
    const src = new URL((await iframe.getAttribute("src")) ?? "");
    expect(src.origin).toBe("https://player.vimeo.com");
    expect(src.pathname).toBe("/video/76979871");
    expect(src.hash).toBe("#t=10s");

    // No waiting for the embed: a quick second click must still reach it (queued until it loads).
    await stamp(90).click();
    await expect
      .poll(async () => (await harness().embedMessages("vimeo")).filter((m) => (m as { method?: string }).method === "setCurrentTime"), { timeout: 10_000 })
      .toEqual([{ method: "setCurrentTime", value: 90 }]);
    expect(await harness().embedFrame("vimeo")!.evaluate(() => (window as unknown as { __fakeEmbed: { currentTime: number } }).__fakeEmbed.currentTime)).toBe(90);
    expect(await page.locator(`${PLAYER} iframe`).count()).toBe(1);
  });

  it("an unsafe video URL shows .lesson-lab-error and never becomes an iframe or a media source", async () => {
    const unsafe = ["javascript:alert(document.domain)", "file:///etc/passwd.mp4", "data:video/mp4;base64,AAAA", "https://evil.example/not-a-video"];
    const note = unsafe.map((u, i) => `## Case ${i}\n\n\`\`\`timestamp-url \n ${u}\n \`\`\`\n\n\`\`\`timestamp \n 00:0${i + 1}\n \`\`\`\n`).join("\n");
    const vault = await makeTempVault({ "Unsafe.md": note });
    await open({ vault, note: "Unsafe.md" });
    const page = harness().page;
    const blocks = page.locator("#note .block-language-timestamp-url");
    expect(await blocks.count()).toBe(unsafe.length);
    for (let i = 0; i < unsafe.length; i++) {
      expect(await blocks.nth(i).locator(".lesson-lab-error").count(), `case ${i}: ${unsafe[i]}`).toBeGreaterThan(0);
      expect(await blocks.nth(i).locator("iframe, a.lesson-lab-video-link").count()).toBe(0);
    }
    // Whatever the times under those blocks render as, clicking them embeds nothing.
    for (let i = 0; i < unsafe.length; i++) {
      const link = stamp(i + 1);
      if ((await link.count()) > 0) await link.first().click();
    }
    await page.waitForTimeout(500);
    expect(await page.locator("iframe").count()).toBe(0);
    const mediaSources = await page.locator("video, audio").evaluateAll((els) => els.map((e) => (e as HTMLMediaElement).currentSrc || e.getAttribute("src")));
    expect(mediaSources).toEqual([]);
    expect(await page.locator('[href^="javascript:"], [src^="javascript:"], [src^="data:"], [src^="file:"]').count()).toBe(0);
  });

  it("plugin.seek(video, seconds, sourcePath) opens the player at that time", async () => {
    await open();
    await harness().seek({ kind: "vault", id: "media/countdown.webm", url: "media/countdown.webm" }, 4, NOTE);
    const seek = await seekedTo(4);
    expect(seek.src).toContain("/vault/media/countdown.webm");
    expect(await playerLeafCount()).toBe(1);
  });
});
