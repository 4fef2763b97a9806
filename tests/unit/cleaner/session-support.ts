// A CleanerSession over the in-memory vault (tests/unit/support/memory-vault.ts): every port a
// fake that records what happened, no DOM and no Obsidian.
import { DecisionBook } from "../../../src/cleaner/decisions";
import { logNotePath } from "../../../src/cleaner/log";
import { isInside, parentOf } from "../../../src/cleaner/names";
import type { CleanerPorts, DatasetView, DecisionStore, Trainer } from "../../../src/cleaner/ports";
import type { ReviewItem, ReviewReport } from "../../../src/cleaner/review-items";
import { CleanerSession } from "../../../src/cleaner/session";
import { MemoryVault, type Content } from "../support/memory-vault";

export const FILES: Record<string, Content> = {
  "ds/cat/a.jpg": "cat a",
  "ds/cat/b.jpg": "cat bb",
  "ds/dog/a.jpg": "dog a, another image of the same name",
  "ds/dog/d.jpg": "dog dddd",
};

export function item(path: string, score: number, extra: Partial<ReviewItem> = {}): ReviewItem {
  const given = path.split("/")[1] ?? "";
  const predicted = given === "cat" ? "dog" : "cat";
  return { id: path, path, given, predicted, probability: 0.8, loss: 1.6, score, suggested: predicted, issue: "label", split: "train", ...extra };
}

export function report(): ReviewReport {
  return {
    folder: "ds",
    labels: ["cat", "dog"],
    errorRate: 0.25,
    items: [item("ds/cat/a.jpg", 0.9), item("ds/cat/b.jpg", 0.5), item("ds/dog/d.jpg", 0.7, { issue: "outlier", suggested: "delete" })],
  };
}

/** Decisions kept in memory; `saves` counts the writes, `failSave` makes them throw. */
export class MemoryDecisionStore implements DecisionStore {
  readonly books = new Map<string, DecisionBook>();
  saves = 0;
  failSave: string | null = null;

  book(folder: string): Promise<DecisionBook> {
    let b = this.books.get(folder);
    if (!b) this.books.set(folder, (b = new DecisionBook(folder)));
    return Promise.resolve(b);
  }

  save(): Promise<void> {
    if (this.failSave) return Promise.reject(new Error(this.failSave));
    this.saves++;
    return Promise.resolve();
  }
}

/** The dataset's label folders in the memory vault. */
function datasetView(vault: MemoryVault, folder: string): DatasetView {
  return {
    exists: (p) => vault.exists(p),
    stat: (p) => vault.stat(p),
    labelFolder: (l) => vault.labelFolder(l),
    labelFolders: () =>
      [...vault.folders]
        .filter((f) => isInside(f, folder) && parentOf(f) === folder && !f.slice(folder.length + 1).startsWith("."))
        .map((f) => f.slice(folder.length + 1))
        .sort(),
  };
}

export const NOW = new Date("2026-11-30T12:00:00.000Z");

export function sessionOn(files: Record<string, Content> = FILES, trainer?: Trainer) {
  const vault = new MemoryVault("ds", files);
  const decisions = new MemoryDecisionStore();
  const notices: string[] = [];
  const reports = new Map<string, ReviewReport>();
  const ports: CleanerPorts = {
    files: vault,
    vault: (folder) => datasetView(vault, folder),
    log: (folder) => vault.logStore(logNotePath(folder)),
    decisions,
    trainer,
    finder: () => Promise.reject(new Error("no finder in this test")),
    notify: (m) => notices.push(m),
    reports,
    now: () => NOW,
  };
  const session = new CleanerSession(ports);
  const logText = (): string => (vault.read(logNotePath("ds")) as string | undefined) ?? "";
  return { vault, decisions, notices, reports, ports, session, logText };
}
