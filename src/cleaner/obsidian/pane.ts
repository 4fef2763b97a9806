// The cleaner pane's content: a grid of suspect images, most suspicious first, one decision
// control per card and keyboard triage. It renders the CleanerSession's state and forwards
// keys and clicks to it; the workflow (decide, plan, apply, undo, retrain) is the session's.
// Loaded on first use by the pane's shell (shell-view.ts), so none of it is in main.js.
import { ButtonComponent, Component, debounce, Notice, TFile, type App } from "obsidian";
import type { TrainResult } from "../../classifier/pipeline";
import type { AppliedBatch } from "../batch-types";
import type { Decision } from "../decisions";
import type { Thumbnails } from "../ports";
import {
  clampPage,
  describeEstimate,
  issueKinds,
  keyAction,
  moveIndex,
  NO_FILTERS,
  pageSlice,
  PAGE_SIZE,
  visibleItems,
  type Filters,
  type ReviewItem,
  type ReviewReport,
} from "../review-items";
import { CleanerSession } from "../session";
import { ApplySummaryModal } from "./apply-modal";
import { choiceDecision, columnsOf, focusCardAt, readFilter, refreshCard, renderCard, renderFilters, renderPager } from "./grid-view";
import { cleanerPorts, type CleanerServices } from "./cleaner-ports";
import { linkedFrom, trashSetting } from "./file-ops";
import { buildPaneLayout, type PaneLayout } from "./pane-layout";
import { StatusLine } from "./status-line";
import { errorText } from "../../shared/errors";

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
  /** "Clear decisions" was clicked once; a second click before this time clears. */
  private clearArmedUntil = 0;
  private thumbs: Thumbnails | null = null;

  private readonly ui: PaneLayout;
  private status: StatusLine;
  private buttons: Record<string, HTMLButtonElement> = {};

  constructor(
    private readonly app: App,
    containerEl: HTMLElement,
    private readonly services: CleanerServices,
  ) {
    super();
    this.session = new CleanerSession(cleanerPorts(app, services));
    this.ui = buildPaneLayout(containerEl);
    const bar = this.ui.toolbarEl;
    // Obsidian's ButtonComponent; the main action (apply) is marked with setCta().
    const button = (key: string, text: string, run: () => Promise<unknown>, cta = false): void => {
      const b = new ButtonComponent(bar).setButtonText(text).setClass(`lesson-lab-cleaner-${key}`);
      if (cta) b.setCta();
      this.registerDomEvent(b.buttonEl, "click", () => void this.status.guard(run));
      this.buttons[key] = b.buttonEl;
    };
    button("analyse", "Find suspects", () => this.analyse());
    button("apply", "Apply decisions", () => this.applyDecisions(), true);
    button("undo", "Undo last batch", () => this.undoLastBatch());
    button("finish", "Finish interrupted batch", () => this.finishInterrupted());
    this.buttons.finish.addClass("is-hidden");
    button("retrain", "Retrain", () => this.retrain());
    button("clear", "Clear decisions", () => this.clearDecisions());
    this.status = new StatusLine(this.ui.statusEl);
  }

  override onload(): void {
    this.registerDomEvent(this.ui.gridEl, "keydown", (e) => this.onKey(e));
    this.registerDomEvent(this.ui.gridEl, "click", (e) => this.onGridClick(e));
    this.registerDomEvent(this.ui.gridEl, "change", (e) => this.onChoice(e));
    // Delegated once: the filters, pager and status are redrawn often.
    this.registerDomEvent(this.ui.filtersEl, "change", (e) => this.onFilter(e));
    this.registerDomEvent(this.ui.pagerEl, "click", (e) => {
      const b = (e.target as HTMLElement | null)?.closest("button");
      if (b?.hasClass("lesson-lab-cleaner-prev")) this.goPage(this.page - 1, 0);
      else if (b?.hasClass("lesson-lab-cleaner-next")) this.goPage(this.page + 1, 0);
    });
    this.registerDomEvent(this.status.el, "click", (e) => {
      if ((e.target as HTMLElement | null)?.closest(".lesson-lab-cleaner-cancel-task")) this.status.cancel();
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
      this.status.cancel();
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
      this.status.set(`Thumbnails are not available: ${errorText(e)}`, true);
    }
  }

  getFolder(): string {
    return this.session.folder;
  }

  /** Shows `folder`; `report` replaces the suspects held for it (none: the last ones this session). */
  async show(folder: string, report?: ReviewReport): Promise<void> {
    this.status.show(await this.session.show(folder, report));
    await this.afterShow();
  }

  // Rendering

  private render(): void {
    const folder = this.session.folder;
    this.ui.titleEl.setText(folder ? `Cleaner: ${folder}` : "Cleaner: open it on a dataset folder");
    this.buttons.analyse.toggleClass("is-hidden", !this.session.canTrain);
    this.buttons.retrain.toggleClass("is-hidden", !this.session.canTrain);
    this.ui.warningsEl.empty();
    for (const w of this.session.report?.warnings ?? []) this.ui.warningsEl.createDiv({ cls: "lesson-lab-cleaner-warning-line", text: w });
    this.renderFilters();
    this.renderGrid();
  }

  private renderCounts(): void {
    const c = this.session.counts();
    const shown = this.session.items.filter((i) => !i.gone).length;
    this.ui.countsEl.setText(`${shown} images · ${c.keep} keep · ${c.delete} delete · ${c.relabel} relabel`);
    this.ui.estimateEl.setText(describeEstimate(this.session.report?.expectedLabelIssues, c.delete + c.relabel));
    this.buttons.apply.disabled = !this.session.book || c.delete + c.relabel === 0;
  }

  private renderFilters(): void {
    renderFilters(this.ui.filtersEl, this.session.labels(), issueKinds(this.session.items), this.filters);
  }

  private onFilter(e: Event): void {
    if (!readFilter(e.target, this.filters)) return;
    this.page = 0;
    this.focusIndex = 0;
    this.renderGrid();
  }

  private renderGrid(): void {
    this.visible = visibleItems(this.session.items, this.filters);
    this.page = clampPage(this.page, this.visible.length);
    const onPage = pageSlice(this.visible, this.page);
    this.focusIndex = Math.min(Math.max(0, this.focusIndex), Math.max(0, onPage.length - 1));
    this.ui.gridEl.empty();
    const labels = this.session.labels();
    onPage.forEach((item, index) =>
      renderCard(this.ui.gridEl, {
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
      this.ui.gridEl.createDiv({ cls: "lesson-lab-cleaner-empty", text: this.session.items.length ? "No image matches these filters." : "No images to review." });
    }
    this.renderPager();
    this.renderCounts();
  }

  private renderPager(): void {
    renderPager(this.ui.pagerEl, this.page, this.visible.length);
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
      const hadFocus = this.ui.gridEl.contains(document.activeElement);
      this.renderGrid();
      if (hadFocus) this.focusCard();
    },
    100,
    true,
  );

  private cardEls(): HTMLElement[] {
    return Array.from(this.ui.gridEl.querySelectorAll<HTMLElement>(".lesson-lab-cleaner-card"));
  }

  /** Moves the roving focus to the card at `focusIndex`. */
  private focusCard(): void {
    focusCardAt(this.cardEls(), this.focusIndex);
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
        const next = moveIndex(this.page * PAGE_SIZE + this.focusIndex, this.visible.length, action.delta, action.rows, columnsOf(this.cardEls()));
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
    this.status.set(done.status);
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
    this.status.show(outcome);
  }

  /** Clears every decision of the dataset; the first click only asks (clearing cannot be undone with u). */
  async clearDecisions(): Promise<void> {
    const n = this.session.book?.size ?? 0;
    if (n === 0) {
      this.status.set("No decisions to clear.");
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
    this.status.set(`Cleared ${n} decision${n === 1 ? "" : "s"}.`);
  }

  // Long tasks, apply, undo

  /** Trains on the folder and shows the suspects found (the "Find suspects" button). */
  async analyse(): Promise<void> {
    if (!this.session.canTrain || !this.session.folder) return;
    const outcome = await this.status.run("Training the classifier", (p, s) => this.session.analyse(p, s));
    await this.afterShow();
    this.status.show(outcome);
  }

  /** Finds the suspects in a fresh training result (the classifier panel's): nothing is retrained. */
  async analyseResult(result: TrainResult): Promise<void> {
    if (result.error) throw new Error(`The classifier was not trained: ${result.error}.`);
    const outcome = await this.status.run("Finding suspects", (p, s) => this.session.analyseResult(result, p, s));
    await this.afterShow();
    this.status.show(outcome);
  }

  /** Draws the folder just shown from the start (no filters, first page), then looks for an interrupted batch. */
  private async afterShow(): Promise<void> {
    this.filters = { ...NO_FILTERS };
    this.page = 0;
    this.focusIndex = 0;
    this.render();
    const interrupted = await this.session.checkInterrupted();
    this.buttons.finish.toggleClass("is-hidden", !this.session.hasInterruptedRun);
    if (interrupted) this.status.show(interrupted);
  }

  /** Plans the decisions, shows the summary, and applies the batch when confirmed. */
  async applyDecisions(): Promise<AppliedBatch | null> {
    const { batch, outcome } = await this.session.apply((plan) => new ApplySummaryModal(this.app, { plan, linkedFrom: (p) => linkedFrom(this.app, p), trash: trashSetting(this.app) }).ask());
    if (batch) this.renderGrid();
    this.status.show(outcome);
    return batch;
  }

  /** Undoes the last applied batch that the dataset's log records. */
  async undoLastBatch(): Promise<void> {
    const { result, outcome } = await this.session.undoLastBatch();
    this.buttons.finish.toggleClass("is-hidden", !this.session.hasInterruptedRun);
    if (result) this.renderGrid();
    this.status.show(outcome);
  }

  /** Finishes a batch (or an undo) that was interrupted by a crash. */
  async finishInterrupted(): Promise<void> {
    const outcome = await this.session.finishInterrupted();
    this.buttons.finish.toggleClass("is-hidden", !this.session.hasInterruptedRun);
    this.renderGrid();
    this.status.show(outcome);
  }

  /** Retrains after an apply and shows the error rate before and after. */
  async retrain(): Promise<void> {
    if (!this.session.canTrain || !this.session.folder) return;
    const outcome = await this.status.run("Retraining", (p, s) => this.session.retrain(p, s));
    this.status.show(outcome);
  }
}
