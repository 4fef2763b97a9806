// Exact copies of an image under two labels are a "conflict": every copy is listed, the
// suggestion comes from out-of-fold evidence, the correctly labelled copy is kept and never
// moved, and the last copy is never suggested for deletion. (Issue 12, case 1: a grizzly image
// copied into `black` made the cleaner suggest deleting the grizzly copy.)
import { beforeAll, describe, expect, it } from "vitest";
import { setupTf } from "../../../src/classifier/tf-setup";
import { conflictAction, describeConflict, findIssues, type CleanInput } from "../../../src/cleaner/find";
import { toReviewReport } from "../../../src/cleaner/review-report";
import { issueKinds } from "../../../src/cleaner/review-items";
import { seededRandom } from "../../../src/shared/random";

/** Two separable labels of 12 images; `copies` adds byte-identical copies (same hash, same embedding) under other labels. */
function input(copies: { of: string; as: string }[], indistinguishable = false): CleanInput {
  const random = seededRandom(3);
  const items: CleanInput["items"] = [];
  for (const [li, label] of ["black", "grizzly"].entries()) {
    for (let i = 0; i < 12; i++) {
      // Indistinguishable: both labels drawn from one distribution, so no head can tell them apart.
      const embedding = Float32Array.from({ length: 8 }, (_, d) => (!indistinguishable && d === li ? 3 : 0) + random());
      items.push({ path: `bears/${label}/${label}_${i}.png`, label, split: i < 10 ? "train" : "valid", hash: `${label}${i}`, embedding });
    }
  }
  for (const c of copies) {
    const original = items.find((it) => it.path === c.of);
    if (!original) throw new Error(c.of);
    items.push({ ...original, path: c.as, label: c.as.split("/")[1] });
  }
  return { labels: ["black", "grizzly"], items };
}

const fast = { folds: 4, repeats: 1, seed: 1 };
beforeAll(async () => {
  await setupTf();
});

describe("conflicts: the same image under two labels", () => {
  it("lists both copies together, keeps the correctly labelled one and suggests deleting the misfiled one", async () => {
    const report = await findIssues(input([{ of: "bears/grizzly/grizzly_3.png", as: "bears/black/grizzly_3 copy.png" }]), fast);
    expect(report.conflicts).toHaveLength(1);
    const c = report.conflicts[0];
    expect(c.paths).toEqual(["bears/grizzly/grizzly_3.png", "bears/black/grizzly_3 copy.png"]);
    expect(c.labels).toEqual(["grizzly", "black"]);
    expect(c.evidence).toBe("grizzly");
    expect(c.probabilities.grizzly).toBeGreaterThan(2 * c.probabilities.black);

    const bySuspect = new Map(report.suspects.map((s) => [s.path, s]));
    const right = bySuspect.get("bears/grizzly/grizzly_3.png");
    const wrong = bySuspect.get("bears/black/grizzly_3 copy.png");
    expect(right?.issue).toBe("conflict");
    expect(wrong?.issue).toBe("conflict");
    expect(conflictAction(right ?? {})).toBe("keep");
    expect(conflictAction(wrong ?? {})).toBe("delete");
    // The correctly labelled copy is never suggested a move: its suggestion is its own label.
    expect(right?.suggested).toBe("grizzly");
    expect(describeConflict(wrong ?? { given: "" })).toBe(
      "same image as bears/grizzly/grizzly_3.png (grizzly); heads that never saw it say grizzly: delete this copy (the one under grizzly is kept)",
    );
    // Listed together: adjacent in the ranking.
    const order = report.suspects.map((s) => s.path);
    expect(Math.abs(order.indexOf("bears/grizzly/grizzly_3.png") - order.indexOf("bears/black/grizzly_3 copy.png"))).toBe(1);
    // Neither copy is a "duplicate" to delete whatever its label.
    expect(report.suspects.filter((s) => s.path.includes("grizzly_3") && s.issue !== "conflict")).toEqual([]);

    // The pane: "delete" for the misfiled copy, nothing for the kept one, and a filter of its own.
    const review = toReviewReport("bears", report, null);
    const card = (p: string) => review.items.find((i) => i.path === p);
    expect(card("bears/black/grizzly_3 copy.png")).toMatchObject({ issue: "conflict", suggested: "delete" });
    expect(card("bears/grizzly/grizzly_3.png")).toMatchObject({ issue: "conflict", suggested: null });
    expect(card("bears/grizzly/grizzly_3.png")?.detail).toMatch(/keep this copy/);
    expect(issueKinds(review.items)).toContain("conflict");
  });

  it("never suggests deleting every copy: with extra copies under the right label, exactly one is kept", async () => {
    const report = await findIssues(
      input([
        { of: "bears/grizzly/grizzly_3.png", as: "bears/black/g3.png" },
        { of: "bears/grizzly/grizzly_3.png", as: "bears/grizzly/grizzly_3 (1).png" },
      ]),
      fast,
    );
    const copies = report.suspects.filter((s) => s.issue === "conflict");
    expect(copies.map((s) => [s.path, conflictAction(s)]).sort()).toEqual([
      ["bears/black/g3.png", "delete"],
      ["bears/grizzly/grizzly_3 (1).png", "delete"],
      ["bears/grizzly/grizzly_3.png", "keep"],
    ]);
  });

  it("suggests nothing when the evidence does not favour one label (the user decides)", async () => {
    const report = await findIssues(input([{ of: "bears/grizzly/grizzly_3.png", as: "bears/black/grizzly_3.png" }], true), fast);
    expect(report.conflicts).toHaveLength(1);
    const c = report.conflicts[0];
    expect(c.evidence).toBeNull();
    expect(c.probabilities.black).toBeGreaterThan(c.probabilities.grizzly / 2);
    expect(c.probabilities.grizzly).toBeGreaterThan(c.probabilities.black / 2);
    const copies = report.suspects.filter((s) => s.issue === "conflict");
    expect(copies).toHaveLength(2);
    for (const s of copies) {
      expect(conflictAction(s)).toBeNull();
      expect(s.suggested).toBe(s.given);
      expect(describeConflict(s)).toMatch(/the evidence favours no label: decide which copy to keep/);
    }
    const review = toReviewReport("bears", report, null);
    for (const i of review.items.filter((x) => x.issue === "conflict")) expect(i.suggested).toBeNull();
  });
});
