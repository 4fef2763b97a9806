import { describe, expect, it } from "vitest";
import { DecisionBook, describeDecision, readDecisionBooks, sameDecision, writeDecisionBooks } from "../../../src/cleaner/decisions";

const fp = { size: 10, mtime: 1000 };

describe("DecisionBook", () => {
  it("sets, replaces, gets and lists in the order decisions were last made", () => {
    const b = new DecisionBook("ds");
    b.set("ds/a/1.jpg", { kind: "delete" }, fp, 1);
    b.set("ds/a/2.jpg", { kind: "keep" }, fp, 2);
    b.set("ds/a/1.jpg", { kind: "relabel", label: "b" }, fp, 3);
    expect(b.get("ds/a/1.jpg")?.decision).toEqual({ kind: "relabel", label: "b" });
    expect(b.entries().map((e) => e.path)).toEqual(["ds/a/2.jpg", "ds/a/1.jpg"]);
    expect(b.counts()).toEqual({ keep: 1, delete: 0, relabel: 1 });
    expect(b.size).toBe(2);
  });

  it("undoLast restores the previous decision, then none, in reverse order", () => {
    const b = new DecisionBook("ds");
    b.set("p", { kind: "delete" }, fp, 1);
    b.set("q", { kind: "keep" }, fp, 2);
    b.set("p", { kind: "relabel", label: "x" }, fp, 3);
    b.clear("q");
    expect(b.get("q")).toBeUndefined();
    expect(b.undoLast()).toBe("q");
    expect(b.get("q")?.decision.kind).toBe("keep");
    expect(b.undoLast()).toBe("p");
    expect(b.get("p")?.decision.kind).toBe("delete");
    expect(b.undoLast()).toBe("q");
    expect(b.get("q")).toBeUndefined();
    expect(b.undoLast()).toBe("p");
    expect(b.size).toBe(0);
    expect(b.undoLast()).toBeNull();
  });

  it("clear() empties the book; forget() drops settled paths and their undo steps", () => {
    const b = new DecisionBook("ds");
    b.set("p", { kind: "delete" }, fp);
    b.set("q", { kind: "delete" }, fp);
    b.forget(["p"]);
    expect(b.get("p")).toBeUndefined();
    expect(b.undoLast()).toBe("q");
    expect(b.undoLast()).toBeNull();
    b.set("r", { kind: "keep" }, fp);
    b.clear();
    expect(b.size).toBe(0);
    expect(b.undoLast()).toBeNull();
  });

  it("stores copies, so later changes to the caller's objects do not leak in", () => {
    const b = new DecisionBook("ds");
    const d = { kind: "relabel" as const, label: "x" };
    const f = { size: 1, mtime: 2 };
    b.set("p", d, f);
    d.label = "y";
    f.size = 99;
    expect(b.get("p")?.decision).toEqual({ kind: "relabel", label: "x" });
    expect(b.get("p")?.fingerprint.size).toBe(1);
  });

  it("refuses unusable input with a clear message", () => {
    const b = new DecisionBook("ds");
    expect(() => b.set("p", { kind: "relabel", label: "a/b" }, fp)).toThrow(/Cannot record a decision for "p": label/);
    expect(() => b.set("", { kind: "keep" }, fp)).toThrow(/not a vault file path/);
    expect(() => b.set("p", { kind: "keep" }, { size: -1, mtime: 0 })).toThrow(/fingerprint/);
    expect(() => b.set("p", { kind: "burn" } as never, fp)).toThrow(/unknown decision/);
  });

  it("round-trips through JSON", () => {
    const b = new DecisionBook("bears");
    b.set("bears/grizzly/1.jpg", { kind: "relabel", label: "black" }, { size: 5, mtime: 6, hash: "ab" }, 7);
    b.set("bears/grizzly/2.jpg", { kind: "delete" }, fp, 8);
    const { book, warnings } = DecisionBook.fromJSON(JSON.parse(JSON.stringify(b)) as unknown);
    expect(warnings).toEqual([]);
    expect(book.datasetFolder).toBe("bears");
    expect(book.entries()).toEqual(b.entries());
    expect(DecisionBook.fromJSON(JSON.stringify(b)).book.toJSON()).toEqual(b.toJSON());
  });

  it("reads bad and old data without crashing, dropping invalid entries with warnings", () => {
    const raw = {
      version: 1,
      datasetFolder: "ds",
      entries: [
        { path: "ok.jpg", decision: { kind: "delete" }, fingerprint: { size: 1, mtime: 2 } }, // old: no `at`
        { path: "bad.jpg", decision: { kind: "relabel" }, fingerprint: fp, at: 1 },
        { path: "nofp.jpg", decision: { kind: "keep" }, at: 1 },
        "garbage",
        null,
      ],
    };
    const { book, warnings } = DecisionBook.fromJSON(raw);
    expect(book.entries().map((e) => e.path)).toEqual(["ok.jpg"]);
    expect(book.get("ok.jpg")?.at).toBe(0);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/"bad.jpg": a relabel without a label/);
    expect(warnings[1]).toMatch(/"nofp.jpg": no valid fingerprint/);
    expect(warnings[2]).toMatch(/#4: not an object/);

    expect(DecisionBook.fromJSON("{not json", "ds").warnings[0]).toMatch(/not valid JSON/);
    expect(DecisionBook.fromJSON(42, "ds").book.datasetFolder).toBe("ds");
    expect(DecisionBook.fromJSON(undefined, "ds").warnings).toEqual([]);
    expect(DecisionBook.fromJSON({ version: 7, datasetFolder: "x", entries: "nope" }).warnings.join(" ")).toMatch(/version 7.*not a list/);
    // An older shape: entries keyed by path.
    const keyed = DecisionBook.fromJSON({ datasetFolder: "x", entries: { "x/a.jpg": { decision: { kind: "keep" }, fingerprint: fp, at: 1 } } });
    expect(keyed.book.get("x/a.jpg")?.decision.kind).toBe("keep");
  });

  it("sameDecision and describeDecision", () => {
    expect(sameDecision({ kind: "relabel", label: "a" }, { kind: "relabel", label: "a" })).toBe(true);
    expect(sameDecision({ kind: "relabel", label: "a" }, { kind: "relabel", label: "b" })).toBe(false);
    expect(sameDecision({ kind: "keep" }, { kind: "delete" })).toBe(false);
    expect(describeDecision({ kind: "relabel", label: "a" })).toBe('relabel as "a"');
  });
});

describe("readDecisionBooks / writeDecisionBooks", () => {
  it("keeps one book per dataset folder across a save and load, leaving empty books out", () => {
    const bears = new DecisionBook("bears");
    bears.set("bears/a/1.jpg", { kind: "delete" }, fp, 1);
    const cats = new DecisionBook("cats");
    cats.set("cats/x/2.jpg", { kind: "relabel", label: "y" }, fp, 2);
    const empty = new DecisionBook("empty");
    const stored = JSON.parse(JSON.stringify(writeDecisionBooks([bears, cats, empty]))) as unknown;
    const { books, warnings } = readDecisionBooks(stored);
    expect(warnings).toEqual([]);
    expect([...books.keys()]).toEqual(["bears", "cats"]);
    expect(books.get("cats")?.entries()).toEqual(cats.entries());
  });

  it("tolerates bad data", () => {
    expect(readDecisionBooks(undefined).books.size).toBe(0);
    expect(readDecisionBooks([1, 2]).warnings[0]).toMatch(/unknown shape/);
    const { books, warnings } = readDecisionBooks({
      bears: { version: 1, datasetFolder: "elsewhere", entries: [{ path: "bears/a.jpg", decision: { kind: "keep" }, fingerprint: fp, at: 1 }] },
      cats: "garbage",
    });
    expect(books.get("bears")?.datasetFolder).toBe("bears");
    expect(books.has("cats")).toBe(false);
    expect(warnings).toEqual(["cats: Stored decisions are not valid JSON; starting with none."]);
  });
});
