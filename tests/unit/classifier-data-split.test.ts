import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hash32, sha256Hex, unitHash } from "../../src/classifier/hash";
import { assignSplit, assignSplitDetailed, splitScore, validPctProblem, type SplitItem } from "../../src/classifier/split";

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
  it("keeps about 20% for validation on 1,000 items, stratified per label", () => {
    const data = items(1000, ["a", "b", "c", "d"]);
    const split = assignSplit(data);
    const valid = data.filter((d) => split.get(d.path) === "valid");
    expect(valid.length).toBeGreaterThan(160);
    expect(valid.length).toBeLessThan(240);
    for (const label of ["a", "b", "c", "d"]) {
      const n = valid.filter((d) => d.label === label).length;
      expect(n).toBeGreaterThan(30);
      expect(n).toBeLessThan(70);
    }
  });

  it("gives each file the split its hash score says, unless corrected", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("x", "y", "z"), fc.string()), { maxLength: 60 }), fc.integer(), fc.double({ min: 0, max: 0.9, noNaN: true }), (rows, seed, validPct) => {
        const data = rows.map(([label, content], i) => ({ path: `${label}/${i}`, label, hash: content }));
        const { splits, corrected } = assignSplitDetailed(data, { seed, validPct });
        for (const d of data) {
          const base = splitScore(d.hash, seed) < validPct ? "valid" : "train";
          expect(splits.get(d.path)).toBe(corrected.get(d.hash) ?? base);
        }
      }),
    );
  });

  it("is stable when other files are added, deleted, moved or relabelled", () => {
    const data = items(300, ["cat", "dog", "owl"]);
    const before = assignSplitDetailed(data);
    const changed = [
      ...data.slice(20).map((d, i) => (i % 7 === 0 ? { ...d, path: `moved/${d.path}`, label: "dog" } : d)),
      ...items(50, ["cat", "emu"], "new"),
    ];
    const after = assignSplitDetailed(changed);
    let compared = 0;
    for (const d of changed) {
      const old = data.find((o) => o.hash === d.hash);
      if (!old || before.corrected.has(d.hash) || after.corrected.has(d.hash)) continue;
      expect(after.splits.get(d.path)).toBe(before.splits.get(old.path));
      compared++;
    }
    expect(compared).toBeGreaterThan(250);
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

  it("corrects a small label by moving its lowest-scoring image to valid", () => {
    // Find 3 hashes that all score above 0.2 under seed 42.
    const hashes = Array.from({ length: 50 }, (_, i) => `small-${i}`).filter((h) => splitScore(h, 42) >= 0.2).slice(0, 3);
    const data = [...hashes.map((hash, i) => ({ path: `few/${i}.png`, label: "few", hash })), ...items(40, ["many"])];
    const { splits, corrected } = assignSplitDetailed(data);
    const lowest = [...hashes].sort((a, b) => splitScore(a, 42) - splitScore(b, 42))[0];
    expect(corrected.get(lowest)).toBe("valid");
    expect(data.filter((d) => d.label === "few" && splits.get(d.path) === "valid").map((d) => d.hash)).toEqual([lowest]);
  });

  it("does not fix one label by emptying a side of another label that shares a duplicate", () => {
    // X = {a, b} both valid before correction, Y = {b, c} with b its only valid image; b scores above a,
    // so the naive fix for X (its highest-scoring image to train) would take Y's only valid image.
    const names = Array.from({ length: 400 }, (_, i) => `dup-${i}`);
    const high = names.filter((h) => splitScore(h, 42) >= 0.9);
    const low = names.filter((h) => splitScore(h, 42) < 0.9).sort((p, q) => splitScore(p, 42) - splitScore(q, 42));
    const [a, b, c] = [low[0], low[low.length - 1], high[0]];
    const data = [
      { path: "X/a.png", label: "X", hash: a },
      { path: "X/b.png", label: "X", hash: b },
      { path: "Y/b-copy.png", label: "Y", hash: b },
      { path: "Y/c.png", label: "Y", hash: c },
    ];
    const split = assignSplit(data, { validPct: 0.9 });
    expect(Object.fromEntries(split)).toEqual({ "X/a.png": "train", "X/b.png": "valid", "Y/b-copy.png": "valid", "Y/c.png": "train" });
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
