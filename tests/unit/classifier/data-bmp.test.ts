import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBmp } from "../../../src/classifier/bmp";
import { ImageReadError } from "../../../src/classifier/types";
import { encodeBmp, rgbaOf } from "../../fixtures/images/make-images";

// A 5x3 picture (odd width: rows need padding) with distinct corners.
const W = 5;
const H = 3;
const colours: Array<[number, number, number]> = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 255],
  [0, 0, 0],
  [255, 255, 0],
];
const picture = rgbaOf(W, H, (x, y) => [...colours[(x + 2 * y) % colours.length], 255]);

function thrown(f: () => unknown): ImageReadError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImageReadError) return e;
    throw e;
  }
  throw new Error("expected an ImageReadError");
}

describe("decodeBmp", () => {
  it("decodes 24-bit bottom-up and top-down to the same pixels", () => {
    for (const topDown of [false, true]) {
      const img = decodeBmp(encodeBmp({ width: W, height: H, bpp: 24, topDown, rgba: picture }));
      expect(img.width).toBe(W);
      expect(img.height).toBe(H);
      expect(Array.from(img.data)).toEqual(Array.from(picture));
    }
  });

  it("decodes 8-bit palettized images", () => {
    const img = decodeBmp(encodeBmp({ width: W, height: H, bpp: 8, rgba: picture, palette: colours }));
    expect(Array.from(img.data)).toEqual(Array.from(picture));
  });

  it("decodes 32-bit uncompressed (alpha byte ignored) and BI_BITFIELDS with V4/V5 alpha", () => {
    const translucent = rgbaOf(W, H, (x, y) => [...colours[(x + y) % 6], x * 60]);
    const plain = decodeBmp(encodeBmp({ width: W, height: H, bpp: 32, rgba: translucent }));
    expect(Array.from(plain.data)).toEqual(Array.from(rgbaOf(W, H, (x, y) => [...colours[(x + y) % 6], 255])));
    for (const headerSize of [108, 124] as const) {
      const img = decodeBmp(
        encodeBmp({ width: W, height: H, bpp: 32, headerSize, masks: [0xff0000, 0xff00, 0xff, 0xff000000], rgba: translucent }),
      );
      expect(Array.from(img.data)).toEqual(Array.from(translucent));
    }
  });

  it("treats an alpha channel that is zero everywhere as opaque", () => {
    const clear = rgbaOf(W, H, () => [10, 20, 30, 0]);
    const img = decodeBmp(encodeBmp({ width: W, height: H, bpp: 32, headerSize: 124, masks: [0xff0000, 0xff00, 0xff, 0xff000000], rgba: clear }));
    expect(img.data[3]).toBe(255);
  });

  it("decodes 16-bit 5-6-5 bit fields and the default 5-5-5", () => {
    const img565 = decodeBmp(encodeBmp({ width: W, height: H, bpp: 16, masks: [0xf800, 0x07e0, 0x001f, 0], rgba: picture }));
    expect(Array.from(img565.data)).toEqual(Array.from(picture));
    const img555 = decodeBmp(encodeBmp({ width: W, height: H, bpp: 16, rgba: picture }));
    expect(Array.from(img555.data)).toEqual(Array.from(picture));
  });

  it("reports truncated files, zero sizes, RLE and huge headers as ImageReadErrors", () => {
    const whole = encodeBmp({ width: W, height: H, bpp: 24, rgba: picture });
    for (const cut of [10, 20, 40, whole.length - 8]) {
      const e = thrown(() => decodeBmp(whole.slice(0, cut)));
      expect(e.reason).toBe("truncated or corrupt");
    }
    const zero = whole.slice();
    new DataView(zero.buffer).setInt32(18, 0, true);
    expect(thrown(() => decodeBmp(zero)).reason).toBe("truncated or corrupt");
    const rle = whole.slice();
    new DataView(rle.buffer).setUint32(30, 1, true);
    expect(thrown(() => decodeBmp(rle)).reason).toBe("unsupported format");
    const huge = whole.slice();
    new DataView(huge.buffer).setInt32(18, 20000, true);
    new DataView(huge.buffer).setInt32(22, 20000, true);
    expect(thrown(() => decodeBmp(huge)).message).toMatch(/^too large: 20000x20000 pixels/);
  });

  it("never throws anything but ImageReadError on mangled input", () => {
    const whole = encodeBmp({ width: W, height: H, bpp: 8, rgba: picture, palette: colours });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(whole.length - 1), fc.nat(255)), { maxLength: 8 }), fc.nat(whole.length), (edits, cut) => {
        const bytes = whole.slice(0, Math.max(cut, 2));
        bytes[0] = 0x42;
        bytes[1] = 0x4d;
        for (const [at, value] of edits) if (at >= 2 && at < bytes.length) bytes[at] = value;
        try {
          const img = decodeBmp(bytes, 10_000);
          expect(img.data.length).toBe(img.width * img.height * 4);
        } catch (e) {
          expect(e).toBeInstanceOf(ImageReadError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
