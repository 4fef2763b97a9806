// The summary shown before a batch is applied: moves, deletions, skipped decisions with their
// reasons, the notes linking to each image, and the trash setting's warning. Nothing changes
// until the user confirms.
import { ButtonComponent, Modal, type App } from "obsidian";
import type { TrashBehaviour } from "../trash";
import { baseName } from "../names";
import type { Plan } from "../plan";

export interface SummaryInput {
  plan: Plan;
  /** Notes linking to an image. */
  linkedFrom: (path: string) => readonly string[];
  trash: TrashBehaviour;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The summary's content, drawn into `el` (also used by tests without a modal). */
export function renderSummary(el: HTMLElement, input: SummaryInput): void {
  const { plan, linkedFrom, trash } = input;
  const head = [plural(plan.moves.length, "move", "moves"), plural(plan.deletions.length, "deletion", "deletions"), `${plan.skipped.length} skipped`];
  el.createEl("p", { cls: "lesson-lab-cleaner-summary-counts", text: `${head.join(", ")}.` });
  if (plan.kept > 0) el.createEl("p", { text: `${plural(plan.kept, "image", "images")} marked keep: left as they are.` });
  if (plan.deletions.length > 0 && trash.warning) {
    el.createEl("p", { cls: "lesson-lab-cleaner-warning", text: trash.warning });
  }
  for (const f of plan.newFolders) el.createEl("p", { text: `Creates the label folder "${f}".` });

  const section = (title: string, cls: string): HTMLElement => {
    el.createEl("h4", { text: title });
    return el.createEl("ul", { cls: `lesson-lab-cleaner-summary-list ${cls}` });
  };
  const links = (li: HTMLElement, path: string, verb: string): void => {
    const notes = linkedFrom(path);
    if (notes.length) li.createDiv({ cls: "lesson-lab-cleaner-summary-links", text: `${verb} ${notes.join(", ")}` });
  };
  if (plan.moves.length) {
    const ul = section("Move", "is-moves");
    for (const m of plan.moves) {
      const li = ul.createEl("li", { text: `${m.from} → ${m.to}` });
      if (m.renamed) li.createDiv({ cls: "lesson-lab-cleaner-summary-note", text: `Renamed: "${baseName(m.from)}" is taken there.` });
      links(li, m.from, "Links follow, from:");
    }
  }
  if (plan.deletions.length) {
    const ul = section("Delete", "is-deletions");
    for (const d of plan.deletions) {
      const li = ul.createEl("li", { text: d.path });
      links(li, d.path, "Links will break, from:");
    }
  }
  if (plan.skipped.length) {
    const ul = section("Skipped", "is-skipped");
    for (const s of plan.skipped) ul.createEl("li", { text: `${s.path}: ${s.reason}` });
  }
  if (plan.moves.length === 0 && plan.deletions.length === 0) el.createEl("p", { text: "Nothing to apply." });
}

export class ApplySummaryModal extends Modal {
  private decided = false;
  private resolve: (ok: boolean) => void = () => undefined;

  constructor(
    app: App,
    private readonly input: SummaryInput,
  ) {
    super(app);
  }

  /** Opens the modal; resolves true when the user confirms, false otherwise. */
  ask(): Promise<boolean> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.open();
    });
  }

  override onOpen(): void {
    this.setTitle("Apply cleaner decisions");
    // The lists scroll; the buttons stay in view below them (styles.css).
    this.modalEl.addClass("lesson-lab-cleaner-summary-modal");
    const body = this.contentEl.createDiv({ cls: "lesson-lab-cleaner-summary" });
    renderSummary(body, this.input);
    const actions = this.contentEl.createDiv({ cls: "modal-button-container" });
    const canApply = this.input.plan.moves.length + this.input.plan.deletions.length > 0;
    if (canApply) {
      const apply = new ButtonComponent(actions).setButtonText("Apply").setCta().setClass("lesson-lab-cleaner-confirm");
      apply.buttonEl.addEventListener("click", () => this.finish(true));
    }
    const cancel = new ButtonComponent(actions).setButtonText(canApply ? "Cancel" : "Close").setClass("lesson-lab-cleaner-cancel");
    cancel.buttonEl.addEventListener("click", () => this.finish(false));
  }

  override onClose(): void {
    this.contentEl.empty();
    this.finish(false);
  }

  private finish(ok: boolean): void {
    if (this.decided) return;
    this.decided = true;
    this.resolve(ok);
    if (ok || this.contentEl.childElementCount > 0) this.close();
  }
}
