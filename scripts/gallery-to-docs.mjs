// Copies the README's pictures from the screenshot gallery (artifacts/gallery, written by
// `npm run test:e2e`, tests/e2e/gallery.test.ts) to docs/. Run after the browser tests:
//   node scripts/gallery-to-docs.mjs
import { copyFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const GALLERY = join(ROOT, "artifacts", "gallery");

/** Gallery picture → docs/ name; light and dark both appear. */
export const README_PICTURES = {
  "player-sidebar-dark.png": "player-dark.png",
  "classifier-before-sidebar-light.png": "classifier-panel-light.png",
  "results-wide-dark.png": "classifier-results-dark.png",
  "classify-block-wide-light.png": "classify-block-light.png",
  "classify-modal-wide-dark.png": "classify-modal-dark.png",
  "cleaner-suspects-wide-light.png": "cleaner-light.png",
  "cleaner-apply-summary-wide-dark.png": "cleaner-apply-summary-dark.png",
};

await mkdir(join(ROOT, "docs"), { recursive: true });
for (const [from, to] of Object.entries(README_PICTURES)) {
  const source = join(GALLERY, from);
  if (!existsSync(source)) throw new Error(`${source} is missing: run \`npm run test:e2e\` first`);
  await copyFile(source, join(ROOT, "docs", to));
  process.stdout.write(`docs/${to} ← artifacts/gallery/${from}\n`);
}
