// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { PLAYER_VIEW_TYPE, PlayerView } from "../../../../src/timestamps/obsidian/player-view";
import type { VideoRef } from "../../../../src/timestamps/types";
import { LESSON, LESSON_PATH, makePlugin, quietIframeLoading } from "./helpers";

quietIframeLoading();

const YT: VideoRef = { kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" };
const OTHER: VideoRef = { kind: "youtube", id: "dQw4w9WgXcQ", url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ" };
const VAULT: VideoRef = { kind: "vault", id: "Videos/lesson.mp4", url: "Videos/lesson.mp4" };

afterEach(() => document.body.empty());

function view(h: { plugin: { timestamps: { player: { getPlayerView(): PlayerView | null } } } }): PlayerView {
  const v = h.plugin.timestamps.player.getPlayerView();
  if (!v) throw new Error("no player view");
  return v;
}

describe("player pane", () => {
  it("opens once in the right sidebar and reuses its leaf and iframe for the same video", async () => {
    const h = await makePlugin();
    expect(h.plugin.timestamps.player.getPlayerView()).toBeNull();
    await h.plugin.seek(YT, 405, LESSON_PATH);
    expect(h.app.workspace.getLeavesOfType(PLAYER_VIEW_TYPE)).toHaveLength(1);
    const root = h.rightEl.querySelector("div.lesson-lab-player");
    expect(root).not.toBeNull();
    expect(view(h).getDisplayText()).toBe("Lesson video");
    const iframe = root?.querySelector<HTMLIFrameElement>("iframe.lesson-lab-embed[data-provider='youtube']");
    expect(iframe?.src).toContain("/embed/F4tvM4Vb3A0?");
    expect(iframe?.src).toContain("start=405");
    const src = iframe?.src;

    await h.plugin.seek(YT, 1632, LESSON_PATH);
    expect(h.app.workspace.getLeavesOfType(PLAYER_VIEW_TYPE)).toHaveLength(1);
    expect(h.rightEl.querySelectorAll("iframe")).toHaveLength(1);
    expect(h.rightEl.querySelector("iframe")).toBe(iframe);
    expect(iframe?.src).toBe(src); // seeking does not reload
    expect(view(h).getPlayer()?.currentTime()).toBeGreaterThanOrEqual(1632);
  });

  it("switches the source in the same pane for another video, and the player for another kind", async () => {
    const h = await makePlugin({ [LESSON_PATH]: LESSON, "Videos/lesson.mp4": "" });
    await h.plugin.seek(YT, 405, LESSON_PATH);
    const iframe = h.rightEl.querySelector("iframe");
    await h.plugin.seek(OTHER, 10, LESSON_PATH);
    expect(h.rightEl.querySelectorAll("iframe")).toHaveLength(1);
    expect(h.rightEl.querySelector("iframe")).toBe(iframe);
    expect(iframe?.src).toContain("/embed/dQw4w9WgXcQ?");

    vi.spyOn(h.app.vault, "getResourcePath").mockImplementation((f) => `app://local/${f.path}`);
    await h.plugin.seek(VAULT, 60, LESSON_PATH);
    expect(h.rightEl.querySelector("iframe")).toBeNull();
    const video = h.rightEl.querySelectorAll<HTMLVideoElement>("video.lesson-lab-media");
    expect(video).toHaveLength(1);
    expect(video[0]?.controls).toBe(true);
    expect(video[0]?.getAttribute("src")).toBe("app://local/Videos/lesson.mp4");
    expect(h.app.workspace.getLeavesOfType(PLAYER_VIEW_TYPE)).toHaveLength(1);
  });

  it("shows the player's errors in the pane", async () => {
    const h = await makePlugin();
    await h.plugin.seek(YT, 0, LESSON_PATH);
    const iframe = h.rightEl.querySelector("iframe");
    if (!iframe) throw new Error("no iframe");
    // happy-dom loads no frame page: give the iframe a window for the message to come from.
    const frameWindow = { postMessage: () => undefined } as unknown as Window;
    Object.defineProperty(iframe, "contentWindow", { configurable: true, get: () => frameWindow });
    window.dispatchEvent(new MessageEvent("message", { data: '{"event":"onError","info":100}', origin: "https://www.youtube.com", source: frameWindow }));
    const message = h.rightEl.querySelector(".lesson-lab-player-message");
    expect(message?.textContent).toBe("this YouTube video was not found (removed or private)");
    expect(message?.hasClass("lesson-lab-error")).toBe(true);
  });

  it("opens in a new tab when the setting says so", async () => {
    const h = await makePlugin();
    h.plugin.timestamps.settings.playerLocation = "tab";
    await h.plugin.seek(YT, 0, LESSON_PATH);
    expect(h.mainEl.querySelector("div.lesson-lab-player")).not.toBeNull();
    expect(h.rightEl.querySelector("div.lesson-lab-player")).toBeNull();
  });

  it("says so in the pane when a vault video is missing", async () => {
    const h = await makePlugin();
    await h.plugin.seek(VAULT, 0, LESSON_PATH);
    expect(h.rightEl.querySelector(".lesson-lab-player-message")?.textContent).toBe("vault file not found: Videos/lesson.mp4");
    expect(view(h).getPlayer()).toBeNull();
  });

  it("lists the note's chapters, highlights the playing one, seeks on click and follows edits", async () => {
    const h = await makePlugin();
    h.plugin.timestamps.settings.autoplay = false;
    await h.plugin.seek(YT, 405, LESSON_PATH);
    const items = () => [...h.rightEl.querySelectorAll<HTMLElement>("ul.lesson-lab-chapters > li.lesson-lab-chapter")];
    expect(items().map((li) => li.dataset.seconds)).toEqual(["405", "1632"]);
    expect(items().map((li) => li.querySelector(".lesson-lab-chapter-title")?.textContent)).toEqual([
      "Data cleaning",
      "How to put your model into production",
    ]);
    expect(items().map((li) => li.hasClass("is-active"))).toEqual([true, false]);

    await h.plugin.seek(YT, 1700, LESSON_PATH);
    expect(items().map((li) => li.hasClass("is-active"))).toEqual([false, true]);
    await h.plugin.seek(YT, 100, LESSON_PATH);
    expect(items().map((li) => li.hasClass("is-active"))).toEqual([false, false]);

    items()[1]?.click();
    expect(view(h).getPlayer()?.currentTime()).toBe(1632);
    expect(items()[1]?.hasClass("is-active")).toBe(true);

    const file = h.app.vault.getFileByPath(LESSON_PATH);
    if (!file) throw new Error("no note");
    await h.app.vault.modify(file, LESSON.replace(" 06:45", " 06:45 Cleaning first").replace(" 27:12", " 27:12\n 30:00 Deploy"));
    await new Promise((r) => window.setTimeout(r, 0));
    expect(items().map((li) => li.dataset.seconds)).toEqual(["405", "1632", "1800"]);
    expect(items()[0]?.querySelector(".lesson-lab-chapter-title")?.textContent).toBe("Cleaning first");
  });
});

describe("playback positions", () => {
  it("resumes a video opened without a time where it was left; an explicit time wins", async () => {
    const h = await makePlugin({ [LESSON_PATH]: LESSON }, { positions: { [YT.url]: 321.5, bogus: "x" }, settings: { autoplay: false } });
    expect(h.plugin.timestamps.player.positions).toEqual({ [YT.url]: 321.5 });
    await h.plugin.timestamps.player.openVideo(YT, LESSON_PATH);
    expect(h.rightEl.querySelector("iframe")?.src).toContain("start=321");
    await h.plugin.seek(YT, 405, LESSON_PATH);
    expect(view(h).getPlayer()?.currentTime()).toBe(405);
    // Opening the loaded video again keeps its position.
    await h.plugin.timestamps.player.openVideo(YT, LESSON_PATH);
    expect(view(h).getPlayer()?.currentTime()).toBe(405);
  });

  it("saves positions with the settings, keeping other features' data", async () => {
    const h = await makePlugin({ [LESSON_PATH]: LESSON }, { classifier: { model: "m1" }, settings: { seekStepSeconds: 15 } });
    expect(h.plugin.timestamps.settings.seekStepSeconds).toBe(15);
    await h.plugin.seek(YT, 42, LESSON_PATH);
    view(h).getPlayer()?.pause();
    await new Promise((r) => window.setTimeout(r, 0));
    const saved = await h.plugin.loadData() as { classifier: unknown; positions: Record<string, number>; settings: { seekStepSeconds: number } };
    expect(saved.classifier).toEqual({ model: "m1" });
    expect(saved.positions[YT.url]).toBeCloseTo(42, 0);
    expect(saved.settings.seekStepSeconds).toBe(15);
  });

  it("does not remember when the setting is off", async () => {
    const h = await makePlugin({ [LESSON_PATH]: LESSON }, { settings: { rememberPosition: false } });
    await h.plugin.seek(YT, 42, LESSON_PATH);
    h.plugin.timestamps.player.rememberPosition(YT, 50);
    expect(h.plugin.timestamps.player.positions).toEqual({});
  });
});
