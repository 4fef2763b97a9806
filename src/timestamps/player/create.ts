// Picks the player for a video kind. DOM only.
import type { VideoRef } from "../types";
import { isAudioPath } from "./embed";
import { Html5Player } from "./html5";
import type { Player, PlayerOptions } from "./player";
import { VimeoPlayer } from "./vimeo";
import { YoutubePlayer } from "./youtube";

/**
 * A new player for `video` in `container`: the YouTube or Vimeo iframe player for those kinds, else
 * an HTML5 <video> (<audio> for audio file extensions). Nothing is loaded until Player.load.
 */
export function createPlayer(video: VideoRef, container: HTMLElement, options: PlayerOptions): Player {
  switch (video.kind) {
    case "youtube":
      return new YoutubePlayer(container, options);
    case "vimeo":
      return new VimeoPlayer(container, options);
    default:
      return new Html5Player(container, options, isAudioPath(video.url));
  }
}
