// Turns the pending decisions into a batch plan the user confirms before anything changes.
// Pure: no Obsidian import; the vault is seen through VaultView.

import type { DecisionBook, Fingerprint } from "./decisions";
import { logNotePath } from "./log";
import { baseName, freeName, isInside, labelProblem, parentOf } from "./names";
import { datasetFileProblem, VAULT_TRASH } from "./paths";

/** A read-only, synchronous view of the vault (Obsidian's file tree is in memory). */
export interface VaultView {
  /** Whether a file or folder exists at `path`. */
  exists(path: string): boolean;
  /** Size and modification time of the file at `path`; null when there is no file there. */
  stat(path: string): { size: number; mtime: number } | null;
  /** The folder holding the images of `label`. */
  labelFolder(label: string): string;
}

export interface PlannedMove {
  from: string;
  /** Destination path; a free name when the file's own name is taken there. */
  to: string;
  /** The target label. */
  label: string;
  /** The label the file has now, or null when it is in no label folder. */
  fromLabel: string | null;
  /** The fingerprint recorded at review, re-checked right before the move. */
  fingerprint: Fingerprint;
  /** The label folder does not exist yet; the move creates it. */
  createsFolder: boolean;
  /** The file gets another name because its own is taken at the destination. */
  renamed: boolean;
}

export interface PlannedDeletion {
  path: string;
  fingerprint: Fingerprint;
}

/** Why a decision was left out. `changed` keeps its decision (the user should look again); the others are settled. */
export type SkipCode = "same-label" | "missing" | "changed" | "outside-dataset" | "bad-label";

export interface SkippedDecision {
  path: string;
  code: SkipCode;
  reason: string;
}

export interface Plan {
  datasetFolder: string;
  moves: PlannedMove[];
  deletions: PlannedDeletion[];
  skipped: SkippedDecision[];
  /** Label folders the batch creates. */
  newFolders: string[];
  /** Images marked "keep": nothing happens to them. */
  kept: number;
}

export interface PlanContext {
  datasetFolder: string;
  /** The dataset's labels (its label folders' names). */
  labels: readonly string[];
  vault: VaultView;
}

/** Why the file no longer matches its fingerprint, or null when it matches. */
export function fingerprintMismatch(
  recorded: Fingerprint,
  now: { size: number; mtime: number; hash?: string } | null,
): string | null {
  if (!now) return "it is no longer there (moved or deleted since review)";
  if (now.size !== recorded.size) return `it changed since review (size ${recorded.size} → ${now.size} bytes)`;
  if (now.mtime !== recorded.mtime) {
    return `it changed since review (modified ${new Date(now.mtime).toISOString()}, reviewed as of ${new Date(recorded.mtime).toISOString()})`;
  }
  if (recorded.hash !== undefined && now.hash !== undefined && now.hash !== recorded.hash) {
    return "it changed since review (different content)";
  }
  return null;
}

/** The label whose folder holds `path` (the deepest one when folders nest), or null. */
export function labelOf(path: string, labels: readonly string[], vault: VaultView): string | null {
  let best: string | null = null;
  let bestLen = -1;
  for (const label of labels) {
    const folder = vault.labelFolder(label);
    if (isInside(path, folder) && folder.length > bestLen) {
      best = label;
      bestLen = folder.length;
    }
  }
  return best;
}

/**
 * The batch the pending decisions of `book` make, for the user to confirm before anything
 * changes. Reads the vault only (through `ctx.vault`), changes nothing.
 *
 * - relabel → a PlannedMove into `<dataset>/<label>/`, under a free name ("a (2).jpg") when the
 *   file's own name is taken there or by an earlier move of the batch; the label folder is listed
 *   in `newFolders` when it does not exist yet;
 * - delete → a PlannedDeletion; keep → counted in `kept`, nothing happens;
 * - a decision on a file that is gone, changed since review (size, time: fingerprintMismatch),
 *   outside the dataset's label folders, already in the target label, or naming a bad label →
 *   `skipped` with a code and a reason for the user.
 *
 * Never throws for a bad decision (it is skipped with its reason); the result lists every
 * decision exactly once.
 */
export function planBatch(book: DecisionBook, ctx: PlanContext): Plan {
  const { datasetFolder, labels, vault } = ctx;
  const plan: Plan = { datasetFolder, moves: [], deletions: [], skipped: [], newFolders: [], kept: 0 };
  // Destinations claimed by earlier moves of this batch. Paths vacated by this batch stay "taken":
  // reusing them would make the result depend on the order of the moves.
  const claimed = new Set<string>();
  const taken = (p: string): boolean => claimed.has(p) || vault.exists(p);
  const skip = (path: string, code: SkipCode, reason: string): void => {
    plan.skipped.push({ path, code, reason });
  };

  for (const entry of book.entries()) {
    const { path, decision, fingerprint } = entry;
    if (decision.kind === "keep") {
      plan.kept++;
      continue;
    }
    const outside = datasetFileProblem(path, { dataset: datasetFolder, trash: VAULT_TRASH, logNote: logNotePath(datasetFolder) });
    if (outside) {
      skip(path, "outside-dataset", `refused: not an image of the dataset "${datasetFolder}" (${outside})`);
      continue;
    }
    const mismatch = fingerprintMismatch(fingerprint, vault.stat(path));
    if (mismatch) {
      skip(path, mismatch.startsWith("it is no longer") ? "missing" : "changed", mismatch);
      continue;
    }
    if (decision.kind === "delete") {
      plan.deletions.push({ path, fingerprint });
      continue;
    }
    const problem = labelProblem(decision.label);
    if (problem) {
      skip(path, "bad-label", problem);
      continue;
    }
    const fromLabel = labelOf(path, labels, vault);
    const folder = vault.labelFolder(decision.label);
    if (fromLabel === decision.label || parentOf(path) === folder) {
      skip(path, "same-label", `already in "${decision.label}"`);
      continue;
    }
    const createsFolder = !vault.exists(folder);
    if (createsFolder && !plan.newFolders.includes(folder)) plan.newFolders.push(folder);
    const to = freeName(folder, baseName(path), taken);
    claimed.add(to);
    plan.moves.push({
      from: path,
      to,
      label: decision.label,
      fromLabel,
      fingerprint,
      createsFolder,
      renamed: baseName(to) !== baseName(path),
    });
  }
  return plan;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The text shown before apply. `linkedFrom` (the adapter: resolved backlinks) names, per image,
 * the notes that link to it; their links follow a move, and break when the image is trashed.
 */
export function summary(plan: Plan, linkedFrom?: (path: string) => readonly string[]): string {
  const lines: string[] = [];
  const links = (path: string, verb: string): void => {
    const notes = linkedFrom?.(path) ?? [];
    if (notes.length) lines.push(`  ${verb} ${notes.join(", ")}`);
  };
  const head = [count(plan.moves.length, "move", "moves"), count(plan.deletions.length, "deletion", "deletions")];
  if (plan.skipped.length) head.push(`${plan.skipped.length} skipped`);
  lines.push(`${head.join(", ")}.`);
  if (plan.moves.length === 0 && plan.deletions.length === 0) lines.push("Nothing to apply.");
  for (const f of plan.newFolders) lines.push(`Creates the label folder "${f}".`);
  if (plan.moves.length) {
    lines.push("", "Move:");
    for (const m of plan.moves) {
      const note = m.renamed ? ` (renamed: "${baseName(m.from)}" is taken there)` : "";
      lines.push(`- ${m.from} → ${m.to}${note}`);
      links(m.from, "links follow, from:");
    }
  }
  if (plan.deletions.length) {
    lines.push("", "Move to the trash:");
    for (const d of plan.deletions) {
      lines.push(`- ${d.path}`);
      links(d.path, "links will break, from:");
    }
  }
  if (plan.skipped.length) {
    lines.push("", "Skipped:");
    for (const s of plan.skipped) lines.push(`- ${s.path}: ${s.reason}`);
  }
  return lines.join("\n");
}

/** Where a planned file will end up, for per-image rows in the confirmation dialog. */
export function planTargets(plan: Plan): { path: string; action: string }[] {
  return [
    ...plan.moves.map((m) => ({ path: m.from, action: `move to ${m.to}` })),
    ...plan.deletions.map((d) => ({ path: d.path, action: "move to the trash" })),
  ];
}
