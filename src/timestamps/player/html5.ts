// HTML5 <video>/<audio> player for vault files and direct media URLs. DOM only.
import type { VideoRef } from "../types";
import { isAudioPath } from "./embed";
import { clampRate } from "./controls";
import { PlayerEvents, type Player, type PlayerOptions } from "./player";

const HAVE_METADATA = 1;

export class Html5Player extends PlayerEvents implements Player {
  element: HTMLMediaElement;
  private pendingSeek: number | null = null;
  private readonly detach: Array<() => void> = [];
  private wantedRate = 1;

  constructor(private readonly container: HTMLElement, private readonly options: PlayerOptions, audio: boolean) {
    super();
    this.element = this.createMedia(audio);
  }

  private createMedia(audio: boolean): HTMLMediaElement {
    const el = this.container.createEl(audio ? "audio" : "video", { cls: "lesson-lab-media" });
    el.controls = true;
    el.preload = "metadata";
    const on = (type: string, fn: () => void): void => {
      el.addEventListener(type, fn);
      this.detach.push(() => el.removeEventListener(type, fn));
    };
    // Seeking before metadata is ignored by browsers, so the wanted time waits for it.
    on("loadedmetadata", () => this.applyPendingSeek());
    on("timeupdate", () => this.timeListeners.emit(el.currentTime));
    on("seeked", () => this.timeListeners.emit(el.currentTime));
    on("pause", () => this.pauseListeners.emit());
    on("error", () => this.errorListeners.emit(mediaErrorText(el)));
    return el;
  }

  accepts(video: VideoRef): boolean {
    return video.kind === "media" || video.kind === "vault";
  }

  /** Whether `src` needs the other element type (<audio> vs <video>). */
  private kindMismatch(src: string): boolean {
    return isAudioPath(src) !== (this.element.tagName.toLowerCase() === "audio");
  }

  load(video: VideoRef, startSeconds: number, src?: string): void {
    const source = src ?? video.url;
    if (this.kindMismatch(video.url)) {
      // Swap element kind in place so the pane still holds a single media element.
      this.teardownElement();
      this.element = this.createMedia(isAudioPath(video.url));
    }
    this.pendingSeek = Math.max(0, startSeconds);
    this.element.src = source;
    this.element.playbackRate = this.wantedRate;
    if (this.element.readyState >= HAVE_METADATA) this.applyPendingSeek();
    if (this.options.autoplay) this.play();
  }

  private applyPendingSeek(): void {
    if (this.pendingSeek === null) return;
    const target = this.pendingSeek;
    this.pendingSeek = null;
    try {
      this.element.currentTime = target;
    } catch {
      // Some media refuse seeks (live streams); keep playing from where they are.
    }
    this.element.playbackRate = this.wantedRate;
    this.timeListeners.emit(target);
  }

  seek(seconds: number): void {
    this.pendingSeek = Math.max(0, seconds);
    if (this.element.readyState >= HAVE_METADATA) this.applyPendingSeek();
    if (this.options.autoplay) this.play();
  }

  play(): void {
    try {
      const p = this.element.play() as Promise<void> | undefined;
      // Autoplay policies may refuse; the user can still press play in the controls.
      if (p && typeof p.catch === "function") p.catch(() => undefined);
    } catch {
      // Same as above, for engines whose play() throws instead of rejecting.
    }
  }

  pause(): void {
    this.element.pause();
  }

  toggle(): void {
    if (this.element.paused) this.play();
    else this.pause();
  }

  paused(): boolean {
    return this.element.paused;
  }

  currentTime(): number {
    return this.pendingSeek ?? this.element.currentTime ?? 0;
  }

  duration(): number | null {
    const d = this.element.duration;
    return Number.isFinite(d) && d > 0 ? d : null;
  }

  setRate(rate: number): void {
    this.wantedRate = clampRate(rate);
    this.element.playbackRate = this.wantedRate;
  }

  rate(): number {
    return this.wantedRate;
  }

  private teardownElement(): void {
    for (const d of this.detach.splice(0)) d();
    try {
      this.element.pause();
    } catch {
      // Detached or never loaded: nothing to stop.
    }
    this.element.removeAttribute("src");
    this.element.remove();
  }

  destroy(): void {
    this.teardownElement();
    this.clearListeners();
  }
}

/** Why the media element gave up, for people. */
export function mediaErrorText(el: HTMLMediaElement): string {
  const what = el.getAttribute("src") ?? "the file";
  switch (el.error?.code) {
    case 1:
      return `loading ${what} was aborted`;
    case 2:
      return `a network error stopped ${what}`;
    case 3:
      return `${what} could not be decoded`;
    case 4:
      return `${what} is missing or in a format this app cannot play`;
    default:
      return `could not play ${what}`;
  }
}
