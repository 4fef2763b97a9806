// "Find suspects" end to end in a real browser: the built plugin (main.js) in Chromium on the
// stand-in, a copy of the demo vault's Fashion folder (5 labels x 30 PNGs) with one Trouser image
// moved into Bag under a distinctive name. The pane trains with the bundled default backbone on
// wasm and runs the real findIssues (no injected report, no stand-in backbone); the planted image
// must come out among the first cards, given Bag and suggested Trouser. It is then relabelled
// with Trouser's number key and applied through the summary, which moves it with renameFile,
// and the pane retrains from the embedding cache.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_VAULT, openHarness, type Harness } from "./harness";
import { cleanUpAfterEach } from "./harness/checks";
import { keepModalsInPage } from "./harness/modals";
import { loadServedBytes } from "./harness/vault-bytes";

const LABELS = ["Ankle boot", "Bag", "Sneaker", "T-shirt_top", "Trouser"];
const PLANTED = "Fashion/Bag/planted-trouser.png";
const PANE = ".lesson-lab-cleaner";

const track = cleanUpAfterEach();

/**
 * A temporary copy of demo-vault/Fashion with one Trouser image moved (not copied: an exact copy
 * would be reported as a duplicate to delete) into Bag as planted-trouser.png.
 */
async function plantedVault(): Promise<{ dir: string; source: string }> {
  const dir = await mkdtemp(join(tmpdir(), "lesson-lab-cleaner-find-"));
  await cp(join(DEMO_VAULT, "Fashion"), join(dir, "Fashion"), { recursive: true });
  const source = (await readdir(join(dir, "Fashion", "Trouser"))).filter((f) => f.endsWith(".png")).sort()[0];
  await cp(join(dir, "Fashion", "Trouser", source), join(dir, PLANTED));
  await rm(join(dir, "Fashion", "Trouser", source));
  return { dir, source };
}

/**
 * Page set-up: the images' real bytes in the in-page vault (the stand-in lists media files
 * empty), TFile stats from the adapter, wasm for Fashion (the rest of the panel's defaults),
 * modals that stay in the page (the stand-in's close at once) and a record of renameFile calls.
 */
async function prepare(harness: Harness): Promise<number> {
  const count = await loadServedBytes(harness.page, "png", "Fashion/");
  await harness.page.evaluate(async () => {
    const { app, plugin } = window.lessonLabHarness;
    const rec = window as unknown as { renames: string[][] };
    rec.renames = [];
    await plugin.saveData({
      classifier: {
        perFolder: { Fashion: { validPct: 20, seed: 42, epochs: 10, lr: 0.003, augment: true, backbone: "bundled", vaultModel: "", vaultLayer: "", backend: "wasm" } },
        lastModel: null,
      },
    });
    const rename = app.fileManager.renameFile.bind(app.fileManager);
    app.fileManager.renameFile = async (file, to) => {
      rec.renames.push([file.path, to]);
      await rename(file, to);
    };
  });
  await keepModalsInPage(harness.page);
  return count;
}

const cardPaths = (harness: Harness) =>
  harness.page.locator(`${PANE} .lesson-lab-cleaner-card`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path ?? ""));
const exists = (harness: Harness, path: string) => harness.page.evaluate((p) => window.lessonLabHarness.app.vault.adapter.exists(p), path);

describe("cleaner pane: Find suspects in Chromium", () => {
  it("trains on wasm, ranks a planted mislabel near the top, relabels and applies it, retrains from the cache", { timeout: 210_000 }, async () => {
    const { dir, source } = await plantedVault();
    track.folder(dir);
    const h = track.harness(await openHarness({ vault: dir, viewport: { width: 1280, height: 900 } }));
    const page = h.page;
    expect(await prepare(h)).toBe(150);

    await page.evaluate(() => (window.lessonLabHarness.plugin as unknown as { openCleaner(f: string): Promise<void> }).openCleaner("Fashion"));
    await page.locator(`${PANE} button.lesson-lab-cleaner-analyse`).waitFor();
    expect(await page.locator(`${PANE} .lesson-lab-cleaner-card`).count()).toBe(0);

    // Every text the status line shows while the task runs, with its page time.
    await page.evaluate(() => {
      const w = window as unknown as { __status: { t: number; text: string }[] };
      w.__status = [];
      const status = document.querySelector(".lesson-lab-cleaner-status")!;
      new MutationObserver(() => {
        const text = status.textContent ?? "";
        if (w.__status.at(-1)?.text !== text) w.__status.push({ t: performance.now(), text });
      }).observe(status, { subtree: true, childList: true, characterData: true });
    });

    const t0 = Date.now();
    await page.locator(`${PANE} button.lesson-lab-cleaner-analyse`).click();
    // Progress first: a cancel button while the task runs, then the phases in the status line.
    await page.locator(`${PANE} .lesson-lab-cleaner-cancel-task`).waitFor({ timeout: 10_000 });
    await page.locator(`${PANE} .lesson-lab-cleaner-card`).first().waitFor({ timeout: 120_000 });
    const seconds = (Date.now() - t0) / 1000;
    await expect.poll(() => page.locator(`${PANE} .lesson-lab-cleaner-status`).textContent()).toMatch(/^150 images to review; validation error rate \d+\.\d%\.$/);
    expect(await page.locator(`${PANE} .lesson-lab-cleaner-cancel-task`).count()).toBe(0);
    expect(await page.locator(`${PANE} .lesson-lab-cleaner-warning-line`).allTextContents()).toContain("Trained on wasm.");

    const status = await page.evaluate(() => (window as unknown as { __status: { t: number; text: string }[] }).__status);
    const texts = status.map((s) => s.text);
    const first = (re: RegExp) => texts.findIndex((t) => re.test(t));
    const phases = [/^Loading the backbone/, /^Embedding: \d+ of \d+/, /^Training: epoch \d+ of 10/, /^Scoring every image with heads that never saw it: \d+ of \d+/, /^150 images to review/];
    const at = phases.map(first);
    expect(at.every((i) => i >= 0), texts.join(" | ")).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at); // in this order, progress before the cards
    const phaseTimes = Object.fromEntries(
      phases.map((re, i) => [re.source.replace(/[\^\\]|d\+|:.*$/g, "").trim(), ((status[at[i]].t - status[0].t) / 1000).toFixed(1)]),
    );

    // The cards: every image once, the planted one among the first five.
    const paths = await cardPaths(h);
    expect(paths.length).toBe(48); // the first page
    const rank = paths.indexOf(PLANTED) + 1;
    const card = page.locator(`${PANE} .lesson-lab-cleaner-card[data-path="${PLANTED}"]`);
    const shown = rank > 0 ? await card.evaluate((e) => e.textContent) : null;
    process.stdout.write(
      `cleaner find e2e: cards after ${seconds.toFixed(1)} s (status phases at ${JSON.stringify(phaseTimes)} s); ` +
        `planted ${PLANTED} (was Trouser/${source}) at rank ${rank || "not on page 1"}; first cards ${JSON.stringify(paths.slice(0, 6))}; card: ${shown}\n`,
    );
    expect(rank).toBeGreaterThan(0);
    expect(rank).toBeLessThanOrEqual(5);
    expect(await card.locator(".lesson-lab-cleaner-given").textContent()).toBe("Given: Bag");
    expect(await card.locator(".lesson-lab-cleaner-predicted").textContent()).toMatch(/^Predicted: Trouser \(\d+(\.\d)?%\)$/);
    expect(await card.locator(".lesson-lab-cleaner-issue").getAttribute("data-issue")).toBe("label");
    expect(await card.locator(".lesson-lab-cleaner-issue").textContent()).toBe("Label may be wrong");
    expect(await card.locator("option.is-suggested").getAttribute("value")).toBe("relabel:Trouser");

    // Relabel with Trouser's number key (labels in order: 1 Ankle boot ... 5 Trouser).
    expect(await page.locator(`${PANE} select.lesson-lab-cleaner-filter-label option`).evaluateAll((els) => els.slice(1).map((e) => e.textContent))).toEqual(LABELS);
    await card.click({ position: { x: 10, y: 10 } });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.path ?? null)).toBe(PLANTED);
    await page.keyboard.press(String(LABELS.indexOf("Trouser") + 1));
    expect(await card.locator("select.lesson-lab-cleaner-choice").inputValue()).toBe("relabel:Trouser");
    expect(await page.locator(`${PANE} .lesson-lab-cleaner-counts`).textContent()).toBe("150 images · 0 keep · 0 delete · 1 relabel");

    // Apply through the summary.
    await page.locator(`${PANE} button.lesson-lab-cleaner-apply`).click();
    const summary = page.locator(".modal-container .lesson-lab-cleaner-summary");
    await summary.waitFor();
    expect(await summary.locator(".lesson-lab-cleaner-summary-counts").textContent()).toBe("1 move, 0 deletions, 0 skipped.");
    expect(await summary.textContent()).toContain(`${PLANTED} → Fashion/Trouser/planted-trouser.png`);
    await page.locator(".modal-container button.lesson-lab-cleaner-confirm").click();
    await expect.poll(() => page.locator(`${PANE} .lesson-lab-cleaner-status`).textContent()).toContain("Applied: 1 moved, 0 deleted.");

    expect(await page.evaluate(() => (window as unknown as { renames: string[][] }).renames)).toEqual([[PLANTED, "Fashion/Trouser/planted-trouser.png"]]);
    expect(await exists(h, "Fashion/Trouser/planted-trouser.png")).toBe(true);
    expect(await exists(h, PLANTED)).toBe(false);
    const moved = page.locator(`${PANE} .lesson-lab-cleaner-card[data-path="Fashion/Trouser/planted-trouser.png"]`);
    expect(await moved.locator(".lesson-lab-cleaner-given").textContent()).toBe("Given: Trouser");

    // Retrain with the real backbone: every view comes from the cache (a move keeps the
    // content, so nothing is embedded again), and the status compares the error rates.
    const before = (await page.locator(`${PANE} .lesson-lab-cleaner-status`).textContent()) ?? "";
    const t1 = Date.now();
    await page.locator(`${PANE} button.lesson-lab-cleaner-retrain`).click();
    await expect
      .poll(() => page.locator(`${PANE} .lesson-lab-cleaner-status`).textContent(), { timeout: 60_000 })
      .toMatch(/^Error rate before: \d+\.\d%; after: \d+\.\d% \(0 views embedded, \d+ from the cache\)\.$/);
    const after = (await page.locator(`${PANE} .lesson-lab-cleaner-status`).textContent()) ?? "";
    process.stdout.write(`cleaner retrain e2e: ${((Date.now() - t1) / 1000).toFixed(1)} s; "${before}" then "${after}"\n`);
    const cached = Number(/(\d+) from the cache/.exec(after)?.[1]);
    // 150 plain views, and the augmented ones of the training images.
    expect(cached).toBeGreaterThan(150);
  });
});
