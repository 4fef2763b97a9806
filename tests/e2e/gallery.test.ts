// The screenshot gallery: every view of the plugin as a user sees it, in Obsidian's default light
// and dark themes (tests/e2e/harness/obsidian-theme.css), in the right sidebar (300 px, Obsidian's
// default; its layout is also checked at 250 and 350 px) and in a wide tab (900 px), written to
// artifacts/gallery/. One page, one training run:
// the player pane, the classifier panel before, while and after training, its results, the
// classify block and modal, the cleaner's grid and the apply summary all come from the same state.
// The README's pictures (docs/) are copies of the best of these: `node scripts/gallery-to-docs.mjs`.
//
// Besides the pictures, it checks what a picture cannot be trusted to show: in both widths
// nothing sticks out of its pane except inside a box that scrolls, and no text is smaller than 11 px.
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO_VAULT, openHarness, REPO_ROOT, type Harness } from "./harness";
import { cleanUpAfterEach } from "./harness/checks";
import { keepModalsInPage } from "./harness/modals";
import { loadServedBytes } from "./harness/vault-bytes";

const GALLERY = join(REPO_ROOT, "artifacts", "gallery");
const PANEL = "#right-sidebar .lesson-lab-classifier";
const THEMES = ["light", "dark"] as const;
/** Obsidian's right sidebar is 300 px wide by default; a tab in the main area is wider. */
const WIDTHS = { narrowest: 250, sidebar: 300, widest: 350, wide: 900 } as const;
type Width = keyof typeof WIDTHS;

const track = cleanUpAfterEach();

async function setTheme(page: Page, theme: (typeof THEMES)[number]): Promise<void> {
  await page.evaluate((t) => {
    document.body.removeClass("theme-light", "theme-dark");
    document.body.addClass(`theme-${t}`);
  }, theme);
}

/** Sets the width of the right sidebar and of the main area's leaves. */
async function setWidth(page: Page, width: Width): Promise<void> {
  await page.evaluate((px) => {
    document.getElementById("right-sidebar")!.style.width = `${px}px`;
    document.getElementById("main-leaves")!.style.width = `${px}px`;
  }, WIDTHS[width]);
}

/**
 * What sticks out of `root` on the right (elements whose box ends past it), leaving out what lies
 * inside a box that scrolls sideways; and every text smaller than 11 px.
 */
async function layoutProblems(target: Locator): Promise<{ overflow: string[]; tiny: string[] }> {
  return target.evaluate((root) => {
    const right = root.getBoundingClientRect().right;
    const name = (e: Element): string => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`;
    const inScroller = (e: Element): boolean => {
      for (let p = e.parentElement; p && p !== root; p = p.parentElement) {
        const s = getComputedStyle(p);
        if ((s.overflowX === "auto" || s.overflowX === "scroll") && p.getBoundingClientRect().right <= right + 1) return true;
      }
      return false;
    };
    const overflow: string[] = [];
    const tiny: string[] = [];
    for (const e of root.querySelectorAll("*")) {
      const box = e.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right > right + 1 && !inScroller(e)) overflow.push(name(e));
      const hasText = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? "").trim() !== "");
      if (hasText) {
        // SVG text scales with its drawing: its font size times the drawing's scale on screen.
        const m = "getScreenCTM" in e ? (e as SVGGraphicsElement).getScreenCTM() : null;
        const scale = m ? Math.hypot(m.a, m.b) : 1;
        const px = parseFloat(getComputedStyle(e).fontSize) * scale;
        if (px < 11) tiny.push(`${name(e)} (${px.toFixed(1)} px)`);
      }
    }
    return { overflow: [...new Set(overflow)], tiny: [...new Set(tiny)] };
  });
}

/** Pictures are cut at this height (a page of 48 cleaner cards in one column is taller). */
const MAX_HEIGHT = 5000;

/**
 * Makes the window as tall as `target` (thumbnails are drawn only when they come into view), waits
 * until every thumbnail in its first MAX_HEIGHT pixels is drawn or marked broken, and returns the
 * part of the page to shoot.
 */
async function showWhole(page: Page, target: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const measure = async (): Promise<{ x: number; y: number; width: number; height: number }> => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await target.boundingBox())!;
    return { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, MAX_HEIGHT) };
  };
  const first = await measure();
  await page.setViewportSize({ width: 1400, height: Math.ceil(Math.max(1000, first.y + first.height + 40)) });
  const clip = await measure();
  await page.waitForFunction(
    ([el, bottom]) =>
      [...el.querySelectorAll(".lesson-lab-thumb, .lesson-lab-cleaner-thumb[role=img]")]
        .filter((t) => t.getBoundingClientRect().top < bottom)
        .every((t) => t.querySelector("canvas") || t.className.includes("broken")),
    [await target.elementHandle(), clip.y + clip.height] as const,
    { timeout: 30_000 },
  );
  return clip;
}

/** Shoots `target` in both themes (and both widths unless `widths` says otherwise) as NAME-WIDTH-THEME.png. */
async function shoot(page: Page, name: string, target: Locator, widths: readonly Width[] = ["sidebar", "wide"]): Promise<void> {
  // A sidebar is 250–350 px wide: its ends are checked too, without pictures.
  if (widths.includes("sidebar")) {
    for (const width of ["narrowest", "widest"] as const) {
      await setWidth(page, width);
      expect({ view: `${name} (${width})`, ...(await layoutProblems(target)) }).toEqual({ view: `${name} (${width})`, overflow: [], tiny: [] });
    }
  }
  for (const width of widths) {
    await setWidth(page, width);
    const clip = await showWhole(page, target);
    const problems = await layoutProblems(target);
    expect({ view: `${name} (${width})`, ...problems }).toEqual({ view: `${name} (${width})`, overflow: [], tiny: [] });
    for (const theme of THEMES) {
      await setTheme(page, theme);
      await page.screenshot({ path: join(GALLERY, `${name}-${width}-${theme}.png`), clip, animations: "disabled" });
    }
  }
  await setTheme(page, "dark");
}

/** A throw-away vault: the demo vault's lesson note and video, its Fashion images, and a note with a classify block. */
async function makeVault(): Promise<string> {
  const dir = track.folder(await mkdtemp(join(tmpdir(), "lesson-lab-gallery-")));
  await cp(join(DEMO_VAULT, "Fashion"), join(dir, "Fashion"), { recursive: true });
  await cp(join(DEMO_VAULT, "media"), join(dir, "media"), { recursive: true });
  await cp(join(DEMO_VAULT, "Lesson 1 - demo.md"), join(dir, "Lesson 1 - demo.md"));
  // What a real folder has: an image without a label, a file that is no image.
  await cp(join(DEMO_VAULT, "Fashion", "Bag", "00023.png"), join(dir, "Fashion", "loose.png"));
  await writeFile(join(dir, "Fashion", "Bag", "notes.png"), "not an image");
  await writeFile(join(dir, "Classify.md"), ["## A trouser?", "", "```classify", "![[Fashion/Trouser/00016.png]]", "```", ""].join("\n"));
  return dir;
}

describe("screenshot gallery (artifacts/gallery)", () => {
  it("shoots every view in light and dark, sidebar and wide, from one trained state", { timeout: 300_000 }, async () => {
    await mkdir(GALLERY, { recursive: true });
    const h: Harness = track.harness(await openHarness({ vault: await makeVault(), note: "Lesson 1 - demo.md", viewport: { width: 1400, height: 1000 } }));
    const { page } = h;
    // Tall views are shot whole: the page grows with them instead of scrolling inside the sidebar.
    await page.addStyleTag({ content: ".workspace { height: auto; min-height: 100vh; align-items: flex-start; } .workspace-split { overflow: visible !important; }" });
    await loadServedBytes(page, "png", "Fashion/");
    await page.evaluate(async () => {
      await window.lessonLabHarness.plugin.saveData({
        classifier: {
          perFolder: { Fashion: { validPct: 20, seed: 42, epochs: 4, lr: 0.003, augment: false, backbone: "bundled", vaultModel: "", vaultLayer: "", backend: "wasm" } },
          lastModel: null,
        },
      });
    });
    await keepModalsInPage(page);

    // 1. The player pane: a local video at 00:03, its chapters (two without a label).
    await page.locator('a.lesson-lab-timestamp[data-seconds="3"]').first().click();
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>("#right-sidebar video")?.readyState ?? 0) >= 2);
    await page.evaluate(() => document.querySelector<HTMLVideoElement>("#right-sidebar video")?.pause());
    const playerLeaf = page.locator('#right-sidebar .workspace-leaf-content[data-type="lesson-lab-player"]');
    await shoot(page, "player", playerLeaf);

    // 2. The classifier panel before training: the dataset, its problems, the settings.
    await page.evaluate(() => (window.lessonLabHarness.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Fashion"));
    await page.waitForSelector(`${PANEL} .lesson-lab-precheck .lesson-lab-unreadable`);
    await page.waitForSelector(`${PANEL} .lesson-lab-strip canvas`);
    const panelLeaf = page.locator("#right-sidebar .workspace-leaf-content").filter({ has: page.locator(".lesson-lab-classifier") });
    await page.evaluate(() => document.querySelector('#right-sidebar .workspace-leaf-content[data-type="lesson-lab-player"]')?.closest(".workspace-leaf")?.addClass("is-hidden"));
    await page.addStyleTag({ content: "#right-sidebar .workspace-leaf.is-hidden { display: none; }" });
    await shoot(page, "classifier-before", panelLeaf);

    // 3. While training: the CPU is slowed (Chrome DevTools throttling) so that the pictures catch the embedding phase.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 20 });
    await page.click(`${PANEL} .lesson-lab-train-button`);
    await expect.poll(() => page.textContent(`${PANEL} .lesson-lab-progress-text`), { timeout: 60_000 }).toMatch(/^Embedding \d+\/\d+/);
    await shoot(page, "classifier-training", panelLeaf, ["sidebar"]);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });

    // 4. After training: the whole panel, then the results alone (a confusion cell opened).
    await page.waitForSelector(`${PANEL} .lesson-lab-confusion`, { timeout: 170_000 });
    await page.click(`${PANEL} .lesson-lab-cell.is-off:not(.is-empty) >> nth=0`);
    await shoot(page, "classifier-trained", panelLeaf);
    await shoot(page, "results", page.locator(`${PANEL} .lesson-lab-results`));

    // 5. The classify block in a note and the "Classify image" modal.
    await h.renderNote("Classify.md");
    await page.waitForSelector("#note .lesson-lab-predicted", { timeout: 60_000 });
    await page.evaluate(() => document.getElementById("right-sidebar")!.addClass("is-collapsed"));
    await shoot(page, "classify-block", page.locator("#note-sizer"), ["wide"]);
    await page.evaluate(() => {
      const { app, obsidian } = window.lessonLabHarness;
      const file = app.vault.getAbstractFileByPath("Fashion/Sneaker/00005.png") ?? app.vault.getFiles().find((f) => f.path.startsWith("Fashion/Sneaker/"));
      const menu = obsidian.Menu.forEvent(new MouseEvent("contextmenu"));
      app.workspace.trigger("file-menu", menu, file, "file-explorer");
      menu.menuItems__.find((i) => i.title__ === "Classify image")!.onClick__!(new MouseEvent("click"));
    });
    await page.locator(".modal-container .lesson-lab-predicted").waitFor({ timeout: 30_000 });
    await shoot(page, "classify-modal", page.locator(".modal-container .modal"), ["wide"]);
    await page.locator(".modal-container .modal-close-button").click();

    // 6. The cleaner, opened from the results on the trained model: its grid, then the apply summary.
    await page.evaluate(() => document.getElementById("right-sidebar")!.removeClass("is-collapsed"));
    await page.click(`${PANEL} .lesson-lab-open-cleaner`);
    await page.waitForSelector(".lesson-lab-cleaner-card .lesson-lab-cleaner-thumb canvas", { timeout: 60_000 });
    const cleanerLeaf = page.locator('.workspace-leaf-content[data-type="lesson-lab-cleaner"]');
    // The first suspects decided as suggested (or kept), as a user would; the sidebar out of the way.
    await page.evaluate(() => document.getElementById("right-sidebar")!.addClass("is-collapsed"));
    for (const i of [0, 1, 2]) {
      const choice = page.locator(".lesson-lab-cleaner-card select.lesson-lab-cleaner-choice").nth(i);
      const suggested = await choice.evaluate((sel: HTMLSelectElement) => [...sel.options].find((o) => o.text.includes("(suggested)"))?.value ?? "keep");
      await choice.selectOption(suggested);
    }
    await shoot(page, "cleaner", cleanerLeaf);
    // The suspects alone (the issue filter on "Label may be wrong"): the README's picture of the cleaner.
    await page.selectOption(".lesson-lab-cleaner-filter-issue", "label");
    await shoot(page, "cleaner-suspects", cleanerLeaf, ["wide"]);
    await page.selectOption(".lesson-lab-cleaner-filter-issue", "");
    await page.click(".lesson-lab-cleaner-apply");
    await page.locator(".modal-container .lesson-lab-cleaner-summary").waitFor();
    await shoot(page, "cleaner-apply-summary", page.locator(".modal-container .modal"), ["wide"]);
    await page.locator(".modal-container .lesson-lab-cleaner-cancel").click();
  });
});
