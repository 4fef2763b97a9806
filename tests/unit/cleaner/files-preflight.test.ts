// The apply preflight (stepProblems in src/cleaner/apply.ts, run by CleanerWorkflow.apply): a
// batch with any step known bad before anything moves (a destination label folder whose name
// holds a control character, a destination outside the label folders) is refused whole, naming
// each bad step, with nothing moved and nothing logged; a good batch still applies and undoes.
import { describe, expect, it } from "vitest";
import { BatchRefusedError, planSteps, stepProblem, stepProblemText } from "../../../src/cleaner/apply";
import { DecisionBook, type Decision } from "../../../src/cleaner/decisions";
import { logNotePath } from "../../../src/cleaner/log";
import { planBatch, type Plan } from "../../../src/cleaner/plan";
import { CleanerWorkflow } from "../../../src/cleaner/workflow";
import { contentKey, MemoryVault } from "../support/memory-vault";

const DS = "ds";
const LOG = logNotePath(DS);
const SCOPE = { dataset: DS, trash: ".trash", logNote: LOG };
const BAD = "line\nbreak\rcr";

function setup(files: Record<string, string>) {
  const vault = new MemoryVault(DS, files);
  const book = new DecisionBook(DS);
  const decide = (path: string, d: Decision) => book.set(path, d, { ...vault.stat(path)!, hash: contentKey(vault.read(path)!) });
  const plan = (): Plan => planBatch(book, { datasetFolder: DS, labels: ["a", "b", BAD], vault });
  const workflow = new CleanerWorkflow({ scope: SCOPE, ops: vault, log: vault.logStore(LOG) });
  const snapshot = () => [...vault.files.keys()].filter((p) => p !== LOG).sort();
  return { vault, book, decide, plan, workflow, snapshot, logText: () => (vault.read(LOG) as string | undefined) ?? "" };
}

const FILES = { "ds/a/x.jpg": "x", "ds/a/y.jpg": "y", "ds/b/z.jpg": "z", [`ds/${BAD}/w.jpg`]: "w" };

describe("apply preflight: a batch is refused whole or applied", () => {
  it("a relabel into a label folder whose name has control characters refuses the whole batch; nothing moves", async () => {
    const { vault, decide, plan, workflow, snapshot, logText } = setup(FILES);
    decide("ds/a/y.jpg", { kind: "delete" });
    const p = plan();
    // The plan itself would skip the bad label; a plan built elsewhere (or by hand) must still not half-run.
    p.moves.unshift({ from: "ds/a/x.jpg", to: `ds/${BAD}/x.jpg`, label: BAD, fromLabel: "a", fingerprint: vault.stat("ds/a/x.jpg")!, createsFolder: false, renamed: false });
    p.moves.push({ from: "ds/b/z.jpg", to: "ds/a/sub/z.jpg", label: "a", fromLabel: "b", fingerprint: vault.stat("ds/b/z.jpg")!, createsFolder: false, renamed: false });
    const before = snapshot();
    const e = await workflow.apply(p).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BatchRefusedError);
    const problems = (e as BatchRefusedError).problems;
    expect(problems.map((x) => [x.index, x.op, x.source, x.role])).toEqual([
      [0, "move", "ds/a/x.jpg", "destination"],
      [1, "move", "ds/b/z.jpg", "destination"],
    ]);
    expect(problems[0].reason).toBe("it contains a control character");
    expect(problems[1].reason).toMatch(/not directly inside a label folder/);
    // One escape style in the message, no raw control character.
    const message = (e as Error).message;
    expect(message).toContain(String.raw`"ds/line\u{000A}break\u{000D}cr/x.jpg"`);
    expect(message).toMatch(/^The batch is refused, nothing was moved: step 1 \(move "ds\/a\/x\.jpg"\)/);
    expect(message).toContain('step 2 (move "ds/b/z.jpg")');
    expect([...message].filter((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect(logText()).toBe("");
  });

  it("the move re-runs the same check (stepProblem), so a step never fails later for a reason known before", () => {
    const step = { op: "move" as const, from: "ds/a/x.jpg", to: `ds/${BAD}/x.jpg`, label: BAD, fp: { size: 1, mtime: 1 } };
    const p = stepProblem(step, SCOPE, 3)!;
    expect(p).toMatchObject({ index: 3, role: "destination", path: `ds/${BAD}/x.jpg` });
    expect(stepProblemText(p, (s) => `<${s.length}>`)).toBe("step 4 (move <10>): the destination <22> is refused: it contains a control character");
    // The label check too: a folder name that labelProblem refuses (leading space), though the path is contained.
    expect(stepProblem({ ...step, to: "ds/ b/x.jpg" }, SCOPE)?.reason).toMatch(/label folder cannot be used .*space/);
    expect(stepProblem({ ...step, to: "ds/b/x.jpg" }, SCOPE)).toBeNull();
  });

  it("a relabel to a label with control characters is not even recorded (labelProblem)", () => {
    const { decide } = setup(FILES);
    expect(() => decide("ds/a/x.jpg", { kind: "relabel", label: BAD })).toThrow(/the label contains a control character/);
  });

  it("a good batch still applies, and undo brings everything back", async () => {
    const { vault, decide, plan, workflow, snapshot } = setup(FILES);
    const before = snapshot();
    decide("ds/a/x.jpg", { kind: "relabel", label: "b" });
    decide("ds/a/y.jpg", { kind: "delete" });
    const p = plan();
    expect(planSteps(p).map((s) => stepProblem(s, SCOPE))).toEqual([null, null]);
    const { batch } = await workflow.apply(p);
    expect(batch.moves.map((m) => [m.from, m.to])).toEqual([["ds/a/x.jpg", "ds/b/x.jpg"]]);
    expect(batch.trashed.map((t) => t.path)).toEqual(["ds/a/y.jpg"]);
    expect(batch.failed).toEqual([]);
    expect(vault.read("ds/b/x.jpg")).toBe("x");
    const undo = await workflow.undo();
    expect(undo?.result.failed).toEqual([]);
    expect(snapshot().filter((p) => !p.startsWith(".trash/"))).toEqual(before);
  });
});
