// The exported web app's page: choose, drop or paste images; each is shown with its predicted
// label and one bar per label, most probable first; below, the model card. Plain DOM (every
// string goes in as text), no framework, nothing fetched.
import type { ModelCard } from "../card";
import type { WebClassifier, WebPrediction } from "./runtime";
import { errorText } from "../../shared/errors";

function el<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

export function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** One bar per label, most probable first; the exact probability is in data-probability. */
export function renderBars(parent: HTMLElement, prediction: WebPrediction): void {
  const bars = el(parent, "div", "ll-bars");
  for (const r of prediction.ranked) {
    const row = el(bars, "div", "ll-bar-row");
    row.dataset.label = r.label;
    row.dataset.probability = String(r.probability);
    el(row, "span", "ll-bar-label", r.label);
    const track = el(row, "span", "ll-bar");
    const fill = el(track, "span", "ll-bar-fill");
    fill.style.width = `${Math.max(0, Math.min(1, r.probability)) * 100}%`;
    el(row, "span", "ll-bar-value", percent(r.probability));
  }
}

export function renderCard(parent: HTMLElement, card: ModelCard): void {
  const section = el(parent, "section", "ll-card");
  el(section, "h2", undefined, "About this model");
  const facts = el(section, "dl", "ll-facts");
  const fact = (name: string, value: string): void => {
    el(facts, "dt", undefined, name);
    el(facts, "dd", undefined, value).dataset.fact = name;
  };
  fact("Labels", card.labels.join(", "));
  fact("Validation accuracy", card.accuracy === null ? "not measured (no validation images)" : `${percent(card.accuracy)} of ${card.valid_count} images`);
  fact("Training images", String(card.train_count));
  fact("Backbone", card.backbone);
  const when = new Date(card.trainedAt);
  fact("Trained", Number.isNaN(when.getTime()) ? card.trainedAt : when.toISOString().slice(0, 16).replace("T", " ") + " UTC");
  fact("Dataset", card.dataset);

  el(section, "h3", undefined, "Images per label");
  const counts = el(section, "table", "ll-counts");
  const head = el(counts, "thead");
  const hr = el(head, "tr");
  el(hr, "th", undefined, "label");
  el(hr, "th", undefined, "images");
  const body = el(counts, "tbody");
  for (const [label, n] of card.counts) {
    const tr = el(body, "tr");
    el(tr, "td", undefined, label);
    el(tr, "td", undefined, String(n));
  }

  el(section, "h3", undefined, "Confusion matrix (validation images)");
  if (!card.confusion) {
    el(section, "p", "ll-muted", "This model was saved without its confusion matrix.");
    return;
  }
  const table = el(section, "table", "ll-confusion");
  const ch = el(el(table, "thead"), "tr");
  el(ch, "th", undefined, "actual \\ predicted");
  for (const l of card.confusion.labels) el(ch, "th", undefined, l);
  const cb = el(table, "tbody");
  card.confusion.matrix.forEach((row, i) => {
    const tr = el(cb, "tr");
    el(tr, "th", undefined, card.confusion!.labels[i]);
    row.forEach((n, j) => {
      const td = el(tr, "td", i === j ? "ll-diagonal" : n > 0 ? "ll-off" : undefined, String(n));
      td.dataset.actual = card.confusion!.labels[i];
      td.dataset.predicted = card.confusion!.labels[j];
    });
  });
}

/** Builds the page into `root` and wires the file input, drag-and-drop and paste. */
export function startPage(root: HTMLElement, loading: Promise<WebClassifier>, card: ModelCard): void {
  document.title = card.title;
  root.textContent = "";
  el(root, "h1", undefined, card.title);
  el(root, "p", "ll-lead", `Tells ${card.labels.join(", ")} apart. It runs entirely in your browser: your images never leave this computer.`);
  const status = el(root, "p", "ll-status", "Loading the model…");
  status.setAttribute("role", "status");
  const drop = el(root, "label", "ll-drop");
  el(drop, "span", "ll-drop-text", "Choose, drop or paste images");
  const input = el(drop, "input");
  input.type = "file";
  input.accept = "image/*";
  input.multiple = true;
  input.className = "ll-file";
  const results = el(root, "div", "ll-results");
  renderCard(root, card);

  let classifier: WebClassifier | null = null;
  let pending: File[] = [];
  const show = (files: File[]): void => {
    for (const file of files) {
      const item = el(results, "figure", "ll-result");
      item.dataset.name = file.name;
      const img = el(item, "img", "ll-image");
      const url = URL.createObjectURL(file);
      img.src = url;
      img.alt = file.name;
      const caption = el(item, "figcaption");
      el(caption, "div", "ll-name", file.name);
      const out = el(caption, "div", "ll-output", "Classifying…");
      const done = (): void => item.classList.add("is-done");
      classifier!
        .classify(file)
        .then((p) => {
          out.textContent = "";
          el(out, "div", "ll-label", p.label);
          renderBars(out, p);
        })
        .catch((error: unknown) => {
          out.textContent = "";
          el(out, "div", "ll-error", `Cannot classify ${file.name}: ${errorText(error)}`);
        })
        .finally(done);
    }
  };
  const take = (files: File[]): void => {
    if (files.length === 0) return;
    if (classifier) show(files);
    else pending.push(...files);
  };
  input.addEventListener("change", () => {
    take(Array.from(input.files ?? []));
    input.value = "";
  });
  const over = (e: DragEvent): void => {
    e.preventDefault();
    drop.classList.add("is-over");
  };
  drop.addEventListener("dragenter", over);
  drop.addEventListener("dragover", over);
  drop.addEventListener("dragleave", () => drop.classList.remove("is-over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("is-over");
    take(Array.from(e.dataTransfer?.files ?? []));
  });
  document.addEventListener("paste", (e) => {
    const files = Array.from(e.clipboardData?.items ?? [])
      .filter((i) => i.kind === "file")
      .map((i) => i.getAsFile())
      .filter((f): f is File => f !== null);
    if (files.length > 0) {
      e.preventDefault();
      take(files);
    }
  });

  loading.then(
    (c) => {
      classifier = c;
      status.textContent = `Ready (tfjs on ${c.backend}).`;
      root.classList.add("is-ready");
      const waiting = pending;
      pending = [];
      show(waiting);
    },
    (error: unknown) => {
      status.textContent = `The model could not be loaded: ${errorText(error)}`;
      status.classList.add("ll-error");
    },
  );
}
