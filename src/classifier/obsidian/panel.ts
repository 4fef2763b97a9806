// The classifier panel: pick a dataset folder, see its labels and problems at once, set the
// training options (remembered per folder), train with live progress, an epoch table and a loss
// curve, cancel, and read the results. Form and rendering only: training goes through the
// training service (training-service.ts). Loaded lazily by the shell view (shell-view.ts).
import { ButtonComponent, Component, Notice, Setting, TextComponent, TFile, type App } from "obsidian";
import { modelFolderFor, normalizeFolder, scanDataset, type DatasetScan } from "../dataset";
import { readMetadata, type ModelMetadata } from "../model-io";
import type { TrainResult } from "../pipeline";
import { isAbortError } from "../../shared/abort";
import { currentBackend, mainSlicer } from "../browser/app-runtime";
import type { ClassifierHost } from "../app-ports";
import { PANEL_DEFAULTS } from "../panel-settings";
import { findUnreadable } from "../precheck";
import { parseResults, RESULTS_FILE, resultsDataOf, type ResultsData } from "../results-file";
import { renderGallery, renderResults, type ImageHost } from "./results-view";
import { Thumbnailer } from "../browser/thumbnails";
import type { VaultStore } from "../../shared/obsidian/vault-store";
import { errorText } from "../../shared/errors";
import { FolderSuggest } from "./folder-suggest";
import { TrainingSettingsForm } from "./settings-form";
import { TrainingProgressView } from "./training-progress";
import { TrainingService, type InAppTrainResult } from "./training-service";
import type { LoadWebAppExport } from "./web-app-export-port";

/** Images shown per label in the dataset overview strips. */
const STRIP = 8;

/** The classifier panel, a child component of the shell view. */
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
  private form: TrainingSettingsForm | null = null;
  private progress: TrainingProgressView | null = null;
  private readonly training: TrainingService;
  /** Warnings and unreadable files the dataset overview already lists: training does not list them again. */
  private readonly shownProblems = new Set<string>();
  /** This session's training result per folder, handed to the cleaner. */
  private readonly trained = new Map<string, TrainResult>();

  constructor(
    private readonly app: App,
    container: HTMLElement,
    private readonly host: ClassifierHost,
    /** The web-app export (src/plugin.ts's port); absent: no export section. */
    private readonly webAppExport?: LoadWebAppExport,
  ) {
    super();
    this.training = new TrainingService(app, host);
    this.store = this.training.store;
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
    this.form = new TrainingSettingsForm(this.settingsEl, data.perFolder[folder] ?? { ...PANEL_DEFAULTS }, this);
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

  private renderTrain(canTrain: boolean): void {
    this.progress = new TrainingProgressView(this.trainEl, this, canTrain, { onTrain: () => void this.train(), onCancel: () => this.running?.abort() });
  }

  /** Trains on the picked folder with the form's settings (remembered for the folder first). */
  async train(): Promise<void> {
    if (this.running || !this.form || !this.folder || !this.scan || this.scan.error) return;
    const settings = this.form.read();
    if (!settings) return;
    const folder = this.folder;
    await this.host.updateClassifierData((data) => ({ ...data, perFolder: { ...data.perFolder, [folder]: settings } }));

    const controller = new AbortController();
    this.running = controller;
    this.resultsEl.empty();
    this.renderTrain(true);
    const progress = this.progress!;
    progress.setRunning(true);
    this.rootEl.addClass("is-training");
    progress.setProgress(null, "Loading the backbone…");
    try {
      const result = await this.training.train(folder, {
        settings,
        signal: controller.signal,
        onBackend: (backend) => this.showBackend(backend),
        onProgress: (p) => progress.show(p),
      });
      this.finish(folder, result, progress);
    } catch (error) {
      if (isAbortError(error) || controller.signal.aborted) {
        progress.setProgress(null, "Cancelled: no model was saved.");
      } else {
        progress.setProgress(null, "");
        this.trainEl.createDiv({ cls: "lesson-lab-error", text: `Training failed: ${errorText(error)}` });
      }
    } finally {
      this.running = null;
      this.rootEl.removeClass("is-training");
      progress.setRunning(false);
    }
  }

  private finish(folder: string, result: InAppTrainResult, progress: TrainingProgressView): void {
    if (result.error) {
      progress.setProgress(null, "");
      this.trainEl.createDiv({ cls: "lesson-lab-error", text: `Not trained: ${result.error}.` });
      return;
    }
    const secs = result.seconds.total.toFixed(1);
    progress.setProgress(null, `Trained in ${secs} s: ${result.embedded} images embedded, ${result.cached} from the cache.`);
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
    this.trained.set(folder, result);
    if (result.model) this.renderModelInfo(result.model.folder, new Date().toISOString(), result.model.previous, result.pruned?.trashed.length ?? 0);
    renderResults(this.resultsEl, resultsDataOf(result), this.images);
    this.renderCleanerButton(folder);
    if (result.model) this.renderExportSection(result.model.folder);
  }

  private renderModelInfo(modelFolder: string, trainedAt: string, previous: string | null, trashed = 0): void {
    const el = this.modelEl;
    el.empty();
    el.createEl("h4", { text: "Model" });
    const line = el.createDiv({ cls: "lesson-lab-model-info" });
    line.createSpan({ text: "Saved in " });
    line.createEl("code", { text: `${modelFolder}/` });
    const when = new Date(trainedAt);
    line.createSpan({ text: ` on ${Number.isNaN(when.getTime()) ? trainedAt : when.toLocaleString()}` });
    if (previous) el.createDiv({ cls: "lesson-lab-muted", text: `The model trained before was kept as ${previous}/.` });
    if (trashed > 0) el.createDiv({ cls: "lesson-lab-muted", text: `${trashed} older model folder(s) moved to the trash.` });
  }

  /** "Export as web app" under the results (the web-app export port, loaded on first use). */
  private renderExportSection(modelFolder: string): void {
    const load = this.webAppExport;
    if (!load) return;
    const section = this.resultsEl.createDiv({ cls: "lesson-lab-section lesson-lab-export-section" });
    section.createEl("h4", { text: "Export as web app" });
    const holder = section.createDiv();
    load()
      .then(({ renderExportControls }) => {
        renderExportControls(holder, this, this.app, this.host, modelFolder);
      })
      .catch((error: unknown) => holder.createDiv({ cls: "lesson-lab-error", text: `Export is not available: ${errorText(error)}` }));
  }

  private renderCleanerButton(folder: string): void {
    const open = this.host.openCleaner;
    if (!open) return;
    const button = new ButtonComponent(this.resultsEl.createDiv({ cls: "lesson-lab-buttons" })).setButtonText("Open cleaner").setClass("lesson-lab-open-cleaner");
    this.onClick(button, () => {
      Promise.resolve(open(folder, this.trained.get(folder))).catch((e: unknown) => new Notice(`Could not open the cleaner: ${errorText(e)}`));
    });
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
    if (await this.store.exists(`${modelFolder}/${RESULTS_FILE}`)) {
      results = parseResults(await this.store.readText(`${modelFolder}/${RESULTS_FILE}`), meta.labels);
      if (!results) warnings.push(`"${modelFolder}/${RESULTS_FILE}" is damaged or does not match the model's labels; the results from metadata.json are shown.`);
    }
    for (const w of warnings) this.modelEl.createDiv({ cls: "lesson-lab-warning", text: w });
    const epochs = meta.metrics.epochs;
    this.progress?.addEpochs(epochs);
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
      this.modelEl.createDiv({ cls: "lesson-lab-warning", text: `"${modelFolder}/${RESULTS_FILE}" could not be shown (${errorText(error)}); the results from metadata.json are shown.` });
      renderResults(this.resultsEl, fromMetadata, this.images);
    }
    this.renderCleanerButton(folder);
    this.renderExportSection(modelFolder);
  }
}
