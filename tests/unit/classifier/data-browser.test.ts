// The browser decoder, run for real in Debian's Chromium (the engine inside Obsidian) and
// compared with the Node decoder on the same bytes; plus its pure parts in Node.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserReadError, rgbaToRgb } from "../../../src/classifier/browser/decode-browser";
import { ImageReadError } from "../../../src/classifier/types";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { encodeBmp, pngHeaderOnly, rgbaOf } from "../../fixtures/images/make-images";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);

describe("decode-browser pure parts", () => {
  it("rgbaToRgb drops alpha and checks length", () => {
    expect(Array.from(rgbaToRgb(new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8]), 2))).toEqual([1, 2, 3, 5, 6, 7]);
    expect(() => rgbaToRgb(new Uint8Array(7), 2)).toThrow(/expected 8/);
  });

  it("browserReadError keeps ImageReadErrors and wraps anything else as corrupt", () => {
    const own = new ImageReadError("too large", "x");
    expect(browserReadError(own)).toBe(own);
    const dom = new Error("The source image could not be decoded.");
    dom.name = "InvalidStateError";
    const e = browserReadError(dom);
    expect(e.reason).toBe("truncated or corrupt");
    expect(e.message).toBe("truncated or corrupt: InvalidStateError: The source image could not be decoded.");
  });
});

type Outcome = { data: number[] } | { reason: string; message: string };

describe.skipIf(!haveChromium)("createBrowserDecoder in Chromium", () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL("../../../src/classifier/browser/decode-browser.ts", import.meta.url))],
      bundle: true,
      write: false,
      format: "iife",
      globalName: "LessonLabDecode",
      platform: "browser",
      target: "es2021",
      logLevel: "silent",
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage();
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function decodeInBrowser(bytes: Uint8Array, size: number): Promise<Outcome> {
    return page.evaluate(
      async ([b64, s]) => {
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        // The bundle's global, typed loosely here: this function runs in the page.
        const lib = (window as unknown as { LessonLabDecode: { createBrowserDecoder(): { decode(b: Uint8Array, n: number): Promise<{ data: Uint8Array }> } } }).LessonLabDecode;
        try {
          const img = await lib.createBrowserDecoder().decode(bin, s);
          return { data: Array.from(img.data) };
        } catch (e) {
          const err = e as { reason?: string; message?: string };
          return { reason: err.reason ?? "THREW " + String(e), message: err.message ?? "" };
        }
      },
      [Buffer.from(bytes).toString("base64"), size] as const,
    );
  }

  async function compareWithSharp(bytes: Uint8Array, size: number, tolerance: number): Promise<void> {
    const theirs = await decodeInBrowser(bytes, size);
    if (!("data" in theirs)) throw new Error(`browser failed: ${theirs.message}`);
    const ours = await createSharpDecoder().decode(bytes, size);
    expect(theirs.data.length).toBe(ours.data.length);
    let worst = 0;
    theirs.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ours.data[i]))));
    expect(worst).toBeLessThanOrEqual(tolerance);
  }

  it("agrees with the Node decoder on flat colours in every format (alpha on white)", async () => {
    const base = sharp({ create: { width: 30, height: 20, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 0.5 } } });
    await compareWithSharp(await base.clone().png().toBuffer(), 16, 3);
    await compareWithSharp(await base.clone().webp({ lossless: true }).toBuffer(), 16, 3);
    await compareWithSharp(await base.clone().flatten({ background: "#fff" }).jpeg({ quality: 95 }).toBuffer(), 16, 6);
    await compareWithSharp(encodeBmp({ width: 6, height: 4, bpp: 24, rgba: rgbaOf(6, 4, () => [10, 200, 30, 255]) }), 8, 2);
    // AVIF: Chromium and sharp (libheif with AV1) both read it, so datasets may hold it.
    await compareWithSharp(await base.clone().flatten({ background: "#fff" }).avif({ quality: 90 }).toBuffer(), 16, 8);
  });

  it("honours EXIF orientation and squishes like the Node decoder", async () => {
    const halves = rgbaOf(40, 20, (x) => (x < 20 ? [255, 0, 0, 255] : [0, 0, 255, 255]));
    const jpeg = await sharp(Buffer.from(halves), { raw: { width: 40, height: 20, channels: 4 } }).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const out = await decodeInBrowser(jpeg, 16);
    if (!("data" in out)) throw new Error(out.message);
    const at = (x: number, y: number) => out.data.slice((y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    // Red (the left half) is on top once rotated for display.
    expect(at(8, 1)[0]).toBeGreaterThan(200);
    expect(at(8, 14)[2]).toBeGreaterThan(200);
  });

  it("takes the first frame of an animated GIF", async () => {
    const frames = rgbaOf(8, 16, (_x, y) => (y < 8 ? [0, 200, 0, 255] : [200, 0, 200, 255]));
    const gif = await sharp(Buffer.from(frames), { raw: { width: 8, height: 16, channels: 4, pageHeight: 8 } }).gif().toBuffer();
    await compareWithSharp(gif, 8, 12);
  });

  it("gives the same reasons as the Node decoder for bad files", async () => {
    const cases: Array<[Uint8Array, string]> = [
      [new Uint8Array(0), "empty file"],
      [new TextEncoder().encode("plain text renamed .jpg"), "not an image"],
      [new TextEncoder().encode("%PDF-1.4\n"), "unsupported format"],
      [pngHeaderOnly(20000, 20000), "too large"],
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0, 1, 2, 3, 4]), "truncated or corrupt"],
    ];
    for (const [bytes, reason] of cases) {
      const out = await decodeInBrowser(bytes, 8);
      expect("reason" in out ? out.reason : "decoded").toBe(reason);
    }
  });
});
