// `lesson-lab train FOLDER [options]`: trains the classifier on a folder whose sub-folders are
// the labels, prints fastai's epoch table and the interpretation, saves `FOLDER.model/`.
//
// Paths: the CLI works in the vault that holds FOLDER (the nearest folder above it with
// `.obsidian`), else in FOLDER's parent (the store root, `root` in --json). The text output
// prints paths relative to the working directory (absolute when outside it, paths.ts); --json
// keeps them relative to `root`, as the plugin would show them. The embedding cache is the
// plugin's own for this dataset when FOLDER is in a vault, else `.lesson-lab-cache/` beside
// FOLDER (src/node/dataset-location.ts). Loading and training live in src/node/; this file
// handles the arguments and the output.
//
// Exit codes: 0 trained; 1 nothing trained (bad folder, one label…) or a failure; 2 usage
// (every flag is checked before the backbone loads); 130 cancelled with Ctrl-C (no model
// written, the embeddings made so far kept in the cache, dataset untouched).
import { createProgressWriter, formatNumber, formatPercent, formatTable } from "./table";
import type { TrainProgress } from "../classifier/types";
import type { TrainResult } from "../classifier/pipeline";
import { isAbortError } from "../shared/abort";
import { describeInterval } from "../classifier/metrics";
import { processIo, type CliIo } from "./io";
import { oneLine } from "./terminal";
import { startDatasetCommand } from "./dataset-command";
import { datasetProblem, locateDataset } from "../node/dataset-location";
import { trainOnDisk } from "../node/train-on-disk";
import { cancelledCacheNote, firstProblem, integerProblem, EXIT_CANCELLED, type Flags } from "./args";
import { pathsNote, shownPath } from "./paths";
import { formatEpochTime } from "../classifier/format-time";
import { countSkipped, describeSkipped, SKIPPED_SUMMARY, type SkippedFile } from "../classifier/dataset";
import { errorText } from "../shared/errors";

export type { CliIo };

const USAGE = `usage: lesson-lab train FOLDER [options]

Trains an image classifier on FOLDER, whose sub-folders are the labels (FOLDER/grizzly/*.jpg,
FOLDER/teddy/*.jpg), and saves it beside it as FOLDER.model/ (a previous model is kept as
FOLDER.model.previous-<time>/).
  --epochs N       passes over the training images (default 10)
  --valid-pct P    percent of each label's images kept for validation, 0 to 90 (default 20:
                   a label of 16 images gives round(0.2 × 16) = 3; 0 = no validation set)
  --seed S         seeds the split, the augmentation and the training (default 42)
  --lr X           learning rate (default 0.003)
  --backbone ID    feature extractor (default mobilenet_v2-nsfwjs#block_13_expand_relu;
                   mobilenet_v2-nsfwjs = the former default, flatten_1)
  --no-augment     train on the plain images only
  --threads N      embed on N worker threads (default 1: in this process)
  --no-cache       do not read or write the embedding cache
  --no-save        train and report without writing FOLDER.model/
  --json           one JSON object on stdout: {labels, counts, unreadable, unlabeled, warnings,
                   epochs, confusion, model, accuracy, accuracy_interval, per_class,
                   most_confused, top_losses, root}; its paths are relative to root (the vault
                   holding FOLDER, else FOLDER's parent)
  -h, --help       this help
Progress goes to stderr. Printed paths are relative to the working directory (absolute when
outside it). Exit codes: 0 trained, 1 failure, 2 usage error, 130 cancelled (Ctrl-C: no model
written, the embeddings made so far kept in the cache).
`;

const SPEC = {
  epochs: { type: "integer", min: 1, max: 1000 },
  "valid-pct": "number",
  seed: "integer",
  lr: "number",
  backbone: "string",
  "no-augment": "boolean",
  threads: { type: "integer", min: 1, max: 64 },
  "no-cache": "boolean",
  "no-save": "boolean",
  json: "boolean",
  help: { type: "boolean", short: "h" },
} as const;

/** The CLI's checks of train's flags (exit 2), before anything loads; null when all are usable. */
export function trainFlagsProblem(flags: Flags<typeof SPEC>): string | null {
  const pct = flags["valid-pct"];
  const lr = flags.lr;
  return firstProblem(
    integerProblem("epochs", flags.epochs, 1, 1000),
    pct === undefined || (pct >= 0 && pct <= 90) ? null : `--valid-pct is a percentage from 0 to 90 (20 keeps 20% of each label's images for validation); got ${pct}`,
    lr === undefined || (lr > 0 && lr <= 1) ? null : `--lr must be above 0 and at most 1; got ${lr}`,
  );
}

/** With --json, what joins `error` when nothing was trained: the files that could not be used, with why. */
export function failureDetails(result: TrainResult): Record<string, unknown> {
  return {
    unreadable: result.unreadable.map((u) => ({ path: u.path, reason: u.reason })),
    skipped: (result.skipped ?? []).map((f) => ({ path: f.path, kind: f.kind, reason: f.reason })),
  };
}

/** The `--json` object; the first eight keys and their order are the contract. */
export function trainJson(result: TrainResult & { engine?: "onnxruntime" | "tfjs" }, root: string): Record<string, unknown> {
  return {
    labels: result.labels,
    counts: result.counts,
    unreadable: result.unreadable.map((u) => ({ path: u.path, reason: u.reason })),
    unlabeled: result.unlabeled,
    warnings: result.warnings,
    epochs: result.epochs.map((e) => ({
      epoch: e.epoch,
      train_loss: e.train_loss,
      valid_loss: Number.isFinite(e.valid_loss) ? e.valid_loss : null,
      error_rate: Number.isFinite(e.error_rate) ? e.error_rate : null,
      seconds: e.seconds,
    })),
    confusion: result.confusion,
    model: result.model,
    accuracy: result.accuracy,
    // 95% Wilson score interval of the validation accuracy: {low, high, level}, or null.
    accuracy_interval: result.accuracyInterval,
    per_class: result.perClass,
    most_confused: result.mostConfused,
    top_losses: result.topLosses.slice(0, 20),
    train_count: result.trainCount,
    valid_count: result.validCount,
    embedded: result.embedded,
    cached: result.cached,
    root,
    skipped: (result.skipped ?? []).map((f) => ({ path: f.path, kind: f.kind, reason: f.reason })),
    skipped_counts: countSkipped(result.skipped ?? []),
    // The embedding engine: "onnxruntime", or "tfjs" (asked for, or a fallback named in warnings).
    ...(result.engine ? { engine: result.engine } : {}),
  };
}

/**
 * The text report. `show` turns a store path into what is printed (default: as is); the CLI
 * passes shownPath, relative to the working directory, and then ends with pathsNote. Names,
 * labels, reasons and warnings from the dataset are printed escaped (oneLine; tables escape
 * their cells): a file name cannot end a line early or send the terminal a control sequence.
 */
export function formatReport(result: TrainResult, showPath: (storePath: string) => string = (p) => p): string {
  const show = (p: string): string => oneLine(showPath(p));
  const parts: string[] = [];
  parts.push(
    formatTable(
      ["epoch", "train_loss", "valid_loss", "error_rate", "time"],
      result.epochs.map((e) => [String(e.epoch), formatNumber(e.train_loss), formatNumber(e.valid_loss), formatNumber(e.error_rate), formatEpochTime(e.seconds)]),
      [false, true, true, true, true],
    ),
  );
  parts.push(
    `${result.trainCount} training and ${result.validCount} validation images; ${result.embedded + result.cached} views ` +
      `(each image as it is, and each training image also as augmented copies) turned into feature vectors: ` +
      `${result.embedded} by the backbone now, ${result.cached} read from the cache.\n`,
  );
  if (result.accuracyInterval) parts.push(`Validation accuracy ${formatPercent(result.accuracy)} (${describeInterval(result.accuracyInterval, result.validCount)}).\n`);
  if (result.confusion) {
    const { labels, matrix } = result.confusion;
    parts.push(`Confusion matrix (rows: actual, columns: predicted), accuracy ${formatPercent(result.accuracy)}:\n`);
    parts.push(formatTable(["actual \\ predicted", ...labels], labels.map((l, i) => [l, ...matrix[i].map(String)]), [false, ...labels.map(() => true)]));
    parts.push("\nPer-class accuracy:\n");
    parts.push(formatTable(["label", "correct", "images", "accuracy"], result.perClass.map((c) => [c.label, String(c.correct), String(c.count), formatPercent(c.accuracy)]), [false, true, true, true]));
    if (result.mostConfused.length > 0) {
      parts.push("\nMost confused (actual → predicted, images):\n");
      for (const p of result.mostConfused.slice(0, 10)) parts.push(`  ${oneLine(p.actual)} → ${oneLine(p.predicted)}: ${p.count}\n`);
    }
    const wrong = result.topLosses.filter((t) => t.actual !== t.predicted).slice(0, 10);
    if (wrong.length > 0) {
      parts.push("\nTop losses (worth a look: mislabeled or ambiguous?):\n");
      parts.push(
        formatTable(
          ["image", "actual", "predicted", "loss", "p(predicted)", "p(actual)"],
          wrong.map((t) => [show(t.path), t.actual, t.predicted, t.loss.toFixed(2), t.probabilityPredicted.toFixed(2), t.probabilityActual.toFixed(2)]),
          [false, false, false, true, true, true],
        ),
      );
    }
  }
  if (result.unreadable.length > 0) {
    parts.push(`\nLeft out ${result.unreadable.length} unreadable image(s):\n`);
    for (const u of result.unreadable) parts.push(`  ${show(u.path)}: ${oneLine(u.reason)}\n`);
  }
  parts.push(formatSkipped(result.skipped ?? [], showPath));
  // The skipped files are listed in full just above: their one-line summary would repeat them.
  for (const w of result.warnings) if (!SKIPPED_SUMMARY.test(w)) parts.push(`warning: ${oneLine(w)}\n`);
  parts.push(result.model ? `\nModel saved to ${show(result.model.folder)}${result.model.previous ? ` (the previous one is now ${show(result.model.previous)})` : ""}\n` : "\nModel not saved (--no-save).\n");
  return parts.join("");
}

/** Every skipped file with its reason (both escaped, oneLine), counts first; "" when none. Shared by train and clean. */
export function formatSkipped(skipped: readonly SkippedFile[], show: (storePath: string) => string = (p) => p): string {
  if (skipped.length === 0) return "";
  const lines = skipped.map((f) => `  ${oneLine(show(f.path))}: ${oneLine(f.reason)}\n`);
  return `\nNot used: ${skipped.length} file(s) (${describeSkipped(skipped)}):\n${lines.join("")}`;
}

export async function run(args: string[], rawIo: CliIo = processIo): Promise<number> {
  // Names from the dataset reach the terminal escaped (QA 1 #13: startDatasetCommand's io,
  // JSON mode from the parsed --json); progress draws its own escapes.
  const started = await startDatasetCommand("train", args, SPEC, USAGE, rawIo, trainFlagsProblem);
  if (typeof started === "number") return started;
  const { folder, flags, json, io, fail } = started;
  const pct = flags["valid-pct"];
  if (pct !== undefined && pct > 0 && pct < 1) io.err(`lesson-lab train: note: --valid-pct is a percentage: ${pct} keeps ${pct}% of the images for validation (${pct * 100} would keep ${pct * 100}%)\n`);

  const location = await locateDataset(folder);
  if (location.folder === "") return fail(`the dataset folder must not be a vault root (${location.root})`);
  const problem = await datasetProblem(location);
  if (problem) return fail(problem.error, { unreadable: [], skipped: problem.skipped.map((f) => ({ path: f.path, kind: f.kind, reason: f.reason })) });
  const progress = createProgressWriter(rawIo.err, rawIo.errIsTty === true);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on("SIGINT", onSigint);
  try {
    const result = await trainOnDisk(location, {
      backboneId: flags.backbone,
      threads: flags.threads,
      noCache: flags["no-cache"],
      options: {
        epochs: flags.epochs,
        validPct: pct === undefined ? undefined : pct / 100,
        seed: flags.seed,
        lr: flags.lr,
        augment: flags["no-augment"] ? false : undefined,
        save: flags["no-save"] ? false : undefined,
      },
      onProgress: (p: TrainProgress) => progress.update(p),
      signal: controller.signal,
      onWarning: (w) => {
        progress.end();
        io.err(`lesson-lab train: warning: ${oneLine(w)}\n`);
      },
    });
    progress.end();
    if (result.error) return fail(result.error, failureDetails(result));
    if (json) io.out(`${JSON.stringify(trainJson(result, location.root))}\n`);
    else io.out(formatReport(result, (p) => shownPath(location.root, p)) + pathsNote());
    return 0;
  } catch (error) {
    progress.end();
    if (isAbortError(error)) {
      io.err(`lesson-lab train: cancelled; no model was written (${cancelledCacheNote(flags["no-cache"])})\n`);
      if (json) io.out(`${JSON.stringify({ error: "cancelled" })}\n`);
      return EXIT_CANCELLED;
    }
    return fail(errorText(error));
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
