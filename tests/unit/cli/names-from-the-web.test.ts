// File and folder names come from the web (a downloaded dataset, a shared model folder): a name
// may hold ESC sequences, carriage returns, line breaks and bidi overrides. Every command prints
// such names escaped on one line (src/cli/terminal.ts): no raw control character reaches the
// terminal, no name starts a line of its own, and the name stays recognisable (\u{XXXX} in
// place of each hidden character); --json keeps the raw names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { oneLine } from "../../../src/cli/terminal";
import { run as trainCli } from "../../../src/cli/train";
import { run as cleanCli } from "../../../src/cli/clean";
import { runUndo } from "../../../src/cli/clean-apply";
import { run as predictCli } from "../../../src/cli/predict";
import { run as exportCli } from "../../../src/cli/export";
import { run as serveCli, servingMessage } from "../../../src/cli/serve";
import { run as demoCli } from "../../../src/cli/demo";
import { run as timestampsCli } from "../../../src/cli/timestamps";
import { TINY_BACKBONE_ID, writeNoisePngs, writeTinyClassifier, type TinyClassifier } from "../support/tiny-classifier";
import { captureIo } from "../support/capture-io";

const ESC = "\u001b";
/** ESC [31m (red), CR, LF and U+202E (right-to-left override): a name that would fake a line of output. */
const NAME = `bad${ESC}[31m\r\nfake: done\u202Egnp`;
const SHOWN = "bad\\u{001B}[31m\\u{000D}\\u{000A}fake: done\\u{202E}gnp";
const LABELS = [`cat${ESC}]0;owned${"\u0007"}`, "dog\r\nfake", "\u202Ebird"];

/** No control character but the layout's line breaks, no C1 or bidi control, and no line that a name began. */
function expectSafe(text: string): void {
  // eslint-disable-next-line no-control-regex -- the test looks for exactly these characters
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
  expect(text.split("\n").filter((line) => line.startsWith("fake"))).toEqual([]);
}

let tf: Tf;
let root = "";
let model: TinyClassifier;
beforeAll(async () => {
  tf = (await setupTf()).tf;
  root = await realpath(await mkdtemp(path.join(tmpdir(), "lesson-lab-names-")));
  model = await writeTinyClassifier(tf, root, NAME, LABELS, [0.3, 0.2, 0]);
}, 60_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("names with control characters, printed by each command", () => {
  it("the escaped form is the one the tests look for", () => {
    expect(oneLine(NAME)).toBe(SHOWN);
  });

  it("predict: image paths and the model's labels", async () => {
    const images = await writeNoisePngs(path.join(root, `images ${NAME}`), 1, 3);
    const missing = path.join(root, `${NAME}.png`);
    const c = captureIo();
    expect(await predictCli([model.dataset, images[0], missing], c.io)).toBe(1);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain(`images ${SHOWN}/noise-0.png: cat\\u{001B}]0;owned\\u{0007} (`);
    expect(c.out()).toContain("dog\\u{000D}\\u{000A}fake");
    expect(c.out()).toContain(`${SHOWN}.png: error: missing: no such file`);
    const j = captureIo();
    await predictCli([model.dataset, images[0], "--json"], j.io);
    const records = JSON.parse(j.out()) as { image: string; label: string }[];
    expect(records[0]).toMatchObject({ image: images[0], label: LABELS[0] });
    expectSafe(j.out());
  }, 60_000);

  it("export: the model's title and backbone, the output folder", async () => {
    const out = path.join(root, `app ${NAME}`);
    const c = captureIo();
    expect(await exportCli([model.dataset, "--out", out], c.io), c.err()).toBe(0);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain(`Exported "${SHOWN} classifier" (3 labels`);
    expect(c.out()).toContain(`to ${oneLine(out)}/`);
    expect(c.out()).toContain(`Open ${oneLine(path.join(out, "index.html"))} in a browser`);
    const j = captureIo();
    expect(await exportCli([model.dataset, "--out", out, "--force", "--json"], j.io)).toBe(0);
    expect((JSON.parse(j.out()) as { out: string }).out).toBe(out);
    expectSafe(j.out());
    const bad = captureIo();
    expect(await exportCli([path.join(root, `nothing ${NAME}`), "--out", path.join(root, "x")], bad.io)).toBe(1);
    expectSafe(bad.err());
    expect(bad.err()).toContain(`nothing ${SHOWN}`);
  }, 120_000);

  it("serve: the model's title, and each request line", async () => {
    expect(servingMessage(NAME, "http://127.0.0.1:1/")).toBe(`Serving "${SHOWN}" at http://127.0.0.1:1/ (GET / the page, GET /info, POST /predict). Ctrl-C stops it.\n`);
    const stop = new AbortController();
    const c = captureIo();
    let status = 0;
    const done = serveCli([model.dataset, "--port", "0"], c.io, {
      signal: stop.signal,
      onListening: (url) => {
        // Node refuses a raw control or 8-bit byte in the request line (400); percent-encoded, it reaches the log as sent.
        void fetch(`${url}x%1B%5B2J%0D%0A%E2%80%AE`)
          .then((r) => void (status = r.status))
          .finally(() => stop.abort());
      },
    });
    expect(await done).toBe(0);
    expect(status).toBe(404);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain(`Serving "${SHOWN} classifier" at http://127.0.0.1:`);
    expect(c.err()).toMatch(/^GET \/x%1B%5B2J%0D%0A%E2%80%AE 404 \d+ ms$/m);
  }, 120_000);

  it("clean --apply and undo: the moved files, from the dataset and from the log note", async () => {
    // The cleaner refuses to move a file whose name holds a C0 control (its message shows the name
    // escaped); C1 controls and bidi overrides are moved, and printed escaped.
    const MOVABLE = "bad\u009b31m\u202Egnp";
    const MOVABLE_SHOWN = "bad\\u{009B}31m\\u{202E}gnp";
    const vault = path.join(root, "vault");
    await mkdir(path.join(vault, ".obsidian"), { recursive: true });
    const ds = path.join(vault, "ds");
    for (const [p, text] of [[`cat/${MOVABLE}.png`, "cat x"], [`cat/${NAME}.png`, "cat y"], ["cat/b.png", "cat b"], ["dog/a.png", "dog a"]]) {
      await mkdir(path.dirname(path.join(ds, p)), { recursive: true });
      await writeFile(path.join(ds, p), text);
    }
    const refused = path.join(root, "refused.json");
    await writeFile(refused, JSON.stringify([{ path: `ds/cat/${NAME}.png`, action: "delete" }]));
    const no = captureIo();
    expect(await cleanCli([ds, "--apply", refused], no.io)).toBe(1);
    expectSafe(no.err());
    expect(no.err()).toContain('refused the path "ds/cat/bad\\u{001B}[31m\\u{000D}\\u{000A}fake: done\\u{202E}gnp.png": it contains a control character');

    const decisions = path.join(root, "decisions.json");
    await writeFile(decisions, JSON.stringify([{ path: `ds/cat/${MOVABLE}.png`, action: "relabel", label: "dog" }]));
    const apply = captureIo();
    expect(await cleanCli([ds, "--apply", decisions], apply.io), apply.err()).toBe(0);
    expectSafe(apply.out());
    expectSafe(apply.err());
    expect(apply.out()).toContain(`  moved    ${path.join(ds, "cat", MOVABLE_SHOWN)}.png → ${path.join(ds, "dog", MOVABLE_SHOWN)}.png\n`);
    const undo = captureIo();
    expect(await runUndo([ds], undo.io), undo.err()).toBe(0);
    expectSafe(undo.out());
    expectSafe(undo.err());
    expect(undo.out()).toContain(`  restored ${path.join(ds, "dog", MOVABLE_SHOWN)}.png → ${path.join(ds, "cat", MOVABLE_SHOWN)}.png\n`);
    // --json keeps the raw paths.
    expect(await cleanCli([ds, "--apply", decisions], captureIo().io)).toBe(0);
    const j = captureIo();
    expect(await runUndo([ds, "--json"], j.io)).toBe(0);
    expectSafe(j.out());
    expect((JSON.parse(j.out()) as { restored: { to: string }[] }).restored).toEqual([expect.objectContaining({ to: `ds/cat/${MOVABLE}.png` })]);
    // A failure message naming the folder.
    const none = captureIo();
    expect(await runUndo([path.join(root, `no such ${NAME}`)], none.io)).toBe(1);
    expectSafe(none.err());
    expect(none.err()).toContain(`no such ${SHOWN}`);
  }, 60_000);

  it("timestamps and demo: the vault's path and its notes' names", async () => {
    const vault = path.join(root, `demo ${NAME}`);
    await mkdir(vault, { recursive: true });
    await writeFile(path.join(vault, `${NAME}.md`), "```timestamp-url\nhttps://youtu.be/dQw4w9WgXcQ\n```\n\n```timestamp\n06:45\n```\n");
    const t = captureIo();
    expect(await timestampsCli([vault], t.io)).toBe(0);
    expectSafe(t.out());
    expect(t.out()).toContain(`demo ${SHOWN}/${SHOWN}.md:6  06:45`);
    const bad = captureIo();
    expect(await timestampsCli(["--vault", path.join(root, `no vault ${NAME}`), vault], bad.io)).toBe(2);
    expectSafe(bad.err());
    expect(bad.err()).toContain(`--vault "${oneLine(path.join(root, `no vault ${NAME}`))}" is not a directory`);
    // No Fashion folder: the demo lists the timestamps, then train fails on the missing folder, quickly.
    const c = captureIo();
    expect(await demoCli([vault], c.io)).toBe(1);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain(`# Timestamps in ${oneLine(vault)} and the videos they seek`);
    expect(c.out()).toContain(`${SHOWN}.md:6  06:45`);
    expect(c.out()).toContain(`# Training a classifier on ${oneLine(path.join(vault, "Fashion"))}`);
    expect(c.err()).toContain(`"${oneLine(path.join(vault, "Fashion"))}" is not a folder: it does not exist`);
  }, 60_000);

  it("train and clean: label folders, images, unreadable and skipped files (tiny backbone)", async () => {
    const ds = path.join(root, "ds");
    await writeNoisePngs(path.join(ds, `cat ${NAME}`), 6, 1, 16);
    await writeNoisePngs(path.join(ds, "dog"), 6, 2, 16);
    await writeFile(path.join(ds, "dog", `${NAME}.png`), "not a png");
    await writeFile(path.join(ds, "dog", `${NAME}.txt`), "not an image");
    const args = [ds, "--backbone", TINY_BACKBONE_ID, "--no-cache"];
    const t = captureIo();
    expect(await trainCli([...args, "--epochs", "2", "--no-save", "--no-augment"], t.io), t.err()).toBe(0);
    expectSafe(t.out());
    expectSafe(t.err());
    expect(t.out()).toContain(`cat ${SHOWN}`);
    expect(t.out()).toContain(`dog/${SHOWN}.png: `);
    expect(t.out()).toContain(`dog/${SHOWN}.txt: `);
    const j = captureIo();
    expect(await trainCli([...args, "--epochs", "1", "--no-save", "--json"], j.io)).toBe(0);
    expectSafe(j.out());
    expect((JSON.parse(j.out()) as { labels: string[] }).labels).toContain(`cat ${NAME}`);
    const c = captureIo();
    expect(await cleanCli([...args, "--folds", "2", "--repeats", "1", "--top", "40"], c.io), c.err()).toBe(0);
    expectSafe(c.out());
    expectSafe(c.err());
    expect(c.out()).toContain(`dog/${SHOWN}.png: `);
  }, 120_000);
});
