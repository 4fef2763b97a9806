// Text for a terminal. File and folder names come from the web: a name holding ESC[2J would
// clear the screen, an OSC sequence set the window title, a bidi control reorder the line, a
// line break start a line that looks like the command's own output.
// Every command's output goes through terminalIo: text has its control characters escaped but
// the layout's line breaks and tabs (forTerminal); each name or message put inside a line is
// escaped whole, line breaks too (oneLine); JSON keeps its values, with the characters a
// terminal could act on written as JSON escapes (jsonForTerminal).
import fastStringWidth from "fast-string-width";
import { forTerminal, jsonForTerminal, oneLine } from "../shared/visible-text";
import type { CliIo } from "./io";

// The escaping itself is shared (the cleaner and the web-app export use it too); the CLI imports it from here.
export { forTerminal, jsonForTerminal, oneLine };

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
