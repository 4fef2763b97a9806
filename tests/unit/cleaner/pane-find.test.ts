// @vitest-environment happy-dom
// The pane on a report from the real suspect finder: images decoded by sharp, embedded (a
// deterministic stand-in backbone), a head trained by the pipeline, findIssues on the result.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { copyFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { setupTf } from "../../../src/classifier/tf-setup";
import { trainClassifier } from "../../../src/classifier/pipeline";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { findIssues } from "../../../src/cleaner/find";
import { toReviewReport } from "../../../src/cleaner/review-report";
import { fakeBackbone, makeColorDataset } from "../classifier/train-helpers";
import { cardPaths, cards, cleanerPlugin, press, choiceOf } from "./pane-support";

const roots: string[] = [];
beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
});
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

describe("cleaner pane on findIssues", () => {
  it("shows the mislabeled image first, suggests its true label, and relabels it with the keyboard", async () => {
    const root = await makeColorDataset("colors", 12);
    roots.push(root);
    // A red image filed under green.
    await copyFile(path.join(root, "colors/red/red-3.png"), path.join(root, "colors/green/odd.png"));
    await rm(path.join(root, "colors/red/red-3.png"));
    const result = await trainClassifier({
      store: createFsStore(root),
      folder: "colors",
      decoder: createSharpDecoder(),
      backbone: fakeBackbone(),
      options: { save: false, epochs: 10 },
    });
    expect(result.error).toBeNull();
    // The stand-in backbone makes every same-colour image a near copy: count exact copies only.
    // Its features are unscaled colour means, so the k-fold heads get more steps than the default.
    const clean = await findIssues(result, { nearDuplicateThreshold: 1, epochs: 100, lr: 0.03 });
    const report = toReviewReport("colors", clean, result.errorRate);
    expect(report.items).toHaveLength(36); // every image, not a fixed number

    const files = Object.fromEntries(result.embeddings.map((e) => [e.path, e.hash]));
    const h = await cleanerPlugin(undefined, files);
    await h.plugin.openCleaner("colors", report);
    const rootEl = h.view().contentEl;
    expect(cardPaths(rootEl)[0]).toBe("colors/green/odd.png");
    const first = cards(rootEl)[0];
    expect(first.querySelector(".lesson-lab-cleaner-predicted")?.textContent).toMatch(/^Predicted: red \(\d+(\.\d)?%\)$/);
    expect(first.querySelector("option.is-suggested")?.textContent).toBe("3: red (suggested)");
    first.focus();
    press(first, "3"); // labels in order: blue, green, red
    expect(choiceOf(rootEl, "colors/green/odd.png")).toBe("relabel:red");

    // Given the training result itself (the classifier panel's button), the pane finds the suspects.
    document.body.empty();
    const again = await cleanerPlugin(undefined, files);
    await again.plugin.openCleaner("colors", result);
    const el = again.view().contentEl;
    await vi.waitFor(() => expect(el.querySelector(".lesson-lab-cleaner-status")?.textContent).toMatch(/^36 images to review; validation error rate \d+\.\d%\.$/), {
      timeout: 60_000,
    });
    expect(el.querySelector(".lesson-lab-cleaner-page")?.textContent).toBe("Page 1 of 1 (36 images)");
    await expect(again.plugin.openCleaner("other", result)).rejects.toThrow('The training result is for "colors", not "other".');
  });
});
