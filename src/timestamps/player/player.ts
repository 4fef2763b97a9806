// The common face of the HTML5, YouTube and Vimeo players. DOM only: never imports `obsidian`.
import type { VideoRef } from "../types";

/** A video player in a container element. Times are in seconds; rates are multiples of normal speed. */
export interface Player {
  /** The element this player put in its container (a <video>, <audio> or <iframe>). */
  readonly element: HTMLElement;
  /** Whether this player can show this kind of video by switching its source. */
  accepts(video: VideoRef): boolean;
  /** Show `video` from `startSeconds`. `src` overrides video.url (vault files resolve to a resource URL). */
  load(video: VideoRef, startSeconds: number, src?: string): void;
  seek(seconds: number): void;
  play(): void;
  pause(): void;
  toggle(): void;
  paused(): boolean;
  currentTime(): number;
  /** Length in seconds, or null while unknown. */
  duration(): number | null;
  setRate(rate: number): void;
  rate(): number;
  /** Called with the current time as playback advances; returns an unsubscribe function. */
  onTime(cb: (seconds: number) => void): () => void;
  /** Called when playback pauses (user or command); returns an unsubscribe function. */
  onPause(cb: () => void): () => void;
  /** Called with a message for people when the video cannot play; returns an unsubscribe function. */
  onError(cb: (message: string) => void): () => void;
  destroy(): void;
}

/** Options read by a player at each load and seek (a getter keeps them live). */
export interface PlayerOptions {
  /** Start playing after a load or a seek. Players never rely on it succeeding. */
  autoplay: boolean;
}

/** A tiny listener list, so every player notifies the same way. */
export class Listeners<T extends unknown[]> {
  private readonly fns = new Set<(...args: T) => void>();
  add(fn: (...args: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  emit(...args: T): void {
    for (const fn of [...this.fns]) {
      try {
        fn(...args);
      } catch (e) {
        // A broken listener must not stop playback updates for the others.
        console.error("Lesson Lab: player listener failed", e);
      }
    }
  }
  clear(): void {
    this.fns.clear();
  }
}

/** The listener half of Player, shared by every kind of player: they only differ in when they emit. */
export abstract class PlayerEvents {
  protected readonly timeListeners = new Listeners<[number]>();
  protected readonly pauseListeners = new Listeners<[]>();
  protected readonly errorListeners = new Listeners<[string]>();

  onTime(cb: (seconds: number) => void): () => void {
    return this.timeListeners.add(cb);
  }

  onPause(cb: () => void): () => void {
    return this.pauseListeners.add(cb);
  }

  onError(cb: (message: string) => void): () => void {
    return this.errorListeners.add(cb);
  }

  protected clearListeners(): void {
    this.timeListeners.clear();
    this.pauseListeners.clear();
    this.errorListeners.clear();
  }
}
