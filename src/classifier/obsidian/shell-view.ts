// The classifier panel's view as registered at plugin load: a light shell. The panel itself
// (and through it tfjs and the backbone) is imported only when the view opens.
import { ButtonComponent, ItemView, type ViewStateResult, type WorkspaceLeaf } from "obsidian";
import type { ClassifierHost } from "../app-ports";
import type { ClassifierPanel } from "./panel";
import type { LoadWebAppExport } from "./web-app-export-port";
import { errorText } from "../../shared/errors";

export const CLASSIFIER_VIEW_TYPE = "lesson-lab-classifier";

export class ClassifierShellView extends ItemView {
  private panel: ClassifierPanel | null = null;
  private folder = "";

  constructor(
    leaf: WorkspaceLeaf,
    private readonly host: ClassifierHost,
    /** Told when the view loads the classifier's code (the feature frees tfjs memory at unload only then). */
    private readonly onUse: () => void = () => undefined,
    /** The web-app export port (src/plugin.ts), for the panel's "Export as web app". */
    private readonly webAppExport?: LoadWebAppExport,
  ) {
    super(leaf);
  }

  override getViewType(): string {
    return CLASSIFIER_VIEW_TYPE;
  }

  override getDisplayText(): string {
    return "Image classifier";
  }

  override getIcon(): string {
    return "brain-circuit";
  }

  override async onOpen(): Promise<void> {
    this.onUse();
    // The panel's code is an engine file of the plugin, read (or downloaded once) on first use.
    this.contentEl.empty();
    this.contentEl.createDiv({ cls: "lesson-lab-muted", text: "Loading the classifier…" });
    let ClassifierPanel: typeof import("./panel").ClassifierPanel;
    try {
      ({ ClassifierPanel } = await import("./panel"));
    } catch (e) {
      this.showLoadError(e);
      return;
    }
    this.contentEl.empty();
    this.panel = new ClassifierPanel(this.app, this.contentEl, this.host, this.webAppExport);
    this.addChild(this.panel);
    if (this.folder) await this.panel.pickFolder(this.folder);
  }

  /** Why the panel could not load (e.g. offline on first use), and a button to try again. */
  private showLoadError(e: unknown): void {
    this.contentEl.empty();
    this.contentEl.createDiv({ cls: "lesson-lab-error", text: `The classifier could not be loaded: ${errorText(e)}` });
    const retry = new ButtonComponent(this.contentEl.createDiv()).setButtonText("Try again");
    this.registerDomEvent(retry.buttonEl, "click", () => void this.onOpen());
  }

  override async onClose(): Promise<void> {
    if (this.panel) this.removeChild(this.panel);
    this.panel = null;
    await Promise.resolve();
  }

  override getState(): Record<string, unknown> {
    return { ...super.getState(), folder: this.folder };
  }

  override async setState(state: unknown, result: ViewStateResult): Promise<void> {
    const folder = typeof state === "object" && state !== null ? (state as { folder?: unknown }).folder : undefined;
    if (typeof folder === "string" && folder !== this.folder) {
      this.folder = folder;
      await this.panel?.pickFolder(folder);
    }
    await super.setState(state, result);
  }

  /** The loaded panel (for the commands and tests); null before onOpen finished. */
  getPanel(): ClassifierPanel | null {
    return this.panel;
  }

  /** Shows `folder` (opening the panel first if needed). */
  async showFolder(folder: string): Promise<void> {
    this.folder = folder;
    await this.panel?.pickFolder(folder);
  }
}
