// A small BMP decoder (sharp/libvips has none; browsers do). Pure, bounds-checked.
// Supports BITMAPCOREHEADER, BITMAPINFOHEADER and the V2..V5 headers; 1/4/8-bit
// palettes, 16/24/32-bit uncompressed, BI_BITFIELDS / BI_ALPHABITFIELDS for 16 and
// 32 bit; bottom-up and top-down rows. RLE and embedded JPEG/PNG are refused.

import { ImageReadError } from "./types";
import { DEFAULT_MAX_PIXELS, formatPixels } from "./sniff";

export interface RgbaImage {
  width: number;
  height: number;
  /** width*height*4 bytes, row-major, top row first, straight (not premultiplied) alpha. */
  data: Uint8Array;
}

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;

function corrupt(detail: string): ImageReadError {
  return new ImageReadError("truncated or corrupt", detail);
}

interface Channel {
  mask: number;
  shift: number;
  max: number;
}

function channel(mask: number): Channel {
  const m = mask >>> 0;
  if (m === 0) return { mask: 0, shift: 0, max: 0 };
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (shift + bits < 32 && ((m >>> (shift + bits)) & 1) === 1) bits++;
  return { mask: m, shift, max: bits >= 32 ? 0xffffffff : 2 ** bits - 1 };
}

function extract(px: number, c: Channel): number {
  if (c.max === 0) return 0;
  const v = ((px & c.mask) >>> c.shift) >>> 0;
  return c.max === 255 ? v : Math.round((v * 255) / c.max);
}

export function decodeBmp(bytes: Uint8Array, maxPixels: number = DEFAULT_MAX_PIXELS): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string) => {
    if (end > bytes.length) throw corrupt(`the file ends inside the ${what} (${bytes.length} bytes)`);
  };
  need(18, "file header");
  if (bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new ImageReadError("not an image", "no BMP signature");
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (![12, 16, 40, 52, 56, 64, 108, 124].includes(headerSize)) throw corrupt(`unknown BMP header size ${headerSize}`);
  need(14 + Math.min(headerSize, 40), "BMP header");

  let width: number, height: number, bpp: number, compression = BI_RGB, colorsUsed = 0;
  const core = headerSize === 12;
  if (core) {
    width = view.getUint16(18, true);
    height = view.getUint16(20, true);
    bpp = view.getUint16(24, true);
  } else {
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    if (headerSize >= 40) {
      compression = view.getUint32(30, true);
      colorsUsed = view.getUint32(46, true);
    }
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height <= 0) throw corrupt(`the header says ${width}x${height} pixels`);
  if (width * height > maxPixels) {
    throw new ImageReadError("too large", `${width}x${height} pixels, the limit is ${formatPixels(maxPixels)}`);
  }
  if (compression === BI_RLE8 || compression === BI_RLE4) throw new ImageReadError("unsupported format", "RLE-compressed BMP is not supported");
  if (compression === BI_JPEG || compression === BI_PNG) throw new ImageReadError("unsupported format", "BMP with embedded JPEG/PNG is not supported");
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw corrupt(`unknown BMP compression ${compression}`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw corrupt(`unsupported bit depth ${bpp}`);
  if (compression !== BI_RGB && bpp !== 16 && bpp !== 32) throw corrupt(`bit fields with ${bpp} bits per pixel`);

  // Channel masks: defaults, then from the header (V2+) or right after a 40-byte header.
  let masks: [number, number, number, number] =
    bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
  let afterHeader = 14 + headerSize;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    const count = compression === BI_ALPHABITFIELDS ? 4 : 3;
    const at = headerSize === 40 ? afterHeader : 54;
    need(at + count * 4, "colour masks");
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true), 0];
    if (count === 4 || headerSize >= 56) masks[3] = view.getUint32(at + 12, true);
    if (headerSize === 40) afterHeader += count * 4;
  } else if (bpp === 32 && headerSize >= 56) {
    // BI_RGB with a V3+ header: honour a declared alpha mask (writers put alpha in the 4th byte).
    need(70, "alpha mask");
    const alphaMask = view.getUint32(66, true);
    if (alphaMask === 0xff000000) masks[3] = alphaMask;
  }

  let palette: Uint8Array | null = null;
  let paletteSize = 0;
  if (bpp <= 8) {
    paletteSize = colorsUsed > 0 ? Math.min(colorsUsed, 1 << bpp) : 1 << bpp;
    const entry = core ? 3 : 4;
    const available = Math.floor((Math.min(pixelOffset, bytes.length) - afterHeader) / entry);
    if (available < 1) throw corrupt("the palette is missing");
    paletteSize = Math.min(paletteSize, available);
    palette = new Uint8Array(paletteSize * 3);
    for (let i = 0; i < paletteSize; i++) {
      const p = afterHeader + i * entry;
      palette[i * 3] = bytes[p + 2];
      palette[i * 3 + 1] = bytes[p + 1];
      palette[i * 3 + 2] = bytes[p];
    }
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (pixelOffset < afterHeader) throw corrupt(`pixel data offset ${pixelOffset} overlaps the header`);
  // The last row need only hold its pixels, not its padding (some writers drop it).
  const lastRowBytes = Math.ceil((bpp * width) / 8);
  need(pixelOffset + stride * (height - 1) + lastRowBytes, "pixel data");

  const out = new Uint8Array(width * height * 4);
  const ch = masks.map(channel);
  const hasAlpha = ch[3].max !== 0;
  let anyAlpha = false;
  for (let row = 0; row < height; row++) {
    const src = pixelOffset + (topDown ? row : height - 1 - row) * stride;
    let o = row * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      if (palette) {
        const bitPos = x * bpp;
        const byte = bytes[src + (bitPos >> 3)];
        const index = bpp === 8 ? byte : (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        // An index past the palette is black, as browsers draw it.
        if (index < paletteSize) {
          out[o] = palette[index * 3];
          out[o + 1] = palette[index * 3 + 1];
          out[o + 2] = palette[index * 3 + 2];
        }
        out[o + 3] = 255;
      } else if (bpp === 24 && compression === BI_RGB) {
        const p = src + x * 3;
        out[o] = bytes[p + 2];
        out[o + 1] = bytes[p + 1];
        out[o + 2] = bytes[p];
        out[o + 3] = 255;
      } else {
        const px = bpp === 16 ? view.getUint16(src + x * 2, true) : view.getUint32(src + x * 4, true);
        out[o] = extract(px, ch[0]);
        out[o + 1] = extract(px, ch[1]);
        out[o + 2] = extract(px, ch[2]);
        if (hasAlpha) {
          out[o + 3] = extract(px, ch[3]);
          if (out[o + 3] !== 0) anyAlpha = true;
        } else {
          out[o + 3] = 255;
        }
      }
    }
  }
  // An alpha channel that is zero everywhere is a writer's mistake, not a blank image.
  if (hasAlpha && !anyAlpha) for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return { width, height, data: out };
}
