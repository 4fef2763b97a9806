import { describe, expect, it } from "vitest";
import { applyPlan, settleDecisions } from "../../../src/cleaner/apply";
import type { FileOps } from "../../../src/cleaner/batch-types";
import { newTrashEntry, trashBehaviour } from "../../../src/cleaner/trash";
import { undoBatch, undoMessage } from "../../../src/cleaner/undo";
import { DecisionBook } from "../../../src/cleaner/decisions";
import { planBatch } from "../../../src/cleaner/plan";
import { MemoryVault, type TrashMode } from "../support/memory-vault";

const LABELS = ["grizzly", "black", "teddy"];
const NOW = new Date("2026-11-25T21:00:45.123Z");

function setup(files: Record<string, string>, mode: TrashMode = "vault-trash") {
  const vault = new MemoryVault("bears", files);
  vault.trashMode = mode;
  const book = new DecisionBook("bears");
  const decide = (path: string, d: Parameters<DecisionBook["set"]>[1]) => book.set(path, d, vault.stat(path)!);
  const plan = () => planBatch(book, { datasetFolder: "bears", labels: LABELS, vault });
  return { vault, book, decide, plan };
}

const START = {
  "bears/grizzly/a.jpg": "grizzly a",
  "bears/grizzly/b.jpg": "grizzly b",
  "bears/black/a.jpg": "black a",
  "bears/teddy/b.jpg": "teddy b",
  ".trash/b.jpg": "old trash b",
};

describe("applyPlan and undoBatch", () => {
  for (const mode of ["vault-trash", "system", "deleted"] as const) {
    it(`round-trips with the ${mode} trash`, async () => {
      const { vault, book, decide, plan } = setup(START, mode);
      decide("bears/grizzly/a.jpg", { kind: "relabel", label: "black" });
      decide("bears/grizzly/b.jpg", { kind: "relabel", label: "panda" });
      decide("bears/teddy/b.jpg", { kind: "delete" });
      const p = plan();
      const batch = await applyPlan(p, vault, NOW, "b1");
      expect(batch.id).toBe("b1");
      expect(batch.at).toBe("2026-11-25T21:00:45.123Z");
      expect(batch.failed).toEqual([]);
      expect(batch.moves.map((m) => [m.from, m.to])).toEqual([
        ["bears/grizzly/a.jpg", "bears/black/a (2).jpg"],
        ["bears/grizzly/b.jpg", "bears/panda/b.jpg"],
      ]);
      expect(vault.read("bears/black/a (2).jpg")).toBe("grizzly a");
      expect(vault.read("bears/black/a.jpg")).toBe("black a");
      expect(vault.read("bears/panda/b.jpg")).toBe("grizzly b");
      expect(vault.exists("bears/teddy/b.jpg")).toBe(false);
      if (mode === "vault-trash") {
        // .trash/b.jpg is taken by an older file: the new one gets a free name there too.
        expect(batch.trashed).toMatchObject([{ path: "bears/teddy/b.jpg", where: "vault-trash", trashPath: ".trash/b (2).jpg" }]);
        expect(vault.read(".trash/b.jpg")).toBe("old trash b");
      } else {
        expect(batch.trashed).toMatchObject([{ path: "bears/teddy/b.jpg", where: mode }]);
      }
      settleDecisions(book, p, batch);
      expect(book.size).toBe(0);

      const undo = await undoBatch(batch, vault, NOW);
      expect(undo.batchId).toBe("b1");
      expect(undo.failed).toEqual([]);
      expect(vault.read("bears/grizzly/a.jpg")).toBe("grizzly a");
      expect(vault.read("bears/grizzly/b.jpg")).toBe("grizzly b");
      expect(vault.exists("bears/black/a (2).jpg")).toBe(false);
      if (mode === "vault-trash") {
        expect(vault.read("bears/teddy/b.jpg")).toBe("teddy b");
        expect(undo.notRestorable).toEqual([]);
        expect(undo.restored).toContainEqual({ from: ".trash/b (2).jpg", to: "bears/teddy/b.jpg" });
      } else if (mode === "system") {
        expect(undo.notRestorable).toEqual([{ path: "bears/teddy/b.jpg", where: "system", message: expect.stringMatching(/"b.jpg" is in the system trash.*Recycle Bin.*"bears\/teddy"/) as unknown }]);
        expect(vault.systemTrash.map((t) => t.content)).toEqual(["teddy b"]);
      } else {
        expect(undo.notRestorable[0].message).toMatch(/deleted permanently.*cannot be restored/);
      }
      expect(vault.overwriteAttempts).toEqual([]);
      await expect(undoBatch({ ...batch, undo }, vault, NOW)).rejects.toThrow(/already undone/);
      expect(undoMessage(undo)).toMatch(mode === "vault-trash" ? /^Undo: 3 files restored\.$/ : /^Undo: 2 files restored\.\n"(b\.jpg|bears\/teddy\/b\.jpg)" /);
    });
  }

  it("re-checks right before each step: a file changed or removed after planning is skipped, not clobbered", async () => {
    const { vault, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "teddy" });
    decide("bears/grizzly/b.jpg", { kind: "delete" });
    decide("bears/teddy/b.jpg", { kind: "delete" });
    const p = plan();
    vault.write("bears/grizzly/a.jpg", "edited after review");
    vault.remove("bears/teddy/b.jpg");
    const batch = await applyPlan(p, vault, NOW);
    expect(batch.moves).toEqual([]);
    expect(batch.trashed.map((t) => t.path)).toEqual(["bears/grizzly/b.jpg"]);
    expect(batch.failed).toEqual([
      { path: "bears/grizzly/a.jpg", reason: expect.stringMatching(/^not moved: it changed since review/) as unknown },
      { path: "bears/teddy/b.jpg", reason: expect.stringMatching(/^not trashed: it is no longer there/) as unknown },
    ]);
    expect(vault.read("bears/grizzly/a.jpg")).toBe("edited after review");
  });

  it("recomputes a free name when the planned destination got taken after planning", async () => {
    const { vault, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "teddy" });
    const p = plan();
    expect(p.moves[0].to).toBe("bears/teddy/a.jpg");
    vault.write("bears/teddy/a.jpg", "arrived meanwhile");
    const batch = await applyPlan(p, vault, NOW);
    expect(batch.moves[0].to).toBe("bears/teddy/a (2).jpg");
    expect(vault.read("bears/teddy/a.jpg")).toBe("arrived meanwhile");
    expect(vault.overwriteAttempts).toEqual([]);
  });

  it("a destination taken between the check and the move is refused by the vault and recorded; the batch goes on", async () => {
    const { vault, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "teddy" });
    decide("bears/grizzly/b.jpg", { kind: "relabel", label: "black" });
    const p = plan();
    vault.beforeOp = (op, path) => {
      if (op === "move" && path === "bears/grizzly/a.jpg") vault.write("bears/teddy/a.jpg", "raced in");
    };
    const batch = await applyPlan(p, vault, NOW);
    expect(batch.failed).toEqual([{ path: "bears/grizzly/a.jpg", reason: 'not moved: move: "bears/teddy/a.jpg" already exists' }]);
    expect(batch.moves.map((m) => m.to)).toEqual(["bears/black/b.jpg"]);
    expect(vault.read("bears/teddy/a.jpg")).toBe("raced in");
    expect(vault.read("bears/grizzly/a.jpg")).toBe("grizzly a");
  });

  it("an error on one file is recorded and the batch goes on", async () => {
    const { vault, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "delete" });
    decide("bears/grizzly/b.jpg", { kind: "delete" });
    vault.failOp = (op, path) => (op === "trash" && path === "bears/grizzly/a.jpg" ? "disk on fire" : null);
    const batch = await applyPlan(plan(), vault, NOW);
    expect(batch.failed).toEqual([{ path: "bears/grizzly/a.jpg", reason: "not trashed: disk on fire" }]);
    expect(batch.trashed.map((t) => t.path)).toEqual(["bears/grizzly/b.jpg"]);
  });

  it("an adapter that reports an error after the move went through: the batch records where the file is", async () => {
    const { vault, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "teddy" });
    const flaky: FileOps = {
      exists: (p) => vault.exists(p),
      stat: (p) => vault.stat(p),
      mkdir: (p) => vault.mkdir(p),
      trash: (p) => vault.trash(p),
      move: async (from, to) => {
        await vault.move(from, to);
        throw new Error("index update failed");
      },
    };
    const batch = await applyPlan(plan(), flaky, NOW);
    expect(batch.failed).toEqual([]);
    expect(batch.moves.map((m) => m.to)).toEqual(["bears/teddy/a.jpg"]);
    // But a file that merely appeared at the destination while ours vanished is not taken for it.
    const { vault: v2, decide: d2, plan: p2 } = setup(START);
    d2("bears/grizzly/a.jpg", { kind: "relabel", label: "teddy" });
    const racing: FileOps = {
      exists: (p) => v2.exists(p),
      stat: (p) => v2.stat(p),
      mkdir: (p) => v2.mkdir(p),
      trash: (p) => v2.trash(p),
      move: (from, to) => {
        v2.remove(from);
        v2.write(to, "someone else");
        return Promise.reject(new Error("destination exists"));
      },
    };
    const b2 = await applyPlan(p2(), racing, NOW);
    expect(b2.moves).toEqual([]);
    expect(b2.failed).toEqual([{ path: "bears/grizzly/a.jpg", reason: "not moved: destination exists" }]);
  });

  it("a trash that fails after removing the file says to look in the trash", async () => {
    const { vault, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "delete" });
    const ops: FileOps = {
      exists: (p) => vault.exists(p),
      stat: (p) => vault.stat(p),
      mkdir: (p) => vault.mkdir(p),
      move: (a, b) => vault.move(a, b),
      trash: async (p) => {
        await vault.trash(p);
        throw new Error("no answer");
      },
    };
    const batch = await applyPlan(plan(), ops, NOW);
    expect(batch.failed[0].reason).toBe('not trashed: no answer; it is no longer at "bears/grizzly/a.jpg": look in the trash');
  });

  it("keeps decisions on changed files after apply, forgets settled ones", async () => {
    const { vault, book, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "delete" });
    decide("bears/grizzly/b.jpg", { kind: "relabel", label: "grizzly" });
    decide("bears/teddy/b.jpg", { kind: "delete" });
    decide("bears/black/a.jpg", { kind: "keep" });
    vault.write("bears/teddy/b.jpg", "changed");
    const p = plan();
    settleDecisions(book, p, await applyPlan(p, vault, NOW));
    expect(book.entries().map((e) => e.path).sort()).toEqual(["bears/black/a.jpg", "bears/teddy/b.jpg"]);
  });

  it("checks the content hash when the decision recorded one", async () => {
    const { vault, book, plan } = setup({ "bears/grizzly/a.jpg": "abc" });
    book.set("bears/grizzly/a.jpg", { kind: "delete" }, { ...vault.stat("bears/grizzly/a.jpg")!, hash: "something else" });
    const batch = await applyPlan(plan(), vault, NOW);
    expect(batch.failed[0].reason).toMatch(/different content/);
    expect(vault.exists("bears/grizzly/a.jpg")).toBe(true);
  });

  it("undo never overwrites: an original path taken since gets a free name; a file gone since is reported", async () => {
    const { vault, decide, plan } = setup(START);
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "teddy" });
    decide("bears/grizzly/b.jpg", { kind: "relabel", label: "black" });
    decide("bears/black/a.jpg", { kind: "delete" });
    const batch = await applyPlan(plan(), vault, NOW);
    vault.write("bears/grizzly/a.jpg", "new file with the old name");
    vault.remove("bears/black/b.jpg");
    vault.remove(batch.trashed[0].trashPath!); // the trash was emptied
    const undo = await undoBatch(batch, vault, NOW);
    expect(vault.read("bears/grizzly/a.jpg")).toBe("new file with the old name");
    expect(vault.read("bears/grizzly/a (2).jpg")).toBe("grizzly a");
    expect(undo.restored).toEqual([{ from: "bears/teddy/a.jpg", to: "bears/grizzly/a (2).jpg" }]);
    expect(undo.failed.map((f) => f.path)).toEqual(["bears/grizzly/b.jpg", "bears/black/a.jpg"]);
    expect(undo.failed[0].reason).toMatch(/no longer at "bears\/black\/b.jpg"/);
    expect(vault.overwriteAttempts).toEqual([]);
  });

  it("undo leaves a file that changed since the batch where it is, and recreates a missing original folder", async () => {
    const { vault, decide, plan } = setup({ "bears/grizzly/a.jpg": "1", "bears/teddy/c.jpg": "3" });
    decide("bears/grizzly/a.jpg", { kind: "relabel", label: "black" });
    decide("bears/teddy/c.jpg", { kind: "relabel", label: "black" });
    const batch = await applyPlan(plan(), vault, NOW);
    vault.write("bears/black/c.jpg", "edited later");
    vault.folders.delete("bears/grizzly");
    const undo = await undoBatch(batch, vault, NOW);
    expect(vault.read("bears/grizzly/a.jpg")).toBe("1");
    expect(undo.failed).toEqual([{ path: "bears/teddy/c.jpg", reason: expect.stringMatching(/changed since the batch, so it was left there/) as unknown }]);
    expect(vault.read("bears/black/c.jpg")).toBe("edited later");
  });
});

describe("case-insensitive file systems", () => {
  it("a name differing only in case counts as taken", async () => {
    const { vault, decide, plan } = setup({ "bears/grizzly/A.jpg": "upper", "bears/black/a.jpg": "lower" });
    vault.caseInsensitive = true;
    decide("bears/grizzly/A.jpg", { kind: "relabel", label: "black" });
    const p = plan();
    expect(p.moves[0].to).toBe("bears/black/A (2).jpg");
    const batch = await applyPlan(p, vault, NOW);
    expect(batch.failed).toEqual([]);
    expect(vault.read("bears/black/a.jpg")).toBe("lower");
    expect(vault.overwriteAttempts).toEqual([]);
  });
});

describe("newTrashEntry", () => {
  it("finds where a file landed in .trash", () => {
    expect(newTrashEntry([".trash/a.jpg"], [".trash/a.jpg", ".trash/a 1.jpg"], "ds/x/a.jpg")).toBe(".trash/a 1.jpg");
    expect(newTrashEntry([], [".trash/b.jpg", ".trash/a.jpg"], "ds/x/a.jpg")).toBe(".trash/a.jpg");
    expect(newTrashEntry([], [".trash/a 1.jpg", ".trash/a.jpg"], "ds/x/a.jpg")).toBe(".trash/a.jpg");
    expect(newTrashEntry([".trash/a.jpg"], [".trash/a.jpg"], "ds/x/a.jpg")).toBeNull();
    expect(newTrashEntry([], [".trash/q.jpg", ".trash/r.jpg"], "ds/x/a.jpg")).toBeNull();
  });
});

describe("trashBehaviour", () => {
  it("tells from Obsidian's setting whether deletions can be recovered", () => {
    expect(trashBehaviour("local")).toEqual({ option: "local", recoverable: true, undoable: true, warning: null });
    expect(trashBehaviour("system")).toMatchObject({ recoverable: true, undoable: false, warning: expect.stringMatching(/system trash/) as unknown });
    expect(trashBehaviour("none")).toMatchObject({ recoverable: false, undoable: false, warning: expect.stringMatching(/cannot be restored/) as unknown });
    expect(trashBehaviour(undefined).option).toBe("system");
    expect(trashBehaviour(42).option).toBe("system");
  });
});
