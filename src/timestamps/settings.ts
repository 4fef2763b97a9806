// The timestamps feature's settings (the player pane and its commands): shape, defaults and
// validation. Pure: the settings tab lives in ./obsidian/settings-tab.ts.

/** Where the player pane opens. */
export type PlayerLocation = "sidebar" | "tab";

/** The timestamps feature's settings, stored under data.json's "settings" key. */
export interface TimestampSettings {
  /** Where the lesson video opens: the right sidebar or a new tab. */
  playerLocation: PlayerLocation;
  /** Seconds skipped by the "seek back" and "seek forward" commands. */
  seekStepSeconds: number;
  /** Seconds subtracted from the playing time when inserting a timestamp. */
  insertOffsetSeconds: number;
  /** Remember where each video was left and resume there. */
  rememberPosition: boolean;
  /** Start playing after a timestamp is clicked. */
  autoplay: boolean;
}

/** The settings of a new install, and the fallback of each invalid stored field. */
export const DEFAULT_SETTINGS: Readonly<TimestampSettings> = Object.freeze({
  playerLocation: "sidebar",
  seekStepSeconds: 10,
  insertOffsetSeconds: 2,
  rememberPosition: true,
  autoplay: true,
});

/** Limits of the numeric settings (seconds). */
export const SEEK_STEP_RANGE = { min: 1, max: 600 } as const;
export const INSERT_OFFSET_RANGE = { min: 0, max: 600 } as const;

/** Parses a seconds field typed by the user: a finite number within [min, max], or an error. */
export function parseSecondsSetting(
  text: string,
  range: { min: number; max: number },
): { value: number } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { error: "Enter a number of seconds." };
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return { error: `"${trimmed}" is not a number of seconds.` };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `"${trimmed}" is not a number of seconds.` };
  if (value < range.min || value > range.max) return { error: `Use a value from ${range.min} to ${range.max} seconds.` };
  return { value };
}

function numberIn(v: unknown, range: { min: number; max: number }, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) && v >= range.min && v <= range.max ? v : fallback;
}

/** Settings from stored data of any shape: unknown or invalid fields fall back to the defaults. */
export function normalizeSettings(raw: unknown): TimestampSettings {
  const r = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    playerLocation: r.playerLocation === "tab" || r.playerLocation === "sidebar" ? r.playerLocation : DEFAULT_SETTINGS.playerLocation,
    seekStepSeconds: numberIn(r.seekStepSeconds, SEEK_STEP_RANGE, DEFAULT_SETTINGS.seekStepSeconds),
    insertOffsetSeconds: numberIn(r.insertOffsetSeconds, INSERT_OFFSET_RANGE, DEFAULT_SETTINGS.insertOffsetSeconds),
    rememberPosition: typeof r.rememberPosition === "boolean" ? r.rememberPosition : DEFAULT_SETTINGS.rememberPosition,
    autoplay: typeof r.autoplay === "boolean" ? r.autoplay : DEFAULT_SETTINGS.autoplay,
  };
}

/** Saved playback positions (video URL → seconds), dropping anything that is not a position. */
export function normalizePositions(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof raw !== "object" || raw === null) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out;
}
