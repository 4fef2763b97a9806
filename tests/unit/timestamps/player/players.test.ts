// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { Html5Player } from "../../../../src/timestamps/player/html5";
import { VimeoPlayer } from "../../../../src/timestamps/player/vimeo";
import { YoutubePlayer } from "../../../../src/timestamps/player/youtube";
import type { VideoRef } from "../../../../src/timestamps/types";
import { quietIframeLoading } from "../obsidian/helpers";

quietIframeLoading();

const YT: VideoRef = { kind: "youtube", id: "F4tvM4Vb3A0", url: "https://www.youtube.com/watch?v=F4tvM4Vb3A0" };
const YT2: VideoRef = { kind: "youtube", id: "dQw4w9WgXcQ", url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ" };
const VIMEO: VideoRef = { kind: "vimeo", id: "76979871", url: "https://vimeo.com/76979871/abc123def" };
const MEDIA: VideoRef = { kind: "media", id: "https://x.org/lesson.mp4", url: "https://x.org/lesson.mp4" };

/** A stand-in for the provider's window inside the iframe: records what is posted to it. */
function fakeFrameWindow(iframe: HTMLIFrameElement): { posted: Array<{ message: unknown; origin: string }>; win: Window } {
  const posted: Array<{ message: unknown; origin: string }> = [];
  const win = { postMessage: (message: unknown, origin: string) => posted.push({ message, origin }) } as unknown as Window;
  Object.defineProperty(iframe, "contentWindow", { configurable: true, get: () => win });
  return { posted, win };
}

function fromFrame(source: unknown, origin: string, data: unknown): void {
  window.dispatchEvent(new MessageEvent("message", { data, origin, source: source as Window }));
}

afterEach(() => {
  document.body.empty();
  vi.useRealTimers();
});

describe("YouTube player", () => {
  it("loads the embed, handshakes after the frame loads, then sends exact commands", () => {
    const container = document.body.createDiv();
    const p = new YoutubePlayer(container, { autoplay: false });
    const { posted } = fakeFrameWindow(p.element);
    p.load(YT, 405);
    expect(p.element.dataset.provider).toBe("youtube");
    expect(p.element.getAttribute("referrerpolicy")).toBe("strict-origin-when-cross-origin");
    expect(p.element.getAttribute("allow")).toBe("autoplay; fullscreen; picture-in-picture; encrypted-media");
    expect(p.element.src).toMatch(/^https:\/\/www\.youtube\.com\/embed\/F4tvM4Vb3A0\?enablejsapi=1&start=405&origin=/);

    p.seek(27 * 60 + 12); // queued: the frame has not loaded yet
    expect(posted).toEqual([]);
    p.element.dispatchEvent(new Event("load"));
    const id = p.playerId;
    expect(posted.map((m) => m.message)).toEqual([
      `{"event":"listening","id":"${id}","channel":"widget"}`,
      `{"event":"command","func":"seekTo","args":[1632,true],"id":"${id}","channel":"widget"}`,
    ]);
    expect(posted.every((m) => m.origin === "https://www.youtube.com")).toBe(true);

    posted.length = 0;
    p.play();
    p.setRate(1.5);
    p.pause();
    expect(posted.map((m) => JSON.parse(m.message as string) as { func: string; args: unknown[] })).toEqual([
      { event: "command", func: "playVideo", args: [], id, channel: "widget" },
      { event: "command", func: "setPlaybackRate", args: [1.5], id, channel: "widget" },
      { event: "command", func: "pauseVideo", args: [], id, channel: "widget" },
    ]);
    p.destroy();
    expect(container.querySelector("iframe")).toBeNull();
  });

  it("reads the time from infoDelivery only from its own frame at YouTube's origin", () => {
    const p = new YoutubePlayer(document.body.createDiv(), { autoplay: false });
    const { win } = fakeFrameWindow(p.element);
    p.load(YT, 0);
    p.element.dispatchEvent(new Event("load"));
    const times: number[] = [];
    p.onTime((t) => times.push(t));
    const info = (t: number) => JSON.stringify({ event: "infoDelivery", info: { currentTime: t, playerState: 2 } });
    fromFrame(win, "https://www.youtube.com", info(42));
    fromFrame(win, "https://evil.example", info(666));
    fromFrame({ postMessage: () => undefined }, "https://www.youtube.com", info(777));
    expect(times).toEqual([42]);
    expect(p.currentTime()).toBe(42);
    expect(p.paused()).toBe(true);
    const errors: string[] = [];
    p.onError((m) => errors.push(m));
    fromFrame(win, "https://www.youtube.com", JSON.stringify({ event: "onError", info: 150 }));
    expect(errors).toEqual(["the owner of this YouTube video does not allow it to be embedded"]);
    p.destroy();
  });

  it("estimates the time while playing when no report arrives", () => {
    vi.useFakeTimers();
    const p = new YoutubePlayer(document.body.createDiv(), { autoplay: false });
    fakeFrameWindow(p.element);
    p.load(YT, 100);
    p.play();
    vi.advanceTimersByTime(4000);
    expect(p.currentTime()).toBeGreaterThanOrEqual(103.9);
    expect(p.currentTime()).toBeLessThanOrEqual(104.1);
    p.pause();
    const stopped = p.currentTime();
    vi.advanceTimersByTime(3000);
    expect(p.currentTime()).toBe(stopped);
    p.destroy();
  });

  it("switches to another video in the same iframe", () => {
    const container = document.body.createDiv();
    const p = new YoutubePlayer(container, { autoplay: true });
    p.load(YT, 0);
    const first = p.element;
    p.load(YT2, 30);
    expect(container.querySelectorAll("iframe")).toHaveLength(1);
    expect(p.element).toBe(first);
    expect(p.element.src).toContain("/embed/dQw4w9WgXcQ?");
    expect(p.element.src).toContain("start=30");
    expect(p.element.src).toContain("autoplay=1");
    p.destroy();
  });
});

describe("Vimeo player", () => {
  it("subscribes to time events after load and sends exact method messages", () => {
    const p = new VimeoPlayer(document.body.createDiv(), { autoplay: false });
    const { posted, win } = fakeFrameWindow(p.element);
    p.load(VIMEO, 90);
    expect(p.element.dataset.provider).toBe("vimeo");
    expect(p.element.src).toBe("https://player.vimeo.com/video/76979871?h=abc123def&autoplay=0#t=90s");
    p.element.dispatchEvent(new Event("load"));
    expect(posted.map((m) => m.message)).toContain('{"method":"addEventListener","value":"timeupdate"}');
    expect(posted.map((m) => m.message)).toContain('{"method":"addEventListener","value":"playProgress"}');
    expect(posted.every((m) => m.origin === "https://player.vimeo.com")).toBe(true);

    posted.length = 0;
    p.seek(120);
    p.play();
    p.pause();
    p.setRate(2);
    expect(posted.map((m) => m.message)).toEqual([
      '{"method":"setCurrentTime","value":120}',
      '{"method":"play"}',
      '{"method":"pause"}',
      '{"method":"setPlaybackRate","value":2}',
    ]);

    fromFrame(win, "https://player.vimeo.com", JSON.stringify({ event: "timeupdate", data: { seconds: 130.5 } }));
    fromFrame(win, "https://www.youtube.com", JSON.stringify({ event: "timeupdate", data: { seconds: 1 } }));
    expect(p.currentTime()).toBe(130.5);
    p.destroy();
  });
});

describe("HTML5 player", () => {
  function metadataLoaded(el: HTMLMediaElement): void {
    Object.defineProperty(el, "readyState", { configurable: true, get: () => 1 });
    el.dispatchEvent(new Event("loadedmetadata"));
  }

  it("waits for metadata before setting currentTime, then seeks in place", () => {
    const container = document.body.createDiv();
    const p = new Html5Player(container, { autoplay: false }, false);
    p.load(MEDIA, 405, "https://x.org/lesson.mp4");
    const el = p.element;
    expect(el.tagName).toBe("VIDEO");
    expect(el.classList.contains("lesson-lab-media")).toBe(true);
    expect(el.controls).toBe(true);
    expect(el.currentTime).toBe(0);
    expect(p.currentTime()).toBe(405); // the wanted time, until metadata lets it apply
    metadataLoaded(el);
    expect(el.currentTime).toBe(405);
    p.seek(1632);
    expect(el.currentTime).toBe(1632);
    expect(container.querySelectorAll("video")).toHaveLength(1);
    p.destroy();
  });

  it("uses <audio> for audio files and swallows refused autoplay", async () => {
    const container = document.body.createDiv();
    const p = new Html5Player(container, { autoplay: true }, true);
    const el = p.element;
    expect(el.tagName).toBe("AUDIO");
    const refused = vi.fn(() => Promise.reject(new Error("NotAllowedError")));
    el.play = refused;
    expect(() => p.load({ kind: "vault", id: "Lessons/l2.mp3", url: "Lessons/l2.mp3" }, 5, "app://local/l2.mp3")).not.toThrow();
    expect(refused).toHaveBeenCalled();
    await Promise.resolve();
    expect(el.getAttribute("src")).toBe("app://local/l2.mp3");
    p.destroy();
  });

  it("reports a media error for people", () => {
    const p = new Html5Player(document.body.createDiv(), { autoplay: false }, false);
    p.load(MEDIA, 0, "app://local/missing.mp4");
    const errors: string[] = [];
    p.onError((m) => errors.push(m));
    Object.defineProperty(p.element, "error", { configurable: true, get: () => ({ code: 4 }) });
    p.element.dispatchEvent(new Event("error"));
    expect(errors).toEqual(["app://local/missing.mp4 is missing or in a format this app cannot play"]);
    p.destroy();
  });

  it("swaps <audio> for <video> when the next file is a video, keeping one element", () => {
    const container = document.body.createDiv();
    const p = new Html5Player(container, { autoplay: false }, true);
    p.load(MEDIA, 0);
    expect(container.querySelectorAll("audio, video")).toHaveLength(1);
    expect(p.element.tagName).toBe("VIDEO");
    p.setRate(9);
    expect(p.rate()).toBe(4);
    expect(p.element.playbackRate).toBe(4);
    p.destroy();
  });
});
