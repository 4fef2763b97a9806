// The player service: what a timestamp click, a command or the ribbon asks of the "Lesson video"
// pane (open it, seek, resume where a video was left), and the playback positions it remembers.
// Render, Live Preview and the commands call it directly; the plugin class is not on that path.
import { debounce, Notice, TFile, type App, type Debouncer, type WorkspaceLeaf } from "obsidian";
import { chaptersFor, firstVideo } from "../binding-queries";
import { problemsOf } from "../note";
import type { Chapter } from "../player/controls";
import type { Player } from "../player/player";
import type { TimestampSettings } from "../settings";
import type { VideoRef } from "../types";
import { scanNoteInApp } from "./frontmatter";
import { PLAYER_VIEW_TYPE, PlayerView, type PlayerHost } from "./player-view";
import { playableSource } from "./vault";

/** Positions are written at most this often while a video plays (ms). */
const POSITION_SAVE_DELAY = 10_000;

/** A problem of a note's timestamps: its 0-based line and a sentence. */
export interface NoteProblem {
  line: number;
  message: string;
}

/**
 * What the timestamps room's adapters (rendered links, Live Preview, commands, the settings tab)
 * need, the one host type of the room. Each adapter takes the part it uses (`Pick<…>`);
 * TimestampsFeature provides the whole.
 */
export interface TimestampsHost {
  /** The live settings: edit a field, then call saveSettings(). */
  readonly settings: TimestampSettings;
  /** Writes the settings (and positions) to data.json. */
  saveSettings(): Promise<void>;
  /** The pane's player and the note's video. */
  readonly player: PlayerService;
}

/**
 * Opens, finds and drives the player pane. Positions (video URL → seconds, one decimal) are kept
 * here and written through `save` at most every POSITION_SAVE_DELAY ms while playing, and at once
 * on pause, close and unload.
 */
export class PlayerService implements PlayerHost {
  /** Where each video (by VideoRef.url) was left, in seconds; the feature sets it at load. */
  positions: Record<string, number> = {};
  private readonly savePositionsSoon: Debouncer<[], void>;

  /**
   * @param settings the feature's live settings object (read at each use)
   * @param save writes the settings and positions
   */
  constructor(readonly app: App, private readonly settings: TimestampSettings, private readonly save: () => Promise<void>) {
    this.savePositionsSoon = debounce(() => void save(), POSITION_SAVE_DELAY, false);
  }

  /** The open player pane, or null. */
  getPlayerView(): PlayerView | null {
    for (const leaf of this.app.workspace.getLeavesOfType(PLAYER_VIEW_TYPE)) {
      if (leaf.view instanceof PlayerView) return leaf.view;
    }
    return null;
  }

  /** The player of the open pane, or null when no video is loaded. */
  activePlayer(): Player | null {
    return this.getPlayerView()?.getPlayer() ?? null;
  }

  /** The pane, opened where the settings say (reusing the existing one) and revealed; null when no leaf can be had. */
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

  /**
   * Plays `video` from `seconds` (clamped to ≥ 0 by the pane) in the player pane, opening the pane
   * if needed; `sourcePath` is the note whose chapters the pane lists. When no pane can be opened
   * it says so in a notice. Rejects only when the workspace does.
   */
  async seek(video: VideoRef, seconds: number, sourcePath: string): Promise<void> {
    const view = await this.ensurePlayerView();
    if (!view) {
      new Notice("Could not open the lesson video pane.");
      return;
    }
    await view.show(video, seconds, sourcePath);
  }

  /**
   * Opens `video` without an explicit time: a video already loaded is only brought forward;
   * otherwise it starts where it was left (when rememberPosition is on), else at 0.
   */
  async openVideo(video: VideoRef, sourcePath: string): Promise<void> {
    const view = this.getPlayerView();
    if (view && view.getVideo()?.url === video.url && view.getPlayer()) {
      await this.app.workspace.revealLeaf(view.leaf);
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

  /** Opens the active note's first video (front matter, else first video block); a notice when there is none. */
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

  /** The timestamp problems of the active Markdown note, or null when none is active. */
  async activeNoteProblems(): Promise<{ path: string; problems: NoteProblem[] } | null> {
    const note = await this.activeNote();
    return note ? { path: note.file.path, problems: problemsOf(scanNoteInApp(this.app, note.file.path, note.text)) } : null;
  }

  /** Whether the pane starts playing after a seek (PlayerHost). */
  autoplay(): boolean {
    return this.settings.autoplay;
  }

  /** The URL the pane loads for `video` (PlayerHost). */
  resolveSource(video: VideoRef, sourcePath: string): { src: string } | { error: string } {
    return playableSource(this.app, video, sourcePath);
  }

  /** The chapters of the note at `sourcePath` for `video` (PlayerHost); none when it is not a file. */
  async chaptersFor(video: VideoRef, sourcePath: string): Promise<Chapter[]> {
    const file = this.app.vault.getAbstractFileByPath(sourcePath);
    if (!(file instanceof TFile)) return [];
    return chaptersFor(scanNoteInApp(this.app, file.path, await this.app.vault.cachedRead(file)), video);
  }

  /** Remembers that `video` is at `seconds` (rounded to 0.1 s), when the setting is on and the time is valid. */
  rememberPosition(video: VideoRef, seconds: number): void {
    if (!this.settings.rememberPosition || !Number.isFinite(seconds) || seconds < 0) return;
    this.positions[video.url] = Math.round(seconds * 10) / 10;
    this.savePositionsSoon();
  }

  /** Writes the positions now (on pause and close). */
  flushPositions(): void {
    this.savePositionsSoon.cancel();
    void this.save();
  }

  /** At unload: remembers where the playing video is and writes the positions. */
  close(): void {
    const view = this.getPlayerView();
    const player = view?.getPlayer();
    const video = view?.getVideo();
    if (player && video) this.rememberPosition(video, player.currentTime());
    this.flushPositions();
  }
}
