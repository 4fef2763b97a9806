// "Export as web app" in Obsidian: the model folder's file menu (a modal) and the classifier
// panel's results (inline). Writes the exported web app into a vault folder the user picks
// (default "<dataset> web app/") through the Vault API, so the files appear in the file explorer;
// an earlier export's files are replaced (vault.process) only when the user says so, and nothing
// else in the folder is touched. Loaded lazily (dynamic import) on first use.
import { Component, Modal, normalizePath, requestUrl, Setting, TFile, TFolder, type App } from "obsidian";
import type { ClassifierHost } from "../../classifier/app-ports";
import { createVaultStore } from "../../shared/obsidian/vault-store";
import { ExportError, readModelBundle } from "../bundle";
import { webAppFiles, writeWebApp, type ExportTarget, type WriteResult } from "../web-app";
import { engineManifest, readEngineAsset } from "../../engine/assets";
import { errorText } from "../../shared/errors";

/**
 * The built web-app script shipped beside main.js (npm run build → web-app.js). A built main.js
 * lists it among its engine files, in its own group: read, checked against its SHA-256, and
 * downloaded from the release when missing (a store install) on the first export only, not with
 * the classifier's engine (src/engine/assets.ts).
 */
export const WEB_APP_RUNTIME = "web-app.js";

export interface ExportResult extends WriteResult {
  folder: string;
  index: string;
}

/** "Pets.model" → "Pets web app"; "a/b/Pets.model" → "a/b/Pets web app". */
export function defaultExportFolder(modelFolder: string): string {
  const f = normalizePath(modelFolder).replace(/\.model$/, "");
  return `${f} web app`;
}

/** A vault folder path the user typed, normalised; throws ExportError for anything outside the vault's notes. */
export function checkExportFolder(app: App, folder: string): string {
  const raw = folder.trim().replace(/\\/g, "/");
  if (raw === "" || raw === "/") throw new ExportError("Name a folder in the vault to write the web app into.");
  if (raw.split("/").some((p) => p === ".." || p === ".")) throw new ExportError(`"${folder}" must be a folder inside the vault, without "." or "..".`);
  if (/^[A-Za-z]:/.test(raw) || raw.startsWith("//")) throw new ExportError(`"${folder}" must be a vault folder, not a path on disk.`);
  const path = normalizePath(raw);
  const config = normalizePath(app.vault.configDir);
  if (path === config || path.startsWith(`${config}/`) || path.split("/").some((p) => p.startsWith("."))) {
    throw new ExportError(`"${path}" is hidden (a dot folder); pick a folder that shows in the file explorer.`);
  }
  return path;
}

/** An ExportTarget over a vault folder, through the Vault API only. */
export function vaultExportTarget(app: App, folder: string): ExportTarget {
  const { vault } = app;
  const node = (): TFolder | TFile | null => {
    const f = vault.getAbstractFileByPath(folder);
    return f instanceof TFolder || f instanceof TFile ? f : null;
  };
  const ensure = async (path: string): Promise<void> => {
    if (path === "" || vault.getAbstractFileByPath(path) instanceof TFolder) return;
    const slash = path.lastIndexOf("/");
    if (slash > 0) await ensure(path.slice(0, slash));
    if (vault.getAbstractFileByPath(path)) throw new ExportError(`"${path}" is a file, not a folder.`);
    await vault.createFolder(path);
  };
  return {
    where: `"${folder}"`,
    async list() {
      const f = node();
      if (f === null) return null;
      if (f instanceof TFile) throw new ExportError(`"${folder}" is a file, not a folder; pick a folder.`);
      return f.children.map((c) => c.name);
    },
    mkdir: () => ensure(folder),
    isFolder: async (name) => vault.getAbstractFileByPath(`${folder}/${name}`) instanceof TFolder,
    async write(name, text, replace) {
      const path = normalizePath(`${folder}/${name}`);
      const existing = vault.getAbstractFileByPath(path);
      if (existing instanceof TFile) {
        if (!replace) throw new ExportError(`"${path}" already exists; it is left untouched.`);
        await vault.process(existing, () => text);
        return;
      }
      if (existing) throw new ExportError(`"${path}" is a folder; it is left untouched.`);
      await vault.create(path, text);
    },
  };
}

/** Exports the model in `modelFolder` into the vault folder `folder`. Throws ExportError (and others) with messages for the user. */
export async function exportWebApp(app: App, host: ClassifierHost, modelFolder: string, folder: string, options: { force?: boolean } = {}): Promise<ExportResult> {
  const target = checkExportFolder(app, folder);
  const store = createVaultStore(app);
  const runtime = await readWebAppRuntime(app, host);
  const vaultTarget = vaultExportTarget(app, target);
  // A folder that is not empty is refused before the slow part, unless replacing was asked for.
  const existing = await vaultTarget.list();
  if (existing && existing.length > 0 && !options.force) await writeWebApp(vaultTarget, [], { force: false });
  const bundle = await readModelBundle(store, modelFolder, {
    modelsDir: `${host.pluginDir()}/models`,
    fetchBinary: async (url) => (await requestUrl({ url, throw: true })).arrayBuffer,
  });
  const result = await writeWebApp(vaultTarget, webAppFiles(bundle, runtime), { force: options.force });
  return { ...result, folder: target, index: `${target}/index.html` };
}

/** web-app.js's text: an engine file in a built plugin, else (from the sources) the file in the plugin's folder. */
async function readWebAppRuntime(app: App, host: ClassifierHost): Promise<string> {
  if (engineManifest()?.files.some((f) => f.name === WEB_APP_RUNTIME)) {
    return new TextDecoder().decode(await readEngineAsset(WEB_APP_RUNTIME));
  }
  const runtimePath = normalizePath(`${host.pluginDir()}/${WEB_APP_RUNTIME}`);
  if (!(await app.vault.adapter.exists(runtimePath))) {
    throw new ExportError(`${runtimePath} is missing: it ships with the plugin beside main.js (npm run build makes it). Reinstall the plugin, or use \`lesson-lab export\`.`);
  }
  return app.vault.adapter.read(runtimePath);
}

function message(error: unknown): string {
  return errorText(error);
}

/**
 * The export controls: the folder (default "<dataset> web app"), "Replace an earlier export",
 * and the Export button; the outcome is shown under them (and handed to `onDone`).
 */
export function renderExportControls(
  parent: HTMLElement,
  owner: Component,
  app: App,
  host: ClassifierHost,
  modelFolder: string,
  onDone?: (result: ExportResult) => void,
): HTMLElement {
  const box = parent.createDiv({ cls: "lesson-lab-export" });
  let readFolder = (): string => defaultExportFolder(modelFolder);
  let force = false;
  new Setting(box)
    .setName("Web app folder")
    .setDesc("A folder in the vault for a web page that runs this model in any browser, offline. A guide inside it says how to share it online.")
    .addText((t) => {
      t.setValue(readFolder());
      t.inputEl.addClass("lesson-lab-export-folder");
      readFolder = () => t.inputEl.value;
    });
  new Setting(box)
    .setName("Replace an earlier export")
    .setDesc("Overwrites only the files an export writes; anything else in the folder stays.")
    .addToggle((t) => t.setValue(false).onChange((v) => (force = v)));
  const status = box.createDiv({ cls: "lesson-lab-export-status" });
  let busy = false;
  new Setting(box).addButton((b) => {
    b.setButtonText("Export as web app").setCta();
    // Through the owner's registerDomEvent: removed with the panel or the modal.
    owner.registerDomEvent(b.buttonEl, "click", () => {
        if (busy) return;
        busy = true;
        b.setDisabled(true);
        status.empty();
        status.createDiv({ cls: "lesson-lab-muted", text: "Exporting…" });
        exportWebApp(app, host, modelFolder, readFolder(), { force })
          .then((result) => {
            status.empty();
            const where = status.createDiv({ cls: "lesson-lab-export-where" });
            where.createSpan({ text: "Web app written to " });
            where.createEl("code", { text: result.index });
            where.createSpan({ text: result.replaced.length > 0 ? ` (${result.replaced.length} files of an earlier export replaced).` : "." });
            status.createDiv({ cls: "lesson-lab-muted", text: "Open it from your file manager in any browser; its README.md says how to put it on a Hugging Face Space." });
            onDone?.(result);
          })
          .catch((error: unknown) => {
            status.empty();
            status.createDiv({ cls: "lesson-lab-error", text: `Not exported: ${message(error)}` });
          })
          .finally(() => {
            busy = false;
            b.setDisabled(false);
          });
    });
    b.buttonEl.addClass("lesson-lab-export-button");
  });
  return box;
}

/** The modal the model folder's file menu opens. */
export class ExportWebAppModal extends Modal {
  constructor(
    app: App,
    private readonly host: ClassifierHost,
    private readonly modelFolder: string,
  ) {
    super(app);
  }

  private owner: Component | null = null;

  override onOpen(): void {
    this.titleEl.setText(`Export ${this.modelFolder} as web app`);
    this.owner = new Component();
    this.owner.load();
    renderExportControls(this.contentEl, this.owner, this.app, this.host, this.modelFolder);
  }

  override onClose(): void {
    this.owner?.unload();
    this.owner = null;
    this.contentEl.empty();
  }
}
