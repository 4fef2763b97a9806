// The cleaner grid's parts: a card (the image's thumbnail, what the finder saw, the decision
// control), the filters, the pager and the roving focus. Drawing only; the decisions are the
// session's.
import type { Decision } from "../decisions";
import type { Thumbnails } from "../ports";
import { cardReason, decisionText, displayName, formatLoss, formatProbability, issueTitle, pageCount, type Filters, type ReviewItem, type SplitFilter } from "../review-items";

/** The card's accessible name: the file, its labels and the decision. */
export function cardLabel(item: ReviewItem, decision: Decision | undefined): string {
  return `${displayName(item.path)}, given ${item.given}${item.predicted ? `, predicted ${item.predicted}` : ""}: ${decisionText(decision)}`;
}

/** The choice control's value for a decision ("" when undecided). */
export function choiceValue(decision: Decision | undefined): string {
  return !decision ? "" : decision.kind === "relabel" ? `relabel:${decision.label}` : decision.kind;
}

/** The decision a choice control's value stands for; null for "Undecided". */
export function choiceDecision(value: string): Decision | null {
  if (value === "") return null;
  if (value.startsWith("relabel:")) return { kind: "relabel", label: value.slice("relabel:".length) };
  return { kind: value === "keep" ? "keep" : "delete" };
}

export interface CardInput {
  item: ReviewItem;
  /** Position on the page (the roving focus's index). */
  index: number;
  focused: boolean;
  decision: Decision | undefined;
  /** Labels in digit-key order. */
  labels: readonly string[];
  /** The image is a file in the vault (a thumbnail can be drawn). */
  inVault: boolean;
  thumbs: Thumbnails | null;
}

/** Draws one card into `grid`. */
export function renderCard(grid: HTMLElement, input: CardInput): HTMLElement {
  const { item, index, focused, decision, labels } = input;
  const card = grid.createDiv({
    cls: "lesson-lab-cleaner-card",
    attr: {
      role: "option",
      tabindex: focused ? "0" : "-1",
      "aria-selected": focused ? "true" : "false",
      "data-path": item.path,
      "data-index": String(index),
      "aria-label": cardLabel(item, decision),
    },
  });
  if (decision) card.addClass(`is-${decision.kind}`);
  const thumb = card.createDiv({ cls: "lesson-lab-cleaner-thumb" });
  if (input.inVault) {
    // Drawn when the card scrolls into view, decoded straight to a small bitmap (never full size).
    thumb.setAttr("role", "img");
    thumb.setAttr("aria-label", displayName(item.path));
    input.thumbs?.attach(item.path, thumb);
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
  choice.value = choiceValue(decision);
  return card;
}

/** Redraws a card's decision in place (its thumbnail is not reloaded). */
export function refreshCard(card: HTMLElement, item: ReviewItem, decision: Decision | undefined): void {
  card.removeClass("is-keep", "is-delete", "is-relabel");
  if (decision) card.addClass(`is-${decision.kind}`);
  card.setAttr("aria-label", cardLabel(item, decision));
  const choice = card.querySelector<HTMLSelectElement>("select.lesson-lab-cleaner-choice");
  if (choice) choice.value = choiceValue(decision);
}

/** Draws the label, split and issue filters (each a select with `data-filter`). */
export function renderFilters(el: HTMLElement, labels: readonly string[], kinds: readonly string[], filters: Filters): void {
  el.empty();
  const select = (label: string, key: keyof Filters, options: [string, string][], value: string): void => {
    const wrap = el.createEl("label", { cls: "lesson-lab-cleaner-filter", text: `${label} ` });
    const sel = wrap.createEl("select", { cls: `dropdown lesson-lab-cleaner-filter-${key}`, attr: { "data-filter": key } });
    for (const [v, t] of options) sel.createEl("option", { value: v, text: t });
    sel.value = value;
  };
  select("Label", "label", [["", "All labels"], ...labels.map((l): [string, string] => [l, l])], filters.label ?? "");
  select(
    "Split",
    "split",
    [
      ["all", "All"],
      ["train", "Train"],
      ["valid", "Validation"],
    ],
    filters.split,
  );
  select("Issue", "issue", [["", "All issues"], ...kinds.map((k): [string, string] => [k, issueTitle(k)])], filters.issue ?? "");
}

/** Applies a filter select's change to `filters`; false when the event came from elsewhere. */
export function readFilter(target: EventTarget | null, filters: Filters): boolean {
  if (!(target instanceof HTMLSelectElement)) return false;
  const v = target.value;
  const key = target.dataset.filter;
  if (key === "label") filters.label = v === "" ? null : v;
  else if (key === "split") filters.split = v as SplitFilter;
  else if (key === "issue") filters.issue = v === "" ? null : v;
  else return false;
  return true;
}

/** Draws the pager: previous, "Page p of n (total images)", next. */
export function renderPager(el: HTMLElement, page: number, total: number): void {
  el.empty();
  const pages = pageCount(total);
  const prev = el.createEl("button", { text: "Previous page", cls: "lesson-lab-cleaner-prev" });
  prev.disabled = page === 0;
  el.createSpan({ cls: "lesson-lab-cleaner-page", text: `Page ${page + 1} of ${pages} (${total} images)` });
  const next = el.createEl("button", { text: "Next page", cls: "lesson-lab-cleaner-next" });
  next.disabled = page >= pages - 1;
}

/** Moves the roving focus to card `index` (tabindex, aria-selected, DOM focus). */
export function focusCardAt(cards: readonly HTMLElement[], index: number): void {
  cards.forEach((c, i) => {
    const on = i === index;
    c.setAttr("tabindex", on ? "0" : "-1");
    c.setAttr("aria-selected", on ? "true" : "false");
    c.toggleClass("is-focused", on);
  });
  cards[index]?.focus();
}

/** Cards per row, from the layout (1 where nothing is laid out). */
export function columnsOf(cards: readonly HTMLElement[]): number {
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
