// The cleaner pane's fixed layout, built once: title, toolbar, status line, warnings, counts,
// estimate, filters, grid and pager, in that order. The pane fills and redraws the parts.

/** The parts of the pane's layout. */
export interface PaneLayout {
  titleEl: HTMLElement;
  toolbarEl: HTMLElement;
  statusEl: HTMLElement;
  warningsEl: HTMLElement;
  countsEl: HTMLElement;
  estimateEl: HTMLElement;
  filtersEl: HTMLElement;
  gridEl: HTMLElement;
  pagerEl: HTMLElement;
}

/** Empties `containerEl` and builds the layout in it (Obsidian's createDiv; no innerHTML). */
export function buildPaneLayout(containerEl: HTMLElement): PaneLayout {
  containerEl.empty();
  const rootEl = containerEl.createDiv({ cls: "lesson-lab-cleaner" });
  return {
    titleEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-title", text: "Cleaner" }),
    toolbarEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-toolbar" }),
    statusEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-status", attr: { "aria-live": "polite" } }),
    warningsEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-warnings" }),
    countsEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-counts" }),
    estimateEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-estimate" }),
    filtersEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-filters" }),
    gridEl: rootEl.createDiv({
      cls: "lesson-lab-cleaner-grid",
      attr: { role: "listbox", "aria-label": "Suspect images", "aria-multiselectable": "false" },
    }),
    pagerEl: rootEl.createDiv({ cls: "lesson-lab-cleaner-pager" }),
  };
}
