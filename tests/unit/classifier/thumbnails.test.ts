// @vitest-environment happy-dom
// Issue 10, case 8: thumbnails (the dataset preview strip, the cleaner's cards) check the pixel
// limit by the header before anything decodes: a 31 KB PNG claiming 16000x16000 pixels never
// reaches createImageBitmap (it took 33 s and 2.3 GB in Chromium).
import { afterEach, describe, expect, it, vi } from "vitest";
import { Thumbnailer } from "../../../src/classifier/browser/thumbnails";
import { checkBeforeDecode } from "../../../src/classifier/sniff";

/** A PNG signature and IHDR claiming width x height (no pixel data: the header is all that is read). */
function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  b[24] = 8;
  b[25] = 6;
  return b;
}

afterEach(() => vi.unstubAllGlobals());

describe("thumbnails and the pixel limit", () => {
  it("one check before any decode: format, then the header's size", () => {
    expect(checkBeforeDecode(pngHeader(100, 100))).toBe("png");
    expect(() => checkBeforeDecode(pngHeader(16000, 16000))).toThrow("too large: 16000x16000 pixels, the limit is 100 megapixels");
    expect(() => checkBeforeDecode(new TextEncoder().encode("<svg></svg>"))).toThrow(/SVG images are not supported/);
  });

  it("never decodes an image whose header claims more pixels than the limit, and says why on the thumbnail", async () => {
    const decode = vi.fn(() => Promise.resolve({ close: () => undefined, width: 4, height: 4 }));
    vi.stubGlobal("createImageBitmap", decode);
    vi.stubGlobal("IntersectionObserver", undefined);
    const files: Record<string, Uint8Array> = { "big.png": pngHeader(16000, 16000), "small.png": pngHeader(40, 30) };
    const thumbs = new Thumbnailer({ readBinary: (p) => Promise.resolve(files[p]) }, 16);
    const big = document.body.createDiv();
    const small = document.body.createDiv();
    thumbs.attach("big.png", big);
    thumbs.attach("small.png", small);
    await vi.waitFor(() => expect(big.hasClass("lesson-lab-thumb-broken")).toBe(true));
    await vi.waitFor(() => expect(decode).toHaveBeenCalledTimes(1));
    expect(big.getAttribute("title")).toBe("big.png: cannot be shown (too large: 16000x16000 pixels, the limit is 100 megapixels)");
    // Only the small one was decoded, straight to the thumbnail size.
    expect(decode.mock.calls[0]).toEqual([expect.any(Blob), expect.objectContaining({ resizeWidth: 16, resizeHeight: 16 })]);
    thumbs.close();
  });
});
