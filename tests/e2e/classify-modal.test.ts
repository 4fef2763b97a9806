// The "Classify image" modal in a real browser: the built plugin (main.js) in Chromium on the
// stand-in, a copy of the demo vault's Fashion folder (5 labels x 30 PNGs) with its real bytes.
// Everything goes the way a user goes: the file menu of an image opens the modal (first with no
// model yet: a clear message), the file menu of the folder opens the classifier panel, whose
// Train button trains and saves Fashion.model/ with the bundled backbone on wasm; the modal then
// shows the predicted label and every label's probability for a Trouser image, and a clear
// message for a truncated PNG. The modal's close button removes it from the page each time.
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_VAULT, openHarness, type Harness } from "./harness";
import { cleanUpAfterEach } from "./harness/checks";
import { keepModalsInPage } from "./harness/modals";
import { loadServedBytes } from "./harness/vault-bytes";

const LABELS = ["Ankle boot", "Bag", "Sneaker", "T-shirt_top", "Trouser"];
const EPOCHS = 3;
/** A Trouser image: trousers are the easiest label of the five, and the model gets this one right. */
const TROUSER = "Fashion/Trouser/00016.png";
const CORRUPT = "Fashion/Bag/corrupt.png";
const PANEL = "#right-sidebar .lesson-lab-classifier";
const MODAL = ".modal-container";

const track = cleanUpAfterEach();

/**
 * Page set-up: the images' real bytes in the in-page vault (the stand-in lists media files
 * empty), Fashion's settings (bundled backbone, wasm, 3 epochs without augmentation, as the
 * panel test), no model used yet, and modals that stay in the page.
 */
async function prepare(harness: Harness): Promise<number> {
  const count = await loadServedBytes(harness.page, "png", "Fashion/");
  await harness.page.evaluate(async (epochs) => {
    const { plugin } = window.lessonLabHarness;
    await plugin.saveData({
      classifier: {
        perFolder: { Fashion: { validPct: 20, seed: 42, epochs, lr: 0.003, augment: false, backbone: "bundled", vaultModel: "", vaultLayer: "", backend: "wasm" } },
        lastModel: null,
      },
    });
  }, EPOCHS);
  await keepModalsInPage(harness.page);
  return count;
}

/**
 * What a right-click on `path` in the file explorer does: a menu filled by the "file-menu"
 * handlers; the item titled `title` is then clicked. Returns every title the menu offered.
 */
async function fileMenu(harness: Harness, path: string, title: string): Promise<string[]> {
  return harness.page.evaluate(
    ([p, t]) => {
      const { app, obsidian } = window.lessonLabHarness;
      const file = app.vault.getAbstractFileByPath(p);
      if (!file) throw new Error(`${p} is not in the vault`);
      const menu = obsidian.Menu.forEvent(new MouseEvent("contextmenu"));
      app.workspace.trigger("file-menu", menu, file, "file-explorer");
      const item = menu.menuItems__.find((i) => i.title__ === t);
      if (!item?.onClick__) throw new Error(`no "${t}" item for ${p}`);
      item.onClick__(new MouseEvent("click"));
      return menu.menuItems__.map((i) => (typeof i.title__ === "string" ? i.title__ : (i.title__.textContent ?? "")));
    },
    [path, title] as const,
  );
}

/** Opens the modal on `path` from its file menu; resolves once it shows a prediction or an error. */
async function classifyFromMenu(harness: Harness, path: string): Promise<void> {
  expect(await fileMenu(harness, path, "Classify image")).toContain("Classify image");
  await harness.page.locator(`${MODAL} .lesson-lab-predicted, ${MODAL} .lesson-lab-error`).first().waitFor({ timeout: 30_000 });
  expect(await harness.page.locator(MODAL).count()).toBe(1);
  expect(await harness.page.locator(`${MODAL} .modal-title`).textContent()).toBe(`Classify ${path.split("/").pop()}`);
  expect(await harness.page.locator(`${MODAL} .modal-content`).getByText("Classifying…").count()).toBe(0);
}

/** Closes the modal with its close button: it leaves the page, emptied. */
async function closeModal(harness: Harness): Promise<void> {
  const content = await harness.page.locator(`${MODAL} .modal-content`).elementHandle();
  await harness.page.locator(`${MODAL} .modal-close-button`).click();
  expect(await harness.page.locator(MODAL).count()).toBe(0);
  expect(await content.evaluate((el) => ({ attached: el.isConnected, children: el.childElementCount }))).toEqual({ attached: false, children: 0 });
  await content.dispose();
}

describe("classify modal in Chromium", () => {
  it("says there is no model yet, then shows the trained model's prediction, and a clear message for a corrupt image", { timeout: 90_000 }, async () => {
    const vaultDir = track.folder(await mkdtemp(join(tmpdir(), "lesson-lab-classify-modal-")));
    await cp(join(DEMO_VAULT, "Fashion"), join(vaultDir, "Fashion"), { recursive: true });
    const t0 = Date.now();
    const h = track.harness(await openHarness({ vault: vaultDir, viewport: { width: 1280, height: 900 } }));
    const { page } = h;
    expect(await prepare(h)).toBe(150);

    // 1. No model yet: the modal says so and how to get one.
    await classifyFromMenu(h, TROUSER);
    expect(await page.locator(`${MODAL} .lesson-lab-error`).textContent()).toBe(
      `No trained model found for "${TROUSER}". Train one in the classifier panel (right-click a folder whose sub-folders are labels).`,
    );
    expect(await page.locator(`${MODAL} .lesson-lab-predicted`).count()).toBe(0);
    await closeModal(h);

    // 2. Train from the folder's file menu and the panel's Train button: the real model, saved
    //    as Fashion.model/ with the bundled backbone on wasm.
    expect(await fileMenu(h, "Fashion", "Train a classifier on this folder")).not.toContain("Classify image");
    await page.waitForSelector(`${PANEL} .lesson-lab-label-row >> nth=4`);
    expect(await page.inputValue(`${PANEL} select[data-field="backend"]`)).toBe("wasm");
    const t1 = Date.now();
    await page.click(`${PANEL} .lesson-lab-train-button`);
    await page.waitForSelector(`${PANEL} .lesson-lab-model-info`, { timeout: 60_000 });
    const trainSeconds = (Date.now() - t1) / 1000;
    expect(await page.textContent(`${PANEL} .lesson-lab-backend`)).toBe("Backend: wasm");
    expect(await page.textContent(`${PANEL} .lesson-lab-model-info`)).toContain("Fashion.model/");
    const metadata = await page.evaluate(async () => {
      const { app } = window.lessonLabHarness;
      return JSON.parse(await app.vault.adapter.read("Fashion.model/metadata.json")) as { labels: string[]; backbone: string };
    });
    expect(metadata.labels).toEqual(LABELS);

    // 3. A Trouser image: the predicted label on top, then every label's bar, most probable
    //    first, as percentages with one decimal, and the model folder.
    const t2 = Date.now();
    await classifyFromMenu(h, TROUSER);
    const classifySeconds = (Date.now() - t2) / 1000;
    expect(await page.locator(`${MODAL} .lesson-lab-error`).count()).toBe(0);
    expect(await page.locator(`${MODAL} .lesson-lab-predicted`).textContent()).toBe("Trouser");
    const bars = await page.locator(`${MODAL} .lesson-lab-bar-row`).evaluateAll((rows) =>
      rows.map((r) => ({
        label: r.getAttribute("data-label"),
        shown: r.querySelector(".lesson-lab-bar-label")?.textContent ?? null,
        value: r.querySelector(".lesson-lab-bar-value")?.textContent ?? "",
        p: Number(r.querySelector<HTMLElement>(".lesson-lab-bar-fill")?.style.getPropertyValue("--lesson-lab-p")),
      })),
    );
    expect(bars.map((b) => b.label).sort()).toEqual(LABELS);
    expect(bars.every((b) => b.shown === b.label)).toBe(true);
    expect(bars[0].label).toBe("Trouser");
    for (const b of bars) {
      expect(b.value).toMatch(/^\d{1,3}\.\d%$/);
      expect(b.value).toBe(`${(b.p * 100).toFixed(1)}%`); // the bar's length and its text agree
    }
    const ps = bars.map((b) => b.p);
    expect([...ps].sort((a, b) => b - a)).toEqual(ps);
    expect(ps.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(ps[0]).toBeGreaterThan(0.5);
    expect(await page.locator(`${MODAL} .lesson-lab-prediction .lesson-lab-muted`).textContent()).toBe("Model: Fashion.model");
    // The bars are laid out: the top label's fill is the widest.
    const widths = await page.locator(`${MODAL} .lesson-lab-bar-fill`).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths[0]).toBe(Math.max(...widths));
    expect(widths[0]).toBeGreaterThan(0);
    await closeModal(h);

    // 4. A corrupt image (a PNG cut after 100 bytes) in a label folder: a clear message.
    await page.evaluate(async ([from, to]) => {
      const { app } = window.lessonLabHarness;
      const bytes = await app.vault.adapter.readBinary(from);
      await app.vault.createBinary(to, bytes.slice(0, 100));
    }, [TROUSER, CORRUPT] as const);
    await classifyFromMenu(h, CORRUPT);
    const error = (await page.locator(`${MODAL} .lesson-lab-error`).textContent()) ?? "";
    expect(error).toMatch(new RegExp(`^Cannot classify ${CORRUPT.replace(/\./g, "\\.")}: the image cannot be read \\(.+\\)$`));
    expect(await page.locator(`${MODAL} .lesson-lab-predicted`).count()).toBe(0);
    await closeModal(h);

    process.stdout.write(
      `classify modal e2e: trained in ${trainSeconds.toFixed(1)} s, first classification ${classifySeconds.toFixed(1)} s, ` +
        `bars ${JSON.stringify(bars.map((b) => `${b.label} ${b.value}`))}; corrupt: "${error}"; ${((Date.now() - t0) / 1000).toFixed(1)} s in all\n`,
    );
  });
});
