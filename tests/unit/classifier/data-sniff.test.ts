import fc from "fast-check";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { checkPixelLimit, readImageSize, requireDecodable, sniffFormat } from "../../../src/classifier/sniff";
import { ImageReadError } from "../../../src/classifier/types";
import { encodeBmp, pngHeaderOnly, rgbaOf } from "../../fixtures/images/make-images";

const text = (s: string) => new TextEncoder().encode(s);

function readError(f: () => unknown): ImageReadError {
  try {
    f();
  } catch (error) {
    if (error instanceof ImageReadError) return error;
    throw error;
  }
  throw new Error("expected an ImageReadError");
}

describe("sniffFormat", () => {
  it("recognises the decodable formats from real encoder output, whatever the extension", async () => {
    const base = sharp({ create: { width: 17, height: 9, channels: 3, background: "#3366cc" } });
    expect(sniffFormat(await base.clone().png().toBuffer())).toBe("png");
    expect(sniffFormat(await base.clone().jpeg().toBuffer())).toBe("jpeg");
    expect(sniffFormat(await base.clone().webp().toBuffer())).toBe("webp");
    expect(sniffFormat(await base.clone().gif().toBuffer())).toBe("gif");
    expect(sniffFormat(await base.clone().tiff().toBuffer())).toBe("tiff");
    expect(sniffFormat(encodeBmp({ width: 2, height: 2, bpp: 24, rgba: new Uint8Array(16) }))).toBe("bmp");
  });

  it("recognises the files that are not images", () => {
    expect(sniffFormat(new Uint8Array(0))).toBe("empty");
    expect(sniffFormat(text("%PDF-1.7\n%âãÏÓ\n1 0 obj"))).toBe("pdf");
    expect(sniffFormat(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]))).toBe("zip");
    expect(sniffFormat(text("just some notes\nabout bears\n"))).toBe("text");
    expect(sniffFormat(text("BMW 320i, not a bitmap, really"))).toBe("text");
    expect(sniffFormat(text('\ufeff<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe("svg");
    expect(sniffFormat(text('<?xml version="1.0"?><note/>'))).toBe("xml");
    expect(sniffFormat(new Uint8Array([0, 0, 0, 0x1c, ...text("ftypheic")]))).toBe("heif");
    expect(sniffFormat(new Uint8Array([0, 0, 0, 0x1c, ...text("ftypavif")]))).toBe("avif");
    expect(sniffFormat(new Uint8Array([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00]))).toBe("unknown");
  });

  it("requireDecodable explains what a file really is", () => {
    expect(requireDecodable(pngHeaderOnly(4, 4))).toBe("png");
    const pdf = readError(() => requireDecodable(text("%PDF-1.4 ...")));
    expect(pdf.reason).toBe("unsupported format");
    expect(pdf.message).toBe("unsupported format: file is a PDF, not an image");
    expect(readError(() => requireDecodable(new Uint8Array(0))).reason).toBe("empty file");
    expect(readError(() => requireDecodable(text("hello"))).reason).toBe("not an image");
    expect(readError(() => requireDecodable(new Uint8Array([1, 2, 3, 0]))).reason).toBe("not an image");
    expect(readError(() => requireDecodable(new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]))).message).toMatch(/TIFF/);
  });
});

describe("readImageSize", () => {
  it("reads dimensions from the headers of every decodable format", async () => {
    const base = sharp({ create: { width: 37, height: 21, channels: 4, background: "#80808080" } });
    for (const buf of [
      await base.clone().png().toBuffer(),
      await base.clone().jpeg().toBuffer(),
      await base.clone().jpeg({ progressive: true }).toBuffer(),
      await base.clone().webp().toBuffer(),
      await base.clone().webp({ lossless: true }).toBuffer(),
      await base.clone().gif().toBuffer(),
      encodeBmp({ width: 37, height: 21, bpp: 24, rgba: new Uint8Array(37 * 21 * 4) }),
      encodeBmp({ width: 37, height: 21, bpp: 32, topDown: true, headerSize: 124, rgba: new Uint8Array(37 * 21 * 4) }),
    ]) {
      expect(readImageSize(buf)).toEqual({ width: 37, height: 21 });
    }
    // Lossy webp with alpha is written as VP8X.
    expect(readImageSize(await base.clone().webp({ alphaQuality: 50 }).toBuffer())).toEqual({ width: 37, height: 21 });
  });

  it("reads a huge claimed size without allocating for it, and the limit check refuses it", () => {
    const huge = pngHeaderOnly(20000, 20000);
    expect(huge.length).toBeLessThan(100);
    expect(readImageSize(huge)).toEqual({ width: 20000, height: 20000 });
    const e = readError(() => checkPixelLimit(readImageSize(huge), 100_000_000));
    expect(e.reason).toBe("too large");
    expect(e.message).toBe("too large: 20000x20000 pixels, the limit is 100 megapixels");
    expect(() => checkPixelLimit({ width: 10000, height: 10000 }, 100_000_000)).not.toThrow();
  });

  it("returns null for headers it cannot read rather than throwing", () => {
    expect(readImageSize(new Uint8Array([0xff, 0xd8, 0xff]))).toBeNull();
    expect(readImageSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(readImageSize(text("GIF89a"))).toBeNull();
  });

  it("BMP sizes come from the header, top-down or not", () => {
    const rgba = rgbaOf(3, 5, () => [1, 2, 3, 255]);
    expect(readImageSize(encodeBmp({ width: 3, height: 5, bpp: 24, topDown: true, rgba }))).toEqual({ width: 3, height: 5 });
  });
});

describe("robustness", () => {
  it("sniffFormat, readImageSize and requireDecodable never throw anything but ImageReadError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom<number[]>([], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], [0x42, 0x4d], [0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50]), (tail, magic) => {
        const bytes = new Uint8Array([...magic, ...tail]);
        const format = sniffFormat(bytes);
        expect(typeof format).toBe("string");
        const size = readImageSize(bytes);
        if (size) expect(size.width).toBeGreaterThanOrEqual(0);
        try {
          requireDecodable(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ImageReadError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
