// Times as people write them in lesson notes ("06:45", "1:02:03", "75.5"). Pure: no Obsidian import.

/** Times at or beyond this many seconds (1000 hours) are refused as typos. */
export const MAX_SECONDS = 1000 * 3600;

/** Longer inputs are refused before any parsing: no lesson time needs 32 characters. */
const MAX_TIME_LENGTH = 32;

export type TimeResult = { seconds: number } | { error: string };

const WHOLE = /^[0-9]+$/;
const WITH_FRACTION = /^([0-9]+)(\.[0-9]+)?$/;

/**
 * Reads a time: `s` (`75`, `75.5`), `m:ss`, `mm:ss`, `h:mm:ss`.
 * Minutes may exceed 59 when there is no hour part (`61:00` = 3660 s); seconds (and minutes
 * under an hour part) must be two digits below 60. Only the last part may carry a fraction.
 */
export function parseTime(text: string): TimeResult {
  const quick = typeof text === "string" ? plainTimeSeconds(text) : -1;
  if (quick >= 0) return { seconds: quick };
  const t = String(text ?? "").trim();
  if (t === "") return { error: "empty time" };
  if (t.length > MAX_TIME_LENGTH) return { error: `time too long: "${t.slice(0, MAX_TIME_LENGTH)}…"` };
  const shown = `"${t}"`;
  if (t.startsWith("-")) return { error: `negative time: ${shown}` };
  if (!/^[0-9:.]+$/.test(t)) {
    return { error: `not a time: ${shown} (write s, m:ss or h:mm:ss, e.g. 6:45 or 1:02:03)` };
  }
  const parts = t.split(":");
  if (parts.length > 3) return { error: `too many parts in time ${shown} (at most h:mm:ss)` };
  const last = parts[parts.length - 1];
  const head = parts.slice(0, -1);
  const lastMatch = WITH_FRACTION.exec(last);
  if (!lastMatch || head.some((p) => !WHOLE.test(p))) {
    return { error: `not a time: ${shown} (write s, m:ss or h:mm:ss; only the seconds may have a fraction)` };
  }
  let seconds: number;
  if (parts.length === 1) {
    seconds = Number(t);
  } else {
    if (lastMatch[1].length !== 2) return { error: `seconds must be two digits in ${shown} (e.g. 6:05)` };
    const secs = Number(last);
    if (secs >= 60) return { error: `seconds must be below 60 in ${shown}` };
    if (parts.length === 2) {
      seconds = Number(parts[0]) * 60 + secs;
    } else {
      const [h, m] = head;
      if (m.length !== 2) return { error: `minutes must be two digits in ${shown} (e.g. 1:05:00)` };
      if (Number(m) >= 60) return { error: `minutes must be below 60 in ${shown} when there is an hour part` };
      seconds = Number(h) * 3600 + Number(m) * 60 + secs;
    }
  }
  if (!Number.isFinite(seconds)) return { error: `not a time: ${shown}` };
  if (seconds >= MAX_SECONDS) return { error: `time ${shown} is too large (over 1000 hours)` };
  return { seconds };
}

/**
 * The seconds of a time in one of the common forms without a fraction (`75`, `6:45`, `06:45`,
 * `1:02:03`: digits and colons only, nothing around them), read in one pass, or -1 for anything
 * else (then parseTime's full reading decides, with its messages). Where it gives seconds, parseTime
 * gives the same, and parseTimeLine gives that time with no label and no error.
 */
export function plainTimeSeconds(t: string): number {
  const n = t.length;
  if (n === 0 || n > 12) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? t.charCodeAt(i) : 58;
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits += 1;
      continue;
    }
    if (c !== 58 || digits === 0) return -1;
    parts += 1;
    if (parts > 3) return -1;
    if (parts > 1 && (digits !== 2 || part >= 60)) return -1;
    value = value * 60 + part;
    total = parts;
    part = 0;
    digits = 0;
  }
  // h:mm:ss: the minutes (second part) were checked as two digits below 60 above; m:ss may have minutes past 59.
  if (total === 0 || value >= MAX_SECONDS) return -1;
  return value;
}

/**
 * Writes seconds as `m:ss` or `h:mm:ss`, keeping one decimal when there is a fraction
 * (`10.46` → `0:10.5`). Negative or non-finite input is not a time and gives `--:--`.
 */
export function formatTime(seconds: number): string {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return "--:--";
  // Round once, in tenths, so 59.96 carries to 1:00 instead of printing 0:60.0.
  const tenths = Math.round(seconds * 10);
  const whole = Math.floor(tenths / 10);
  const fraction = tenths % 10;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = `${String(s).padStart(2, "0")}${fraction ? `.${fraction}` : ""}`;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

export interface TimeLine {
  /** The time as written (e.g. "06:45"). */
  text: string;
  seconds: number | null;
  /** What follows the time, separator removed; "" when none. */
  label: string;
  error: string | null;
}

/** The accepted forms, as every ambiguity message shows them. */
export const TIME_FORMS = "write the time with no spaces inside (s, m:ss or h:mm:ss, e.g. 75, 6:45 or 1:02:03), then a label if any; put \" - \" before a label that starts with a digit";

/**
 * Splits one written timestamp into its time and label. Grammar (see the README):
 *
 *     line      = time [ separator label ]
 *     time      = a run of digits, `:` and `.` with no space inside (read by parseTime)
 *     separator = spaces | spaces? ":" spaces | spaces ("-" | "–" | "—" | "|") (spaces | end)
 *
 * so `06:45 Data cleaning`, `06:45 - Data cleaning`, `06:45 – Data cleaning`,
 * `06:45 | Data cleaning` and `06:45: Data cleaning` all give the label "Data cleaning".
 * A line a reader could take two ways is an error, never a guess: after a time, a label that starts
 * with a digit (or with `:` or `.` and a digit) needs a dash or bar separator, so `1: 30`,
 * `12:34 : 56` and `1:30 45` are errors whose message shows the accepted forms.
 */
export function parseTimeLine(line: string): TimeLine {
  const trimmed = String(line ?? "").trim();
  const space = trimmed.search(/\s/);
  // A lone time (most lines and inline timestamps): no label, no separator to read.
  if (space < 0) {
    const parsed = parseTime(trimmed);
    return "error" in parsed
      ? { text: trimmed, seconds: null, label: "", error: parsed.error }
      : { text: trimmed, seconds: parsed.seconds, label: "", error: null };
  }
  let text = trimmed.slice(0, space);
  let rest = trimmed.slice(space);
  // `06:45: label`: the colon belongs to the sentence, not to the time.
  const colonAfter = /^[0-9.:]*[0-9]:$/.test(text) && rest !== "";
  if (colonAfter) text = text.slice(0, -1);
  const after = rest.trim();
  // What could continue the time: a digit right after the colon or the space, or a spaced `:`/`.` and a digit.
  const continuation = colonAfter ? /^[0-9]+(?:[:.][0-9]+)*/.exec(after) : /^(?:[:.][ \t]*)?[0-9]+(?:[:.][0-9]+)*/.exec(after);
  if (/^[0-9.:]+$/.test(text) && continuation !== null) {
    const written = trimmed.slice(0, space + (rest.length - after.length) + continuation[0].length).trim();
    const label = after.slice(continuation[0].length).trim();
    return { text: written, seconds: null, label, error: `"${written}" can be read two ways: ${TIME_FORMS}` };
  }
  rest = after.replace(/^(?:-|–|—|:|\|)(?:\s+|$)/, "").trim();
  const parsed = parseTime(text);
  if ("error" in parsed) return { text, seconds: null, label: rest, error: parsed.error };
  return { text, seconds: parsed.seconds, label: rest, error: null };
}
