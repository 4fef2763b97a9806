// @vitest-environment happy-dom
// The classifier's Obsidian wiring on the stand-in, without tfjs: registrations, menu items, the
// panel's dataset overview and remembered settings, a saved model shown again, plugin data kept,
// and the classify block's messages.
import { afterEach, describe, expect, it } from "vitest";
import { Menu } from "obsidian";
import { CLASSIFIER_VIEW_TYPE, ClassifierShellView } from "../../../src/classifier/obsidian/shell-view";
import { makeCtx, makePlugin, type Harness } from "../timestamps/obsidian/helpers";

const FILES: Record<string, string> = {
  "Pets/cat/1.png": "",
  "Pets/cat/2.png": "",
  "Pets/dog/1.png": "",
  "Pets/loose.png": "",
  "Notes/n.md": "# n",
};

afterEach(() => document.body.empty());

async function setup(data?: unknown): Promise<Harness> {
  return makePlugin(FILES, data);
}

function panelEl(h: Harness): HTMLElement {
  const leaf = h.app.workspace.getLeavesOfType(CLASSIFIER_VIEW_TYPE)[0];
  const view = leaf?.view;
  if (!(view instanceof ClassifierShellView)) throw new Error("no classifier view");
  return view.contentEl;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => window.setTimeout(r, 0));
}

describe("classifier wiring", () => {
  it("registers the view, commands, ribbon icon and the classify block, without default hotkeys", async () => {
    const h = await setup();
    const p = h.plugin as unknown as {
      views__: Map<string, unknown>;
      commands__: Map<string, { name: string; hotkeys?: unknown[] }>;
      markdownCodeBlockProcessors__: Map<string, unknown>;
    };
    expect(p.views__.has(CLASSIFIER_VIEW_TYPE)).toBe(true);
    const ids = [...p.commands__.keys()];
    expect(ids).toEqual(expect.arrayContaining(["open-classifier-panel", "classify-image"]));
    expect(p.commands__.get("open-classifier-panel")!.name).toBe("Open classifier panel");
    expect(p.commands__.get("classify-image")!.hotkeys).toBeUndefined();
    expect(p.markdownCodeBlockProcessors__.has("classify")).toBe(true);
  });

  it("offers training on folders and classifying on images, nothing on notes", async () => {
    const h = await setup();
    const itemsFor = (path: string): string[] => {
      const menu = new Menu();
      h.app.workspace.trigger("file-menu", menu, h.app.vault.getAbstractFileByPath(path), "file-explorer");
      return (menu as unknown as { menuItems__: { title__: string }[] }).menuItems__.map((i) => i.title__);
    };
    expect(itemsFor("Pets")).toContain("Train a classifier on this folder");
    expect(itemsFor("Pets/cat/1.png")).toContain("Classify image");
    const note = itemsFor("Notes/n.md");
    expect(note).not.toContain("Classify image");
    expect(note).not.toContain("Train a classifier on this folder");
  });

  it("the classify command is only offered on an image", async () => {
    const h = await setup();
    const cmd = (h.plugin as unknown as { commands__: Map<string, { checkCallback(c: boolean): boolean }> }).commands__.get("classify-image")!;
    expect(cmd.checkCallback(true)).toBe(false);
  });

  it("opens on a folder: labels, counts, unlabeled images, remembered settings; bad settings refused", async () => {
    const h = await setup({ settings: { autoplay: false }, classifier: { perFolder: { Pets: { epochs: 7, backend: "cpu" } } } });
    await (h.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Pets");
    await settle();
    const el = panelEl(h);
    const rows = [...el.querySelectorAll(".lesson-lab-label-row")].map((r) => [r.getAttribute("data-label"), r.querySelector(".lesson-lab-count")?.textContent]);
    expect(rows).toEqual([
      ["cat", "2"],
      ["dog", "1"],
    ]);
    expect(el.querySelector(".lesson-lab-unlabeled")?.textContent).toBe("Pets/loose.png");
    expect(el.querySelector(".lesson-lab-warnings")?.textContent).toContain('label "dog" has only 1 image');
    expect(el.querySelector<HTMLInputElement>('input[data-field="epochs"]')!.value).toBe("7");
    expect(el.querySelector<HTMLSelectElement>('select[data-field="backend"]')!.value).toBe("cpu");
    // The stand-in's files are empty, so the header check lists them all as unreadable.
    await settle();
    expect(el.querySelectorAll(".lesson-lab-precheck .lesson-lab-unreadable li")).toHaveLength(3);

    el.querySelector<HTMLInputElement>('input[data-field="epochs"]')!.value = "0";
    el.querySelector<HTMLButtonElement>(".lesson-lab-train-button")!.click();
    await settle();
    expect(el.querySelector(".lesson-lab-settings-error")?.textContent).toContain("Epochs must be a whole number from 1 to 1000.");
    expect(el.querySelector(".lesson-lab-progress-text")?.textContent).toBe("");
  });

  it("a missing folder or the vault root gives a message, not a crash", async () => {
    const h = await setup();
    await (h.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Nope");
    await settle();
    expect(panelEl(h).querySelector(".lesson-lab-error")?.textContent).toBe('The folder "Nope" does not exist.');
    panelEl(h).querySelector<HTMLButtonElement>(".lesson-lab-train-button")!.click();
    await settle();
    // Nothing starts (no backbone is loaded for a folder that cannot be trained on).
    expect(panelEl(h).querySelector(".lesson-lab-progress-text")?.textContent).toBe("");
    await (h.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("/");
    await settle();
    expect(panelEl(h).querySelector(".lesson-lab-error")?.textContent).toContain("not the vault itself");
  });

  it("shows a saved model with its metrics and results when the folder is picked", async () => {
    const h = await setup();
    const metadata = {
      format: "lesson-lab-classifier",
      version: 1,
      labels: ["cat", "dog"],
      backbone: "mobilenet_v2-nsfwjs",
      imageSize: 224,
      embeddingDim: 1280,
      head: { numLabels: 2 },
      metrics: { error_rate: 0.5, accuracy: 0.5, valid_count: 2, train_count: 1, epochs: [{ epoch: 0, train_loss: 0.9, valid_loss: 0.8, error_rate: 0.5, seconds: 1 }] },
      trainedAt: "2026-01-02T03:04:05.000Z",
      dataset: "Pets",
      counts: { cat: 2, dog: 1 },
      options: { validPct: 0.2, seed: 42, epochs: 1, lr: 0.003, augment: true, augViews: 2 },
    };
    const results = {
      labels: ["cat", "dog"],
      epochs: metadata.metrics.epochs,
      accuracy: 0.5,
      errorRate: 0.5,
      trainCount: 1,
      validCount: 2,
      confusion: { labels: ["cat", "dog"], matrix: [[1, 1], [0, 0]] },
      perClass: [],
      mostConfused: [{ actual: "cat", predicted: "dog", count: 1, paths: ["Pets/cat/2.png"] }],
      topLosses: [
        { path: "Pets/cat/2.png", actual: "cat", predicted: "dog", loss: 2, probabilityPredicted: 0.8, probabilityActual: 0.2 },
        { path: "Pets/cat/1.png", actual: "cat", predicted: "cat", loss: 0.1, probabilityPredicted: 0.9, probabilityActual: 0.9 },
      ],
    };
    await h.app.vault.createFolder("Pets.model");
    await h.app.vault.create("Pets.model/metadata.json", JSON.stringify(metadata));
    await h.app.vault.create("Pets.model/results.json", JSON.stringify(results));
    await (h.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Pets");
    await settle();
    const el = panelEl(h);
    expect(el.querySelector(".lesson-lab-model-info")?.textContent).toContain("Pets.model/");
    expect(el.querySelectorAll(".lesson-lab-epoch-row")).toHaveLength(1);
    expect([...el.querySelectorAll(".lesson-lab-metric-value")].map((e) => e.textContent)).toEqual(["50.0%", "50.0%", "1", "2"]);
    el.querySelector<HTMLElement>('.lesson-lab-cell[data-actual="cat"][data-predicted="dog"]')!.click();
    expect([...el.querySelectorAll(".lesson-lab-cell-detail .lesson-lab-tile")].map((t) => t.getAttribute("data-path"))).toEqual(["Pets/cat/2.png"]);
    // The cleaner is registered by its own feature: the button is there.
    expect(el.querySelector(".lesson-lab-open-cleaner")).not.toBeNull();
  });

  it("keeps the other features' data when it saves its own", async () => {
    const h = await setup({ settings: { autoplay: false }, positions: { v: 3 } });
    const { classifierHost } = await import("../../../src/classifier/obsidian/feature");
    const host = classifierHost(h.plugin);
    const data = await host.loadClassifierData();
    data.lastModel = "Pets.model";
    await host.saveClassifierData(data);
    const saved = (await h.plugin.loadData()) as Record<string, unknown>;
    expect(saved.positions).toEqual({ v: 3 });
    expect((saved.settings as Record<string, unknown>).autoplay).toBe(false);
    expect((saved.classifier as Record<string, unknown>).lastModel).toBe("Pets.model");
  });

  it("the classify block explains a missing image, a missing model, and no model at all", async () => {
    const h = await setup();
    const processor = (h.plugin as unknown as { markdownCodeBlockProcessors__: Map<string, (s: string, el: HTMLElement, ctx: unknown) => Promise<void>> })
      .markdownCodeBlockProcessors__.get("classify")!;
    const render = async (source: string): Promise<string> => {
      const el = document.body.createDiv();
      await processor(source, el, makeCtx(h, "Notes/n.md", null));
      return el.querySelector(".lesson-lab-error")?.textContent ?? "";
    };
    expect(await render("![[nowhere.png]]")).toBe("Image not found: nowhere.png");
    expect(await render("![[Pets/cat/1.png]]\nmodel: Gone.model")).toBe('No trained model in "Gone.model" (no metadata.json there).');
    expect(await render("![[Pets/cat/1.png]]")).toContain('No trained model found for "Pets/cat/1.png"');
    expect(await render("")).toContain("names no image");
  });
});
