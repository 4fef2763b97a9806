// What the classifier's in-app modules (panel, classify block and modal, training service, web-app
// export) need from the plugin: its data key, its folder, and the cleaner. Types only; the
// classifier's feature (obsidian/feature.ts) builds it, src/plugin.ts passes the cleaner in.
import type { TrainResult } from "./pipeline";
import type { ClassifierData } from "./panel-settings";

/** The plugin as the classifier sees it. */
export interface ClassifierHost {
  /** The classifier's key of data.json ("classifier"), normalised (defaults for anything missing or malformed). */
  loadClassifierData(): Promise<ClassifierData>;
  /** Replaces the classifier's key of data.json (other features' keys are kept). */
  saveClassifierData(data: ClassifierData): Promise<void>;
  /**
   * Applies `change` to the classifier's key (normalised) as one read-change-write queued in the
   * plugin's data store (shared/obsidian/data-store.ts), so no other write in between is lost.
   * Rejects when data.json cannot be written.
   */
  updateClassifierData(change: (data: ClassifierData) => ClassifierData): Promise<void>;
  /** The plugin's folder under the config folder, e.g. ".obsidian/plugins/lesson-lab" (vault-relative). */
  pluginDir(): string;
  /** Opens the cleaner pane for a dataset folder (with this session's training result, when there is one); undefined when there is no cleaner. */
  openCleaner?: (folder: string, result?: TrainResult) => Promise<void> | void;
}
