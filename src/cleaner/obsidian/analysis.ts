// Training and suspect finding for the pane, on the classifier panel's app runtime. Heavy
// (tfjs, the backbone): the plugin imports this module on first use only.
import type { Plugin } from "obsidian";
import { currentBackend } from "../../classifier/browser/app-runtime";
import type { TrainResult } from "../../classifier/pipeline";
import { classifierHost } from "../../classifier/obsidian/feature";
import { TrainingService } from "../../classifier/obsidian/training-service";
import { findIssues } from "../find";
import type { Progress } from "../ports";
import type { ReviewReport } from "../review-items";
import { describeFindProgress, describeTrainProgress, toReviewReport } from "../review-report";

/** What training needs from the plugin: its data (the panel's settings per folder). */
export interface DataHost {
  loadData(): Promise<unknown>;
  updatePluginData(change: (data: Record<string, unknown>) => Record<string, unknown>): Promise<void>;
}

/** Trains on `folder` with the panel's settings for it, through the classifier's training service (shared cache, results.json, last model, pruning). */
export async function trainForCleaner(plugin: Plugin & DataHost, folder: string, progress: Progress, signal: AbortSignal): Promise<TrainResult> {
  progress("Loading the backbone");
  // The classifier's key of data.json, through this plugin's data functions.
  const data = {
    get: async (key: string): Promise<unknown> => ((await plugin.loadData()) as Record<string, unknown> | null)?.[key],
    set: (key: string, value: unknown) => plugin.updatePluginData((d) => ({ ...d, [key]: value })),
  };
  const result = await new TrainingService(plugin.app, classifierHost({ app: plugin.app, manifest: plugin.manifest, data })).train(folder, { onProgress: (p) => progress(describeTrainProgress(p)), signal });
  if (result.error) throw new Error(`Could not train on "${folder}": ${result.error}.`);
  return result;
}

/** Trains, then finds the suspects in the result. */
export async function analyseForCleaner(plugin: Plugin & DataHost, folder: string, progress: Progress, signal: AbortSignal): Promise<ReviewReport> {
  const result = await trainForCleaner(plugin, folder, progress, signal);
  const clean = await findIssues(result, {}, signal, (p) => progress(describeFindProgress(p)));
  const report = toReviewReport(folder, clean, result.errorRate);
  const backend = await currentBackend();
  if (backend) report.warnings = [...(report.warnings ?? []), `Trained on ${backend}.`];
  report.warnings = [...(report.warnings ?? []), ...result.warnings];
  return report;
}

/** Retrains after an apply; nothing is re-embedded (moved files keep their content hash). */
export async function retrainForCleaner(
  plugin: Plugin & DataHost,
  folder: string,
  progress: Progress,
  signal: AbortSignal,
): Promise<{ errorRate: number | null; embedded: number; cached: number }> {
  const result = await trainForCleaner(plugin, folder, progress, signal);
  return { errorRate: result.errorRate, embedded: result.embedded, cached: result.cached };
}
