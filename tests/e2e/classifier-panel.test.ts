// The classifier panel in a real browser: the built plugin (main.js) in Chromium on the stand-in,
// the demo vault's Fashion folder (5 labels x 30 PNGs) with its real bytes. Trains with the wasm
// backend, watches the epoch table grow, checks the confusion matrix against the validation
// images, checks that training hands the main thread back (the event loop turns between slices),
// cancels mid-embedding, and renders a classify block.
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_VAULT, openHarness, REPO_ROOT, type Harness } from "./harness";
import { cleanUpAfterEach } from "./harness/checks";

const ARTIFACTS = join(REPO_ROOT, "artifacts");
const PANEL = "#right-sidebar .lesson-lab-classifier";
const EPOCHS = 3;
const LABELS = ["Ankle boot", "Bag", "Sneaker", "T-shirt_top", "Trouser"];

const track = cleanUpAfterEach();

/** Opens the demo vault, gives the stand-in vault the images' real bytes and presets Fashion's settings. */
async function open(): Promise<Harness> {
  // Only the demo vault's Fashion folder, copied: whatever else lies in demo-vault/ (a model
  // trained there by the CLI) must not leak into these tests.
  const vaultDir = track.folder(await mkdtemp(join(tmpdir(), "lesson-lab-classifier-")));
  await cp(join(DEMO_VAULT, "Fashion"), join(vaultDir, "Fashion"), { recursive: true });
  // Problems the panel must list before training: two files that are no images, one without a label.
  await writeFile(join(vaultDir, "Fashion", "Bag", "broken.png"), "this is not a PNG");
  await writeFile(join(vaultDir, "Fashion", "Bag", "empty.png"), "");
  await cp(join(DEMO_VAULT, "Fashion", "Bag", "00023.png"), join(vaultDir, "Fashion", "loose.png"));
  const h = track.harness(await openHarness({ vault: vaultDir, viewport: { width: 1280, height: 900 } }));
  const loaded = await h.page.evaluate(
    async ({ epochs }) => {
      const { app, plugin } = window.lessonLabHarness;
      const base = `${location.origin}/vault/`;
      const files = app.vault.getFiles().filter((f) => f.path.startsWith("Fashion/"));
      await Promise.all(
        files.map(async (f) => {
          // The vault's bytes, from the harness server.
          const bytes = await new Promise<ArrayBuffer>((resolve, reject) => {
            const xhr = new XMLHttpRequest();
            xhr.open("GET", base + f.path.split("/").map(encodeURIComponent).join("/"));
            xhr.responseType = "arraybuffer";
            xhr.onload = () => (xhr.status === 200 ? resolve(xhr.response as ArrayBuffer) : reject(new Error(`${f.path}: ${xhr.status}`)));
            xhr.onerror = () => reject(new Error(`${f.path}: network error`));
            xhr.send();
          });
          await app.vault.adapter.writeBinary(f.path, bytes);
        }),
      );
      // Remembered per-folder settings: the panel must pick them up.
      await plugin.saveData({
        other: "kept",
        classifier: { perFolder: { Fashion: { validPct: 20, seed: 42, epochs, lr: 0.003, augment: false, backbone: "bundled", vaultModel: "", vaultLayer: "", backend: "wasm" } }, lastModel: null },
      });
      return files.length;
    },
    { epochs: EPOCHS },
  );
  expect(loaded).toBe(153);
  return h;
}

async function openPanel(harness: Harness): Promise<void> {
  await harness.page.evaluate(() => (window.lessonLabHarness.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Fashion"));
  await harness.page.waitForSelector(`${PANEL} .lesson-lab-label-row >> nth=4`);
}

/**
 * Records long tasks, when the embedding phase starts (in page time), and every turn a 0 ms timer
 * chain gets (__turns: page times): work that hands the main thread back lets it run between its
 * slices, work that does not starves it. Stop the chain with __stopTurns = true.
 */
async function watchLongTasks(harness: Harness): Promise<void> {
  await harness.page.evaluate(() => {
    const w = window as unknown as {
      __longTasks: { start: number; duration: number }[];
      __embedStart: number | null;
      __phases: { t: number; text: string }[];
      __turns: number[];
      __stopTurns: boolean;
    };
    w.__turns = [];
    w.__stopTurns = false;
    const turn = () => {
      w.__turns.push(performance.now());
      if (!w.__stopTurns) window.setTimeout(turn, 0);
    };
    window.setTimeout(turn, 0);
    w.__longTasks = [];
    w.__embedStart = null;
    w.__phases = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: false });
    const text = document.querySelector(".lesson-lab-train")!;
    new MutationObserver(() => {
      const now = document.querySelector(".lesson-lab-progress-text")?.textContent ?? "";
      if (w.__phases.at(-1)?.text !== now) w.__phases.push({ t: performance.now(), text: now });
      if (w.__embedStart === null && /^(Reading|Embedding)/.test(now)) w.__embedStart = performance.now();
    }).observe(text, { subtree: true, childList: true, characterData: true });
  });
}

async function vaultPaths(harness: Harness): Promise<string[]> {
  return harness.page.evaluate(async () => {
    const { app } = window.lessonLabHarness;
    const listed = await app.vault.adapter.list("");
    return [...listed.folders, ...listed.files, ...app.vault.getAllLoadedFiles().map((f) => f.path)];
  });
}

describe("classifier panel", () => {
  it("shows the dataset, trains with wasm, and explains the results", { timeout: 400_000 }, async () => {
    const harness = await open();
    await openPanel(harness);
    const { page } = harness;

    // 1. Dataset overview before training: five labels of 30, each with a thumbnail strip.
    const rows = await page.$$eval(`${PANEL} .lesson-lab-label-row`, (els) =>
      els.map((e) => ({ label: e.getAttribute("data-label"), count: e.querySelector(".lesson-lab-count")?.textContent, tiles: e.querySelectorAll(".lesson-lab-tile").length })),
    );
    expect(rows).toEqual(LABELS.map((label) => ({ label, count: label === "Bag" ? "32" : "30", tiles: 8 })));
    // Unlabeled and unreadable files are listed, with reasons, before any training.
    expect(await page.$$eval(`${PANEL} .lesson-lab-unlabeled li`, (els) => els.map((e) => e.textContent))).toEqual(["Fashion/loose.png"]);
    await page.waitForSelector(`${PANEL} .lesson-lab-precheck .lesson-lab-unreadable`);
    expect(await page.$$eval(`${PANEL} .lesson-lab-precheck .lesson-lab-unreadable li`, (els) => els.map((e) => e.textContent))).toEqual([
      "Fashion/Bag/broken.png: not an image: the file is text",
      "Fashion/Bag/empty.png: empty file",
    ]);
    await page.waitForSelector(`${PANEL} .lesson-lab-strip canvas`);
    // Remembered settings came back into the form.
    expect(await page.inputValue(`${PANEL} input[data-field="epochs"]`)).toBe(String(EPOCHS));
    expect(await page.inputValue(`${PANEL} select[data-field="backend"]`)).toBe("wasm");

    // A bad value is refused with a message, nothing starts.
    await page.fill(`${PANEL} input[data-field="lr"]`, "abc");
    await page.click(`${PANEL} .lesson-lab-train-button`);
    await expect.poll(() => page.textContent(`${PANEL} .lesson-lab-settings-error`)).toContain("learning rate");
    await page.fill(`${PANEL} input[data-field="lr"]`, "0.003");

    // 2. Train, watching the main thread.
    await watchLongTasks(harness);
    const epochRows: number[] = [];
    await page.exposeFunction("__epochRow", (n: number) => epochRows.push(n));
    await page.evaluate(() => {
      new MutationObserver(() => {
        const n = document.querySelectorAll(".lesson-lab-epoch-row").length;
        (window as unknown as { __epochRow(n: number): void }).__epochRow(n);
      }).observe(document.querySelector(".lesson-lab-train")!, { subtree: true, childList: true });
    });
    const t0 = Date.now();
    await page.click(`${PANEL} .lesson-lab-train-button`);
    await page.waitForSelector(`${PANEL} .lesson-lab-confusion`, { timeout: 170_000 });
    const trainSeconds = (Date.now() - t0) / 1000;
    const trainEnd = await page.evaluate(() => {
      (window as unknown as { __stopTurns: boolean }).__stopTurns = true;
      return performance.now();
    });

    // Every epoch row appeared, one at a time.
    expect(await page.locator(`${PANEL} .lesson-lab-epoch-row`).count()).toBe(EPOCHS);
    expect([...new Set(epochRows)].filter((n) => n > 0)).toEqual([1, 2, 3]);
    expect(await page.textContent(`${PANEL} .lesson-lab-backend`)).toBe("Backend: wasm");
    expect(await page.locator(`${PANEL} .lesson-lab-loss-curve polyline`).count()).toBe(2);

    // 3. The confusion matrix covers exactly the validation images.
    const validCount = Number(await page.textContent(`${PANEL} .lesson-lab-metric:nth-child(4) .lesson-lab-metric-value`));
    const cells = await page.$$eval(`${PANEL} .lesson-lab-cell`, (els) =>
      els.map((e) => ({ actual: e.getAttribute("data-actual")!, predicted: e.getAttribute("data-predicted")!, n: Number(e.textContent) })),
    );
    expect(cells).toHaveLength(25);
    expect(validCount).toBeGreaterThanOrEqual(25);
    expect(cells.reduce((a, c) => a + c.n, 0)).toBe(validCount);
    const trainCount = Number(await page.textContent(`${PANEL} .lesson-lab-metric:nth-child(3) .lesson-lab-metric-value`));
    expect(trainCount + validCount).toBe(150);

    // A cell click shows exactly its images: as many as the count, all of the actual label, and
    // no image in two cells.
    const seen = new Set<string>();
    for (const cell of cells.filter((c) => c.n > 0)) {
      await page.click(`${PANEL} .lesson-lab-cell[data-actual="${cell.actual}"][data-predicted="${cell.predicted}"]`);
      const title = await page.textContent(`${PANEL} .lesson-lab-cell-title`);
      expect(title).toContain(`Actual ${cell.actual}, predicted ${cell.predicted}: ${cell.n} image`);
      const paths = await page.$$eval(`${PANEL} .lesson-lab-cell-detail .lesson-lab-tile`, (els) => els.map((e) => e.getAttribute("data-path")!));
      expect(paths).toHaveLength(cell.n);
      for (const p of paths) {
        expect(p.startsWith(`Fashion/${cell.actual}/`)).toBe(true);
        expect(seen.has(p)).toBe(false);
        seen.add(p);
      }
    }
    expect(seen.size).toBe(validCount);

    // Top losses and per-class accuracy are there; the model was saved where the core puts it.
    expect(await page.locator(`${PANEL} .lesson-lab-losses-section .lesson-lab-tile`).count()).toBe(12);
    expect(await page.locator(`${PANEL} .lesson-lab-per-class tbody tr`).count()).toBe(5);
    expect(await page.textContent(`${PANEL} .lesson-lab-model-info`)).toContain("Fashion.model/");
    const paths = await vaultPaths(harness);
    expect(paths).toContain("Fashion.model/metadata.json");
    expect(paths).toContain("Fashion.model/results.json");
    expect(paths.filter((p) => p.includes(".tmp-"))).toEqual([]);
    // Other features' data survived the panel's saves.
    const data = (await page.evaluate(() => window.lessonLabHarness.plugin.loadData())) as Record<string, unknown>;
    expect(data.other).toBe("kept");
    expect((data.classifier as { lastModel: string }).lastModel).toBe("Fashion.model");

    // 4. Responsiveness: the work is sliced. Each of the 150 images is embedded in its own slices,
    //    handing the main thread back in between, so the timer chain kept getting turns while the
    //    images were embedded and the head trained (one unsliced pass would give it a handful).
    //    How long the tasks are is the bench's business (no wall-clock limit here); printed below.
    const tasks = await page.evaluate(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __embedStart: number | null; __turns: number[] };
      return { tasks: w.__longTasks, embedStart: w.__embedStart, turns: w.__turns, phases: (w as unknown as { __phases: { t: number; text: string }[] }).__phases };
    });
    expect(tasks.embedStart).not.toBeNull();
    const during = tasks.tasks.filter((t) => t.start >= tasks.embedStart!);
    const before = tasks.tasks.filter((t) => t.start < tasks.embedStart!);
    const longest = Math.max(0, ...during.map((t) => t.duration));
    process.stdout.write(
      `classifier e2e (figures, not checked): trained in ${trainSeconds.toFixed(1)} s; long tasks while training: ${during.length}, longest ${longest.toFixed(0)} ms; ` +
        `while loading tfjs + backbone: ${before.length}, longest ${Math.max(0, ...before.map((t) => t.duration)).toFixed(0)} ms\n`,
    );
    if (process.env.LESSON_LAB_DEBUG_TASKS) {
      for (const t of tasks.tasks) process.stdout.write(`${t.start.toFixed(0)} ${t.duration.toFixed(0)} ${tasks.phases.filter((p) => p.t <= t.start).at(-1)?.text}\n`);
    }
    const turns = tasks.turns.filter((t) => t >= tasks.embedStart! && t <= trainEnd).length;
    process.stdout.write(`classifier e2e: the event loop turned ${turns} times while training\n`);
    expect(turns).toBeGreaterThanOrEqual(150);
    process.stdout.write(`classifier e2e: error rate ${await page.textContent(`${PANEL} .lesson-lab-metric-value`)}\n`);

    // 5. Screenshots, dark (the harness default) and light, tall enough for the whole panel, then narrow.
    await mkdir(ARTIFACTS, { recursive: true });
    await page.click(`${PANEL} .lesson-lab-cell.is-off:not(.is-empty), ${PANEL} .lesson-lab-cell.is-diagonal >> nth=0`);
    // The page wears Obsidian's default theme (harness/obsidian-theme.css): light and dark are body classes.
    await page.setViewportSize({ width: 1280, height: 2600 });
    await page.evaluate(() => document.body.addClass("theme-dark"));
    await page.locator("#right-sidebar").screenshot({ path: join(ARTIFACTS, "classifier-panel-dark.png") });
    await page.evaluate(() => {
      document.body.removeClass("theme-dark");
      document.body.addClass("theme-light");
    });
    await page.locator("#right-sidebar").screenshot({ path: join(ARTIFACTS, "classifier-panel-light.png") });
    await page.addStyleTag({ content: "#right-sidebar.lesson-lab-narrow { width: 260px; }" });
    await page.evaluate(() => document.querySelector("#right-sidebar")!.addClass("lesson-lab-narrow"));
    await page.locator("#right-sidebar").screenshot({ path: join(ARTIFACTS, "classifier-panel-narrow.png") });
    // Narrow, nothing spills out of the sidebar except inside the scrolling tables.
    const overflow = await page.evaluate(() => {
      const side = document.querySelector("#right-sidebar")!;
      const right = side.getBoundingClientRect().right;
      return [...side.querySelectorAll<HTMLElement>("*")]
        .filter((e) => e.getBoundingClientRect().right > right + 1 && !e.closest(".lesson-lab-confusion-wrap, .lesson-lab-live, .lesson-lab-strip"))
        .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
    });
    expect(overflow).toEqual([]);
    await page.evaluate(() => {
      document.querySelector("#right-sidebar")!.removeClass("lesson-lab-narrow");
      document.body.removeClass("theme-light");
      document.body.addClass("theme-dark");
    });
    await page.setViewportSize({ width: 1280, height: 900 });

    // 6. The classify block: a prediction for an image, clear messages for what is missing.
    await page.evaluate(async () => {
      const { app } = window.lessonLabHarness;
      const image = app.vault.getFiles().find((f) => f.path.startsWith("Fashion/Trouser/"))!;
      await app.vault.create(
        "Classify test.md",
        ["```classify", `![[${image.path}]]`, "```", "", "```classify", "![[nowhere.png]]", "```", "", "```classify", `![[${image.path}]]`, "model: Missing.model", "```", ""].join("\n"),
      );
    });
    await harness.renderNote("Classify test.md");
    await page.waitForSelector("#note .lesson-lab-predicted", { timeout: 60_000 });
    const blocks = await page.$$eval("#note .lesson-lab-classify", (els) =>
      els.map((e) => ({
        predicted: e.querySelector(".lesson-lab-predicted")?.textContent ?? null,
        bars: e.querySelectorAll(".lesson-lab-bar-row").length,
        image: e.querySelector("img") !== null,
        error: e.querySelector(".lesson-lab-error")?.textContent ?? null,
      })),
    );
    expect(blocks[0]).toMatchObject({ bars: 5, image: true, error: null });
    expect(LABELS).toContain(blocks[0].predicted);
    expect(blocks[1].error).toContain("Image not found: nowhere.png");
    await expect.poll(async () => (await page.$$eval("#note .lesson-lab-classify", (els) => els[2]?.querySelector(".lesson-lab-error")?.textContent ?? "")), { timeout: 10_000 }).toContain('No trained model in "Missing.model"');
    await page.locator("#note").screenshot({ path: join(ARTIFACTS, "classify-block.png") });

    // 7. Picking the folder again shows the saved model with its metrics and results.
    await page.evaluate(() => (window.lessonLabHarness.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Fashion"));
    await page.waitForSelector(`${PANEL} .lesson-lab-model-info`);
    expect(await page.locator(`${PANEL} .lesson-lab-epoch-row`).count()).toBe(EPOCHS);
    const again = await page.$$eval(`${PANEL} .lesson-lab-cell`, (els) => els.reduce((a, e) => a + Number(e.textContent), 0));
    expect(again).toBe(validCount);

    // 8. The cleaner (another feature) opens on this folder from the results.
    await page.click(`${PANEL} .lesson-lab-open-cleaner`);
    await expect.poll(() => harness.leafTypes()).toContain("lesson-lab-cleaner");
  });

  it("cancel while embedding leaves no model folder", async () => {
    const harness = await open();
    await openPanel(harness);
    const { page } = harness;
    // Cancel from inside the page the moment a few images are embedded (a click from outside
    // could arrive after embedding is over: it is fast).
    await page.evaluate(() => {
      const w = window as unknown as { __cancelledAt: string | null };
      w.__cancelledAt = null;
      const observer = new MutationObserver(() => {
        const text = document.querySelector(".lesson-lab-progress-text")?.textContent ?? "";
        const m = /^Embedding (\d+)\/(\d+)/.exec(text);
        if (m && Number(m[1]) >= 5) {
          observer.disconnect();
          w.__cancelledAt = text;
          document.querySelector<HTMLButtonElement>(".lesson-lab-cancel-button")!.click();
        }
      });
      observer.observe(document.querySelector(".lesson-lab-train")!, { subtree: true, childList: true, characterData: true });
    });
    await page.click(`${PANEL} .lesson-lab-train-button`);
    await expect.poll(() => page.textContent(`${PANEL} .lesson-lab-progress-text`), { timeout: 30_000 }).toBe("Cancelled: no model was saved.");
    const at = await page.evaluate(() => (window as unknown as { __cancelledAt: string | null }).__cancelledAt);
    const [, done, total] = /^Embedding (\d+)\/(\d+)/.exec(at ?? "")!;
    expect(Number(done)).toBeLessThan(Number(total));
    // Nothing is saved later either.
    await page.waitForTimeout(1000);
    const paths = await vaultPaths(harness);
    expect(paths.filter((p) => p.startsWith("Fashion.model"))).toEqual([]);
    expect(await page.isVisible(`${PANEL} .lesson-lab-cancel-button`)).toBe(false);
    expect(await page.locator(`${PANEL} .lesson-lab-confusion`).count()).toBe(0);
  }, 200_000);
});
