// Arithmetic behind the playback commands and the chapter list. Pure: no DOM, no Obsidian.

/** Playback rates the speed commands allow (multiples of normal speed) and their step. */
export const MIN_RATE = 0.25;
export const MAX_RATE = 4;
export const RATE_STEP = 0.25;

/** The time a new timestamp should point at: a little before now, never below 0. */
export function insertionSeconds(current: number, offset: number): number {
  const now = Number.isFinite(current) ? current : 0;
  const back = Number.isFinite(offset) && offset > 0 ? offset : 0;
  return Math.max(0, Math.floor(now - back));
}

/** The markdown inserted by the "insert timestamp" command. */
export function timestampBlockMarkdown(timeText: string): string {
  return "```timestamp\n" + timeText + "\n```\n";
}

/** Playback rate one step slower (-1) or faster (+1), kept on the 0.25 grid within 0.25–4. */
export function stepRate(rate: number, direction: 1 | -1): number {
  const base = Number.isFinite(rate) && rate > 0 ? rate : 1;
  const snapped = Math.round(base / RATE_STEP) * RATE_STEP;
  return clampRate(snapped + direction * RATE_STEP);
}

/** `rate` within MIN_RATE–MAX_RATE; 1 (normal speed) when it is not a finite number. */
export function clampRate(rate: number): number {
  if (!Number.isFinite(rate)) return 1;
  return Math.min(MAX_RATE, Math.max(MIN_RATE, rate));
}

/** Where a relative seek lands: never before 0, never past the end when the duration is known. */
export function stepSeconds(current: number, delta: number, duration: number | null): number {
  const now = Number.isFinite(current) ? current : 0;
  let target = Math.max(0, now + (Number.isFinite(delta) ? delta : 0));
  if (duration !== null && Number.isFinite(duration) && duration > 0) target = Math.min(target, duration);
  return target;
}

/** One entry of the pane's chapter list: a timestamp of the note that seeks the open video. */
export interface Chapter {
  /** Where it seeks, in seconds. */
  seconds: number;
  /** The time as written in the note ("06:45"). */
  time: string;
  /** Its label, else the heading after its block, else "". */
  title: string;
  /** Its 0-based line in the note. */
  line: number;
}

/** Index of the chapter playing at `t`: the last whose time is ≤ t, or -1 before the first. */
export function activeChapterIndex(chapters: readonly Chapter[], t: number): number {
  let active = -1;
  let best = -Infinity;
  chapters.forEach((c, i) => {
    // Ties and unsorted notes: the latest start not after t wins; on equal starts the later line.
    if (c.seconds <= t && c.seconds >= best) {
      best = c.seconds;
      active = i;
    }
  });
  return active;
}
