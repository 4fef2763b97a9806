// Squishes an RGB image to a new width and height: the one resampling step that every Node
// decoder and the exported web app share, so that `lesson-lab predict`, `lesson-lab serve` and the
// page in a visitor's browser feed the network the same bytes (a browser's createImageBitmap and
// libvips each resize their own way, which moved probabilities by more than 1e-3).
//
// The filter is Pillow's antialiased BILINEAR (the triangle filter, widened by the scale factor
// when shrinking; Pillow's Image.resize, which fastai's Resize(method=squish) calls), computed in
// float64 in two separable passes and rounded once at the end. Pure arithmetic on numbers, so it
// gives the same bytes in every JavaScript engine.

/**
 * Names the pixels this module feeds the backbone. Embedding caches (cache.ts) store it and ignore
 * entries made under another value: change it whenever the resize (or any step before the
 * backbone) changes its output, so that no stale embedding is reused.
 */
export const PREPROCESS_VERSION = "squish-pillow-bilinear-1";

interface Taps {
  /** First source index per output index. */
  start: Int32Array;
  /** Taps per output index. */
  count: Int32Array;
  /** Weights, `maxTaps` per output index, normalised to sum 1. */
  weights: Float64Array;
  maxTaps: number;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle's support is 1, widened when shrinking
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let x = 0; x < outSize; x++) {
    const center = (x + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    let sum = 0;
    const n = Math.min(hi - lo, maxTaps);
    for (let k = 0; k < n; k++) {
      const d = Math.abs((k + lo - center + 0.5) / filterScale);
      const w = d < 1 ? 1 - d : 0;
      weights[x * maxTaps + k] = w;
      sum += w;
    }
    if (sum > 0) for (let k = 0; k < n; k++) weights[x * maxTaps + k] /= sum;
    start[x] = lo;
    count[x] = n;
  }
  return { start, count, weights, maxTaps };
}

/**
 * `src`: width*height*3 bytes, RGB row-major. Returns outWidth*outHeight*3 bytes.
 * Throws RangeError on sizes that do not match or are not positive whole numbers.
 */
export function resizeRgb(src: Uint8Array | Uint8ClampedArray, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  for (const [name, v] of [["width", width], ["height", height], ["output width", outWidth], ["output height", outHeight]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive whole number; got ${v}`);
  }
  if (src.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes for ${width}x${height}, got ${src.length}`);
  // Horizontal pass: height rows of outWidth pixels, in float64.
  const h = taps(width, outWidth);
  const mid = new Float64Array(height * outWidth * 3);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const base = x * h.maxTaps;
      const s = h.start[x];
      for (let k = 0; k < h.count[x]; k++) {
        const w = h.weights[base + k];
        const i = row + (s + k) * 3;
        r += src[i] * w;
        g += src[i + 1] * w;
        b += src[i + 2] * w;
      }
      const o = (y * outWidth + x) * 3;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
    }
  }
  // Vertical pass, then one rounding to bytes.
  const v = taps(height, outHeight);
  const out = new Uint8Array(outWidth * outHeight * 3);
  const stride = outWidth * 3;
  for (let y = 0; y < outHeight; y++) {
    const base = y * v.maxTaps;
    const s = v.start[y];
    for (let i = 0; i < stride; i++) {
      let acc = 0;
      for (let k = 0; k < v.count[y]; k++) acc += mid[(s + k) * stride + i] * v.weights[base + k];
      out[y * stride + i] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return out;
}
