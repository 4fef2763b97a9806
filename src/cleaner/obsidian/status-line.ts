// The cleaner pane's status line: messages, errors (also as a notice), and one long task at a
// time with its progress and a cancel button.
import { Notice } from "obsidian";
import type { Progress } from "../ports";
import type { Outcome } from "../session";
import { isAbortError } from "../../shared/abort";
import { errorText } from "../../shared/errors";

export class StatusLine {
  private task: AbortController | null = null;

  constructor(readonly el: HTMLElement) {}

  set(text: string, isError = false): void {
    this.el.empty();
    this.el.setText(text);
    this.el.toggleClass("lesson-lab-cleaner-error", isError);
  }

  /** Shows a session step's outcome: its status ("" leaves the line as it is) and its notice. */
  show(o: Outcome | null): void {
    if (!o) return;
    if (o.status !== "") this.set(o.status, o.isError === true);
    if (o.notice) new Notice(o.notice);
  }

  /** Runs `run`; an error is shown (and noticed), a cancel says "Cancelled.". Never throws. */
  async guard(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      const message = errorText(e);
      if (isAbortError(e)) this.set("Cancelled.");
      else {
        this.set(message, true);
        new Notice(`Cleaner: ${message}`);
      }
    }
  }

  /** Runs a long task with progress in the line and a cancel button; refused while another runs. */
  async run<T>(what: string, run: (progress: Progress, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.task) throw new Error("Another cleaner task is running; cancel it first.");
    const controller = new AbortController();
    this.task = controller;
    this.el.empty();
    const text = this.el.createSpan({ text: `${what}…` });
    const cancel = this.el.createEl("button", { text: "Cancel", cls: "lesson-lab-cleaner-cancel-task" });
    try {
      return await run((t) => text.setText(t), controller.signal);
    } finally {
      this.task = null;
      cancel.remove();
    }
  }

  /** Cancels the running task, if any. */
  cancel(): void {
    this.task?.abort();
  }
}
