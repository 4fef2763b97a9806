// Which video a note points at: YouTube, Vimeo, a direct media URL, or a file in the vault.
// Pure: no Obsidian import. Only http(s) URLs are ever accepted, so nothing built from a note
// can run script (`javascript:`), read local files (`file:`) or inline content (`data:`).
import getVideoId from "get-video-id";
import type { VideoRef } from "./types";

export type VideoResult = { video: VideoRef } | { error: string };

/** Extensions of the video and audio files a player can seek (Obsidian's own media set). */
export const MEDIA_EXTENSIONS: readonly string[] = [
  "mp4", "webm", "ogv", "mov", "m4v", "mkv",
  "mp3", "m4a", "wav", "ogg", "oga", "opus", "flac", "3gp",
];

const MAX_SOURCE_LENGTH = 4096;
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const VIMEO_ID = /^[0-9]{1,12}$/;
/** Vimeo's privacy hash of an unlisted video: hexadecimal (10 digits as Vimeo writes them). */
const VIMEO_HASH = /^[0-9a-f]{6,40}$/i;
const EXPECTED = "expected a YouTube or Vimeo URL, a link to a media file, or a vault video like [[lesson.mp4]]";

/** Whether a path or URL path ends in one of {@link MEDIA_EXTENSIONS} (case-insensitive). */
export function isMediaPath(path: string): boolean {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path);
  return ext !== null && MEDIA_EXTENSIONS.includes(ext[1].toLowerCase());
}

function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 0x20 || c === 0x7f;
}

function hasControlCharacter(text: string): boolean {
  for (const ch of text) if (isControl(ch)) return true;
  return false;
}

function withoutControls(text: string): string {
  return Array.from(text, (ch) => (isControl(ch) ? "?" : ch)).join("");
}

function quote(text: string): string {
  return `"${text.length > 120 ? `${text.slice(0, 120)}…` : text}"`;
}

/**
 * Reads the video a ```timestamp-url block or a `video` property names. Accepts, after trimming
 * whitespace and `<…>`: an embed code `<iframe src="url">` (its src is used); a Markdown link
 * `[text](url)` (its url is used); YouTube and Vimeo URLs in every form the README lists (scheme
 * optional for those hosts; ids read by get-video-id, only on those hosts, and checked for their
 * syntax; Vimeo's unlisted hash kept from `?h=` or the segment after the id); a Google search
 * redirect to one of them; http(s) URLs of media files; and vault files as `[[path]]`,
 * `[[path|alias]]`, `![[path]]` or a plain relative path with a media extension. Anything else is
 * an `{error}` sentence, which says what to paste instead where the input names a video that an
 * embedded player cannot play (an app link, a thumbnail, a Flash player). Never throws.
 */
export function parseVideoSource(raw: string): VideoResult {
  let s = String(raw ?? "").trim();
  if (s === "") return { error: `no video given (${EXPECTED})` };
  if (s.length > MAX_SOURCE_LENGTH) return { error: "video source too long" };
  // Browsers drop tabs and newlines inside URLs ("java\tscript:"), so no control character is let through.
  if (hasControlCharacter(s)) return { error: `the video source ${quote(withoutControls(s))} contains control characters` };

  // An embed code copied from a share dialog: `<iframe … src="URL" …></iframe>` plays URL.
  if (/^<iframe[\s>]/i.test(s)) {
    const src = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(s);
    const target = (src?.[1] ?? src?.[2] ?? "").trim();
    if (target === "") return { error: `an embed code without a src address: ${quote(s)} (paste the video's URL)` };
    return parseVideoSource(target.startsWith("//") ? `https:${target}` : target);
  }

  const wiki = /^!?\[\[([^\]]*)\]\]$/.exec(s);
  if (wiki) return vaultVideo(wiki[1].split("|")[0], s, false);

  let fromMarkdownLink = false;
  const md = /^!?\[[^\]]*\]\((.*)\)$/.exec(s);
  if (md) {
    // `[text](<url with spaces> "title")`: keep the destination, drop the optional title.
    const dest = /^\s*(<[^>]*>|[^\s]+)/.exec(md[1]);
    if (!dest) return { error: `empty link target in ${quote(s)}` };
    s = dest[1];
    fromMarkdownLink = true;
  }
  if (s.startsWith("<") && s.endsWith(">")) s = s.slice(1, -1).trim();
  if (s === "") return { error: `no video given (${EXPECTED})` };

  if (/^[A-Za-z]:[\\/]/.test(s)) {
    return { error: `absolute file paths are not supported: ${quote(s)} (put the video in the vault and link it as [[file.mp4]])` };
  }
  if (s.startsWith("//")) return { error: `protocol-relative URL ${quote(s)}: write it with https://` };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name === "youtube" || name === "vnd.youtube") {
      // The YouTube app's own links (`youtube://ID`) open the app, which no embedded player can be.
      const { id } = libraryId(s);
      const paste = id !== undefined && YOUTUBE_ID.test(id) ? youtubeWatchUrl(id) : "the video's https://www.youtube.com/watch?v=… address";
      return { error: `${quote(s)} is a link for the YouTube app, which the player cannot open: paste ${paste} instead` };
    }
    if (name !== "http" && name !== "https") {
      return { error: `unsafe URL scheme "${name}:" in ${quote(s)} (only http and https links are followed)` };
    }
    return webVideo(s);
  }
  if (/^(?:(?:www|m|music)\.)?(?:youtube\.com|youtu\.be|youtube-nocookie\.com|y2u\.be|vimeo\.com|player\.vimeo\.com|i[0-9]?\.ytimg\.com|img\.youtube\.com)(?:[/?#]|$)/i.test(s)) {
    return webVideo(`https://${s}`);
  }
  return vaultVideo(s, s, fromMarkdownLink);
}

function vaultVideo(target: string, written: string, percentEncoded: boolean): VideoResult {
  let path = target.split("#")[0].trim().replace(/\\/g, "/");
  if (percentEncoded) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return { error: `bad percent-encoding in ${quote(written)}` };
    }
  }
  if (path === "") return { error: `empty link ${quote(written)} (${EXPECTED})` };
  if (!isMediaPath(path)) {
    const looksLikeFile = /\.[A-Za-z0-9]+$/.test(path) || written.includes("[[");
    return {
      error: looksLikeFile
        ? `${quote(written)} is not a video or audio file (expected an extension like .mp4, .webm or .mp3)`
        : `not a video: ${quote(written)} (${EXPECTED})`,
    };
  }
  return { video: { kind: "vault", id: path, url: path } };
}

/** Hosts whose pages play a YouTube video; `y2u.be` is a short-link service for YouTube ids. */
const YOUTUBE_HOSTS = new Set(["youtube.com", "youtube-nocookie.com", "youtu.be", "y2u.be"]);
/** Hosts of YouTube's thumbnail images: they name a video but show a picture. */
const YOUTUBE_IMAGE_HOST = /^(?:i[0-9]?\.ytimg\.com|img\.youtube\.com)$/;
const VIMEO_HOSTS = new Set(["vimeo.com", "player.vimeo.com"]);
/** Google's result redirect (`google.com/url?…&url=TARGET`): the target is read by the same rules. */
const GOOGLE_HOST = /^(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/;

/** get-video-id's reading of `text`; an exception inside the library reads as "no id". */
function libraryId(text: string): { id: string | undefined; service: string | undefined } {
  try {
    return getVideoId(text);
  } catch {
    return { id: undefined, service: undefined };
  }
}

function youtubeWatchUrl(id: string): string {
  return `https://www.youtube.com/watch?v=${id}`;
}

function webVideo(href: string, redirected = false): VideoResult {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { error: `invalid URL: ${quote(href)}` };
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const bare = host.replace(/^(?:www|m|music)\./, "");
  if (YOUTUBE_HOSTS.has(bare)) return youtubeVideo(url, href);
  if (VIMEO_HOSTS.has(bare)) return vimeoVideo(url, href);
  if (YOUTUBE_IMAGE_HOST.test(host)) {
    const id = youtubeIdOf(url);
    const paste = id !== null ? youtubeWatchUrl(id) : "the address of the video's page (https://www.youtube.com/watch?v=…)";
    return { error: `${quote(href)} is a thumbnail image of a YouTube video, not the video: paste ${paste} instead` };
  }
  if (host.endsWith(".youtube.com")) {
    // Other YouTube services (the retired gdata API feeds, …) name a video but play nothing.
    const id = /\/videos\/([A-Za-z0-9_-]{11})(?:[/?#]|$)/.exec(url.pathname)?.[1] ?? null;
    const paste = id !== null ? youtubeWatchUrl(id) : "the video's https://www.youtube.com/watch?v=… address";
    return { error: `${quote(href)} is a YouTube data feed, not the video: paste ${paste} instead` };
  }
  if (bare === "vimeopro.com") {
    const id = /\/video\/([0-9]{1,12})(?:[/?#]|$)/.exec(url.pathname)?.[1] ?? null;
    const paste = id !== null ? `https://vimeo.com/${id}` : "the video's https://vimeo.com/… address";
    return { error: `${quote(href)} is a Vimeo PRO portfolio page: paste ${paste} instead` };
  }
  if (!redirected && GOOGLE_HOST.test(host) && url.pathname === "/url") {
    const target = url.searchParams.get("url") ?? url.searchParams.get("q");
    if (target !== null && /^https?:\/\//i.test(target.trim())) return webVideo(target.trim(), true);
    return { error: `a Google search redirect without the address it leads to: ${quote(href)} (paste the video's own URL)` };
  }
  if (isMediaPath(url.pathname)) return { video: { kind: "media", id: url.href, url: url.href } };
  return {
    error: `unsupported video URL: ${quote(href)} (expected YouTube, Vimeo, or a direct link to a media file such as .mp4)`,
  };
}

/**
 * The YouTube id get-video-id reads from `url`, or null. The fragment is dropped first (a
 * `#t=1m` or any other anchor is not part of the id), except the `#p/u/1/ID` of old channel pages.
 */
function youtubeIdOf(url: URL): string | null {
  const copy = new URL(url.href);
  if (!copy.hash.startsWith("#p/")) copy.hash = "";
  const { id, service } = libraryId(copy.href);
  return service === "youtube" && typeof id === "string" && id !== "" ? id : null;
}

function youtubeVideo(url: URL, written: string): VideoResult {
  const path = url.pathname.toLowerCase();
  // `embed/videoseries?list=…` and `playlist?list=…` are playlist players: no one video to seek.
  const list = url.searchParams.has("list");
  if (path.startsWith("/embed/videoseries") || path === "/playlist" || ((path === "/embed" || path === "/embed/") && list)) {
    return { error: `YouTube playlist URL without a video id: ${quote(written)} (open one video of the list and paste its URL)` };
  }
  const id = youtubeIdOf(url);
  if (id === null) return { error: `YouTube URL without a video id: ${quote(written)}` };
  if (!YOUTUBE_ID.test(id)) {
    return { error: `not a YouTube video id: ${quote(id)} in ${quote(written)} (ids are 11 letters, digits, - or _)` };
  }
  return { video: { kind: "youtube", id, url: youtubeWatchUrl(id) } };
}

/** The Vimeo id get-video-id reads from `href` when it is a valid id, else null. */
function vimeoIdOf(href: string): string | null {
  const { id, service } = libraryId(href);
  return service === "vimeo" && typeof id === "string" && VIMEO_ID.test(id) ? id : null;
}

function vimeoVideo(url: URL, written: string): VideoResult {
  const clean = new URL(url.href);
  clean.hash = "";
  // One spelling of the host for the library (`www.`, `m.` and the like are the same site).
  clean.hostname = url.hostname.toLowerCase().replace(/\.$/, "").endsWith("player.vimeo.com") ? "player.vimeo.com" : "vimeo.com";
  // Vimeo renamed albums to showcases; get-video-id knows the album form of the same path.
  clean.pathname = clean.pathname.replace(/^\/showcase\//i, "/album/");
  const segs = clean.pathname.split("/").filter((p) => p !== "");
  const first = (segs[0] ?? "").toLowerCase();

  if (/\.swf$/i.test(clean.pathname)) {
    const id = vimeoIdOf(clean.href);
    const paste = id !== null ? `https://vimeo.com/${id}` : "the video's address (https://vimeo.com/…)";
    return { error: `${quote(written)} is an old Flash (.swf) player, which cannot play: paste ${paste} instead` };
  }
  if (first === "event") {
    return { error: `${quote(written)} is a Vimeo live event, not a video: paste the address of its recording (https://vimeo.com/…) instead` };
  }
  if (first === "channels" && segs.length === 2) {
    return { error: `${quote(written)} is a Vimeo channel, not a video: open one of its videos and paste that address instead` };
  }

  // The unlisted hash: `?h=HASH`, or the path segment right after the id (`vimeo.com/ID/HASH`,
  // `player.vimeo.com/video/ID/HASH`, `channels/NAME/ID/HASH`, …). get-video-id reads the id
  // but not the hash, and misses the id when a hash ends a player or group path: then the last
  // segment is tried as the hash.
  let id = vimeoIdOf(clean.href);
  let hash: string | null = null;
  if (id !== null) {
    const at = segs.lastIndexOf(id);
    const next = at >= 0 ? segs[at + 1] : undefined;
    if (next !== undefined && VIMEO_HASH.test(next)) hash = next;
  } else if (segs.length >= 2 && VIMEO_ID.test(segs[segs.length - 2]) && VIMEO_HASH.test(segs[segs.length - 1])) {
    const shorter = new URL(clean.href);
    shorter.pathname = `/${segs.slice(0, -1).join("/")}`;
    id = vimeoIdOf(shorter.href);
    if (id !== segs[segs.length - 2]) id = null;
    else hash = segs[segs.length - 1];
  }
  if (id === null) return { error: `Vimeo URL without a video id: ${quote(written)}` };
  const h = url.searchParams.get("h");
  if (h !== null && VIMEO_HASH.test(h)) hash = h;
  return { video: { kind: "vimeo", id, url: hash !== null ? `https://vimeo.com/${id}/${hash}` : `https://vimeo.com/${id}` } };
}
