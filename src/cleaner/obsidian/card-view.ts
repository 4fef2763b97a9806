// One card of the cleaner grid: the image's thumbnail, what the finder saw, and the decision
// control. Drawing only; the decisions are the session's.
import type { Decision } from "../decisions";
import type { Thumbnails } from "../ports";
import { cardReason, decisionText, displayName, formatLoss, formatProbability, issueTitle, type ReviewItem } from "../review-items";

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
