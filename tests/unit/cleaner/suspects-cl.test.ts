// Confident learning on hand-made probability tables: thresholds, the confident joint, its
// calibration, and exactly which images each flag method flags.
import { describe, expect, it } from "vitest";
import {
  labelScore,
  rankLabels,
  calibrateConfidentJoint,
  confidentJoint,
  findLabelIssues,
  perClassThresholds,
  precisionRecall,
  rankBySelfConfidence,
} from "../../../src/cleaner/suspects";

// Three labels; rows are out-of-fold probabilities, `given` the filed labels.
//  0-3 labelled 0, 4-7 labelled 1, 8-10 labelled 2.
const P = [
  [0.9, 0.05, 0.05], // 0 fine
  [0.8, 0.1, 0.1], // 1 fine
  [0.1, 0.85, 0.05], // 2 labelled 0, clearly a 1
  [0.5, 0.3, 0.2], // 3 unsure but its label is the most likely
  [0.05, 0.9, 0.05], // 4 fine
  [0.1, 0.8, 0.1], // 5 fine
  [0.05, 0.05, 0.9], // 6 labelled 1, clearly a 2
  [0.35, 0.45, 0.2], // 7 unsure, but no class other than its own reaches its threshold
  [0.05, 0.05, 0.9], // 8 fine
  [0.1, 0.2, 0.7], // 9 fine
  [0.6, 0.1, 0.3], // 10 labelled 2: p0 = 0.6 reaches t0 but is not far below t2
];
const given = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2];

describe("confident learning", () => {
  it("thresholds are the mean probability of each label over the images filed under it", () => {
    const t = perClassThresholds(P, given, 3);
    expect(t[0]).toBeCloseTo((0.9 + 0.8 + 0.1 + 0.5) / 4, 12);
    expect(t[1]).toBeCloseTo((0.9 + 0.8 + 0.05 + 0.45) / 4, 12);
    expect(t[2]).toBeCloseTo((0.9 + 0.7 + 0.3) / 3, 12);
    expect(perClassThresholds(P.slice(0, 4), given.slice(0, 4), 3)[2]).toBeNaN();
  });

  it("counts each image in the most likely class that reaches its threshold", () => {
    // t = [0.575, 0.55, 0.633…]
    const joint = confidentJoint(P, given, 3);
    expect(joint.confident).toEqual([0, 0, 1, -1, 1, 1, 2, -1, 2, 2, 0]);
    expect(joint.counts).toEqual([
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 2],
    ]);
  });

  it("picks the likelier of two confident classes, not the first", () => {
    // Labelled 0; both 1 (0.45 ≥ 0.3) and 2 (0.5 ≥ 0.3) reach their thresholds: 2 wins.
    const probs = [
      [0.05, 0.45, 0.5],
      [1, 0, 0],
      [0, 0.3, 0.7],
      [0, 0.15, 0.85],
      [0.7, 0.3, 0],
      [0.9, 0, 0.1],
    ];
    const labels = [0, 1, 1, 2, 2, 0];
    const t = perClassThresholds(probs, labels, 3);
    expect(t[1]).toBeCloseTo(0.15, 12);
    expect(t[2]).toBeCloseTo(0.425, 12);
    expect(confidentJoint(probs, labels, 3).confident[0]).toBe(2);
  });

  it("flags the off-diagonals with confident_learning, lowest self-confidence first, suggesting the confident class", () => {
    const issues = findLabelIssues(P, given, 3, "confident_learning");
    expect(issues.flagged).toEqual([6, 2, 10]);
    expect(Object.fromEntries(issues.suggested)).toEqual({ 6: 2, 2: 1, 10: 0 });
  });

  it("confident_tail keeps only the flags far below their label's usual confidence", () => {
    // p(given) vs fraction · t: 6: 0.05 vs 0.055 (0.1); 2: 0.1 vs 0.115 (0.2); 10: 0.3 vs 0.317 (0.5).
    expect(findLabelIssues(P, given, 3, "confident_tail", 0.5).flagged).toEqual([6, 2, 10]);
    expect(findLabelIssues(P, given, 3, "confident_tail", 0.1).flagged).toEqual([6]);
    expect(findLabelIssues(P, given, 3, "confident_tail", 0.2).flagged).toEqual([6, 2]);
  });

  it("below_threshold flags images far below their label's threshold that another label beats", () => {
    // p(given) vs fraction · t: 6: 0.05 vs 0.0825 (0.15); 2: 0.1 vs 0.115 (0.2); 10: 0.3 vs 0.317 (0.5).
    expect(findLabelIssues(P, given, 3, "below_threshold").flagged).toEqual([6]);
    expect(findLabelIssues(P, given, 3, "below_threshold", 0.2).flagged).toEqual([6, 2]);
    expect(findLabelIssues(P, given, 3, "below_threshold", 0.5).flagged).toEqual([6, 2, 10]);
    // Never an image whose own label is the most likely, however low (3 and 7 at any fraction).
    expect(findLabelIssues(P, given, 3, "below_threshold", 1).flagged).toEqual([6, 2, 10]);
  });

  it("below_threshold also flags an image torn between two other labels, where confident learning sees nothing", () => {
    // Image 2 is filed under 0 but sits between 1 and 2, neither reaching its threshold (0.85).
    const Q = [
      [0.9, 0.05, 0.05],
      [0.8, 0.1, 0.1],
      [0.05, 0.5, 0.45],
      [0.1, 0.9, 0],
      [0.1, 0.8, 0.1],
      [0, 0.1, 0.9],
      [0.1, 0.1, 0.8],
    ];
    const q = [0, 0, 0, 1, 1, 2, 2];
    expect(findLabelIssues(Q, q, 3, "confident_learning").flagged).toEqual([]);
    const issues = findLabelIssues(Q, q, 3, "below_threshold");
    expect(issues.flagged).toEqual([2]);
    expect(issues.suggested.get(2)).toBe(1);
  });

  it("ranks label suspects by log_ratio (the likeliest other label against the given one) or by self-confidence", () => {
    // A: given 0 at 0.3, one other label at 0.7 (2.3 times likelier). B: given 0 at 0.2, two others at 0.4 (2 times).
    const A = [0.3, 0.7, 0];
    const B = [0.2, 0.4, 0.4];
    const C = [0.9, 0.05, 0.05];
    expect(labelScore(A, 0, "log_ratio")).toBeCloseTo(0.7, 12);
    expect(labelScore(B, 0, "log_ratio")).toBeCloseTo(0.4 / 0.6, 12);
    expect(labelScore(C, 0, "log_ratio")).toBeCloseTo(0.05 / 0.95, 12);
    expect(labelScore(B, 0, "self_confidence")).toBeCloseTo(0.8, 12);
    expect(labelScore([0, 0, 0], 0, "log_ratio")).toBe(0.5);
    expect(rankLabels([C, B, A], [0, 0, 0], "log_ratio")).toEqual([2, 1, 0]);
    expect(rankLabels([C, B, A], [0, 0, 0], "self_confidence")).toEqual([1, 2, 0]);
    expect(rankLabels([C, B, A], [0, 0, 0], "self_confidence")).toEqual(rankBySelfConfidence([C, B, A], [0, 0, 0]));
  });

  it("calibrates each row of the joint to its label's count, keeping whole numbers and row totals", () => {
    expect(calibrateConfidentJoint([[2, 1, 0], [0, 2, 1], [1, 0, 2]], [4, 4, 3])).toEqual([
      [3, 1, 0],
      [0, 3, 1],
      [1, 0, 2],
    ]);
    // A label with no confident image keeps all its images on the diagonal.
    expect(calibrateConfidentJoint([[0, 0], [1, 1]], [5, 4])).toEqual([
      [5, 0],
      [2, 2],
    ]);
    // 1/3 each of 10: 3.33 → largest remainders, first index on ties.
    expect(calibrateConfidentJoint([[1, 1, 1]], [10])).toEqual([[4, 3, 3]]);
  });

  it("prune_by_noise_rate removes the calibrated count per cell by margin, never an image predicted as its label", () => {
    const issues = findLabelIssues(P, given, 3, "prune_by_noise_rate");
    expect(issues.calibrated).toEqual([
      [3, 1, 0],
      [0, 3, 1],
      [1, 0, 2],
    ]);
    expect(issues.estimatedIssues).toBe(3);
    expect(issues.flagged).toEqual([6, 2, 10]);
    // prune_by_class: per label, the calibrated off-diagonal count of lowest self-confidence images.
    expect(findLabelIssues(P, given, 3, "prune_by_class").flagged).toEqual([6, 2, 10]);
  });

  it("prune_by_noise_rate skips images whose argmax is their label even when the count reaches them", () => {
    // Label 0: z is confidently a 2, c confidently a 0, b, n1, n2 are confident in nothing.
    // Calibration scales row 0's [1, 0, 1] to 5 images: [3, 0, 2], so cell (0, 2) prunes two
    // images by margin p2 − p0: z (0.85) and b (−0.1). b's argmax is 0, its label: kept.
    const probs = [
      [0.05, 0.05, 0.9], // z
      [0.5, 0.1, 0.4], // b
      [0.98, 0.01, 0.01], // c
      [0.5, 0.45, 0.05], // n1
      [0.5, 0.45, 0.05], // n2
      [0.1, 0.8, 0.1],
      [0.1, 0.8, 0.1],
      [0.05, 0.05, 0.9],
      [0.05, 0.05, 0.9],
    ];
    const labels = [0, 0, 0, 0, 0, 1, 1, 2, 2];
    expect(confidentJoint(probs, labels, 3).confident).toEqual([2, -1, 0, -1, -1, 1, 1, 2, 2]);
    const issues = findLabelIssues(probs, labels, 3, "prune_by_noise_rate");
    expect(issues.calibrated[0]).toEqual([3, 0, 2]);
    expect(issues.flagged).toEqual([0]);
    expect(issues.suggested.get(0)).toBe(2);
  });

  it("ranks by self-confidence, lowest first, ties by index", () => {
    expect(rankBySelfConfidence(P, given)).toEqual([6, 2, 10, 7, 3, 9, 1, 5, 0, 4, 8]);
  });

  it("rejects labels and rows that do not fit", () => {
    expect(() => findLabelIssues([[0.5, 0.5]], [2], 2)).toThrow(/outside 0\.\.1/);
    expect(() => findLabelIssues([[1]], [0], 2)).toThrow(/1 probabilities for 2 labels/);
    expect(() => findLabelIssues([[0.5, 0.5]], [0, 1], 2)).toThrow(/1 probability rows for 2 labels/);
  });

  it("precision and recall", () => {
    expect(precisionRecall([1, 2, 3, 3], new Set([2, 3, 4, 5]))).toEqual({ precision: 2 / 3, recall: 0.5, found: 3, hits: 2 });
    expect(precisionRecall([], new Set([1]))).toEqual({ precision: 0, recall: 0, found: 0, hits: 0 });
  });
});
