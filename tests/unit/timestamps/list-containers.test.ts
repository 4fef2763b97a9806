// Fenced blocks inside CommonMark containers: list items of every marker width (`-`, `10.`,
// `123)`), task items, blockquotes, and their nesting on one line or over several. A list item's
// content column is its marker's indent + the marker's width + the 1 to 4 spaces after it; its
// lines are indented to that column, and only 4 columns past it is indented code (CommonMark 0.31,
// "List items" and "Indented code blocks"). Each case below was checked against commonmark.js,
// the spec's reference parser.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../src/cli/timestamps";
import { BlockContext } from "../../../src/timestamps/markdown-blocks";
import { EMPTY_BLOCK_ERROR, scanNote } from "../../../src/timestamps/note";

const HEAD = ["---", "video: https://youtu.be/F4tvM4Vb3A0", "---"];
/** A note with a `video` property, so every time resolves: its body starts at line 3. */
const note = (...lines: string[]): string => [...HEAD, ...lines].join("\n");

/** [line (0-based), seconds, error] of every timestamp, blocks and inline, in order. */
function times(text: string): Array<[number, number | null, string | null]> {
  return scanNote(text).timestamps.map((e) => [e.line, e.seconds, e.error]);
}

function blocks(text: string): Array<[string, number, number, boolean]> {
  return scanNote(text).blocks.map((b) => [b.kind, b.startLine, b.endLine, b.closed]);
}

describe("fences in list items whose content starts at column 4 or more", () => {
  it("a quote in a `10.` item, its lines indented to the item's content column (the reported case)", () => {
    const text = note("10. > ```timestamp", "    > 06:45", "    > ```");
    expect(times(text)).toEqual([[4, 405, null]]);
    expect(blocks(text)).toEqual([["timestamp", 3, 5, true]]);
  });

  it("a fence on a `10.` item's marker line, its lines indented 4 spaces", () => {
    const text = note("10. ```timestamp", "    06:45 Data cleaning", "    27:12", "    ```");
    expect(scanNote(text).timestamps.map((e) => [e.line, e.seconds, e.label])).toEqual([
      [4, 405, "Data cleaning"],
      [5, 1632, ""],
    ]);
    expect(blocks(text)).toEqual([["timestamp", 3, 6, true]]);
  });

  it("`1)` with two spaces after it, and `123)`: the spaces after the marker count", () => {
    expect(times(note("1)  ```timestamp", "    06:45", "    ```"))).toEqual([[4, 405, null]]);
    expect(times(note("123) ```timestamp", "     06:45", "     ```"))).toEqual([[4, 405, null]]);
    expect(times(note("  10. ```timestamp", "      06:45", "      ```"))).toEqual([[4, 405, null]]);
  });

  it("a tab after the marker reaches the next multiple of 4 columns", () => {
    expect(times(note("10.\t```timestamp", "\t06:45", "\t```"))).toEqual([[4, 405, null]]);
    expect(times(note("-\t```timestamp", "\t06:45", "\t```"))).toEqual([[4, 405, null]]);
  });

  it("a timestamp-url block in a `10.` item binds the times after it", () => {
    const text = note("10. ```timestamp-url", "    https://youtu.be/AAAAAAAAAAA", "    ```", "11. ```timestamp", "    06:45", "    ```");
    expect(scanNote(text).timestamps.map((e) => [e.line, e.seconds, e.video?.id])).toEqual([[7, 405, "AAAAAAAAAAA"]]);
  });

  it("ends the block where a line is indented less than the item's content column", () => {
    // 3 spaces under `10. ` (content column 4): the item, and the fence in it, have ended.
    const text = note("10. ```timestamp", "    06:45", "   07:00", "    ```");
    expect(blocks(text)).toEqual([["timestamp", 3, 4, false]]);
    expect(times(text)).toEqual([[4, 405, null]]);
  });
});

describe("fences in nested containers", () => {
  it("items nested on one line (`- 10. `): the content columns add up", () => {
    expect(times(note("- 10. ```timestamp", "      06:45", "      ```"))).toEqual([[4, 405, null]]);
    expect(times(note("* 1. - ```timestamp", "       06:45", "       ```"))).toEqual([[4, 405, null]]);
  });

  it("items nested over several lines", () => {
    const text = note(
      "- lesson", // 3
      "  1. part", // 4: an ordered list from 1 interrupts the paragraph
      "     ```timestamp", // 5
      "     06:45",
      "     ```",
      "", // 8
      "  10. later", // 9
      "", // 10
      "      ```timestamp", // 11: `10. ` opens at column 2, so its content starts at column 6
      "      27:12",
      "      ```",
    );
    expect(times(text)).toEqual([
      [6, 405, null],
      [12, 1632, null],
    ]);
  });

  it("quotes and items in either order, nested twice", () => {
    expect(times(note("> 10. ```timestamp", ">     06:45", ">     ```"))).toEqual([[4, 405, null]]);
    expect(times(note("> 10. > ```timestamp", ">     > 06:45", ">     > ```"))).toEqual([[4, 405, null]]);
    expect(times(note("> - > 1. ```timestamp", ">   >    06:45", ">   >    ```"))).toEqual([[4, 405, null]]);
    // A `>` needs no space after it, and an item may open right after it (content column 3 + 5 = 8);
    // on the next lines the `>`'s one optional space is taken first, so the item needs 1 + 5 more.
    expect(times(note("+ >123) ```timestamp", "  >      06:45", "  >      ```"))).toEqual([[4, 405, null]]);
    expect(blocks(note("+ >123) ```timestamp", "  >     06:45", "  >     ```"))).toEqual([["timestamp", 3, 3, false]]);
  });

  it("a block in a quote in an item ends when a line leaves out the quote's `>`", () => {
    const text = note("10. > ```timestamp", "    > 06:45", "    07:00", "```timestamp", "27:12", "```");
    expect(blocks(text)).toEqual([
      ["timestamp", 3, 4, false],
      ["timestamp", 6, 8, true],
    ]);
    expect(times(text)).toEqual([
      [4, 405, null],
      [7, 1632, null],
    ]);
  });
});

describe("task items", () => {
  it("finds a fence on the lines of a task item (`- [ ]`, `10. [x]`)", () => {
    expect(times(note("- [ ] watch", "  ```timestamp", "  06:45", "  ```"))).toEqual([[5, 405, null]]);
    expect(times(note("10. [x] done", "    ```timestamp", "    06:45", "    ```"))).toEqual([[5, 405, null]]);
  });

  it("a fence after the task marker on its line is the task's text, not a block (GFM, as Obsidian shows it)", () => {
    // GFM's task marker starts the item's first paragraph, so what follows it is inline text.
    expect(blocks(note("- [ ] ```timestamp", "      06:45", "      ```"))).toEqual([]);
  });
});

describe("indented code stays code, counted from the container's content column", () => {
  it("indented code inside a list item: 4 columns past the item's content column", () => {
    const text = note(
      "10. item", // content column 4
      "",
      "        ```timestamp", // 4 + 4: indented code
      "        06:45",
      "        `@07:00` is code too",
      "        ```",
    );
    expect(blocks(text)).toEqual([]);
    expect(times(text)).toEqual([]);
  });

  it("a fence indented 4 or more beyond its item's content column, on the marker's line or below", () => {
    // 5 spaces after the marker: the content column is 1 past the marker and the rest is indented code.
    expect(blocks(note("-     ```timestamp", "      06:45", "      ```"))).toEqual([]);
    expect(blocks(note("10.     ```timestamp", "        06:45", "        ```"))).toEqual([]);
    // A space and a tab after `10.` are 5 columns: the same.
    expect(blocks(note("10. \t```timestamp", "    \t06:45", "    \t```"))).toEqual([]);
    // Nested: `1. ` opens at column 2, so its content column is 5 and column 9 is code.
    const nested = note("- a", "  1. b", "", "         ```timestamp", "         06:45", "         `@07:00`", "         ```");
    expect(blocks(nested)).toEqual([]);
    expect(times(nested)).toEqual([]);
  });

  it("while 4 columns inside the item are a fence, not code (what column 0 would call code)", () => {
    expect(times(note("10. item", "", "    ```timestamp", "    06:45", "    ```"))).toEqual([[6, 405, null]]);
  });

  it("an indented line in a paragraph continues it: its inline code counts, and a fence does not start", () => {
    const text = note("- a", "      `@06:45` continues the paragraph");
    expect(times(text)).toEqual([[4, 405, null]]);
  });
});

describe("list items that do not open", () => {
  it("an ordered item from another number than 1 does not interrupt a paragraph: its fence is the paragraph's text", () => {
    const text = note("Notes", "123) ```timestamp", "     06:45", "     ```");
    expect(blocks(text)).toEqual([]);
    // After a blank line the same item opens, and its fence is a block.
    expect(times(note("Notes", "", "123) ```timestamp", "     06:45", "     ```"))).toEqual([[6, 405, null]]);
  });

  it("an empty block in an item is reported on its fence line", () => {
    expect(scanNote(note("10. ```timestamp", "    ```")).timestamps.map((e) => [e.line, e.error])).toEqual([[3, EMPTY_BLOCK_ERROR]]);
  });
});

describe("BlockContext: content lines as CommonMark gives them", () => {
  function read(lines: string[]): string[] {
    const ctx = new BlockContext();
    return lines.map((l) => {
      const kind = ctx.read(l);
      return kind === "content" ? `content ${JSON.stringify(ctx.content)}` : typeof kind === "string" ? kind : `fence ${kind.language} ${kind.indent}`;
    });
  }

  it("removes the containers' markers and indentation, then up to the fence's own indentation", () => {
    expect(read(["10. > ```timestamp", "    > 06:45", "    >   07:00", "    > ```"])).toEqual([
      "fence timestamp 0",
      'content "06:45"',
      'content "  07:00"',
      "close",
    ]);
    // A fence indented 2 columns in its item: 2 columns come off each content line, not more.
    expect(read(["- item", "    ```timestamp", "     06:45", "   07:00", "    ```"])).toEqual([
      "text",
      "fence timestamp 2",
      'content " 06:45"',
      'content "07:00"',
      "close",
    ]);
  });

  it("splits a tab between the item's indentation and the content", () => {
    // `-` then a tab: the content column is 4 (the tab fills columns 1 to 3); a second-line tab fills 0 to 3.
    expect(read(["-\t```timestamp", "\t 06:45", "\t```"])).toEqual(["fence timestamp 0", 'content " 06:45"', "close"]);
    // `- ` then 2 spaces: content column 2; a tab then fills columns 0 to 3, and 2 of its 4 columns are content.
    expect(read(["- ```timestamp", "\t06:45", "  ```"])).toEqual(["fence timestamp 0", 'content "  06:45"', "close"]);
  });

  it("an empty item ends at a blank line, so what follows is not in it", () => {
    expect(read(["-", "", "  ```timestamp"])).toEqual(["blank", "blank", "fence timestamp 2"]);
  });

  it("an ordered list interrupts a paragraph only from 1", () => {
    expect(read(["text", "2. ```timestamp"])).toEqual(["text", "text"]);
    expect(read(["text", "1. ```timestamp"])).toEqual(["text", "fence timestamp 0"]);
  });
});

describe("the real lesson note", () => {
  const SHARED = path.resolve(__dirname, "../../../../shared/samples/Lesson 2.md");
  const FIXTURE = path.resolve(__dirname, "../../fixtures/Lesson 2.md");
  const APPROVED = path.resolve(__dirname, "../../fixtures/cli-approved/timestamps-lesson-2.json");
  const tmp = mkdtempSync(path.join(tmpdir(), "lesson-lab-lists-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("`timestamps --json` lists exactly what it listed before containers were followed", async () => {
    const file = path.join(tmp, "Lesson 2.md");
    writeFileSync(file, readFileSync(existsSync(SHARED) ? SHARED : FIXTURE));
    let out = "";
    const code = await run([file, "--json"], { out: (t) => (out += t), err: () => undefined });
    expect(code).toBe(0);
    expect(out.split(tmp + path.sep).join("")).toBe(readFileSync(APPROVED, "utf8"));
  });
});
