import { describe, expect, it } from "vitest";
import { findUnreadable } from "../../../src/classifier/precheck";

// The smallest valid PNG header: signature + IHDR of a 1x1 image.
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde,
]);
const HUGE = PNG.slice();
new DataView(HUGE.buffer).setUint32(16, 20000);
new DataView(HUGE.buffer).setUint32(20, 20000);

const FILES: Record<string, Uint8Array> = {
  "d/a/ok.png": PNG,
  "d/a/empty.png": new Uint8Array(),
  "d/a/text.png": new TextEncoder().encode("hello, I am text"),
  "d/b/huge.png": HUGE,
};
const store = {
  readBinary: (p: string) => (p in FILES ? Promise.resolve(FILES[p]) : Promise.reject(new Error(`File not found: ${p}`))),
};

describe("findUnreadable", () => {
  it("lists every file that cannot be an image, with the reason", async () => {
    const found = await findUnreadable(store, [...Object.keys(FILES), "d/b/gone.png"]);
    expect(found.map((f) => f.path)).toEqual(["d/a/empty.png", "d/a/text.png", "d/b/huge.png", "d/b/gone.png"]);
    expect(found[0].reason).toBe("empty file");
    expect(found[1].reason).toBe("not an image: the file is text");
    expect(found[2].reason).toMatch(/^too large/);
    expect(found[3].reason).toBe("could not read: File not found: d/b/gone.png");
  });

  it("reports progress, ticks between files and stops when cancelled", async () => {
    const paths = Array.from({ length: 60 }, () => "d/a/ok.png");
    const progress: number[] = [];
    let ticks = 0;
    expect(await findUnreadable(store, paths, { tick: () => (ticks++, Promise.resolve()), onProgress: (d) => progress.push(d) })).toEqual([]);
    expect(ticks).toBe(60);
    expect(progress).toEqual([25, 50, 60]);
    let n = 0;
    await findUnreadable(store, paths, { tick: () => (n++, Promise.resolve()), cancelled: () => n >= 10 });
    expect(n).toBe(10);
  });
});
