// Registers the classifier's view, ribbon icon, commands, menu items and the ```classify block.
// Light: the panel, the modal, tfjs and the backbone are imported inside the handlers.
import { Notice, TFile, TFolder, type Plugin, type WorkspaceLeaf } from "obsidian";
import { isImagePath } from "../dataset";
import type { TrainResult } from "../pipeline";
import type { ClassifierHost } from "../app-ports";
import { normalizeClassifierData, type ClassifierData } from "../panel-settings";
import { CLASSIFIER_VIEW_TYPE, ClassifierShellView } from "./shell-view";
import { classifierWasUsed, markClassifierUsed } from "./used";
import { errorText } from "../../shared/errors";

export const CLASSIFY_LANGUAGE = "classify";

/** The cleaner (another feature) takes a fresh training result so that it need not train again. */
type HostPlugin = Plugin & {
  openCleaner?(folder: string, given?: TrainResult): Promise<void>;
  /** Serialized read-change-write of data.json, shared with the other features. */
  updatePluginData(change: (data: Record<string, unknown>) => Record<string, unknown>): Promise<void>;
};

export function classifierHost(plugin: HostPlugin): ClassifierHost {
  return {
    async loadClassifierData(): Promise<ClassifierData> {
      const raw: unknown = await plugin.loadData();
      return normalizeClassifierData(typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>).classifier : undefined);
    },
    async saveClassifierData(data: ClassifierData): Promise<void> {
      await plugin.updatePluginData((current) => ({ ...current, classifier: data }));
    },
    pluginDir: () => plugin.manifest.dir ?? `${plugin.app.vault.configDir}/plugins/${plugin.manifest.id}`,
    openCleaner: typeof plugin.openCleaner === "function" ? (folder: string, result?: TrainResult) => plugin.openCleaner!(folder, result) : undefined,
  };
}

/** Opens (or reveals) the classifier panel in the right sidebar, showing `folder` when given. */
export async function openClassifierPanel(plugin: Plugin, folder?: string): Promise<ClassifierShellView | null> {
  const { workspace } = plugin.app;
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

function isImage(file: unknown): file is TFile {
  return file instanceof TFile && isImagePath(file.path);
}

async function classifyWithModal(plugin: Plugin, host: ClassifierHost, file: TFile): Promise<void> {
  markClassifierUsed();
  const { ClassifyModal } = await import("./classify");
  new ClassifyModal(plugin.app, host, file).open();
}

async function exportWithModal(plugin: Plugin, host: ClassifierHost, modelFolder: string): Promise<void> {
  const { ExportWebAppModal } = await import("../../production/obsidian/export-command");
  new ExportWebAppModal(plugin.app, host, modelFolder).open();
}

export function registerClassifier(plugin: HostPlugin): void {
  const host = classifierHost(plugin);
  const fail = (what: string) => (e: unknown) => new Notice(`${what}: ${errorText(e)}`);

  plugin.registerView(CLASSIFIER_VIEW_TYPE, (leaf) => new ClassifierShellView(leaf, host));
  plugin.register(() => {
    // Only when the classifier was used: otherwise unloading never evaluates its modules.
    if (!classifierWasUsed()) return;
    // (When its engine files never loaded, e.g. offline, there is nothing to free.)
    Promise.all([import("../browser/app-runtime"), import("./classify")])
      .then(([runtime, classify]) => {
        classify.disposeModels();
        runtime.disposeRuntimes();
      })
      .catch(() => undefined);
  });
  plugin.addRibbonIcon("brain-circuit", "Open classifier panel", () => {
    openClassifierPanel(plugin).catch(fail("Could not open the classifier panel"));
  });
  plugin.addCommand({
    id: "open-classifier-panel",
    name: "Open classifier panel",
    callback: () => {
      openClassifierPanel(plugin).catch(fail("Could not open the classifier panel"));
    },
  });
  plugin.addCommand({
    id: "classify-image",
    name: "Classify image",
    checkCallback: (checking) => {
      const file = plugin.app.workspace.getActiveFile();
      if (!isImage(file)) return false;
      if (!checking) classifyWithModal(plugin, host, file).catch(fail("Could not classify"));
      return true;
    },
  });
  plugin.registerEvent(
    plugin.app.workspace.on("file-menu", (menu, file) => {
      if (file instanceof TFolder && file.path.endsWith(".model") && file.children.some((c) => c.name === "metadata.json")) {
        menu.addItem((item) =>
          item
            .setTitle("Export as web app")
            .setIcon("globe")
            .onClick(() => {
              exportWithModal(plugin, host, file.path).catch(fail("Could not export"));
            }),
        );
      }
      if (file instanceof TFolder && file.path !== "/" && file.path !== "") {
        menu.addItem((item) =>
          item
            .setTitle("Train a classifier on this folder")
            .setIcon("brain-circuit")
            .onClick(() => {
              openClassifierPanel(plugin, file.path).catch(fail("Could not open the classifier panel"));
            }),
        );
      } else if (isImage(file)) {
        menu.addItem((item) =>
          item
            .setTitle("Classify image")
            .setIcon("brain-circuit")
            .onClick(() => {
              classifyWithModal(plugin, host, file).catch(fail("Could not classify"));
            }),
        );
      }
    }),
  );
  plugin.registerMarkdownCodeBlockProcessor(CLASSIFY_LANGUAGE, async (source, el, ctx) => {
    markClassifierUsed();
    const { renderClassifyBlock } = await import("./classify");
    await renderClassifyBlock(plugin.app, host, source, el, ctx.sourcePath);
  });
}
