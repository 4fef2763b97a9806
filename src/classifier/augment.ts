// Data augmentation after fastai's aug_transforms defaults (lesson 2): horizontal flip
// (p=0.5), rotation up to ±10° and zoom up to 1.1 (together, p=0.75), brightness and
// contrast up to ±0.2 (each p=0.75). fastai's perspective warp is left out. Pure JS.

import type { RgbImage } from "./types";
import { fmix32 } from "../shared/hash";
import { seededRandom } from "../shared/random";

export interface AugParams {
  flip: boolean;
  /** Rotation in degrees, counter-clockwise as seen on screen (y pointing down). */
  angleDeg: number;
  /** Scale factor >= 1: the image is magnified about its centre. */
  zoom: number;
  /** fastai's Brightness change minus 0.5, doubled: in [-0.2, 0.2], mid-grey becomes 0.5 + brightness/2. */
  brightness: number;
  /** fastai's Contrast scale of the logit (1 = unchanged), in [0.8, 1.25]. */
  contrast: number;
}

export const AUG_DEFAULTS = {
  flipP: 0.5,
  affineP: 0.75,
  maxRotateDeg: 10,
  maxZoom: 1.1,
  lightingP: 0.75,
  maxLighting: 0.2,
} as const;

export const IDENTITY_AUG: Readonly<AugParams> = Object.freeze({ flip: false, angleDeg: 0, zoom: 1, brightness: 0, contrast: 1 });


/**
 * The augmentation of view `viewIndex` of an image: view 0 is the plain image, views 1.. are
 * random but deterministic in (seed, viewIndex). Pass a per-image seed (e.g. hash32 of its
 * content hash) so that images get different augmentations.
 */
export function augmentParams(seed: number, viewIndex: number): AugParams {
  if (!Number.isInteger(viewIndex) || viewIndex < 0) throw new RangeError(`view index must be a whole number >= 0; got ${viewIndex}`);
  if (viewIndex === 0) return { ...IDENTITY_AUG };
  const rand = seededRandom(fmix32((seed >>> 0) ^ Math.imul(viewIndex, 0x9e3779b1)));
  const d = AUG_DEFAULTS;
  const flip = rand() < d.flipP;
  const affine = rand() < d.affineP;
  const angleDeg = affine ? (rand() * 2 - 1) * d.maxRotateDeg : 0;
  const zoom = affine ? 1 + rand() * (d.maxZoom - 1) : 1;
  const brightness = rand() < d.lightingP ? (rand() * 2 - 1) * d.maxLighting : 0;
  // Log-uniform, like fastai: shrinking by 0.8 is as likely as stretching by 1/0.8.
  const lnMax = -Math.log(1 - d.maxLighting);
  const contrast = rand() < d.lightingP ? Math.exp((rand() * 2 - 1) * lnMax) : 1;
  return { flip, angleDeg, zoom, brightness, contrast };
}

/** Cache key part for a view: "plain" for view 0, "aug1".."augN" for the others. */
export function viewId(viewIndex: number): string {
  return viewIndex === 0 ? "plain" : `aug${viewIndex}`;
}

/** Inverse of viewId; null for anything else. */
export function parseViewId(id: string): number | null {
  if (id === "plain") return 0;
  const m = /^aug([1-9]\d*)$/.exec(id);
  return m ? Number(m[1]) : null;
}

function isIdentity(p: AugParams): boolean {
  return !p.flip && p.angleDeg === 0 && p.zoom === 1 && p.brightness === 0 && p.contrast === 1;
}

/** Mirrors a coordinate into [0, n-1] (fastai pads with reflection). */
function reflect(x: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = x % period;
  if (m < 0) m += period;
  return m > n - 1 ? period - m : m;
}

/**
 * Applies `p` to `img`: same size out; the affine map (flip, rotation, zoom about the centre)
 * is sampled bilinearly with reflection at the borders, then brightness and contrast act on
 * each byte as fastai's do (in logit space; results stay in 0..255). The input is not modified.
 */
export function applyAugmentation(img: RgbImage, p: AugParams): RgbImage {
  const { width: w, height: h, data: src } = img;
  if (src.length !== w * h * 3) throw new RangeError(`image data has ${src.length} bytes, expected ${w * h * 3} for ${w}x${h} RGB`);
  if (isIdentity(p)) return { width: w, height: h, data: src.slice() };

  const out = new Uint8Array(w * h * 3);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const t = (p.angleDeg * Math.PI) / 180;
  // Output pixel -> source pixel: inverse zoom, inverse rotation, then the flip.
  const cos = Math.cos(t) / p.zoom;
  const sin = Math.sin(t) / p.zoom;
  const fx = p.flip ? -1 : 1;
  const lut = lightingTable(p.brightness, p.contrast);
  const affine = p.angleDeg !== 0 || p.zoom !== 1;

  let o = 0;
  for (let y = 0; y < h; y++) {
    const dy = y - cy;
    for (let x = 0; x < w; x++) {
      const dx = x - cx;
      if (!affine) {
        const sxi = p.flip ? w - 1 - x : x;
        const i = (y * w + sxi) * 3;
        out[o] = lut[src[i]];
        out[o + 1] = lut[src[i + 1]];
        out[o + 2] = lut[src[i + 2]];
        o += 3;
        continue;
      }
      const sx = reflect(cx + fx * (cos * dx - sin * dy), w);
      const sy = reflect(cy + (sin * dx + cos * dy), h);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const y1 = y0 + 1 < h ? y0 + 1 : y0;
      const ax = sx - x0;
      const ay = sy - y0;
      const i00 = (y0 * w + x0) * 3;
      const i01 = (y0 * w + x1) * 3;
      const i10 = (y1 * w + x0) * 3;
      const i11 = (y1 * w + x1) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[i00 + c] + (src[i01 + c] - src[i00 + c]) * ax;
        const bottom = src[i10 + c] + (src[i11 + c] - src[i10 + c]) * ax;
        out[o + c] = lut[Math.round(top + (bottom - top) * ay)];
      }
      o += 3;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * fastai's lighting transforms work in logit space: brightness adds logit(0.5 + b/2)
 * (so mid-grey moves to 0.5 + b/2 and black and white stay put), contrast multiplies
 * the logit. A 256-entry table makes it one lookup per byte.
 */
function lightingTable(brightness: number, contrast: number): Uint8Array {
  const lut = new Uint8Array(256);
  const eps = 1e-3;
  const shift = logit(0.5 + brightness / 2);
  for (let v = 0; v < 256; v++) {
    const x = Math.min(1 - eps, Math.max(eps, v / 255));
    const y = 1 / (1 + Math.exp(-(logit(x) * contrast + shift)));
    lut[v] = Math.round(y * 255);
  }
  if (brightness === 0 && contrast === 1) for (let v = 0; v < 256; v++) lut[v] = v;
  return lut;
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
