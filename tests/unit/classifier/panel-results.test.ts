// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { accuracy, confusionMatrix, mostConfused, perClassAccuracy, topLosses, type ScoredItem } from "../../../src/classifier/metrics";
import {
  cellPaths,
  EpochTable,
  epochTicks,
  niceTicks,
  formatSeconds,
  renderLossCurve,
  renderResults,
  type ImageHost,
} from "../../../src/classifier/obsidian/results-view";
import { parseResults, type ResultsData } from "../../../src/classifier/results-file";

const LABELS = ["cat", "dog", "fox"];

// 9 validation images: cats 2 right 1 as dog; dogs 3 right; foxes 1 right, 1 as cat, 1 as dog.
const ITEMS: ScoredItem[] = [
  { path: "ds/cat/1.png", actual: 0, probabilities: [0.9, 0.05, 0.05] },
  { path: "ds/cat/2.png", actual: 0, probabilities: [0.6, 0.3, 0.1] },
  { path: "ds/cat/3.png", actual: 0, probabilities: [0.2, 0.7, 0.1] },
  { path: "ds/dog/1.png", actual: 1, probabilities: [0.1, 0.8, 0.1] },
  { path: "ds/dog/2.png", actual: 1, probabilities: [0.1, 0.8, 0.1] },
  { path: "ds/dog/3.png", actual: 1, probabilities: [0.3, 0.4, 0.3] },
  { path: "ds/fox/1.png", actual: 2, probabilities: [0.1, 0.1, 0.8] },
  { path: "ds/fox/2.png", actual: 2, probabilities: [0.5, 0.1, 0.4] },
  { path: "ds/fox/3.png", actual: 2, probabilities: [0.05, 0.9, 0.05] },
];

function data(): ResultsData {
  const confusion = confusionMatrix(LABELS, ITEMS);
  const acc = accuracy(ITEMS)!;
  return {
    labels: LABELS,
    epochs: [
      { epoch: 0, train_loss: 1.2, valid_loss: 0.9, error_rate: 0.4, seconds: 1.2 },
      { epoch: 1, train_loss: 0.7, valid_loss: 0.8, error_rate: 0.33, seconds: 61 },
    ],
    accuracy: acc,
    errorRate: 1 - acc,
    trainCount: 36,
    validCount: ITEMS.length,
    confusion,
    perClass: perClassAccuracy(confusion),
    mostConfused: mostConfused(LABELS, ITEMS),
    topLosses: topLosses(LABELS, ITEMS),
  };
}

function host(): ImageHost & { opened: string[]; thumbs: string[] } {
  const opened: string[] = [];
  const thumbs: string[] = [];
  return { opened, thumbs, thumbnail: (p) => thumbs.push(p), open: (p) => opened.push(p) };
}

afterEach(() => document.body.empty());

describe("results view", () => {
  it("the epoch table grows one row per epoch, in fastai's columns", () => {
    const table = new EpochTable(document.body.createDiv());
    expect(table.rows).toBe(0);
    for (const e of data().epochs) table.add(e);
    expect(table.rows).toBe(2);
    const cells = [...table.tableEl.querySelectorAll("tr")].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(cells[0]).toEqual(["epoch", "train_loss", "valid_loss", "error_rate", "time"]);
    expect(cells[2]).toEqual(["1", "0.700000", "0.800000", "0.330000", "01:01"]);
    // Under a minute the time has decimals: an epoch of a head is far shorter than a second.
    expect(formatSeconds(0.4)).toBe("0.40s");
    expect(formatSeconds(12.34)).toBe("12.3s");
    expect(formatSeconds(59.96)).toBe("01:00");
    expect(formatSeconds(3723)).toBe("1:02:03");
    expect(formatSeconds(Number.NaN)).toBe("0.00s");
  });

  it("the loss curve has a train and a valid line with a point per epoch", () => {
    const el = document.body.createDiv();
    const svg = renderLossCurve(el, data().epochs);
    const lines = svg.querySelectorAll("polyline");
    expect(lines).toHaveLength(2);
    expect(lines[0].getAttribute("points")!.split(" ")).toHaveLength(2);
    // Train loss falls from 1.2 to 0.7: the second point is lower on screen (larger y).
    const ys = lines[0].getAttribute("points")!.split(" ").map((p) => Number(p.split(",")[1]));
    expect(ys[1]).toBeGreaterThan(ys[0]);
    // Both axes have ticks and titles, and a legend names the two lines.
    const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(["epoch", "loss", "train", "valid", "0", "1"]));
    expect(niceTicks(1.2)).toEqual([0, 0.5, 1, 1.5]);
    expect(epochTicks(3)).toEqual([0, 1, 2]);
    expect(epochTicks(25)).toEqual([0, 4, 8, 12, 16, 20, 24]);
    // No epochs yet: axes only, no crash.
    expect(renderLossCurve(el, []).querySelectorAll("polyline")).toHaveLength(0);
  });

  it("metrics, per-class accuracy and most-confused pairs", () => {
    const root = document.body.createDiv();
    renderResults(root, data(), host());
    const metrics = [...root.querySelectorAll(".lesson-lab-metric-value")].map((e) => e.textContent);
    expect(metrics).toEqual(["33.3%", "66.7%", "36", "9"]);
    // 6 of 9 right: the Wilson score interval says how little 9 images tell.
    expect([...root.querySelectorAll(".lesson-lab-metric-note")].map((e) => e.textContent)).toEqual(["95% interval 35.4%–87.9%"]);
    const perClass = [...root.querySelectorAll(".lesson-lab-per-class tbody tr")].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(perClass).toEqual([
      ["cat", "2 / 3", "66.7%"],
      ["dog", "3 / 3", "100.0%"],
      ["fox", "1 / 3", "33.3%"],
    ]);
    const confused = [...root.querySelectorAll(".lesson-lab-confused a")].map((a) => a.textContent);
    expect(confused).toEqual(["cat → dog: 1", "fox → cat: 1", "fox → dog: 1"]);
  });

  it("the confusion matrix sums to the validation images, and each cell shows exactly its images", () => {
    const root = document.body.createDiv();
    const h = host();
    renderResults(root, data(), h);
    const cells = [...root.querySelectorAll<HTMLElement>(".lesson-lab-cell")];
    expect(cells).toHaveLength(9);
    expect(cells.reduce((a, c) => a + Number(c.textContent), 0)).toBe(ITEMS.length);
    const seen: string[] = [];
    for (const cell of cells) {
      cell.click();
      const tiles = [...root.querySelectorAll(".lesson-lab-cell-detail .lesson-lab-tile")].map((t) => t.getAttribute("data-path")!);
      const actual = cell.dataset.actual!;
      const predicted = cell.dataset.predicted!;
      const expected = ITEMS.filter((i) => {
        const p = Array.from(i.probabilities);
        return LABELS[i.actual] === actual && LABELS[p.indexOf(Math.max(...p))] === predicted;
      }).map((i) => i.path);
      expect(tiles.sort()).toEqual(expected.sort());
      expect(tiles).toHaveLength(Number(cell.textContent));
      expect(cell.classList.contains("is-selected")).toBe(true);
      seen.push(...tiles);
    }
    expect(seen.sort()).toEqual(ITEMS.map((i) => i.path).sort());
    // A tile opens its file.
    root.querySelector<HTMLElement>(".lesson-lab-cell[data-actual='fox'][data-predicted='cat']")!.click();
    root.querySelector<HTMLElement>(".lesson-lab-cell-detail .lesson-lab-tile")!.click();
    expect(h.opened).toEqual(["ds/fox/2.png"]);
    expect(cellPaths(data(), "dog", "dog")).toEqual(["ds/dog/1.png", "ds/dog/2.png", "ds/dog/3.png"]);
  });

  it("top losses: highest first, with actual / predicted / loss / probability", () => {
    const root = document.body.createDiv();
    renderResults(root, data(), host());
    const captions = [...root.querySelectorAll(".lesson-lab-losses-section .lesson-lab-caption")].map((c) =>
      [...c.querySelectorAll("dt")].map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`),
    );
    expect(captions).toHaveLength(9);
    expect(captions[0]).toEqual(["actual: fox", "predicted: dog", `loss: ${(-Math.log(0.05)).toFixed(2)}`, "probability: 0.90"]);
  });

  it("galleries page through many images instead of rendering them all", () => {
    const many: ScoredItem[] = Array.from({ length: 60 }, (_, i) => ({ path: `ds/cat/${String(i).padStart(2, "0")}.png`, actual: 0, probabilities: [0.9, 0.05, 0.05] }));
    const d = { ...data(), confusion: confusionMatrix(LABELS, many), topLosses: topLosses(LABELS, many) };
    const root = document.body.createDiv();
    const h = host();
    renderResults(root, d, h);
    root.querySelector<HTMLElement>(".lesson-lab-cell[data-actual='cat'][data-predicted='cat']")!.click();
    const tiles = () => root.querySelectorAll(".lesson-lab-cell-detail .lesson-lab-tile").length;
    expect(tiles()).toBe(24);
    const more = root.querySelector<HTMLButtonElement>(".lesson-lab-cell-detail .lesson-lab-more")!;
    expect(more.textContent).toBe("Show more (36 left)");
    more.click();
    more.click();
    expect(tiles()).toBe(60);
    expect(more.style.display).toBe("none");
  });

  it("without validation images it says so instead of drawing an empty matrix", () => {
    const root = document.body.createDiv();
    renderResults(root, { ...data(), confusion: null, topLosses: [], mostConfused: [], perClass: [], accuracy: null, errorRate: null, validCount: 0 }, host());
    expect(root.querySelector(".lesson-lab-confusion")).toBeNull();
    expect(root.textContent).toContain("No validation images, so no confusion matrix.");
    expect(root.querySelector(".lesson-lab-metric-value")!.textContent).toBe("–");
    expect(root.querySelectorAll(".lesson-lab-metric-note")).toHaveLength(0);
  });

  it("results.json round-trips, and junk is refused", () => {
    expect(parseResults(JSON.stringify(data()))).toEqual(data());
    expect(parseResults("{")).toBeNull();
    expect(parseResults(JSON.stringify({ labels: [] }))).toBeNull();
  });
});
