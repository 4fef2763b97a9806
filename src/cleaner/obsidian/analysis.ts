// Training and suspect finding for the pane, on the classifier panel's app runtime. Heavy
// (tfjs, the backbone): the plugin imports this module on first use only.
import { requestUrl, type Plugin } from "obsidian";
import type { DataHost } from "./store";
import { currentBackend, loadRuntime, Slicer, slicedDecoder, slicedEmbedder, slicedStore } from "../../classifier/browser/app-runtime";
import { trainClassifier, type TrainResult } from "../../classifier/pipeline";
import { trashOlderModels } from "../../classifier/obsidian/prune-models";
import { backboneIdOf, PANEL_DEFAULTS } from "../../classifier/panel-settings";
import { cacheFolderFor } from "../../classifier/cache";
import { classifierHost } from "../../classifier/obsidian/register";
import { createVaultStore } from "../../classifier/obsidian/vault-store";
import { findIssues } from "../find";
import type { ReviewReport } from "./cards";
import { describeFindProgress, describeTrainProgress, toReviewReport } from "./report";
import type { Progress } from "./view";

/** Trains on `folder` with the panel's settings for it; embeddings come from the shared cache. */
export async function trainForCleaner(plugin: Plugin & DataHost, folder: string, progress: Progress, signal: AbortSignal): Promise<TrainResult> {
  const host = classifierHost(plugin);
  const data = await host.loadClassifierData();
  const settings = data.perFolder[folder] ?? PANEL_DEFAULTS;
  const store = createVaultStore(plugin.app);
  progress("Loading the backbone");
  const runtime = await loadRuntime({
    backboneId: backboneIdOf(settings),
    backend: settings.backend,
    store,
    modelsDir: `${host.pluginDir()}/models`,
    fetchBinary: async (url) => (await requestUrl({ url, throw: true })).arrayBuffer,
  });
  const slicer = new Slicer();
  const result = await trainClassifier({
    store: slicedStore(store, slicer),
    folder,
    decoder: slicedDecoder(runtime.decoder, slicer),
    backbone: slicedEmbedder(runtime.backbone, slicer),
    cacheFolder: cacheFolderFor(host.pluginDir(), folder),
    options: { epochs: settings.epochs, validPct: settings.validPct / 100, seed: settings.seed, lr: settings.lr, augment: settings.augment },
    onProgress: (p) => progress(describeTrainProgress(p)),
    signal,
  });
  if (result.error) throw new Error(`Could not train on "${folder}": ${result.error}.`);
  if (result.model?.previous) {
    const pruned = await trashOlderModels(plugin.app, result.model.folder);
    result.warnings.push(...pruned.failed.map((f) => `Could not move the older model ${f.path}/ to the trash: ${f.error}`));
  }
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
