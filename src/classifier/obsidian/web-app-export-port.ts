// What the classifier's room needs from the production room's web-app export: the port
// src/plugin.ts passes in (it loads production/obsidian/export-command.ts on first use), so that
// no classifier module imports another feature's obsidian/ folder.
import type { App, Component } from "obsidian";
import type { ClassifierHost } from "../app-ports";

/** The web-app export, as the classifier's panel and file menu use it. */
export interface WebAppExport {
  /** Renders the export controls for `modelFolder` (vault path of a `.model` folder) into `parent`; their listeners live as long as `owner`. */
  renderExportControls: (parent: HTMLElement, owner: Component, app: App, host: ClassifierHost, modelFolder: string) => unknown;
  /** The export dialog the model folder's file menu opens. */
  ExportWebAppModal: new (app: App, host: ClassifierHost, modelFolder: string) => { open(): void };
}

/** Loads the web-app export on first use; rejects when its module cannot load. */
export type LoadWebAppExport = () => Promise<WebAppExport>;
