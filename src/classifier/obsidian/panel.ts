// The classifier panel: pick a dataset folder, see its labels and problems at once, set the
// training options (remembered per folder), train with live progress, an epoch table and a loss
// curve, cancel, and read the results. Loaded lazily by the shell view (shell-view.ts).
import {
  AbstractInputSuggest,
  ButtonComponent,
  Component,
  DropdownComponent,
  Notice,
  requestUrl,
  Setting,
  TextComponent,
  TFile,
  TFolder,
  ToggleComponent,
  type App,
} from "obsidian";
import { isImagePath, modelFolderFor, normalizeFolder, scanDataset, type DatasetScan } from "../dataset";
import { readMetadata, type ModelMetadata } from "../model-io";
import { trainClassifier, type TrainResult } from "../pipeline";
import { cacheFolderFor } from "../cache";
import { trashOlderModels, type PruneResult } from "./prune-models";
import { AbortError, isAbortError } from "../../shared/abort";
import type { TrainProgress } from "../types";
import { currentBackend, loadRuntime, mainSlicer, slicedDecoder, slicedEmbedder, slicedStore } from "../browser/app-runtime";
import type { ClassifierHost } from "../app-ports";
import {
  BACKBONE_CHOICES,
  BACKEND_CHOICES,
  backboneIdOf,
  PANEL_DEFAULTS,
  validatePanelSettings,
  type PanelSettings,
  type PanelSettingsInput,
} from "../panel-settings";
import { EpochTable, parseResults, renderGallery, renderLossCurve, renderResults, type ImageHost, type ResultsData } from "./results-view";
import { Thumbnailer } from "./thumbnails";
import { findUnreadable } from "../precheck";
import { createVaultStore, type VaultStore } from "./vault-store";
import { errorText } from "../../shared/errors";

/** Images shown per label in the dataset overview strips. */
const STRIP = 8;

class FolderSuggest extends AbstractInputSuggest<TFolder> {
  constructor(
    app: App,
    private readonly input: HTMLInputElement,
    private readonly onPick: (folder: string) => void,
  ) {
    super(app, input);
  }

  protected getSuggestions(query: string): TFolder[] {
    const q = query.toLowerCase();
    return this.app.vault
      .getAllFolders(false)
      .filter((f) => !f.path.endsWith(".model") && f.path.toLowerCase().includes(q))
      .slice(0, 50);
  }

  renderSuggestion(folder: TFolder, el: HTMLElement): void {
    el.setText(folder.path);
  }

  override selectSuggestion(folder: TFolder): void {
    this.input.value = folder.path;
    this.close();
    this.onPick(folder.path);
  }
}

export function resultsDataOf(r: TrainResult): ResultsData {
  return {
    labels: r.labels,
    epochs: r.epochs,
    accuracy: r.accuracy,
    errorRate: r.errorRate,
    trainCount: r.trainCount,
    validCount: r.validCount,
    confusion: r.confusion,
    perClass: r.perClass,
    mostConfused: r.mostConfused,
    topLosses: r.topLosses,
  };
}

export class ClassifierPanel extends Component {
  readonly store: VaultStore;
  private readonly thumbs: Thumbnailer;
  private folder = "";
  private scan: DatasetScan | null = null;
  private running: AbortController | null = null;
  private readonly images: ImageHost;

  private readonly rootEl: HTMLElement;
  private readonly backendEl: HTMLElement;
  private folderInput!: TextComponent;
  private readonly datasetEl: HTMLElement;
  private readonly settingsEl: HTMLElement;
  private readonly trainEl: HTMLElement;
  private readonly modelEl: HTMLElement;
  private readonly resultsEl: HTMLElement;
  private fields: {
    validPct: TextComponent;
    seed: TextComponent;
    epochs: TextComponent;
    lr: TextComponent;
    augment: ToggleComponent;
    backbone: DropdownComponent;
    vaultModel: TextComponent;
    vaultLayer: TextComponent;
    backend: DropdownComponent;
  } | null = null;
  private settingsErrorEl: HTMLElement | null = null;
  private trainButton: ButtonComponent | null = null;
  private cancelButton: ButtonComponent | null = null;
  private progressBar: HTMLElement | null = null;
  private progressText: HTMLElement | null = null;
  private epochTable: EpochTable | null = null;
  private curveEl: HTMLElement | null = null;
  private liveEpochs: TrainResult["epochs"] = [];
  /** Warnings and unreadable files the dataset overview already lists: training does not list them again. */
  private readonly shownProblems = new Set<string>();
  /** This session's training result per folder, handed to the cleaner. */
  private readonly trained = new Map<string, TrainResult>();

  constructor(
    private readonly app: App,
    container: HTMLElement,
    private readonly host: ClassifierHost,
  ) {
    super();
    this.store = createVaultStore(app);
    this.thumbs = new Thumbnailer(this.store);
    this.images = {
      thumbnail: (path, el) => this.thumbs.attach(path, el),
      open: (path) => void this.openFile(path),
    };
    container.empty();
    this.rootEl = container.createDiv({ cls: "lesson-lab-classifier" });
    const header = this.rootEl.createDiv({ cls: "lesson-lab-panel-header" });
    header.createEl("h3", { text: "Image classifier" });
    this.backendEl = header.createDiv({ cls: "lesson-lab-backend", text: "Backend: not loaded yet" });
    this.buildFolderPicker();
    this.datasetEl = this.rootEl.createDiv({ cls: "lesson-lab-dataset" });
    this.settingsEl = this.rootEl.createDiv({ cls: "lesson-lab-settings" });
    this.trainEl = this.rootEl.createDiv({ cls: "lesson-lab-train" });
    this.modelEl = this.rootEl.createDiv({ cls: "lesson-lab-model" });
    this.resultsEl = this.rootEl.createDiv({ cls: "lesson-lab-results" });
    this.datasetEl.createDiv({ cls: "lesson-lab-muted", text: "Pick a folder whose sub-folders are the labels (one sub-folder of images per label)." });
    void currentBackend().then((b) => b && this.showBackend(b));
  }

  override onunload(): void {
    this.running?.abort();
    this.thumbs.close();
  }

  get currentFolder(): string {
    return this.folder;
  }

  private showBackend(backend: string): void {
    this.backendEl.setText(`Backend: ${backend}`);
    this.backendEl.dataset.backend = backend;
  }

  private buildFolderPicker(): void {
    new Setting(this.rootEl)
      .setName("Dataset folder")
      .setDesc("Its sub-folders are the labels.")
      .addText((text) => {
        this.folderInput = text;
        text.setPlaceholder("Folder path");
        text.inputEl.addClass("lesson-lab-folder-input");
        new FolderSuggest(this.app, text.inputEl, (f) => void this.pickFolder(f));
        this.registerDomEvent(text.inputEl, "keydown", (e) => {
          if (e.key === "Enter") void this.pickFolder(text.inputEl.value);
        });
      })
      .addButton((b) => {
        b.setButtonText("Load").setClass("lesson-lab-load");
        this.onClick(b, () => void this.pickFolder(this.folderInput.inputEl.value));
      });
  }

  /** Click handlers through registerDomEvent, removed with the panel. */
  private onClick(button: ButtonComponent, handler: () => void): void {
    this.registerDomEvent(button.buttonEl, "click", handler);
  }

  private async openFile(path: string): Promise<void> {
    const file = this.app.vault.getAbstractFileByPath(path);
    if (!(file instanceof TFile)) {
      new Notice(`"${path}" is no longer in the vault.`);
      return;
    }
    await this.app.workspace.getLeaf(false).openFile(file);
  }

  /** Shows a dataset folder: overview, remembered settings and its saved model, if any. */
  async pickFolder(raw: string): Promise<void> {
    if (this.running) {
      new Notice("Training is running: cancel it before picking another folder.");
      return;
    }
    const folder = normalizeFolder(raw.trim());
    this.folder = folder;
    this.folderInput.inputEl.value = folder;
    this.datasetEl.empty();
    this.settingsEl.empty();
    this.trainEl.empty();
    this.modelEl.empty();
    this.resultsEl.empty();
    if (folder === "") {
      this.datasetEl.createDiv({ cls: "lesson-lab-error", text: "Pick a folder inside the vault (not the vault itself)." });
      return;
    }
    this.datasetEl.createDiv({ cls: "lesson-lab-muted", text: `Scanning ${folder}…` });
    const scan = await scanDataset(this.store, folder);
    if (this.folder !== folder) return;
    this.scan = scan;
    this.renderDataset(scan);
    const data = await this.host.loadClassifierData();
    this.renderSettings(data.perFolder[folder] ?? { ...PANEL_DEFAULTS });
    this.renderTrain(scan.error === null);
    await this.showSavedModel(folder);
  }

  private renderDataset(scan: DatasetScan): void {
    const el = this.datasetEl;
    el.empty();
    el.createEl("h4", { text: "Dataset" });
    if (scan.error) el.createDiv({ cls: "lesson-lab-error", text: scan.error.charAt(0).toUpperCase() + scan.error.slice(1) + "." });
    if (scan.labels.length > 0) {
      el.createDiv({ cls: "lesson-lab-muted", text: `${scan.items.length} images in ${scan.labels.length} labels` });
      const list = el.createDiv({ cls: "lesson-lab-labels" });
      for (const label of scan.labels) {
        const row = list.createDiv({ cls: "lesson-lab-label-row", attr: { "data-label": label } });
        const name = row.createDiv({ cls: "lesson-lab-label-name" });
        name.createSpan({ text: label });
        name.createSpan({ cls: "lesson-lab-count", text: String(scan.counts[label]) });
        const paths = scan.items.filter((i) => i.label === label).slice(0, STRIP);
        renderGallery(row, paths.map((p) => ({ path: p.path })), this.images).addClass("lesson-lab-strip");
      }
    }
    this.shownProblems.clear();
    if (scan.warnings.length > 0) {
      const w = el.createEl("ul", { cls: "lesson-lab-warnings" });
      for (const warning of scan.warnings) {
        w.createEl("li", { text: warning });
        this.shownProblems.add(warning);
      }
    }
    if (scan.unlabeled.length > 0) {
      el.createDiv({ cls: "lesson-lab-subtitle", text: "Unlabeled images (left out)" });
      this.fileList(el, scan.unlabeled.map((p) => ({ path: p })), "lesson-lab-unlabeled");
    }
    if (scan.items.length > 0) void this.precheck(scan, el.createDiv({ cls: "lesson-lab-precheck" }));
  }

  /** Lists the files that cannot be images (by their headers), in the background. */
  private async precheck(scan: DatasetScan, el: HTMLElement): Promise<void> {
    const status = el.createDiv({ cls: "lesson-lab-muted lesson-lab-precheck-status", text: `Checking ${scan.items.length} files…` });
    const list = el.createDiv();
    const stale = (): boolean => this.scan !== scan || !el.isConnected;
    const found = await findUnreadable(
      this.store,
      scan.items.map((i) => i.path),
      { tick: () => mainSlicer.tick(), cancelled: stale, onProgress: (done, total) => status.setText(`Checking files ${done}/${total}…`) },
    );
    if (stale()) return;
    if (found.length === 0) {
      status.setText(`All ${scan.items.length} files look like images.`);
      return;
    }
    status.setText("");
    for (const f of found) this.shownProblems.add(f.path);
    list.createDiv({ cls: "lesson-lab-subtitle", text: `Unreadable files (${found.length}, left out of training)` });
    this.fileList(list, found, "lesson-lab-unreadable");
  }

  private fileList(parent: HTMLElement, items: { path: string; reason?: string }[], cls: string): void {
    const ul = parent.createEl("ul", { cls });
    for (const item of items.slice(0, 200)) {
      const li = ul.createEl("li");
      const a = li.createEl("a", { text: item.path, attr: { href: "#" } });
      this.registerDomEvent(a, "click", (e) => {
        e.preventDefault();
        void this.openFile(item.path);
      });
      if (item.reason) li.createSpan({ cls: "lesson-lab-muted", text: `: ${item.reason}` });
    }
    if (items.length > 200) ul.createEl("li", { cls: "lesson-lab-muted", text: `…and ${items.length - 200} more` });
  }

  private renderSettings(s: PanelSettings): void {
    const el = this.settingsEl;
    el.empty();
    el.createEl("h4", { text: "Training" });
    const text = (name: string, key: string, value: string, desc?: string): TextComponent => {
      let out!: TextComponent;
      const setting = new Setting(el).setName(name).addText((t) => {
        out = t;
        t.setValue(value);
        t.inputEl.dataset.field = key;
      });
      if (desc) setting.setDesc(desc);
      return out;
    };
    const validPct = text("Validation (%)", "validPct", String(s.validPct), "Share of each label's images held out to measure the error rate.");
    const seed = text("Seed", "seed", String(s.seed), "The same seed gives the same split and the same model.");
    const epochs = text("Epochs", "epochs", String(s.epochs));
    const lr = text("Learning rate", "lr", String(s.lr));
    let augment!: ToggleComponent;
    new Setting(el)
      .setName("Augmentation")
      .setDesc("Also train on flipped, rotated, cropped and relit copies.")
      .addToggle((t) => {
        augment = t;
        t.setValue(s.augment);
      });
    let backbone!: DropdownComponent;
    const backboneSetting = new Setting(el).setName("Backbone").addDropdown((d) => {
      backbone = d;
      for (const [k, v] of Object.entries(BACKBONE_CHOICES)) d.addOption(k, v);
      d.setValue(s.backbone);
      d.selectEl.dataset.field = "backbone";
    });
    const vaultModel = text("Backbone model folder", "vaultModel", s.vaultModel, "A vault folder with a tfjs model.json and its weights.");
    const vaultLayer = text("Embedding layer", "vaultLayer", s.vaultLayer, "The layer whose output is the embedding, e.g. global_average_pooling2d.");
    // The Setting rows (div.setting-item) of the two fields.
    const row = (input: HTMLElement): HTMLElement | null | undefined => input.closest<HTMLElement>(".setting-item") ?? input.parentElement?.parentElement;
    const vaultRows = [row(vaultModel.inputEl), row(vaultLayer.inputEl)];
    const showVault = (): void => {
      for (const row of vaultRows) row?.toggle(backbone.getValue() === "vault");
    };
    showVault();
    this.registerDomEvent(backbone.selectEl, "change", showVault);
    backboneSetting.setDesc("The frozen network that turns each image into features.");
    let backend!: DropdownComponent;
    new Setting(el).setName("Backend").addDropdown((d) => {
      backend = d;
      for (const [k, v] of Object.entries(BACKEND_CHOICES)) d.addOption(k, v);
      d.setValue(s.backend);
      d.selectEl.dataset.field = "backend";
    });
    this.settingsErrorEl = el.createDiv({ cls: "lesson-lab-error lesson-lab-settings-error" });
    this.settingsErrorEl.hide();
    this.fields = { validPct, seed, epochs, lr, augment, backbone, vaultModel, vaultLayer, backend };
  }

  /** Reads the form (the DOM values, whatever changed them). */
  private readInput(): PanelSettingsInput {
    const f = this.fields!;
    return {
      validPct: f.validPct.inputEl.value,
      seed: f.seed.inputEl.value,
      epochs: f.epochs.inputEl.value,
      lr: f.lr.inputEl.value,
      augment: f.augment.getValue(),
      backbone: f.backbone.selectEl.value,
      vaultModel: f.vaultModel.inputEl.value,
      vaultLayer: f.vaultLayer.inputEl.value,
      backend: f.backend.selectEl.value,
    };
  }

  private renderTrain(canTrain: boolean): void {
    const el = this.trainEl;
    el.empty();
    const buttons = el.createDiv({ cls: "lesson-lab-buttons" });
    this.trainButton = new ButtonComponent(buttons)
      .setButtonText("Train")
      .setCta()
      .setClass("lesson-lab-train-button");
    this.onClick(this.trainButton, () => void this.train());
    this.trainButton.setDisabled(!canTrain);
    this.cancelButton = new ButtonComponent(buttons)
      .setButtonText("Cancel")
      .setClass("lesson-lab-cancel-button");
    this.onClick(this.cancelButton, () => this.running?.abort());
    this.cancelButton.buttonEl.hide();
    const progress = el.createDiv({ cls: "lesson-lab-progress" });
    this.progressBar = progress.createDiv({ cls: "lesson-lab-progress-fill" });
    progress.hide();
    this.progressText = el.createDiv({ cls: "lesson-lab-progress-text" });
    const live = el.createDiv({ cls: "lesson-lab-live" });
    this.epochTable = new EpochTable(live);
    this.epochTable.tableEl.hide();
    this.curveEl = live.createDiv({ cls: "lesson-lab-curve" });
  }

  private setProgress(fraction: number | null, text: string): void {
    const bar = this.progressBar?.parentElement;
    if (bar && this.progressBar) {
      bar.toggle(fraction !== null);
      this.progressBar.style.setProperty("--lesson-lab-progress", String(Math.max(0, Math.min(1, fraction ?? 0))));
    }
    this.progressText?.setText(text);
  }

  private onProgress(p: TrainProgress): void {
    switch (p.phase) {
      case "scanning":
      case "saving":
        this.setProgress(null, p.message);
        break;
      case "decoding":
        this.setProgress(p.done / Math.max(1, p.total), `Reading images ${p.done}/${p.total}`);
        break;
      case "embedding":
        this.setProgress(
          p.done / Math.max(1, p.total),
          `Embedding ${p.done}/${p.total}${p.imagesPerSecond > 0 ? ` at ${p.imagesPerSecond.toFixed(1)} img/s` : ""}${p.cached > 0 ? ` (${p.cached} cached)` : ""}`,
        );
        break;
      case "training":
        this.setProgress(p.epoch / Math.max(1, p.epochs), `Epoch ${p.epoch}/${p.epochs}`);
        if (p.metrics && this.epochTable && this.curveEl) {
          this.epochTable.tableEl.show();
          this.epochTable.add(p.metrics);
          this.liveEpochs.push(p.metrics);
          renderLossCurve(this.curveEl, this.liveEpochs);
        }
        break;
    }
  }

  /** Trains on the picked folder with the form's settings. */
  async train(): Promise<void> {
    if (this.running || !this.fields || !this.folder || !this.scan || this.scan.error) return;
    const { settings, errors } = validatePanelSettings(this.readInput());
    const messages = Object.values(errors);
    if (messages.length > 0) {
      this.settingsErrorEl?.setText(messages.join(" "));
      this.settingsErrorEl?.show();
      return;
    }
    this.settingsErrorEl?.hide();
    const folder = this.folder;
    const data = await this.host.loadClassifierData();
    data.perFolder[folder] = settings;
    await this.host.saveClassifierData(data);

    const controller = new AbortController();
    this.running = controller;
    this.trainButton?.setDisabled(true);
    this.cancelButton?.buttonEl.show();
    this.resultsEl.empty();
    this.liveEpochs = [];
    this.renderTrain(true);
    this.trainButton?.setDisabled(true);
    this.cancelButton?.buttonEl.show();
    this.rootEl.addClass("is-training");
    this.setProgress(null, "Loading the backbone…");
    try {
      const runtime = await loadRuntime({
        backboneId: backboneIdOf(settings),
        backend: settings.backend,
        store: this.store,
        modelsDir: `${this.host.pluginDir()}/models`,
        fetchBinary: async (url) => (await requestUrl({ url, throw: true })).arrayBuffer,
      });
      this.showBackend(runtime.backend);
      if (controller.signal.aborted) throw new AbortError();
      const slicer = mainSlicer;
      const result = await trainClassifier({
        store: slicedStore(this.store, slicer),
        folder,
        decoder: slicedDecoder(runtime.decoder, slicer),
        backbone: slicedEmbedder(runtime.backbone, slicer),
        cacheFolder: cacheFolderFor(this.host.pluginDir(), folder),
        options: { epochs: settings.epochs, validPct: settings.validPct / 100, seed: settings.seed, lr: settings.lr, augment: settings.augment },
        onProgress: (p) => this.onProgress(p),
        signal: controller.signal,
      });
      await this.finish(folder, result);
    } catch (error) {
      if (isAbortError(error) || controller.signal.aborted) {
        this.setProgress(null, "Cancelled: no model was saved.");
      } else {
        const message = errorText(error);
        this.setProgress(null, "");
        this.trainEl.createDiv({ cls: "lesson-lab-error", text: `Training failed: ${message}` });
      }
    } finally {
      this.running = null;
      this.rootEl.removeClass("is-training");
      this.trainButton?.setDisabled(false);
      this.cancelButton?.buttonEl.hide();
      this.progressBar?.parentElement?.hide();
    }
  }

  private async finish(folder: string, result: TrainResult): Promise<void> {
    if (result.error) {
      this.setProgress(null, "");
      this.trainEl.createDiv({ cls: "lesson-lab-error", text: `Not trained: ${result.error}.` });
      return;
    }
    const secs = result.seconds.total.toFixed(1);
    this.setProgress(null, `Trained in ${secs} s: ${result.embedded} images embedded, ${result.cached} from the cache.`);
    // Only what the dataset overview above does not already list (each problem is shown once).
    const warnings = result.warnings.filter((w) => !this.shownProblems.has(w));
    const unreadable = result.unreadable.filter((u) => !this.shownProblems.has(u.path));
    if (unreadable.length > 0 || warnings.length > 0) {
      const box = this.trainEl.createDiv({ cls: "lesson-lab-train-problems" });
      for (const w of warnings) box.createDiv({ cls: "lesson-lab-warning", text: w });
      if (unreadable.length > 0) {
        box.createDiv({ cls: "lesson-lab-subtitle", text: "Unreadable files (left out)" });
        this.fileList(box, unreadable, "lesson-lab-unreadable");
      }
    }
    const results = resultsDataOf(result);
    this.trained.set(folder, result);
    if (result.model) {
      // The interpretation beside the model, so that the panel can show it again later.
      await this.store.writeText(`${result.model.folder}/results.json`, JSON.stringify(results)).catch(() => undefined);
      const data = await this.host.loadClassifierData();
      data.lastModel = result.model.folder;
      await this.host.saveClassifierData(data);
      const pruned = result.model.previous ? await trashOlderModels(this.app, result.model.folder) : null;
      this.renderModelInfo(result.model.folder, new Date().toISOString(), result.model.previous, pruned);
    }
    renderResults(this.resultsEl, results, this.images);
    this.renderCleanerButton(folder);
    if (result.model) this.renderExportSection(result.model.folder);
  }

  private renderModelInfo(modelFolder: string, trainedAt: string, previous: string | null, pruned: PruneResult | null = null): void {
    const el = this.modelEl;
    el.empty();
    el.createEl("h4", { text: "Model" });
    const line = el.createDiv({ cls: "lesson-lab-model-info" });
    line.createSpan({ text: "Saved in " });
    line.createEl("code", { text: `${modelFolder}/` });
    const when = new Date(trainedAt);
    line.createSpan({ text: ` on ${Number.isNaN(when.getTime()) ? trainedAt : when.toLocaleString()}` });
    if (previous) el.createDiv({ cls: "lesson-lab-muted", text: `The model trained before was kept as ${previous}/.` });
    if (pruned && pruned.trashed.length > 0) el.createDiv({ cls: "lesson-lab-muted", text: `${pruned.trashed.length} older model folder(s) moved to the trash.` });
    for (const f of pruned?.failed ?? []) el.createDiv({ cls: "lesson-lab-warning", text: `Could not move ${f.path}/ to the trash: ${f.error}` });
  }

  /** "Export as web app" under the results (production/obsidian/export-command.ts, loaded on first use). */
  private renderExportSection(modelFolder: string): void {
    const section = this.resultsEl.createDiv({ cls: "lesson-lab-section lesson-lab-export-section" });
    section.createEl("h4", { text: "Export as web app" });
    const holder = section.createDiv();
    import("../../production/obsidian/export-command")
      .then(({ renderExportControls }) => {
        renderExportControls(holder, this, this.app, this.host, modelFolder);
      })
      .catch((error: unknown) => holder.createDiv({ cls: "lesson-lab-error", text: `Export is not available: ${errorText(error)}` }));
  }

  private renderCleanerButton(folder: string): void {
    const open = this.host.openCleaner;
    if (!open) return;
    const button = new ButtonComponent(this.resultsEl.createDiv({ cls: "lesson-lab-buttons" })).setButtonText("Open cleaner").setClass("lesson-lab-open-cleaner");
    this.onClick(button, () => void open(folder, this.trained.get(folder)));
  }

  /** Shows the model saved for `folder` and its results, when there is one. */
  private async showSavedModel(folder: string): Promise<void> {
    const modelFolder = modelFolderFor(folder);
    if (!(await this.store.exists(`${modelFolder}/metadata.json`))) return;
    let meta: ModelMetadata;
    let warnings: string[];
    try {
      ({ metadata: meta, warnings } = readMetadata(modelFolder, await this.store.readText(`${modelFolder}/metadata.json`)));
    } catch (error) {
      this.modelEl.createDiv({ cls: "lesson-lab-error", text: errorText(error) });
      return;
    }
    if (this.folder !== folder) return;
    this.renderModelInfo(modelFolder, meta.trainedAt, null);
    this.modelEl.createDiv({ cls: "lesson-lab-muted", text: `Backbone ${meta.backbone}; labels: ${meta.labels.join(", ")}.` });
    let results: ResultsData | null = null;
    if (await this.store.exists(`${modelFolder}/results.json`)) {
      results = parseResults(await this.store.readText(`${modelFolder}/results.json`), meta.labels);
      if (!results) warnings.push(`"${modelFolder}/results.json" is damaged or does not match the model's labels; the results from metadata.json are shown.`);
    }
    for (const w of warnings) this.modelEl.createDiv({ cls: "lesson-lab-warning", text: w });
    const epochs = meta.metrics.epochs;
    if (epochs.length > 0 && this.epochTable && this.curveEl) {
      this.epochTable.tableEl.show();
      for (const e of epochs) this.epochTable.add(e);
      renderLossCurve(this.curveEl, epochs);
    }
    const fromMetadata: ResultsData = {
      labels: meta.labels,
      epochs,
      accuracy: meta.metrics.accuracy,
      errorRate: meta.metrics.error_rate,
      trainCount: meta.metrics.train_count,
      validCount: meta.metrics.valid_count,
      confusion: null,
      perClass: [],
      mostConfused: [],
      topLosses: [],
    };
    try {
      renderResults(this.resultsEl, results ?? fromMetadata, this.images);
    } catch (error) {
      // A results.json of the right shape with wrong values: say so and show metadata.json's metrics.
      this.resultsEl.empty();
      this.modelEl.createDiv({ cls: "lesson-lab-warning", text: `"${modelFolder}/results.json" could not be shown (${errorText(error)}); the results from metadata.json are shown.` });
      renderResults(this.resultsEl, fromMetadata, this.images);
    }
    this.renderCleanerButton(folder);
    this.renderExportSection(modelFolder);
  }

  /** Images of the picked dataset (for tests and the cleaner). */
  datasetImages(): string[] {
    return this.scan?.items.map((i) => i.path).filter(isImagePath) ?? [];
  }
}
