// @vitest-environment happy-dom
// Issue 10, case 9, drawn: for each kind of broken model folder, the classifier panel (the saved
// model's results), a ```classify block and the "Classify image" modal show a message naming the
// file and the reason, or the valid parts with a warning; never a blank, a TypeError or "NaN%".
// The head is a real tfjs model saved through saveModel into the stand-in vault; the backbone
// and decoder are replaced by a fixed embedding (loadRuntime is mocked), since the browser
// decoder needs createImageBitmap and the backbone is not what these tests are about.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TFile } from "obsidian";
import type { Runtime } from "../../../src/classifier/browser/app-runtime";
import { setupTf } from "../../../src/classifier/tf-setup";
import { Head } from "../../../src/classifier/head";
import { MODEL_FORMAT, MODEL_VERSION, saveModel, type ModelMetadata } from "../../../src/classifier/model-io";
import { createVaultStore } from "../../../src/shared/obsidian/vault-store";
import { ClassifyModal, disposeModels } from "../../../src/classifier/obsidian/classify";
import { classifierHost } from "../../../src/classifier/obsidian/feature";
import { CLASSIFIER_VIEW_TYPE, ClassifierShellView } from "../../../src/classifier/obsidian/shell-view";
import { makeCtx, makePlugin, type Harness } from "../timestamps/obsidian/helpers";

const DIM = 4;
/** The stand-in backbone's embedding for every image (a test sets NaN to mimic a broken backbone). */
const embedding = { value: [0.5, -0.25, 1, 0.1] };

vi.mock("../../../src/classifier/browser/app-runtime", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../src/classifier/browser/app-runtime")>();
  return {
    ...original,
    loadRuntime: (): Promise<Runtime> =>
      Promise.resolve({
        backend: "cpu",
        decoder: { decode: (_bytes: Uint8Array, size: number) => Promise.resolve({ width: size, height: size, data: new Uint8Array(size * size * 3) }) },
        backbone: {
          id: "stand-in",
          inputSize: 8,
          dim: DIM,
          backend: "cpu",
          folded: false,
          embed: (images: unknown[]) => Promise.resolve(images.map(() => Float32Array.from(embedding.value))),
          dispose: () => undefined,
        },
      } as unknown as Runtime),
  };
});

// Pets/cat/1.png, the image classified, is written as binary in harness().
const FILES: Record<string, string> = { "Pets/cat/2.png": "", "Pets/dog/1.png": "", "Notes/n.md": "# n" };

const RESULTS = {
  labels: ["cat", "dog"],
  epochs: [{ epoch: 0, train_loss: 0.9, valid_loss: 0.8, error_rate: 0.5, seconds: 1 }],
  accuracy: 0.5,
  errorRate: 0.5,
  trainCount: 1,
  validCount: 2,
  confusion: { labels: ["cat", "dog"], matrix: [[1, 1], [0, 0]] },
  perClass: [],
  mostConfused: [],
  topLosses: [],
};

function metadata(labels: string[]): ModelMetadata {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    labels,
    backbone: "stand-in",
    imageSize: 8,
    embeddingDim: DIM,
    head: { numLabels: labels.length, inputDim: DIM } as ModelMetadata["head"],
    metrics: { error_rate: 0.25, accuracy: 0.75, valid_count: 8, train_count: 32, epochs: [{ epoch: 0, train_loss: 0.9, valid_loss: 0.8, error_rate: 0.25, seconds: 1 }] },
    trainedAt: "2026-01-02T03:04:05.000Z",
    dataset: "Pets",
    counts: { cat: 2, dog: 1 },
    options: { validPct: 0.2, seed: 42, epochs: 1, lr: 0.003, augment: false, augViews: 0 },
  };
}

/** Writes a working `Pets.model/` (real head) with results.json, then lets `breakIt` damage it. */
async function harness(breakIt: (h: Harness, meta: Record<string, unknown>) => Promise<void>): Promise<Harness> {
  const h = await makePlugin(FILES);
  await h.app.vault.createBinary("Pets/cat/1.png", new Uint8Array([137, 80, 78, 71]).buffer);
  const store = createVaultStore(h.app as never);
  const head = Head.create(DIM, 2, { seed: 3 });
  const meta = metadata(["cat", "dog"]);
  await saveModel(store, "Pets", head, { ...meta, head: head.config });
  head.dispose();
  await h.app.vault.adapter.write("Pets.model/results.json", JSON.stringify(RESULTS));
  const saved = JSON.parse(await h.app.vault.adapter.read("Pets.model/metadata.json")) as Record<string, unknown>;
  await breakIt(h, saved);
  return h;
}

const writeMeta = (h: Harness, meta: Record<string, unknown>): Promise<void> => h.app.vault.adapter.write("Pets.model/metadata.json", JSON.stringify(meta));

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise((r) => window.setTimeout(r, 0));
}

interface Drawn {
  text: string;
  errors: string[];
  warnings: string[];
  metrics: string[];
}

function drawn(el: HTMLElement): Drawn {
  return {
    text: el.textContent ?? "",
    // The settings row keeps an empty error element for its own messages: only errors with text count.
    errors: [...el.querySelectorAll(".lesson-lab-error")].map((e) => e.textContent ?? "").filter((t) => t !== ""),
    warnings: [...el.querySelectorAll(".lesson-lab-warning")].map((e) => e.textContent ?? ""),
    metrics: [...el.querySelectorAll(".lesson-lab-metric-value")].map((e) => e.textContent ?? ""),
  };
}

async function panel(h: Harness): Promise<Drawn> {
  await (h.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Pets");
  await settle();
  const view = h.app.workspace.getLeavesOfType(CLASSIFIER_VIEW_TYPE)[0]?.view;
  if (!(view instanceof ClassifierShellView)) throw new Error("no classifier view");
  return drawn(view.contentEl);
}

async function block(h: Harness): Promise<Drawn> {
  const processor = (h.plugin as unknown as { markdownCodeBlockProcessors__: Map<string, (s: string, el: HTMLElement, ctx: unknown) => Promise<void>> }).markdownCodeBlockProcessors__.get(
    "classify",
  )!;
  const el = document.body.createDiv();
  await processor("![[Pets/cat/1.png]]\nmodel: Pets.model", el, makeCtx(h, "Notes/n.md", null));
  return drawn(el);
}

async function modal(h: Harness): Promise<Drawn> {
  const file = h.app.vault.getAbstractFileByPath("Pets/cat/1.png");
  if (!(file instanceof TFile)) throw new Error("no image");
  const m = new ClassifyModal(h.app as never, classifierHost(h.plugin), file);
  m.onOpen();
  await settle();
  for (let i = 0; i < 50 && m.contentEl.textContent === "Classifying…"; i++) await new Promise((r) => window.setTimeout(r, 10));
  return drawn(m.contentEl);
}

/** Nothing broken shows through: no NaN, no undefined, no TypeError. */
function clean(d: Drawn): void {
  expect(d.text).not.toMatch(/NaN%|undefined|TypeError|Cannot read prop/);
  expect(d.metrics.join(" ")).not.toMatch(/NaN/);
  expect(d.text.trim()).not.toBe("");
}

/** A prediction was drawn: two bars with real percentages. */
function predicted(d: Drawn): void {
  clean(d);
  expect(d.errors).toEqual([]);
  expect(d.text).toMatch(/\d+\.\d%/);
  expect(d.text).not.toContain("Classifying…");
}

beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
});

afterEach(() => {
  embedding.value = [0.5, -0.25, 1, 0.1];
  disposeModels();
  document.body.empty();
});

describe("case 9 drawn: broken model folders in the panel, the block and the modal", () => {
  it("metadata.json without metrics: the panel warns naming the file and shows the rest; block and modal predict", async () => {
    const h = await harness(async (h2, meta) => {
      delete meta.metrics;
      await writeMeta(h2, meta);
      await h2.app.vault.adapter.remove("Pets.model/results.json");
    });
    const p = await panel(h);
    clean(p);
    expect(p.errors).toEqual([]);
    expect(p.warnings).toContain('"Pets.model/metadata.json" records no metrics; they are not shown.');
    expect(p.text).toContain("labels: cat, dog");
    expect(p.metrics.join(" ")).not.toMatch(/NaN/);
    predicted(await block(h));
    predicted(await modal(h));
  });

  it("malformed epochs: the panel warns, keeps the good epochs and metrics; block and modal predict", async () => {
    const h = await harness(async (h2, meta) => {
      const metrics = meta.metrics as Record<string, unknown>;
      metrics.epochs = [{ epoch: 0, train_loss: 0.9, valid_loss: 0.8, error_rate: 0.25, seconds: 1 }, { epoch: "two" }, null];
      await writeMeta(h2, meta);
      await h2.app.vault.adapter.remove("Pets.model/results.json");
    });
    const p = await panel(h);
    clean(p);
    expect(p.errors).toEqual([]);
    expect(p.warnings).toContain('"Pets.model/metadata.json": 2 of 3 epochs are damaged; not shown.');
    expect(p.metrics).toEqual(["25.0%", "75.0%", "32", "8"]);
    predicted(await block(h));
    predicted(await modal(h));

    // epochs that are not a list at all
    disposeModels();
    const h3 = await harness(async (h2, meta) => {
      (meta.metrics as Record<string, unknown>).epochs = "oops";
      await writeMeta(h2, meta);
    });
    const p3 = await panel(h3);
    clean(p3);
    expect(p3.warnings).toContain('"Pets.model/metadata.json": epochs is not a list; not shown.');
    predicted(await block(h3));
  });

  for (const [kind, text] of [
    ["not JSON", "{not json"],
    ["the wrong shape", JSON.stringify({ ...RESULTS, epochs: [{ epoch: "x" }] })],
    ["other labels", JSON.stringify({ ...RESULTS, labels: ["dog", "cat"] })],
    ["null", "null"],
    ["empty rows", JSON.stringify({ ...RESULTS, topLosses: [{}], perClass: [{}], mostConfused: [{}] })],
    ["rows of the wrong types", JSON.stringify({ ...RESULTS, topLosses: [{ path: 3, actual: "cat", predicted: "dog", loss: "x", probabilityPredicted: "x", probabilityActual: null }], perClass: [{ label: "cat", correct: "two", total: null, accuracy: "x" }], mostConfused: [{ actual: "cat", predicted: "dog", count: "x", paths: "Pets/cat/2.png" }] })],
  ] as const) {
    it(`results.json that is ${kind}: the panel warns naming the file and shows metadata.json's results; block and modal predict`, async () => {
      const h = await harness(async (h2) => {
        await h2.app.vault.adapter.write("Pets.model/results.json", text);
      });
      const p = await panel(h);
      clean(p);
      expect(p.errors).toEqual([]);
      expect(p.warnings.join("\n")).toContain('"Pets.model/results.json" is damaged or does not match the model\'s labels; the results from metadata.json are shown.');
      expect(p.metrics).toEqual(["25.0%", "75.0%", "32", "8"]);
      predicted(await block(h));
      predicted(await modal(h));
    });
  }

  it("duplicate labels: the panel, the block and the modal each say which label is listed twice", async () => {
    const h = await harness(async (h2, meta) => {
      meta.labels = ["cat", "cat"];
      await writeMeta(h2, meta);
    });
    const reason = 'Cannot load the classifier in "Pets.model": metadata.json lists the label "cat" twice.';
    for (const d of [await panel(h), await block(h), await modal(h)]) {
      clean(d);
      expect(d.errors).toEqual([reason]);
    }
  });

  for (const [kind, damage, reason] of [
    ["metadata.json that is not JSON", (h: Harness) => h.app.vault.adapter.write("Pets.model/metadata.json", "{\"format\": "), "metadata.json is not valid JSON."],
    ["more labels than the head has outputs", async (h: Harness) => {
      const meta = JSON.parse(await h.app.vault.adapter.read("Pets.model/metadata.json")) as Record<string, unknown>;
      await writeMeta(h, { ...meta, labels: ["cat", "dog", "fox"] });
    }, "the head has 2 outputs but 3 labels are listed."],
  ] as const) {
    it(`${kind}: the panel, the block and the modal each name the folder and the reason`, async () => {
      const h = await harness((h2) => damage(h2));
      for (const d of [await panel(h), await block(h), await modal(h)]) {
        clean(d);
        expect(d.errors).toEqual([`Cannot load the classifier in "Pets.model": ${reason}`]);
      }
    });
  }

  it("a missing weights.bin: block and modal name the file", async () => {
    const h = await harness(async (h2) => {
      const weights = h2.app.vault.getAbstractFileByPath("Pets.model/weights.bin");
      if (!(weights instanceof TFile)) throw new Error("no weights.bin");
      await h2.app.fileManager.trashFile(weights);
    });
    for (const d of [await block(h), await modal(h)]) {
      clean(d);
      expect(d.errors).toEqual(['Cannot load the classifier in "Pets.model": weights.bin is missing.']);
    }
  });

  it("NaN and infinite weights: block and modal say weights.bin is damaged, never NaN%", async () => {
    const h = await harness(async (h2) => {
      const bytes = new Uint8Array(await h2.app.vault.adapter.readBinary("Pets.model/weights.bin"));
      const view = new DataView(bytes.buffer);
      view.setFloat32(0, Number.NaN, true);
      view.setFloat32(4, Number.POSITIVE_INFINITY, true);
      await h2.app.vault.adapter.writeBinary("Pets.model/weights.bin", bytes.buffer);
    });
    const reason = 'Cannot load the classifier in "Pets.model": weights.bin holds 2 weights that are not a number (NaN or infinity): the model is damaged; train it again.';
    for (const d of [await block(h), await modal(h)]) {
      clean(d);
      expect(d.errors).toEqual([reason]);
    }
    // The panel reads only metadata.json and results.json: they are fine, so it shows them.
    const p = await panel(h);
    clean(p);
    expect(p.metrics).toEqual(["50.0%", "50.0%", "1", "2"]);
  });

  it("a backbone giving NaN embeddings: block and modal say the outputs are not probabilities, never NaN%", async () => {
    const h = await harness(() => Promise.resolve());
    embedding.value = [Number.NaN, 0, 0, 0];
    for (const d of [await block(h), await modal(h)]) {
      clean(d);
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]).toMatch(/^Cannot classify Pets\/cat\/1\.png: .*not probabilities \(NaN or infinity/);
    }
  });
});
