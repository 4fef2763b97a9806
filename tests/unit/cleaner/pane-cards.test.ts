import { describe, expect, it } from "vitest";
import {
  afterApply,
  afterUndo,
  cardReason,
  clampPage,
  formatProbability,
  issueTitle,
  keyAction,
  labelFromPath,
  moveIndex,
  pageCount,
  pageSlice,
  PAGE_SIZE,
  visibleItems,
  type ReviewItem,
} from "../../../src/cleaner/review-items";
import { NO_ISSUE, toReviewReport } from "../../../src/cleaner/review-report";
import type { CleanReport } from "../../../src/cleaner/find";

function item(path: string, score: number, extra: Partial<ReviewItem> = {}): ReviewItem {
  const given = path.split("/")[1] ?? "";
  return { id: path, path, given, predicted: null, probability: null, loss: null, score, suggested: null, issue: "label", split: "train", ...extra };
}

const ITEMS = [
  item("ds/cat/a.jpg", 0.2),
  item("ds/dog/b.jpg", 0.9, { split: "valid" }),
  item("ds/cat/c.jpg", 0.9, { issue: "duplicate" }),
  item("ds/dog/d.jpg", 0.5, { issue: "outlier", split: "valid" }),
  item("ds/cat/e.jpg", 0.7, { gone: true }),
];

describe("card order and filters", () => {
  it("puts the most suspicious first, ties by path, and hides trashed images", () => {
    expect(visibleItems(ITEMS, { label: null, split: "all", issue: null }).map((i) => i.path)).toEqual([
      "ds/cat/c.jpg",
      "ds/dog/b.jpg",
      "ds/dog/d.jpg",
      "ds/cat/a.jpg",
    ]);
  });

  it("filters by label, split and issue, alone and together", () => {
    const paths = (f: Parameters<typeof visibleItems>[1]) => visibleItems(ITEMS, f).map((i) => i.path);
    expect(paths({ label: "cat", split: "all", issue: null })).toEqual(["ds/cat/c.jpg", "ds/cat/a.jpg"]);
    expect(paths({ label: null, split: "valid", issue: null })).toEqual(["ds/dog/b.jpg", "ds/dog/d.jpg"]);
    expect(paths({ label: null, split: "train", issue: null })).toEqual(["ds/cat/c.jpg", "ds/cat/a.jpg"]);
    expect(paths({ label: null, split: "all", issue: "outlier" })).toEqual(["ds/dog/d.jpg"]);
    expect(paths({ label: "dog", split: "train", issue: null })).toEqual([]);
  });

  it("pages through every item, with no fixed cap", () => {
    const many = Array.from({ length: 130 }, (_, i) => item(`ds/cat/${String(i).padStart(3, "0")}.jpg`, 1 - i / 1000));
    const list = visibleItems(many, { label: null, split: "all", issue: null });
    expect(pageCount(list.length)).toBe(Math.ceil(130 / PAGE_SIZE));
    const all = Array.from({ length: pageCount(list.length) }, (_, p) => pageSlice(list, p)).flat();
    expect(all.map((i) => i.path)).toEqual(list.map((i) => i.path));
    expect(clampPage(99, list.length)).toBe(pageCount(list.length) - 1);
    expect(clampPage(-3, list.length)).toBe(0);
    expect(pageCount(0)).toBe(1);
  });
});

describe("triage keys", () => {
  const labels = ["cat", "dog", "fox"];
  it("maps arrows, digits, d, k, u and Enter", () => {
    expect(keyAction("ArrowRight", labels)).toEqual({ kind: "move", delta: 1, rows: false });
    expect(keyAction("ArrowUp", labels)).toEqual({ kind: "move", delta: -1, rows: true });
    expect(keyAction("2", labels)).toEqual({ kind: "decide", decision: { kind: "relabel", label: "dog" } });
    expect(keyAction("4", labels)).toBeNull(); // only three labels
    expect(keyAction("0", labels)).toBeNull();
    expect(keyAction("d", labels)).toEqual({ kind: "decide", decision: { kind: "delete" } });
    expect(keyAction("k", labels)).toEqual({ kind: "decide", decision: { kind: "keep" } });
    expect(keyAction("u", labels)).toEqual({ kind: "undo" });
    expect(keyAction("Enter", labels)).toEqual({ kind: "open" });
    expect(keyAction("x", labels)).toBeNull();
  });

  it("moves within bounds, by rows of `columns`", () => {
    expect(moveIndex(0, 10, -1, false, 4)).toBeNull();
    expect(moveIndex(0, 10, 1, false, 4)).toBe(1);
    expect(moveIndex(1, 10, 1, true, 4)).toBe(5);
    expect(moveIndex(7, 10, 1, true, 4)).toBeNull();
    expect(moveIndex(5, 10, -1, true, 4)).toBe(1);
    expect(moveIndex(0, 0, 1, false, 1)).toBeNull();
  });
});

describe("items after apply and undo", () => {
  it("follow moves, hide trashed images, and come back on undo", () => {
    const items = [item("ds/cat/a.jpg", 1), item("ds/cat/b.jpg", 0.5), item("ds/dog/c.jpg", 0.1)];
    afterApply(items, [{ from: "ds/cat/a.jpg", to: "ds/dog/a (2).jpg" }], ["ds/cat/b.jpg"], "ds");
    expect(items[0]).toMatchObject({ path: "ds/dog/a (2).jpg", given: "dog" });
    expect(items[1].gone).toBe(true);
    afterUndo(
      items,
      [
        { from: "ds/dog/a (2).jpg", to: "ds/cat/a.jpg" },
        { from: ".trash/b.jpg", to: "ds/cat/b.jpg" },
      ],
      [{ from: "ds/cat/a.jpg", to: "ds/dog/a (2).jpg" }],
      [{ path: "ds/cat/b.jpg", trashPath: ".trash/b.jpg" }],
      "ds",
    );
    expect(items[0]).toMatchObject({ path: "ds/cat/a.jpg", given: "cat" });
    expect(items[1].gone).toBe(false);
  });

  it("reads the label from a path", () => {
    expect(labelFromPath("ds/cat/x.jpg", "ds")).toBe("cat");
    expect(labelFromPath("ds/x.jpg", "ds")).toBeNull();
    expect(labelFromPath("other/cat/x.jpg", "ds")).toBeNull();
    expect(labelFromPath("cat/x.jpg", "")).toBe("cat");
  });

  it("formats probabilities", () => {
    expect(formatProbability(0.934)).toBe("93%");
    expect(formatProbability(0.999)).toBe("99.9%");
    expect(formatProbability(null)).toBe("–");
  });
});

describe("toReviewReport", () => {
  const clean = {
    labels: ["cat", "dog"],
    suspects: [
      { path: "ds/cat/a.jpg", given: "cat", predicted: "dog", probability: 0.1, score: 0.9, suggested: "dog", issue: "label", loss: 2.3, probabilities: [0.1, 0.9], split: "train" },
      { path: "ds/dog/b.jpg", given: "dog", predicted: "dog", probability: 0.8, score: 0.95, suggested: "dog", issue: "duplicate", loss: 0.22, probabilities: [0.2, 0.8], split: "valid" },
      { path: "ds/dog/z.jpg", given: "dog", predicted: "", probability: NaN, score: 1, suggested: "", issue: "unreadable", loss: NaN, probabilities: [], split: null },
    ],
    ranking: [
      { path: "ds/cat/a.jpg", given: "cat", predicted: "dog", probability: 0.1, loss: 2.3, probabilities: [0.1, 0.9], split: "train", score: 0.9, flagged: true },
      { path: "ds/cat/c.jpg", given: "cat", predicted: "cat", probability: 0.7, loss: 0.36, probabilities: [0.7, 0.3], split: "train", score: 0.3, flagged: false },
      { path: "ds/dog/b.jpg", given: "dog", predicted: "dog", probability: 0.8, loss: 0.22, probabilities: [0.2, 0.8], split: "valid", score: 0.2, flagged: false },
    ],
    duplicates: [{ a: "ds/dog/k.jpg", b: "ds/dog/b.jpg", similarity: 1, exact: true, leak: false }],
    outliers: [],
    unreadable: [{ path: "ds/dog/z.jpg", reason: "not an image" }],
  } as unknown as CleanReport;

  it("lists suspects by score, then every other image, with suggestions and details", () => {
    const report = toReviewReport("ds", clean, 0.25);
    expect(report.labels).toEqual(["cat", "dog"]);
    expect(report.errorRate).toBe(0.25);
    const order = visibleItems(report.items, { label: null, split: "all", issue: null });
    expect(order.map((i) => [i.path, i.issue, i.suggested])).toEqual([
      ["ds/dog/z.jpg", "unreadable", "delete"],
      ["ds/dog/b.jpg", "duplicate", "delete"],
      ["ds/cat/a.jpg", "label", "dog"],
      ["ds/cat/c.jpg", NO_ISSUE, null],
    ]);
    const byPath = new Map(report.items.map((i) => [i.path, i]));
    expect(byPath.get("ds/cat/a.jpg")).toMatchObject({ predicted: "dog", probability: 0.9, loss: 2.3 });
    expect(byPath.get("ds/dog/z.jpg")).toMatchObject({ predicted: null, loss: null, detail: "not an image" });
    expect(byPath.get("ds/dog/b.jpg")?.detail).toBe("exact copy of ds/dog/k.jpg");
  });
});

describe("what a card says", () => {
  const base = { id: "ds/cat/a.png", path: "ds/cat/a.png", given: "cat", predicted: "dog", probability: 0.91, loss: 2.4, score: 0.9, suggested: "dog", split: "train" as const };

  it("names each issue kind in words, and any other kind capitalised", () => {
    expect(issueTitle("label")).toBe("Label may be wrong");
    expect(issueTitle("duplicate")).toBe("Duplicate");
    expect(issueTitle("no issue found")).toBe("No issue found");
    expect(issueTitle("something new")).toBe("Something new");
  });

  it("says why the image is listed", () => {
    expect(cardReason({ ...base, issue: "label" })).toBe("The model sees dog (91%), not cat.");
    expect(cardReason({ ...base, issue: "duplicate", detail: "exact copy of ds/cat/b.png" })).toBe("Exact copy of ds/cat/b.png.");
    expect(cardReason({ ...base, issue: "no issue found", predicted: "cat" })).toBe("Not flagged; shown after the suspects.");
    expect(cardReason({ ...base, issue: "label", predicted: "cat" })).toBe("The model is unsure this is cat.");
  });
});
