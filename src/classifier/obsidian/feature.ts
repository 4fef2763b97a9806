// The classifier's room in the app: its view (a light shell, shell-view.ts), ribbon icon,
// commands, file-menu items, the ```classify block, unload cleanup, and its key of data.json
// ("classifier"). Light: the panel, the modal, the training service, tfjs and the backbone are
// imported inside the handlers. The cleaner is reached only through the port src/plugin.ts
// passes in.
import { Notice, TFile, TFolder, type Plugin, type WorkspaceLeaf } from "obsidian";
import type { ClassifierHost } from "../app-ports";
import { isImagePath } from "../image-files";
import { normalizeClassifierData } from "../panel-settings";
import type { TrainResult } from "../pipeline";
import { errorText } from "../../shared/errors";
import { CLASSIFIER_VIEW_TYPE, ClassifierShellView } from "./shell-view";
import type { InAppTrainResult, TrainRequest } from "./training-service";
import type { LoadWebAppExport } from "./web-app-export-port";

export const CLASSIFY_LANGUAGE = "classify";
/** The classifier's key of data.json. */
export const CLASSIFIER_KEY = "classifier";

/** The part of the plugin's data store (shared/obsidian/data-store.ts) the classifier uses: its own key. */
export interface ClassifierDataStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  update(change: (data: Record<string, unknown>) => Record<string, unknown>): Promise<void>;
}

/** What the classifier needs from the rest of the plugin; src/plugin.ts passes these in. */
export interface ClassifierPorts {
  /** Opens the cleaner on a dataset folder, with this session's training result when there is one. */
  openCleaner?: (folder: string, result?: TrainResult) => Promise<void> | void;
  /** The production room's web-app export, loaded on first use; absent: no "Export as web app". */
  webAppExport?: LoadWebAppExport;
}

/** What the feature reads from the plugin: the app, its manifest (for its folder) and the data store. */
export type ClassifierPlugin = Pick<Plugin, "app" | "manifest"> & { data: ClassifierDataStore };

/** The classifier's view of the plugin (app-ports.ts): its data key through the store, its folder, the cleaner port. */
export function classifierHost(plugin: ClassifierPlugin, ports: ClassifierPorts = {}): ClassifierHost {
  return {
    loadClassifierData: async () => normalizeClassifierData(await plugin.data.get(CLASSIFIER_KEY)),
    saveClassifierData: (data) => plugin.data.set(CLASSIFIER_KEY, data),
    updateClassifierData: (change) => plugin.data.update((d) => ({ ...d, [CLASSIFIER_KEY]: change(normalizeClassifierData(d[CLASSIFIER_KEY])) })),
    pluginDir: () => plugin.manifest.dir ?? `${plugin.app.vault.configDir}/plugins/${plugin.manifest.id}`,
    openCleaner: ports.openCleaner,
  };
}

function isImage(file: unknown): file is TFile {
  return file instanceof TFile && isImagePath(file.path);
}

/** Registers and runs the classifier's parts of the plugin. */
export class ClassifierFeature {
  readonly host: ClassifierHost;
  private readonly webAppExport: LoadWebAppExport | undefined;
  /** Whether a classifier module was loaded in this session: unloading frees tfjs memory only then, and never evaluates the classifier just to unload it. */
  private used = false;

  constructor(
    private readonly plugin: Plugin,
    data: ClassifierDataStore,
    ports: ClassifierPorts = {},
  ) {
    this.host = classifierHost({ app: plugin.app, manifest: plugin.manifest, data }, ports);
    this.webAppExport = ports.webAppExport;
  }

  /**
   * The in-app training service (training-service.ts, loaded on first use), for other features:
   * trains on a dataset folder with its remembered panel settings, saves the model, results.json,
   * the last model, and trashes older models. Errors: see TrainingService.train.
   */
  readonly trainer = {
    train: async (folder: string, request?: TrainRequest): Promise<InAppTrainResult> => {
      this.used = true;
      const { TrainingService } = await import("./training-service");
      return new TrainingService(this.plugin.app, this.host).train(folder, request);
    },
  };

  /** Registers the view, ribbon icon, commands, menus, the classify block and the unload cleanup. */
  register(): void {
    const { plugin, host } = this;
    const fail = (what: string) => (e: unknown) => new Notice(`${what}: ${errorText(e)}`);
    const openPanel = (folder?: string): void => {
      this.openPanel(folder).catch(fail("Could not open the classifier panel"));
    };

    plugin.registerView(CLASSIFIER_VIEW_TYPE, (leaf) => new ClassifierShellView(leaf, host, () => (this.used = true), this.webAppExport));
    plugin.register(() => this.unload());
    plugin.addRibbonIcon("brain-circuit", "Open classifier panel", () => openPanel());
    plugin.addCommand({ id: "open-classifier-panel", name: "Open classifier panel", callback: () => openPanel() });
    plugin.addCommand({
      id: "classify-image",
      name: "Classify image",
      checkCallback: (checking) => {
        const file = plugin.app.workspace.getActiveFile();
        if (!isImage(file)) return false;
        if (!checking) this.classifyWithModal(file).catch(fail("Could not classify"));
        return true;
      },
    });
    plugin.registerEvent(
      plugin.app.workspace.on("file-menu", (menu, file) => {
        if (this.webAppExport && file instanceof TFolder && file.path.endsWith(".model") && file.children.some((c) => c.name === "metadata.json")) {
          menu.addItem((item) =>
            item
              .setTitle("Export as web app")
              .setIcon("globe")
              .onClick(() => {
                this.exportWithModal(file.path).catch(fail("Could not export"));
              }),
          );
        }
        if (file instanceof TFolder && file.path !== "/" && file.path !== "") {
          menu.addItem((item) =>
            item
              .setTitle("Train a classifier on this folder")
              .setIcon("brain-circuit")
              .onClick(() => openPanel(file.path)),
          );
        } else if (isImage(file)) {
          menu.addItem((item) =>
            item
              .setTitle("Classify image")
              .setIcon("brain-circuit")
              .onClick(() => {
                this.classifyWithModal(file).catch(fail("Could not classify"));
              }),
          );
        }
      }),
    );
    plugin.registerMarkdownCodeBlockProcessor(CLASSIFY_LANGUAGE, async (source, el, ctx) => {
      this.used = true;
      const { renderClassifyBlock } = await import("./classify");
      await renderClassifyBlock(plugin.app, host, source, el, ctx.sourcePath);
    });
  }

  /** Opens (or reveals) the classifier panel in the right sidebar, showing `folder` when given; null when no leaf could be made. */
  async openPanel(folder?: string): Promise<ClassifierShellView | null> {
    const { workspace } = this.plugin.app;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(CLASSIFIER_VIEW_TYPE)[0] ?? null;
    if (!leaf) {
      leaf = workspace.getRightLeaf(false);
      if (!leaf) return null;
      await leaf.setViewState({ type: CLASSIFIER_VIEW_TYPE, active: true, state: folder ? { folder } : {} });
    } else if (folder !== undefined && leaf.view instanceof ClassifierShellView) {
      await leaf.view.showFolder(folder);
    }
    await workspace.revealLeaf(leaf);
    return leaf.view instanceof ClassifierShellView ? leaf.view : null;
  }

  private async classifyWithModal(file: TFile): Promise<void> {
    this.used = true;
    const { ClassifyModal } = await import("./classify");
    new ClassifyModal(this.plugin.app, this.host, file).open();
  }

  private async exportWithModal(modelFolder: string): Promise<void> {
    if (!this.webAppExport) return;
    const { ExportWebAppModal } = await this.webAppExport();
    new ExportWebAppModal(this.plugin.app, this.host, modelFolder).open();
  }

  /** Plugin unload: frees the classify models and the backbones, when the classifier was used. */
  private unload(): void {
    if (!this.used) return;
    // (When its engine files never loaded, e.g. offline, there is nothing to free.)
    Promise.all([import("../browser/app-runtime"), import("./classify")])
      .then(([runtime, classify]) => {
        classify.disposeModels();
        runtime.disposeRuntimes();
      })
      .catch(() => undefined);
  }
}
