// QA 1 (/work/coord/reports/qa1.md), findings 13 and 14: file and folder names come from the web.
// train, clean and predict print them with control characters escaped, as timestamps does (a
// label folder named x<ESC>[31mred, a file bad<ESC>[2Jname.png), align tables by on-screen width,
// and warn about two label folders that differ only in Unicode normalization (café as U+00E9 and
// as e + U+0301). The dataset is the QA's, kept in tests/fixtures/qa1/nfd-ansi-dataset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cp, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { createProgressWriter, formatTable } from "../../../src/cli/table";
import { displayWidth, forTerminal, jsonForTerminal, oneLine, shellWord, terminalIo } from "../../../src/cli/terminal";
import { sameAfterNormalization } from "../../../src/classifier/dataset";
import { run as train } from "../../../src/cli/train";
import { run as clean } from "../../../src/cli/clean";
import { run as predict } from "../../../src/cli/predict";
import { captureIo } from "../support/capture-io";

const ESC = "\u001b";
const COMMON = ["--backbone", "mobilenet_v2-nsfwjs", "--no-cache"];

let work = "";
let ds = "";
beforeAll(async () => {
  work = await realpath(await mkdtemp(path.join(tmpdir(), "lesson-lab-terminal-")));
  ds = path.join(work, "ds");
  await cp(path.resolve(__dirname, "../../fixtures/qa1/nfd-ansi-dataset/ds"), ds, { recursive: true });
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** No control character but line breaks, and no bidi control, reaches the terminal. */
function expectSafe(text: string): void {
  // eslint-disable-next-line no-control-regex -- the test looks for exactly these control characters
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029\u061c]/);
}

describe("terminal text", () => {
  it("escapes control and bidi characters but keeps the layout's line breaks and tabs", () => {
    expect(forTerminal(`a${ESC}[2Jb\n\tc\u202Ed`)).toBe("a\\u{001B}[2Jb\n\tc\\u{202E}d");
    expect(forTerminal(forTerminal(`x${ESC}`))).toBe("x\\u{001B}");
  });

  it("escapes C1 controls, DEL, every bidi control, line separators and lone surrogates too", () => {
    expect(forTerminal("a\u009b31mb\u0085c\u007fd")).toBe("a\\u{009B}31mb\\u{0085}c\\u{007F}d");
    expect(forTerminal("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")).toBe(
      "\\u{202A}\\u{202B}\\u{202C}\\u{202D}\\u{202E}\\u{2066}\\u{2067}\\u{2068}\\u{2069}\\u{200E}\\u{200F}\\u{061C}",
    );
    expect(forTerminal("a\u2028b\u2029c")).toBe("a\\u{2028}b\\u{2029}c");
    expect(forTerminal("x\ud800y\udc00z\ud83d\ude00")).toBe("x\\u{D800}y\\u{DC00}z\ud83d\ude00");
    // Printable text of any script, accents and emoji stay as they are.
    expect(forTerminal("café caf\u00e9 Ünïcødé 日本 ✓")).toBe("café caf\u00e9 Ünïcødé 日本 ✓");
  });

  it("oneLine escapes line breaks and tabs as well: a name cannot start a line of its own", () => {
    const name = `bad${ESC}[31m\r\nfake line\t\u202Egnp.png`;
    expect(oneLine(name)).toBe("bad\\u{001B}[31m\\u{000D}\\u{000A}fake line\\u{0009}\\u{202E}gnp.png");
    expect(oneLine(oneLine(name))).toBe(oneLine(name));
    expectSafe(oneLine(name));
    expect(oneLine(name)).not.toContain("\n");
  });

  it("JSON for a terminal: valid JSON that parses to the raw strings, with no character a terminal acts on", () => {
    const raw = [`a${ESC}[31m\r\n`, "\u009b2J\u0085\u007f", "\u202e\u2066\u061c\u200b\u00ad\ufeff", "\u2028\u2029", "\ud800 lone", "\ud83d\ude00 pair", "café"];
    const text = jsonForTerminal(JSON.stringify({ names: raw }));
    expect(JSON.parse(text)).toEqual({ names: raw });
    expectSafe(text);
    expect(text).not.toMatch(/[\u2028\u2029\u200b\u00ad\ufeff\u061c]|[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(text).toContain("\\u202e");
    expect(text).toContain("\ud83d\ude00 pair");
    expect(jsonForTerminal(text)).toBe(text);
  });

  it("terminalIo escapes text on both streams, and only the JSON escapes on stdout with --json", () => {
    const c = captureIo();
    terminalIo(c.io, false).out(`a${ESC}[2J\u202E\n`);
    terminalIo(c.io, false).err(`b\u009b\n`);
    expect(c.out()).toBe("a\\u{001B}[2J\\u{202E}\n");
    expect(c.err()).toBe("b\\u{009B}\n");
    const j = captureIo();
    terminalIo(j.io, true).out(`${JSON.stringify({ name: "x\u202Ey" })}\n`);
    expect(j.out()).toBe('{"name":"x\\u202ey"}\n');
  });

  it("quotes a suggested command's argument as one shell word that sh reads back unchanged", () => {
    expect(shellWord("vault/Fashion")).toBe("vault/Fashion");
    for (const arg of ["my data", "$(touch pwned) `id` $HOME *", "it's a 'test'", "", "-x", "a\\b\"c"]) {
      const quoted = shellWord(arg);
      expect(execFileSync("sh", ["-c", `printf %s ${quoted}`], { encoding: "utf8" }), quoted).toBe(arg);
    }
  });

  it("a progress message naming a file stays one escaped line", () => {
    let written = "";
    const progress = createProgressWriter((t) => void (written += t), false);
    progress.update({ phase: "saving", message: `Saving x${ESC}[2J\r\nfake\u202E.model` });
    expect(written).toBe("Saving x\\u{001B}[2J\\u{000D}\\u{000A}fake\\u{202E}.model\n");
  });

  it("aligns table cells by on-screen width and escapes them", () => {
    expect(displayWidth("cafe\u0301")).toBe(4);
    const table = formatTable(["label", "n"], [["cafe\u0301", "1"], ["caf\u00e9", "2"], [`x${ESC}[31mred`, "3"], ["a\nb", "4"]], [false, true]);
    const lines = table.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expectSafe(table);
    const widths = lines.map((l) => displayWidth(l));
    expect(new Set(widths).size).toBe(1);
    expect(lines[3]).toContain("x\\u{001B}[31mred");
  });

  it("measures wide, emoji, combining and escaped characters as a terminal shows them", () => {
    expect(displayWidth("猫猫猫猫")).toBe(8);
    expect(displayWidth("ｶﾀｶﾅ")).toBe(4); // halfwidth katakana: 1 column each
    expect(displayWidth("ＡＢ")).toBe(4); // fullwidth Latin
    expect(displayWidth("😀")).toBe(2);
    expect(displayWidth("👍🏽")).toBe(2); // emoji + skin-tone modifier: one cluster
    expect(displayWidth("🇯🇵")).toBe(2); // a flag: two regional indicators, one cluster
    expect(displayWidth("❤️")).toBe(2); // U+2764 + VS16: emoji presentation
    expect(displayWidth("1️⃣")).toBe(2); // keycap sequence
    expect(displayWidth("e\u0301\u0302x")).toBe(2); // combining marks take no column
    // Measured as printed: ESC is shown as the 8 characters \u{001B}; a ZWJ as \u{200D}, so a
    // ZWJ sequence is printed (and measured) as its emoji with the escapes between them.
    expect(displayWidth(`a${ESC}b`)).toBe(10);
    expect(displayWidth("👩\u200d💻")).toBe(2 + 8 + 2);
    expect(displayWidth("a\u00adb")).toBe(10); // soft hyphen, escaped
  });

  it("aligns every table column for wide, emoji, combining and escaped labels", () => {
    const labels = [
      "cat",
      "猫猫猫猫",
      "😀",
      "👨\u200d👩\u200d👧", // ZWJ family
      "🏳️\u200d🌈", // ZWJ with VS16
      "🇯🇵🇫🇷",
      "cafe\u0301",
      "a\u0308\u0304b", // stacked combining marks
      `x${ESC}[31mred`,
      "tab\there\nline",
      "ｶﾀｶﾅＡＢ",
    ];
    // "|" cells mark the column boundaries: each must sit at the same column on every line.
    const table = formatTable(
      ["label", "|", "n", "|", "label again", "|"],
      labels.map((l, i) => [l, "|", String(i * 37), "|", l, "|"]),
      [false, false, true, false, false, false],
    );
    const lines = table.trimEnd().split("\n");
    expect(lines).toHaveLength(labels.length + 1);
    expectSafe(table);
    const bars = (line: string): number[] => {
      const at: number[] = [];
      for (let i = line.indexOf("|"); i !== -1; i = line.indexOf("|", i + 1)) at.push(displayWidth(line.slice(0, i)));
      return at;
    };
    const expected = bars(lines[0]);
    expect(expected).toHaveLength(3);
    for (const line of lines) expect(bars(line), line).toEqual(expected);
    // The widest label, as printed, fixes the first column.
    expect(expected[0]).toBe(Math.max(...labels.map(displayWidth)) + 2);
  });

  it("groups labels equal after NFC normalization", () => {
    expect(sameAfterNormalization(["Dress", "cafe\u0301", "caf\u00e9", "x"])).toEqual([["cafe\u0301", "caf\u00e9"]]);
    expect(sameAfterNormalization(["a", "b"])).toEqual([]);
  });
});

describe("train, clean and predict on the QA dataset (real backbone)", () => {
  it("train: escaped names on stdout and stderr, and a warning naming both café folders", async () => {
    const c = captureIo();
    const code = await train([ds, "--epochs", "1", "--no-save", ...COMMON], c.io);
    expect(code, c.err()).toBe(0);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain("x\\u{001B}[31mred");
    expect(c.out()).toContain("bad\\u{001B}[2Jname.png");
    expect(c.out()).toMatch(/warning: label folders "cafe\u0301" \(cafe U\+0301\) and "caf\u00e9" \(caf U\+00E9\) differ only in Unicode normalization/);
    const json = captureIo();
    expect(await train([ds, "--epochs", "1", "--no-save", "--json", ...COMMON], json.io)).toBe(0);
    const parsed = JSON.parse(json.out()) as { labels: string[]; warnings: string[] };
    expect(parsed.labels).toContain(`x${ESC}[31mred`);
    expect(parsed.warnings.some((w) => w.includes("Unicode normalization"))).toBe(true);
  }, 180_000);

  it("clean: escaped names", async () => {
    const c = captureIo();
    const code = await clean([ds, "--top", "30", "--folds", "2", ...COMMON], c.io);
    expect(code, c.err()).toBe(0);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain("bad\\u{001B}[2Jname.png");
  }, 180_000);

  it("predict: escaped names in its error line", async () => {
    const model = path.join(work, "model-src");
    await cp(ds, model, { recursive: true });
    const t = captureIo();
    expect(await train([model, "--epochs", "1", ...COMMON], t.io), t.err()).toBe(0);
    const c = captureIo();
    const code = await predict([model, path.join(model, "Dress", `bad${ESC}[2Jname.png`), path.join(model, "Dress", "00013.png")], c.io);
    expect(code).toBe(1);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain("bad\\u{001B}[2Jname.png: error");
  }, 180_000);
});
