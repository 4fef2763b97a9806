// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeEstimate } from "../../../src/cleaner/review-items";
import { toReviewReport } from "../../../src/cleaner/review-report";
import type { CleanReport } from "../../../src/cleaner/find";
import { cleanerPlugin, press, sampleReport } from "./pane-support";

afterEach(() => {
  vi.restoreAllMocks();
  document.body.empty();
});

describe("cleaner: how many labels are likely wrong", () => {
  it("says the estimate against what has been decided, and when the rest are likely right", () => {
    expect(describeEstimate(undefined, 3)).toBe("");
    expect(describeEstimate(12, 0)).toBe("About 12 labels look wrong by confident learning's thresholds; you have relabelled or deleted 0.");
    expect(describeEstimate(1, 0)).toBe("About 1 label looks wrong by confident learning's thresholds; you have relabelled or deleted 0.");
    expect(describeEstimate(2, 2)).toBe("About 2 labels look wrong by confident learning's thresholds; you have relabelled or deleted 2: the images left are likely labelled right.");
    expect(describeEstimate(0, 0)).toBe("No label looks wrong by confident learning's thresholds; you have relabelled or deleted 0.");
  });

  it("the review report carries the finder's expected count (not cleanlab's calibrated one, which counts the heads' confusions too)", () => {
    const clean = { labels: ["cat", "dog"], suspects: [], ranking: [], duplicates: [], outliers: [], unreadable: [], estimatedLabelIssues: 17, expectedLabelIssues: 7 } as unknown as CleanReport;
    expect(toReviewReport("ds", clean, 0.1).expectedLabelIssues).toBe(7);
  });

  it("the pane shows it and counts decisions as they are made", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", { ...sampleReport(), expectedLabelIssues: 2 });
    const root = h.view().contentEl;
    const estimate = (): string | null | undefined => root.querySelector(".lesson-lab-cleaner-estimate")?.textContent;
    expect(estimate()).toBe("About 2 labels look wrong by confident learning's thresholds; you have relabelled or deleted 0.");
    const first = root.querySelector<HTMLElement>(".lesson-lab-cleaner-card");
    first?.focus();
    press(first as HTMLElement, "2");
    press(document.activeElement as HTMLElement, "d");
    expect(estimate()).toBe("About 2 labels look wrong by confident learning's thresholds; you have relabelled or deleted 2: the images left are likely labelled right.");
  });

  it("says nothing without an estimate", async () => {
    const h = await cleanerPlugin();
    await h.plugin.openCleaner("ds", sampleReport());
    expect(h.view().contentEl.querySelector(".lesson-lab-cleaner-estimate")?.textContent).toBe("");
  });
});
