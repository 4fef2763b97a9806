import { describe, expect, it } from "vitest";
import { AUG_DEFAULTS, applyAugmentation, augmentParams, parseViewId, viewId, type AugParams } from "../../../src/classifier/augment";
import type { RgbImage } from "../../../src/classifier/types";

function gradient(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      data[i] = Math.round((x / (w - 1)) * 255);
      data[i + 1] = Math.round((y / (h - 1)) * 255);
      data[i + 2] = 128;
    }
  }
  return { width: w, height: h, data };
}

const px = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const none: AugParams = { flip: false, angleDeg: 0, zoom: 1, brightness: 0, contrast: 1 };

describe("augmentParams", () => {
  it("is deterministic in (seed, view) and view 0 is the plain image", () => {
    expect(augmentParams(7, 3)).toEqual(augmentParams(7, 3));
    expect(augmentParams(7, 3)).not.toEqual(augmentParams(7, 4));
    expect(augmentParams(7, 3)).not.toEqual(augmentParams(8, 3));
    expect(augmentParams(123, 0)).toEqual(none);
    expect(() => augmentParams(1, -1)).toThrow(RangeError);
    expect(() => augmentParams(1, 1.5)).toThrow(RangeError);
  });

  it("stays within fastai's default ranges, with about the default probabilities", () => {
    const n = 4000;
    let flips = 0, rotated = 0, lit = 0, contrasted = 0;
    for (let i = 0; i < n; i++) {
      const p = augmentParams(i * 7919, 1 + (i % 5));
      expect(Math.abs(p.angleDeg)).toBeLessThanOrEqual(AUG_DEFAULTS.maxRotateDeg);
      expect(p.zoom).toBeGreaterThanOrEqual(1);
      expect(p.zoom).toBeLessThanOrEqual(AUG_DEFAULTS.maxZoom);
      expect(Math.abs(p.brightness)).toBeLessThanOrEqual(AUG_DEFAULTS.maxLighting);
      expect(p.contrast).toBeGreaterThanOrEqual(1 - AUG_DEFAULTS.maxLighting - 1e-9);
      expect(p.contrast).toBeLessThanOrEqual(1 / (1 - AUG_DEFAULTS.maxLighting) + 1e-9);
      if (p.flip) flips++;
      if (p.angleDeg !== 0) rotated++;
      if (p.brightness !== 0) lit++;
      if (p.contrast !== 1) contrasted++;
    }
    expect(flips / n).toBeCloseTo(0.5, 1);
    expect(rotated / n).toBeCloseTo(0.75, 1);
    expect(lit / n).toBeCloseTo(0.75, 1);
    expect(contrasted / n).toBeCloseTo(0.75, 1);
  });
});

describe("viewId", () => {
  it("names views plain, aug1..augN and parses them back", () => {
    expect(viewId(0)).toBe("plain");
    expect(viewId(3)).toBe("aug3");
    for (let i = 0; i < 20; i++) expect(parseViewId(viewId(i))).toBe(i);
    expect(parseViewId("aug0")).toBeNull();
    expect(parseViewId("augx")).toBeNull();
  });
});

describe("applyAugmentation", () => {
  const img = gradient(31, 23);

  it("returns an equal copy for the identity and never changes its input", () => {
    const before = img.data.slice();
    const out = applyAugmentation(img, none);
    expect(out.data).not.toBe(img.data);
    expect(Array.from(out.data)).toEqual(Array.from(img.data));
    applyAugmentation(img, { flip: true, angleDeg: 9, zoom: 1.08, brightness: 0.2, contrast: 1.2 });
    expect(Array.from(img.data)).toEqual(Array.from(before));
  });

  it("flips horizontally, and flipping twice restores the image", () => {
    const flipped = applyAugmentation(img, { ...none, flip: true });
    expect(px(flipped, 0, 5)).toEqual(px(img, 30, 5));
    expect(px(flipped, 30, 0)).toEqual(px(img, 0, 0));
    expect(Array.from(applyAugmentation(flipped, { ...none, flip: true }).data)).toEqual(Array.from(img.data));
  });

  it("rotates about the centre: a 90° turn of a square maps corners to corners", () => {
    const sq = gradient(9, 9);
    const r = applyAugmentation(sq, { ...none, angleDeg: 90 });
    // Counter-clockwise: the top-right corner moves to the top-left.
    expect(px(r, 0, 0)).toEqual(px(sq, 8, 0));
    expect(px(r, 4, 4)).toEqual(px(sq, 4, 4));
  });

  it("zooms about the centre (the centre pixel stays, the corners move inwards)", () => {
    const z = applyAugmentation(img, { ...none, zoom: 1.1 });
    expect(px(z, 15, 11)).toEqual(px(img, 15, 11));
    expect(z.data[0]).toBeGreaterThan(img.data[0]); // red grows with x: the left edge now shows pixels from further right
  });

  it("brightness and contrast act like fastai's, in logit space", () => {
    const grey = (v: number): RgbImage => ({ width: 1, height: 1, data: new Uint8Array([v, v, v]) });
    const one = (v: number, p: Partial<AugParams>) => applyAugmentation(grey(v), { ...none, ...p }).data[0];
    // Mid-grey moves to 0.5 + b/2 (fastai draws its change from [0.4, 0.6]).
    expect(one(128, { brightness: 0.2 })).toBe(153); // 128/255: logit 0.0078 + logit(0.6) = 0.4133 -> 0.6019 * 255 = 153.48
    expect(one(128, { brightness: -0.2 })).toBe(102);
    // Black and white stay (nearly) put; order is preserved.
    expect(one(0, { brightness: 0.2 })).toBeLessThanOrEqual(1);
    expect(one(255, { brightness: -0.2 })).toBeGreaterThanOrEqual(254);
    // Contrast 1.25: logit(64/255) * 1.25 -> 0.2033 -> 52; mid-grey stays.
    expect(one(64, { contrast: 1.25 })).toBe(52);
    expect(one(128, { contrast: 0.8 })).toBe(128);
    expect(one(64, { contrast: 0.8 })).toBeGreaterThan(64);
    const lit = applyAugmentation(img, { ...none, brightness: 0.15, contrast: 1.2 });
    for (let x = 1; x < 31; x++) expect(px(lit, x, 0)[0]).toBeGreaterThanOrEqual(px(lit, x - 1, 0)[0]);
  });

  it("keeps size and stays in range for random views", () => {
    for (let v = 1; v < 30; v++) {
      const out = applyAugmentation(img, augmentParams(99, v));
      expect(out.width).toBe(31);
      expect(out.height).toBe(23);
      expect(out.data.length).toBe(31 * 23 * 3);
    }
  });

  it("refuses data of the wrong length", () => {
    expect(() => applyAugmentation({ width: 4, height: 4, data: new Uint8Array(10) }, none)).toThrow(/expected 48/);
  });
});
