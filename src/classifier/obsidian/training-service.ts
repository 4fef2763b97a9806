// The one in-app training sequence, shared by the classifier panel and the cleaner (through the
// Trainer port src/plugin.ts hands it): load the runtime (tfjs + backbone) → train on the one
// main-thread slicer → save the model (the pipeline does) → results.json beside it → remember it
// as the last model → move older models to the trash. Heavy: imported on first use only.
import { requestUrl, type App } from "obsidian";
import type { ClassifierHost } from "../app-ports";
import { loadRuntime, mainSlicer, slicedDecoder, slicedEmbedder, slicedStore } from "../browser/app-runtime";
import { backboneIdOf, PANEL_DEFAULTS, type PanelSettings } from "../panel-settings";
import { cacheFolderFor } from "../cache";
import { trainClassifier, type TrainResult } from "../pipeline";
import { RESULTS_FILE, resultsDataOf } from "../results-file";
import type { TrainProgress } from "../types";
import { throwIfAborted } from "../../shared/abort";
import { errorText } from "../../shared/errors";
import { trashOlderModels, type PruneResult } from "./prune-models";
import { createVaultStore, type VaultStore } from "../../shared/obsidian/vault-store";

/** What the service needs from the plugin. */
export type TrainingHost = Pick<ClassifierHost, "loadClassifierData" | "updateClassifierData" | "pluginDir">;

export interface TrainRequest {
  /** The pipeline's progress events (types.ts TrainProgress). The backbone loads before the first one: say so before calling. */
  onProgress?: (p: TrainProgress) => void;
  /** Cancels between steps; the promise then rejects with an AbortError (shared/abort.ts) and no model is saved. */
  signal?: AbortSignal;
  /** The settings to train with; default: the folder's remembered panel settings (PANEL_DEFAULTS when none). */
  settings?: PanelSettings;
  /** Told the tfjs backend ("webgl", "wasm", "cpu") as soon as the runtime is loaded. */
  onBackend?: (backend: string) => void;
}

/** A training result in the app: the pipeline's TrainResult, plus what the service did after it. */
export interface InAppTrainResult extends TrainResult {
  /** The tfjs backend the run used. */
  backend: string;
  /** Older model folders moved to the trash after the save; null when no model was saved or none was older. */
  pruned: PruneResult | null;
}

/** Trains classifiers on vault folders, one sequence for every caller in the app. */
export class TrainingService {
  readonly store: VaultStore;

  constructor(
    private readonly app: App,
    private readonly host: TrainingHost,
    store?: VaultStore,
  ) {
    this.store = store ?? createVaultStore(app);
  }

  /**
   * Trains on the dataset `folder` (vault path; its sub-folders are the labels) and, when a model
   * was saved to `<folder>.model/`, writes results.json beside it, makes it the last model (the
   * classify block's fallback) and moves models older than the kept previous one to the trash.
   *
   * Resolves with `error` set (nothing saved) when the folder cannot be trained on (missing, fewer
   * than two labels, …). Rejects when the runtime cannot load (e.g. a broken vault backbone, no
   * network for a backbone to download) and with an AbortError when `signal` fires. Failures
   * after the save (results.json, remembering the last model in data.json, the trash) are added
   * to `warnings`; the model stays.
   */
  async train(folder: string, request: TrainRequest = {}): Promise<InAppTrainResult> {
    const { signal } = request;
    const settings = request.settings ?? (await this.host.loadClassifierData()).perFolder[folder] ?? PANEL_DEFAULTS;
    const runtime = await loadRuntime({
      backboneId: backboneIdOf(settings),
      backend: settings.backend,
      store: this.store,
      modelsDir: `${this.host.pluginDir()}/models`,
      fetchBinary: async (url) => (await requestUrl({ url, throw: true })).arrayBuffer,
    });
    request.onBackend?.(runtime.backend);
    throwIfAborted(signal);
    // All main-thread classifier work shares one slicer, so that jobs interleave instead of each
    // taking its own turns (app-runtime.ts).
    const result = await trainClassifier({
      store: slicedStore(this.store, mainSlicer),
      folder,
      decoder: slicedDecoder(runtime.decoder, mainSlicer),
      backbone: slicedEmbedder(runtime.backbone, mainSlicer),
      // The one cache folder of the dataset, the CLI's too (cache.ts cacheFolderFor).
      cacheFolder: cacheFolderFor(this.host.pluginDir(), folder),
      options: { epochs: settings.epochs, validPct: settings.validPct / 100, seed: settings.seed, lr: settings.lr, augment: settings.augment },
      onProgress: request.onProgress,
      signal,
    });
    const out: InAppTrainResult = Object.assign(result, { backend: runtime.backend, pruned: null });
    if (result.model) await this.afterSave(out, result.model.folder, result.model.previous !== null);
    return out;
  }

  private async afterSave(result: InAppTrainResult, modelFolder: string, hadPrevious: boolean): Promise<void> {
    // The interpretation beside the model, so that the panel can show it again later.
    try {
      await this.store.writeText(`${modelFolder}/${RESULTS_FILE}`, JSON.stringify(resultsDataOf(result)));
    } catch (error) {
      result.warnings.push(`Could not save ${modelFolder}/${RESULTS_FILE}: ${errorText(error)}`);
    }
    // One queued read-change-write of the "classifier" key, so no other write in between is lost.
    try {
      await this.host.updateClassifierData((data) => ({ ...data, lastModel: modelFolder }));
    } catch (error) {
      result.warnings.push(`Could not remember ${modelFolder} as the last model: ${errorText(error)}`);
    }
    if (!hadPrevious) return;
    result.pruned = await trashOlderModels(this.app, modelFolder);
    for (const f of result.pruned.failed) result.warnings.push(`Could not move the older model ${f.path}/ to the trash: ${f.error}`);
  }
}
