// The cleaner's registrations: its pane, commands and the folder menu item. Light: the pane
// module holds no TensorFlow; training and the suspect finder load on first use.
import { FuzzySuggestModal, normalizePath, Notice, TFolder, type App, type Plugin, type WorkspaceLeaf } from "obsidian";
import type { TrainResult } from "../../classifier/pipeline";
import type { ReviewReport } from "./cards";
import { CleanerStore, type DataHost } from "./store";
import { CLEANER_VIEW_TYPE, CleanerView, type CleanerHost } from "./view";
import { errorText } from "../../shared/errors";
import { isAbortError } from "../../shared/abort";

/** Where the pane and commands find the classifier (set by whoever provides it). */
export type CleanerAnalysis = Pick<CleanerHost, "analyse" | "retrain">;

/** Training and the suspect finder, loaded on first use (tfjs stays out of plugin load). */
function defaultAnalysis(plugin: Plugin & DataHost): CleanerAnalysis {
  return {
    analyse: async (folder, progress, signal) => (await import("./analysis")).analyseForCleaner(plugin, folder, progress, signal),
    retrain: async (folder, progress, signal) => (await import("./analysis")).retrainForCleaner(plugin, folder, progress, signal),
  };
}

export class CleanerController {
  readonly host: CleanerHost;

  constructor(
    private readonly plugin: Plugin & DataHost,
    analysis: CleanerAnalysis = defaultAnalysis(plugin),
  ) {
    this.host = { store: new CleanerStore(plugin), reports: new Map(), ...analysis };
  }

  register(): void {
    const { plugin } = this;
    plugin.registerView(CLEANER_VIEW_TYPE, (leaf) => new CleanerView(leaf, this.host));
    plugin.addCommand({
      id: "open-cleaner",
      name: "Open cleaner",
      callback: () => {
        const open = this.view();
        if (open) void plugin.app.workspace.revealLeaf(open.leaf);
        else new DatasetFolderModal(plugin.app, (folder) => void this.open(folder)).open();
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
            .onClick(() => void this.open(file.path)),
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
   * Opens the pane on `folder` (reusing an open one). `given` is either a precomputed report, or
   * a fresh training result of that folder in which the pane finds the suspects without retraining.
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
