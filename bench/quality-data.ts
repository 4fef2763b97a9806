// The quality bench's three image sets, embedded once and cached (the pipeline's own embedding
// cache, keyed by content hash): Fashion-MNIST (photos of garments, 28×28 grey), OpenCV's
// handwritten digits (20×20 grey) and Twemoji groups (64×64 colour drawings whose labels are
// about meaning, not shape), 150 images per label each (Twemoji's Activities and Food & Drink
// have 85 and 131). Every image is embedded plain and in the pipeline's two augmented views
// (validation share 0, so every image is a training image and gets them).
//
// Where the data comes from (all under LESSON_LAB_QUALITY_DIR, default $TMPDIR/lesson-lab-bench-quality):
// - fashion: ../shared/datasets/fashion_to_folders.py (apt-get install dataset-fashion-mnist), test split;
// - digits: ../shared/datasets/opencv_digits_to_folders.py from digits.png (LESSON_LAB_DIGITS_PNG,
//   default /usr/share/doc/opencv-doc/examples/data/digits.png; the script's header says how to
//   take that file out of Debian's opencv-doc without installing it);
// - twemoji: ../shared/datasets/emoji_datasource_to_folders.js from the npm package
//   emoji-datasource-twitter installed under LESSON_LAB_EMOJI_DIR (default /tmp/emoji).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEFAULT_BACKBONE_ID, loadBackbone } from "../src/classifier/backbone";
import { EmbeddingCache } from "../src/classifier/cache";
import { trainClassifier } from "../src/classifier/pipeline";
import { createFsStore } from "../src/node/fs-store";
import { createSharpDecoder } from "../src/node/decode-sharp";

const DATASETS = path.resolve(__dirname, "../../shared/datasets");

export const QUALITY_SETS = ["fashion", "digits", "twemoji"] as const;
export type QualitySetName = (typeof QUALITY_SETS)[number];

/** Images per label written for each set (the bench subsamples smaller sizes from them). */
export const PER_LABEL = 150;

export interface QualityItem {
  path: string;
  label: number;
  hash: string;
  /** Plain view, then the pipeline's augmented views aug1, aug2. */
  views: Float32Array[];
}

export interface QualitySet {
  name: QualitySetName;
  labels: string[];
  items: QualityItem[];
  embedded: number;
}

export function qualityRoot(): string {
  return process.env.LESSON_LAB_QUALITY_DIR ?? path.join(tmpdir(), "lesson-lab-bench-quality");
}

/** Writes the set's folders when missing; returns why it cannot, or null. */
function build(name: QualitySetName, root: string): string | null {
  const out = path.join(root, name);
  if (existsSync(out)) return null;
  if (name === "fashion") {
    if (!existsSync("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) return "needs apt-get install dataset-fashion-mnist";
    execFileSync("python3", [path.join(DATASETS, "fashion_to_folders.py"), out, "--split", "test", "--per-class", String(PER_LABEL)], { stdio: "ignore" });
  } else if (name === "digits") {
    const png = process.env.LESSON_LAB_DIGITS_PNG ?? "/usr/share/doc/opencv-doc/examples/data/digits.png";
    if (!existsSync(png)) return `needs ${png} (see the header of ../shared/datasets/opencv_digits_to_folders.py)`;
    execFileSync("python3", [path.join(DATASETS, "opencv_digits_to_folders.py"), out, "--per-class", String(PER_LABEL), "--src", png], { stdio: "ignore" });
  } else {
    const dir = process.env.LESSON_LAB_EMOJI_DIR ?? "/tmp/emoji";
    if (!existsSync(path.join(dir, "node_modules", "emoji-datasource-twitter"))) return `needs npm install --prefix ${dir} emoji-datasource-twitter`;
    execFileSync("node", [path.join(DATASETS, "emoji_datasource_to_folders.js"), out, "--dir", dir, "--per-class", String(PER_LABEL)], { stdio: "ignore" });
  }
  return null;
}

/** One file per set and backbone with what loadQualitySet returns, so a rerun neither reads nor hashes the images. */
function snapshotPath(root: string, name: string, backboneId: string): string {
  return path.join(root, `.${name}-${backboneId.replace(/[^A-Za-z0-9._-]/g, "_")}.snapshot`);
}

function readSnapshot(file: string, name: QualitySetName): QualitySet | null {
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")) as { labels: string[]; dim: number; views: number; items: { path: string; label: number; hash: string }[] };
  const start = 4 + headerLength;
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const per = header.dim * header.views;
  const items = header.items.map((it, i) => ({ ...it, views: Array.from({ length: header.views }, (_, v) => floats.slice(i * per + v * header.dim, i * per + (v + 1) * header.dim)) }));
  return { name, labels: header.labels, items, embedded: 0 };
}

function writeSnapshot(file: string, set: QualitySet): void {
  const dim = set.items[0].views[0].length;
  const views = set.items[0].views.length;
  const header = Buffer.from(JSON.stringify({ labels: set.labels, dim, views, items: set.items.map(({ path: p, label, hash }) => ({ path: p, label, hash })) }), "utf8");
  // Pad so the floats start on a multiple of 4.
  const padded = Buffer.concat([header, Buffer.alloc((4 - ((4 + header.length) % 4)) % 4, 0x20)]);
  const floats = new Float32Array(set.items.length * dim * views);
  set.items.forEach((it, i) => it.views.forEach((e, v) => floats.set(e, (i * views + v) * dim)));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(padded.length, 0);
  writeFileSync(`${file}.tmp`, Buffer.concat([length, padded, Buffer.from(floats.buffer)]));
  renameSync(`${file}.tmp`, file);
}

/** The set's embeddings (plain + 2 augmented views per image), from the cache when there. */
export async function loadQualitySet(name: QualitySetName, backboneId = DEFAULT_BACKBONE_ID): Promise<QualitySet | { skipped: string }> {
  const root = qualityRoot();
  const missing = build(name, root);
  if (missing) return { skipped: missing };
  const snapshot = snapshotPath(root, name, backboneId);
  const saved = readSnapshot(snapshot, name);
  if (saved) return saved;
  const store = createFsStore(root);
  const backbone = await loadBackbone(backboneId);
  try {
    const result = await trainClassifier({
      store,
      folder: name,
      decoder: createSharpDecoder(),
      backbone,
      cacheFolder: ".cache",
      options: { validPct: 0, augment: true, augViews: 2, epochs: 1, save: false },
    });
    if (result.error) throw new Error(`${name}: ${result.error}`);
    const cache = await EmbeddingCache.open(store, ".cache", backbone.id, backbone.dim);
    const items = result.embeddings.map((it) => {
      const views = [it.embedding, ...["aug1", "aug2"].map((v) => cache.get(it.hash, v))];
      if (views.some((v) => v === undefined)) throw new Error(`${it.path}: augmented views missing from the cache`);
      return { path: it.path, label: result.labels.indexOf(it.label), hash: it.hash, views: views as Float32Array[] };
    });
    const set = { name, labels: result.labels, items, embedded: result.embedded };
    writeSnapshot(snapshot, set);
    return set;
  } finally {
    backbone.dispose();
  }
}

// `npx tsx bench/quality-data.ts [backbone]`: embeds the three sets (once; later runs read the cache).
if (require.main === module) {
  (async () => {
    for (const name of QUALITY_SETS) {
      const t = Date.now();
      const set = await loadQualitySet(name, process.argv[2]);
      process.stdout.write(`${name}: ${"skipped" in set ? set.skipped : `${set.items.length} images, ${set.labels.length} labels, ${set.embedded} views embedded, ${(Date.now() - t) / 1000} s`}\n`);
    }
  })().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
