// YouTube iframe player driven by the embed's postMessage API (no script from youtube.com runs here).
import type { VideoRef } from "../types";
import { IframePlayer } from "./iframe";
import { parseYoutubeMessage, YOUTUBE_ORIGINS, youtubeCommand, youtubeEmbedUrl, youtubeListening } from "./embed";
import type { PlayerOptions } from "./player";

let nextPlayerId = 1;

export class YoutubePlayer extends IframePlayer {
  /** Sent with every message so replies can be told apart from other embeds in the window. */
  readonly playerId = `lesson-lab-yt-${nextPlayerId++}`;
  private heard = false;
  private retry: number | null = null;

  constructor(container: HTMLElement, options: PlayerOptions) {
    super(container, options, "youtube");
  }

  accepts(video: VideoRef): boolean {
    return video.kind === "youtube";
  }

  protected embedUrl(video: VideoRef, startSeconds: number): string {
    this.heard = false;
    const origin = this.win.location?.origin;
    return youtubeEmbedUrl(video.id, startSeconds, origin, this.options.autoplay);
  }

  protected origins(): readonly string[] {
    return YOUTUBE_ORIGINS;
  }

  protected handshake(): string[] {
    this.stopRetry();
    // The embed may still be wiring its API when the frame loads; repeat until it answers.
    let tries = 0;
    this.retry = this.win.setInterval(() => {
      if (this.heard || ++tries > 20) this.stopRetry();
      else this.send(youtubeListening(this.playerId));
    }, 250);
    return [youtubeListening(this.playerId)];
  }

  private stopRetry(): void {
    if (this.retry !== null) this.win.clearInterval(this.retry);
    this.retry = null;
  }

  protected handle(data: unknown): void {
    const info = parseYoutubeMessage(data);
    if (!info) return;
    this.heard = true;
    if (info.error !== undefined) this.reportError(info.error);
    if (info.duration !== undefined) this.reportDuration(info.duration);
    if (info.playbackRate !== undefined) this.reportRate(info.playbackRate);
    if (info.playerState !== undefined) {
      // 1 playing, 3 buffering count as running; 0 ended, 2 paused, 5 cued, -1 unstarted do not.
      this.reportPaused(!(info.playerState === 1 || info.playerState === 3));
    }
    if (info.currentTime !== undefined) this.reportTime(info.currentTime);
  }

  protected seekMessages(seconds: number): string[] {
    return [youtubeCommand("seekTo", [seconds, true], this.playerId)];
  }

  protected playMessage(): string {
    return youtubeCommand("playVideo", [], this.playerId);
  }

  protected pauseMessage(): string {
    return youtubeCommand("pauseVideo", [], this.playerId);
  }

  protected rateMessage(rate: number): string {
    return youtubeCommand("setPlaybackRate", [rate], this.playerId);
  }

  override destroy(): void {
    this.stopRetry();
    super.destroy();
  }
}
