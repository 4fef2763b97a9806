// @vitest-environment happy-dom
// The "Classify image" modal: what it shows when there is no model, and that a classification
// finishing after the modal was closed draws nothing into it. (Its prediction in a real
// browser: tests/e2e/classify-modal.test.ts.)
import { describe, expect, it } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import { TFile, type App as ObsidianApp } from "obsidian";
import { ClassifyModal, renderPrediction } from "../../../src/classifier/obsidian/classify";
import { toPrediction } from "../../../src/classifier/predict";
import type { ClassifierHost } from "../../../src/classifier/app-ports";
import type { ClassifierData } from "../../../src/classifier/panel-settings";

async function setUp(): Promise<{ app: ObsidianApp; file: TFile; host: ClassifierHost; release: () => void }> {
  const app = App.createConfigured__({ files: { "Pets/cat/a.md": "" } }) as unknown as ObsidianApp;
  await app.vault.createBinary("Pets/cat/1.png", new Uint8Array([1, 2, 3]).buffer);
  const file = app.vault.getAbstractFileByPath("Pets/cat/1.png");
  if (!(file instanceof TFile)) throw new Error("the stand-in did not make the image");
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const host: ClassifierHost = {
    loadClassifierData: async () => {
      await gate;
      const data: ClassifierData = { perFolder: {}, lastModel: null };
      return data;
    },
    saveClassifierData: async () => undefined,
    updateClassifierData: async () => undefined,
    pluginDir: () => `${app.vault.configDir}/plugins/lesson-lab`,
  };
  return { app, file, host, release };
}

const settle = (): Promise<void> => new Promise((resolve) => window.setTimeout(resolve, 20));

describe("classify modal", () => {
  it("says there is no model yet, while open", async () => {
    const { app, file, host, release } = await setUp();
    const modal = new ClassifyModal(app, host, file);
    modal.onOpen();
    expect(modal.titleEl.textContent).toBe("Classify 1.png");
    expect(modal.contentEl.textContent).toBe("Classifying…");
    release();
    await settle();
    expect(modal.contentEl.querySelector(".lesson-lab-error")?.textContent).toMatch(/^No trained model found for "Pets\/cat\/1\.png"/);
    expect(modal.contentEl.textContent).not.toContain("Classifying…");
  });

  it("draws nothing into a modal closed before the classification ended", async () => {
    const { app, file, host, release } = await setUp();
    const modal = new ClassifyModal(app, host, file);
    modal.onOpen();
    modal.onClose();
    expect(modal.contentEl.childElementCount).toBe(0);
    release();
    await settle();
    expect(modal.contentEl.childElementCount).toBe(0);
  });

  it("draws one bar per label, most probable first, for numeric labels, __proto__ and constructor too", () => {
    const el = createDiv();
    const prediction = toPrediction(["3", "7", "__proto__", "constructor"], [0.1, 0.2, 0.4, 0.3]);
    renderPrediction(el, { image: "digits/x.png", model: "digits.model", prediction });
    expect(el.querySelector(".lesson-lab-predicted")?.textContent).toBe("__proto__");
    const rows = [...el.querySelectorAll(".lesson-lab-bar-row")];
    expect(rows.map((r) => r.getAttribute("data-label"))).toEqual(["__proto__", "constructor", "7", "3"]);
    expect(rows.map((r) => r.querySelector(".lesson-lab-bar-label")?.textContent)).toEqual(["__proto__", "constructor", "7", "3"]);
    expect(rows.map((r) => r.querySelector(".lesson-lab-bar-value")?.textContent)).toEqual(["40.0%", "30.0%", "20.0%", "10.0%"]);
  });
});
