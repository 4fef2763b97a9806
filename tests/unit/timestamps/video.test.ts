import { describe, expect, it } from "vitest";
import type { VideoRef } from "../../../src/timestamps/types";
import { isMediaPath, parseVideoSource } from "../../../src/timestamps/video";

function videoOf(raw: string): VideoRef {
  const r = parseVideoSource(raw);
  if ("error" in r) throw new Error(`expected a video for ${JSON.stringify(raw)}, got: ${r.error}`);
  return r.video;
}

function errorOf(raw: string): string {
  const r = parseVideoSource(raw);
  if (!("error" in r)) throw new Error(`expected an error for ${JSON.stringify(raw)}, got ${JSON.stringify(r.video)}`);
  return r.error;
}

const ID = "F4tvM4Vb3A0";
const CANONICAL = `https://www.youtube.com/watch?v=${ID}`;

describe("parseVideoSource: YouTube", () => {
  it.each([
    `https://www.youtube.com/watch?v=${ID}`,
    `http://youtube.com/watch?v=${ID}`,
    `https://www.youtube.com/watch?feature=share&v=${ID}&t=405s`,
    `https://youtu.be/${ID}`,
    `https://youtu.be/${ID}?t=405`,
    `https://www.youtube.com/shorts/${ID}`,
    `https://www.youtube.com/embed/${ID}?start=405`,
    `https://www.youtube.com/live/${ID}?si=abc`,
    `https://m.youtube.com/watch?v=${ID}`,
    `https://music.youtube.com/watch?v=${ID}&list=RDAMVM`,
    `https://www.youtube-nocookie.com/embed/${ID}`,
    `HTTPS://WWW.YOUTUBE.COM/watch?v=${ID}`,
    `www.youtube.com/watch?v=${ID}`,
    `youtu.be/${ID}`,
    `  <https://youtu.be/${ID}>  `,
    `[Lesson 2](https://www.youtube.com/watch?v=${ID})`,
    `[Lesson 2](<https://youtu.be/${ID}> "the lesson")`,
  ])("reads %s", (raw) => {
    expect(videoOf(raw)).toEqual({ kind: "youtube", id: ID, url: CANONICAL });
  });

  it("keeps ids with - and _", () => {
    expect(videoOf("https://youtu.be/a-b_c-d_e-f").id).toBe("a-b_c-d_e-f");
  });

  it.each([
    ["https://www.youtube.com/watch?v=short", /not a YouTube video id/],
    ["https://www.youtube.com/watch?v=F4tvM4Vb3A0x", /not a YouTube video id/],
    ["https://www.youtube.com/watch?v=F4tvM4Vb3A!", /not a YouTube video id/],
    ["https://www.youtube.com/@fastai", /without a video id/],
    ["https://www.youtube.com/playlist?list=PLfYUBJiXbdtSvpQjSnJJ_PmDQB_VyT5iU", /without a video id/],
    ["https://www.youtube.com/embed/videoseries?list=PL", /playlist URL without a video id/],
    ["https://youtu.be/", /without a video id/],
  ])("refuses %s", (raw, message) => {
    expect(errorOf(raw)).toMatch(message);
  });
});

describe("parseVideoSource: Vimeo", () => {
  it.each([
    ["https://vimeo.com/76979871", "76979871", "https://vimeo.com/76979871"],
    ["https://www.vimeo.com/76979871?share=copy", "76979871", "https://vimeo.com/76979871"],
    ["vimeo.com/76979871", "76979871", "https://vimeo.com/76979871"],
    ["https://vimeo.com/76979871/8272103f6e", "76979871", "https://vimeo.com/76979871/8272103f6e"],
    ["https://player.vimeo.com/video/76979871", "76979871", "https://vimeo.com/76979871"],
    ["https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0", "76979871", "https://vimeo.com/76979871/8272103f6e"],
    ["https://vimeo.com/channels/staffpicks/76979871", "76979871", "https://vimeo.com/76979871"],
    ["https://vimeo.com/groups/motion/videos/76979871", "76979871", "https://vimeo.com/76979871"],
    ["https://vimeo.com/showcase/123/video/76979871", "76979871", "https://vimeo.com/76979871"],
  ])("reads %s", (raw, id, url) => {
    expect(videoOf(raw)).toEqual({ kind: "vimeo", id, url });
  });

  it.each(["https://vimeo.com/", "https://vimeo.com/staffpicks", "https://player.vimeo.com/video/abc"])(
    "refuses %s",
    (raw) => {
      expect(errorOf(raw)).toMatch(/Vimeo URL without a video id/);
    },
  );

  it("says a channel page is not a video", () => {
    expect(errorOf("https://vimeo.com/channels/staffpicks")).toMatch(/is a Vimeo channel, not a video/);
  });

  it("keeps only a hexadecimal hash (the form the player sends to Vimeo)", () => {
    // Anything but a hash after the number is another page (`/likes`, `/videos` of a member): refused (QA 17).
    expect(parseVideoSource("https://vimeo.com/76979871/embed")).toEqual({ error: expect.stringMatching(/is not a Vimeo video page \("\/embed" follows the number\)/) as unknown });
    expect(videoOf("https://player.vimeo.com/video/76979871?h=<script>").url).toBe("https://vimeo.com/76979871");
  });
});

describe("parseVideoSource: the library is wrapped by host and scheme rules", () => {
  it.each([
    "https://youtube.com.example.org/watch?v=F4tvM4Vb3A0",
    "https://example.org/youtube/v/F4tvM4Vb3A0",
    "https://example.org/watch?v=F4tvM4Vb3A0&from=youtube.com",
    "https://notvimeo.com/76979871",
    "https://example.org/vimeo.com/76979871",
  ])("refuses %s: the id is only read from YouTube's and Vimeo's own hosts", (raw) => {
    expect(errorOf(raw)).toMatch(/^unsupported video URL/);
  });

  it.each([
    "https://www.google.com/url?url=javascript:alert(1)",
    "https://www.google.com/url?url=https%3A%2F%2Fwww.google.com%2Furl%3Furl%3Dhttps%253A%252F%252Fyoutu.be%252FF4tvM4Vb3A0",
  ])("a Google redirect leads only to an http(s) address, once: %s", (raw) => {
    expect(errorOf(raw)).toMatch(/Google search redirect|unsupported video URL/);
  });

  it.each([
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe src='data:text/html,hi'></iframe>",
  ])("an embed code's src obeys the same scheme rule: %s", (raw) => {
    expect(errorOf(raw)).toMatch(/^unsafe URL scheme/);
  });

  it("an embed code without a src says so", () => {
    expect(errorOf("<iframe width=560></iframe>")).toMatch(/embed code without a src/);
  });

  it("an id of the wrong shape is refused even when the library finds one", () => {
    expect(errorOf("https://www.youtube.com/watch/F4tvM4Vb3A0x")).toMatch(/not a YouTube video id/);
    expect(errorOf("https://www.youtube.com/v/abc")).toMatch(/not a YouTube video id/);
  });
});

describe("parseVideoSource: media URLs", () => {
  it.each([
    "https://example.com/lesson.mp4",
    "https://example.com/a/b/lesson.WEBM",
    "http://example.com/talk.ogg",
    "https://example.com/talk.ogv",
    "https://example.com/podcast.mp3?token=abc",
    "https://example.com/voice.m4a#t=10",
    "https://example.com/clip.mov",
    "https://example.com/clip.wav",
    "https://example.com/clip.m4v",
  ])("reads %s as media", (raw) => {
    const v = videoOf(raw);
    expect(v.kind).toBe("media");
    expect(v.id).toBe(v.url);
    expect(v.url.startsWith("https://example.com/") || v.url.startsWith("http://example.com/")).toBe(true);
  });

  it("normalises the URL (spaces encoded)", () => {
    expect(videoOf("<https://example.com/my lesson.mp4>").url).toBe("https://example.com/my%20lesson.mp4");
  });

  it.each(["https://example.com/page", "https://example.com/lesson.mp4.html", "https://course.fast.ai/Lessons/lesson2.html"])(
    "refuses the web page %s",
    (raw) => {
      expect(errorOf(raw)).toMatch(/^unsupported video URL/);
    },
  );

  it("refuses broken URLs", () => {
    expect(errorOf("https://exa mple.com/a.mp4")).toMatch(/invalid URL/);
  });
});

describe("parseVideoSource: vault files", () => {
  it.each([
    ["[[lesson 2.mp4]]", "lesson 2.mp4"],
    ["![[lesson 2.mp4]]", "lesson 2.mp4"],
    ["[[videos/lesson 2.mp4|Lesson two]]", "videos/lesson 2.mp4"],
    ["[[videos/lesson 2.mp4#intro]]", "videos/lesson 2.mp4"],
    ["  [[ lesson.webm ]] ", "lesson.webm"],
    ["videos/lesson.mp4", "videos/lesson.mp4"],
    ["lesson.MP3", "lesson.MP3"],
    ["videos\\lesson.mp4", "videos/lesson.mp4"],
    ["../media/lesson.mp4", "../media/lesson.mp4"],
    ["[Lesson](videos/my%20lesson.mp4)", "videos/my lesson.mp4"],
    ["<videos/my lesson.mp4>", "videos/my lesson.mp4"],
  ])("reads %s", (raw, id) => {
    expect(videoOf(raw)).toEqual({ kind: "vault", id, url: id });
  });

  it.each([
    ["[[Lesson 1]]", /is not a video or audio file/],
    ["[[notes.pdf]]", /is not a video or audio file/],
    ["[[]]", /empty link/],
    ["[[|alias]]", /empty link/],
    ["notes.md", /is not a video or audio file/],
    ["hello world", /^not a video/],
    ["[x](bad%zz.mp4)", /percent-encoding/],
    ["C:\\Videos\\lesson.mp4", /absolute file paths are not supported/],
    ["//cdn.example.com/a.mp4", /protocol-relative/],
  ])("refuses %s", (raw, message) => {
    expect(errorOf(raw)).toMatch(message);
  });

  it("knows media extensions case-insensitively", () => {
    expect(isMediaPath("a/b.MkV")).toBe(true);
    expect(isMediaPath("a/b.mp4.txt")).toBe(false);
    expect(isMediaPath("mp4")).toBe(false);
  });
});

describe("parseVideoSource: unsafe and empty input", () => {
  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)//.mp4",
    "  javascript:alert(1)",
    "data:video/mp4;base64,AAAA",
    "file:///etc/passwd",
    "file:///home/me/lesson.mp4",
    "vbscript:msgbox(1)",
    "ftp://example.com/lesson.mp4",
    "obsidian://open?vault=x",
    "[click](javascript:alert(1))",
    "<javascript:alert(1)>",
  ])("refuses %s as an unsafe scheme", (raw) => {
    expect(errorOf(raw)).toMatch(/^unsafe URL scheme "[a-z]+:"/);
  });

  it("refuses control characters that browsers would strip", () => {
    expect(errorOf("java\tscript:alert(1)")).toMatch(/control characters/);
    expect(errorOf("https://youtu.be/\nF4tvM4Vb3A0")).toMatch(/control characters/);
  });

  it.each(["", "   ", "<>", "[x]()"])("refuses empty input %j", (raw) => {
    expect(errorOf(raw)).toMatch(/no video given|empty link target/);
  });

  it("refuses absurdly long input", () => {
    expect(errorOf(`https://example.com/${"a".repeat(5000)}.mp4`)).toMatch(/too long/);
  });
});
