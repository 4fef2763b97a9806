// The cleaner pane in a real browser: the built plugin (main.js) in Chromium on the stand-in,
// with real PNG files served for the thumbnails. Keyboard triage with real key presses, apply
// through the summary modal (a relabel lands under a free name through fileManager.renameFile,
// a delete goes to the vault's .trash), undo, and decisions surviving a pane reload and a
// plugin restart on the same plugin data.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ReviewReport } from "../../src/cleaner/review-items";
import { makeTempVault, openHarness, REPO_ROOT, type Harness } from "./harness";
import { closeChecked } from "./harness/checks";
import { keepModalsInPage } from "./harness/modals";
import { loadServedBytes } from "./harness/vault-bytes";

let h: Harness | null = null;
// More cards than one row holds, for ArrowDown.
const EXTRA = Array.from({ length: 12 }, (_, i) => `ds/cat/x${String(i).padStart(2, "0")}.png`);
let vaultDir = "";

async function png(rgb: [number, number, number], size = 64): Promise<Uint8Array> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  await mkdir(join(REPO_ROOT, "artifacts"), { recursive: true });
  vaultDir = await makeTempVault({
    "ds/cat/a.png": await png([200, 120, 40]),
    "ds/cat/b.png": await png([210, 130, 50]),
    "ds/cat/c.png": await png([190, 110, 30]),
    "ds/dog/a.png": await png([40, 40, 40]), // another a.png: the relabel must not overwrite it
    "ds/dog/d.png": await png([50, 50, 60]),
    "Notes/Lesson 2.md": "The odd one: ![[ds/cat/a.png]]\n",
    ...Object.fromEntries(await Promise.all(EXTRA.map(async (p, i) => [p, await png([180 + i, 100, 40])] as const))),
  });
});

afterAll(async () => {
  if (vaultDir) await rm(vaultDir, { recursive: true, force: true });
});

afterEach(async () => {
  const done = h;
  h = null;
  await closeChecked(done);
});

const REPORT: ReviewReport = {
  folder: "ds",
  labels: ["cat", "dog"],
  errorRate: 0.25,
  items: [
    { id: "ds/cat/a.png", path: "ds/cat/a.png", given: "cat", predicted: "dog", probability: 0.91, loss: 2.4, score: 0.9, suggested: "dog", issue: "label", split: "train" },
    { id: "ds/cat/b.png", path: "ds/cat/b.png", given: "cat", predicted: "cat", probability: 0.6, loss: 0.5, score: 0.7, suggested: "delete", issue: "duplicate", split: "valid" },
    { id: "ds/dog/d.png", path: "ds/dog/d.png", given: "dog", predicted: "cat", probability: 0.55, loss: 0.8, score: 0.5, suggested: "cat", issue: "label", split: "train" },
    { id: "ds/cat/c.png", path: "ds/cat/c.png", given: "cat", predicted: "cat", probability: 0.9, loss: 0.1, score: 0.1, suggested: null, issue: "label", split: "valid" },
    ...EXTRA.map((path, i) => ({ id: path, path, given: "cat", predicted: "cat", probability: 0.95, loss: 0.05, score: 0.05 - i / 1000, suggested: null, issue: "no issue found", split: "train" as const })),
  ],
};

/**
 * Page set-up: the images' bytes in the in-page vault, Obsidian's "Move to Obsidian trash" (the stand-in's trash deletes), TFile stats
 * from the adapter (the stand-in's are 0), modals that stay in the page (the stand-in's close at
 * once), and records of renameFile and openLinkText calls.
 */
async function prepare(harness: Harness): Promise<void> {
  await loadServedBytes(harness.page, "png");
  await harness.page.evaluate(async () => {
    const { app, obsidian } = window.lessonLabHarness;
    const rec = window as unknown as { renames: string[][]; opened: string[] };
    rec.renames = [];
    rec.opened = [];
    (app.vault as unknown as Record<string, unknown>).getConfig = (key: string) => (key === "trashOption" ? "local" : undefined);
    const rename = app.fileManager.renameFile.bind(app.fileManager);
    app.fileManager.renameFile = async (file, to) => {
      rec.renames.push([file.path, to]);
      await rename(file, to);
    };
    app.fileManager.trashFile = async (file) => {
      if (!(file instanceof obsidian.TFile)) throw new Error("files only");
      let dest = `.trash/${file.name}`;
      for (let n = 2; await app.vault.adapter.exists(dest); n++) dest = `.trash/${file.basename} ${n}.${file.extension}`;
      await app.vault.adapter.rename(file.path, dest);
      (app.vault as unknown as { deleteVaultAbstractFile__(p: string): void }).deleteVaultAbstractFile__(file.path);
    };
    app.workspace.openLinkText = async (link: string) => {
      rec.opened.push(link);
      await Promise.resolve();
    };
  });
  await keepModalsInPage(harness.page);
}

async function openCleaner(harness: Harness, report?: ReviewReport): Promise<void> {
  await harness.page.evaluate(async (r) => {
    const plugin = window.lessonLabHarness.plugin as unknown as { openCleaner(folder: string, report?: unknown): Promise<void> };
    await plugin.openCleaner("ds", r ?? undefined);
  }, report ?? null);
  await harness.page.locator(".lesson-lab-cleaner-card").first().waitFor();
}

const focusedPath = (harness: Harness) => harness.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.path ?? null);
const choice = (harness: Harness, path: string) => harness.page.locator(`.lesson-lab-cleaner-card[data-path="${path}"] select.lesson-lab-cleaner-choice`).inputValue();
const cardPaths = (harness: Harness) =>
  harness.page.locator(".lesson-lab-cleaner-card").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path ?? ""));
const exists = (harness: Harness, path: string) => harness.page.evaluate((p) => window.lessonLabHarness.app.vault.adapter.exists(p), path);

describe("cleaner pane in Chromium", () => {
  it("triages with the keyboard, applies (free name, trash), logs and undoes", async () => {
    h = await openHarness({ vault: vaultDir });
    await prepare(h);
    await openCleaner(h, REPORT);
    const page = h.page;
    expect(await cardPaths(h)).toEqual(["ds/cat/a.png", "ds/cat/b.png", "ds/dog/d.png", "ds/cat/c.png", ...EXTRA]);

    // Thumbnails: the PNG's bytes decoded to a small bitmap once the card is in view.
    const canvas = page.locator('.lesson-lab-cleaner-card[data-path="ds/cat/a.png"] .lesson-lab-cleaner-thumb canvas');
    await canvas.waitFor();
    const pixel = await canvas.evaluate((c) => {
      const el = c as HTMLCanvasElement;
      return [el.width, ...Array.from(el.getContext("2d")!.getImageData(80, 80, 1, 1).data.slice(0, 3))];
    });
    expect(pixel).toEqual([160, 200, 120, 40]);

    // Real key presses on the focused card.
    await page.locator(".lesson-lab-cleaner-card").first().focus();
    await page.keyboard.press("ArrowRight");
    expect(await focusedPath(h)).toBe("ds/cat/b.png");
    await page.keyboard.press("ArrowLeft");
    expect(await focusedPath(h)).toBe("ds/cat/a.png");
    // ArrowDown goes to the card below, one row of the laid-out grid further.
    const columns = await page.locator(".lesson-lab-cleaner-card").evaluateAll((els) => {
      const top = els[0].getBoundingClientRect().top;
      return els.filter((e) => Math.abs(e.getBoundingClientRect().top - top) <= 1).length;
    });
    expect(columns).toBeGreaterThan(1);
    expect(columns).toBeLessThan(16);
    const all = await cardPaths(h);
    await page.keyboard.press("ArrowDown");
    expect(await focusedPath(h)).toBe(all[columns]);
    await page.keyboard.press("ArrowUp");
    expect(await focusedPath(h)).toBe("ds/cat/a.png");
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement as Element).boxShadow);
    expect(ring).not.toBe("none"); // the focused card is visibly marked
    await page.keyboard.press("2"); // a.png → dog; focus moves on
    expect(await choice(h, "ds/cat/a.png")).toBe("relabel:dog");
    expect(await focusedPath(h)).toBe("ds/cat/b.png");
    await page.keyboard.press("d");
    expect(await choice(h, "ds/cat/b.png")).toBe("delete");
    await page.keyboard.press("k");
    expect(await choice(h, "ds/dog/d.png")).toBe("keep");
    await page.keyboard.press("u"); // takes back the keep, focus returns to d.png
    expect(await choice(h, "ds/dog/d.png")).toBe("");
    expect(await focusedPath(h)).toBe("ds/dog/d.png");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => (window as unknown as { opened: string[] }).opened)).toEqual(["ds/dog/d.png"]);

    await page.screenshot({ path: join(REPO_ROOT, "artifacts", "cleaner-pane.png") });

    // Apply: the summary first.
    await page.locator("button.lesson-lab-cleaner-apply").click();
    const summary = page.locator(".modal-container .lesson-lab-cleaner-summary");
    await summary.waitFor();
    await summary.screenshot({ path: join(REPO_ROOT, "artifacts", "cleaner-apply-summary.png") });
    expect(await summary.locator(".lesson-lab-cleaner-summary-counts").textContent()).toBe("1 move, 1 deletion, 0 skipped.");
    expect(await summary.textContent()).toContain("ds/cat/a.png → ds/dog/a (2).png");
    await page.locator(".modal-container button.lesson-lab-cleaner-confirm").click();
    await expect.poll(() => page.locator(".lesson-lab-cleaner-status").textContent()).toContain("Applied: 1 moved, 1 deleted.");

    expect(await page.evaluate(() => (window as unknown as { renames: string[][] }).renames)).toEqual([["ds/cat/a.png", "ds/dog/a (2).png"]]);
    expect(await exists(h, "ds/dog/a (2).png")).toBe(true);
    expect(await exists(h, "ds/dog/a.png")).toBe(true); // the other a.png is still there
    expect(await exists(h, "ds/cat/a.png")).toBe(false);
    expect(await exists(h, "ds/cat/b.png")).toBe(false);
    expect(await exists(h, ".trash/b.png")).toBe(true);
    expect(await cardPaths(h)).toEqual(["ds/dog/a (2).png", "ds/dog/d.png", "ds/cat/c.png", ...EXTRA]);
    const log = () => page.evaluate(() => window.lessonLabHarness.app.vault.adapter.read("ds/Cleaner log.md"));
    expect(await log()).toContain("`ds/cat/a.png` → `ds/dog/a (2).png`");

    // Undo: the move goes back, the trashed file comes back out of .trash.
    await page.locator("button.lesson-lab-cleaner-undo").click();
    await expect.poll(() => page.locator(".lesson-lab-cleaner-status").textContent()).toContain("Undo: 2 files restored.");
    expect(await exists(h, "ds/cat/a.png")).toBe(true);
    expect(await exists(h, "ds/cat/b.png")).toBe(true);
    expect(await exists(h, ".trash/b.png")).toBe(false);
    expect(await exists(h, "ds/dog/a (2).png")).toBe(false);
    expect(await exists(h, "ds/dog/a.png")).toBe(true);
    expect(await log()).toContain("undo of the batch");
  });

  it("keeps decisions through a pane reload and a plugin restart on the same plugin data", async () => {
    h = await openHarness({ vault: vaultDir });
    await prepare(h);
    await openCleaner(h, REPORT);
    const page = h.page;
    await page.locator(".lesson-lab-cleaner-card").first().focus();
    await page.keyboard.press("2");
    await page.keyboard.press("d");

    // Close the leaf and open the pane again.
    await page.evaluate(() => {
      const { app } = window.lessonLabHarness;
      for (const leaf of app.workspace.getLeavesOfType("lesson-lab-cleaner")) leaf.detach();
    });
    expect((await h.leafTypes()).filter((t) => t === "lesson-lab-cleaner")).toHaveLength(0);
    await openCleaner(h);
    expect(await choice(h, "ds/cat/a.png")).toBe("relabel:dog");
    expect(await choice(h, "ds/cat/b.png")).toBe("delete");

    // A fresh page and plugin, given the plugin data the first one saved.
    const data = await page.evaluate(async () => {
      const plugin = window.lessonLabHarness.plugin as unknown as { cleaner: { decisions: { save(): Promise<void> } }; loadData(): Promise<unknown> };
      await plugin.cleaner.decisions.save();
      return JSON.stringify(await plugin.loadData());
    });
    expect(JSON.parse(data)).toMatchObject({ cleaner: { books: { ds: { entries: [{ path: "ds/cat/a.png" }, { path: "ds/cat/b.png" }] } } } });
    await h.reload();
    await page.evaluate((d) => {
      (window.lessonLabHarness.plugin as unknown as { data__: unknown }).data__ = JSON.parse(d);
    }, data);
    await prepare(h);
    await openCleaner(h);
    expect((await cardPaths(h)).sort()).toEqual(["ds/cat/a.png", "ds/cat/b.png"]); // no report after a restart: the decided images
    expect(await choice(h, "ds/cat/a.png")).toBe("relabel:dog");
    expect(await choice(h, "ds/cat/b.png")).toBe("delete");
    expect(await page.locator(".lesson-lab-cleaner-counts").textContent()).toBe("2 images · 0 keep · 1 delete · 1 relabel");
  });
});
