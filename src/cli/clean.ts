// `lesson-lab clean FOLDER [options]`: lists the images of a labelled folder worth a look:
// probable wrong labels (out-of-fold confident learning), duplicates and copies straddling
// train and validation, outliers that fit no label, unreadable files. Changes nothing.
//
// It embeds with the same cache as `train` (a repeat run re-embeds nothing), trains no model
// file, and prints paths relative to the vault holding FOLDER, else to FOLDER's parent.
// Exit codes: 0 listed; 1 nothing listed (bad folder, one label…) or a failure; 2 usage;
// 130 cancelled with Ctrl-C.
import { createProgressWriter, formatTable } from "./table";
import { locateDataset, trainOnDisk } from "./train";
import { processIo, type CliIo } from "./io";
import { startDatasetCommand } from "./dataset-command";
import type { TrainProgress } from "../classifier/types";
import { isAbortError } from "../classifier/train";
import type { CleanReport } from "../cleaner/find";
import { FLAG_METHODS, RANK_BY, type FlagMethod, type RankBy } from "../cleaner/suspects";

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
                   unreadable, ...}
Progress goes to stderr.
`;

const SPEC = {
  top: "number",
  folds: "number",
  repeats: "number",
  seed: "number",
  method: "string",
  "rank-by": "string",
  backbone: "string",
  threads: "number",
  "no-cache": "boolean",
  json: "boolean",
  help: { type: "boolean", short: "h" },
} as const;

/** The `--json` object; its first four keys, and the seven keys of each suspect, are the contract. */
export function cleanJson(report: CleanReport, extra: { top?: number; root: string; embedded: number; cached: number }): Record<string, unknown> {
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
    })),
    duplicates: report.duplicates.map((d) => [d.a, d.b, d.similarity]),
    outliers: report.outliers,
    unreadable: report.unreadable.map((u) => ({ path: u.path, reason: u.reason })),
    labels: report.labels,
    suspect_count: report.suspects.length,
    estimated_label_issues: report.estimatedLabelIssues,
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
  };
}

export function formatCleanReport(report: CleanReport, top: number): string {
  const parts: string[] = [];
  const shown = report.suspects.slice(0, top);
  if (shown.length === 0) parts.push("No suspects: every image agrees with its label, no duplicates, no outliers.\n");
  else {
    parts.push(`${report.suspects.length} image(s) worth a look; the ${shown.length} most suspicious:\n`);
    parts.push(
      formatTable(
        ["#", "image", "given → suggested", "p(given)", "issue"],
        shown.map((s, i) => [
          String(i + 1),
          s.path,
          s.issue === "unreadable" ? "—" : s.issue === "label" ? `${s.given} → ${s.suggested}` : s.given,
          Number.isFinite(s.probability) ? s.probability.toFixed(2) : "—",
          s.issue,
        ]),
        [true, false, false, true, false],
      ),
    );
  }
  const labelCount = report.suspects.filter((s) => s.issue === "label").length;
  parts.push(
    `\nOut-of-fold accuracy ${(report.outOfFoldAccuracy * 100).toFixed(1)}% (${report.folds} folds); ` +
      `${labelCount} label suspect(s) by ${report.method} (cleanlab estimates ${report.estimatedLabelIssues} wrong label(s)); ` +
      `${report.duplicates.length} duplicate pair(s) (${report.duplicates.filter((d) => d.leak).length} across train/validation) at similarity ≥ ${report.nearDuplicateThreshold}; ` +
      `${report.outliers.length} outlier(s); ${report.unreadable.length} unreadable.\n`,
  );
  for (const u of report.unreadable) parts.push(`  unreadable: ${u.path}: ${u.reason}\n`);
  return parts.join("");
}

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
  const started = await startDatasetCommand("clean", args, SPEC, USAGE, io);
  if (typeof started === "number") return started;
  const { folder, flags, json, fail } = started;
  if (flags.top !== undefined && (!Number.isInteger(flags.top) || flags.top < 1)) return fail(`--top must be a whole number of at least 1; got ${flags.top}`);
  if (flags.folds !== undefined && (!Number.isInteger(flags.folds) || flags.folds < 2 || flags.folds > 50)) return fail(`--folds must be a whole number from 2 to 50; got ${flags.folds}`);
  if (flags.repeats !== undefined && (!Number.isInteger(flags.repeats) || flags.repeats < 1 || flags.repeats > 20)) return fail(`--repeats must be a whole number from 1 to 20; got ${flags.repeats}`);
  if (flags.method !== undefined && !(FLAG_METHODS as readonly string[]).includes(flags.method)) return fail(`--method must be one of ${FLAG_METHODS.join(", ")}; got "${flags.method}"`);
  const rankBy = flags["rank-by"];
  if (rankBy !== undefined && !(RANK_BY as readonly string[]).includes(rankBy)) return fail(`--rank-by must be one of ${RANK_BY.join(", ")}; got "${rankBy}"`);

  const location = await locateDataset(folder);
  if (location.folder === "") return fail("the dataset folder must not be a vault root");
  const { findIssues } = await import("../cleaner/find");
  const progress = createProgressWriter(io.err, io.errIsTty === true);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once("SIGINT", onSigint);
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
    });
    if (trained.error) {
      progress.end();
      return fail(trained.error);
    }
    // The result's backbone picks the heads' standardisation and the near-duplicate threshold.
    const options = { folds: flags.folds, repeats: flags.repeats, seed: flags.seed, method: flags.method as FlagMethod | undefined, rankBy: rankBy as RankBy | undefined };
    const report = await findIssues(trained, options, controller.signal, (p) => {
      const message = p.phase === "kfold" ? `Cross-validation: fold ${p.done} of ${p.total} trained` : p.phase === "duplicates" ? "Looking for duplicates" : "Looking for outliers";
      progress.update({ phase: "scanning", message });
    });
    progress.end();
    if (json) io.out(`${JSON.stringify(cleanJson(report, { top: flags.top, root: location.root, embedded: trained.embedded, cached: trained.cached }))}\n`);
    else {
      io.out(formatCleanReport(report, flags.top ?? 20));
      for (const w of trained.warnings) io.out(`warning: ${w}\n`);
    }
    return 0;
  } catch (error) {
    progress.end();
    if (isAbortError(error)) {
      io.err("lesson-lab clean: cancelled\n");
      if (json) io.out(`${JSON.stringify({ error: "cancelled" })}\n`);
      return 130;
    }
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
