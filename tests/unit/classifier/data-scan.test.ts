import { describe, expect, it } from "vitest";
import { isImagePath, modelFolderFor, readDatasetImage, scanDataset } from "../../../src/classifier/dataset";
import { ImageReadError, type FileStore, type ImageDecoder, type StoredFile } from "../../../src/classifier/types";

/** An in-memory FileStore: enough to test scanning without a disk. */
function memoryStore(paths: string[], folders: string[] = []): FileStore & { listFolders(folder: string): Promise<string[] | null> } {
  const files = new Map<string, Uint8Array>(paths.map((p) => [p, new TextEncoder().encode(p)]));
  const isFolder = (f: string) => f === "" || folders.includes(f) || [...files.keys()].some((p) => p.startsWith(`${f}/`));
  const under = (f: string, p: string) => f === "" || p.startsWith(`${f}/`);
  return {
    list(folder) {
      if (!isFolder(folder)) return Promise.resolve(null);
      const out: StoredFile[] = [...files.keys()].filter((p) => under(folder, p)).map((p) => ({ path: p, size: files.get(p)?.length ?? 0, mtime: 1 }));
      return Promise.resolve(out);
    },
    listFolders(folder) {
      if (!isFolder(folder)) return Promise.resolve(null);
      return Promise.resolve(folders.filter((f) => under(folder, f)));
    },
    exists: (p) => Promise.resolve(files.has(p) || isFolder(p)),
    readBinary: (p) => {
      const b = files.get(p);
      return b ? Promise.resolve(b) : Promise.reject(new Error(`ENOENT: ${p}`));
    },
    readText: () => Promise.reject(new Error("unused")),
    mkdir: () => Promise.reject(new Error("read-only")),
    writeBinary: () => Promise.reject(new Error("read-only")),
    writeText: () => Promise.reject(new Error("read-only")),
    rename: () => Promise.reject(new Error("read-only")),
    removeOwn: () => Promise.reject(new Error("read-only")),
  };
}

const many = (label: string, n: number, ext = "jpg") => Array.from({ length: n }, (_, i) => `bears/${label}/${i}.${ext}`);

describe("scanDataset", () => {
  it("finds labels from immediate sub-folders, counting deeper images for them", async () => {
    const store = memoryStore([...many("grizzly", 5), "bears/grizzly/more/deep/x.PNG", ...many("teddy bear ü", 6, "webp"), "bears/black/a.jpeg", "bears/black/b.GIF", "bears/black/c.bmp", "bears/black/d.Jpg", "bears/black/e.png"]);
    const scan = await scanDataset(store, "bears");
    expect(scan.error).toBeNull();
    expect(scan.labels).toEqual(["black", "grizzly", "teddy bear ü"]);
    expect(scan.counts).toEqual({ black: 5, grizzly: 6, "teddy bear ü": 6 });
    expect(scan.items.find((i) => i.path === "bears/grizzly/more/deep/x.PNG")?.label).toBe("grizzly");
    expect(scan.items.map((i) => i.path)).toEqual([...scan.items.map((i) => i.path)].sort());
    expect(scan.warnings).toEqual([]);
    expect(scan.folder).toBe("bears");
  });

  it("ignores hidden and non-image files (counted), skips .lessonlab, lists root images as unlabeled", async () => {
    const store = memoryStore([
      ...many("a", 5),
      ...many("b", 5),
      "bears/a/notes.md",
      "bears/a/.DS_Store",
      "bears/.hidden/x.jpg",
      "bears/b/.thumbs/y.jpg",
      "bears/.lessonlab/cache/emb.bin",
      "bears/stray.jpg",
      "bears/README.txt",
      "bears/b/noext",
    ]);
    const scan = await scanDataset(store, "/bears/");
    expect(scan.error).toBeNull();
    expect(scan.ignored).toBe(6);
    expect(scan.unlabeled).toEqual(["bears/stray.jpg"]);
    expect(scan.items.some((i) => i.path.includes(".lessonlab"))).toBe(false);
    expect(scan.warnings).toContain("1 image directly in \"bears\" has no label and is left out: move it into a label's sub-folder");
  });

  it("warns about small labels, imbalance and label folders without images", async () => {
    const store = memoryStore([...many("a", 120), ...many("b", 9), ...many("c", 3), "bears/d/readme.md"], ["bears/e"]);
    const scan = await scanDataset(store, "bears");
    expect(scan.error).toBeNull();
    expect(scan.labels).toEqual(["a", "b", "c"]);
    expect(scan.warnings).toEqual([
      'label folder "d" has no usable images (1 file skipped: 1 not an image); it is left out',
      'label folder "e" has no images; it is left out',
      'label "c" has only 3 images; 5 or more are needed for a useful split',
      'labels are imbalanced: "a" has 120 images, "c" has 3 images (over 10x)',
      '1 file in "bears" is not used: 1 not an image: bears/d/readme.md (not an image: ".md" is not an image extension (.png, .jpg, .jpeg, .jpe, .jfif, .webp, .gif, .bmp, .avif))',
    ]);
    const two = await scanDataset(memoryStore([...many("a", 120), ...many("b", 9)]), "bears");
    expect(two.warnings).toEqual(['labels are imbalanced: "a" has 120 images, "b" has 9 images (over 10x)']);
    const one = await scanDataset(memoryStore([...many("a", 5), ...many("b", 1)]), "bears");
    expect(one.warnings).toEqual(['label "b" has only 1 image; 5 or more are needed for a useful split']);
  });

  it("sets an error, never throws, for unusable folders", async () => {
    const store = memoryStore(["notes/x.md", ...many("only", 7), "flat/a.jpg", "flat/b.png"], ["empty"]);
    expect((await scanDataset(store, "missing")).error).toBe('the folder "missing" does not exist');
    expect((await scanDataset(store, "notes/x.md")).error).toMatch(/is a file, not a folder/);
    expect((await scanDataset(store, "empty")).error).toMatch(/^the folder "empty" is empty/);
    // The files that are there but not used are named, with why.
    expect((await scanDataset(store, "notes")).error).toBe(
      'no labeled images: put images in sub-folders named after their labels (1 file not used: notes/x.md (not an image: ".md" is not an image extension (.png, .jpg, .jpeg, .jpe, .jfif, .webp, .gif, .bmp, .avif)))',
    );
    const flat = await scanDataset(store, "flat");
    expect(flat.error).toBe("no labeled images: put images in sub-folders named after their labels");
    expect(flat.unlabeled).toEqual(["flat/a.jpg", "flat/b.png"]);
    const single = await scanDataset(store, "bears");
    expect(single.error).toBe('a classifier needs at least two labels (sub-folders with images); found only "only"');
    expect(single.items.length).toBe(7);
  });

  it("reports a store that fails to list as an error", async () => {
    const broken = { ...memoryStore([]), list: () => Promise.reject(new Error("EACCES: permission denied")) };
    expect((await scanDataset(broken, "x")).error).toBe('could not list "x": EACCES: permission denied');
  });

  it("scans the vault's root when the folder is empty", async () => {
    const scan = await scanDataset(memoryStore(["cats/1.jpg", "dogs/1.jpg", "top.png"]), "");
    expect(scan.labels).toEqual(["cats", "dogs"]);
    expect(scan.unlabeled).toEqual(["top.png"]);
  });
});

describe("helpers", () => {
  it("isImagePath goes by extension, case-insensitively", () => {
    expect(["a.png", "b.JPG", "c.jpeg", "d.webp", "e.gif", "f.BMP", "x/y z.Jpeg"].every(isImagePath)).toBe(true);
    expect(["a.tiff", "b.heic", "c.svg", "d.md", ".png", "png", "a.png.txt"].some(isImagePath)).toBe(false);
  });

  it("models go to a sibling folder", () => {
    expect(modelFolderFor("bears/")).toBe("bears.model");
    expect(modelFolderFor("courses/fastai/bears")).toBe("courses/fastai/bears.model");
  });

  it("readDatasetImage turns read and decode failures into reasons", async () => {
    const store = memoryStore(["d/a/ok.png", "d/a/bad.png"]);
    const decoder: ImageDecoder = {
      decode(bytes, size) {
        if (new TextDecoder().decode(bytes).includes("bad")) return Promise.reject(new ImageReadError("truncated or corrupt", "boom"));
        return Promise.resolve({ width: size, height: size, data: new Uint8Array(size * size * 3) });
      },
    };
    const ok = await readDatasetImage(store, decoder, "d/a/ok.png", 4);
    expect("image" in ok && ok.image.width).toBe(4);
    expect(await readDatasetImage(store, decoder, "d/a/bad.png", 4)).toEqual({ unreadable: { path: "d/a/bad.png", reason: "truncated or corrupt: boom" } });
    expect(await readDatasetImage(store, decoder, "d/a/gone.png", 4)).toEqual({ unreadable: { path: "d/a/gone.png", reason: "missing: the file was moved or deleted" } });
    const throwing: ImageDecoder = { decode: () => Promise.reject(new TypeError("oops")) };
    expect(await readDatasetImage(store, throwing, "d/a/ok.png", 4)).toEqual({ unreadable: { path: "d/a/ok.png", reason: "truncated or corrupt: oops" } });
  });
});
