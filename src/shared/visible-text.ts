// Text from outside (file and folder names, labels, titles, URLs from notes) shown where a
// character could act or mislead: control characters, zero-width and bidirectional controls are
// written visibly as `\u{XXXX}`. Pure; shared by the timestamps' messages, the cleaner's refusals,
// the command line and the exported web app's text files.

/** Whether `ch` is a C0 control character or DEL. */
export function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 0x20 || c === 0x7f;
}

/**
 * Characters that change how text reads without showing: zero-width spaces and joiners, the soft
 * hyphen, word joiners, the byte-order mark and the bidirectional controls (U+202A–U+202E,
 * U+2066–U+2069, U+200E/U+200F) that can make "evil.com/4pm.exe" display as something else.
 */
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

export function isHidden(ch: string): boolean {
  return isControl(ch) || INVISIBLE.test(ch);
}

/**
 * `text` with every control, zero-width and bidirectional-control character written as `\u{XXXX}`,
 * so a message shows where it is and a terminal or a note never interprets it.
 */
export function showInvisible(text: string): string {
  return Array.from(text, (ch) => (isHidden(ch) ? `\\u{${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}}` : ch)).join("");
}

/**
 * What showInvisible (C0 controls, DEL, zero-width and bidi controls) leaves alone but a terminal
 * may act on or display misleadingly: C1 controls U+0080–U+009F (U+009B is CSI, U+009D OSC to
 * terminals that read 8-bit controls; U+0085 is a line break), the Arabic letter mark U+061C (a
 * bidi control), the line and paragraph separators U+2028/U+2029, and lone surrogates (no
 * character at all; written out as U+FFFD). Matched per UTF-16 code unit.
 */
const TERMINAL_EXTRA = /[\u0080-\u009f\u061c\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escaped = (ch: string): string => `\\u{${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}}`;

/**
 * `text` for inside one line: every control character (line breaks and tabs too), C1 control,
 * zero-width and bidirectional-control character and lone surrogate written as `\u{XXXX}`.
 * Idempotent: the escapes are plain ASCII. For file and folder names, labels, titles, paths
 * and messages that embed them.
 */
export function oneLine(text: string): string {
  return showInvisible(text).replace(TERMINAL_EXTRA, escaped);
}

/** `text` with everything oneLine escapes written as `\u{XXXX}`, but "\n" and "\t" (the layout's). */
export function forTerminal(text: string): string {
  return text
    .split(/(\n|\t)/)
    .map((part) => (part === "\n" || part === "\t" ? part : oneLine(part)))
    .join("");
}

/**
 * Characters JSON.stringify leaves raw (it escapes only C0 controls, `"`, `\` and lone
 * surrogates) that a terminal showing the JSON could act on or reorder: DEL, C1 controls, the
 * soft hyphen, zero-width characters, bidi controls, U+2028/U+2029, the byte-order mark.
 */
const JSON_EXTRA = /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * JSON text (JSON.stringify's output) with the characters of JSON_EXTRA written as `\uXXXX`
 * escapes. They can only occur inside strings, so the text stays valid JSON and parses to the
 * same values (the raw names); only how it looks on a terminal changes.
 */
export function jsonForTerminal(json: string): string {
  return json.replace(JSON_EXTRA, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
