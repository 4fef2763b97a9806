// Integration: Fashion-MNIST (Debian's dataset-fashion-mnist, test split, 50 images per class)
// through the real backbone. Skipped, saying why, when the Debian package is absent. The accuracy
// at 100 per class, and per backbone, is the bench's (npm run bench, classifier section).
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setupTf } from "../../../src/classifier/tf-setup";
import { loadBackbone } from "../../../src/classifier/backbone";
import { trainClassifier } from "../../../src/classifier/pipeline";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { formatReport } from "../../../src/cli/train";

const DATA = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
const SCRIPT = path.resolve(__dirname, "../../../../shared/datasets/fashion_to_folders.py");
const available = existsSync(DATA) && existsSync(SCRIPT);
if (!available) process.stdout.write(`classifier-fashion: skipped: needs ${DATA} (apt-get install dataset-fashion-mnist) and ${SCRIPT}\n`);

let root = "";
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!available)("Fashion-MNIST integration", () => {
  it("trains well above chance on 10 classes (50 images each)", async () => {
    root = await mkdtemp(path.join(tmpdir(), "lesson-lab-fashion-"));
    execFileSync("python3", [SCRIPT, path.join(root, "fashion"), "--split", "test", "--per-class", "50"], { stdio: "ignore" });
    await setupTf();
    const backbone = await loadBackbone();
    try {
      // Plain views only and 500 images: this test is the longest of the unit tests on 2 cores.
      const result = await trainClassifier({
        store: createFsStore(root),
        folder: "fashion",
        decoder: createSharpDecoder(),
        backbone,
        options: { augment: false, save: false },
      });
      expect(result.error).toBeNull();
      expect(result.labels).toContain("Ankle boot");
      expect(result.labels).toHaveLength(10);
      process.stdout.write(formatReport(result));
      process.stdout.write(
        `Fashion-MNIST: validation accuracy ${((result.accuracy ?? 0) * 100).toFixed(1)}% on ${result.validCount} images (chance 10%); ` +
          `embedding ${result.embedded} images took ${result.seconds.embedding.toFixed(1)} s, training ${result.seconds.training.toFixed(1)} s\n`,
      );
      expect(result.accuracy).toBeGreaterThan(0.6);
    } finally {
      backbone.dispose();
    }
  }, 400_000);
});
