// The Lesson Lab plugin: wiring only. It builds the shared data store and the features, and
// passes each the small ports it needs; every feature lives in its own room under src/.
// Keep onload light: nothing here loads TensorFlow or anything from src/classifier.
import { Plugin } from "obsidian";
import type { VideoRef } from "./timestamps/types";
import { TimestampsFeature } from "./timestamps/obsidian/feature";
import { ClassifierFeature } from "./classifier/obsidian/feature";
import type { ReviewReport } from "./cleaner/review-items";
import type { TrainResult } from "./classifier/pipeline";
import { CleanerFeature } from "./cleaner/obsidian/feature";
import { setUpEngine } from "./engine/obsidian/plugin-folder";
import { PluginDataStore } from "./shared/obsidian/data-store";

export default class LessonLabPlugin extends Plugin {
  /** data.json, shared by the features (each owns one key). */
  readonly data = new PluginDataStore(this);
  /** Timestamps, the player pane and the settings tab (src/timestamps/obsidian); owns "settings" and "positions". */
  readonly timestamps = new TimestampsFeature(this, this.data);
  /** The classifier's panel, classify block, commands and menus (src/classifier/obsidian); owns "classifier". */
  readonly classifier = new ClassifierFeature(this, this.data, { openCleaner: (folder, result) => this.openCleaner(folder, result), webAppExport: () => import("./production/obsidian/export-command") });
  /** The cleaner's pane, commands and stored decisions (src/cleaner/obsidian), with its classifier ports (loaded on first use). */
  readonly cleaner = new CleanerFeature(this, this.data, {
    trainer: this.classifier.trainer,
    thumbnails: async (source, pixels) => new (await import("./classifier/browser/thumbnails")).Thumbnailer(source, pixels),
  });

  override async onload(): Promise<void> {
    const stored = await this.data.load();
    this.timestamps.load(stored);
    // The classifier and cleaner load their engine files from the plugin's folder on first use.
    setUpEngine(this);
    this.timestamps.register();
    this.classifier.register();
    this.cleaner.register();
  }

  override onunload(): void {
    this.timestamps.unload();
  }

  /**
   * Plays `video` (a VideoRef) from `seconds` in the player pane, opening it if needed; `sourcePath`
   * is the note whose chapters the pane lists. Part of the plugin's scripting contract.
   */
  seek(video: VideoRef, seconds: number, sourcePath: string): Promise<void> {
    return this.timestamps.player.seek(video, seconds, sourcePath);
  }

  /** The shared data store's update (PluginDataStore.update), for the classifier and the cleaner. */
  updatePluginData(change: (data: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
    return this.data.update(change);
  }

  /** Opens the cleaner on a dataset folder; given a report or a fresh training result, it needs no training. */
  async openCleaner(folder: string, given?: ReviewReport | TrainResult): Promise<void> {
    await this.cleaner.open(folder, given);
  }

  /** Opens the classifier panel, showing `folder` when given. */
  async openClassifier(folder?: string): Promise<void> {
    await this.classifier.openPanel(folder);
  }
}
