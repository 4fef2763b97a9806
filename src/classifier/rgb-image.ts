// The one check every backbone runs on its input images. Pure.
import { throwIfAborted } from "../shared/abort";
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

/**
 * The batch loop every backbone runs: checks each image (checkRgbImage), then embeds `images`
 * `batchSize` at a time through `forward`, which returns a batch's embeddings as one flat
 * Float32Array of `chunk.length * dim` numbers. Returns one Float32Array of `dim` per image, in
 * order; reports `onProgress(done, total)` after each batch; throws an AbortError between
 * batches when `signal` fires.
 */
export async function embedInBatches(
  images: RgbImage[],
  shape: { inputSize: number; dim: number; batchSize: number },
  forward: (chunk: RgbImage[]) => Promise<Float32Array>,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const { inputSize, dim, batchSize } = shape;
  images.forEach((img, i) => checkRgbImage(img, i, inputSize));
  const out: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    throwIfAborted(signal, "Embedding was cancelled");
    const chunk = images.slice(start, start + batchSize);
    const flat = await forward(chunk);
    for (let i = 0; i < chunk.length; i++) out.push(flat.slice(i * dim, (i + 1) * dim));
    onProgress?.(out.length, images.length);
  }
  return out;
}
