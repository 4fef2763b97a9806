// Vimeo iframe player driven by the player's postMessage API.
import type { VideoRef } from "../types";
import { IframePlayer } from "./iframe";
import { parseVimeoMessage, VIMEO_ORIGIN, vimeoEmbedUrl, vimeoHash, vimeoMessage } from "./embed";
import type { PlayerOptions } from "./player";

const EVENTS = ["timeupdate", "playProgress", "play", "pause", "ended", "seeked", "playbackratechange", "error"];

export class VimeoPlayer extends IframePlayer {
  constructor(container: HTMLElement, options: PlayerOptions) {
    super(container, options, "vimeo");
  }

  accepts(video: VideoRef): boolean {
    return video.kind === "vimeo";
  }

  protected embedUrl(video: VideoRef, startSeconds: number): string {
    return vimeoEmbedUrl(video.id, vimeoHash(video.url), startSeconds, this.options.autoplay);
  }

  protected origins(): readonly string[] {
    return [VIMEO_ORIGIN];
  }

  protected handshake(): string[] {
    return EVENTS.map((name) => vimeoMessage("addEventListener", name));
  }

  protected handle(data: unknown): void {
    const info = parseVimeoMessage(data);
    if (!info) return;
    // A player that (re)initialises forgets our subscriptions.
    if (info.ready) for (const m of this.handshake()) this.send(m);
    if (info.error !== undefined) this.reportError(info.error);
    if (info.playbackRate !== undefined) this.reportRate(info.playbackRate);
    if (info.paused !== undefined) this.reportPaused(info.paused);
    if (info.seconds !== undefined) this.reportTime(info.seconds);
  }

  protected seekMessages(seconds: number): string[] {
    return [vimeoMessage("setCurrentTime", seconds)];
  }

  protected playMessage(): string {
    return vimeoMessage("play");
  }

  protected pauseMessage(): string {
    return vimeoMessage("pause");
  }

  protected rateMessage(rate: number): string {
    return vimeoMessage("setPlaybackRate", rate);
  }
}
