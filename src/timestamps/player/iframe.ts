// Shared machinery of the iframe players (YouTube, Vimeo): the element, the message channel
// (only the iframe's own window at the provider's origin is heard) and a local clock for when
// the provider's time reports do not arrive. DOM only.
import type { VideoRef } from "../types";
import { clampRate } from "./controls";
import { PlayerEvents, type Player, type PlayerOptions } from "./player";

export abstract class IframePlayer extends PlayerEvents implements Player {
  readonly element: HTMLIFrameElement;
  protected readonly win: Window;
  protected loaded = false;
  private queue: string[] = [];
  private lastTime = 0;
  private lastStamp = 0;
  private playing = false;
  private currentRate = 1;
  private knownDuration: number | null = null;
  private readonly messageHandler = (e: MessageEvent): void => this.receive(e);
  private readonly loadHandler = (): void => this.onFrameLoad();

  protected constructor(
    container: HTMLElement,
    protected readonly options: PlayerOptions,
    provider: string,
  ) {
    super();
    this.win = container.ownerDocument.defaultView ?? window;
    this.element = container.createEl("iframe", { cls: "lesson-lab-embed" });
    this.element.dataset.provider = provider;
    this.element.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media");
    this.element.setAttribute("allowfullscreen", "");
    // YouTube refuses embeds without a referrer (error 153); see embedIdentity in embed.ts.
    this.element.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    this.element.addEventListener("load", this.loadHandler);
    this.win.addEventListener("message", this.messageHandler);
  }

  abstract accepts(video: VideoRef): boolean;
  /** The iframe src showing `video` from `startSeconds`. */
  protected abstract embedUrl(video: VideoRef, startSeconds: number): string;
  /** Origins the provider's messages may come from; the first is where commands go. */
  protected abstract origins(): readonly string[];
  /** Sent once the frame has loaded, before queued commands. */
  protected abstract handshake(): string[];
  protected abstract handle(data: unknown): void;
  protected abstract seekMessages(seconds: number): string[];
  protected abstract playMessage(): string;
  protected abstract pauseMessage(): string;
  protected abstract rateMessage(rate: number): string;

  load(video: VideoRef, startSeconds: number): void {
    const start = Math.max(0, Number.isFinite(startSeconds) ? startSeconds : 0);
    this.loaded = false;
    this.queue = [];
    this.knownDuration = null;
    this.setClock(start, this.options.autoplay);
    this.element.title = `${this.element.dataset.provider ?? "video"} player`;
    this.element.src = this.embedUrl(video, start);
    // The embed URL only takes whole seconds; an exact seek follows once the frame is up.
    if (start % 1 !== 0) for (const m of this.seekMessages(start)) this.send(m);
    if (this.currentRate !== 1) this.send(this.rateMessage(this.currentRate));
  }

  private onFrameLoad(): void {
    this.loaded = true;
    for (const m of this.handshake()) this.post(m);
    const pending = this.queue;
    this.queue = [];
    for (const m of pending) this.post(m);
  }

  /** Sends now when the frame is up, else after it loads (messages to a loading frame are lost). */
  protected send(message: string): void {
    if (this.loaded) this.post(message);
    else this.queue.push(message);
  }

  private post(message: string): void {
    const target = this.element.contentWindow;
    const origin = this.origins()[0];
    if (!target || origin === undefined) return;
    try {
      target.postMessage(message, origin);
    } catch (e) {
      console.error("Lesson Lab: could not talk to the video player", e);
    }
  }

  private receive(e: MessageEvent): void {
    if (e.source === null || e.source !== this.element.contentWindow) return;
    if (!this.origins().includes(e.origin)) return;
    this.handle(e.data);
  }

  // --- clock: provider reports when they come, our own commands otherwise ---

  private now(): number {
    return this.win.performance?.now() ?? Date.now();
  }

  private setClock(seconds: number, playing: boolean): void {
    this.lastTime = seconds;
    this.lastStamp = this.now();
    this.playing = playing;
  }

  /** For subclasses: a time report from the provider. */
  protected reportTime(seconds: number): void {
    this.lastTime = seconds;
    this.lastStamp = this.now();
    this.timeListeners.emit(seconds);
  }

  protected reportPaused(paused: boolean): void {
    const wasPlaying = this.playing;
    this.setClock(this.currentTime(), !paused);
    if (paused && wasPlaying) this.pauseListeners.emit();
  }

  protected reportError(message: string): void {
    this.setClock(this.currentTime(), false);
    this.errorListeners.emit(message);
  }

  protected reportRate(rate: number): void {
    this.setClock(this.currentTime(), this.playing);
    this.currentRate = clampRate(rate);
  }

  protected reportDuration(seconds: number): void {
    if (seconds > 0) this.knownDuration = seconds;
  }

  seek(seconds: number): void {
    const target = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
    this.setClock(target, this.playing || this.options.autoplay);
    for (const m of this.seekMessages(target)) this.send(m);
    if (this.options.autoplay) this.send(this.playMessage());
    this.timeListeners.emit(target);
  }

  play(): void {
    this.setClock(this.currentTime(), true);
    this.send(this.playMessage());
  }

  pause(): void {
    const wasPlaying = this.playing;
    this.setClock(this.currentTime(), false);
    this.send(this.pauseMessage());
    if (wasPlaying) this.pauseListeners.emit();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  paused(): boolean {
    return !this.playing;
  }

  currentTime(): number {
    if (!this.playing) return this.lastTime;
    const elapsed = Math.max(0, (this.now() - this.lastStamp) / 1000) * this.currentRate;
    const t = this.lastTime + elapsed;
    return this.knownDuration !== null ? Math.min(t, this.knownDuration) : t;
  }

  duration(): number | null {
    return this.knownDuration;
  }

  setRate(rate: number): void {
    this.setClock(this.currentTime(), this.playing);
    this.currentRate = clampRate(rate);
    this.send(this.rateMessage(this.currentRate));
  }

  rate(): number {
    return this.currentRate;
  }

  destroy(): void {
    this.win.removeEventListener("message", this.messageHandler);
    this.element.removeEventListener("load", this.loadHandler);
    this.clearListeners();
    this.queue = [];
    this.element.remove();
  }
}
