// The cleaner's workflow as a session over its ports, without a DOM: show, decide, plan,
// confirm, apply, settle, save, log, undo, finish, analyse and retrain.
import { describe, expect, it } from "vitest";
import type { TrainResult } from "../../../src/classifier/pipeline";
import type { CleanReport } from "../../../src/cleaner/find";
import type { Plan } from "../../../src/cleaner/plan";
import { appliedMessage } from "../../../src/cleaner/session";
import { report, sessionOn } from "./session-support";

const yes = () => Promise.resolve(true);

describe("CleanerSession: show and decide", () => {
  it("shows a folder with its report (held as a copy), and without one says how to start", async () => {
    const { session, reports } = sessionOn();
    expect((await session.show("ds")).status).toBe("Find suspects to train the classifier on this folder and list the images most likely to be wrong.");
    const given = report();
    expect((await session.show("ds", given)).status).toBe("3 images to review.");
    expect(session.items.map((i) => i.path)).toEqual(["ds/cat/a.jpg", "ds/cat/b.jpg", "ds/dog/d.jpg"]);
    expect(reports.get("ds")?.items[0]).not.toBe(given.items[0]);
    // Reopened without a report: the held one.
    expect((await session.show("ds")).status).toBe("3 images to review.");
    expect(session.labels()).toEqual(["cat", "dog"]);
  });

  it("labels come from the label folders when there is no report", async () => {
    const { session } = sessionOn({ ...{ "ds/cat/a.jpg": "a", "ds/dog/b.jpg": "b", "ds/.hidden/c.jpg": "c", "ds/bird/e.jpg": "e" } });
    await session.show("ds");
    expect(session.labels()).toEqual(["bird", "cat", "dog"]);
  });

  it("records decisions with size, time and content hash, then saves; refuses a missing file and a relabel to its own label", async () => {
    const { session, decisions } = sessionOn();
    await session.show("ds", report());
    const done = session.decide("ds/cat/a.jpg", { kind: "relabel", label: "dog" });
    expect(done.recorded).toBe(true);
    if (!done.recorded) return;
    expect(done.status).toBe('a.jpg: relabel as "dog".');
    await done.saved;
    expect(session.book?.get("ds/cat/a.jpg")?.fingerprint.hash).toBe("cat a");
    expect(decisions.saves).toBe(1);
    expect(session.decide("ds/cat/nope.jpg", { kind: "delete" })).toEqual({ recorded: false, notice: '"ds/cat/nope.jpg" is no longer in the vault; no decision recorded.' });
    expect(session.decide("ds/cat/b.jpg", { kind: "relabel", label: "cat" })).toEqual({ recorded: false, notice: '"b.jpg" is already labelled cat.' });
    expect(session.counts()).toEqual({ keep: 0, delete: 0, relabel: 1 });
  });

  it("u takes back the last decision; clearing takes back all; a failed save is a notice, not a throw", async () => {
    const { session, decisions, notices } = sessionOn();
    await session.show("ds", report());
    session.decide("ds/cat/a.jpg", { kind: "keep" });
    session.decide("ds/cat/a.jpg", { kind: "delete" });
    const undone = session.undoDecision();
    expect(undone).toEqual({ path: "ds/cat/a.jpg", outcome: { status: "Undid the decision on a.jpg; back to keep." } });
    expect(session.undoDecision().outcome.status).toBe("Undid the decision on a.jpg.");
    expect(session.undoDecision()).toEqual({ path: null, outcome: { status: "No decision to undo." } });
    session.decide("ds/cat/b.jpg", { kind: "delete" });
    decisions.failSave = "disk full";
    expect(await session.clearDecisions()).toBe(1);
    expect(notices).toContain("Could not save the cleaner's decisions: disk full");
    expect(session.counts()).toEqual({ keep: 0, delete: 0, relabel: 0 });
  });

  it("shows decided images the report does not hold, and follows renames", async () => {
    const h = sessionOn();
    const { session } = h;
    await session.show("ds", report());
    session.decide("ds/dog/a.jpg", { kind: "delete" });
    h.reports.clear();
    await session.show("ds");
    expect(session.items.map((i) => [i.path, i.issue])).toEqual([["ds/dog/a.jpg", "decided earlier"]]);
    expect(session.fileRenamed("ds/dog/a.jpg", "ds/cat/z.jpg")).toBe(true);
    expect(session.items[0]).toMatchObject({ path: "ds/cat/z.jpg", given: "cat" });
    expect(session.fileRenamed("ds/none.jpg", "ds/x.jpg")).toBe(false);
  });
});

describe("CleanerSession: apply, undo, finish", () => {
  it("plans, asks the confirm hook, applies write-ahead, settles and saves the decisions, logs, and moves the items", async () => {
    const { session, vault, decisions, logText } = sessionOn();
    await session.show("ds", report());
    session.decide("ds/cat/a.jpg", { kind: "relabel", label: "dog" });
    session.decide("ds/dog/d.jpg", { kind: "delete" });
    let asked: Plan | null = null;
    const { batch, outcome } = await session.apply((plan) => {
      asked = plan;
      return Promise.resolve(true);
    });
    expect(asked!.moves.map((m) => [m.from, m.to])).toEqual([["ds/cat/a.jpg", "ds/dog/a (2).jpg"]]);
    expect(batch?.moves).toHaveLength(1);
    expect(batch?.trashed).toHaveLength(1);
    expect(outcome).toEqual({ status: "Applied: 1 moved, 1 deleted.", isError: false, notice: "Applied: 1 moved, 1 deleted." });
    expect(vault.read("ds/dog/a (2).jpg")).toBe("cat a");
    expect(vault.read("ds/dog/d.jpg")).toBeUndefined();
    expect(session.counts()).toEqual({ keep: 0, delete: 0, relabel: 0 });
    expect(decisions.saves).toBeGreaterThan(0);
    expect(session.items.find((i) => i.id === "ds/cat/a.jpg")).toMatchObject({ path: "ds/dog/a (2).jpg", given: "dog" });
    expect(session.items.find((i) => i.id === "ds/dog/d.jpg")?.gone).toBe(true);
    expect(logText()).toContain("cleaner batch");

    const undone = await session.undoLastBatch();
    expect(undone.outcome.status).toBe("Undo: 2 files restored.");
    expect(vault.read("ds/cat/a.jpg")).toBe("cat a");
    expect(vault.read("ds/dog/d.jpg")).toBe("dog dddd");
    expect(session.items.find((i) => i.id === "ds/dog/d.jpg")).toMatchObject({ path: "ds/dog/d.jpg", gone: false });
    expect((await session.undoLastBatch()).outcome).toEqual({ status: "No applied batch to undo.", notice: 'No applied cleaner batch to undo in "ds".' });
  });

  it("changes nothing when the confirm hook says no", async () => {
    const { session, vault, logText } = sessionOn();
    await session.show("ds", report());
    session.decide("ds/cat/a.jpg", { kind: "delete" });
    expect(await session.apply(() => Promise.resolve(false))).toEqual({ batch: null, outcome: { status: "Nothing applied." } });
    expect(vault.read("ds/cat/a.jpg")).toBe("cat a");
    expect(logText()).toBe("");
    expect(session.counts().delete).toBe(1);
  });

  it("reports failed files as an error and keeps going; refuses while another run is going on", async () => {
    const { session, vault } = sessionOn();
    await session.show("ds", report());
    session.decide("ds/cat/a.jpg", { kind: "delete" });
    session.decide("ds/cat/b.jpg", { kind: "delete" });
    vault.failOp = (op, path) => (op === "trash" && path === "ds/cat/b.jpg" ? "locked" : null);
    const first = session.apply(yes);
    await expect(session.apply(yes)).rejects.toThrow('Cannot apply decisions now: the cleaner is applying a batch in "ds". Try again when it has finished.');
    const { outcome } = await first;
    expect(outcome?.isError).toBe(true);
    expect(outcome?.status).toMatch(/^Applied: 0 moved, 1 deleted\. 1 failed: ds\/cat\/b\.jpg \(not trashed: .*locked.*\)\.$/);
  });

  it("finds an interrupted batch in the log and finishes it", async () => {
    const { session, vault } = sessionOn();
    const st = vault.stat("ds/cat/a.jpg")!;
    const intent = { v: 1, type: "intent", intent: { id: "r1", at: "2026-11-25T21:00:45.123Z", dataset: "ds", trash: ".trash", steps: [{ op: "move", from: "ds/cat/a.jpg", to: "ds/dog/a (2).jpg", label: "dog", fp: st }] } };
    vault.write("ds/Cleaner log.md", `# Cleaner log\n\n## 2026-11-25 21:00:45 UTC: cleaner batch, planned\n<!-- lesson-lab-cleaner ${JSON.stringify(intent)} -->\n`);
    await session.show("ds", report());
    const open = await session.checkInterrupted();
    expect(open?.isError).toBe(true);
    expect(open?.status).toMatch(/was interrupted before it finished \(0 of 1 steps recorded\)\. Finish it, or undo it\.$/);
    expect(session.hasInterruptedRun).toBe(true);
    expect(await session.finishInterrupted()).toEqual({ status: "Finished the interrupted batch: 1 moved, 0 deleted, 0 failed.", isError: false });
    expect(session.hasInterruptedRun).toBe(false);
    expect(vault.read("ds/dog/a (2).jpg")).toBe("cat a");
    expect(await session.finishInterrupted()).toEqual({ status: "No interrupted batch to finish." });
  });
});

describe("CleanerSession: analyse and retrain through the Trainer and Finder ports", () => {
  const trained = (errorRate: number): TrainResult => ({ folder: "ds", error: null, errorRate, warnings: ["one warning"], embedded: 4, cached: 0 }) as unknown as TrainResult;
  const clean: CleanReport = {
    labels: ["cat", "dog"],
    suspects: [],
    ranking: [{ path: "ds/cat/b.jpg", given: "cat", predicted: "dog", probabilities: [0.3, 0.7], loss: 1.2, score: 0.7, split: "valid" }],
    duplicates: [],
    outliers: [],
    unreadable: [],
  } as unknown as CleanReport;

  it("trains, finds, shows the suspects with the backend and the training's warnings; retrain compares error rates", async () => {
    const calls: string[] = [];
    const h = sessionOn(undefined, {
      train: (folder, request) => {
        calls.push(folder);
        request.onProgress?.({ phase: "training", epoch: 1, epochs: 1 });
        return Promise.resolve({ ...trained(calls.length === 1 ? 0.25 : 0.1), backend: "wasm" });
      },
    });
    h.ports.finder = () => Promise.resolve(clean);
    const progress: string[] = [];
    await h.session.show("ds");
    expect(h.session.canTrain).toBe(true);
    const found = await h.session.analyse((t) => progress.push(t), new AbortController().signal);
    expect(found).toEqual({ status: "1 images to review; validation error rate 25.0%." });
    expect(h.session.report?.warnings).toEqual(["Trained on wasm.", "one warning"]);
    expect(h.session.items.map((i) => i.path)).toEqual(["ds/cat/b.jpg"]);
    expect(progress).toEqual(["Loading the backbone", "Training: epoch 1 of 1"]);
    const again = await h.session.retrain(() => undefined, new AbortController().signal);
    expect(again).toEqual({ status: "Error rate before: 25.0%; after: 10.0% (4 views embedded, 0 from the cache)." });
  });

  it("says why when the folder cannot be trained on", async () => {
    const h = sessionOn(undefined, { train: (folder) => Promise.resolve({ ...trained(0), folder, error: "no label folders" }) });
    await h.session.show("nowhere");
    await expect(h.session.analyse(() => undefined, new AbortController().signal)).rejects.toThrow('Could not train on "nowhere": no label folders.');
  });

  it("analyses a given training result without training; a failed result throws", async () => {
    const h = sessionOn();
    h.ports.finder = () => Promise.resolve(clean);
    expect(h.session.canTrain).toBe(false);
    await h.session.show("ds");
    expect(await h.session.analyse(() => undefined, new AbortController().signal)).toBeNull();
    expect(await h.session.analyseResult(trained(0.5), () => undefined, new AbortController().signal)).toEqual({ status: "1 images to review; validation error rate 50.0%." });
    await expect(h.session.analyseResult({ ...trained(0), error: "no images" }, () => undefined, new AbortController().signal)).rejects.toThrow(
      "The classifier was not trained: no images.",
    );
  });
});

describe("appliedMessage", () => {
  it("adds the retrain hint only with a trainer", () => {
    const batch = { id: "x", at: "x", moves: [], trashed: [], failed: [] };
    expect(appliedMessage(batch, [], true)).toBe("Applied: 0 moved, 0 deleted. Retrain to see the new error rate.");
    expect(appliedMessage(batch, [], false)).toBe("Applied: 0 moved, 0 deleted.");
  });
});
