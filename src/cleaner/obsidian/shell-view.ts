// The cleaner pane as registered at plugin load: a light shell. The pane's content (pane.ts:
// the grid, the session, the apply dialog and the file operations) is imported only when the
// pane is first shown, so none of it is in main.js.
import { ButtonComponent, ItemView, Notice, type ViewStateResult, type WorkspaceLeaf } from "obsidian";
import type { TrainResult } from "../../classifier/pipeline";
import type { AppliedBatch } from "../batch-types";
import type { ReviewReport } from "../review-items";
import type { CleanerServices } from "./cleaner-ports";
import type { CleanerPane } from "./pane";
import { errorText } from "../../shared/errors";
import { AbortError, isAbortError } from "../../shared/abort";

export const CLEANER_VIEW_TYPE = "lesson-lab-cleaner";

export class CleanerView extends ItemView {
  /** The folder asked for before the content loaded. */
  private folder = "";
  private loading: Promise<CleanerPane> | null = null;
  private loaded: CleanerPane | null = null;
  /** Set when the view closes: a pane still loading then is dropped, never loaded or registered. */
  private closed = false;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly services: CleanerServices,
  ) {
    super(leaf);
  }

  override getViewType(): string {
    return CLEANER_VIEW_TYPE;
  }

  override getDisplayText(): string {
    const folder = this.getFolder();
    return folder ? `Cleaner: ${folder}` : "Cleaner";
  }

  override getIcon(): string {
    return "sparkles";
  }

  override getState(): Record<string, unknown> {
    return { ...super.getState(), folder: this.getFolder() };
  }

  override async setState(state: unknown, result: ViewStateResult): Promise<void> {
    const folder = typeof state === "object" && state !== null ? (state as { folder?: unknown }).folder : undefined;
    if (typeof folder === "string" && folder !== this.getFolder()) await this.show(folder);
    await super.setState(state, result);
  }

  override async onOpen(): Promise<void> {
    this.closed = false;
    try {
      await this.pane();
    } catch (e) {
      if (!isAbortError(e)) this.showLoadError(e);
    }
  }

  override async onClose(): Promise<void> {
    this.closed = true;
    const pane = this.loaded;
    this.loaded = null;
    this.loading = null;
    if (pane) this.removeChild(pane);
    // The decisions' store loads on first use too: when it cannot (offline), say so; never reject.
    try {
      await this.services.decisions.save();
    } catch (e) {
      new Notice(`Could not save the cleaner's decisions: ${errorText(e)}`);
    }
  }

  /** Rejects with an AbortError when the view closed while the pane was loading. */
  private throwIfClosed(): void {
    if (this.closed) throw new AbortError("The cleaner pane was closed while it loaded.");
  }

  /** The dataset folder shown ("" when none). */
  getFolder(): string {
    return this.loaded?.getFolder() || this.folder;
  }

  /** The pane's content, loaded on first use (an engine file of the plugin, read or downloaded once). */
  pane(): Promise<CleanerPane> {
    this.loading ??= this.loadPane().catch((e: unknown) => {
      this.loading = null;
      throw e;
    });
    return this.loading;
  }

  private async loadPane(): Promise<CleanerPane> {
    this.contentEl.empty();
    this.contentEl.createDiv({ cls: "lesson-lab-muted", text: "Loading the cleaner…" });
    const { CleanerPane } = await import("./pane");
    this.throwIfClosed();
    const pane = new CleanerPane(this.app, this.contentEl, this.services);
    await pane.loadThumbnails();
    // Closed meanwhile: the pane is dropped before it registers any listener (pane.onload).
    this.throwIfClosed();
    this.addChild(pane);
    pane.load();
    this.loaded = pane;
    if (this.folder) await pane.show(this.folder);
    return pane;
  }

  /** Why the pane could not load (e.g. offline on first use), and a button to try again. */
  private showLoadError(e: unknown): void {
    this.contentEl.empty();
    this.contentEl.createDiv({ cls: "lesson-lab-error", text: `The cleaner could not be loaded: ${errorText(e)}` });
    const retry = new ButtonComponent(this.contentEl.createDiv()).setButtonText("Try again");
    this.registerDomEvent(retry.buttonEl, "click", () => void this.onOpen());
  }

  /** Shows `folder`; `report` replaces the suspects held for it (none: the last ones this session). */
  async show(folder: string, report?: ReviewReport): Promise<void> {
    this.folder = folder;
    const pane = await this.pane();
    if (report || pane.getFolder() !== folder) await pane.show(folder, report);
  }

  /** Finds the suspects in a fresh training result (the classifier panel's): nothing is retrained. */
  async analyseResult(result: TrainResult): Promise<void> {
    await (await this.pane()).analyseResult(result);
  }

  /** Plans the decisions, shows the summary, and applies the batch when confirmed. */
  async applyDecisions(): Promise<AppliedBatch | null> {
    return (await this.pane()).applyDecisions();
  }

  /** Undoes the last applied batch that the dataset's log records. */
  async undoLastBatch(): Promise<void> {
    await (await this.pane()).undoLastBatch();
  }

  /** Finishes a batch (or an undo) that was interrupted by a crash. */
  async finishInterrupted(): Promise<void> {
    await (await this.pane()).finishInterrupted();
  }

  /** Retrains after an apply and shows the error rate before and after. */
  async retrain(): Promise<void> {
    await (await this.pane()).retrain();
  }
}
