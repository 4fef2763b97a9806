import fc from "fast-check";
import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { ImageReadError, type RgbImage } from "../../../src/classifier/types";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { encodeBmp, pngHeaderOnly, rgbaOf } from "../../fixtures/images/make-images";

const decoder = createSharpDecoder();
const text = (s: string) => new TextEncoder().encode(s);
const px = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

function near(actual: number[], expected: number[], tolerance = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `channel ${i}: ${actual.join(",")} vs ${expected.join(",")}`).toBeLessThanOrEqual(tolerance));
}

async function readError(bytes: Uint8Array, size = 16): Promise<ImageReadError> {
  try {
    await decoder.decode(bytes, size);
  } catch (error) {
    if (error instanceof ImageReadError) return error;
    throw error;
  }
  throw new Error("expected an ImageReadError");
}

/** Left half red, right half blue, w x h. */
function halves(w: number, h: number): Sharp {
  return sharp(Buffer.from(rgbaOf(w, h, (x) => (x < w / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255]))), { raw: { width: w, height: h, channels: 4 } });
}

describe("createSharpDecoder", () => {
  it("decodes png, jpeg, webp and gif to size x size RGB", async () => {
    const base = sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 20, g: 140, b: 220 } } });
    for (const bytes of [
      await base.clone().png().toBuffer(),
      await base.clone().jpeg({ quality: 95 }).toBuffer(),
      await base.clone().webp({ quality: 95 }).toBuffer(),
      await base.clone().gif().toBuffer(),
    ]) {
      const img = await decoder.decode(bytes, 24);
      expect(img.width).toBe(24);
      expect(img.height).toBe(24);
      expect(img.data.length).toBe(24 * 24 * 3);
      near(px(img, 12, 12), [20, 140, 220], 10);
    }
  });

  it("squishes (no crop): both halves of a wide image survive", async () => {
    const img = await decoder.decode(await halves(80, 20).png().toBuffer(), 16);
    near(px(img, 1, 8), [255, 0, 0]);
    near(px(img, 14, 8), [0, 0, 255]);
  });

  it("composites transparency on white", async () => {
    const rgba = rgbaOf(8, 8, (x) => (x < 4 ? [0, 0, 0, 0] : [0, 0, 0, 128]));
    const bytes = await sharp(Buffer.from(rgba), { raw: { width: 8, height: 8, channels: 4 } }).png().toBuffer();
    const img = await decoder.decode(bytes, 8);
    near(px(img, 0, 0), [255, 255, 255], 1);
    near(px(img, 7, 7), [127, 127, 127], 3);
  });

  it("honours EXIF orientation 6 (rotate 90° clockwise for display)", async () => {
    const bytes = await halves(40, 20).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(bytes).metadata()).orientation).toBe(6);
    const img = await decoder.decode(bytes, 16);
    // The left (red) half ends up on top.
    near(px(img, 2, 1), [255, 0, 0], 20);
    near(px(img, 2, 14), [0, 0, 255], 20);
    near(px(img, 13, 1), [255, 0, 0], 20);
  });

  it("converts CMYK JPEG, 16-bit PNG and greyscale to 8-bit sRGB", async () => {
    const base = sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 51, g: 102, b: 153 } } });
    const cmyk = await base.clone().toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");
    near(px(await decoder.decode(cmyk, 8), 4, 4), [51, 102, 153], 25);

    const png16 = await base.clone().toColourspace("rgb16").png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe("ushort");
    near(px(await decoder.decode(png16, 8), 4, 4), [51, 102, 153], 2);

    const grey = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#646464" } }).toColourspace("b-w").png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    near(px(await decoder.decode(grey, 8), 3, 3), [100, 100, 100], 2);

    const greyAlpha = await sharp(Buffer.from(rgbaOf(10, 10, () => [0, 0, 0, 0])), { raw: { width: 10, height: 10, channels: 4 } })
      .toColourspace("b-w")
      .png()
      .toBuffer();
    expect((await sharp(greyAlpha).metadata()).channels).toBe(2);
    near(px(await decoder.decode(greyAlpha, 8), 3, 3), [255, 255, 255], 1);
  });

  it("takes the first frame of an animated GIF", async () => {
    const frames = rgbaOf(8, 16, (_x, y) => (y < 8 ? [0, 200, 0, 255] : [200, 0, 200, 255]));
    const gif = await sharp(Buffer.from(frames), { raw: { width: 8, height: 16, channels: 4, pageHeight: 8 } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const img = await decoder.decode(gif, 8);
    for (const [x, y] of [[0, 0], [7, 7], [4, 4]]) near(px(img, x, y), [0, 200, 0], 12);
  });

  it("decodes BMP through the pure decoder", async () => {
    const bmp = encodeBmp({ width: 6, height: 4, bpp: 24, rgba: rgbaOf(6, 4, (x) => (x < 3 ? [255, 0, 0, 255] : [0, 0, 255, 255])) });
    const img = await decoder.decode(bmp, 6);
    near(px(img, 0, 0), [255, 0, 0], 2);
    near(px(img, 5, 3), [0, 0, 255], 2);
  });

  it("decodes by content, not by extension: a PNG named .jpg decodes", async () => {
    const png = await sharp({ create: { width: 5, height: 5, channels: 3, background: "#00ff00" } }).png().toBuffer();
    near(px(await decoder.decode(png, 4), 1, 1), [0, 255, 0], 1);
  });

  it("maps every failure to an ImageReadError with a reason", async () => {
    expect((await readError(new Uint8Array(0))).reason).toBe("empty file");
    expect((await readError(text("I am a text file renamed photo.jpg\n"))).reason).toBe("not an image");
    const pdf = await readError(text("%PDF-1.5\n1 0 obj << >> endobj\n"));
    expect(pdf.message).toBe("unsupported format: file is a PDF, not an image");
    const tiff = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } }).tiff().toBuffer();
    expect((await readError(tiff)).reason).toBe("unsupported format");

    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#888", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
      .jpeg()
      .toBuffer();
    for (const cut of [0.1, 0.5, 0.9]) {
      const e = await readError(photo.subarray(0, Math.floor(photo.length * cut)));
      expect(e.reason).toBe("truncated or corrupt");
      expect(e.message.length).toBeGreaterThan("truncated or corrupt: ".length);
      expect(e.message).not.toContain("\n");
    }
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
      .png()
      .toBuffer();
    expect((await readError(png.subarray(0, Math.floor(png.length / 2)))).reason).toBe("truncated or corrupt");
    const garbled = Uint8Array.from(png);
    for (let i = 60; i < garbled.length; i += 7) garbled[i] ^= 0x5a;
    expect((await readError(garbled)).reason).toBe("truncated or corrupt");
  });

  it("refuses a 20000x20000 image from its header, without allocating for it", async () => {
    const before = process.memoryUsage().rss;
    const e = await readError(pngHeaderOnly(20000, 20000));
    expect(e.message).toBe("too large: 20000x20000 pixels, the limit is 100 megapixels");
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it("honours a custom pixel limit (checked before decoding, any format)", async () => {
    const small = createSharpDecoder({ maxPixels: 1000 });
    const bytes = await sharp({ create: { width: 50, height: 50, channels: 3, background: "#123456" } }).webp().toBuffer();
    await expect(small.decode(bytes, 8)).rejects.toThrow("too large: 50x50 pixels, the limit is 1000 pixels");
    const bmp = encodeBmp({ width: 50, height: 50, bpp: 24, rgba: new Uint8Array(50 * 50 * 4) });
    await expect(small.decode(bmp, 8)).rejects.toThrow(/too large/);
  });

  it("lets nothing but ImageReadError escape on mangled files of every format", async () => {
    const base = sharp({ create: { width: 24, height: 18, channels: 3, background: "#888", noise: { type: "gaussian", mean: 128, sigma: 40 } } });
    const seeds = [
      await base.clone().png().toBuffer(),
      await base.clone().jpeg().toBuffer(),
      await base.clone().webp().toBuffer(),
      await base.clone().gif().toBuffer(),
      encodeBmp({ width: 7, height: 5, bpp: 24, rgba: rgbaOf(7, 5, (x, y) => [x * 30, y * 40, 99, 255]) }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.option(fc.nat()), async (which, edits, cut) => {
        const bytes = Uint8Array.from(seeds[which]);
        // Leave the magic alone now and then so that the real decoders, not only the sniffer, see damage.
        for (const [at, value] of edits) bytes[4 + (at % (bytes.length - 4))] = value;
        const input = cut === null ? bytes : bytes.subarray(0, cut % bytes.length);
        try {
          const img = await decoder.decode(input, 8);
          expect(img.data.length).toBe(8 * 8 * 3);
        } catch (error) {
          expect(error).toBeInstanceOf(ImageReadError);
        }
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });

  it("refuses a nonsense output size", async () => {
    const png = await sharp({ create: { width: 5, height: 5, channels: 3, background: "#00ff00" } }).png().toBuffer();
    await expect(decoder.decode(png, 0)).rejects.toThrow(RangeError);
    await expect(decoder.decode(png, 2.5)).rejects.toThrow(RangeError);
  });
});
