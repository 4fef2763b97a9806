// Which video a note points at: YouTube, Vimeo, a direct media URL, or a file in the vault.
// Pure: no Obsidian import. Only http(s) URLs are ever accepted, so nothing built from a note
// can run script (`javascript:`), read local files (`file:`) or inline content (`data:`).
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
const VIMEO_HASH = /^[A-Za-z0-9]{1,40}$/;
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
 * whitespace and `<…>`: a Markdown link `[text](url)` (its url is used); YouTube and Vimeo URLs in
 * their usual forms (scheme optional for those hosts); http(s) URLs of media files; and vault
 * files as `[[path]]`, `[[path|alias]]`, `![[path]]` or a plain relative path with a media extension.
 */
export function parseVideoSource(raw: string): VideoResult {
  let s = String(raw ?? "").trim();
  if (s === "") return { error: `no video given (${EXPECTED})` };
  if (s.length > MAX_SOURCE_LENGTH) return { error: "video source too long" };
  // Browsers drop tabs and newlines inside URLs ("java\tscript:"), so no control character is let through.
  if (hasControlCharacter(s)) return { error: `the video source ${quote(withoutControls(s))} contains control characters` };

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
    if (name !== "http" && name !== "https") {
      return { error: `unsafe URL scheme "${name}:" in ${quote(s)} (only http and https links are followed)` };
    }
    return webVideo(s);
  }
  if (/^(?:(?:www|m|music)\.)?(?:youtube\.com|youtu\.be|youtube-nocookie\.com|vimeo\.com|player\.vimeo\.com)(?:[/?#]|$)/i.test(s)) {
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

function webVideo(href: string): VideoResult {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { error: `invalid URL: ${quote(href)}` };
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const bare = host.replace(/^(?:www|m|music)\./, "");
  if (bare === "youtube.com" || bare === "youtube-nocookie.com" || bare === "youtu.be") return youtubeVideo(url, href);
  if (bare === "vimeo.com" || host === "player.vimeo.com") return vimeoVideo(url, host === "player.vimeo.com", href);
  if (isMediaPath(url.pathname)) return { video: { kind: "media", id: url.href, url: url.href } };
  return {
    error: `unsupported video URL: ${quote(href)} (expected YouTube, Vimeo, or a direct link to a media file such as .mp4)`,
  };
}

function youtubeVideo(url: URL, written: string): VideoResult {
  const segs = url.pathname.split("/").filter((p) => p !== "");
  let id: string | null = null;
  if (url.hostname.toLowerCase().endsWith("youtu.be")) id = segs[0] ?? null;
  else if (segs[0] === "watch" || segs.length === 0) id = url.searchParams.get("v");
  else if (["shorts", "embed", "live", "v", "e"].includes(segs[0])) id = segs[1] ?? null;
  if (id === null || id === "") return { error: `YouTube URL without a video id: ${quote(written)}` };
  // `embed/videoseries?list=…` is a playlist player; "videoseries" happens to be 11 characters long.
  if (id === "videoseries") return { error: `YouTube playlist URL without a video id: ${quote(written)}` };
  if (!YOUTUBE_ID.test(id)) {
    return { error: `not a YouTube video id: ${quote(id)} in ${quote(written)} (ids are 11 letters, digits, - or _)` };
  }
  return { video: { kind: "youtube", id, url: `https://www.youtube.com/watch?v=${id}` } };
}

function vimeoVideo(url: URL, player: boolean, written: string): VideoResult {
  const segs = url.pathname.split("/").filter((p) => p !== "");
  let id: string | undefined;
  let hash: string | null = url.searchParams.get("h");
  if (player) {
    if (segs[0] === "video") id = segs[1];
  } else if (VIMEO_ID.test(segs[0] ?? "")) {
    id = segs[0];
    // vimeo.com/ID/HASH: the hash is what lets an unlisted video play.
    if (segs[1] !== undefined && VIMEO_HASH.test(segs[1])) hash = segs[1];
  } else if (segs[0] === "channels") {
    id = segs[2];
  } else if (segs[0] === "groups" && segs[2] === "videos") {
    id = segs[3];
  } else if ((segs[0] === "album" || segs[0] === "showcase") && segs[2] === "video") {
    id = segs[3];
  } else if (segs[0] === "video") {
    id = segs[1];
  }
  if (id === undefined || !VIMEO_ID.test(id)) return { error: `Vimeo URL without a video id: ${quote(written)}` };
  if (hash !== null && !VIMEO_HASH.test(hash)) hash = null;
  return { video: { kind: "vimeo", id, url: hash ? `https://vimeo.com/${id}/${hash}` : `https://vimeo.com/${id}` } };
}
