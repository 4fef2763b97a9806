// What the classifier's Obsidian adapters need from the plugin. Types only.
import type { TrainResult } from "../pipeline";
import type { ClassifierData } from "./panel-settings";

export interface ClassifierHost {
  loadClassifierData(): Promise<ClassifierData>;
  /** Merges into the plugin's data file under "classifier" (other features' keys are kept). */
  saveClassifierData(data: ClassifierData): Promise<void>;
  /** The plugin's folder under the config folder, e.g. ".obsidian/plugins/lesson-lab". */
  pluginDir(): string;
  /** Opens the cleaner pane for a dataset folder (with this session's training result, when there is one); undefined when there is no cleaner. */
  openCleaner?: (folder: string, result?: TrainResult) => Promise<void> | void;
}
