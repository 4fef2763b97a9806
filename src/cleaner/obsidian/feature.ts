// The cleaner feature: its pane (a light shell whose content loads on first use), its commands
// and folder menu item, and its key in the plugin data ("cleaner": the pending decisions).
// It gets what it needs from the classifier as ports (a Trainer, a Thumbnails factory), passed
// in by src/plugin.ts.
import { FuzzySuggestModal, normalizePath, Notice, TFolder, type App, type Plugin, type WorkspaceLeaf } from "obsidian";
import type { TrainResult } from "../../classifier/pipeline";
import type { DecisionStore, ThumbnailsFactory, Trainer } from "../ports";
import type { ReviewReport } from "../review-items";
import type { CleanerServices } from "./cleaner-ports";
import { CLEANER_VIEW_TYPE, CleanerView } from "./shell-view";
import type { PluginDataStore } from "../../shared/obsidian/data-store";
import { errorText } from "../../shared/errors";
import { isAbortError } from "../../shared/abort";

/** The cleaner's key in data.json. */
export const CLEANER_KEY = "cleaner";

/** What the cleaner gets from the rest of the plugin. */
export interface CleanerFeaturePorts {
  /** Training in the app; absent when this build cannot train. */
  trainer?: Trainer;
  thumbnails: ThumbnailsFactory;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class CleanerFeature implements CleanerServices {
  readonly reports = new Map<string, ReviewReport>();
  trainer: Trainer | undefined;
  readonly thumbnails: ThumbnailsFactory;
  private store: Promise<DecisionStore> | null = null;
  /** The decisions under the "cleaner" key; the store's code loads on first use. */
  readonly decisions: DecisionStore = {
    book: async (folder) => (await this.decisionStore()).book(folder),
    save: async () => (await this.decisionStore()).save(),
  };

  constructor(
    private readonly plugin: Plugin,
    private readonly data: PluginDataStore,
    ports: CleanerFeaturePorts,
  ) {
    this.trainer = ports.trainer;
    this.thumbnails = ports.thumbnails;
  }

  private decisionStore(): Promise<DecisionStore> {
    this.store ??= import("../decision-store").then(
      ({ PluginDataDecisionStore }) =>
        new PluginDataDecisionStore({
          read: () => this.data.get(CLEANER_KEY),
          update: (change) => this.data.update((d) => ({ ...d, [CLEANER_KEY]: change(isRecord(d[CLEANER_KEY]) ? d[CLEANER_KEY] : {}) })),
        }),
    );
    return this.store;
  }

  /** Registers the pane, the two commands (no default hotkeys) and the folder menu item. */
  register(): void {
    const { plugin } = this;
    // Every failure to open (the pane's engine file cannot load, e.g. offline) is a notice.
    const openCleaner = (folder: string): void => {
      this.open(folder).catch((e: unknown) => {
        if (!isAbortError(e)) new Notice(`Could not open the cleaner: ${errorText(e)}`);
      });
    };
    plugin.registerView(CLEANER_VIEW_TYPE, (leaf) => new CleanerView(leaf, this));
    plugin.addCommand({
      id: "open-cleaner",
      name: "Open cleaner",
      callback: () => {
        const open = this.view();
        if (open) plugin.app.workspace.revealLeaf(open.leaf).catch((e: unknown) => new Notice(`Could not show the cleaner: ${errorText(e)}`));
        else new DatasetFolderModal(plugin.app, openCleaner).open();
      },
    });
    plugin.addCommand({
      id: "undo-cleaner-batch",
      name: "Undo last cleaner batch",
      callback: () => {
        const view = this.view();
        if (!view || !view.getFolder()) {
          new Notice("Open the cleaner on a dataset first.");
          return;
        }
        view.undoLastBatch().catch((e: unknown) => new Notice(`Undo failed: ${errorText(e)}`));
      },
    });
    plugin.registerEvent(
      plugin.app.workspace.on("file-menu", (menu, file) => {
        if (!(file instanceof TFolder)) return;
        menu.addItem((item) =>
          item
            .setTitle("Clean this dataset")
            .setIcon("sparkles")
            .onClick(() => openCleaner(file.path)),
        );
      }),
    );
  }

  /** The open cleaner pane, or null. */
  view(): CleanerView | null {
    for (const leaf of this.plugin.app.workspace.getLeavesOfType(CLEANER_VIEW_TYPE)) {
      if (leaf.view instanceof CleanerView) return leaf.view;
    }
    return null;
  }

  /**
   * Opens the pane on `folderPath` (reusing an open one). `given` is either a precomputed report,
   * or a fresh training result of that folder in which the pane finds the suspects without
   * retraining. Throws when the result is for another folder; null when no pane could be opened.
   */
  async open(folderPath: string, given?: ReviewReport | TrainResult): Promise<CleanerView | null> {
    const folder = normalizePath(folderPath);
    const result = given && "embeddings" in given ? given : undefined;
    const report = given && !("embeddings" in given) ? given : undefined;
    if (result && normalizePath(result.folder) !== normalizePath(folder)) throw new Error(`The training result is for "${result.folder}", not "${folder}".`);
    const { workspace } = this.plugin.app;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(CLEANER_VIEW_TYPE)[0] ?? null;
    if (!leaf) {
      leaf = workspace.getLeaf("tab");
      await leaf.setViewState({ type: CLEANER_VIEW_TYPE, active: true, state: { folder } });
    }
    await workspace.revealLeaf(leaf);
    await leaf.loadIfDeferred();
    const view = leaf.view instanceof CleanerView ? leaf.view : null;
    if (!view) {
      new Notice("Could not open the cleaner pane.");
      return null;
    }
    if (report || view.getFolder() !== folder) await view.show(folder, report);
    if (result) {
      view.analyseResult(result).catch((e: unknown) => {
        if (!isAbortError(e)) new Notice(`Cleaner: ${errorText(e)}`);
      });
    }
    return view;
  }
}

/** Picks a dataset folder: folders with at least two sub-folders (labels). */
class DatasetFolderModal extends FuzzySuggestModal<TFolder> {
  constructor(
    app: App,
    private readonly pick: (folder: string) => void,
  ) {
    super(app);
    this.setPlaceholder("Dataset folder (its sub-folders are the labels)");
  }

  getItems(): TFolder[] {
    return this.app.vault
      .getAllLoadedFiles()
      // Not the vault root: its folders are everything in the vault, not labels.
      .filter((f): f is TFolder => f instanceof TFolder && f.path !== "/" && f.path !== "" && f.children.filter((c) => c instanceof TFolder).length >= 2);
  }

  getItemText(folder: TFolder): string {
    return folder.path;
  }

  onChooseItem(folder: TFolder): void {
    this.pick(folder.path);
  }
}
