// Text for a terminal. File and folder names come from the web: a name holding ESC[2J would
// clear the screen, an OSC sequence set the window title, a bidi control reorder the line, a
// line break start a line that looks like the command's own output.
// Every command's output goes through terminalIo: text has its control characters escaped but
// the layout's line breaks and tabs (forTerminal); each name or message put inside a line is
// escaped whole, line breaks too (oneLine); JSON keeps its values, with the characters a
// terminal could act on written as JSON escapes (jsonForTerminal).
import fastStringWidth from "fast-string-width";
import { showInvisible } from "../timestamps/video";
import type { CliIo } from "./io";

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

/**
 * `arg` as one POSIX shell word, for a command the output suggests: as is when it holds only
 * characters no shell treats specially, else in single quotes (a `'` written `'\''`), so that
 * pasting it never runs a `$(…)` or a backquote from a folder's name, nor splits it at spaces.
 * Print it through oneLine: a name with control characters is then shown, not pasteable.
 */
export function shellWord(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * Columns `text` takes on a terminal once printed, that is as oneLine writes it (control,
 * zero-width and bidi characters as their ASCII `\u{XXXX}` escapes; measuring the escaped form is
 * what keeps columns aligned, since that is what reaches the screen). Measured by
 * fast-string-width (the es-tooling module-replacements' choice over string-width): wide and
 * fullwidth characters (CJK) and emoji, flags and keycaps included, take 2 columns; combining
 * marks take none ("café" is 4 whether its é is one code point or e + U+0301). A terminal whose
 * font or settings differ may still draw a rare character at another width.
 */
export function displayWidth(text: string): number {
  return fastStringWidth(oneLine(text));
}

/**
 * `io` for a command's output: stderr through forTerminal always; stdout through forTerminal,
 * or through jsonForTerminal when it carries JSON (--json), so the data stays as it is.
 * Wrapping twice changes nothing (both escapings are idempotent).
 */
export function terminalIo(io: CliIo, json: boolean): CliIo {
  return {
    ...io,
    out: json ? (text) => io.out(jsonForTerminal(text)) : (text) => io.out(forTerminal(text)),
    err: (text) => io.err(forTerminal(text)),
  };
}
