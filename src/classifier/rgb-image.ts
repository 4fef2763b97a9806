// The one check every backbone runs on its input images. Pure.
import type { RgbImage } from "./types";

/**
 * Throws unless `img` is an RgbImage of `size`×`size` pixels with 3 bytes each (HWC, RGB).
 * `index` is the image's place in its batch, for the message.
 */
export function checkRgbImage(img: RgbImage, index: number, size: number): void {
  if (!img || !(img.data instanceof Uint8Array)) throw new Error(`Image ${index}: not an RgbImage`);
  if (img.width !== size || img.height !== size) {
    throw new Error(`Image ${index} is ${img.width}x${img.height}; this backbone needs ${size}x${size}`);
  }
  if (img.data.length !== size * size * 3) {
    throw new Error(`Image ${index}: expected ${size * size * 3} RGB bytes, got ${img.data.length}`);
  }
}
