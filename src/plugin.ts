// The Lesson Lab plugin: wiring only. Each feature lives in its own modules under src/.
// Keep onload light: nothing here loads TensorFlow or anything from src/classifier.
import { debounce, Notice, Plugin, TFile, type Debouncer, type WorkspaceLeaf } from "obsidian";
import { DEFAULT_SETTINGS, normalizePositions, normalizeSettings, type LessonLabSettings } from "./timestamps/settings";
import { problemsOf, TIMESTAMP_LANGUAGE, TIMESTAMP_URL_LANGUAGE } from "./timestamps/note";
import { scanNoteInApp } from "./timestamps/obsidian/frontmatter";
import type { Chapter } from "./timestamps/player/controls";
import type { Player } from "./timestamps/player/player";
import type { VideoRef } from "./timestamps/types";
import { registerTimestampCommands } from "./timestamps/obsidian/commands";
import { inlineTimestampExtension } from "./timestamps/obsidian/live-preview";
import { chaptersFor, firstVideo } from "./timestamps/lookup";
import { PLAYER_VIEW_TYPE, PlayerView } from "./timestamps/obsidian/player-view";
import { renderInlineTimestamps, renderTimestampBlock, renderVideoBlock } from "./timestamps/obsidian/render";
import { LessonLabSettingTab } from "./timestamps/obsidian/settings-tab";
import { playableSource } from "./timestamps/obsidian/vault";
import { openClassifierPanel, registerClassifier } from "./classifier/obsidian/register";
import type { ReviewReport } from "./cleaner/review-items";
import type { TrainResult } from "./classifier/pipeline";
import { CleanerFeature } from "./cleaner/obsidian/feature";
import { setUpEngine } from "./engine/assets";
import { PluginDataStore } from "./shared/obsidian/data-store";
import { errorText } from "./shared/errors";

/** Positions are written at most this often while a video plays (ms). */
const POSITION_SAVE_DELAY = 10_000;

export default class LessonLabPlugin extends Plugin {
  settings: LessonLabSettings = { ...DEFAULT_SETTINGS };
  /** Where each video (by VideoRef.url) was left, in seconds. */
  positions: Record<string, number> = {};
  /** data.json, shared by the features (each owns one key). */
  readonly data = new PluginDataStore(this);
  private savePositionsSoon: Debouncer<[], void> = debounce(() => void this.savePluginData(), POSITION_SAVE_DELAY, false);
  /** The cleaner's pane, commands and stored decisions (src/cleaner/obsidian), with its classifier ports (loaded on first use). */
  readonly cleaner = new CleanerFeature(this, this.data, {
    trainer: {
      train: async (folder, progress, signal) => (await import("./cleaner/obsidian/analysis")).trainForCleaner(this, folder, progress, signal),
      backend: async () => (await import("./classifier/browser/app-runtime")).currentBackend(),
    },
    thumbnails: async (source, pixels) => new (await import("./classifier/obsidian/thumbnails")).Thumbnailer(source, pixels),
  });

  override async onload(): Promise<void> {
    await this.loadSettings();
    // The classifier and cleaner load their engine files from the plugin's folder on first use.
    setUpEngine(this);

    this.registerView(PLAYER_VIEW_TYPE, (leaf) => new PlayerView(leaf, this.playerHost()));
    this.registerMarkdownCodeBlockProcessor(TIMESTAMP_LANGUAGE, (source, el, ctx) => renderTimestampBlock(this, source, el, ctx));
    this.registerMarkdownCodeBlockProcessor(TIMESTAMP_URL_LANGUAGE, (source, el, ctx) => renderVideoBlock(this, source, el, ctx));
    this.registerMarkdownPostProcessor((el, ctx) => renderInlineTimestamps(this, el, ctx));
    this.registerEditorExtension(inlineTimestampExtension(this));
    registerTimestampCommands(this);
    this.addRibbonIcon("play-circle", "Open this note's video", () => {
      this.openActiveNoteVideo().catch((e: unknown) => new Notice(`Could not open the video: ${errorText(e)}`));
    });
    this.addSettingTab(new LessonLabSettingTab(this.app, this));
    registerClassifier(this);
    this.cleaner.register();

    // Chapters follow edits of the note the video was opened from.
    this.registerEvent(
      this.app.vault.on("modify", (file) => {
        void this.getPlayerView()?.noteChanged(file.path);
      }),
    );
  }

  override onunload(): void {
    const view = this.getPlayerView();
    const player = view?.getPlayer();
    const video = view?.getVideo();
    if (player && video) this.rememberPosition(video, player.currentTime());
    this.savePositionsSoon.cancel();
    void this.savePluginData();
  }

  async loadSettings(): Promise<void> {
    const { settings, positions } = await this.data.load();
    this.settings = normalizeSettings(settings);
    this.positions = normalizePositions(positions);
  }

  async saveSettings(): Promise<void> {
    await this.savePluginData();
  }

  private savePluginData(): Promise<void> {
    return this.updatePluginData((data) => ({ ...data, settings: this.settings, positions: this.positions }));
  }

  /**
   * The one way to write data.json. Every feature keeps its own key there (settings, positions,
   * classifier, cleaner); updates run one at a time, each re-reading the file, so no feature's
   * write can lose another's.
   */
  updatePluginData(change: (data: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
    return this.data.update(change);
  }

  /** Opens the cleaner on a dataset folder; given a report or a fresh training result, it needs no training. */
  async openCleaner(folder: string, given?: ReviewReport | TrainResult): Promise<void> {
    await this.cleaner.open(folder, given);
  }

  /** Opens the classifier panel, showing `folder` when given. */
  async openClassifier(folder?: string): Promise<void> {
    await openClassifierPanel(this, folder);
  }

  /** The open player pane, or null. */
  getPlayerView(): PlayerView | null {
    for (const leaf of this.app.workspace.getLeavesOfType(PLAYER_VIEW_TYPE)) {
      if (leaf.view instanceof PlayerView) return leaf.view;
    }
    return null;
  }

  activePlayer(): Player | null {
    return this.getPlayerView()?.getPlayer() ?? null;
  }

  /** The pane, opened where the settings say (reusing the existing one) and revealed. */
  private async ensurePlayerView(): Promise<PlayerView | null> {
    const { workspace } = this.app;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(PLAYER_VIEW_TYPE)[0] ?? null;
    if (!leaf) {
      leaf = this.settings.playerLocation === "tab" ? workspace.getLeaf("tab") : workspace.getRightLeaf(false);
      if (!leaf) return null;
      await leaf.setViewState({ type: PLAYER_VIEW_TYPE, active: true });
    }
    await workspace.revealLeaf(leaf);
    await leaf.loadIfDeferred();
    return leaf.view instanceof PlayerView ? leaf.view : null;
  }

  /** Plays `video` from `seconds` in the player pane, opening the pane if needed. */
  async seek(video: VideoRef, seconds: number, sourcePath: string): Promise<void> {
    const view = await this.ensurePlayerView();
    if (!view) {
      new Notice("Could not open the lesson video pane.");
      return;
    }
    await view.show(video, seconds, sourcePath);
  }

  /** Opens `video` without an explicit time: where it was left when that is remembered. */
  async openVideo(video: VideoRef, sourcePath: string): Promise<void> {
    const view = this.getPlayerView();
    if (view && view.getVideo()?.url === video.url && view.getPlayer()) {
      // Already loaded: just bring it forward, keeping its current position.
      const leaf = view.leaf;
      await this.app.workspace.revealLeaf(leaf);
      return;
    }
    const resume = this.settings.rememberPosition ? (this.positions[video.url] ?? 0) : 0;
    await this.seek(video, resume, sourcePath);
  }

  private async activeNote(): Promise<{ file: TFile; text: string } | null> {
    const file = this.app.workspace.getActiveFile();
    if (!(file instanceof TFile) || file.extension !== "md") return null;
    return { file, text: await this.app.vault.cachedRead(file) };
  }

  async openActiveNoteVideo(): Promise<void> {
    const note = await this.activeNote();
    if (!note) {
      new Notice("Open a lesson note first.");
      return;
    }
    const video = firstVideo(scanNoteInApp(this.app, note.file.path, note.text));
    if (!video) {
      new Notice("This note names no video: add a video property or a video block.");
      return;
    }
    await this.openVideo(video, note.file.path);
  }

  async activeNoteProblems(): Promise<{ path: string; problems: Array<{ line: number; message: string }> } | null> {
    const note = await this.activeNote();
    return note ? { path: note.file.path, problems: problemsOf(scanNoteInApp(this.app, note.file.path, note.text)) } : null;
  }

  rememberPosition(video: VideoRef, seconds: number): void {
    if (!this.settings.rememberPosition || !Number.isFinite(seconds) || seconds < 0) return;
    this.positions[video.url] = Math.round(seconds * 10) / 10;
    this.savePositionsSoon();
  }

  flushPositions(): void {
    this.savePositionsSoon.cancel();
    void this.savePluginData();
  }

  private playerHost() {
    return {
      autoplay: (): boolean => this.settings.autoplay,
      resolveSource: (video: VideoRef, sourcePath: string) => playableSource(this.app, video, sourcePath),
      chaptersFor: async (video: VideoRef, sourcePath: string): Promise<Chapter[]> => {
        const file = this.app.vault.getAbstractFileByPath(sourcePath);
        if (!(file instanceof TFile)) return [];
        return chaptersFor(scanNoteInApp(this.app, file.path, await this.app.vault.cachedRead(file)), video);
      },
      rememberPosition: (video: VideoRef, seconds: number) => this.rememberPosition(video, seconds),
      flushPositions: () => this.flushPositions(),
    };
  }
}
