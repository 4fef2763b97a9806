// ImageDecoder for Node (CLI, tests, benchmarks) on sharp/libvips. BMP, which libvips
// lacks, goes through the pure decoder in classifier/bmp.ts. libvips decodes at full size;
// classifier/resize.ts squishes, the same code the exported web app runs in a browser.
//
// Huge images: the header's dimensions are read first and anything over `maxPixels`
// (default 100 megapixels) is refused as "too large", whatever the format, so that a
// 20000x20000 file never allocates. (Refusing, rather than downscaling, keeps the Node
// and browser decoders in agreement: a browser cannot shrink-on-load a PNG either.)

import sharp, { type Sharp } from "sharp";
import { decodeBmp } from "../classifier/bmp";
import { DEFAULT_MAX_PIXELS, checkBeforeDecode, checkPixelLimit, readImageSize } from "../classifier/sniff";
import { ImageReadError, type ImageDecoder, type RgbImage } from "../classifier/types";
import { resizeRgb } from "../classifier/resize";
import { errorText } from "../shared/errors";

export interface SharpDecoderOptions {
  /** Largest accepted image, width*height. Default 100 megapixels. */
  maxPixels?: number;
}

/** Largest size x size the decoder produces (a network input, not a photo). */
export const MAX_OUTPUT_SIZE = 4096;

function firstLine(message: string): string {
  return message.split("\n").map((l) => l.trim()).filter(Boolean)[0] ?? message;
}

/** Maps whatever sharp/libvips threw to an ImageReadError. */
export function toReadError(error: unknown): ImageReadError {
  if (error instanceof ImageReadError) return error;
  const message = errorText(error);
  if (/unsupported image format/i.test(message)) return new ImageReadError("not an image", firstLine(message));
  if (/pixel limit/i.test(message)) return new ImageReadError("too large", firstLine(message));
  return new ImageReadError("truncated or corrupt", firstLine(message));
}

export function createSharpDecoder(options: SharpDecoderOptions = {}): ImageDecoder {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;

  async function decode(bytes: Uint8Array, size: number): Promise<RgbImage> {
    if (!Number.isInteger(size) || size < 1 || size > MAX_OUTPUT_SIZE) {
      throw new RangeError(`output size must be a whole number from 1 to ${MAX_OUTPUT_SIZE}; got ${size}`);
    }
    const format = checkBeforeDecode(bytes, maxPixels);
    const header = readImageSize(bytes, format);

    let pipeline: Sharp;
    try {
      if (format === "bmp") {
        const bmp = decodeBmp(bytes, maxPixels);
        pipeline = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } });
      } else {
        if (!header) {
          // Our header reader gave up (an odd JPEG layout): ask libvips, which reads headers only here.
          const meta = await sharp(bytes, { limitInputPixels: false, animated: false }).metadata();
          checkPixelLimit(meta.width && meta.height ? { width: meta.width, height: meta.height } : null, maxPixels);
        }
        // "truncated" fails on cut-off files but tolerates the harmless warnings common in real JPEGs.
        pipeline = sharp(bytes, { failOn: "truncated", limitInputPixels: maxPixels, animated: false, sequentialRead: true });
      }
      const { data, info } = await pipeline
        .rotate() // EXIF orientation
        .toColourspace("srgb") // CMYK, 16-bit and grey become 8-bit sRGB
        .flatten({ background: { r: 255, g: 255, b: 255 } })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      // Squish (fastai's ResizeMethod.Squish) with the resampling the exported web app uses too.
      const rgb = toRgb(data, info.channels, info.width * info.height);
      return { width: size, height: size, data: resizeRgb(rgb, info.width, info.height, size, size) };
    } catch (error) {
      throw toReadError(error);
    }
  }

  return { decode };
}

function toRgb(data: Uint8Array, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, pixels * 3);
  if (channels !== 1) throw new ImageReadError("truncated or corrupt", `decoded to ${channels} channels, expected 3`);
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[i];
  return out;
}
