// The export's text files (src/production/web-app.ts) with a model card whose title and labels
// come from hostile folder names: ESC, BEL, CR/LF, U+2028, a bidi override, `<script>`, a Markdown
// link and heading. README.md must render them as literal text on one line and hold no character
// a terminal acts on; model.js and model-card.json keep the values exactly but written escaped.
import { describe, expect, it } from "vitest";
import { runInNewContext } from "node:vm";
import type { ModelBundle } from "../../../src/production/bundle";
import type { ModelCard } from "../../../src/production/card";
import { markdownText } from "../../../src/production/safe-text";
import { webAppFiles } from "../../../src/production/web-app";

const LABELS = ["esc\u001b[2Jclear", "bell\u0007", "line\r\nbreak", "<script>alert(1)</script>", "[x](http://e)", "# h", "sep\u2028x", "rtl\u202egnp"];
const TITLE = "Title\u001b]0;pwned\u0007\n# Injected heading\n[link](http://e)";

function bundle(): ModelBundle {
  const card: ModelCard = {
    title: TITLE,
    labels: LABELS,
    counts: LABELS.map((l) => [l, 1]),
    accuracy: 0.5,
    error_rate: 0.5,
    train_count: 8,
    valid_count: 8,
    confusion: null,
    backbone: "mobilenet`\n<img src=x>",
    imageSize: 224,
    trainedAt: "2026-01-01T00:00:00Z",
    dataset: "ds\u001b[31m",
    epochs: 1,
  };
  return { card } as unknown as ModelBundle;
}

/** Characters a terminal acts on or that reorder a line: C0 but the layout's \n, DEL, C1, U+2028/9, bidi controls. */
function unsafe(text: string): string[] {
  return [...text].filter((ch) => {
    const c = ch.codePointAt(0)!;
    return (c < 0x20 && ch !== "\n") || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  });
}

const files = () => Object.fromEntries(webAppFiles(bundle(), "/* LessonLab runtime */").map((f) => [f.name, f.text]));

describe("the export's text files with hostile names", () => {
  it("README.md: every title and label is literal Markdown text on one line, nothing a terminal acts on", () => {
    const readme = files()["README.md"];
    expect(unsafe(readme)).toEqual([]);
    // No line the title or a label could have started: one heading, the labels on their one line.
    expect(readme.split("\n").filter((l) => l.startsWith("#"))).toEqual([
      String.raw`# Title\\u\{001B\}\]0\;pwned\\u\{0007\}\\u\{000A\}\# Injected heading\\u\{000A\}\[link\]\(http\:\/\/e\)`,
      "## Use it",
      "## Put it on a Hugging Face Space",
      "## JavaScript API",
      "## Files",
    ]);
    const labelLine = readme.split("\n").find((l) => l.startsWith("- Labels: "))!;
    expect(labelLine).toBe("- Labels: " + LABELS.map(markdownText).join(", "));
    expect(labelLine).toContain(String.raw`\<script\>alert\(1\)\<\/script\>`);
    expect(labelLine).toContain(String.raw`\[x\]\(http\:\/\/e\)`);
    expect(labelLine).toContain(String.raw`\# h`);
    expect(labelLine).not.toMatch(/(^|[^\\])[<[]/);
    expect(readme).toContain(String.raw`- Backbone: mobilenet\`\\u\{000A\}\<img src\=x\>;`);
    // The YAML title stays one quoted line.
    expect(readme.split("\n")[1]).toMatch(/^title: "Title\\\\u\{001B\}\]0;pwned/);
  });

  it("markdownText escapes every ASCII punctuation character and leaves letters, digits, spaces and other scripts alone", () => {
    expect(markdownText("a*b_c`d|e ü 猫 1")).toBe(String.raw`a\*b\_c\`d\|e ü 猫 1`);
    expect(markdownText("bell\u0007")).toBe(String.raw`bell\\u\{0007\}`);
  });

  it("model.js and model-card.json keep the exact values, escaped where a terminal would act on them", () => {
    const f = files();
    expect(unsafe(f["model.js"])).toEqual([]);
    expect(unsafe(f["model-card.json"])).toEqual([]);
    expect(f["model.js"].split("\n")).toHaveLength(3);
    const parsed = JSON.parse(f["model-card.json"]) as ModelCard;
    expect(parsed.labels).toEqual(LABELS);
    expect(parsed.title).toBe(TITLE);
    const sandbox: { window: { LESSON_LAB_MODEL?: ModelBundle } } = { window: {} };
    runInNewContext(f["model.js"], sandbox);
    expect(sandbox.window.LESSON_LAB_MODEL?.card.labels).toEqual(LABELS);
  });

  it("index.html: the title in <title> and <h1> is HTML-escaped and on one line, with no character that acts or reorders the text", () => {
    const html = files()["index.html"];
    expect(unsafe(html)).toEqual([]);
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "";
    expect(title).toContain("Title\\u{001B}]0;pwned\\u{0007}\\u{000A}# Injected heading\\u{000A}[link](http://e)");
    expect(html).toContain(`<h1>${title}</h1>`);
    expect(html).not.toContain("<h1># Injected");
  });
});
