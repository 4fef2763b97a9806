// Finds the vault file a `vault` VideoRef names.
import { normalizePath, TFile, type App } from "obsidian";
import type { VideoRef } from "../types";

/**
 * The vault file a `vault` video names: a link resolved from the note at `sourcePath` as Obsidian
 * resolves links, else the normalized path from the vault root. Null for other kinds or when absent.
 */
export function resolveVaultVideo(app: App, video: VideoRef, sourcePath: string): TFile | null {
  if (video.kind !== "vault") return null;
  const linked = app.metadataCache.getFirstLinkpathDest(video.id, sourcePath);
  if (linked instanceof TFile) return linked;
  const direct = app.vault.getAbstractFileByPath(normalizePath(video.id));
  return direct instanceof TFile ? direct : null;
}

/** The URL a <video> element can load for `video`, or why there is none. */
export function playableSource(app: App, video: VideoRef, sourcePath: string): { src: string } | { error: string } {
  if (video.kind === "youtube" || video.kind === "vimeo") return { src: video.url };
  if (video.kind === "media") return { src: video.url };
  const file = resolveVaultVideo(app, video, sourcePath);
  return file ? { src: app.vault.getResourcePath(file) } : { error: `vault file not found: ${video.id}` };
}
