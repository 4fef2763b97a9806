// `lesson-lab clean FOLDER [options]`: lists the images of a labelled folder worth a look:
// probable wrong labels (out-of-fold confident learning), duplicates and copies straddling
// train and validation, outliers that fit no label, unreadable files. Changes nothing.
//
// It embeds with the same cache as `train` (a repeat run re-embeds nothing) and trains no model
// file. Text output prints paths relative to the working directory (absolute when outside it);
// --json keeps them relative to `root` (the vault holding FOLDER, else FOLDER's parent).
// Exit codes: 0 listed; 1 nothing listed (bad folder, one label…) or a failure; 2 usage (every
// flag is checked before the backbone loads); 130 cancelled with Ctrl-C (the embeddings made
// so far kept in the cache).
import { createProgressWriter, formatTable } from "./table";
import { failureDetails, formatSkipped } from "./train";
import { datasetProblem, locateDataset } from "../node/dataset-location";
import { trainOnDisk } from "../node/train-on-disk";
import { countSkipped, SKIPPED_SUMMARY, type SkippedFile } from "../classifier/dataset";
import { cancelledCacheNote, choiceProblem, firstProblem, integerProblem, EXIT_CANCELLED, type Flags } from "./args";
import { pathsNote, shownPath } from "./paths";
import { KFOLD_DEFAULTS } from "../cleaner/kfold";
import { processIo, type CliIo } from "./io";
import { oneLine } from "./terminal";
import { startDatasetCommand } from "./dataset-command";
import type { TrainProgress } from "../classifier/types";
import { isAbortError } from "../shared/abort";
import { describeConflict, type CleanReport } from "../cleaner/find";
import { FLAG_METHODS, RANK_BY, type FlagMethod, type RankBy } from "../cleaner/suspects";
import { errorText } from "../shared/errors";

const USAGE = `usage: lesson-lab clean FOLDER [options]

Lists the images of FOLDER (sub-folders are the labels) worth a look, most suspicious first:
a probably wrong label, a duplicate, a copy in both training and validation (leak), an image
that fits no label (outlier), a file that cannot be read. Nothing is moved or deleted.
Every image is scored by a classifier head that never saw it (k-fold cross-validation).
  --top K          list the K most suspicious images (default 20; with --json: all)
  --folds N        cross-validation folds, 2 to 50 (default 5)
  --seed S         seeds the folds and the training (default 42)
  --repeats R      run the cross-validation R times on other folds and average, 1 to 20
                   (default 2; time grows with R, accuracy a little)
  --method M       how wrong labels are flagged: ${FLAG_METHODS.join(", ")}
                   (default below_threshold: images far below their label's usual
                   confidence (cleanlab's per-label threshold) that another label beats)
  --rank-by R      order of the label suspects: ${RANK_BY.join(", ")} (default log_ratio:
                   how many times likelier the likeliest other label is than the given one;
                   self_confidence: p(given), lowest first)
  --backbone ID    feature extractor (default mobilenet_v2-nsfwjs#block_13_expand_relu;
                   mobilenet_v2-nsfwjs = the former default, flatten_1)
  --threads N      embed on N worker threads (default 1: in this process)
  --no-cache       do not read or write the embedding cache
  --json           one JSON object on stdout: {suspects: [{path, given, predicted, probability,
                   score, suggested, issue}], duplicates: [[path, path, similarity]], outliers,
                   unreadable, ...}; its paths are relative to root (the vault holding FOLDER,
                   else FOLDER's parent)
  --apply FILE     carry out a decisions file instead of listing: a JSON list of
                   {path, action: "keep" | "delete" | "relabel", label?, hash?} with paths as
                   --json prints them; relabel moves into the label folder under a free name,
                   delete moves into .trash/ of the vault holding FOLDER (else beside FOLDER),
                   the batch is written ahead to FOLDER/Cleaner log.md (undo: lesson-lab undo).
                   A file whose content differs from its hash is skipped; a file naming a path
                   outside FOLDER's label folders is refused as a whole (nothing moves).
  --finish         finish a batch that was interrupted (a crash during --apply)
  -h, --help       this help
Progress goes to stderr. Printed paths are relative to the working directory (absolute when
outside it). Exit codes: 0 listed, 1 failure, 2 usage error, 130 cancelled (Ctrl-C).
`;

const SPEC = {
  top: { type: "integer", min: 1 },
  folds: { type: "integer", min: 2, max: 50 },
  repeats: { type: "integer", min: 1, max: 20 },
  seed: "integer",
  method: "string",
  "rank-by": "string",
  backbone: "string",
  threads: { type: "integer", min: 1, max: 64 },
  "no-cache": "boolean",
  json: "boolean",
  apply: "string",
  finish: "boolean",
  help: { type: "boolean", short: "h" },
} as const;

/** The CLI's checks of clean's flags (exit 2), before anything loads; null when all are usable. */
export function cleanFlagsProblem(flags: Flags<typeof SPEC>): string | null {
  return firstProblem(
    integerProblem("top", flags.top, 1),
    integerProblem("folds", flags.folds, 2, 50),
    integerProblem("repeats", flags.repeats, 1, 20),
    choiceProblem("method", flags.method, FLAG_METHODS),
    choiceProblem("rank-by", flags["rank-by"], RANK_BY),
  );
}

/** Per path, what makes it a duplicate, leak or conflict: "copy of <the other path>" and the like. */
export function duplicateDetails(report: CleanReport, show: (storePath: string) => string = (p) => p): Map<string, string> {
  const detail = new Map<string, string>();
  for (const d of report.duplicates) {
    const what = d.exact ? "exact copy" : `near copy (similarity ${d.similarity.toFixed(3)})`;
    const where = d.leak ? ", one in training and one in validation" : "";
    if (!detail.has(d.b)) detail.set(d.b, `${what} of ${show(d.a)}${where}`);
    if (!detail.has(d.a)) detail.set(d.a, `${what} of ${show(d.b)}${where}`);
  }
  return detail;
}

/** The `--json` object; its first four keys, and the seven keys of each suspect, are the contract. `hashes`: SHA-256 per path, for `--apply`. */
export function cleanJson(
  report: CleanReport,
  extra: {
    top?: number;
    root: string;
    embedded: number;
    cached: number;
    hashes?: ReadonlyMap<string, string>;
    skipped?: readonly SkippedFile[];
    /** The embedding engine, and the dataset's and the engine's warnings (a tfjs fallback names its reason). */
    engine?: "onnxruntime" | "tfjs";
    warnings?: readonly string[];
  },
): Record<string, unknown> {
  const suspects = extra.top === undefined ? report.suspects : report.suspects.slice(0, extra.top);
  return {
    suspects: suspects.map((s) => ({
      path: s.path,
      given: s.given,
      predicted: s.predicted,
      probability: Number.isFinite(s.probability) ? s.probability : null,
      score: s.score,
      suggested: s.suggested,
      issue: s.issue,
      split: s.split,
      loss: Number.isFinite(s.loss) ? s.loss : null,
      hash: extra.hashes?.get(s.path) ?? null,
      ...(s.conflict ? { conflict: s.conflict } : {}),
    })),
    duplicates: report.duplicates.map((d) => [d.a, d.b, d.similarity]),
    outliers: report.outliers,
    unreadable: report.unreadable.map((u) => ({ path: u.path, reason: u.reason })),
    labels: report.labels,
    suspect_count: report.suspects.length,
    estimated_label_issues: report.estimatedLabelIssues,
    expected_label_issues: report.expectedLabelIssues,
    out_of_fold_accuracy: report.outOfFoldAccuracy,
    thresholds: report.thresholds,
    method: report.method,
    rank_by: report.rankBy,
    folds: report.folds,
    near_duplicate_threshold: report.nearDuplicateThreshold,
    leaks: report.duplicates.filter((d) => d.leak).length,
    embedded: extra.embedded,
    cached: extra.cached,
    root: extra.root,
    skipped: (extra.skipped ?? []).map((f) => ({ path: f.path, kind: f.kind, reason: f.reason })),
    skipped_counts: countSkipped(extra.skipped ?? []),
    conflicts: report.conflicts.map((c) => ({ paths: c.paths, labels: c.labels, evidence: c.evidence, probabilities: c.probabilities })),
    ...(extra.engine ? { engine: extra.engine } : {}),
    ...(extra.warnings ? { warnings: extra.warnings } : {}),
  };
}

/** The text report; `show` turns a store path into what is printed (default: as is). Names, labels and reasons are printed escaped (oneLine; the table escapes its cells). */
export function formatCleanReport(report: CleanReport, top: number, show: (storePath: string) => string = (p) => p, repeats: number = KFOLD_DEFAULTS.repeats): string {
  const parts: string[] = [];
  const shown = report.suspects.slice(0, top);
  const details = duplicateDetails(report, show);
  const unreadable = new Map(report.unreadable.map((u) => [u.path, u.reason]));
  const outliers = new Map(report.outliers.map((o) => [o.path, `fits no label well (nearest: ${o.nearest})`]));
  const why = (s: (typeof shown)[number]): string =>
    s.issue === "unreadable"
      ? (unreadable.get(s.path) ?? "")
      : s.issue === "outlier"
        ? (outliers.get(s.path) ?? "")
        : s.issue === "label"
          ? `a head that never saw it says ${s.predicted}`
          : s.issue === "conflict"
            ? describeConflict(s, show)
            : (details.get(s.path) ?? "");
  if (shown.length === 0) parts.push("No suspects: every image agrees with its label, no duplicates, no outliers.\n");
  else {
    parts.push(`${report.suspects.length} image(s) worth a look; the ${shown.length} most suspicious:\n`);
    parts.push(
      formatTable(
        ["#", "image", "given → suggested", "p(given)", "issue", "why"],
        shown.map((s, i) => [
          String(i + 1),
          show(s.path),
          s.issue === "unreadable" ? "—" : s.issue === "label" ? `${s.given} → ${s.suggested}` : s.issue === "conflict" ? `${s.given} (${s.conflict?.evidence === null ? "?" : s.conflict?.keep ? "keep" : "delete"})` : s.given,
          Number.isFinite(s.probability) ? s.probability.toFixed(2) : "—",
          s.issue,
          why(s),
        ]),
        [true, false, false, true, false, false],
      ),
    );
  }
  const labelCount = report.suspects.filter((s) => s.issue === "label").length;
  parts.push(
    `\nOut-of-fold accuracy ${(report.outOfFoldAccuracy * 100).toFixed(1)}% (${report.folds} folds${repeats > 1 ? `, ${repeats} passes` : ""}); ` +
      `${labelCount} label suspect(s) by ${report.method} (about ${report.expectedLabelIssues} wrong label(s) expected; cleanlab's calibrated count, which also counts the heads' own confusions: ${report.estimatedLabelIssues}); ` +
      `${report.duplicates.length} duplicate pair(s) (${report.duplicates.filter((d) => d.leak).length} across train/validation) at similarity ≥ ${report.nearDuplicateThreshold}; ` +
      `${report.conflicts.length} conflict(s) (the same image under two labels); ${report.outliers.length} outlier(s); ${report.unreadable.length} unreadable.\n`,
  );
  for (const u of report.unreadable) parts.push(`  unreadable: ${oneLine(show(u.path))}: ${oneLine(u.reason)}\n`);
  return parts.join("");
}

/** SHA-256 of each listed file as it is now, so that `--apply` skips a file changed since. */
async function hashSuspects(root: string, paths: readonly string[]): Promise<Map<string, string>> {
  const [{ createFsStore }, { sha256Hex }] = await Promise.all([import("../node/fs-store"), import("../shared/hash")]);
  const store = createFsStore(root);
  const out = new Map<string, string>();
  for (const p of paths) {
    try {
      out.set(p, await sha256Hex(await store.readBinary(p)));
    } catch {
      // Gone or unreadable: no hash, and --apply then compares size and time only.
    }
  }
  return out;
}

/** The progress line of cross-validation step `done` of `total` (folds × passes). */
export function foldProgress(done: number, total: number, folds: number): string {
  const passes = Math.max(1, Math.round(total / folds));
  const pass = Math.ceil(done / folds);
  const fold = ((done - 1) % folds) + 1;
  return passes > 1 ? `Cross-validation: fold ${fold} of ${folds} trained (pass ${pass} of ${passes})` : `Cross-validation: fold ${fold} of ${folds} trained`;
}

export async function run(args: string[], rawIo: CliIo = processIo): Promise<number> {
  // Names from the dataset reach the terminal escaped (QA 1 #13: startDatasetCommand's io,
  // JSON mode from the parsed --json); progress draws its own escapes.
  const started = await startDatasetCommand("clean", args, SPEC, USAGE, rawIo, cleanFlagsProblem);
  if (typeof started === "number") return started;
  const { folder, flags, json, io, fail } = started;
  const rankBy = flags["rank-by"];
  if (flags.apply !== undefined || flags.finish === true) {
    const { runApply } = await import("./clean-apply");
    return runApply(folder, { apply: flags.apply, finish: flags.finish, json }, io, fail);
  }

  const location = await locateDataset(folder);
  if (location.folder === "") return fail(`the dataset folder must not be a vault root (${location.root})`);
  const problem = await datasetProblem(location);
  if (problem) return fail(problem.error, { unreadable: [], skipped: problem.skipped.map((f) => ({ path: f.path, kind: f.kind, reason: f.reason })) });
  const { findIssues } = await import("../cleaner/find");
  const progress = createProgressWriter(rawIo.err, rawIo.errIsTty === true);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on("SIGINT", onSigint);
  const folds = flags.folds ?? KFOLD_DEFAULTS.folds;
  const repeats = flags.repeats ?? KFOLD_DEFAULTS.repeats;
  try {
    // Plain views only (the cleaner scores unaugmented images), one epoch (the k-fold heads do
    // the scoring), nothing saved: this only embeds (or reads the cache) and checks the data.
    const trained = await trainOnDisk(location, {
      backboneId: flags.backbone,
      threads: flags.threads,
      noCache: flags["no-cache"],
      options: { augment: false, save: false, epochs: 1, seed: flags.seed },
      onProgress: (p: TrainProgress) => progress.update(p),
      signal: controller.signal,
      onWarning: (w) => {
        progress.end();
        io.err(`lesson-lab clean: warning: ${oneLine(w)}\n`);
      },
    });
    if (trained.error) {
      progress.end();
      return fail(trained.error, failureDetails(trained));
    }
    // The result's backbone picks the heads' standardisation and the near-duplicate threshold.
    const options = { folds: flags.folds, repeats: flags.repeats, seed: flags.seed, method: flags.method as FlagMethod | undefined, rankBy: rankBy as RankBy | undefined };
    const report = await findIssues(trained, options, controller.signal, (p) => {
      const message = p.phase === "kfold" ? foldProgress(p.done, p.total, folds) : p.phase === "duplicates" ? "Looking for duplicates" : "Looking for outliers";
      progress.update({ phase: "scanning", message });
    });
    progress.end();
    if (json) {
      const hashes = await hashSuspects(location.root, (flags.top === undefined ? report.suspects : report.suspects.slice(0, flags.top)).map((s) => s.path));
      io.out(`${JSON.stringify(cleanJson(report, { top: flags.top, root: location.root, embedded: trained.embedded, cached: trained.cached, hashes, skipped: trained.skipped, engine: trained.engine, warnings: trained.warnings }))}\n`);
    }
    else {
      const show = (p: string): string => shownPath(location.root, p);
      io.out(formatCleanReport(report, flags.top ?? 20, show, repeats));
      io.out(formatSkipped(trained.skipped ?? [], show));
      for (const w of trained.warnings) if (!SKIPPED_SUMMARY.test(w)) io.out(`warning: ${oneLine(w)}\n`);
      io.out(pathsNote());
    }
    return 0;
  } catch (error) {
    progress.end();
    if (isAbortError(error)) {
      io.err(`lesson-lab clean: cancelled (${cancelledCacheNote(flags["no-cache"])})\n`);
      if (json) io.out(`${JSON.stringify({ error: "cancelled" })}\n`);
      return EXIT_CANCELLED;
    }
    return fail(errorText(error));
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
