// Text for a terminal. File and folder names come from the web: a name holding ESC[2J would
// clear the screen, an OSC sequence set the window title, a bidi control reorder the line.
// Every command's text output goes through forTerminal (the same escaping `timestamps` uses,
// timestamps/video.ts showInvisible), keeping only the line breaks and tabs of the layout.
import { showInvisible } from "../timestamps/video";
import type { CliIo } from "./io";

/** `text` with every control, zero-width and bidirectional-control character but "\n" and "\t" written as `\u{XXXX}`. */
export function forTerminal(text: string): string {
  return text
    .split(/(\n|\t)/)
    .map((part) => (part === "\n" || part === "\t" ? part : showInvisible(part)))
    .join("");
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Columns `text` takes on a terminal, counted in grapheme clusters (so "café" is 4 whether its
 * é is one code point or e + U+0301). Wide East Asian characters and emoji count 1 here, not 2.
 */
export function displayWidth(text: string): number {
  return Array.from(graphemes.segment(text)).length;
}

/**
 * `io` for a command's text output: stderr always, and stdout unless it carries JSON (where
 * JSON.stringify already escapes control characters, and the data must stay as it is).
 */
export function terminalIo(io: CliIo, json: boolean): CliIo {
  return {
    ...io,
    out: json ? io.out : (text) => io.out(forTerminal(text)),
    err: (text) => io.err(forTerminal(text)),
  };
}
