// The harness itself: byte ranges, the network fence, the Reading-view stand-in's sections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_VAULT, openHarness, type Harness } from "./harness";
import { parseRange } from "./harness/server";

describe("parseRange", () => {
  it("reads single byte ranges the way RFC 9110 does", () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange("bytes=0-", 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=10-19", 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange("bytes=90-200", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-500", 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=20-10", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-1,5-6", 100)).toBeNull();
    expect(parseRange("items=0-1", 100)).toBeNull();
  });
});

describe("harness page", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness({ note: "Lesson 1 - demo.md" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("serves vault files with 206 partial content and the right type", async () => {
    const res = await h.page.evaluate(async () => {
      const r = await fetch("/vault/media/countdown.webm", { headers: { Range: "bytes=4-7" } });
      const body = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get("content-type"), range: r.headers.get("content-range"), length: body.length };
    });
    expect(res.status).toBe(206);
    expect(res.type).toBe("video/webm");
    expect(res.range).toMatch(/^bytes 4-7\/\d+$/);
    expect(res.length).toBe(4);
    expect(await h.page.evaluate(async () => (await fetch("/vault/../package.json")).status)).not.toBe(200);
  });

  it("aborts and lists any request that leaves 127.0.0.1, and answers only embed paths with fakes", async () => {
    const outcome = await h.page.evaluate(async () => {
      try {
        await fetch("https://example.com/tracker.js");
        return "fetched";
      } catch {
        return "blocked";
      }
    });
    expect(outcome).toBe("blocked");
    expect(h.externalRequests).toContain("https://example.com/tracker.js");
    const api = await h.page.evaluate(async () => {
      try {
        await fetch("https://www.youtube.com/iframe_api");
        return "fetched";
      } catch {
        return "blocked";
      }
    });
    expect(api).toBe("blocked");
    h.externalRequests.length = 0;
  });

  it("loads the plugin from main.js and renders the demo note's sections with real line ranges", async () => {
    expect(h.boot.codeBlockLanguages).toEqual(expect.arrayContaining(["timestamp", "timestamp-url"]));
    expect(h.boot.viewTypes).toContain("lesson-lab-player");
    expect(h.vaultDir).toBe(DEMO_VAULT);
    const sections = await h.page.evaluate(async () => {
      const app = window.lessonLabHarness.app;
      const file = app.vault.getFileByPath("Lesson 1 - demo.md");
      const text = await app.vault.cachedRead(file!);
      return window.lessonLabHarness.splitSections(text).filter((s) => s.kind === "code").map((s) => [s.lang, s.lineStart, s.lineEnd, s.code]);
    });
    // Fences with a trailing space on the info string and a closing fence indented by one space.
    expect(sections[0]).toEqual(["timestamp-url", 12, 14, " [[media/countdown.webm]]"]);
    expect(sections[1]).toEqual(["timestamp", 16, 20, " 00:01\n 00:03 Counting starts to matter\n 00:05"]);
    expect(sections.map((s) => s[0])).toEqual(["timestamp-url", "timestamp", "timestamp-url", "timestamp", "timestamp"]);
  });
});
