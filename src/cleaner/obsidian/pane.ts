// The cleaner pane's content: a grid of suspect images, most suspicious first, one decision
// control per card and keyboard triage. It renders the CleanerSession's state and forwards
// keys and clicks to it; the workflow (decide, plan, apply, undo, retrain) is the session's.
// Loaded on first use by the pane's shell (shell-view.ts), so none of it is in main.js.
import { ButtonComponent, Component, debounce, Notice, TFile, type App } from "obsidian";
import type { TrainResult } from "../../classifier/pipeline";
import type { AppliedBatch } from "../apply";
import type { Decision } from "../decisions";
import type { Progress, Thumbnails } from "../ports";
import {
  clampPage,
  describeEstimate,
  issueKinds,
  issueTitle,
  keyAction,
  moveIndex,
  NO_FILTERS,
  pageCount,
  pageSlice,
  PAGE_SIZE,
  visibleItems,
  type Filters,
  type ReviewItem,
  type ReviewReport,
  type SplitFilter,
} from "../review-items";
import { CleanerSession, type Outcome } from "../session";
import { ApplySummaryModal } from "./apply-modal";
import { choiceDecision, refreshCard, renderCard } from "./card-view";
import { cleanerPorts, type CleanerServices } from "./cleaner-ports";
import { linkedFrom, trashSetting } from "./file-ops";
import { errorText } from "../../shared/errors";
import { isAbortError } from "../../shared/abort";

/** Thumbnail bitmaps are this many pixels square (the card shows them at most 120 CSS px). */
const THUMB_PIXELS = 160;

/** How long "Clear decisions" waits for its confirming second click (ms). */
const CLEAR_CONFIRM_MS = 5000;

export class CleanerPane extends Component {
  readonly session: CleanerSession;
  private filters: Filters = { ...NO_FILTERS };
  private page = 0;
  private focusIndex = 0;
  private visible: ReviewItem[] = [];
  private task: AbortController | null = null;
  /** "Clear decisions" was clicked once; a second click before this time clears. */
  private clearArmedUntil = 0;
  private thumbs: Thumbnails | null = null;

  private rootEl: HTMLElement;
  private titleEl: HTMLElement;
  private statusEl: HTMLElement;
  private warningsEl: HTMLElement;
  private countsEl: HTMLElement;
  private estimateEl: HTMLElement;
  private filtersEl: HTMLElement;
  private gridEl: HTMLElement;
  private pagerEl: HTMLElement;
  private buttons: Record<string, HTMLButtonElement> = {};

  constructor(
    private readonly app: App,
    containerEl: HTMLElement,
    private readonly services: CleanerServices,
  ) {
    super();
    this.session = new CleanerSession(cleanerPorts(app, services));
    containerEl.empty();
    this.rootEl = containerEl.createDiv({ cls: "lesson-lab-cleaner" });
    this.titleEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-title", text: "Cleaner" });
    const bar = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-toolbar" });
    // Obsidian's ButtonComponent; the main action (apply) is marked with setCta().
    const button = (key: string, text: string, run: () => Promise<unknown>, cta = false): void => {
      const b = new ButtonComponent(bar).setButtonText(text).setClass(`lesson-lab-cleaner-${key}`);
      if (cta) b.setCta();
      this.registerDomEvent(b.buttonEl, "click", () => void this.guard(run));
      this.buttons[key] = b.buttonEl;
    };
    button("analyse", "Find suspects", () => this.analyse());
    button("apply", "Apply decisions", () => this.applyDecisions(), true);
    button("undo", "Undo last batch", () => this.undoLastBatch());
    button("finish", "Finish interrupted batch", () => this.finishInterrupted());
    this.buttons.finish.addClass("is-hidden");
    button("retrain", "Retrain", () => this.retrain());
    button("clear", "Clear decisions", () => this.clearDecisions());
    this.statusEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-status", attr: { "aria-live": "polite" } });
    this.warningsEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-warnings" });
    this.countsEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-counts" });
    this.estimateEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-estimate" });
    this.filtersEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-filters" });
    this.gridEl = this.rootEl.createDiv({
      cls: "lesson-lab-cleaner-grid",
      attr: { role: "listbox", "aria-label": "Suspect images", "aria-multiselectable": "false" },
    });
    this.pagerEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-pager" });
  }

  override onload(): void {
    this.registerDomEvent(this.gridEl, "keydown", (e) => this.onKey(e));
    this.registerDomEvent(this.gridEl, "click", (e) => this.onGridClick(e));
    this.registerDomEvent(this.gridEl, "change", (e) => this.onChoice(e));
    // Delegated once: the filters, pager and status are redrawn often.
    this.registerDomEvent(this.filtersEl, "change", (e) => this.onFilter(e));
    this.registerDomEvent(this.pagerEl, "click", (e) => {
      const b = (e.target as HTMLElement | null)?.closest("button");
      if (b?.hasClass("lesson-lab-cleaner-prev")) this.goPage(this.page - 1, 0);
      else if (b?.hasClass("lesson-lab-cleaner-next")) this.goPage(this.page + 1, 0);
    });
    this.registerDomEvent(this.statusEl, "click", (e) => {
      if ((e.target as HTMLElement | null)?.closest(".lesson-lab-cleaner-cancel-task")) this.task?.abort();
    });
    // Files renamed or deleted elsewhere: the cards follow.
    this.registerEvent(
      this.app.vault.on("rename", (file, oldPath) => {
        if (this.session.fileRenamed(oldPath, file.path)) this.redrawSoon();
      }),
    );
    this.registerEvent(
      this.app.vault.on("create", (file) => {
        if (this.session.hasItem(file.path)) this.redrawSoon();
      }),
    );
    this.register(() => {
      this.task?.abort();
      this.redrawSoon.cancel();
      this.thumbs?.close();
      this.thumbs = null;
    });
    this.render();
  }

  /** Gets the thumbnailer (loaded on first use); cards drawn before it is there get no thumbnail. */
  async loadThumbnails(): Promise<void> {
    try {
      const { vault } = this.app;
      const readBinary = async (path: string): Promise<Uint8Array> => {
        const file = vault.getAbstractFileByPath(path);
        return new Uint8Array(file instanceof TFile ? await vault.readBinary(file) : await vault.adapter.readBinary(path));
      };
      this.thumbs = await this.services.thumbnails({ readBinary }, THUMB_PIXELS);
    } catch (e) {
      this.setStatus(`Thumbnails are not available: ${errorText(e)}`, true);
    }
  }

  getFolder(): string {
    return this.session.folder;
  }

  /** Shows `folder`; `report` replaces the suspects held for it (none: the last ones this session). */
  async show(folder: string, report?: ReviewReport): Promise<void> {
    const outcome = await this.session.show(folder, report);
    this.filters = { ...NO_FILTERS };
    this.page = 0;
    this.focusIndex = 0;
    this.showOutcome(outcome);
    this.render();
    const interrupted = await this.session.checkInterrupted();
    this.buttons.finish.toggleClass("is-hidden", !this.session.hasInterruptedRun);
    if (interrupted) this.showOutcome(interrupted);
  }

  // Rendering

  private render(): void {
    const folder = this.session.folder;
    this.titleEl.setText(folder ? `Cleaner: ${folder}` : "Cleaner: open it on a dataset folder");
    this.buttons.analyse.toggleClass("is-hidden", !this.session.canTrain);
    this.buttons.retrain.toggleClass("is-hidden", !this.session.canTrain);
    this.warningsEl.empty();
    for (const w of this.session.report?.warnings ?? []) this.warningsEl.createDiv({ cls: "lesson-lab-cleaner-warning-line", text: w });
    this.renderFilters();
    this.renderGrid();
  }

  private renderCounts(): void {
    const c = this.session.counts();
    const shown = this.session.items.filter((i) => !i.gone).length;
    this.countsEl.setText(`${shown} images · ${c.keep} keep · ${c.delete} delete · ${c.relabel} relabel`);
    this.estimateEl.setText(describeEstimate(this.session.report?.expectedLabelIssues, c.delete + c.relabel));
    this.buttons.apply.disabled = !this.session.book || c.delete + c.relabel === 0;
  }

  private renderFilters(): void {
    this.filtersEl.empty();
    const select = (label: string, key: keyof Filters, options: [string, string][], value: string): void => {
      const wrap = this.filtersEl.createEl("label", { cls: "lesson-lab-cleaner-filter", text: `${label} ` });
      const sel = wrap.createEl("select", { cls: `dropdown lesson-lab-cleaner-filter-${key}`, attr: { "data-filter": key } });
      for (const [v, t] of options) sel.createEl("option", { value: v, text: t });
      sel.value = value;
    };
    const labels = this.session.labels();
    select("Label", "label", [["", "All labels"], ...labels.map((l): [string, string] => [l, l])], this.filters.label ?? "");
    select(
      "Split",
      "split",
      [
        ["all", "All"],
        ["train", "Train"],
        ["valid", "Validation"],
      ],
      this.filters.split,
    );
    const kinds = issueKinds(this.session.items);
    select("Issue", "issue", [["", "All issues"], ...kinds.map((k): [string, string] => [k, issueTitle(k)])], this.filters.issue ?? "");
  }

  private onFilter(e: Event): void {
    const sel = e.target;
    if (!(sel instanceof HTMLSelectElement)) return;
    const v = sel.value;
    const key = sel.dataset.filter;
    if (key === "label") this.filters.label = v === "" ? null : v;
    else if (key === "split") this.filters.split = v as SplitFilter;
    else if (key === "issue") this.filters.issue = v === "" ? null : v;
    else return;
    this.page = 0;
    this.focusIndex = 0;
    this.renderGrid();
  }

  private renderGrid(): void {
    this.visible = visibleItems(this.session.items, this.filters);
    this.page = clampPage(this.page, this.visible.length);
    const onPage = pageSlice(this.visible, this.page);
    this.focusIndex = Math.min(Math.max(0, this.focusIndex), Math.max(0, onPage.length - 1));
    this.gridEl.empty();
    const labels = this.session.labels();
    onPage.forEach((item, index) =>
      renderCard(this.gridEl, {
        item,
        index,
        focused: index === this.focusIndex,
        decision: this.session.book?.get(item.path)?.decision,
        labels,
        inVault: this.app.vault.getAbstractFileByPath(item.path) instanceof TFile,
        thumbs: this.thumbs,
      }),
    );
    if (onPage.length === 0) {
      this.gridEl.createDiv({ cls: "lesson-lab-cleaner-empty", text: this.session.items.length ? "No image matches these filters." : "No images to review." });
    }
    this.renderPager();
    this.renderCounts();
  }

  private renderPager(): void {
    this.pagerEl.empty();
    const pages = pageCount(this.visible.length);
    const prev = this.pagerEl.createEl("button", { text: "Previous page", cls: "lesson-lab-cleaner-prev" });
    prev.disabled = this.page === 0;
    this.pagerEl.createSpan({ cls: "lesson-lab-cleaner-page", text: `Page ${this.page + 1} of ${pages} (${this.visible.length} images)` });
    const next = this.pagerEl.createEl("button", { text: "Next page", cls: "lesson-lab-cleaner-next" });
    next.disabled = this.page >= pages - 1;
  }

  private goPage(page: number, focus: number, takeFocus = false): void {
    this.page = clampPage(page, this.visible.length);
    this.focusIndex = focus;
    this.renderGrid();
    if (takeFocus) this.focusCard();
  }

  /** Redraws once after a burst of vault events (a batch renames many files). */
  private redrawSoon = debounce(
    () => {
      const hadFocus = this.gridEl.contains(document.activeElement);
      this.renderGrid();
      if (hadFocus) this.focusCard();
    },
    100,
    true,
  );

  private cardEls(): HTMLElement[] {
    return Array.from(this.gridEl.querySelectorAll<HTMLElement>(".lesson-lab-cleaner-card"));
  }

  /** Moves the roving focus to the card at `focusIndex`. */
  private focusCard(): void {
    const cards = this.cardEls();
    cards.forEach((c, i) => {
      const on = i === this.focusIndex;
      c.setAttr("tabindex", on ? "0" : "-1");
      c.setAttr("aria-selected", on ? "true" : "false");
      c.toggleClass("is-focused", on);
    });
    cards[this.focusIndex]?.focus();
  }

  /** Cards per row, from the layout (1 where nothing is laid out). */
  private columns(): number {
    const cards = this.cardEls();
    if (cards.length < 2) return 1;
    const top = cards[0].getBoundingClientRect().top;
    if (cards[0].getBoundingClientRect().width === 0) return 1;
    let n = 0;
    for (const c of cards) {
      if (Math.abs(c.getBoundingClientRect().top - top) > 1) break;
      n++;
    }
    return Math.max(1, n);
  }

  private focusAbsolute(index: number): void {
    const page = Math.floor(index / PAGE_SIZE);
    if (page !== this.page) this.goPage(page, index % PAGE_SIZE, true);
    else {
      this.focusIndex = index % PAGE_SIZE;
      this.focusCard();
    }
  }

  // Keys and clicks, forwarded to the session

  private onGridClick(e: MouseEvent): void {
    const card = (e.target as HTMLElement | null)?.closest<HTMLElement>(".lesson-lab-cleaner-card");
    if (!card) return;
    this.focusIndex = Number(card.dataset.index ?? 0);
    if ((e.target as HTMLElement).tagName !== "SELECT" && (e.target as HTMLElement).tagName !== "OPTION") this.focusCard();
  }

  private onChoice(e: Event): void {
    const sel = e.target as HTMLSelectElement;
    if (!sel.hasClass("lesson-lab-cleaner-choice")) return;
    const card = sel.closest<HTMLElement>(".lesson-lab-cleaner-card");
    const item = pageSlice(this.visible, this.page)[Number(card?.dataset.index ?? -1)];
    if (!item) return;
    const decision = choiceDecision(sel.value);
    if (decision) this.decide(item, decision, false);
    else {
      void this.session.clearDecision(item.path);
      this.refreshCard(item.path);
      this.focusCard();
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    // The card's own select handles its keys.
    if (target.tagName === "SELECT" || target.tagName === "INPUT") return;
    const action = keyAction(e.key, this.session.labels());
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    const item = pageSlice(this.visible, this.page)[this.focusIndex];
    switch (action.kind) {
      case "move": {
        const next = moveIndex(this.page * PAGE_SIZE + this.focusIndex, this.visible.length, action.delta, action.rows, this.columns());
        if (next !== null) this.focusAbsolute(next);
        return;
      }
      case "decide":
        if (item) this.decide(item, action.decision, true);
        return;
      case "undo":
        this.undoDecision();
        return;
      case "open":
        if (item) void this.app.workspace.openLinkText(item.path, "", "tab");
        return;
    }
  }

  /** Records a decision; from the keyboard, focus then moves on to the next card. */
  private decide(item: ReviewItem, decision: Decision, advance: boolean): void {
    const done = this.session.decide(item.path, decision);
    if (!done.recorded) {
      new Notice(done.notice);
      return;
    }
    const absolute = this.page * PAGE_SIZE + this.focusIndex;
    this.refreshCard(item.path);
    if (advance && absolute + 1 < this.visible.length) this.focusAbsolute(absolute + 1);
    else this.focusCard();
    this.setStatus(done.status);
  }

  private refreshCard(path: string): void {
    const card = this.cardEls().find((c) => c.dataset.path === path);
    const item = pageSlice(this.visible, this.page).find((i) => i.path === path);
    if (card && item) refreshCard(card, item, this.session.book?.get(path)?.decision);
    this.renderCounts();
  }

  /** The `u` key: takes back the last decision and focuses its card. */
  undoDecision(): void {
    const { path, outcome } = this.session.undoDecision();
    if (path !== null) {
      this.refreshCard(path);
      const index = this.visible.findIndex((i) => i.path === path);
      if (index >= 0) this.focusAbsolute(index);
    }
    this.showOutcome(outcome);
  }

  /** Clears every decision of the dataset; the first click only asks (clearing cannot be undone with u). */
  async clearDecisions(): Promise<void> {
    const n = this.session.book?.size ?? 0;
    if (n === 0) {
      this.setStatus("No decisions to clear.");
      return;
    }
    const button = this.buttons.clear;
    if (Date.now() > this.clearArmedUntil) {
      this.clearArmedUntil = Date.now() + CLEAR_CONFIRM_MS;
      button.setText(`Clear ${n} decision${n === 1 ? "" : "s"}? Click again`);
      const timer = window.setTimeout(() => button.setText("Clear decisions"), CLEAR_CONFIRM_MS);
      this.register(() => window.clearTimeout(timer));
      return;
    }
    this.clearArmedUntil = 0;
    button.setText("Clear decisions");
    await this.session.clearDecisions();
    this.renderGrid();
    this.setStatus(`Cleared ${n} decision${n === 1 ? "" : "s"}.`);
  }

  // Long tasks, apply, undo

  private setStatus(text: string, isError = false): void {
    this.statusEl.empty();
    this.statusEl.setText(text);
    this.statusEl.toggleClass("lesson-lab-cleaner-error", isError);
  }

  private showOutcome(o: Outcome | null): void {
    if (!o) return;
    if (o.status !== "") this.setStatus(o.status, o.isError === true);
    if (o.notice) new Notice(o.notice);
  }

  private async guard(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      const message = errorText(e);
      if (isAbortError(e)) this.setStatus("Cancelled.");
      else {
        this.setStatus(message, true);
        new Notice(`Cleaner: ${message}`);
      }
    }
  }

  /** Runs a long task with progress in the status line and a cancel button. */
  private async runTask<T>(what: string, run: (progress: Progress, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.task) throw new Error("Another cleaner task is running; cancel it first.");
    const controller = new AbortController();
    this.task = controller;
    this.statusEl.empty();
    const text = this.statusEl.createSpan({ text: `${what}…` });
    const cancel = this.statusEl.createEl("button", { text: "Cancel", cls: "lesson-lab-cleaner-cancel-task" });
    try {
      return await run((t) => text.setText(t), controller.signal);
    } finally {
      this.task = null;
      cancel.remove();
    }
  }

  /** Trains on the folder and shows the suspects found (the "Find suspects" button). */
  async analyse(): Promise<void> {
    if (!this.session.canTrain || !this.session.folder) return;
    const outcome = await this.runTask("Training the classifier", (p, s) => this.session.analyse(p, s));
    await this.afterShow();
    this.showOutcome(outcome);
  }

  /** Finds the suspects in a fresh training result (the classifier panel's): nothing is retrained. */
  async analyseResult(result: TrainResult): Promise<void> {
    if (result.error) throw new Error(`The classifier was not trained: ${result.error}.`);
    const outcome = await this.runTask("Finding suspects", (p, s) => this.session.analyseResult(result, p, s));
    await this.afterShow();
    this.showOutcome(outcome);
  }

  private async afterShow(): Promise<void> {
    this.filters = { ...NO_FILTERS };
    this.page = 0;
    this.focusIndex = 0;
    this.render();
    const interrupted = await this.session.checkInterrupted();
    this.buttons.finish.toggleClass("is-hidden", !this.session.hasInterruptedRun);
    if (interrupted) this.showOutcome(interrupted);
  }

  /** Plans the decisions, shows the summary, and applies the batch when confirmed. */
  async applyDecisions(): Promise<AppliedBatch | null> {
    const { batch, outcome } = await this.session.apply((plan) => new ApplySummaryModal(this.app, { plan, linkedFrom: (p) => linkedFrom(this.app, p), trash: trashSetting(this.app) }).ask());
    if (batch) this.renderGrid();
    this.showOutcome(outcome);
    return batch;
  }

  /** Undoes the last applied batch that the dataset's log records. */
  async undoLastBatch(): Promise<void> {
    const { result, outcome } = await this.session.undoLastBatch();
    this.buttons.finish.toggleClass("is-hidden", !this.session.hasInterruptedRun);
    if (result) this.renderGrid();
    this.showOutcome(outcome);
  }

  /** Finishes a batch (or an undo) that was interrupted by a crash. */
  async finishInterrupted(): Promise<void> {
    const outcome = await this.session.finishInterrupted();
    this.buttons.finish.toggleClass("is-hidden", !this.session.hasInterruptedRun);
    this.renderGrid();
    this.showOutcome(outcome);
  }

  /** Retrains after an apply and shows the error rate before and after. */
  async retrain(): Promise<void> {
    if (!this.session.canTrain || !this.session.folder) return;
    const outcome = await this.runTask("Retraining", (p, s) => this.session.retrain(p, s));
    this.showOutcome(outcome);
  }
}
