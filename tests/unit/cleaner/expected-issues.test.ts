// How many labels the cleaner expects are wrong: the below_threshold count, whatever the flag method.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTf } from "../../../src/classifier/tf-setup";
import { findIssues, type CleanItem } from "../../../src/cleaner/find";
import { findLabelIssues } from "../../../src/cleaner/suspects";
import { cleanJson, formatCleanReport } from "../../../src/cli/clean";
import { clusters } from "../support/clusters";

beforeAll(async () => {
  await setupTf();
});

describe("expected label issues", () => {
  it("counts the below_threshold flags on the out-of-fold probabilities, with any flag method", async () => {
    const labels = ["a", "b", "c"];
    const { x, y } = clusters(3, 20, 8, 0.7, 17);
    // Every 10th image moved to the next label: 6 wrong labels.
    const given = y.map((l, i) => (i % 10 === 3 ? (l + 1) % 3 : l));
    const items: CleanItem[] = x.map((embedding, i) => ({ path: `s/${labels[given[i]]}/${i}.png`, label: labels[given[i]], split: "train", hash: `h${i}`, embedding }));
    const byDefault = await findIssues({ labels, items }, { epochs: 5 });
    expect(byDefault.expectedLabelIssues).toBe(byDefault.ranking.filter((r) => r.flagged).length);
    expect(byDefault.expectedLabelIssues).toBeGreaterThan(0);
    const byCleanlab = await findIssues({ labels, items }, { epochs: 5, method: "confident_learning" });
    const index = new Map(items.map((it, i) => [it.path, i]));
    const probabilities = byCleanlab.ranking
      .slice()
      .sort((p, q) => (index.get(p.path) as number) - (index.get(q.path) as number))
      .map((r) => r.probabilities);
    expect(byCleanlab.expectedLabelIssues).toBe(findLabelIssues(probabilities, given, 3, "below_threshold").flagged.length);
    expect(byCleanlab.expectedLabelIssues).toBe(byDefault.expectedLabelIssues);
    // clean --json adds expected_label_issues beside cleanlab's estimated_label_issues; the text says both.
    const json = cleanJson(byCleanlab, { root: "/r", embedded: 0, cached: 0 });
    expect(json).toMatchObject({ estimated_label_issues: byCleanlab.estimatedLabelIssues, expected_label_issues: byCleanlab.expectedLabelIssues });
    // A listed file whose name clean --apply would refuse gets a note naming it and why; JSON says it per suspect.
    const odd = { ...byCleanlab, suspects: [{ ...byCleanlab.suspects[0], path: "s/a/bad\u001b[5m.png" }, ...byCleanlab.suspects.slice(1)] };
    expect(formatCleanReport(odd, 5)).toContain(String.raw`note: s/a/bad\u{001B}[5m.png cannot be moved or deleted by clean --apply (its path: it contains a control character)`);
    expect(formatCleanReport(byCleanlab, 5)).not.toContain("note:");
    const oddJson = cleanJson(odd, { root: "/r", embedded: 0, cached: 0 }) as { suspects: { apply_refused: string | null }[] };
    expect(oddJson.suspects.map((x) => x.apply_refused)).toEqual(["it contains a control character", ...byCleanlab.suspects.slice(1).map(() => null)]);
    expect(formatCleanReport(byCleanlab, 5)).toContain(`about ${byCleanlab.expectedLabelIssues} wrong label(s) expected; cleanlab's calibrated count, which also counts the heads' own confusions: ${byCleanlab.estimatedLabelIssues}`);
  });
});
