// The apply / undo / recovery workflow (src/cleaner/workflow.ts) over the in-memory vault: the
// issue's cases 1–6, each of which went wrong before (a planted undo record, undo of paths
// outside the dataset, a crash leaving moves no log knows, two undos at once, a trash that
// throws after it worked, a swapped file acted on).
import { describe, expect, it } from "vitest";
import type { FileOps } from "../../../src/cleaner/batch-types";
import { DecisionBook, type Decision } from "../../../src/cleaner/decisions";
import { logNotePath } from "../../../src/cleaner/log";
import { parseLog } from "../../../src/cleaner/log-parse";
import { BatchRefusedError } from "../../../src/cleaner/apply";
import { planBatch } from "../../../src/cleaner/plan";
import { BusyError, CleanerWorkflow, type LogStore } from "../../../src/cleaner/workflow";
import { contentKey, MemoryVault, type TrashMode } from "../support/memory-vault";

const DS = "ds";
const LOG = logNotePath(DS);
const LABELS = ["a", "b"];
const SCOPE = { dataset: DS, trash: ".trash", logNote: LOG };

function setup(files: Record<string, string>, mode: TrashMode = "vault-trash") {
  const vault = new MemoryVault(DS, files);
  vault.trashMode = mode;
  const book = new DecisionBook(DS);
  const decide = (path: string, d: Decision, hash = true) => {
    const st = vault.stat(path)!;
    book.set(path, d, hash ? { ...st, hash: contentKey(vault.read(path)!) } : st);
  };
  const plan = () => planBatch(book, { datasetFolder: DS, labels: LABELS, vault });
  const workflow = (ops: FileOps = vault, log: LogStore = vault.logStore(LOG)) => new CleanerWorkflow({ scope: SCOPE, ops, log });
  const logText = () => (vault.read(LOG) as string | undefined) ?? "";
  return { vault, book, decide, plan, workflow, logText };
}

/** Everything in the vault but the log, as path=content. */
function snapshot(vault: MemoryVault): string[] {
  return [...vault.files.entries()].filter(([p]) => p !== LOG).map(([p, f]) => `${p}=${contentKey(f.content)}`).sort();
}

class Crash extends Error {}

/**
 * File operations and a log that die after `budget` changes (moves, trashes, log writes): the
 * change that hits the budget happens (`after`) or not (`before`), then everything throws.
 */
function crashing(vault: MemoryVault, budget: number, when: "before" | "after") {
  let used = 0;
  let dead = false;
  const alive = () => {
    if (dead) throw new Crash("crashed");
  };
  const change = async <T>(run: () => Promise<T>): Promise<T> => {
    alive();
    if (++used > budget) {
      dead = true;
      if (when === "after") await run();
      throw new Crash("crashed");
    }
    return run();
  };
  const ops: FileOps = {
    exists: (p) => (alive(), vault.exists(p)),
    stat: (p) => (alive(), vault.stat(p)),
    hash: (p) => (alive(), vault.hash(p)),
    mkdir: (p) => (alive(), vault.mkdir(p)),
    locateTrashed: (p, fp) => (alive(), vault.locateTrashed(p, fp)),
    move: (a, b) => change(() => vault.move(a, b)),
    trash: (p) => change(() => vault.trash(p)),
  };
  const store = vault.logStore(LOG);
  const log: LogStore = { read: () => (alive(), store.read()), process: (fn) => change(() => store.process(fn)) };
  return { ops, log, used: () => used };
}

describe("case 1: a file name cannot plant an undo record", () => {
  const payloadName = String.raw`<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"z","at":"z","moves":[{"from":".obsidian\u002fplugins\u002fx\u002fmain.js","to":"ds\u002fa\u002fpayload.jpg"}],"trashed":[],"failed":[]}} -->.png`;

  it("the issue's file name (backslashes: not a contained path) is refused by name; undo never reaches .obsidian", async () => {
    const { vault, decide, plan, workflow, logText } = setup({
      [`ds/a/${payloadName}`]: "forged",
      "ds/a/payload.jpg": "payload",
      ".obsidian/plugins/x/main.js": "another plugin's code",
    });
    decide(`ds/a/${payloadName}`, { kind: "delete" });
    const p = plan();
    expect(p.skipped).toEqual([{ path: `ds/a/${payloadName}`, code: "outside-dataset", reason: 'refused: not an image of the dataset "ds" (it contains a backslash)' }]);
    const { batch } = await workflow().apply(p);
    expect(batch.trashed).toEqual([]);
    expect(parseLog(logText(), SCOPE).warnings).toEqual([]);
    const undo = await workflow().undo();
    expect(undo?.result.restored).toEqual([]);
    expect(vault.read(".obsidian/plugins/x/main.js")).toBe("another plugin's code");
    expect(vault.read("ds/a/payload.jpg")).toBe("payload");
  });

  it("a record-shaped name without slashes is trashed like any file and undone exactly", async () => {
    const name = '<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"z","at":"z","moves":[],"trashed":[],"failed":[]}} -->.png';
    const { vault, decide, plan, workflow, logText } = setup({ [`ds/a/${name}`]: "odd name", "ds/b/x.jpg": "x" });
    decide(`ds/a/${name}`, { kind: "delete" });
    await workflow().apply(plan());
    const log = parseLog(logText(), SCOPE);
    expect(log.warnings).toEqual([]);
    expect(log.batches).toHaveLength(1);
    const undo = await workflow().undo();
    expect(undo?.result.restored).toEqual([{ from: `.trash/${name}`, to: `ds/a/${name}` }]);
    expect(vault.read(`ds/a/${name}`)).toBe("odd name");
  });
});

describe("case 2: undo acts only on validated records inside the dataset and the trash", () => {
  it("refuses forged records with paths outside, says so, and moves nothing", async () => {
    const { vault, workflow } = setup({ "ds/a/x.jpg": "x", "Notes/n.md": "note", ".trash/s.jpg": "s" });
    const forged = [
      '<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"f1","at":"z","moves":[{"from":"Notes/n.md","to":"ds/a/x.jpg","size":1,"mtime":1}],"trashed":[],"failed":[]}} -->',
      '<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"f2","at":"z","moves":[],"trashed":[{"path":"Notes/m.md","where":"vault-trash","trashPath":".trash/../../somewhere","size":1,"mtime":1}],"failed":[]}} -->',
    ];
    vault.write(LOG, `# Cleaner log\n\n${forged.join("\n")}\n`);
    const before = snapshot(vault);
    const undo = await workflow().undo();
    expect(undo).toBeNull();
    const log = parseLog(vault.read(LOG) as string, SCOPE);
    expect(log.warnings).toEqual([
      'Log line 3: the path "Notes/n.md" is refused: it is outside the dataset folder "ds"; ignored.',
      'Log line 4: the path "Notes/m.md" is refused: it is outside the dataset folder "ds"; ignored.',
    ]);
    expect(snapshot(vault)).toEqual(before);
  });

  it("a record without size and time does not pass as 'unchanged since the batch'", async () => {
    const { vault, workflow } = setup({ "ds/b/x.jpg": "a different file now at the batch's destination" });
    vault.write(LOG, '<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"old","at":"z","moves":[{"from":"ds/a/x.jpg","to":"ds/b/x.jpg"}],"trashed":[],"failed":[]}} -->\n');
    const undo = await workflow().undo();
    expect(undo?.result.restored).toEqual([]);
    expect(undo?.result.failed[0].reason).toMatch(/does not record the size and time of "ds\/b\/x.jpg".*left there/);
    expect(vault.read("ds/b/x.jpg")).toBe("a different file now at the batch's destination");
    expect(vault.exists("ds/a/x.jpg")).toBe(false);
  });

  it("a plan naming a path outside the dataset is refused by name", async () => {
    const { vault, book, plan, workflow, logText } = setup({ "ds/a/x.jpg": "x", "Notes/n.md": "n" });
    book.set("ds/../Notes/n.md", { kind: "delete" }, { size: 1, mtime: 1 });
    const p = plan();
    expect(p.skipped[0].reason).toMatch(/^refused: not an image of the dataset "ds" \(it contains ".."\)$/);
    // Even a plan built by hand cannot reach outside.
    p.deletions.push({ path: "Notes/n.md", fingerprint: vault.stat("Notes/n.md")! });
    p.moves.push({ from: "ds/a/x.jpg", to: ".obsidian/x.jpg", label: "a", fromLabel: "a", fingerprint: vault.stat("ds/a/x.jpg")!, createsFolder: false, renamed: false });
    // The preflight refuses the batch whole, naming each bad step: nothing moves, nothing is logged.
    const refused = await workflow().apply(p).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BatchRefusedError);
    expect((refused as BatchRefusedError).problems.map((x) => [x.index, x.role, x.path, x.reason])).toEqual([
      [0, "destination", ".obsidian/x.jpg", 'it is outside the dataset folder "ds"'],
      [1, "source", "Notes/n.md", 'it is outside the dataset folder "ds"'],
    ]);
    expect(logText()).toBe("");
    expect(vault.read("Notes/n.md")).toBe("n");
    expect(vault.read("ds/a/x.jpg")).toBe("x");
  });
});

describe("case 3: write-ahead, a crash at any point can be finished or undone", () => {
  const files = { "ds/a/1.jpg": "one", "ds/a/2.jpg": "two", "ds/a/3.jpg": "three", "ds/b/1.jpg": "b one", "ds/b/4.jpg": "four" };
  const decisions: [string, Decision][] = [
    ["ds/a/1.jpg", { kind: "relabel", label: "b" }],
    ["ds/a/2.jpg", { kind: "relabel", label: "b" }],
    ["ds/b/4.jpg", { kind: "delete" }],
    ["ds/a/3.jpg", { kind: "delete" }],
  ];

  for (const when of ["before", "after"] as const) {
    for (let budget = 0; budget < 12; budget++) {
      it(`crash ${when} change ${budget + 1}: the pane sees it, finish completes it, or undo reverses it`, async () => {
        for (const then of ["finish", "undo"] as const) {
          const { vault, decide, plan, workflow } = setup(files);
          for (const [p, d] of decisions) decide(p, d);
          const start = snapshot(vault);
          const dying = crashing(vault, budget, when);
          let crashed = false;
          try {
            await workflow(dying.ops, dying.log).apply(plan());
          } catch (e) {
            expect(e).toBeInstanceOf(Crash);
            crashed = true;
          }
          // Restart: a fresh workflow over the same vault.
          const w = workflow();
          const open = await w.interrupted();
          if (!crashed) {
            expect(open).toBeNull();
            continue;
          }
          // The crash hit before the intent was written (nothing moved), or after the outcome was.
          if (open === null) {
            const closed = parseLog((vault.read(LOG) as string | undefined) ?? "", SCOPE).batches.length > 0;
            if (!closed) expect(snapshot(vault)).toEqual(start);
            continue;
          }
          await expect(w.apply(plan())).rejects.toThrow(/was interrupted before it finished.*Finish it, or undo it/);
          if (then === "finish") {
            const done = await w.finish();
            expect(done?.kind).toBe("apply");
            const after = snapshot(vault);
            expect(after).toEqual([".trash/3.jpg=three", ".trash/4.jpg=four", "ds/b/1 (2).jpg=one", "ds/b/1.jpg=b one", "ds/b/2.jpg=two"]);
          } else {
            const undone = await w.undo();
            expect(undone?.result.failed).toEqual([]);
            expect(snapshot(vault)).toEqual(start);
          }
          const log = parseLog(vault.read(LOG) as string, SCOPE);
          expect(log.warnings).toEqual([]);
          expect(log.open).toBeNull();
        }
      });
    }
  }

  it("a crash during undo: undo again finishes it", async () => {
    for (let budget = 0; budget < 8; budget++) {
      const { vault, decide, plan, workflow } = setup(files);
      for (const [p, d] of decisions) decide(p, d);
      const start = snapshot(vault);
      await workflow().apply(plan());
      const dying = crashing(vault, budget, budget % 2 ? "after" : "before");
      await workflow(dying.ops, dying.log)
        .undo()
        .catch((e: unknown) => expect(e).toBeInstanceOf(Crash));
      await workflow().undo();
      expect(snapshot(vault), `budget ${budget}`).toEqual(start);
      const log = parseLog(vault.read(LOG) as string, SCOPE);
      expect(log.open).toBeNull();
      expect(log.batches.every((b) => b.undo)).toBe(true);
    }
  });
});

describe("case 4: apply and undo are exclusive", () => {
  it("a second undo (or apply) while one runs is refused with a message, and logs nothing", async () => {
    const { vault, decide, plan, workflow, logText } = setup({ "ds/a/1.jpg": "1", "ds/a/2.jpg": "2" });
    decide("ds/a/1.jpg", { kind: "relabel", label: "b" });
    decide("ds/a/2.jpg", { kind: "delete" });
    await workflow().apply(plan());
    const [first, second, third] = await Promise.allSettled([workflow().undo(), workflow().undo(), workflow().apply(plan())]);
    expect(first.status).toBe("fulfilled");
    expect(second.status).toBe("rejected");
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(BusyError);
    expect(String((second as PromiseRejectedResult).reason)).toMatch(/Cannot undo now: the cleaner is undoing a batch in "ds"/);
    expect(String((third as PromiseRejectedResult).reason)).toMatch(/Cannot apply decisions now/);
    const log = parseLog(logText(), SCOPE);
    expect(log.batches[0].undo?.failed).toEqual([]);
    expect(vault.read("ds/a/1.jpg")).toBe("1");
    expect(vault.read("ds/a/2.jpg")).toBe("2");
  });
});

describe("case 5: a trash call that worked and then threw", () => {
  it("is logged as trashed where it landed, and undo brings the file back", async () => {
    const { vault, decide, plan, workflow } = setup({ "ds/a/1.jpg": "1", ".trash/1.jpg": "an older 1" });
    decide("ds/a/1.jpg", { kind: "delete" });
    const ops: FileOps = {
      exists: (p) => vault.exists(p),
      stat: (p) => vault.stat(p),
      mkdir: (p) => vault.mkdir(p),
      move: (a, b) => vault.move(a, b),
      hash: (p) => vault.hash(p),
      locateTrashed: (p, fp) => vault.locateTrashed(p, fp),
      trash: async (p) => {
        await vault.trash(p);
        throw new Error("no answer");
      },
    };
    const { batch } = await workflow(ops).apply(plan());
    expect(batch.failed).toEqual([]);
    expect(batch.trashed).toEqual([expect.objectContaining({ path: "ds/a/1.jpg", where: "vault-trash", trashPath: ".trash/1 (2).jpg" })]);
    await workflow().undo();
    expect(vault.read("ds/a/1.jpg")).toBe("1");
    expect(vault.read(".trash/1.jpg")).toBe("an older 1");
  });
});

describe("case 6: content fingerprints", () => {
  it("a file swapped for another of the same size and time is skipped with a message", async () => {
    const { vault, decide, plan, workflow } = setup({ "ds/a/1.jpg": "AAAA" });
    decide("ds/a/1.jpg", { kind: "delete" });
    const mtime = vault.stat("ds/a/1.jpg")!.mtime;
    vault.files.set("ds/a/1.jpg", { content: "BBBB", mtime });
    const { batch } = await workflow().apply(plan());
    expect(batch.trashed).toEqual([]);
    expect(batch.failed).toEqual([{ path: "ds/a/1.jpg", reason: "not trashed: it changed since review (different content)" }]);
    expect(vault.read("ds/a/1.jpg")).toBe("BBBB");
  });

  it("undo leaves a file swapped since the batch where it is", async () => {
    const { vault, decide, plan, workflow } = setup({ "ds/a/1.jpg": "AAAA" });
    decide("ds/a/1.jpg", { kind: "relabel", label: "b" });
    await workflow().apply(plan());
    const mtime = vault.stat("ds/b/1.jpg")!.mtime;
    vault.files.set("ds/b/1.jpg", { content: "BBBB", mtime });
    const undo = await workflow().undo();
    expect(undo?.result.failed[0].reason).toMatch(/changed since the batch, so it was left there/);
    expect(vault.read("ds/b/1.jpg")).toBe("BBBB");
  });
});
