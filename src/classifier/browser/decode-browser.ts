// ImageDecoder for Obsidian (Chromium): createImageBitmap decodes (EXIF orientation
// applied, GIF's first frame) and squishes to size x size; a canvas filled white
// composites any alpha. Never imports `obsidian`; needs only browser globals.

import { DEFAULT_MAX_PIXELS, MIME_TYPES, checkBeforeDecode } from "../sniff";
import { ImageReadError, type ImageDecoder, type RgbImage } from "../types";

export interface BrowserDecoderOptions {
  /** Largest accepted image, width*height. Default 100 megapixels. */
  maxPixels?: number;
}

const MAX_OUTPUT_SIZE = 4096;

/** Drops the alpha byte of RGBA pixels (already composited on white by the canvas). */
export function rgbaToRgb(rgba: Uint8Array | Uint8ClampedArray, pixels: number): Uint8Array {
  if (rgba.length < pixels * 4) throw new RangeError(`RGBA data has ${rgba.length} bytes, expected ${pixels * 4}`);
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    out[i * 3] = rgba[j];
    out[i * 3 + 1] = rgba[j + 1];
    out[i * 3 + 2] = rgba[j + 2];
  }
  return out;
}

/** Maps what createImageBitmap or the canvas threw to an ImageReadError. */
export function browserReadError(error: unknown): ImageReadError {
  if (error instanceof ImageReadError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ImageReadError("truncated or corrupt", message);
}

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function makeContext(size: number): Canvas2D {
  if (typeof OffscreenCanvas !== "undefined") {
    const ctx = new OffscreenCanvas(size, size).getContext("2d", { willReadFrequently: true });
    if (ctx) return ctx;
  }
  if (typeof activeDocument !== "undefined" || typeof document !== "undefined") {
    const doc = typeof activeDocument !== "undefined" ? activeDocument : document;
    const canvas = doc.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (ctx) return ctx;
  }
  throw new Error("no 2D canvas is available to decode images");
}

async function bitmapOf(blob: Blob, size: number): Promise<ImageBitmap> {
  const options: ImageBitmapOptions = {
    imageOrientation: "from-image",
    premultiplyAlpha: "none",
    resizeWidth: size,
    resizeHeight: size,
    resizeQuality: "high",
  };
  try {
    return await createImageBitmap(blob, options);
  } catch (error) {
    // A Chromium too old for "from-image" rejects the option (TypeError): retry with its default.
    if (error instanceof TypeError) {
      const { imageOrientation: _unused, ...rest } = options;
      return await createImageBitmap(blob, rest);
    }
    throw error;
  }
}

export function createBrowserDecoder(options: BrowserDecoderOptions = {}): ImageDecoder {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  return {
    async decode(bytes: Uint8Array, size: number): Promise<RgbImage> {
      if (!Number.isInteger(size) || size < 1 || size > MAX_OUTPUT_SIZE) {
        throw new RangeError(`output size must be a whole number from 1 to ${MAX_OUTPUT_SIZE}; got ${size}`);
      }
      const format = checkBeforeDecode(bytes, maxPixels);
      let bitmap: ImageBitmap | null = null;
      try {
        const copy = new Uint8Array(bytes.byteLength);
        copy.set(bytes);
        bitmap = await bitmapOf(new Blob([copy.buffer], { type: MIME_TYPES[format] }), size);
        const ctx = makeContext(size);
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, size, size);
        ctx.drawImage(bitmap, 0, 0, size, size);
        const pixels = ctx.getImageData(0, 0, size, size).data;
        return { width: size, height: size, data: rgbaToRgb(pixels, size * size) };
      } catch (error) {
        throw browserReadError(error);
      } finally {
        bitmap?.close();
      }
    },
  };
}
