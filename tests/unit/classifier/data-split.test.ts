import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hash32, sha256Hex, unitHash } from "../../../src/shared/hash";
import { assignSplit, assignSplitDetailed, splitScore, validPctProblem, validQuota, type SplitItem } from "../../../src/classifier/split";

function items(n: number, labels: string[], prefix = "f"): SplitItem[] {
  return Array.from({ length: n }, (_, i) => ({
    path: `${labels[i % labels.length]}/${prefix}${i}.jpg`,
    label: labels[i % labels.length],
    hash: `${prefix}-content-${i}`,
  }));
}

describe("hashes", () => {
  it("sha256Hex matches the known digest of 'abc'", async () => {
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("sha256Hex hashes only the view, not the whole underlying buffer", async () => {
    const big = new TextEncoder().encode("xxabcxx");
    expect(await sha256Hex(big.subarray(2, 5))).toBe(await sha256Hex(new TextEncoder().encode("abc")));
  });

  it("hash32 is deterministic, seed-dependent and spreads evenly", () => {
    expect(hash32("hello", 1)).toBe(hash32("hello", 1));
    expect(hash32("hello", 1)).not.toBe(hash32("hello", 2));
    expect(hash32("hello", 1)).not.toBe(hash32("hellp", 1));
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) buckets[Math.floor(unitHash(`item-${i}`, 42) * 10)]++;
    for (const b of buckets) {
      expect(b).toBeGreaterThan(850);
      expect(b).toBeLessThan(1150);
    }
  });
});

describe("assignSplit", () => {
  it("stratifies exactly: each label gives round(share × count) images to validation (16 circles and 15 stripes at 20%: 3 and 3)", () => {
    const data = [...items(16, ["circles"], "c"), ...items(15, ["stripes"], "s")];
    const { splits, labels } = assignSplitDetailed(data, { validPct: 0.2 });
    const valid = (label: string): number => data.filter((d) => d.label === label && splits.get(d.path) === "valid").length;
    expect(valid("circles")).toBe(3);
    expect(valid("stripes")).toBe(3);
    expect(labels.get("circles")).toEqual({ contents: 16, quota: 3, valid: 3 });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 5 }), fc.integer(), fc.integer({ min: 0, max: 90 }), (sizes, seed, pct) => {
        const rows = sizes.flatMap((n, l) => items(n, [`L${l}`], `x${l}-`));
        const split = assignSplit(rows, { seed, validPct: pct / 100 });
        sizes.forEach((n, l) => {
          const got = rows.filter((d) => d.label === `L${l}` && split.get(d.path) === "valid").length;
          expect(got).toBe(validQuota(n, pct / 100));
        });
      }),
    );
  });

  it("rounds halves up, with at least one image on each side of a label of 2 or more, none of a label of 1 in validation", () => {
    const cases: [number, number, number][] = [
      [16, 0.2, 3], // 3.2
      [15, 0.2, 3], // 3.0
      [15, 0.3, 5], // 4.5: half up
      [10, 0.25, 3], // 2.5: half up
      [10, 0.35, 4], // 3.5 (0.35 × 10 is 3.4999999999999996 in floating point)
      [17, 0.5, 9], // 8.5
      [1000, 0.2, 200],
      [2, 0.2, 1], // 0.4 → 0, but each side keeps one
      [2, 0.9, 1], // 1.8 → 2, but training keeps one
      [1, 0.5, 0], // one image: training
      [0, 0.2, 0],
      [50, 0, 0], // no validation set
    ];
    for (const [n, p, k] of cases) expect(validQuota(n, p), `${n} at ${p}`).toBe(k);
  });

  it("picks the lowest-scoring contents of each label (the seeded content hash)", () => {
    const data = items(40, ["a", "b"]);
    const split = assignSplit(data, { seed: 7 });
    for (const label of ["a", "b"]) {
      const mine = data.filter((d) => d.label === label).sort((x, y) => splitScore(x.hash, 7) - splitScore(y.hash, 7));
      expect(mine.map((d) => split.get(d.path))).toEqual(mine.map((_, i) => (i < 4 ? "valid" : "train")));
    }
  });

  it("adding or removing one image changes the side of at most one other image, of the same label only", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 2, max: 20 }), fc.integer(), fc.integer({ min: 1, max: 90 }), fc.string(), (na, nb, seed, pct, extra) => {
        const data = [...items(na, ["a"], "a"), ...items(nb, ["b"], "b")];
        const before = assignSplit(data, { seed, validPct: pct / 100 });
        const added = { path: "a/new.png", label: "a", hash: `new-${extra}` };
        const after = assignSplit([...data, added], { seed, validPct: pct / 100 });
        const moved = data.filter((d) => after.get(d.path) !== before.get(d.path));
        expect(moved.length).toBeLessThanOrEqual(1);
        for (const d of moved) expect(d.label).toBe("a");
        // Removing it again restores the previous split exactly.
        const removed = assignSplit(data, { seed, validPct: pct / 100 });
        for (const d of data) expect(removed.get(d.path)).toBe(before.get(d.path));
      }),
    );
  });

  it("is stable for a label when other labels' files are added, deleted, moved or renamed", () => {
    const data = items(300, ["cat", "dog", "owl"]);
    const before = assignSplit(data);
    const changed = [
      ...data.filter((d) => d.label === "owl").map((d) => ({ ...d, path: `renamed/${d.path}` })),
      ...data.filter((d) => d.label === "cat"),
      ...items(50, ["emu"], "new"),
    ];
    const after = assignSplit(changed);
    for (const d of changed) {
      const old = data.find((o) => o.hash === d.hash);
      if (old) expect(after.get(d.path)).toBe(before.get(old.path));
    }
  });

  it("keeps identical images (same content hash) on the same side, across labels", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("x", "y"), fc.integer({ min: 0, max: 8 })), { maxLength: 40 }), fc.integer(), (rows, seed) => {
        const data = rows.map(([label, c], i) => ({ path: `${label}/${i}.png`, label, hash: `h${c}` }));
        const split = assignSplit(data, { seed });
        const side = new Map<string, string>();
        for (const d of data) {
          const s = split.get(d.path) ?? "missing";
          expect(side.get(d.hash) ?? s).toBe(s);
          side.set(d.hash, s);
        }
      }),
    );
  });

  it("counts copies once; a content shared by two labels is placed by the first label, and the second fills its quota around it", () => {
    // X's lowest-scoring content is shared with Y: X puts it in validation, Y counts it there.
    const xs = items(10, ["X"], "x");
    const lowest = [...xs].sort((a, b) => splitScore(a.hash, 42) - splitScore(b.hash, 42))[0];
    const data = [...xs, { path: "X/copy.png", label: "X", hash: lowest.hash }, { path: "Y/shared.png", label: "Y", hash: lowest.hash }, ...items(9, ["Y"], "y")];
    const { splits, labels } = assignSplitDetailed(data, { validPct: 0.2 });
    expect(splits.get("X/copy.png")).toBe("valid");
    expect(splits.get("Y/shared.png")).toBe("valid");
    expect(labels.get("X")).toEqual({ contents: 10, quota: 2, valid: 2 });
    expect(labels.get("Y")).toEqual({ contents: 10, quota: 2, valid: 2 });
    expect(data.filter((d) => d.label === "Y" && splits.get(d.path) === "valid").length).toBe(2);
  });

  it("different seeds give different splits", () => {
    const data = items(200, ["a", "b"]);
    const a = assignSplit(data, { seed: 1 });
    const b = assignSplit(data, { seed: 2 });
    const differing = data.filter((d) => a.get(d.path) !== b.get(d.path)).length;
    expect(differing).toBeGreaterThan(30);
  });

  it("gives every label with 2 or more images at least one valid and one train image", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("p", "q", "r", "s"), { minLength: 1, maxLength: 30 }), fc.integer(), fc.double({ min: 0.01, max: 0.9, noNaN: true }), (labels, seed, validPct) => {
        const data = labels.map((label, i) => ({ path: `${label}/${i}`, label, hash: `c${i}` }));
        const split = assignSplit(data, { seed, validPct });
        for (const label of new Set(labels)) {
          const sides = data.filter((d) => d.label === label).map((d) => split.get(d.path));
          if (sides.length < 2) continue;
          expect(sides).toContain("valid");
          expect(sides).toContain("train");
        }
      }),
    );
  });

  it("validPct 0 puts everything in train; out-of-range values are refused with a clear message", () => {
    const data = items(50, ["a", "b"]);
    expect([...assignSplit(data, { validPct: 0 }).values()].every((s) => s === "train")).toBe(true);
    expect(validPctProblem(0.2)).toBeNull();
    for (const bad of [-0.1, 0.95, 1, Number.NaN, Infinity]) {
      expect(validPctProblem(bad)).toMatch(/from 0 to 0.9/);
      expect(() => assignSplit(data, { validPct: bad })).toThrow(/validation fraction must be a number from 0 to 0.9/);
    }
  });

  it("does not depend on the order of the items", () => {
    const data = items(120, ["a", "b", "c"]);
    const forward = assignSplit(data);
    const backward = assignSplit([...data].reverse());
    for (const d of data) expect(backward.get(d.path)).toBe(forward.get(d.path));
  });
});
