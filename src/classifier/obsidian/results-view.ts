// Renders training results: the epoch table (row by row), the loss curve, metrics, the confusion
// matrix with the images behind each cell, per-class accuracy, most-confused pairs, top losses.
// Plain DOM through Obsidian's element helpers (createEl/createDiv/createSvg); no `obsidian`
// import and no tfjs, so it is unit-tested with a fixed TrainResult.
import type { EpochMetrics } from "../types";
import type { ResultsData } from "../results-file";
import { accuracyInterval, describeInterval, type ConfusedPair, type PerClassAccuracy, type TopLoss } from "../metrics";
import { formatEpochTime } from "../format-time";

/** How the view shows an image and opens its file. */
export interface ImageHost {
  /** Fills `el` with a small thumbnail of the vault image (lazily, when visible). */
  thumbnail(path: string, el: HTMLElement): void;
  open(path: string): void;
}

export function formatPct(x: number | null): string {
  return x === null ? "–" : `${(x * 100).toFixed(1)}%`;
}

/** The epoch table's time column (format-time.ts: seconds with decimals under a minute, then mm:ss). */
export function formatSeconds(s: number): string {
  return formatEpochTime(s);
}

/** fastai's epoch table; rows are appended as epochs finish. */
export class EpochTable {
  readonly tableEl: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;

  constructor(parent: HTMLElement) {
    // In its own box that scrolls sideways: in a narrow sidebar no column is cut off.
    this.tableEl = parent.createDiv({ cls: "lesson-lab-table-scroll" }).createEl("table", { cls: "lesson-lab-epochs" });
    const head = this.tableEl.createEl("thead").createEl("tr");
    for (const h of ["epoch", "train_loss", "valid_loss", "error_rate", "time"]) {
      // fastai's names, allowed to break after the underscore so that a narrow sidebar fits every column.
      const th = head.createEl("th");
      h.split("_").forEach((part, i, all) => {
        th.appendText(i < all.length - 1 ? `${part}_` : part);
        if (i < all.length - 1) th.createEl("wbr");
      });
    }
    this.body = this.tableEl.createEl("tbody");
  }

  add(m: EpochMetrics): void {
    const row = this.body.createEl("tr", { cls: "lesson-lab-epoch-row" });
    const cells = [String(m.epoch), m.train_loss.toFixed(6), Number.isFinite(m.valid_loss) ? m.valid_loss.toFixed(6) : "–", Number.isFinite(m.error_rate) ? m.error_rate.toFixed(6) : "–", formatSeconds(m.seconds)];
    for (const c of cells) row.createEl("td", { text: c });
  }

  get rows(): number {
    return this.body.querySelectorAll("tr").length;
  }
}

/** The loss curve's height and margins, in CSS pixels (the SVG is drawn 1:1, never scaled, so its text keeps the UI's size). */
const CURVE_H = 190;
const CURVE_MIN_W = 240;
const CURVE_MAX_W = 480;
const M = { left: 46, right: 12, top: 26, bottom: 38 };

/** Round tick steps: 1, 2, 2.5 or 5 times a power of ten, about `count` of them up to `max`. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const t = Number((i * step).toPrecision(12));
    ticks.push(t);
    if (t >= max) break;
  }
  return ticks;
}

/** Epoch numbers to label on the x axis: every epoch up to 10, else about 8 evenly spaced (the last included). */
export function epochTicks(n: number): number[] {
  if (n <= 0) return [];
  const step = n <= 10 ? 1 : Math.ceil(n / 8);
  const ticks: number[] = [];
  for (let i = 0; i < n; i += step) ticks.push(i);
  if (ticks[ticks.length - 1] !== n - 1) ticks.push(n - 1);
  return ticks;
}

/**
 * The loss curve, as fastai's plot_loss: train and valid loss per epoch, with both axes, their
 * ticks and titles ("epoch", "loss") and a legend. Drawn at the width of `parent` (240–480 px),
 * one SVG unit per CSS pixel; redrawn whole (a few dozen points at most).
 */
export function renderLossCurve(parent: HTMLElement, epochs: EpochMetrics[]): SVGSVGElement {
  const measured = parent.clientWidth;
  const W = Math.round(Math.max(CURVE_MIN_W, Math.min(CURVE_MAX_W, measured > 0 ? measured : 300)));
  const H = CURVE_H;
  parent.empty();
  const svg = parent.createSvg("svg", {
    cls: "lesson-lab-loss-curve",
    attr: { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Loss per epoch: train and valid" },
  });
  const series: { key: "train_loss" | "valid_loss"; cls: string; name: string }[] = [
    { key: "train_loss", cls: "lesson-lab-curve-train", name: "train" },
    { key: "valid_loss", cls: "lesson-lab-curve-valid", name: "valid" },
  ];
  const x0 = M.left;
  const x1 = W - M.right;
  const y0 = H - M.bottom;
  const y1 = M.top;
  const text = (content: string, x: number, y: number, anchor: string, cls = "lesson-lab-curve-label", transform?: string): void => {
    const attr: Record<string, string | number> = { x, y, "text-anchor": anchor };
    if (transform) attr.transform = transform;
    svg.createSvg("text", { cls, attr }).textContent = content;
  };
  const values = epochs.flatMap((e) => [e.train_loss, e.valid_loss]).filter((v) => Number.isFinite(v));
  const yTicks = niceTicks(values.length > 0 ? Math.max(...values) : 1);
  const yMax = yTicks[yTicks.length - 1] || 1;
  const n = epochs.length;
  const x = (i: number): number => (n <= 1 ? (x0 + x1) / 2 : x0 + (i / (n - 1)) * (x1 - x0));
  const y = (v: number): number => y0 - (v / yMax) * (y0 - y1);
  const decimals = Math.max(0, ...yTicks.map((t) => (String(t).split(".")[1] ?? "").length));

  // Grid and y ticks.
  for (const t of yTicks) {
    svg.createSvg("line", { cls: t === 0 ? "lesson-lab-curve-axis" : "lesson-lab-curve-grid", attr: { x1: x0, y1: y(t), x2: x1, y2: y(t) } });
    text(t.toFixed(decimals), x0 - 6, y(t) + 4, "end");
  }
  svg.createSvg("line", { cls: "lesson-lab-curve-axis", attr: { x1: x0, y1: y1, x2: x0, y2: y0 } });
  // X ticks: epochs, numbered from 0 as in the epoch table.
  for (const i of epochTicks(n)) {
    svg.createSvg("line", { cls: "lesson-lab-curve-axis", attr: { x1: x(i), y1: y0, x2: x(i), y2: y0 + 4 } });
    text(String(i), x(i), y0 + 17, "middle");
  }
  // Axis titles.
  text("epoch", (x0 + x1) / 2, H - 4, "middle", "lesson-lab-curve-label lesson-lab-curve-title");
  text("loss", 0, 0, "middle", "lesson-lab-curve-label lesson-lab-curve-title", `translate(12 ${(y0 + y1) / 2}) rotate(-90)`);
  // Legend, top right.
  let at = x1;
  for (const s of [...series].reverse()) {
    at -= s.name.length * 7 + 4;
    text(s.name, at, 14, "start");
    at -= 22;
    svg.createSvg("line", { cls: s.cls, attr: { x1: at, y1: 10, x2: at + 16, y2: 10 } });
    at -= 10;
  }
  for (const s of series) {
    const pts = epochs.map((e, i) => [i, e[s.key]] as const).filter(([, v]) => Number.isFinite(v));
    if (pts.length === 0) continue;
    svg.createSvg("polyline", { cls: s.cls, attr: { points: pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "), fill: "none" } });
    for (const [i, v] of pts) {
      const dot = svg.createSvg("circle", { cls: s.cls, attr: { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5 } });
      dot.createSvg("title").textContent = `epoch ${i}: ${s.key} ${v.toFixed(4)}`;
    }
  }
  return svg;
}

const PAGE = 24;

/** A tile's caption: a line of text, or named fields shown as aligned rows (name, value). */
export type Caption = string | { name: string; value: string }[];

/** Thumbnails of `paths`, a page at a time, each opening its file. */
export function renderGallery(parent: HTMLElement, paths: { path: string; caption?: Caption }[], host: ImageHost): HTMLElement {
  const gallery = parent.createDiv({ cls: "lesson-lab-gallery" });
  let shown = 0;
  const more = parent.createEl("button", { cls: "lesson-lab-more", text: "Show more" });
  const page = (): void => {
    for (const item of paths.slice(shown, shown + PAGE)) {
      const tile = gallery.createDiv({ cls: "lesson-lab-tile", attr: { "data-path": item.path, title: item.path, tabindex: "0", role: "button" } });
      host.thumbnail(item.path, tile.createDiv({ cls: "lesson-lab-thumb" }));
      if (typeof item.caption === "string") tile.createDiv({ cls: "lesson-lab-caption", text: item.caption });
      else if (item.caption) {
        const fields = tile.createEl("dl", { cls: "lesson-lab-caption lesson-lab-fields" });
        for (const f of item.caption) {
          fields.createEl("dt", { text: f.name });
          fields.createEl("dd", { text: f.value, attr: { title: f.value } });
        }
      }
      tile.addEventListener("click", () => host.open(item.path));
      tile.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") host.open(item.path);
      });
    }
    shown = Math.min(paths.length, shown + PAGE);
    more.toggle(shown < paths.length);
    more.setText(`Show more (${paths.length - shown} left)`);
  };
  more.addEventListener("click", page);
  page();
  return gallery;
}

/** Validation images whose actual label is row `a` and predicted label column `p`. */
export function cellPaths(data: ResultsData, actual: string, predicted: string): string[] {
  return data.topLosses.filter((t) => t.actual === actual && t.predicted === predicted).map((t) => t.path).sort();
}

export function renderConfusion(parent: HTMLElement, data: ResultsData, host: ImageHost): void {
  const c = data.confusion;
  if (!c) {
    parent.createDiv({ cls: "lesson-lab-muted", text: "No validation images, so no confusion matrix." });
    return;
  }
  const wrap = parent.createDiv({ cls: "lesson-lab-confusion-wrap lesson-lab-table-scroll" });
  const table = wrap.createEl("table", { cls: "lesson-lab-confusion" });
  // Axis titles in their own header row, column labels written upwards (as in sklearn's and
  // fastai's plots), so that a column is as narrow as its counts; full names on hover.
  const thead = table.createEl("thead");
  const axis = thead.createEl("tr", { cls: "lesson-lab-confusion-axis" });
  axis.createEl("th", { cls: "lesson-lab-confusion-corner" });
  axis.createEl("th", { cls: "lesson-lab-confusion-axis-title", text: "Predicted", attr: { colspan: String(c.labels.length), scope: "colgroup" } });
  const head = thead.createEl("tr");
  head.createEl("th", { cls: "lesson-lab-confusion-corner lesson-lab-confusion-axis-title", text: "Actual", attr: { scope: "col" } });
  for (const l of c.labels) {
    head.createEl("th", { cls: "lesson-lab-confusion-column", attr: { title: `predicted ${l}`, scope: "col" } }).createSpan({ text: l });
  }
  const body = table.createEl("tbody");
  const detail = parent.createDiv({ cls: "lesson-lab-cell-detail" });
  const rowMax = c.matrix.map((row) => Math.max(1, ...row));
  c.matrix.forEach((row, i) => {
    const tr = body.createEl("tr");
    tr.createEl("th", { cls: "lesson-lab-confusion-row", text: c.labels[i], attr: { title: `actual ${c.labels[i]}`, scope: "row" } });
    row.forEach((n, j) => {
      const td = tr.createEl("td", {
        cls: ["lesson-lab-cell", i === j ? "is-diagonal" : "is-off", n === 0 ? "is-empty" : ""].filter((x) => x !== ""),
        text: String(n),
        attr: { "data-actual": c.labels[i], "data-predicted": c.labels[j], tabindex: "0", title: `${n} × actual ${c.labels[i]}, predicted ${c.labels[j]}` },
      });
      // Shade by share of the row, with the theme's accent at low opacity.
      td.style.setProperty("--lesson-lab-shade", String(n / rowMax[i]));
      const show = (): void => {
        detail.empty();
        body.querySelectorAll(".is-selected").forEach((e) => e.removeClass("is-selected"));
        td.addClass("is-selected");
        const paths = cellPaths(data, c.labels[i], c.labels[j]);
        detail.createDiv({ cls: "lesson-lab-cell-title", text: `Actual ${c.labels[i]}, predicted ${c.labels[j]}: ${paths.length} image${paths.length === 1 ? "" : "s"}` });
        renderGallery(detail, paths.map((path) => ({ path })), host);
      };
      td.addEventListener("click", show);
      td.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") show();
      });
    });
  });
}

export function renderPerClass(parent: HTMLElement, perClass: PerClassAccuracy[]): void {
  const table = parent.createEl("table", { cls: "lesson-lab-per-class" });
  const head = table.createEl("thead").createEl("tr");
  for (const h of ["label", "correct", "accuracy"]) head.createEl("th", { text: h });
  const body = table.createEl("tbody");
  for (const p of perClass) {
    const tr = body.createEl("tr");
    tr.createEl("td", { text: p.label });
    tr.createEl("td", { text: `${p.correct} / ${p.count}` });
    tr.createEl("td", { text: formatPct(p.accuracy) });
  }
}

export function renderMostConfused(parent: HTMLElement, pairs: ConfusedPair[], host: ImageHost): void {
  if (pairs.length === 0) {
    parent.createDiv({ cls: "lesson-lab-muted", text: "No validation image was confused." });
    return;
  }
  const list = parent.createEl("ul", { cls: "lesson-lab-confused" });
  for (const p of pairs.slice(0, 10)) {
    const li = list.createEl("li");
    const link = li.createEl("a", { text: `${p.actual} → ${p.predicted}: ${p.count}`, attr: { href: "#" } });
    const holder = li.createDiv();
    link.addEventListener("click", (e) => {
      e.preventDefault();
      if (holder.childElementCount > 0) holder.empty();
      else renderGallery(holder, p.paths.map((path) => ({ path })), host);
    });
  }
}

export function renderTopLosses(parent: HTMLElement, losses: TopLoss[], host: ImageHost, count = 12): void {
  if (losses.length === 0) {
    parent.createDiv({ cls: "lesson-lab-muted", text: "No validation images." });
    return;
  }
  renderGallery(
    parent,
    losses.slice(0, count).map((t) => ({
      path: t.path,
      caption: [
        { name: "actual", value: t.actual },
        { name: "predicted", value: t.predicted },
        { name: "loss", value: t.loss.toFixed(2) },
        { name: "probability", value: t.probabilityPredicted.toFixed(2) },
      ],
    })),
    host,
  );
}

/** Every result section, in fastai's order; returns the sections' elements by name. */
export function renderResults(parent: HTMLElement, data: ResultsData, host: ImageHost): Record<string, HTMLElement> {
  const section = (name: string, title: string): HTMLElement => {
    const el = parent.createDiv({ cls: `lesson-lab-section lesson-lab-${name}` });
    el.createEl("h4", { text: title });
    return el;
  };
  const metrics = section("metrics", "Metrics");
  const grid = metrics.createDiv({ cls: "lesson-lab-metric-grid" });
  const metric = (label: string, value: string, note?: string): void => {
    const m = grid.createDiv({ cls: "lesson-lab-metric" });
    m.createDiv({ cls: "lesson-lab-metric-value", text: value });
    m.createDiv({ cls: "lesson-lab-metric-label", text: label });
    if (note) m.createDiv({ cls: "lesson-lab-metric-note", text: note });
  };
  // A validation set of 70 images measures accuracy to about ±0.1: say so (Wilson score interval).
  const interval = accuracyInterval(data.accuracy, data.validCount);
  metric("error rate", formatPct(data.errorRate));
  metric("accuracy", formatPct(data.accuracy), interval ? describeInterval(interval) : undefined);
  metric("train images", String(data.trainCount));
  metric("validation images", String(data.validCount));
  const confusion = section("confusion-section", "Confusion matrix");
  renderConfusion(confusion, data, host);
  const perClass = section("per-class-section", "Per-class accuracy");
  renderPerClass(perClass, data.perClass);
  const confused = section("confused-section", "Most confused");
  renderMostConfused(confused, data.mostConfused, host);
  const losses = section("losses-section", "Top losses");
  renderTopLosses(losses, data.topLosses, host);
  return { metrics, confusion, perClass, confused, losses };
}
