import { describe, expect, it } from "vitest";
import { DecisionBook } from "../../../src/cleaner/decisions";
import { planBatch, planTargets, summary } from "../../../src/cleaner/plan";
import { MemoryVault } from "../support/memory-vault";

const LABELS = ["grizzly", "black", "teddy"];

function setup(files: Record<string, string>) {
  const vault = new MemoryVault("bears", files);
  const book = new DecisionBook("bears");
  const decide = (path: string, d: Parameters<DecisionBook["set"]>[1]) => book.set(path, d, vault.stat(path)!);
  const plan = () => planBatch(book, { datasetFolder: "bears", labels: LABELS, vault });
  return { vault, book, decide, plan };
}

describe("planBatch", () => {
  it("plans moves and deletions, and counts keeps", () => {
    const { decide, plan } = setup({ "bears/grizzly/a.jpg": "1", "bears/grizzly/b.jpg": "2", "bears/black/c.jpg": "3" });
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "black" });
    decide("bears/grizzly/b.jpg", { kind: "delete" });
    decide("bears/black/c.jpg", { kind: "keep" });
    const p = plan();
    expect(p.moves).toMatchObject([{ from: "bears/grizzly/a.jpg", to: "bears/black/a.jpg", label: "black", fromLabel: "grizzly", renamed: false, createsFolder: false }]);
    expect(p.deletions.map((d) => d.path)).toEqual(["bears/grizzly/b.jpg"]);
    expect(p.kept).toBe(1);
    expect(p.skipped).toEqual([]);
    expect(summary(p)).toMatch(/^1 move, 1 deletion\./);
    const linked = summary(p, (path) => (path.endsWith("a.jpg") ? ["Lesson 2.md", "Bears.md"] : []));
    expect(linked).toContain("- bears/grizzly/a.jpg → bears/black/a.jpg\n  links follow, from: Lesson 2.md, Bears.md\n");
    expect(linked.endsWith("- bears/grizzly/b.jpg")).toBe(true);
    expect(linked).not.toContain("links will break");
    expect(summary(p, () => ["N.md"])).toContain("- bears/grizzly/b.jpg\n  links will break, from: N.md");
    expect(planTargets(p)).toEqual([
      { path: "bears/grizzly/a.jpg", action: "move to bears/black/a.jpg" },
      { path: "bears/grizzly/b.jpg", action: "move to the trash" },
    ]);
  });

  it("gives free names on collision with existing files and with other moves of the batch", () => {
    const { decide, plan } = setup({
      "bears/black/a.jpg": "existing",
      "bears/black/a (2).jpg": "existing 2",
      "bears/grizzly/a.jpg": "g",
      "bears/teddy/a.jpg": "t",
      "bears/teddy/a (2).jpg": "t2",
    });
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "black" });
    decide("bears/teddy/a.jpg", { kind: "relabel", label: "black" });
    decide("bears/teddy/a (2).jpg", { kind: "relabel", label: "black" });
    const p = plan();
    expect(p.moves.map((m) => m.to)).toEqual(["bears/black/a (3).jpg", "bears/black/a (4).jpg", "bears/black/a (5).jpg"]);
    expect(p.moves.every((m) => m.renamed)).toBe(true);
    expect(summary(p)).toContain('(renamed: "a.jpg" is taken there)');
  });

  it("does not reuse a path the same batch vacates (a swap gets free names, not an order-dependent chain)", () => {
    const { decide, plan } = setup({ "bears/black/a.jpg": "b", "bears/grizzly/a.jpg": "g" });
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "black" });
    decide("bears/black/a.jpg", { kind: "relabel", label: "grizzly" });
    expect(plan().moves.map((m) => m.to)).toEqual(["bears/black/a (2).jpg", "bears/grizzly/a (2).jpg"]);
  });

  it("a label whose folder does not exist: the move creates it, and the plan says so", () => {
    const { decide, plan } = setup({ "bears/grizzly/a.jpg": "1", "bears/grizzly/b.jpg": "2" });
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "panda" });
    decide("bears/grizzly/b.jpg", { kind: "relabel", label: "panda" });
    const p = plan();
    expect(p.moves.map((m) => m.createsFolder)).toEqual([true, true]);
    expect(p.newFolders).toEqual(["bears/panda"]);
    expect(summary(p)).toContain('Creates the label folder "bears/panda".');
  });

  it("relabel to the label it already has is a no-op", () => {
    const { decide, plan } = setup({ "bears/grizzly/a.jpg": "1" });
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "grizzly" });
    const p = plan();
    expect(p.moves).toEqual([]);
    expect(p.skipped).toEqual([{ path: "bears/grizzly/a.jpg", code: "same-label", reason: 'already in "grizzly"' }]);
    expect(summary(p)).toMatch(/0 moves, 0 deletions, 1 skipped\.\nNothing to apply\./);
  });

  it("skips files changed, moved or deleted since review, with a clear reason", () => {
    const { vault, decide, plan } = setup({
      "bears/grizzly/changed.jpg": "1",
      "bears/grizzly/touched.jpg": "2",
      "bears/grizzly/moved.jpg": "3",
      "bears/grizzly/deleted.jpg": "4",
    });
    for (const n of ["changed", "touched", "moved", "deleted"]) decide(`bears/grizzly/${n}.jpg`, { kind: "delete" });
    vault.write("bears/grizzly/changed.jpg", "longer content");
    vault.write("bears/grizzly/touched.jpg", "2"); // same size, new mtime
    vault.rename("bears/grizzly/moved.jpg", "bears/black/moved.jpg");
    vault.remove("bears/grizzly/deleted.jpg");
    const p = plan();
    expect(p.deletions).toEqual([]);
    const byPath = Object.fromEntries(p.skipped.map((s) => [s.path, s]));
    expect(byPath["bears/grizzly/changed.jpg"]).toMatchObject({ code: "changed", reason: expect.stringMatching(/size 1 → 14 bytes/) as unknown });
    expect(byPath["bears/grizzly/touched.jpg"]).toMatchObject({ code: "changed", reason: expect.stringMatching(/modified/) as unknown });
    expect(byPath["bears/grizzly/moved.jpg"]).toMatchObject({ code: "missing", reason: expect.stringMatching(/no longer there/) as unknown });
    expect(byPath["bears/grizzly/deleted.jpg"].code).toBe("missing");
    expect(summary(p)).toContain("bears/grizzly/changed.jpg: it changed since review");
  });

  it("skips paths outside the dataset, the log note and unusable labels from old data", () => {
    const vault = new MemoryVault("bears", { "other/x.jpg": "1", "bears/Cleaner log.md": "log", "bears/grizzly/a.jpg": "2" });
    const { book } = DecisionBook.fromJSON({ datasetFolder: "bears", entries: [] });
    book.set("other/x.jpg", { kind: "delete" }, vault.stat("other/x.jpg")!);
    book.set("bears/Cleaner log.md", { kind: "delete" }, vault.stat("bears/Cleaner log.md")!);
    const p = planBatch(book, { datasetFolder: "bears", labels: LABELS, vault });
    expect(p.skipped.map((s) => s.code)).toEqual(["outside-dataset", "outside-dataset"]);
    expect(p.deletions).toEqual([]);
  });

  it("an empty book plans nothing", () => {
    const { plan } = setup({ "bears/grizzly/a.jpg": "1" });
    expect(summary(plan())).toBe("0 moves, 0 deletions.\nNothing to apply.");
  });
});
