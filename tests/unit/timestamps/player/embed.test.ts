import { describe, expect, it } from "vitest";
import {
  embedIdentity,
  isAudioPath,
  parseVimeoMessage,
  parseYoutubeMessage,
  vimeoEmbedUrl,
  vimeoHash,
  vimeoMessage,
  youtubeCommand,
  youtubeEmbedUrl,
  youtubeListening,
} from "../../../../src/timestamps/player/embed";
import { activeChapterIndex, clampRate, insertionSeconds, stepRate, stepSeconds, timestampBlockMarkdown } from "../../../../src/timestamps/player/controls";

describe("embed URLs", () => {
  it("builds the YouTube embed URL with the JS API, start, https identity and inline playback", () => {
    const url = new URL(youtubeEmbedUrl("F4tvM4Vb3A0", 405.7, "app://obsidian.md", false));
    expect(url.origin + url.pathname).toBe("https://www.youtube.com/embed/F4tvM4Vb3A0");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      enablejsapi: "1",
      start: "405",
      origin: "https://obsidian.md",
      widget_referrer: "https://obsidian.md",
      playsinline: "1",
      rel: "0",
    });
    expect(new URL(youtubeEmbedUrl("F4tvM4Vb3A0", 0, "http://127.0.0.1:8123", true)).searchParams.get("origin")).toBe("http://127.0.0.1:8123");
    expect(new URL(youtubeEmbedUrl("F4tvM4Vb3A0", 0, null, true)).searchParams.get("autoplay")).toBe("1");
  });

  it("only passes http(s) page origins through as the embed identity", () => {
    expect(embedIdentity("https://example.org")).toBe("https://example.org");
    expect(embedIdentity("app://obsidian.md")).toBe("https://obsidian.md");
    expect(embedIdentity("null")).toBe("https://obsidian.md");
    expect(embedIdentity(undefined)).toBe("https://obsidian.md");
  });

  it("builds the Vimeo URL with hash, autoplay and a #t= start", () => {
    expect(vimeoEmbedUrl("76979871", "abc123def", 90, true)).toBe("https://player.vimeo.com/video/76979871?h=abc123def&autoplay=1#t=90s");
    expect(vimeoEmbedUrl("76979871", "", -3, false)).toBe("https://player.vimeo.com/video/76979871?autoplay=0#t=0s");
    expect(vimeoHash("https://vimeo.com/76979871/abc123def")).toBe("abc123def");
    expect(vimeoHash("https://player.vimeo.com/video/76979871?h=ff00aa")).toBe("ff00aa");
    expect(vimeoHash("https://vimeo.com/76979871")).toBe("");
    expect(vimeoHash("not a url")).toBe("");
  });

  it("tells audio from video by extension", () => {
    expect(isAudioPath("Lessons/lesson 2.mp3")).toBe(true);
    expect(isAudioPath("https://x.org/a.M4A?x=1")).toBe(true);
    expect(isAudioPath("https://x.org/a.mp4")).toBe(false);
    expect(isAudioPath("folder.mp3/video")).toBe(false);
  });
});

describe("postMessage payloads", () => {
  it("writes the YouTube handshake and commands exactly", () => {
    expect(youtubeListening("p1")).toBe('{"event":"listening","id":"p1","channel":"widget"}');
    expect(youtubeCommand("seekTo", [405, true], "p1")).toBe('{"event":"command","func":"seekTo","args":[405,true],"id":"p1","channel":"widget"}');
  });

  it("reads YouTube infoDelivery and state messages, ignoring others", () => {
    expect(parseYoutubeMessage('{"event":"infoDelivery","info":{"currentTime":12.5,"playerState":1,"playbackRate":1.5}}')).toEqual({
      currentTime: 12.5,
      playerState: 1,
      playbackRate: 1.5,
    });
    expect(parseYoutubeMessage({ event: "onStateChange", info: 2 })).toEqual({ playerState: 2 });
    expect(parseYoutubeMessage({ event: "onError", info: 153 })).toEqual({ error: "YouTube refused the embed because it got no referrer (error 153)" });
    expect(parseVimeoMessage({ event: "error", data: { message: "Private video" } })).toEqual({ error: "Vimeo could not play this video: Private video" });
    expect(parseYoutubeMessage("{not json")).toBeNull();
    expect(parseYoutubeMessage({ event: "onReady" })).toBeNull();
    expect(parseYoutubeMessage(null)).toBeNull();
    expect(parseYoutubeMessage({ event: "infoDelivery", info: { currentTime: "12" } })).toEqual({});
  });

  it("writes Vimeo methods and reads its events and replies", () => {
    expect(vimeoMessage("setCurrentTime", 90)).toBe('{"method":"setCurrentTime","value":90}');
    expect(vimeoMessage("play")).toBe('{"method":"play"}');
    expect(parseVimeoMessage('{"event":"timeupdate","data":{"seconds":3.2,"percent":0.1,"duration":32}}')).toEqual({ seconds: 3.2 });
    expect(parseVimeoMessage({ event: "playProgress", data: { seconds: 4 } })).toEqual({ seconds: 4 });
    expect(parseVimeoMessage({ method: "getCurrentTime", value: 7 })).toEqual({ seconds: 7 });
    expect(parseVimeoMessage({ event: "ready" })).toEqual({ ready: true });
    expect(parseVimeoMessage({ event: "pause" })).toEqual({ paused: true });
    expect(parseVimeoMessage({ event: "timeupdate" })).toBeNull();
    expect(parseVimeoMessage(42)).toBeNull();
  });
});

describe("playback arithmetic", () => {
  it("inserts a little before now, never below zero", () => {
    expect(insertionSeconds(405.9, 2)).toBe(403);
    expect(insertionSeconds(1, 2)).toBe(0);
    expect(insertionSeconds(Number.NaN, 2)).toBe(0);
    expect(insertionSeconds(10, -5)).toBe(10);
    expect(timestampBlockMarkdown("6:43")).toBe("```timestamp\n6:43\n```\n");
  });

  it("steps the rate on a 0.25 grid within 0.25–4", () => {
    expect(stepRate(1, 1)).toBe(1.25);
    expect(stepRate(1, -1)).toBe(0.75);
    expect(stepRate(0.25, -1)).toBe(0.25);
    expect(stepRate(4, 1)).toBe(4);
    expect(stepRate(1.1, 1)).toBe(1.25);
    expect(clampRate(Number.NaN)).toBe(1);
  });

  it("keeps relative seeks within the video", () => {
    expect(stepSeconds(5, -10, null)).toBe(0);
    expect(stepSeconds(95, 10, 100)).toBe(100);
    expect(stepSeconds(50, 10, null)).toBe(60);
  });

  it("finds the chapter playing: the last whose time is not after now", () => {
    const ch = [0, 405, 1632].map((seconds, line) => ({ seconds, time: "", title: "", line }));
    expect(activeChapterIndex(ch, 0)).toBe(0);
    expect(activeChapterIndex(ch, 404.9)).toBe(0);
    expect(activeChapterIndex(ch, 405)).toBe(1);
    expect(activeChapterIndex(ch, 5000)).toBe(2);
    expect(activeChapterIndex(ch.slice(1), 10)).toBe(-1);
  });
});
