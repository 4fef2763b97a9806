// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeEstimate } from "../../src/cleaner/obsidian/cards";
import { toReviewReport } from "../../src/cleaner/obsidian/report";
import type { CleanReport } from "../../src/cleaner/find";
import { cleanerPlugin, press, sampleReport } from "./cleaner-pane-support";

afterEach(() => {
  vi.restoreAllMocks();
  document.body.empty();
});

describe("cleaner: how many labels are likely wrong", () => {
  it("says the estimate against what has been decided, and when the rest are likely right", () => {
    expect(describeEstimate(undefined, 3)).toBe("");
    expect(describeEstimate(12, 0)).toBe("Confident learning estimates about 12 wrong labels in this dataset; you have relabelled or deleted 0.");
    expect(describeEstimate(1, 0)).toBe("Confident learning estimates about 1 wrong label in this dataset; you have relabelled or deleted 0.");
    expect(describeEstimate(2, 2)).toBe("Confident learning estimates about 2 wrong labels in this dataset; you have relabelled or deleted 2: the images left are likely labelled right.");
    expect(describeEstimate(0, 0)).toBe("Confident learning estimates no wrong labels in this dataset; you have relabelled or deleted 0.");
  });

  it("the review report carries the finder's estimate", () => {
    const clean = { labels: ["cat", "dog"], suspects: [], ranking: [], duplicates: [], outliers: [], unreadable: [], estimatedLabelIssues: 7 } as unknown as CleanReport;
    expect(toReviewReport("ds", clean, 0.1).estimatedLabelIssues).toBe(7);
  });

  it("the pane shows it and counts decisions as they are made", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", { ...sampleReport(), estimatedLabelIssues: 2 });
    const root = h.view().contentEl;
    const estimate = (): string | null | undefined => root.querySelector(".lesson-lab-cleaner-estimate")?.textContent;
    expect(estimate()).toBe("Confident learning estimates about 2 wrong labels in this dataset; you have relabelled or deleted 0.");
    const first = root.querySelector<HTMLElement>(".lesson-lab-cleaner-card");
    first?.focus();
    press(first as HTMLElement, "2");
    press(document.activeElement as HTMLElement, "d");
    expect(estimate()).toBe("Confident learning estimates about 2 wrong labels in this dataset; you have relabelled or deleted 2: the images left are likely labelled right.");
  });

  it("says nothing without an estimate", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    expect(h.view().contentEl.querySelector(".lesson-lab-cleaner-estimate")?.textContent).toBe("");
  });
});
