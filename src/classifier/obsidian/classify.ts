// Using a trained classifier inside Obsidian: the "Classify image" modal and the ```classify
// code block. Loaded lazily (the first time either is used).
import { Modal, requestUrl, TFile, type App } from "obsidian";
import { loadModel, type LoadedModel } from "../model-io";
import { Classifier, type Prediction } from "../predict";
import { ImageReadError } from "../types";
import { loadRuntime, macrotask, preferredBackend } from "../browser/app-runtime";
import type { ClassifierHost } from "../app-ports";
import { findModelFor, modelFolderProblem, parseClassifyBlock } from "../model-lookup";
import { createVaultStore } from "../../shared/obsidian/vault-store";
import { errorText } from "../../shared/errors";

/** Loaded heads by model folder, with the mtime of the metadata.json they came from. */
const models = new Map<string, { mtime: number; model: Promise<LoadedModel> }>();

/** A model folder's classifier; models are cached by folder. */
async function classifierFor(app: App, host: ClassifierHost, modelFolder: string): Promise<Classifier> {
  const store = createVaultStore(app);
  // A retrained model replaces the folder: reload when metadata.json changed.
  const mtime = (await app.vault.adapter.stat(`${modelFolder}/metadata.json`))?.mtime ?? 0;
  let entry = models.get(modelFolder);
  if (!entry || entry.mtime !== mtime) {
    const old = entry;
    entry = { mtime, model: loadModel(store, modelFolder) };
    models.set(modelFolder, entry);
    void old?.model.then((m) => m.head.dispose()).catch(() => undefined);
    const mine = entry;
    mine.model.catch(() => {
      if (models.get(modelFolder) === mine) models.delete(modelFolder);
    });
  }
  const model = await entry.model;
  const runtime = await loadRuntime({
    backboneId: model.metadata.backbone,
    backend: preferredBackend(),
    store,
    modelsDir: `${host.pluginDir()}/models`,
    fetchBinary: async (url) => (await requestUrl({ url, throw: true })).arrayBuffer,
  });
  // The head stays cached here; the Classifier wrapper only borrows it (never disposed).
  return new Classifier(model, runtime.backbone, runtime.decoder, false);
}

export interface Classification {
  image: string;
  model: string;
  prediction: Prediction;
}

function message(error: unknown): string {
  if (error instanceof ImageReadError) return `the image cannot be read (${error.message})`;
  return errorText(error);
}

/** Classifies a vault image with `model` (or the model found for it). Throws messages meant for the user. */
export async function classifyFile(app: App, host: ClassifierHost, file: TFile, model?: string): Promise<Classification> {
  const data = await host.loadClassifierData();
  let folder = model;
  // A folder from a note or from plugin data must lie inside the vault; refused before any lookup.
  for (const named of [model, data.lastModel]) {
    const problem = named ? modelFolderProblem(named) : null;
    if (problem) throw new Error(problem);
  }
  if (!folder) {
    const found = await findModelFor(file.path, { exists: (p) => app.vault.adapter.exists(p), lastModel: data.lastModel });
    if ("error" in found) throw new Error(found.error);
    folder = found.folder;
  } else if (!(await app.vault.adapter.exists(`${folder}/metadata.json`))) {
    throw new Error(`No trained model in "${folder}" (no metadata.json there).`);
  }
  const classifier = await classifierFor(app, host, folder);
  const bytes = new Uint8Array(await app.vault.readBinary(file));
  await macrotask();
  let prediction: Prediction;
  try {
    prediction = await classifier.predict(bytes);
  } catch (error) {
    throw new Error(`Cannot classify ${file.path}: ${message(error)}`);
  }
  if (data.lastModel !== folder) {
    // One queued update: whatever was written to the classifier's data while this image was
    // being classified (a training run's settings or model) is kept.
    const used = folder;
    await host.updateClassifierData((current) => ({ ...current, lastModel: used }));
  }
  return { image: file.path, model: folder, prediction };
}

/** Bars: one per label, most probable first. */
export function renderPrediction(el: HTMLElement, c: Classification): void {
  const box = el.createDiv({ cls: "lesson-lab-prediction" });
  box.createDiv({ cls: "lesson-lab-predicted", text: c.prediction.label });
  for (const { label, probability: p } of c.prediction.ranked) {
    const row = box.createDiv({ cls: "lesson-lab-bar-row", attr: { "data-label": label } });
    row.createDiv({ cls: "lesson-lab-bar-label", text: label });
    const bar = row.createDiv({ cls: "lesson-lab-bar" });
    bar.createDiv({ cls: "lesson-lab-bar-fill" }).style.setProperty("--lesson-lab-p", String(p));
    row.createDiv({ cls: "lesson-lab-bar-value", text: `${(p * 100).toFixed(1)}%` });
  }
  box.createDiv({ cls: "lesson-lab-muted", text: `Model: ${c.model}` });
}

export class ClassifyModal extends Modal {
  /** Set on close: a classification that ends later has nowhere to go. */
  private closed = false;

  constructor(
    app: App,
    private readonly host: ClassifierHost,
    private readonly file: TFile,
  ) {
    super(app);
  }

  override onOpen(): void {
    this.titleEl.setText(`Classify ${this.file.name}`);
    this.closed = false;
    const status = this.contentEl.createDiv({ cls: "lesson-lab-muted", text: "Classifying…" });
    classifyFile(this.app, this.host, this.file)
      .then((c) => {
        if (this.closed) return;
        status.remove();
        renderPrediction(this.contentEl, c);
      })
      .catch((error: unknown) => {
        if (this.closed) return;
        status.remove();
        this.contentEl.createDiv({ cls: "lesson-lab-error", text: message(error) });
      });
  }

  override onClose(): void {
    this.closed = true;
    this.contentEl.empty();
  }
}

/** The ```classify block: the image, small, with its predicted label and the probabilities. */
export async function renderClassifyBlock(app: App, host: ClassifierHost, source: string, el: HTMLElement, sourcePath: string): Promise<void> {
  const root = el.createDiv({ cls: "lesson-lab-classify" });
  const fail = (text: string): void => {
    root.empty();
    root.createDiv({ cls: "lesson-lab-error", text });
  };
  const block = parseClassifyBlock(source);
  if (block.problems.length > 0 || block.image === null) {
    fail(block.problems.join(" "));
    return;
  }
  const file = app.metadataCache.getFirstLinkpathDest(block.image, sourcePath) ?? app.vault.getAbstractFileByPath(block.image);
  if (!(file instanceof TFile)) {
    fail(`Image not found: ${block.image}`);
    return;
  }
  root.createEl("img", { cls: "lesson-lab-classify-image", attr: { src: app.vault.getResourcePath(file), alt: file.name } });
  const status = root.createDiv({ cls: "lesson-lab-muted", text: "Classifying…" });
  try {
    const c = await classifyFile(app, host, file, block.model ?? undefined);
    status.remove();
    renderPrediction(root, c);
  } catch (error) {
    status.remove();
    root.createDiv({ cls: "lesson-lab-error", text: message(error) });
  }
}

/** Frees the cached heads (plugin unload). */
export function disposeModels(): void {
  for (const { model } of models.values()) void model.then((m) => m.head.dispose()).catch(() => undefined);
  models.clear();
}
