// Small pieces of the CLI's text: fold progress that agrees with the summary, printed paths,
// flag checks.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { foldProgress } from "../../../src/cli/clean";
import { shownPath, pathsNote } from "../../../src/cli/paths";
import { choiceProblem, integerProblem } from "../../../src/cli/args";
import { formatEpochTime } from "../../../src/classifier/format-time";

describe("CLI text", () => {
  it("counts folds per pass, as the summary does (5 folds, 2 passes: never 'fold 6 of 10')", () => {
    expect(foldProgress(1, 10, 5)).toBe("Cross-validation: fold 1 of 5 trained (pass 1 of 2)");
    expect(foldProgress(5, 10, 5)).toBe("Cross-validation: fold 5 of 5 trained (pass 1 of 2)");
    expect(foldProgress(6, 10, 5)).toBe("Cross-validation: fold 1 of 5 trained (pass 2 of 2)");
    expect(foldProgress(10, 10, 5)).toBe("Cross-validation: fold 5 of 5 trained (pass 2 of 2)");
    expect(foldProgress(3, 4, 4)).toBe("Cross-validation: fold 3 of 4 trained");
  });

  it("prints paths relative to the working directory, absolute outside it, and says so", () => {
    const cwd = process.cwd();
    expect(shownPath(cwd, "data/a/x.png")).toBe(path.join("data", "a", "x.png"));
    expect(shownPath(path.join(cwd, "vault"), "Fashion.model")).toBe(path.join("vault", "Fashion.model"));
    expect(shownPath("/elsewhere/root", "bears/x.png")).toBe("/elsewhere/root/bears/x.png");
    expect(pathsNote()).toBe(`Paths are relative to the working directory ${cwd} (absolute when outside it).\n`);
  });

  it("checks flag values with the flag's name and the value given", () => {
    expect(integerProblem("folds", undefined, 2, 50)).toBeNull();
    expect(integerProblem("folds", 5, 2, 50)).toBeNull();
    expect(integerProblem("folds", 2.5, 2, 50)).toBe("--folds must be a whole number from 2 to 50; got 2.5");
    expect(integerProblem("top", 0, 1)).toBe("--top must be a whole number of at least 1; got 0");
    expect(choiceProblem("method", "x", ["a", "b"])).toBe('--method must be one of a, b; got "x"');
  });

  it("shows an epoch's time with decimals under a minute", () => {
    expect(formatEpochTime(0.004)).toBe("0.00s");
    expect(formatEpochTime(0.4213)).toBe("0.42s");
    expect(formatEpochTime(9.996)).toBe("10.0s");
    expect(formatEpochTime(65)).toBe("01:05");
  });
});
