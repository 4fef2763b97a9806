// Embed URLs and postMessage payloads for the YouTube and Vimeo players. Pure: no DOM, no Obsidian.

/** Origins whose postMessage replies the iframe players accept. */
export const YOUTUBE_ORIGINS: readonly string[] = ["https://www.youtube.com", "https://www.youtube-nocookie.com"];
export const VIMEO_ORIGIN = "https://player.vimeo.com";

/**
 * The https origin we tell YouTube we are embedded in.
 *
 * YouTube answers embeds that carry no HTTP referrer with error 153 ("video player configuration
 * error", errorCode embedder.identity.missing.referrer; see the "embedded player API client identity"
 * section of its required-minimum-functionality terms). Obsidian's page is app://obsidian.md, a
 * scheme browsers never send as a referrer, so the iframe's referrerpolicy alone cannot help there.
 * We therefore (1) set referrerpolicy="strict-origin-when-cross-origin" on the iframe, which fixes
 * it wherever the page is http(s) (the browser harness, Obsidian's web-based hosts), and (2) pass an
 * explicit https identity through the documented `origin` and `widget_referrer` parameters:
 * the page's own origin when it is http(s), else https://obsidian.md.
 * Consequence: under app:// YouTube addresses its replies to https://obsidian.md, so the browser may
 * drop them; the YouTube player therefore also estimates the time from its own commands.
 */
export function embedIdentity(pageOrigin: string | null | undefined): string {
  if (pageOrigin && /^https?:\/\/[^/\s]+$/i.test(pageOrigin)) return pageOrigin;
  return "https://obsidian.md";
}

function wholeSeconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
}

/**
 * The YouTube iframe URL for video `id` from `startSeconds` (whole seconds, floored; invalid → 0),
 * with the JS API enabled and the embed identity of `pageOrigin` (see embedIdentity).
 */
export function youtubeEmbedUrl(id: string, startSeconds: number, pageOrigin: string | null | undefined, autoplay: boolean): string {
  const identity = embedIdentity(pageOrigin);
  const params = new URLSearchParams({
    enablejsapi: "1",
    start: String(wholeSeconds(startSeconds)),
    origin: identity,
    widget_referrer: identity,
    playsinline: "1",
    rel: "0",
  });
  if (autoplay) params.set("autoplay", "1");
  return `https://www.youtube.com/embed/${encodeURIComponent(id)}?${params.toString()}`;
}

/** Vimeo's privacy hash for unlisted videos, from `vimeo.com/ID/HASH` or `?h=HASH`, or "". */
export function vimeoHash(url: string): string {
  try {
    const u = new URL(url);
    const h = u.searchParams.get("h");
    if (h && /^[0-9a-f]+$/i.test(h)) return h;
    const parts = u.pathname.split("/").filter((p) => p !== "");
    const idAt = parts.findIndex((p) => /^\d+$/.test(p));
    const next = idAt >= 0 ? parts[idAt + 1] : undefined;
    return next !== undefined && /^[0-9a-f]{6,}$/i.test(next) ? next : "";
  } catch {
    return "";
  }
}

/** The Vimeo iframe URL for video `id` (with its privacy `hash`, or ""), from `startSeconds` (whole seconds). */
export function vimeoEmbedUrl(id: string, hash: string, startSeconds: number, autoplay: boolean): string {
  const params = new URLSearchParams();
  if (hash !== "") params.set("h", hash);
  params.set("autoplay", autoplay ? "1" : "0");
  const query = params.toString();
  return `${VIMEO_ORIGIN}/video/${encodeURIComponent(id)}?${query}#t=${wholeSeconds(startSeconds)}s`;
}

/** The handshake after which the YouTube iframe starts sending infoDelivery messages. */
export function youtubeListening(playerId: string): string {
  return JSON.stringify({ event: "listening", id: playerId, channel: "widget" });
}

/** A YouTube iframe API command (`func` with `args`, e.g. "seekTo", [42, true]) as a postMessage payload. */
export function youtubeCommand(func: string, args: unknown[], playerId: string): string {
  return JSON.stringify({ event: "command", func, args, id: playerId, channel: "widget" });
}

export interface YoutubeInfo {
  /** A message for people, from an onError event. */
  error?: string;
  currentTime?: number;
  /** -1 unstarted, 0 ended, 1 playing, 2 paused, 3 buffering, 5 cued. */
  playerState?: number;
  playbackRate?: number;
  duration?: number;
}

function asObject(data: unknown): Record<string, unknown> | null {
  let value = data;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function finite(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** What a YouTube message tells about the player, or null when it is not one we read. */
export function parseYoutubeMessage(data: unknown): YoutubeInfo | null {
  const msg = asObject(data);
  if (!msg) return null;
  if (msg.event === "onStateChange") {
    const state = finite(msg.info);
    return state === undefined ? null : { playerState: state };
  }
  if (msg.event === "onError") {
    const code = finite(msg.info);
    return code === undefined ? null : { error: youtubeErrorText(code) };
  }
  if (msg.event === "onPlaybackRateChange") {
    const rate = finite(msg.info);
    return rate === undefined ? null : { playbackRate: rate };
  }
  if (msg.event !== "infoDelivery" && msg.event !== "initialDelivery") return null;
  const info = asObject(msg.info);
  if (!info) return null;
  const out: YoutubeInfo = {};
  const t = finite(info.currentTime);
  if (t !== undefined) out.currentTime = t;
  const s = finite(info.playerState);
  if (s !== undefined) out.playerState = s;
  const r = finite(info.playbackRate);
  if (r !== undefined) out.playbackRate = r;
  const d = finite(info.duration);
  if (d !== undefined) out.duration = d;
  return out;
}

/** What a YouTube player error code means, for people. */
export function youtubeErrorText(code: number): string {
  switch (code) {
    case 2:
      return "YouTube refused the request (invalid video id?)";
    case 5:
      return "YouTube could not play this video in the embedded player";
    case 100:
      return "this YouTube video was not found (removed or private)";
    case 101:
    case 150:
      return "the owner of this YouTube video does not allow it to be embedded";
    case 153:
      return "YouTube refused the embed because it got no referrer (error 153)";
    default:
      return `YouTube player error ${code}`;
  }
}

/** A Vimeo player API message (`method`, with `value` for setters) as a postMessage payload. */
export function vimeoMessage(method: string, value?: unknown): string {
  return JSON.stringify(value === undefined ? { method } : { method, value });
}

export interface VimeoInfo {
  ready?: boolean;
  error?: string;
  seconds?: number;
  paused?: boolean;
  playbackRate?: number;
}

/** What a Vimeo message (event or method reply) tells about the player, or null. */
export function parseVimeoMessage(data: unknown): VimeoInfo | null {
  const msg = asObject(data);
  if (!msg) return null;
  const event = msg.event;
  if (event === "ready") return { ready: true };
  if (event === "error") {
    const d = asObject(msg.data);
    const text = d && typeof d.message === "string" && d.message !== "" ? d.message : "unknown error";
    return { error: `Vimeo could not play this video: ${text}` };
  }
  if (event === "timeupdate" || event === "playProgress" || event === "seeked") {
    const d = asObject(msg.data);
    const seconds = d ? finite(d.seconds) : undefined;
    return seconds === undefined ? null : { seconds };
  }
  if (event === "play" || event === "playing") return { paused: false };
  if (event === "pause" || event === "ended") return { paused: true };
  if (event === "playbackratechange") {
    const d = asObject(msg.data);
    const rate = d ? finite(d.playbackRate) : undefined;
    return rate === undefined ? null : { playbackRate: rate };
  }
  if (msg.method === "getCurrentTime") {
    const seconds = finite(msg.value);
    return seconds === undefined ? null : { seconds };
  }
  if (msg.method === "getPaused" && typeof msg.value === "boolean") return { paused: msg.value };
  if (msg.method === "getPlaybackRate") {
    const rate = finite(msg.value);
    return rate === undefined ? null : { playbackRate: rate };
  }
  return null;
}

const AUDIO_EXTENSIONS = new Set(["mp3", "m4a", "wav", "ogg", "oga", "opus", "flac", "aac"]);

/** Whether a path or URL names an audio file (played in <audio> rather than <video>). */
export function isAudioPath(pathOrUrl: string): boolean {
  const bare = pathOrUrl.split(/[?#]/)[0] ?? "";
  const dot = bare.lastIndexOf(".");
  if (dot < 0 || dot < bare.lastIndexOf("/")) return false;
  return AUDIO_EXTENSIONS.has(bare.slice(dot + 1).toLowerCase());
}
