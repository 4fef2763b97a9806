// @vitest-environment happy-dom
// Approval tests of the cleaner's text outputs: the apply summary (the dialog's text, and the
// status after the batch) and the log note after an apply and its undo, from a session on the
// in-memory vault with a fixed clock. Each must equal its approved file in
// tests/fixtures/approved/cleaner/ once the batch ids' random suffixes are replaced (<id>).
// After a deliberate change, review the difference and approve it:
// UPDATE_APPROVALS=1 npx vitest run tests/unit/cleaner/approval.test.ts
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { trashBehaviour } from "../../../src/cleaner/trash";
import { renderSummary } from "../../../src/cleaner/obsidian/apply-modal";
import type { Plan } from "../../../src/cleaner/plan";
import { summary } from "../../../src/cleaner/plan";
import { report, sessionOn } from "./session-support";

const APPROVED = path.resolve(__dirname, "../../fixtures/approved/cleaner");

function approve(name: string, text: string): void {
  const file = path.join(APPROVED, name);
  const actual = text.replace(/(\d{8}T\d{9}Z)-[0-9a-z]{4}/g, "$1-<id>");
  if (process.env.UPDATE_APPROVALS === "1" || !existsSync(file)) {
    mkdirSync(APPROVED, { recursive: true });
    writeFileSync(file, actual);
    if (process.env.UPDATE_APPROVALS !== "1") throw new Error(`${file} did not exist: written; review it, then run again`);
    return;
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** The dialog's content as text: one line per paragraph, heading and list item (list items indented). */
function dialogText(el: HTMLElement): string {
  const lines: string[] = [];
  const walk = (node: Element, depth: number): void => {
    for (const child of Array.from(node.children)) {
      const tag = child.tagName.toLowerCase();
      if (tag === "ul") walk(child, depth + 1);
      else if (tag === "li") {
        const own = Array.from(child.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join("");
        lines.push(`${"  ".repeat(depth - 1)}- ${own}`);
        for (const sub of Array.from(child.children)) lines.push(`${"  ".repeat(depth)}${sub.textContent ?? ""}`);
      } else if (tag === "h4") lines.push("", `#### ${child.textContent ?? ""}`);
      else lines.push(child.textContent ?? "");
    }
  };
  walk(el, 0);
  return `${lines.join("\n")}\n`;
}

const LINKS: Record<string, string[]> = { "ds/cat/a.jpg": ["Notes/Lesson.md"], "ds/dog/d.jpg": ["Notes/Lesson.md", "Notes/Other.md"] };
const linkedFrom = (p: string): string[] => LINKS[p] ?? [];

async function appliedSession() {
  const h = sessionOn({
    "ds/cat/a.jpg": "cat a",
    "ds/cat/b.jpg": "cat bb",
    "ds/dog/a.jpg": "dog a, another image of the same name",
    "ds/dog/d.jpg": "dog dddd",
    "ds/dog/e.jpg": "dog eeeee",
    "ds/cat/k.jpg": "keep me",
  });
  await h.session.show("ds", report());
  h.session.decide("ds/cat/a.jpg", { kind: "relabel", label: "dog" });
  h.session.decide("ds/cat/b.jpg", { kind: "relabel", label: "bird" });
  h.session.decide("ds/dog/d.jpg", { kind: "delete" });
  h.session.decide("ds/dog/e.jpg", { kind: "delete" });
  h.session.decide("ds/cat/k.jpg", { kind: "keep" });
  // Changed after review: skipped, and its decision stays.
  h.vault.write("ds/dog/e.jpg", "dog e, edited");
  let plan: Plan | null = null;
  const applied = await h.session.apply((p) => {
    plan = p;
    return Promise.resolve(true);
  });
  return { ...h, plan: plan!, applied };
}

describe("cleaner text outputs (approved files)", () => {
  it("the apply summary: the dialog's text, the plan's text and the status after the batch", async () => {
    const { plan, applied } = await appliedSession();
    const el = document.createElement("div");
    renderSummary(el, { plan, linkedFrom, trash: trashBehaviour("system") });
    approve(
      "apply-summary.txt",
      [
        "## Dialog",
        dialogText(el),
        "## Plan (plan.ts summary)",
        `${summary(plan, linkedFrom)}\n`,
        "## Status after the batch",
        `${applied.outcome?.status ?? ""}\n`,
      ].join("\n"),
    );
  });

  it("the log note after an apply and its undo", async () => {
    const h = await appliedSession();
    await h.session.undoLastBatch();
    approve("log-note.md", h.logText());
  });
});
