// Detects an image's real format from its first bytes, whatever its extension says,
// and reads its pixel dimensions from the header without decoding it. Pure.

import { ImageReadError, type UnreadableReason } from "./types";

/** Formats the classifier decodes: those both Chromium and sharp's prebuilt libvips read. */
export type DecodableFormat = "png" | "jpeg" | "gif" | "webp" | "bmp" | "avif";

export type SniffedFormat =
  | DecodableFormat
  | "tiff"
  | "heif"
  | "avif"
  | "svg"
  | "xml"
  | "pdf"
  | "zip"
  | "text"
  | "empty"
  | "unknown";

const DECODABLE: ReadonlySet<SniffedFormat> = new Set<SniffedFormat>(["png", "jpeg", "gif", "webp", "bmp", "avif"]);

export const MIME_TYPES: Record<DecodableFormat, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
  avif: "image/avif",
};

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < Math.min(to, bytes.length); i++) s += String.fromCharCode(bytes[i]);
  return s;
}

const BMP_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** The real format of `bytes`, judged by magic numbers only. */
export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (bytes.length === 0) return "empty";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  const head = ascii(bytes, 0, 16);
  if (head.startsWith("GIF87a") || head.startsWith("GIF89a")) return "gif";
  if (head.startsWith("RIFF") && ascii(bytes, 8, 12) === "WEBP") return "webp";
  // "BM" alone could be the start of a text file ("BMW ..."): also require a known DIB header size.
  if (head.startsWith("BM") && bytes.length >= 18) {
    const dib = bytes[14] | (bytes[15] << 8) | (bytes[16] << 16) | (bytes[17] << 24);
    if (BMP_HEADER_SIZES.has(dib)) return "bmp";
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (ascii(bytes, 4, 8) === "ftyp") {
    const brand = ascii(bytes, 8, 12);
    if (brand === "avif" || brand === "avis") return "avif";
    if (["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].includes(brand)) return "heif";
    return "unknown";
  }
  if (head.startsWith("%PDF-")) return "pdf";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return "zip";
  if (looksLikeText(bytes)) {
    const start = textStart(bytes);
    if (/<svg[\s>]/i.test(start)) return "svg";
    if (/^\s*<\?xml/i.test(start)) return "xml";
    return "text";
  }
  return "unknown";
}

function textStart(bytes: Uint8Array): string {
  const n = Math.min(bytes.length, 1024);
  let from = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) from = 3;
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(from, n));
}

/** No NUL and almost no control bytes in the first KiB: text (UTF-8 or a legacy 8-bit encoding). */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 1024);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control <= n / 100;
}

const NOT_DECODABLE: Record<Exclude<SniffedFormat, DecodableFormat>, [UnreadableReason, string]> = {
  empty: ["empty file", "the file has 0 bytes"],
  unknown: ["not an image", "the file's content is not a known image format"],
  text: ["not an image", "the file is text"],
  xml: ["not an image", "the file is XML"],
  pdf: ["unsupported format", "file is a PDF, not an image"],
  zip: ["unsupported format", "file is a ZIP archive, not an image"],
  svg: ["unsupported format", "SVG images are not supported; use PNG, JPEG, WebP, AVIF, GIF or BMP"],
  tiff: ["unsupported format", "TIFF images are not supported (the app cannot read them); use PNG, JPEG, WebP, AVIF, GIF or BMP"],
  heif: ["unsupported format", "HEIC/HEIF images are not supported (neither the app nor the command line can read them); use PNG, JPEG, WebP, AVIF, GIF or BMP"],
};

/** The decodable format of `bytes`; otherwise throws an ImageReadError saying what the file really is. */
export function requireDecodable(bytes: Uint8Array): DecodableFormat {
  const format = sniffFormat(bytes);
  if (DECODABLE.has(format)) return format as DecodableFormat;
  const [reason, detail] = NOT_DECODABLE[format as Exclude<SniffedFormat, DecodableFormat>];
  throw new ImageReadError(reason, detail);
}

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Pixel dimensions from the header of a png, gif, bmp, webp or jpeg, without decoding;
 * null when the header cannot be read (the decoder then reports the file itself).
 * Lets a decoder refuse a 20000x20000 image before allocating for it.
 */
export function readImageSize(bytes: Uint8Array, format: DecodableFormat = sniffFormat(bytes) as DecodableFormat): ImageSize | null {
  const u16le = (o: number) => bytes[o] | (bytes[o + 1] << 8);
  const u16be = (o: number) => (bytes[o] << 8) | bytes[o + 1];
  const u32be = (o: number) => ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
  const i32le = (o: number) => bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
  switch (format) {
    case "png":
      if (bytes.length < 24 || ascii(bytes, 12, 16) !== "IHDR") return null;
      return { width: u32be(16), height: u32be(20) };
    case "gif":
      if (bytes.length < 10) return null;
      return { width: u16le(6), height: u16le(8) };
    case "bmp": {
      if (bytes.length < 26) return null;
      const dib = i32le(14);
      if (dib === 12) return { width: u16le(18), height: u16le(20) };
      return { width: Math.abs(i32le(18)), height: Math.abs(i32le(22)) };
    }
    case "webp": {
      if (bytes.length < 30) return null;
      const chunk = ascii(bytes, 12, 16);
      if (chunk === "VP8 ") return { width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff };
      if (chunk === "VP8L") {
        const b0 = bytes[21], b1 = bytes[22], b2 = bytes[23], b3 = bytes[24];
        return { width: 1 + (((b1 & 0x3f) << 8) | b0), height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)) };
      }
      if (chunk === "VP8X") {
        return {
          width: 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16)),
          height: 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16)),
        };
      }
      return null;
    }
    case "jpeg": {
      // Walk the marker segments to the first start-of-frame.
      let o = 2;
      while (o + 4 <= bytes.length) {
        if (bytes[o] !== 0xff) return null;
        const marker = bytes[o + 1];
        if (marker === 0xff) {
          o++;
          continue;
        }
        if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          o += 2;
          continue;
        }
        const len = u16be(o + 2);
        if (len < 2) return null;
        const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
        if (isSof) {
          if (o + 9 > bytes.length) return null;
          return { width: u16be(o + 7), height: u16be(o + 5) };
        }
        if (marker === 0xda || marker === 0xd9) return null;
        o += 2 + len;
      }
      return null;
    }
    case "avif":
      return avifSize(bytes);
    default:
      return null;
  }
}

/**
 * An AVIF's size from its ISO-BMFF boxes (meta → iprp → ipco → ispe), without decoding. An image
 * may carry several `ispe` (the whole grid and its tiles): the largest is what decoding makes.
 */
function avifSize(bytes: Uint8Array): ImageSize | null {
  const u32 = (o: number): number => ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
  let best: ImageSize | null = null;
  // Walks the boxes in [from, to); `path` is the chain of containers to follow to the ispe boxes.
  const walk = (from: number, to: number, path: readonly string[]): void => {
    let o = from;
    while (o + 8 <= to) {
      const size = u32(o);
      const type = ascii(bytes, o + 4, o + 8);
      const end = size === 0 ? to : o + size;
      if (size !== 0 && size < 8) return;
      if (end > to) return;
      if (path.length === 0 && type === "ispe" && o + 20 <= end) {
        const width = u32(o + 12);
        const height = u32(o + 16);
        if (!best || width * height > best.width * best.height) best = { width, height };
      } else if (path.length > 0 && type === path[0]) {
        // meta is a full box: 4 bytes of version and flags before its children.
        walk(o + 8 + (type === "meta" ? 4 : 0), end, path.slice(1));
      }
      o = end;
    }
  };
  walk(0, bytes.length, ["meta", "iprp", "ipco"]);
  return best;
}

/** "20000x20000 pixels, the limit is 100 megapixels" style check shared by the decoders. */
export function checkPixelLimit(size: ImageSize | null, maxPixels: number): void {
  if (!size) return;
  if (size.width === 0 || size.height === 0) {
    throw new ImageReadError("truncated or corrupt", `the header says ${size.width}x${size.height} pixels`);
  }
  if (size.width * size.height > maxPixels) {
    throw new ImageReadError(
      "too large",
      `${size.width}x${size.height} pixels, the limit is ${formatPixels(maxPixels)}`,
    );
  }
}

export function formatPixels(n: number): string {
  return n >= 1e6 ? `${Math.round(n / 1e5) / 10} megapixels` : `${n} pixels`;
}

/**
 * The one check before any decode (training, prediction, thumbnails; in the app and in Node):
 * the bytes must be a decodable format and their header must not claim more than `maxPixels`.
 * Throws an ImageReadError saying why; returns the format. Reads the header only.
 */
export function checkBeforeDecode(bytes: Uint8Array, maxPixels: number = DEFAULT_MAX_PIXELS): DecodableFormat {
  const format = requireDecodable(bytes);
  checkPixelLimit(readImageSize(bytes, format), maxPixels);
  return format;
}

/** Default pixel limit for both decoders: 100 megapixels (a 10000x10000 image). */
export const DEFAULT_MAX_PIXELS = 100_000_000;
