// The cleaner pane: a grid of suspect images, most suspicious first, one decision control per
// card and keyboard triage; decisions are kept in plugin data until applied. Apply shows a
// summary first, carries the batch out through fileManager, logs it, and can be undone.
import { ButtonComponent, debounce, ItemView, Notice, TFile, TFolder, type ViewStateResult, type WorkspaceLeaf } from "obsidian";
import type { TrainResult } from "../../classifier/pipeline";
import { settleDecisions, undoMessage, type AppliedBatch } from "../apply";
import { describeDecision, sameDecision, type Decision, type DecisionBook } from "../decisions";
import { planBatch } from "../plan";
import { interruptedMessage, warningsText } from "../workflow";
import { sha256Hex } from "../../shared/hash";
import { Thumbnailer } from "../../classifier/obsidian/thumbnails";
import { ApplySummaryModal } from "./apply-modal";
import {
  afterApply,
  afterUndo,
  cardReason,
  clampPage,
  decisionText,
  describeEstimate,
  displayName,
  formatLoss,
  formatProbability,
  formatRate,
  issueKinds,
  issueTitle,
  keyAction,
  labelFromPath,
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
} from "./cards";
import { linkedFrom, obsidianWorkflow, ObsidianVaultView, trashSetting } from "./file-ops";
import type { CleanerStore } from "./store";
import { errorText } from "../../shared/errors";
import { isAbortError } from "../../shared/abort";

export const CLEANER_VIEW_TYPE = "lesson-lab-cleaner";

export type Progress = (text: string) => void;

/** Thumbnail bitmaps are this many pixels square (the card shows them at most 120 CSS px). */
const THUMB_PIXELS = 160;

/** How long "Clear decisions" waits for its confirming second click (ms). */
const CLEAR_CONFIRM_MS = 5000;

/** What the pane needs from the plugin. */
export interface CleanerHost {
  store: CleanerStore;
  /** Reports made this session, per dataset folder: reopening the pane does not retrain. */
  reports: Map<string, ReviewReport>;
  /** Trains the classifier and finds the suspects; absent when this build cannot. */
  analyse?: (folder: string, progress: Progress, signal: AbortSignal) => Promise<ReviewReport>;
  /** Retrains after an apply (embeddings come from the cache); the new validation error rate. */
  retrain?: (folder: string, progress: Progress, signal: AbortSignal) => Promise<{ errorRate: number | null; embedded?: number; cached?: number }>;
}

interface CleanerState {
  folder?: string;
}

export class CleanerView extends ItemView {
  private folder = "";
  private report: ReviewReport | null = null;
  private items: ReviewItem[] = [];
  private book: DecisionBook | null = null;
  private filters: Filters = { ...NO_FILTERS };
  private page = 0;
  private focusIndex = 0;
  private visible: ReviewItem[] = [];
  private task: AbortController | null = null;
  /** "Clear decisions" was clicked once; a second click before this time clears. */
  private clearArmedUntil = 0;
  /** Error rate before the last apply, for the retrain comparison. */
  private rateBeforeApply: number | null | undefined = undefined;

  private rootEl!: HTMLElement;
  private titleEl!: HTMLElement;
  private statusEl!: HTMLElement;
  private warningsEl!: HTMLElement;
  private countsEl!: HTMLElement;
  private estimateEl!: HTMLElement;
  private filtersEl!: HTMLElement;
  private gridEl!: HTMLElement;
  private pagerEl!: HTMLElement;
  private buttons: Record<string, HTMLButtonElement> = {};
  private thumbs: Thumbnailer | null = null;

  constructor(
    leaf: WorkspaceLeaf,
    private readonly host: CleanerHost,
  ) {
    super(leaf);
  }

  getViewType(): string {
    return CLEANER_VIEW_TYPE;
  }

  getDisplayText(): string {
    return this.folder ? `Cleaner: ${this.folder}` : "Cleaner";
  }

  override getIcon(): string {
    return "sparkles";
  }

  override getState(): Record<string, unknown> {
    return { ...super.getState(), folder: this.folder };
  }

  override async setState(state: unknown, result: ViewStateResult): Promise<void> {
    const folder = (state as CleanerState | null)?.folder;
    if (typeof folder === "string" && folder !== this.folder) await this.show(folder);
    await super.setState(state, result);
  }

  override async onOpen(): Promise<void> {
    this.contentEl.empty();
    this.thumbs = new Thumbnailer(
      {
        readBinary: async (path) => {
          const file = this.app.vault.getAbstractFileByPath(path);
          return new Uint8Array(file instanceof TFile ? await this.app.vault.readBinary(file) : await this.app.vault.adapter.readBinary(path));
        },
      },
      THUMB_PIXELS,
    );
    this.rootEl = this.contentEl.createDiv({ cls: "lesson-lab-cleaner" });
    this.titleEl = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-title", text: "Cleaner" });
    const bar = this.rootEl.createDiv({ cls: "lesson-lab-cleaner-toolbar" });
    // Obsidian's ButtonComponent; the main action (apply) is marked with setCta().
    const button = (key: string, text: string, run: () => Promise<void>, cta = false): void => {
      const b = new ButtonComponent(bar).setButtonText(text).setClass(`lesson-lab-cleaner-${key}`);
      if (cta) b.setCta();
      this.registerDomEvent(b.buttonEl, "click", () => void this.guard(run));
      this.buttons[key] = b.buttonEl;
    };
    button("analyse", "Find suspects", () => this.analyse());
    button(
      "apply",
      "Apply decisions",
      async () => {
        await this.applyDecisions();
      },
      true,
    );
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
        const item = this.items.find((i) => i.path === oldPath);
        if (!item) return;
        item.path = file.path;
        item.given = labelFromPath(file.path, this.folder) ?? item.given;
        this.redrawSoon();
      }),
    );
    this.registerEvent(
      this.app.vault.on("create", (file) => {
        if (this.items.some((i) => i.path === file.path)) this.redrawSoon();
      }),
    );
    this.render();
  }

  override async onClose(): Promise<void> {
    this.task?.abort();
    this.redrawSoon.cancel();
    this.thumbs?.close();
    this.thumbs = null;
    await this.host.store.save();
  }

  getFolder(): string {
    return this.folder;
  }

  /** Shows `folder`; `report` replaces the suspects held for it (none: the last ones this session). */
  async show(folder: string, report?: ReviewReport): Promise<void> {
    // A copy is held: the caller's report stays as given, the held one follows applies and undos.
    if (report) this.host.reports.set(folder, { ...report, items: report.items.map((i) => ({ ...i })) });
    this.folder = folder;
    this.report = this.host.reports.get(folder) ?? null;
    this.book = await this.host.store.book(folder);
    this.items = this.report ? this.report.items : [];
    this.addDecidedItems();
    this.filters = { ...NO_FILTERS };
    this.page = 0;
    this.focusIndex = 0;
    this.rateBeforeApply = undefined;
    if (this.rootEl) {
      this.setStatus(
        this.report
          ? `${this.items.length} images to review.`
          : this.items.length
            ? "Decisions from earlier are shown; find suspects to review more."
            : "Find suspects to train the classifier on this folder and list the images most likely to be wrong.",
      );
      this.render();
      await this.checkInterrupted();
    }
  }

  /** After a crash during apply or undo: says so, and offers to finish (Undo reverses). */
  private async checkInterrupted(): Promise<void> {
    if (!this.folder) return;
    let open = null;
    try {
      open = await obsidianWorkflow(this.app, this.folder).interrupted();
    } catch (e) {
      this.setStatus(`The cleaner log could not be read: ${errorText(e)}`, true);
      return;
    }
    this.buttons.finish?.toggleClass("is-hidden", open === null);
    if (open) this.setStatus(interruptedMessage(open), true);
  }

  /** Labels in the order digit keys use: the report's, else the dataset's sub-folders. */
  labels(): string[] {
    if (this.report && this.report.labels.length) return [...this.report.labels];
    const folder = this.app.vault.getAbstractFileByPath(this.folder);
    if (!(folder instanceof TFolder)) return [];
    return folder.children
      .filter((c): c is TFolder => c instanceof TFolder && !c.name.startsWith("."))
      .map((c) => c.name)
      .sort();
  }

  /** Decided images the report does not hold (a restart): shown so their decisions can be seen and changed. */
  private addDecidedItems(): void {
    if (!this.book) return;
    const known = new Set(this.items.map((i) => i.path));
    for (const e of this.book.entries()) {
      if (known.has(e.path)) continue;
      this.items.push({
        id: e.path,
        path: e.path,
        given: labelFromPath(e.path, this.folder) ?? "",
        predicted: null,
        probability: null,
        loss: null,
        score: -1,
        suggested: null,
        issue: "decided earlier",
        split: null,
      });
    }
  }

  // Rendering

  private render(): void {
    if (!this.rootEl) return;
    this.titleEl.setText(this.folder ? `Cleaner: ${this.folder}` : "Cleaner: open it on a dataset folder");
    this.buttons.analyse?.toggleClass("is-hidden", !this.host.analyse);
    this.buttons.retrain?.toggleClass("is-hidden", !this.host.retrain);
    this.warningsEl.empty();
    for (const w of this.report?.warnings ?? []) this.warningsEl.createDiv({ cls: "lesson-lab-cleaner-warning-line", text: w });
    this.renderFilters();
    this.renderGrid();
  }

  private renderCounts(): void {
    const c = this.book?.counts() ?? { keep: 0, delete: 0, relabel: 0 };
    const shown = this.items.filter((i) => !i.gone).length;
    this.countsEl.setText(`${shown} images · ${c.keep} keep · ${c.delete} delete · ${c.relabel} relabel`);
    this.estimateEl.setText(describeEstimate(this.report?.expectedLabelIssues, c.delete + c.relabel));
    if (this.buttons.apply) this.buttons.apply.disabled = !this.book || c.delete + c.relabel === 0;
  }

  private renderFilters(): void {
    this.filtersEl.empty();
    const select = (label: string, key: keyof Filters, options: [string, string][], value: string): void => {
      const wrap = this.filtersEl.createEl("label", { cls: "lesson-lab-cleaner-filter", text: `${label} ` });
      const sel = wrap.createEl("select", { cls: `dropdown lesson-lab-cleaner-filter-${key}`, attr: { "data-filter": key } });
      for (const [v, t] of options) sel.createEl("option", { value: v, text: t });
      sel.value = value;
    };
    const labels = this.labels();
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
    const kinds = issueKinds(this.items);
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
    this.visible = visibleItems(this.items, this.filters);
    this.page = clampPage(this.page, this.visible.length);
    const cards = pageSlice(this.visible, this.page);
    this.focusIndex = Math.min(Math.max(0, this.focusIndex), Math.max(0, cards.length - 1));
    this.gridEl.empty();
    const labels = this.labels();
    cards.forEach((item, i) => this.renderCard(item, i, labels));
    if (cards.length === 0) {
      this.gridEl.createDiv({ cls: "lesson-lab-cleaner-empty", text: this.items.length ? "No image matches these filters." : "No images to review." });
    }
    this.renderPager();
    this.renderCounts();
  }

  private renderCard(item: ReviewItem, index: number, labels: string[]): void {
    const decision = this.book?.get(item.path)?.decision;
    const focused = index === this.focusIndex;
    const card = this.gridEl.createDiv({
      cls: "lesson-lab-cleaner-card",
      attr: {
        role: "option",
        tabindex: focused ? "0" : "-1",
        "aria-selected": focused ? "true" : "false",
        "data-path": item.path,
        "data-index": String(index),
        "aria-label": this.cardLabel(item, decision),
      },
    });
    if (decision) card.addClass(`is-${decision.kind}`);
    const file = this.app.vault.getAbstractFileByPath(item.path);
    const thumb = card.createDiv({ cls: "lesson-lab-cleaner-thumb" });
    if (file instanceof TFile) {
      // Drawn when the card scrolls into view, decoded straight to a small bitmap (never full size).
      thumb.setAttr("role", "img");
      thumb.setAttr("aria-label", displayName(item.path));
      this.thumbs?.attach(file.path, thumb);
    } else {
      thumb.createDiv({ cls: "lesson-lab-cleaner-missing", text: "Not in the vault" });
    }
    const meta = card.createDiv({ cls: "lesson-lab-cleaner-meta" });
    meta.createDiv({ cls: "lesson-lab-cleaner-name", text: displayName(item.path) });
    meta.createDiv({ cls: "lesson-lab-cleaner-given", text: `Given: ${item.given || "–"}` });
    if (item.predicted !== null) {
      meta.createDiv({ cls: "lesson-lab-cleaner-predicted", text: `Predicted: ${item.predicted} (${formatProbability(item.probability)})` });
    }
    if (item.loss !== null) meta.createDiv({ cls: "lesson-lab-cleaner-loss", text: `Loss: ${formatLoss(item.loss)}` });
    const tags = meta.createDiv({ cls: "lesson-lab-cleaner-tags" });
    tags.createSpan({ cls: "lesson-lab-cleaner-issue", text: issueTitle(item.issue), attr: { "data-issue": item.issue } });
    if (item.split) tags.createSpan({ cls: "lesson-lab-cleaner-split", text: item.split === "valid" ? "validation" : "train" });
    // Why the card is listed: the finder's detail (a copy's twin, a file's problem) or what the model saw.
    meta.createDiv({ cls: item.detail ? "lesson-lab-cleaner-detail lesson-lab-cleaner-reason" : "lesson-lab-cleaner-reason", text: cardReason(item) });

    const choice = card.createEl("select", { cls: "dropdown lesson-lab-cleaner-choice", attr: { "aria-label": "Decision", tabindex: "-1" } });
    choice.createEl("option", { value: "", text: "Undecided" });
    choice.createEl("option", { value: "keep", text: `Keep${item.suggested === "keep" ? " (suggested)" : ""}` });
    choice.createEl("option", { value: "delete", text: `Delete${item.suggested === "delete" ? " (suggested)" : ""}` });
    labels.forEach((l, i) => {
      const key = i < 9 ? `${i + 1}: ` : "";
      const opt = choice.createEl("option", { value: `relabel:${l}`, text: `${key}${l}${item.suggested === l ? " (suggested)" : ""}` });
      if (item.suggested === l) opt.addClass("is-suggested");
      if (l === item.given) opt.disabled = true;
    });
    choice.value = !decision ? "" : decision.kind === "relabel" ? `relabel:${decision.label}` : decision.kind;
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
      if (!this.rootEl) return;
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
    const width = cards[0].getBoundingClientRect().width;
    if (width === 0) return 1;
    let n = 0;
    for (const c of cards) {
      if (Math.abs(c.getBoundingClientRect().top - top) > 1) break;
      n++;
    }
    return Math.max(1, n);
  }

  // Decisions

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
    const item = this.visibleOnPage()[Number(card?.dataset.index ?? -1)];
    if (!item) return;
    const v = sel.value;
    if (v === "") this.clearOne(item);
    else this.decide(item, v.startsWith("relabel:") ? { kind: "relabel", label: v.slice("relabel:".length) } : { kind: v as "keep" | "delete" }, false);
  }

  private visibleOnPage(): ReviewItem[] {
    return pageSlice(this.visible, this.page);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    // The card's own select handles its keys.
    if (target.tagName === "SELECT" || target.tagName === "INPUT") return;
    const action = keyAction(e.key, this.labels());
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    const onPage = this.visibleOnPage();
    const item = onPage[this.focusIndex];
    switch (action.kind) {
      case "move": {
        const absolute = this.page * PAGE_SIZE + this.focusIndex;
        const next = moveIndex(absolute, this.visible.length, action.delta, action.rows, this.columns());
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
        if (item) void this.openImage(item);
        return;
    }
  }

  private focusAbsolute(index: number): void {
    const page = Math.floor(index / PAGE_SIZE);
    if (page !== this.page) this.goPage(page, index % PAGE_SIZE, true);
    else {
      this.focusIndex = index % PAGE_SIZE;
      this.focusCard();
    }
  }

  /** Records a decision; from the keyboard, focus then moves on to the next card. */
  decide(item: ReviewItem, decision: Decision, advance: boolean): void {
    if (!this.book) return;
    const file = this.app.vault.getAbstractFileByPath(item.path);
    if (!(file instanceof TFile)) {
      new Notice(`"${item.path}" is no longer in the vault; no decision recorded.`);
      return;
    }
    if (decision.kind === "relabel" && decision.label === item.given) {
      new Notice(`"${displayName(item.path)}" is already labelled ${item.given}.`);
      return;
    }
    const fingerprint = { size: file.stat.size, mtime: file.stat.mtime };
    try {
      this.book.set(item.path, decision, fingerprint);
    } catch (e) {
      new Notice(errorText(e));
      return;
    }
    void this.recordHash(item.path, decision, fingerprint);
    const absolute = this.page * PAGE_SIZE + this.focusIndex;
    this.refreshCard(item.path);
    if (advance && absolute + 1 < this.visible.length) this.focusAbsolute(absolute + 1);
    else this.focusCard();
    this.setStatus(`${displayName(item.path)}: ${describeDecision(decision)}.`);
  }

  /**
   * Adds the content hash of the reviewed file to its decision, so that a file swapped for
   * another of the same size and time is not acted on; then saves.
   */
  private async recordHash(path: string, decision: Decision, fingerprint: { size: number; mtime: number }): Promise<void> {
    try {
      const file = this.app.vault.getAbstractFileByPath(path);
      if (file instanceof TFile && this.book) {
        const hash = await sha256Hex(new Uint8Array(await this.app.vault.readBinary(file)));
        const entry = this.book.get(path);
        // Only when nothing changed meanwhile: the decision, and the file.
        if (entry && sameDecision(entry.decision, decision) && file.stat.size === fingerprint.size && file.stat.mtime === fingerprint.mtime) {
          entry.fingerprint.hash = hash;
        }
      }
    } catch {
      // Without a hash the decision still has size and time; apply re-checks those.
    }
    await this.save();
  }

  /** Redraws one card's decision in place (its thumbnail is not reloaded) and the counts. */
  private refreshCard(path: string): void {
    const card = this.cardEls().find((c) => c.dataset.path === path);
    const item = this.visibleOnPage().find((i) => i.path === path);
    if (card && item) {
      const decision = this.book?.get(path)?.decision;
      card.removeClass("is-keep", "is-delete", "is-relabel");
      if (decision) card.addClass(`is-${decision.kind}`);
      card.setAttr("aria-label", this.cardLabel(item, decision));
      const choice = card.querySelector<HTMLSelectElement>("select.lesson-lab-cleaner-choice");
      if (choice) choice.value = !decision ? "" : decision.kind === "relabel" ? `relabel:${decision.label}` : decision.kind;
    }
    this.renderCounts();
  }

  private cardLabel(item: ReviewItem, decision: Decision | undefined): string {
    return `${displayName(item.path)}, given ${item.given}${item.predicted ? `, predicted ${item.predicted}` : ""}: ${decisionText(decision)}`;
  }

  private clearOne(item: ReviewItem): void {
    this.book?.clear(item.path);
    void this.save();
    this.refreshCard(item.path);
    this.focusCard();
  }

  /** The `u` key: takes back the last decision and focuses its card. */
  undoDecision(): void {
    const path = this.book?.undoLast() ?? null;
    if (path === null) {
      this.setStatus("No decision to undo.");
      return;
    }
    void this.save();
    this.refreshCard(path);
    const index = this.visible.findIndex((i) => i.path === path);
    if (index >= 0) this.focusAbsolute(index);
    const d = this.book?.get(path)?.decision;
    this.setStatus(`Undid the decision on ${displayName(path)}${d ? `; back to ${describeDecision(d)}` : ""}.`);
  }

  private async openImage(item: ReviewItem): Promise<void> {
    await this.app.workspace.openLinkText(item.path, "", "tab");
  }

  private async save(): Promise<void> {
    try {
      await this.host.store.save();
    } catch (e) {
      new Notice(`Could not save the cleaner's decisions: ${errorText(e)}`);
    }
  }

  /** Clears every decision of the dataset; the first click only asks (clearing cannot be undone with u). */
  async clearDecisions(): Promise<void> {
    if (!this.book || this.book.size === 0) {
      this.setStatus("No decisions to clear.");
      return;
    }
    const n = this.book.size;
    const button = this.buttons.clear;
    if (Date.now() > this.clearArmedUntil) {
      this.clearArmedUntil = Date.now() + CLEAR_CONFIRM_MS;
      button?.setText(`Clear ${n} decision${n === 1 ? "" : "s"}? Click again`);
      const timer = window.setTimeout(() => button?.setText("Clear decisions"), CLEAR_CONFIRM_MS);
      this.register(() => window.clearTimeout(timer));
      return;
    }
    this.clearArmedUntil = 0;
    button?.setText("Clear decisions");
    this.book.clear();
    await this.save();
    this.renderGrid();
    this.setStatus(`Cleared ${n} decision${n === 1 ? "" : "s"}.`);
  }

  // Apply, undo, retrain

  private setStatus(text: string, isError = false): void {
    if (!this.statusEl) return;
    this.statusEl.empty();
    this.statusEl.setText(text);
    this.statusEl.toggleClass("lesson-lab-cleaner-error", isError);
  }

  private async guard(run: () => Promise<void>): Promise<void> {
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

  async analyse(): Promise<void> {
    const analyse = this.host.analyse;
    if (!analyse || !this.folder) return;
    const report = await this.runTask("Training the classifier", (p, s) => analyse(this.folder, p, s));
    await this.show(this.folder, report);
    this.setStatus(`${report.items.length} images to review; validation error rate ${formatRate(report.errorRate)}.`);
  }

  /** Finds the suspects in a fresh training result (the classifier panel's): nothing is retrained. */
  async analyseResult(result: TrainResult): Promise<void> {
    if (result.error) throw new Error(`The classifier was not trained: ${result.error}.`);
    const folder = result.folder;
    const [{ findIssues }, { describeFindProgress, toReviewReport }] = await Promise.all([import("../find"), import("./report")]);
    const clean = await this.runTask("Finding suspects", (p, s) => findIssues(result, {}, s, (fp) => p(describeFindProgress(fp))));
    const report = toReviewReport(folder, clean, result.errorRate);
    await this.show(folder, report);
    this.setStatus(`${report.items.length} images to review; validation error rate ${formatRate(report.errorRate)}.`);
  }

  /** Plans the decisions, shows the summary, and applies the batch when confirmed (write-ahead, see workflow.ts). */
  async applyDecisions(): Promise<AppliedBatch | null> {
    if (!this.book || !this.folder) return null;
    const book = this.book;
    const workflow = obsidianWorkflow(this.app, this.folder);
    const busy = workflow.busy();
    if (busy) throw new Error(`The cleaner is ${busy} in "${this.folder}"; wait for it to finish.`);
    const plan = planBatch(book, { datasetFolder: this.folder, labels: this.labels(), vault: new ObsidianVaultView(this.app, this.folder) });
    const ok = await new ApplySummaryModal(this.app, { plan, linkedFrom: (p) => linkedFrom(this.app, p), trash: trashSetting(this.app) }).ask();
    if (!ok) {
      this.setStatus("Nothing applied.");
      return null;
    }
    const { batch, warnings } = await workflow.apply(plan);
    settleDecisions(book, plan, batch);
    await this.save();
    const logProblem = warnings.length ? ` ${warningsText(warnings)}` : "";
    afterApply(
      this.items,
      batch.moves,
      batch.trashed.map((t) => t.path),
      this.folder,
    );
    this.rateBeforeApply = this.report?.errorRate;
    this.renderGrid();
    const failed = batch.failed.length ? ` ${batch.failed.length} failed: ${batch.failed.map((f) => `${f.path} (${f.reason})`).join("; ")}.` : "";
    const message = `Applied: ${batch.moves.length} moved, ${batch.trashed.length} deleted.${failed}${logProblem}${this.host.retrain ? " Retrain to see the new error rate." : ""}`;
    this.setStatus(message, batch.failed.length > 0 || logProblem !== "");
    new Notice(message);
    return batch;
  }

  /** Undoes the last applied batch that the dataset's log records. */
  async undoLastBatch(): Promise<void> {
    if (!this.folder) {
      new Notice("Open the cleaner on a dataset first.");
      return;
    }
    const outcome = await obsidianWorkflow(this.app, this.folder).undo();
    this.buttons.finish?.addClass("is-hidden");
    if (!outcome) {
      this.setStatus("No applied batch to undo.");
      new Notice(`No applied cleaner batch to undo in "${this.folder}".`);
      return;
    }
    const { batch, result, warnings } = outcome;
    afterUndo(this.items, result.restored, batch.moves, batch.trashed, this.folder);
    this.renderGrid();
    const message = [undoMessage(result), warningsText(warnings)].filter((t) => t !== "").join("\n");
    this.setStatus(message, result.failed.length > 0 || warnings.length > 0);
    new Notice(message);
  }

  /** Finishes a batch (or an undo) that was interrupted by a crash. */
  async finishInterrupted(): Promise<void> {
    if (!this.folder) return;
    const done = await obsidianWorkflow(this.app, this.folder).finish();
    this.buttons.finish?.addClass("is-hidden");
    if (!done) {
      this.setStatus("No interrupted batch to finish.");
      return;
    }
    if (done.kind === "undo") {
      const { batch, result } = done.outcome;
      afterUndo(this.items, result.restored, batch.moves, batch.trashed, this.folder);
      this.renderGrid();
      this.setStatus(undoMessage(result), result.failed.length > 0);
      return;
    }
    const { batch } = done;
    if (this.book) this.book.forget([...batch.moves.map((m) => m.from), ...batch.trashed.map((t) => t.path)]);
    await this.save();
    afterApply(
      this.items,
      batch.moves,
      batch.trashed.map((t) => t.path),
      this.folder,
    );
    this.renderGrid();
    this.setStatus(`Finished the interrupted batch: ${batch.moves.length} moved, ${batch.trashed.length} deleted, ${batch.failed.length} failed.`, batch.failed.length > 0);
  }

  async retrain(): Promise<void> {
    const retrain = this.host.retrain;
    if (!retrain || !this.folder) return;
    const before = this.rateBeforeApply !== undefined ? this.rateBeforeApply : this.report?.errorRate;
    const { errorRate, embedded, cached } = await this.runTask("Retraining", (p, s) => retrain(this.folder, p, s));
    if (this.report) this.report.errorRate = errorRate;
    const reuse = embedded !== undefined && cached !== undefined ? ` (${embedded} views embedded, ${cached} from the cache)` : "";
    this.setStatus(`Error rate before: ${formatRate(before)}; after: ${formatRate(errorRate)}${reuse}.`);
  }
}
