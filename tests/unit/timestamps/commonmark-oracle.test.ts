// Property: on random notes built from CommonMark's container pieces (list markers of every width
// and delimiter, task items, blockquotes with and without their space, indentation by spaces and
// tabs, blank lines) and leaf pieces (fences of both kinds and lengths, closing fences, headings,
// thematic breaks, setext underlines, text), the fenced code blocks the note's scan finds are the
// ones commonmark.js (the CommonMark spec's reference parser, used here only as the oracle) finds:
// the same opening lines, languages and content lines, character for character.
//
// Outside the property: HTML blocks, `%%` comments and front matter, which the scan reads the
// way Obsidian does (see note.test.ts), not as CommonMark.
import { Parser } from "commonmark";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BlockContext, NoteLines } from "../../../src/timestamps/markdown-blocks";
import { normalizedBlockSource, scanNote } from "../../../src/timestamps/note";

/** One fenced block: its opening fence's line (0-based), its language, and its content as written. */
interface Block {
  line: number;
  language: string;
  content: string;
}

function oracle(text: string): Block[] {
  const walker = new Parser().parse(text).walker();
  const out: Block[] = [];
  for (let event = walker.next(); event; event = walker.next()) {
    const node = event.node;
    // A fenced block has an info string (maybe empty); an indented one has none.
    if (!event.entering || node.type !== "code_block" || node.info === null) continue;
    out.push({ line: node.sourcepos[0][0] - 1, language: node.info.trim().split(/\s+/)[0] ?? "", content: node.literal ?? "" });
  }
  return out;
}

/** The same from BlockContext, the reader the scan uses. */
function read(text: string): Block[] {
  const lines = new NoteLines(text);
  // commonmark.js reads no line after a final line ending; NoteLines gives it as an empty line.
  const count = /[\r\n]$/.test(text) ? lines.length - 1 : lines.length;
  const context = new BlockContext();
  const out: Block[] = [];
  let open: Block | null = null;
  for (let i = 0; i < count; i += 1) {
    const kind = context.read(lines.at(i));
    if (open !== null && kind === "content") {
      open.content += `${context.content}\n`;
      continue;
    }
    open = null;
    if (typeof kind === "object") {
      open = { line: i, language: kind.language, content: "" };
      out.push(open);
    }
  }
  return out;
}

const prefix = fc
  .array(
    fc.constantFrom(
      "", " ", "  ", "   ", "    ", "      ", "        ", "\t", " \t",
      "- ", "-  ", "-     ", "-", "-\t", "* ", "+ ", "1. ", "1.\t", "2. ", "10. ", "123) ", "1)  ", "- [ ] ", "10. [x] ",
      "> ", ">", ">\t", " > ",
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(""));
const body = fc.constantFrom(
  "```timestamp", "```timestamp", "~~~timestamp", "````timestamp", "```timestamp-url", "```python", "```timestamp `x`",
  "```", "```", "~~~", "````", "``` ", "06:45", "\t07:00 Part", "  1:02:03", "https://youtu.be/F4tvM4Vb3A0", "`@08:00` text",
  "", "# Heading", "---", "***", "=", "-", "text",
);
const noteArb = fc
  .tuple(fc.array(fc.tuple(prefix, body).map(([p, b]) => p + b), { maxLength: 14 }), fc.constantFrom("\n", "\r\n"))
  // A first line that is not `---`, so no note opens with front matter.
  .map(([lines, eol]) => ["# Lesson", ...lines].join(eol));

describe("property: fenced blocks are found as CommonMark's reference parser finds them", () => {
  it("the same blocks, lines, languages and content lines", () => {
    fc.assert(
      fc.property(noteArb, (text) => {
        expect(read(text)).toEqual(oracle(text));
      }),
      { numRuns: 3000, seed: 20261130 },
    );
  });

  it("the scan's timestamp blocks are CommonMark's ```timestamp blocks", () => {
    fc.assert(
      fc.property(noteArb, (text) => {
        const found = scanNote(text).blocks.filter((b) => b.kind === "timestamp").map((b) => [b.startLine, b.source]);
        const expected = oracle(text).filter((b) => b.language === "timestamp").map((b) => [b.line, normalizedBlockSource(b.content)]);
        expect(found).toEqual(expected);
      }),
      { numRuns: 1000, seed: 20261130 },
    );
  });

  it("the spec's own list item examples that hold fences", () => {
    // From the spec's "List items" section: a fence in an item, one indented 4+ past the content
    // column (indented code), and items whose marker is followed by 5 spaces.
    for (const text of [
      "1.  A paragraph\n    with two lines.\n\n        indented code\n\n    > A block quote.",
      "- foo\n\n  ```\n  bar\n\n\n  baz\n  ```",
      "1.     indented code\n\n   paragraph\n\n       more code",
      "10) foo\n    - bar\n\n      ```x\n      y\n      ```",
      "> 1. > ```\n>    > a\n>    > ```",
      "-\n  ```\n  a\n  ```",
    ]) {
      expect(read(text)).toEqual(oracle(text));
    }
  });

  it("list markers and thematic breaks on one line, however many", () => {
    // Each marker asks whether the rest of the line is a thematic break: the answer is found once per line.
    for (const text of [
      // Two items holding a break: 8 columns is code in the second item (a fence if `* * *` were items).
      "- - * * *\n        ```timestamp\n        06:45\n        ```",
      // Three items holding `x`: their content column is 6 (code if `- - - x` were a break).
      "- - - x\n      ```timestamp\n      06:45\n      ```",
      // An item holding a break: 6 columns is code (a fence if `- - -` were items).
      "* - - -\n      ```timestamp\n      06:45\n      ```",
      `${"- ".repeat(500)}x\n${"  ".repeat(500)}\`\`\`timestamp\n${"  ".repeat(500)}06:45\n${"  ".repeat(500)}\`\`\``,
      // A whole line of `- ` is one break: 4 spaces under it is code.
      `${"- ".repeat(500)}- -\n    \`\`\`timestamp\n    06:45\n    \`\`\``,
    ]) {
      expect(read(text)).toEqual(oracle(text));
    }
  });
});
