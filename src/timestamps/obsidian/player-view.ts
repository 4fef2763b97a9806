// The "Lesson video" pane: one player, reused for every timestamp click, and the note's chapters.
import { ItemView, type WorkspaceLeaf } from "obsidian";
import { createPlayer } from "../player/create";
import { activeChapterIndex, type Chapter } from "../player/controls";
import type { Player } from "../player/player";
import type { VideoRef } from "../types";
import { describeVideo } from "../binding-queries";

/** The view type of the "Lesson video" pane. */
export const PLAYER_VIEW_TYPE = "lesson-lab-player";

/** Chapter highlighting follows playback at most this often (ms). */
const TIME_UPDATE_INTERVAL = 250;

/** What the pane needs (the player service provides it). */
export interface PlayerHost {
  autoplay(): boolean;
  /** The URL to load for `video` (vault files become resource URLs), or why it cannot play. */
  resolveSource(video: VideoRef, sourcePath: string): { src: string } | { error: string };
  /** The chapters of `sourcePath` for `video`. */
  chaptersFor(video: VideoRef, sourcePath: string): Promise<Chapter[]>;
  rememberPosition(video: VideoRef, seconds: number): void;
  flushPositions(): void;
}

/**
 * The "Lesson video" pane: one player reused for every seek (seeking a loaded video never reloads
 * it), what is playing, and the chapters of the note it was opened from, highlighted as it plays.
 */
export class PlayerView extends ItemView {
  private player: Player | null = null;
  private video: VideoRef | null = null;
  private sourcePath = "";
  private chapters: Chapter[] = [];
  private activeIndex = -1;
  private lastTimeUpdate = 0;
  private unsubscribe: Array<() => void> = [];
  private rootEl!: HTMLElement;
  private stageEl!: HTMLElement;
  private messageEl!: HTMLElement;
  private chaptersEl!: HTMLElement;
  /** What is playing: the video's title (file name or provider and id), its URL, the current chapter. */
  private titleEl!: HTMLElement;
  private urlEl!: HTMLElement;
  private nowEl!: HTMLElement;
  private chaptersHeadingEl!: HTMLElement;

  constructor(leaf: WorkspaceLeaf, private readonly host: PlayerHost) {
    super(leaf);
  }

  getViewType(): string {
    return PLAYER_VIEW_TYPE;
  }

  getDisplayText(): string {
    return "Lesson video";
  }

  override getIcon(): string {
    return "play-circle";
  }

  override async onOpen(): Promise<void> {
    this.contentEl.empty();
    this.rootEl = this.contentEl.createDiv({ cls: "lesson-lab-player" });
    this.stageEl = this.rootEl.createDiv({ cls: "lesson-lab-player-stage" });
    const about = this.rootEl.createDiv({ cls: "lesson-lab-player-about" });
    this.titleEl = about.createDiv({ cls: "lesson-lab-player-title" });
    this.urlEl = about.createDiv({ cls: "lesson-lab-player-url" });
    this.nowEl = about.createDiv({ cls: "lesson-lab-player-now", attr: { "aria-live": "polite" } });
    this.messageEl = this.rootEl.createDiv({ cls: "lesson-lab-player-message", text: "Click a timestamp in a lesson note to play its video." });
    this.chaptersHeadingEl = this.rootEl.createDiv({ cls: "lesson-lab-chapters-heading" });
    this.chaptersEl = this.rootEl.createEl("ul", { cls: "lesson-lab-chapters" });
    this.registerDomEvent(this.chaptersEl, "click", (e) => {
      const li = e.target instanceof Element ? e.target.closest("li.lesson-lab-chapter") : null;
      if (li instanceof HTMLElement) this.seekToChapter(li);
    });
    this.registerDomEvent(this.chaptersEl, "keydown", (e) => {
      const li = e.target instanceof Element ? e.target.closest("li.lesson-lab-chapter") : null;
      if (e.key === "Enter" && li instanceof HTMLElement) {
        e.preventDefault();
        this.seekToChapter(li);
      }
    });
    await Promise.resolve();
  }

  override async onClose(): Promise<void> {
    this.rememberNow();
    this.host.flushPositions();
    this.dropPlayer();
    await Promise.resolve();
  }

  /** The player showing the current video, or null before the first one. */
  getPlayer(): Player | null {
    return this.player;
  }

  /** The video loaded in the player, or null. */
  getVideo(): VideoRef | null {
    return this.video;
  }

  /**
   * Shows `video` at `seconds`: seeks when it is already loaded (no reload), switches the source
   * in the same element when the player can, otherwise replaces the player.
   */
  async show(video: VideoRef, seconds: number, sourcePath: string): Promise<void> {
    const start = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    const source = this.host.resolveSource(video, sourcePath);
    if ("error" in source) {
      this.showMessage(source.error, true);
      return;
    }
    const noteChanged = sourcePath !== this.sourcePath;
    this.sourcePath = sourcePath;
    if (this.player && this.video && this.video.url === video.url) {
      this.player.seek(start);
    } else {
      this.rememberNow();
      if (!this.player || !this.player.accepts(video)) {
        this.dropPlayer();
        const host = this.host;
        // Read live, so the setting applies without reopening the pane.
        this.player = createPlayer(video, this.stageEl, { get autoplay() { return host.autoplay(); } });
        this.subscribe(this.player);
      }
      this.video = video;
      this.player.load(video, start, source.src);
      this.rootEl.dataset.videoUrl = video.url;
      this.showAbout(video);
      this.showMessage("", false);
      this.chapters = [];
      this.activeIndex = -1;
      await this.refreshChapters();
      return;
    }
    if (noteChanged) await this.refreshChapters();
    this.highlight(start);
  }

  private subscribe(player: Player): void {
    this.unsubscribe.push(
      player.onTime((t) => {
        const now = Date.now();
        if (now - this.lastTimeUpdate < TIME_UPDATE_INTERVAL) return;
        this.lastTimeUpdate = now;
        this.highlight(t);
        if (this.video) this.host.rememberPosition(this.video, t);
      }),
      player.onPause(() => {
        this.rememberNow();
        this.host.flushPositions();
      }),
      player.onError((message) => this.showMessage(message, true)),
    );
  }

  private rememberNow(): void {
    if (this.player && this.video) this.host.rememberPosition(this.video, this.player.currentTime());
  }

  private dropPlayer(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.player?.destroy();
    this.player = null;
    this.video = null;
  }

  private showMessage(text: string, isError: boolean): void {
    if (!this.messageEl) return;
    this.messageEl.setText(text);
    this.messageEl.toggleClass("lesson-lab-error", isError);
    this.messageEl.toggleClass("is-hidden", text === "");
  }

  /** The video's title (a vault file's name, else the provider and id) and its URL or path. */
  private showAbout(video: VideoRef): void {
    const file = video.kind === "vault" || video.kind === "media" ? video.url.split(/[\\/]/).pop() ?? video.url : "";
    this.titleEl.setText(file !== "" && video.kind === "vault" ? file : describeVideo(video));
    this.urlEl.setText(video.url);
    this.urlEl.setAttr("title", video.url);
    this.nowEl.setText("");
  }

  private seekToChapter(li: HTMLElement): void {
    const seconds = Number(li.dataset.seconds);
    if (!this.player || !Number.isFinite(seconds)) return;
    this.player.seek(seconds);
    this.highlight(seconds);
  }

  /** Re-reads the chapters from the source note (after a click or when the note changes). */
  async refreshChapters(): Promise<void> {
    const video = this.video;
    if (!video || !this.chaptersEl) return;
    let chapters: Chapter[];
    try {
      chapters = await this.host.chaptersFor(video, this.sourcePath);
    } catch (e) {
      console.error("Lesson Lab: could not read chapters", e);
      chapters = [];
    }
    if (this.video !== video) return;
    this.chapters = chapters;
    this.chaptersEl.empty();
    this.chaptersEl.setAttribute("aria-label", `Chapters of ${describeVideo(video)}`);
    const note = this.sourcePath.split("/").pop()?.replace(/\.md$/i, "") ?? this.sourcePath;
    this.chaptersHeadingEl.setText(chapters.length > 0 ? `Chapters in ${note}` : "");
    for (const c of chapters) {
      const li = this.chaptersEl.createEl("li", { cls: "lesson-lab-chapter", attr: { "data-seconds": String(c.seconds), tabindex: "0" } });
      li.createSpan({ cls: "lesson-lab-chapter-time", text: c.time });
      // A time without a label still reads as a chapter, not as a stray number.
      if (c.title !== "") li.createSpan({ cls: "lesson-lab-chapter-title", text: c.title });
      else li.createSpan({ cls: "lesson-lab-chapter-title is-untitled", text: "No label" });
    }
    this.activeIndex = -1;
    this.highlight(this.player?.currentTime() ?? 0);
  }

  /** Marks the chapter playing at `t` (the last whose time is ≤ t). */
  highlight(t: number): void {
    const index = activeChapterIndex(this.chapters, t);
    if (index === this.activeIndex) return;
    this.activeIndex = index;
    const items = this.chaptersEl.querySelectorAll("li.lesson-lab-chapter");
    items.forEach((li, i) => li.toggleClass("is-active", i === index));
    const current = this.chapters[index];
    this.nowEl?.setText(current ? `Now: ${current.time}${current.title !== "" ? ` ${current.title}` : ""}` : "");
  }

  /** Called when a note changes: refreshes the chapters when it is this pane's note. */
  async noteChanged(path: string): Promise<void> {
    if (this.video && path === this.sourcePath) await this.refreshChapters();
  }
}
