// Text from a model card (titles, labels, backbone names: folder names from the web) written into
// the export's text files. A terminal showing `cat README.md` must not act on an escape sequence,
// a line break must not start a Markdown heading or list, and a label must not become a link,
// an image or HTML. Pure.
import { jsonForTerminal, oneLine } from "../shared/visible-text";

export { jsonForTerminal };

/**
 * `text` on one line with every control character (line breaks, tabs, ESC, BEL, C1 controls,
 * U+2028/U+2029), zero-width and bidi control written visibly as `\u{XXXX}` (oneLine, the CLI's
 * escaping). For comments in generated code and YAML values.
 */
export function plainLine(text: string): string {
  return oneLine(text);
}

/**
 * `text` as literal inline Markdown: plainLine, then every ASCII punctuation character
 * backslash-escaped (CommonMark escapes any of them), so `[x](http://e)`, `<script>`, `# h`,
 * `*`, `|` and backquotes render as the characters themselves; the `\u{XXXX}` escapes of
 * plainLine render as written.
 */
export function markdownText(text: string): string {
  return plainLine(text).replace(/[!-/:-@[-`{-~]/g, (ch) => `\\${ch}`);
}
