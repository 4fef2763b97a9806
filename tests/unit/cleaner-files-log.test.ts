import { describe, expect, it } from "vitest";
import type { AppliedBatch, UndoResult } from "../../src/cleaner/apply";
import { appendLogEntry, formatLogEntry, formatUndoEntry, lastUndoable, LOG_NOTE_NAME, logNotePath, parseLog } from "../../src/cleaner/log";

const batch: AppliedBatch = {
  id: "20261125T210045123Z-abcd",
  at: "2026-11-25T21:00:45.123Z",
  moves: [
    { from: "bears/grizzly/a.jpg", to: "bears/black/a (2).jpg", label: "black", size: 10, mtime: 5 },
    { from: "bears/grizzly/`odd` [[x]] #tag --> <b>.jpg", to: "bears/teddy/`odd` [[x]] #tag --> <b>.jpg", label: "teddy" },
  ],
  trashed: [
    { path: "bears/teddy/line\u2028sep\nnew\\line \"q\".jpg", where: "system" },
    { path: "bears/teddy/b.jpg", where: "vault-trash", trashPath: ".trash/b (2).jpg", size: 3, mtime: 4 },
    { path: "bears/teddy/c.jpg", where: "system" },
    { path: "bears/teddy/d.jpg", where: "deleted" },
  ],
  failed: [{ path: "bears/grizzly/e.jpg", reason: "not moved: it changed\nsince review" }],
};

const undo: UndoResult = {
  batchId: batch.id,
  at: "2026-11-25T21:05:00.000Z",
  restored: [{ from: "bears/black/a (2).jpg", to: "bears/grizzly/a.jpg" }],
  notRestorable: [{ path: "bears/teddy/c.jpg", where: "system", message: '"c.jpg" is in the system trash' }],
  failed: [],
};

describe("log note", () => {
  it("lives in the dataset folder", () => {
    expect(LOG_NOTE_NAME).toBe("Cleaner log.md");
    expect(logNotePath("bears/")).toBe("bears/Cleaner log.md");
  });

  it("formats a readable Markdown entry with code paths", () => {
    const e = formatLogEntry(batch);
    const lines = e.split("\n");
    expect(lines[0]).toBe("## 2026-11-25 21:00:45 UTC: cleaner batch");
    expect(lines[1]).toMatch(/^<!-- lesson-lab-cleaner \{.*\} -->$/);
    expect(e).toContain("Moved (2):\n- `bears/grizzly/a.jpg` → `bears/black/a (2).jpg`");
    expect(e).toContain("- ``bears/grizzly/`odd` [[x]] #tag --> <b>.jpg`` →");
    expect(e).toContain("Trashed (4):\n- `bears/teddy/line\u2028sep new\\line \"q\".jpg` to the system trash\n- `bears/teddy/b.jpg` to the vault trash, `.trash/b (2).jpg`\n- `bears/teddy/c.jpg` to the system trash\n- `bears/teddy/d.jpg` deleted permanently");
    expect(e).toContain("Failed (1):\n- `bears/grizzly/e.jpg`: not moved: it changed since review");
    // The hidden record cannot close the comment early, nor hold a link, tag or HTML.
    expect(lines[1].slice(4, -4)).not.toMatch(/-->|<|\[\[|#|\u2028/);
  });

  it("appends entries, adding a header to a new note, without touching what is there", () => {
    const first = appendLogEntry("", formatLogEntry(batch));
    expect(first.startsWith("# Cleaner log\n")).toBe(true);
    const userText = first + "\nMy own remark, no newline at end";
    const second = appendLogEntry(userText, formatUndoEntry(undo));
    expect(second.startsWith(userText)).toBe(true);
    expect(second).toContain("## 2026-11-25 21:05:00 UTC: undo of the batch of 2026-11-25 21:00:45 UTC");
    expect(second.endsWith("\n")).toBe(true);
  });

  it("parses back exactly what was written, with undos attached", () => {
    const b2: AppliedBatch = { id: "b2", at: "2026-11-25T22:00:00.000Z", moves: [], trashed: [], failed: [] };
    let text = appendLogEntry("", formatLogEntry(batch));
    let log = parseLog(text);
    expect(log.warnings).toEqual([]);
    expect(log.batches).toEqual([batch]);
    expect(lastUndoable(log)?.id).toBe(batch.id);

    text = appendLogEntry(text, formatLogEntry(b2));
    text = appendLogEntry(text, formatUndoEntry({ ...undo, batchId: "b2", restored: [], notRestorable: [] }));
    log = parseLog(text);
    expect(log.batches.map((b) => [b.id, b.undo !== undefined])).toEqual([
      [batch.id, false],
      ["b2", true],
    ]);
    expect(lastUndoable(log)?.id).toBe(batch.id);
    text = appendLogEntry(text, formatUndoEntry(undo));
    log = parseLog(text);
    expect(log.batches[0].undo).toEqual(undo);
    expect(lastUndoable(log)).toBeNull();
    expect(formatLogEntry(b2)).toContain("Nothing changed.");
  });

  it("survives damaged or foreign records with warnings", () => {
    const good = formatLogEntry(batch);
    const text = [
      "# Cleaner log",
      "<!-- lesson-lab-cleaner {not json} -->",
      '<!-- lesson-lab-cleaner {"v":2,"type":"batch"} -->',
      '<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"x","at":"y","moves":[{"from":1}],"trashed":[],"failed":[]}} -->',
      '<!-- lesson-lab-cleaner {"v":1,"type":"undo","undo":{"batchId":"nope","at":"t","restored":[],"notRestorable":[],"failed":[]}} -->',
      '<!-- lesson-lab-cleaner {"v":1,"type":"weird"} -->',
      good,
      good,
      formatUndoEntry(undo),
      formatUndoEntry(undo),
    ].join("\n");
    const log = parseLog(text);
    expect(log.batches).toHaveLength(1);
    expect(log.batches[0].undo).toEqual(undo);
    expect(log.warnings).toEqual([
      "Log record 1 is not valid JSON; ignored.",
      "Log record 2 has an unknown format; ignored.",
      "Log record 3 (a batch) is damaged; ignored.",
      "Log record 4 undoes batch nope, which the log does not have; ignored.",
      "Log record 5 has an unknown type; ignored.",
      `Log record 7 repeats batch ${batch.id}; ignored.`,
      `Log record 9 undoes batch ${batch.id} a second time; ignored.`,
    ]);
    expect(parseLog("").batches).toEqual([]);
  });
});
