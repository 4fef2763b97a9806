// Which video a note points at: YouTube, Vimeo, a direct media URL, or a file in the vault.
// Pure: no Obsidian import. Only http(s) URLs are ever accepted, so nothing built from a note
// can run script (`javascript:`), read local files (`file:`) or inline content (`data:`).
import getVideoId from "get-video-id";
import type { VideoRef } from "./types";
import { isControl, isHidden, showInvisible } from "../shared/visible-text";

/** A video source as read: the video, or a sentence saying why the text names none. */
export type VideoResult = { video: VideoRef } | { error: string };

/** Extensions of the video and audio files a player can seek (Obsidian's own media set). */
export const MEDIA_EXTENSIONS: readonly string[] = [
  "mp4", "webm", "ogv", "mov", "m4v", "mkv",
  "mp3", "m4a", "wav", "ogg", "oga", "opus", "flac", "3gp",
];

const MAX_SOURCE_LENGTH = 4096;
const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
/** Vimeo's privacy hash of an unlisted video: hexadecimal (10 digits as Vimeo writes them). */
const VIMEO_HASH = /^[0-9a-f]{6,40}$/i;
const EXPECTED = "expected a YouTube or Vimeo URL, a link to a media file, or a vault video like [[lesson.mp4]]";

/** Whether a path or URL path ends in one of {@link MEDIA_EXTENSIONS} (case-insensitive). */
export function isMediaPath(path: string): boolean {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path);
  return ext !== null && MEDIA_EXTENSIONS.includes(ext[1].toLowerCase());
}

/** What a copy can leave around a URL: whitespace and zero-width characters. */
const INVISIBLE_EDGES = /^[\s\u200b\u2060\ufeff]+|[\s\u200b\u2060\ufeff]+$/gu;

function quote(text: string): string {
  return `"${showInvisible(text.length > 120 ? `${text.slice(0, 120)}…` : text)}"`;
}

/**
 * Sentence punctuation a URL copied out of a sentence ends with ("see https://youtu.be/ID."), which
 * no YouTube id, Vimeo id or hash, media extension or query can end in: dropped from every web URL.
 */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"»”’]+$/u;

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
  let s = String(raw ?? "").replace(INVISIBLE_EDGES, "");
  if (s === "") return { error: `no video given (${EXPECTED})` };
  if (s.length > MAX_SOURCE_LENGTH) return { error: `video source too long (${s.length} characters; at most ${MAX_SOURCE_LENGTH})` };
  // Browsers drop tabs and newlines inside URLs ("java\tscript:"), so no control character is let
  // through; invisible and direction-changing characters could make a link read as another one.
  const hidden = Array.from(s).find(isHidden);
  if (hidden !== undefined) {
    const kind = isControl(hidden) ? "control characters" : "invisible or text-direction characters";
    return { error: `the video source ${quote(s)} contains ${kind} (shown as \\u{…}): type or paste the address again` };
  }

  // An embed code copied from a share dialog: `<iframe … src="URL" …></iframe>` plays URL, also
  // inside the wrapper Vimeo's responsive code puts around it (`<div …><iframe …></iframe></div><script …>`).
  if (s.startsWith("<") && /<iframe[\s>/]/i.test(s)) return embedCode(s);

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

/** HTML's named and numeric character references that occur in copied attribute values. */
function decodeEntities(value: string): string {
  const named: Record<string, string> = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">" };
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return named[ref.toLowerCase()] ?? all;
  });
}

/**
 * The attributes of every `<iframe>` start tag in `html`, read as HTML's tokenizer reads them
 * (WHATWG HTML "before attribute name" … "attribute value (unquoted)" states): a name, then
 * optionally `=` and a double-quoted, single-quoted or unquoted value, so a `src=` written
 * inside another attribute's quoted value is never taken for the src. Values are entity-decoded.
 */
export function iframeAttributes(html: string): Map<string, string>[] {
  const found: Map<string, string>[] = [];
  const open = /<iframe(?=[\s>/])/gi;
  for (let m = open.exec(html); m !== null; m = open.exec(html)) {
    const attrs = new Map<string, string>();
    let i = m.index + m[0].length;
    while (i < html.length) {
      while (i < html.length && /[\s/]/.test(html[i])) i++;
      if (i >= html.length || html[i] === ">") break;
      const nameStart = i;
      while (i < html.length && !/[\s/>=]/.test(html[i])) i++;
      const name = html.slice(nameStart, i).toLowerCase();
      while (i < html.length && /\s/.test(html[i])) i++;
      let value = "";
      if (html[i] === "=") {
        i++;
        while (i < html.length && /\s/.test(html[i])) i++;
        const q = html[i];
        if (q === '"' || q === "'") {
          const end = html.indexOf(q, i + 1);
          value = html.slice(i + 1, end < 0 ? html.length : end);
          i = end < 0 ? html.length : end + 1;
        } else {
          const start = i;
          while (i < html.length && !/[\s>]/.test(html[i])) i++;
          value = html.slice(start, i);
        }
      }
      // The first of two same-named attributes wins, as in HTML.
      if (name !== "" && !attrs.has(name)) attrs.set(name, decodeEntities(value));
    }
    open.lastIndex = Math.max(open.lastIndex, i);
    found.push(attrs);
  }
  return found;
}

function embedCode(html: string): VideoResult {
  const frames = iframeAttributes(html);
  if (frames.length > 1) {
    return { error: `an embed code with ${frames.length} players: ${quote(html)} (paste the embed code or the URL of one video)` };
  }
  const target = (frames[0]?.get("src") ?? "").trim();
  if (target === "") return { error: `an embed code without a src address: ${quote(html)} (paste the video's URL)` };
  if (target.startsWith("<")) return { error: `an embed code whose src is not an address: ${quote(html)} (paste the video's URL)` };
  return parseVideoSource(target.startsWith("//") ? `https:${target}` : target);
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

function webVideo(written: string, redirected = false): VideoResult {
  const href = written.replace(TRAILING_PUNCTUATION, "");
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { error: `invalid URL: ${quote(href)}` };
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const bare = host.replace(/^(?:www|m|music|gaming)\./, "");
  if (YOUTUBE_HOSTS.has(bare)) return youtubeVideo(url, bare, href);
  if (VIMEO_HOSTS.has(bare.replace(/^www\./, ""))) return vimeoVideo(url, href);
  if (YOUTUBE_IMAGE_HOST.test(host)) {
    const id = thumbnailIdOf(url);
    const paste = id !== null ? youtubeWatchUrl(id) : "the address of the video's page (https://www.youtube.com/watch?v=…)";
    return { error: `${quote(href)} is a thumbnail image of a YouTube video, not the video: paste ${paste} instead` };
  }
  if (host.endsWith(".youtube.com") || host.endsWith(".youtu.be")) {
    // Other YouTube services name a video but play nothing: the retired gdata API feeds, YouTube
    // Studio's pages; any other sub-domain is not a YouTube address a player can embed.
    const id = /\/videos?\/([A-Za-z0-9_-]{11})(?:[/?#]|$)/.exec(url.pathname)?.[1] ?? null;
    const paste = id !== null ? youtubeWatchUrl(id) : "the video's https://www.youtube.com/watch?v=… address";
    const what = host === "gdata.youtube.com" ? "a YouTube data feed" : host === "studio.youtube.com" ? "a YouTube Studio page" : `not a YouTube video page (unknown host ${host})`;
    return { error: `${quote(href)} is ${what.startsWith("not") ? what : `${what}, not the video`}: paste ${paste} instead` };
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

/** Paths whose segment after the first names the video: `/embed/ID`, `/shorts/ID`, … */
const YOUTUBE_ID_PATH = /^\/(?:embed|v|vi|e|shorts|live|watch)\/[^/]/i;

/**
 * The YouTube id of `url` (a YouTube host), or null. YouTube's own rules pick the one piece of the
 * URL that names the video, and only that piece is handed to get-video-id, which reads the id out
 * of it: on youtu.be/y2u.be and on `/embed/ID`-like paths the path (query and fragment dropped:
 * the path beats any `v=` after it); on other pages the `v` parameter exactly (else `vi`), never a
 * look-alike (`fv=`, `xv=`) or an id inside another parameter's value; on `attribution_link` the
 * link in `u` (read by these same rules, once); on old channel pages the `#p/…/ID` fragment.
 */
function youtubeIdOf(url: URL, bare: string, depth = 0): string | null {
  const piece = new URL(url.href);
  piece.hash = "";
  piece.search = "";
  if (bare === "youtu.be" || bare === "y2u.be" || YOUTUBE_ID_PATH.test(url.pathname)) {
    // The path alone.
  } else if (url.pathname.toLowerCase() === "/attribution_link") {
    const link = url.searchParams.get("u");
    if (link === null || depth > 0 || !link.startsWith("/")) return null;
    let inner: URL;
    try {
      inner = new URL(link, "https://www.youtube.com");
    } catch {
      return null;
    }
    return youtubeIdOf(inner, "youtube.com", depth + 1);
  } else {
    const v = url.searchParams.get("v") ?? url.searchParams.get("vi");
    if (v !== null) piece.search = `?v=${encodeURIComponent(v)}`;
    else if (url.hash.startsWith("#p/")) piece.hash = url.hash;
    else return null;
  }
  const { id, service } = libraryId(piece.href);
  return service === "youtube" && typeof id === "string" && id !== "" ? id : null;
}

/** The id in a thumbnail image URL (`/vi/ID/…`, `/an_webp/ID/…`), or null. */
function thumbnailIdOf(url: URL): string | null {
  const id = /^\/(?:vi|vi_webp|an_webp|an)\/([A-Za-z0-9_-]{11})\//.exec(url.pathname)?.[1];
  return id ?? null;
}

function youtubeVideo(url: URL, bare: string, written: string): VideoResult {
  const path = url.pathname.toLowerCase();
  // `embed/videoseries?list=…` and `playlist?list=…` are playlist players: no one video to seek.
  const list = url.searchParams.has("list");
  if (path.startsWith("/embed/videoseries") || path === "/playlist" || ((path === "/embed" || path === "/embed/") && list)) {
    return { error: `YouTube playlist URL without a video id: ${quote(written)} (open one video of the list and paste its URL)` };
  }
  const id = youtubeIdOf(url, bare);
  // `attribution_link` redirects to its `u` link; a `v=` of its own naming another video makes the
  // link say two things, and neither is played.
  const outer = path === "/attribution_link" ? url.searchParams.get("v") : null;
  if (id !== null && outer !== null && outer !== id) {
    return { error: `${quote(written)} names two videos (${id} in its link, ${outer} in v=): paste the address of the one you mean` };
  }
  if (id === null) {
    return { error: `YouTube URL without a video id: ${quote(written)} (open the video and paste its address, such as https://www.youtube.com/watch?v=…)` };
  }
  if (!YOUTUBE_ID.test(id)) {
    return { error: `not a YouTube video id: ${quote(id)} in ${quote(written)} (ids are 11 letters, digits, - or _)` };
  }
  return { video: { kind: "youtube", id, url: youtubeWatchUrl(id) } };
}

/** A Vimeo video id: a positive whole number (no leading zero). */
const VIMEO_VIDEO_ID = /^[1-9][0-9]{0,11}$/;
const VIMEO_PASTE = "paste the address of one video, such as https://vimeo.com/123456789";

/**
 * The Vimeo video `url` names, by the path shapes Vimeo serves a video at (get-video-id is not
 * used for Vimeo: it tests for "youtube" anywhere in the text before it looks at the host, and reads
 * the first number of list pages such as `showcase/ID` or `ID/likes` as a video):
 * `vimeo.com/ID`, `channels/NAME/ID`, `groups/NAME/videos/ID`, `album|showcase/ALBUM/video/ID`,
 * `album|showcase/ALBUM?video=ID`, `manage/videos/ID`, `player.vimeo.com/video/ID`; each may end
 * in the unlisted hash (`/HASH`, or `?h=HASH` which wins). Anything after the id but a hash, and
 * every list, user, channel, group, showcase or event page, is refused with what to paste.
 */
function vimeoVideo(url: URL, written: string): VideoResult {
  const player = url.hostname.toLowerCase().replace(/\.$/, "").endsWith("player.vimeo.com");
  const segs = url.pathname.split("/").filter((p) => p !== "");
  const lower = segs.map((p) => p.toLowerCase());
  const isId = (seg: string | undefined): seg is string => seg !== undefined && VIMEO_VIDEO_ID.test(seg);

  if (/\.swf$/i.test(url.pathname)) {
    const clip = url.searchParams.get("clip_id");
    const paste = isId(clip ?? undefined) ? `https://vimeo.com/${clip}` : "the video's address (https://vimeo.com/…)";
    return { error: `${quote(written)} is an old Flash (.swf) player, which cannot play: paste ${paste} instead` };
  }
  // Vimeo's direct file links (`player.vimeo.com/progressive_redirect/…/file.mp4`) are media files.
  if (isMediaPath(url.pathname)) return { video: { kind: "media", id: url.href, url: url.href } };
  if (lower[0] === "event") {
    return { error: `${quote(written)} is a Vimeo live event, not a video: paste the address of its recording (https://vimeo.com/…) instead` };
  }

  let id: string | null = null;
  let rest: string[] = [];
  let list: string | null = null;
  if (player) {
    if (lower[0] === "video" && isId(segs[1])) [id, rest] = [segs[1], segs.slice(2)];
  } else if (isId(segs[0])) {
    [id, rest] = [segs[0], segs.slice(1)];
  } else if (lower[0] === "channels") {
    if (isId(segs[2])) [id, rest] = [segs[2], segs.slice(3)];
    else list = "a Vimeo channel";
  } else if (lower[0] === "groups") {
    if (lower[2] === "videos" && isId(segs[3])) [id, rest] = [segs[3], segs.slice(4)];
    else list = "a Vimeo group";
  } else if (lower[0] === "album" || lower[0] === "showcase") {
    const param = url.searchParams.get("video") ?? undefined;
    if (lower[2] === "video" && isId(segs[3])) [id, rest] = [segs[3], segs.slice(4)];
    else if (segs.length === 2 && isId(param)) id = param;
    else list = "a Vimeo showcase (a list of videos)";
  } else if (lower[0] === "manage" && lower[1] === "videos" && isId(segs[2])) {
    [id, rest] = [segs[2], segs.slice(3)];
  } else if (lower[0] === "user" || lower[0] === "ondemand") {
    list = "a Vimeo member's page";
  }
  if (list !== null) return { error: `${quote(written)} is ${list}, not a video: open one of its videos and paste that address instead` };
  if (id === null) return { error: `Vimeo URL without a video id: ${quote(written)} (${VIMEO_PASTE})` };

  let hash: string | null = null;
  if (rest.length === 1 && VIMEO_HASH.test(rest[0])) hash = rest[0];
  else if (rest.length > 0) {
    return { error: `${quote(written)} is not a Vimeo video page ("/${rest.join("/")}" follows the number): ${VIMEO_PASTE}` };
  }
  const h = url.searchParams.get("h");
  if (h !== null && VIMEO_HASH.test(h)) hash = h;
  return { video: { kind: "vimeo", id, url: hash !== null ? `https://vimeo.com/${id}/${hash}` : `https://vimeo.com/${id}` } };
}
