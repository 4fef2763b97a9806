// The classifier panel's training section: the Train and Cancel buttons, the progress bar and
// line, and the live epoch table and loss curve (also used to show a saved model's epochs).
import { ButtonComponent, type Component } from "obsidian";
import type { EpochMetrics, TrainProgress } from "../types";
import { EpochTable, renderLossCurve } from "./results-view";

export class TrainingProgressView {
  /** The section's element: messages about the run go below the live table. */
  readonly el: HTMLElement;
  private readonly trainButton: ButtonComponent;
  private readonly cancelButton: ButtonComponent;
  private readonly barEl: HTMLElement;
  private readonly fillEl: HTMLElement;
  private readonly textEl: HTMLElement;
  private readonly epochTable: EpochTable;
  private readonly curveEl: HTMLElement;
  private readonly epochs: EpochMetrics[] = [];

  /** Draws the section into `el` (emptied first); the buttons call `onTrain` and `onCancel`, through `owner`'s DOM listeners. */
  constructor(el: HTMLElement, owner: Component, canTrain: boolean, actions: { onTrain: () => void; onCancel: () => void }) {
    this.el = el;
    el.empty();
    const buttons = el.createDiv({ cls: "lesson-lab-buttons" });
    this.trainButton = new ButtonComponent(buttons).setButtonText("Train").setCta().setClass("lesson-lab-train-button");
    owner.registerDomEvent(this.trainButton.buttonEl, "click", actions.onTrain);
    this.trainButton.setDisabled(!canTrain);
    this.cancelButton = new ButtonComponent(buttons).setButtonText("Cancel").setClass("lesson-lab-cancel-button");
    owner.registerDomEvent(this.cancelButton.buttonEl, "click", actions.onCancel);
    this.cancelButton.buttonEl.hide();
    this.barEl = el.createDiv({ cls: "lesson-lab-progress" });
    this.fillEl = this.barEl.createDiv({ cls: "lesson-lab-progress-fill" });
    this.barEl.hide();
    this.textEl = el.createDiv({ cls: "lesson-lab-progress-text" });
    const live = el.createDiv({ cls: "lesson-lab-live" });
    this.epochTable = new EpochTable(live);
    this.epochTable.tableEl.hide();
    this.curveEl = live.createDiv({ cls: "lesson-lab-curve" });
  }

  /** While training: Train disabled, Cancel shown. After: Train enabled, Cancel and the bar hidden. */
  setRunning(running: boolean): void {
    this.trainButton.setDisabled(running);
    this.cancelButton.buttonEl.toggle(running);
    if (!running) this.barEl.hide();
  }

  /** The progress line, with the bar filled to `fraction` (0–1), or hidden when null. */
  setProgress(fraction: number | null, text: string): void {
    this.barEl.toggle(fraction !== null);
    this.fillEl.style.setProperty("--lesson-lab-progress", String(Math.max(0, Math.min(1, fraction ?? 0))));
    this.textEl.setText(text);
  }

  /** Adds epoch rows to the table and redraws the loss curve. */
  addEpochs(epochs: EpochMetrics[]): void {
    if (epochs.length === 0) return;
    this.epochTable.tableEl.show();
    for (const e of epochs) this.epochTable.add(e);
    this.epochs.push(...epochs);
    renderLossCurve(this.curveEl, this.epochs);
  }

  /** Shows one of the pipeline's progress events. */
  show(p: TrainProgress): void {
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
        if (p.metrics) this.addEpochs([p.metrics]);
        break;
    }
  }
}
