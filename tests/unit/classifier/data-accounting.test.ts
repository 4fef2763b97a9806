// Every file under a dataset folder is accounted for: used, or skipped with a kind and a reason
// (unsupported format, not an image, hidden or system file, a link leading outside, unreadable).
// Real files on disk (symbolic links need a real file system), the real sharp decoder.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createFsStore } from "../../../src/node/fs-store";
import { scanDataset } from "../../../src/classifier/dataset";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { readImageSize, requireDecodable, sniffFormat } from "../../../src/classifier/sniff";
import { run as trainCli } from "../../../src/cli/train";
import type { CliIo } from "../../../src/cli/io";

let root = "";
let avif: Buffer;
let png: Buffer;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "lesson-lab-accounting-"));
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } }).png().toBuffer();
  const jpg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#0f0" } }).jpeg().toBuffer();
  avif = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#00f" } }).avif().toBuffer();
  const d = path.join(root, "data");
  for (const l of ["a", "b", "phone"]) await mkdir(path.join(d, l), { recursive: true });
  await writeFile(path.join(d, "a", "x.png"), png);
  await writeFile(path.join(d, "a", "y.jfif"), jpg);
  await writeFile(path.join(d, "a", "z.avif"), avif);
  await writeFile(path.join(d, "a", ".DS_Store"), "x");
  await writeFile(path.join(d, "a", "Thumbs.db"), "x");
  await writeFile(path.join(d, "a", "notes.txt"), "x");
  await mkdir(path.join(d, "__MACOSX", "a"), { recursive: true });
  await writeFile(path.join(d, "__MACOSX", "a", "._x.png"), "x");
  await writeFile(path.join(d, "phone", "IMG_1.HEIC"), "x");
  await writeFile(path.join(d, "phone", "IMG_2.tiff"), "x");
  await writeFile(path.join(d, "phone", "logo.svg"), "<svg/>");
  await writeFile(path.join(d, "b", "p.png"), png);
  await mkdir(path.join(root, "elsewhere"));
  await writeFile(path.join(root, "elsewhere", "o.png"), png);
  // Links: a label folder outside, a file outside, a label folder inside (followed), a loop, a dangling file.
  await symlink(path.join(root, "elsewhere"), path.join(d, "outside-label"));
  await symlink(path.join(root, "elsewhere", "o.png"), path.join(d, "b", "outside.png"));
  await mkdir(path.join(d, "store", "c"), { recursive: true });
  await writeFile(path.join(d, "store", "c", "q.png"), png);
  await symlink(path.join(d, "store", "c"), path.join(d, "c"));
  await symlink(d, path.join(d, "b", "loop"));
  await symlink(path.join(d, "nothing.png"), path.join(d, "b", "dangling.png"));
}, 60_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("dataset accounting", () => {
  it("uses .jfif (JPEG) and AVIF, follows links inside the folder, and lists every other file with its kind and reason", async () => {
    const scan = await scanDataset(createFsStore(root), "data");
    expect(scan.items.map((i) => i.path)).toEqual(["data/a/x.png", "data/a/y.jfif", "data/a/z.avif", "data/b/p.png", "data/c/q.png", "data/store/c/q.png"]);
    const skipped = Object.fromEntries(scan.skipped.map((s) => [s.path, [s.kind, s.reason]]));
    expect(skipped).toEqual({
      "data/a/.DS_Store": ["hidden or system file", "hidden or system file: a hidden file (its name starts with a dot)"],
      "data/a/Thumbs.db": ["hidden or system file", "hidden or system file: a file the operating system keeps (thumbnails or folder settings)"],
      "data/__MACOSX/a/._x.png": ["hidden or system file", "hidden or system file: a hidden file (its name starts with a dot)"],
      "data/a/notes.txt": ["not an image", expect.stringContaining('not an image: ".txt" is not an image extension') as unknown],
      "data/phone/IMG_1.HEIC": ["unsupported format", "unsupported format: HEIC: neither the app (Chromium) nor the command line (sharp) reads it; convert it to JPEG, PNG, WebP or AVIF"],
      "data/phone/IMG_2.tiff": ["unsupported format", expect.stringContaining("TIFF: the app (Chromium) does not read it") as unknown],
      "data/phone/logo.svg": ["unsupported format", expect.stringContaining("SVG: a drawing") as unknown],
      "data/outside-label": ["outside the folder through a link", `outside the folder through a link: it points to ${path.join(root, "elsewhere")}`],
      "data/b/outside.png": ["outside the folder through a link", `outside the folder through a link: it points to ${path.join(root, "elsewhere", "o.png")}`],
      "data/b/loop": ["unreadable", 'unreadable: a link loop (it points back to "data", which holds it)'],
      "data/b/dangling.png": ["unreadable", "unreadable: a link to nothing (its target does not exist)"],
    });
    expect(scan.ignored).toBe(11);
    // Used + skipped = every entry under the folder (the loop is listed once, not walked).
    expect(scan.items.length + scan.skipped.length).toBe(17);
    expect(scan.labels).toEqual(["a", "b", "c", "store"]);
    expect(scan.warnings).toContain('label folder "phone" has no usable images (3 files skipped: 3 unsupported format); it is left out');
    expect(scan.warnings.find((w) => w.startsWith('11 files in "data" are not used: '))).toMatch(/3 hidden or system file, 3 unsupported format, 2 outside the folder through a link, 2 unreadable, 1 not an image/);
    expect(scan.warnings.some((w) => w.includes("__MACOSX") && w.startsWith("label folder"))).toBe(false);
  });

  it("decodes AVIF (both decoders read it) and reads its size from the header for the pixel limit", async () => {
    const bytes = new Uint8Array(avif);
    expect(sniffFormat(bytes)).toBe("avif");
    expect(requireDecodable(bytes)).toBe("avif");
    expect(readImageSize(bytes, "avif")).toEqual({ width: 40, height: 30 });
    const image = await createSharpDecoder().decode(bytes, 16);
    expect(image.width).toBe(16);
    expect(Array.from(image.data.slice(0, 3))).toEqual([0, 0, 254]);
    await expect(createSharpDecoder({ maxPixels: 1000 }).decode(bytes, 16)).rejects.toThrow(/too large: 40x30 pixels/);
  });

  it("a folder whose second label holds only HEIC files: the error names the files and why, in text and --json, before any model loads", async () => {
    const d = path.join(root, "phone-only");
    await mkdir(path.join(d, "cat"), { recursive: true });
    await mkdir(path.join(d, "dog"), { recursive: true });
    for (let i = 0; i < 3; i++) await writeFile(path.join(d, "cat", `c${i}.png`), png);
    for (let i = 0; i < 2; i++) await writeFile(path.join(d, "dog", `IMG_${i}.HEIC`), "x");
    const io = { stdout: "", stderr: "", errIsTty: false, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) } satisfies CliIo & { stdout: string; stderr: string };
    expect(await trainCli([d, "--json"], io)).toBe(1);
    expect(io.stderr).toContain('a classifier needs at least two labels (sub-folders with images); found only "cat" (2 files not used: phone-only/dog/IMG_0.HEIC (unsupported format: HEIC');
    expect(io.stderr).not.toMatch(/Loading backbone/);
    const json = JSON.parse(io.stdout) as { error: string; skipped: { path: string; kind: string; reason: string }[] };
    expect(json.error).toContain("phone-only/dog/IMG_1.HEIC");
    expect(json.skipped.map((s) => [s.path, s.kind])).toEqual([
      ["phone-only/dog/IMG_0.HEIC", "unsupported format"],
      ["phone-only/dog/IMG_1.HEIC", "unsupported format"],
    ]);
  });
});
