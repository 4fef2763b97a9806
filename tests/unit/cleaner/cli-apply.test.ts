// `lesson-lab clean FOLDER --apply DECISIONS.json` and `lesson-lab undo FOLDER` on real temporary
// folders: relabel into a label folder under a free name, delete into the vault's .trash, the
// batch written ahead to Cleaner log.md, undo; and what must be refused with nothing moved: a
// decisions file naming a path outside the dataset, a forged file name; a file changed between
// `clean` and `--apply` is skipped.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtemp, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { run as cleanCli } from "../../../src/cli/clean";
import { runUndo } from "../../../src/cli/clean-apply";
import { appendLogEntry, formatLogEntry } from "../../../src/cleaner/log-format";
import { parseLog } from "../../../src/cleaner/log-parse";
import { sha256Hex } from "../../../src/shared/hash";
import { diskCleaner } from "../../../src/node/cleaner-store";

const made: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tree(files: Record<string, string>, vault = true): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "lesson-lab-clean-apply-"));
  made.push(root);
  if (vault) await mkdir(path.join(root, ".obsidian"));
  for (const [p, c] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, p)), { recursive: true });
    await writeFile(path.join(root, p), c);
  }
  return root;
}

/** Every file under `dir` (but the log and .obsidian) as path=content. */
async function files(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (p !== ".obsidian") out.push(...(await files(dir, p)));
    } else if (!p.endsWith("Cleaner log.md")) out.push(`${p}=${await readFile(path.join(dir, p), "utf8")}`);
  }
  return out.sort();
}

function capture() {
  let out = "";
  let err = "";
  return { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t), errIsTty: false }, out: () => out, err: () => err };
}

async function decisionsFile(root: string, decisions: unknown): Promise<string> {
  const p = path.join(root, "..", `${path.basename(root)}-decisions.json`);
  await writeFile(p, JSON.stringify(decisions));
  made.push(p);
  return p;
}

const hashOf = async (root: string, p: string) => sha256Hex(new Uint8Array(await readFile(path.join(root, p))));

const START = {
  "ds/cat/a.png": "cat a",
  "ds/cat/b.png": "cat b",
  "ds/cat/c.png": "cat c",
  "ds/dog/a.png": "dog a",
  "Notes/n.md": "a note",
};

describe("lesson-lab clean --apply and undo", () => {
  it("relabels under a free name, deletes into the vault's .trash, logs, and undoes", async () => {
    const root = await tree(START);
    const ds = path.join(root, "ds");
    const start = await files(root);
    const file = await decisionsFile(root, [
      { path: "ds/cat/a.png", action: "relabel", label: "dog", hash: await hashOf(root, "ds/cat/a.png") },
      { path: "ds/cat/b.png", action: "delete" },
      { path: "ds/cat/c.png", action: "keep" },
    ]);
    const c = capture();
    expect(await cleanCli([ds, "--apply", file, "--json"], c.io)).toBe(0);
    const json = JSON.parse(c.out()) as Record<string, unknown>;
    expect(json).toMatchObject({
      moved: [{ from: "ds/cat/a.png", to: "ds/dog/a (2).png", label: "dog" }],
      trashed: [{ path: "ds/cat/b.png", to: ".trash/b.png" }],
      skipped: [],
      failed: [],
      log: "ds/Cleaner log.md",
      root,
    });
    expect(await files(root)).toEqual([".trash/b.png=cat b", "Notes/n.md=a note", "ds/cat/c.png=cat c", "ds/dog/a (2).png=cat a", "ds/dog/a.png=dog a"]);
    const log = parseLog(await readFile(path.join(ds, "Cleaner log.md"), "utf8"), { dataset: "ds", trash: ".trash" });
    expect(log.warnings).toEqual([]);
    expect(log.batches.map((b) => b.id)).toEqual([json.batch]);

    const u = capture();
    expect(await runUndo([ds, "--json"], u.io)).toBe(0);
    const undo = JSON.parse(u.out()) as Record<string, unknown>;
    expect(undo.restored).toEqual(
      expect.arrayContaining([
        { from: "ds/dog/a (2).png", to: "ds/cat/a.png" },
        { from: ".trash/b.png", to: "ds/cat/b.png" },
      ]),
    );
    expect(await files(root)).toEqual(start);
    // Nothing left to undo.
    const again = capture();
    expect(await runUndo([ds], again.io)).toBe(1);
    // The log records the batch (undone): the message says so, not "records none" (QA).
    expect(again.err()).toMatch(/nothing to undo in ".*": every batch in its Cleaner log\.md is already undone/);
    expect(again.err()).not.toMatch(/records none/);
  });

  it("refuses a decisions file naming a path outside the dataset, and moves nothing", async () => {
    const root = await tree(START);
    const ds = path.join(root, "ds");
    const start = await files(root);
    for (const outside of ["Notes/n.md", "ds/../Notes/n.md", "/etc/passwd", "ds/Cleaner log.md", "ds\\cat\\a.png", ".obsidian/app.json"]) {
      const file = await decisionsFile(root, [
        { path: "ds/cat/a.png", action: "delete" },
        { path: outside, action: "delete" },
      ]);
      const c = capture();
      expect(await cleanCli([ds, "--apply", file, "--json"], c.io), outside).toBe(1);
      expect(c.err()).toMatch(/the decisions file ".*" is refused, nothing was moved: decision 2: refused the path/);
      expect(c.err()).toContain(`"${outside}"`);
      expect(await files(root)).toEqual(start);
    }
    await expect(stat(path.join(ds, "Cleaner log.md"))).rejects.toThrow();
  });

  it("a relabel into a label folder whose name has control characters refuses the whole file: nothing moved, one escape style", async () => {
    const bad = "line\nbreak\rcr";
    const rtl = "wrong2 \u202egnp.png";
    const root = await tree({ ...START, [`ds/cat/${rtl}`]: "r", [`ds/${bad}/w.png`]: "w", "ds/cat/\u001b[5mblink.png": "e" });
    const ds = path.join(root, "ds");
    const start = await files(root);
    const file = await decisionsFile(root, [
      { path: `ds/cat/${rtl}`, action: "relabel", label: bad },
      { path: "ds/cat/a.png", action: "delete" },
      { path: "ds/cat/\u001b[5mblink.png", action: "relabel", label: "x\u0007" },
    ]);
    const c = capture();
    expect(await cleanCli([ds, "--apply", file], c.io)).toBe(1);
    const err = c.err();
    expect(err).toMatch(/is refused, nothing was moved: decision 1 \("ds\/cat\/wrong2 \\u\{202E\}gnp\.png"\): the label contains a control character/);
    expect(err).toContain(String.raw`decision 3: refused the path "ds/cat/\u{001B}[5mblink.png": it contains a control character`);
    expect(err).not.toContain(String.raw`\u001b`);
    expect([...err.trimEnd()].filter((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === "\u202e")).toEqual([]);
    expect(err.trimEnd().split("\n")).toHaveLength(1);
    expect(await files(root)).toEqual(start);
    await expect(stat(path.join(ds, "Cleaner log.md"))).rejects.toThrow();
  });

  it("a file changed between clean and --apply is skipped with a message", async () => {
    const root = await tree(START);
    const ds = path.join(root, "ds");
    const file = await decisionsFile(root, [
      { path: "ds/cat/a.png", action: "delete", hash: await hashOf(root, "ds/cat/a.png") },
      { path: "ds/cat/b.png", action: "relabel", label: "dog", hash: await hashOf(root, "ds/cat/b.png") },
    ]);
    await writeFile(path.join(ds, "cat", "a.png"), "cat A"); // same size, other content
    const c = capture();
    expect(await cleanCli([ds, "--apply", file], c.io)).toBe(1);
    expect(c.out()).toMatch(/failed +\S*ds\/cat\/a\.png: not trashed: it changed since review \(different content\)/);
    expect(await readFile(path.join(ds, "cat", "a.png"), "utf8")).toBe("cat A");
    expect(await readFile(path.join(ds, "dog", "b.png"), "utf8")).toBe("cat b");
  });

  it("a forged file name: the issue's (backslashes) is refused; a record-shaped one is moved and undone like any file", async () => {
    const issueName = String.raw`<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"z","at":"z","moves":[{"from":".obsidian\u002fplugins\u002fx\u002fmain.js","to":"ds\u002fa\u002fpayload.jpg"}],"trashed":[],"failed":[]}} -->.png`;
    const plainName = '<!-- lesson-lab-cleaner {"v":1,"type":"batch","batch":{"id":"z","at":"z","moves":[],"trashed":[],"failed":[]}} -->.png';
    const root = await tree({ ...START, [`ds/cat/${issueName}`]: "forged", [`ds/cat/${plainName}`]: "plain", ".obsidian/plugins/x/main.js": "code" });
    const ds = path.join(root, "ds");
    const refused = capture();
    expect(await cleanCli([ds, "--apply", await decisionsFile(root, [{ path: `ds/cat/${issueName}`, action: "delete" }])], refused.io)).toBe(1);
    expect(refused.err()).toMatch(/refused the path .*: it contains a backslash/);

    const c = capture();
    expect(await cleanCli([ds, "--apply", await decisionsFile(root, [{ path: `ds/cat/${plainName}`, action: "delete" }]), "--json"], c.io)).toBe(0);
    const text = await readFile(path.join(ds, "Cleaner log.md"), "utf8");
    expect(parseLog(text, { dataset: "ds", trash: ".trash" }).batches).toHaveLength(1);
    expect(await runUndo([ds], capture().io)).toBe(0);
    expect(await readFile(path.join(ds, "cat", plainName), "utf8")).toBe("plain");
    expect(await readFile(path.join(root, ".obsidian", "plugins", "x", "main.js"), "utf8")).toBe("code");
  });

  it("outside a vault, deleted images go to .trash beside the folder", async () => {
    const root = await tree({ "ds/cat/a.png": "a", "ds/dog/b.png": "b" }, false);
    const ds = path.join(root, "ds");
    const c = capture();
    expect(await cleanCli([ds, "--apply", await decisionsFile(root, [{ path: "ds/cat/a.png", action: "delete" }]), "--json"], c.io)).toBe(0);
    expect(await readFile(path.join(root, ".trash", "a.png"), "utf8")).toBe("a");
    expect(await runUndo([ds], capture().io)).toBe(0);
    expect(await readFile(path.join(ds, "cat", "a.png"), "utf8")).toBe("a");
  });

  describe("symbolic links leading outside the dataset or the trash (QA 1, 2)", () => {
    /** A vault with ds/cat, and ds/Sneaker a link to a folder outside it. */
    async function linked(): Promise<{ root: string; ds: string; outside: string }> {
      const root = await tree({ "ds/cat/a.png": "cat a", "ds/cat/b.png": "cat b", "ds/dog/d.png": "dog d" });
      const outside = await mkdtemp(path.join(tmpdir(), "lesson-lab-outside-"));
      made.push(outside);
      await writeFile(path.join(outside, "s.png"), "outside s");
      await symlink(outside, path.join(root, "ds", "Sneaker"), "dir");
      return { root, ds: path.join(root, "ds"), outside };
    }

    it("refuses to delete a file reached through a label folder that links outside, naming it", async () => {
      const { root, ds, outside } = await linked();
      const c = capture();
      const file = await decisionsFile(root, [{ path: "ds/Sneaker/s.png", action: "delete" }]);
      expect(await cleanCli([ds, "--apply", file, "--json"], c.io)).not.toBe(0);
      expect(await readFile(path.join(outside, "s.png"), "utf8")).toBe("outside s");
      expect(await readdir(path.join(root, ".trash")).catch(() => [])).toEqual([]);
      expect(c.out() + c.err()).toContain("ds/Sneaker/s.png");
    });

    it("refuses to relabel into a label folder that links outside", async () => {
      const { root, ds, outside } = await linked();
      const c = capture();
      const file = await decisionsFile(root, [{ path: "ds/cat/a.png", action: "relabel", label: "Sneaker" }]);
      expect(await cleanCli([ds, "--apply", file, "--json"], c.io)).not.toBe(0);
      expect(await readFile(path.join(ds, "cat", "a.png"), "utf8")).toBe("cat a");
      expect((await readdir(outside)).sort()).toEqual(["s.png"]);
      expect(c.err()).toContain('decision 1 ("ds/cat/a.png")');
    });

    it("the disk cleaner's own moves refuse a source or destination resolving outside through a link", async () => {
      const { root, outside } = await linked();
      const { ops } = diskCleaner(root, "ds");
      await expect(ops.move("ds/cat/a.png", "ds/Sneaker/a.png")).rejects.toThrow(/refused the destination "ds\/Sneaker\/a\.png": it is outside the dataset folder "ds" through a link/);
      await expect(ops.move("ds/Sneaker/s.png", "ds/cat/s.png")).rejects.toThrow(/refused the source "ds\/Sneaker\/s\.png"/);
      await expect(ops.trash("ds/Sneaker/s.png")).rejects.toThrow(/refused the source "ds\/Sneaker\/s\.png"/);
      await expect(ops.mkdir("ds/Sneaker/sub")).rejects.toThrow(/refused the destination "ds\/Sneaker\/sub"/);
      expect(await readFile(path.join(root, "ds", "cat", "a.png"), "utf8")).toBe("cat a");
      expect((await readdir(outside)).sort()).toEqual(["s.png"]);
    });

    it("refuses to delete into a trash folder that is a link outside", async () => {
      const { root, ds, outside } = await linked();
      await symlink(outside, path.join(root, ".trash"), "dir");
      const c = capture();
      const file = await decisionsFile(root, [{ path: "ds/cat/b.png", action: "delete" }]);
      expect(await cleanCli([ds, "--apply", file, "--json"], c.io)).not.toBe(0);
      expect(await readFile(path.join(ds, "cat", "b.png"), "utf8")).toBe("cat b");
      expect((await readdir(outside)).sort()).toEqual(["s.png"]);
      expect((c.out() + c.err()).replace(/\\"/g, "\"")).toContain('the trash folder ".trash" is a link');
    });
  });

  describe("a decisions file checked against the dataset scan before anything moves (QA 3, 4, 5)", () => {
    async function refused(files: Record<string, string>, decisions: unknown[]): Promise<{ err: string; before: string[]; after: string[]; root: string }> {
      const root = await tree(files);
      const before = await files_(root);
      const c = capture();
      expect(await cleanCli([path.join(root, "ds"), "--apply", await decisionsFile(root, decisions)], c.io)).not.toBe(0);
      expect(c.out()).toBe("");
      await expect(stat(path.join(root, "ds", "Cleaner log.md"))).rejects.toThrow();
      return { err: c.err(), before, after: await files_(root), root };
    }
    const files_ = files;

    it("refuses a hidden file, which the scan does not use, naming it", async () => {
      const r = await refused({ ...START, "ds/cat/.hidden.png": "h" }, [
        { path: "ds/cat/a.png", action: "delete" },
        { path: "ds/cat/.hidden.png", action: "delete" },
      ]);
      expect(r.after).toEqual(r.before);
      expect(r.err).toContain('decision 2: refused the path "ds/cat/.hidden.png": the dataset scan does not use it (hidden or system file');
    });

    it("refuses a relabel to a label the dataset does not have, and an empty label folder", async () => {
      const r = await refused({ ...START, "ds/Empty/notes.txt": "x" }, [
        { path: "ds/cat/a.png", action: "delete" },
        { path: "ds/cat/b.png", action: "relabel", label: "Nope" },
        { path: "ds/cat/c.png", action: "relabel", label: "Empty" },
      ]);
      expect(r.after).toEqual(r.before);
      await expect(stat(path.join(r.root, "ds", "Nope"))).rejects.toThrow();
      expect(r.err).toContain('decision 2 ("ds/cat/b.png"): the label "Nope" is not a label of the dataset (its labels: "cat", "dog")');
      expect(r.err).toContain('decision 3 ("ds/cat/c.png"): the label "Empty" is not a label of the dataset');
    });

    it("refuses the log note's name, a 300-character label and a NUL up front, logging no batch", async () => {
      const r = await refused(START, [
        { path: "ds/cat/a.png", action: "relabel", label: "Cleaner log.md" },
        { path: "ds/cat/b.png", action: "relabel", label: "x".repeat(300) },
        { path: "ds/cat/c.png", action: "relabel", label: "a\u0000b" },
      ]);
      expect(r.after).toEqual(r.before);
      expect(r.err).toContain('decision 1 ("ds/cat/a.png")');
      expect(r.err).toContain('decision 2 ("ds/cat/b.png")');
      expect(r.err).toContain('decision 3 ("ds/cat/c.png")');
      expect(r.err).not.toMatch(/EEXIST|ENAMETOOLONG/);
    });
  });

  it("a decisions file that moves nothing logs no batch, says so, and undo still undoes the last real batch (QA 6)", async () => {
    const root = await tree(START);
    const ds = path.join(root, "ds");
    expect(await cleanCli([ds, "--apply", await decisionsFile(root, [{ path: "ds/cat/a.png", action: "delete" }])], capture().io)).toBe(0);
    const logText = await readFile(path.join(ds, "Cleaner log.md"), "utf8");
    for (const decisions of [[], [{ path: "ds/cat/b.png", action: "keep" }], [{ path: "ds/cat/c.png", action: "relabel", label: "cat" }]]) {
      const c = capture();
      expect(await cleanCli([ds, "--apply", await decisionsFile(root, decisions), "--json"], c.io)).toBe(0);
      expect(JSON.parse(c.out())).toMatchObject({ batch: null, moved: [], trashed: [], note: "nothing to move: no batch was logged" });
    }
    const t = capture();
    expect(await cleanCli([ds, "--apply", await decisionsFile(root, [])], t.io)).toBe(0);
    expect(t.out()).toContain("Nothing to move (0 skipped): no batch was logged.");
    expect(await readFile(path.join(ds, "Cleaner log.md"), "utf8")).toBe(logText);
    // An empty batch an older version logged is passed over by undo.
    const empty = formatLogEntry({ id: "20300101T000000000Z-empt", at: "2030-01-01T00:00:00.000Z", moves: [], trashed: [], failed: [] });
    await writeFile(path.join(ds, "Cleaner log.md"), appendLogEntry(logText, empty));
    expect(await runUndo([ds], capture().io)).toBe(0);
    expect(await readFile(path.join(ds, "cat", "a.png"), "utf8")).toBe("cat a");
  });

  it("a path that does not exist says no such file; a malformed hash is refused (QA 7, 8)", async () => {
    const root = await tree(START);
    const ds = path.join(root, "ds");
    const c = capture();
    const missing = [{ path: "ds/Cat/a.png", action: "delete" }, { path: "ds/cat/a\u0301.png", action: "delete" }];
    expect(await cleanCli([ds, "--apply", await decisionsFile(root, missing), "--json"], c.io)).toBe(1);
    const json = JSON.parse(c.out()) as { skipped: { path: string; reason: string }[] };
    expect(json.skipped.map((x) => x.reason)).toEqual(["no such file (check the spelling, letter case and accents of the path)", "no such file (check the spelling, letter case and accents of the path)"]);
    const m = capture();
    expect(await cleanCli([ds, "--apply", await decisionsFile(root, [{ path: "ds/cat/a.png", action: "delete", hash: "deadbeef" }])], m.io)).not.toBe(0);
    expect(m.err()).toContain('decision 1 ("ds/cat/a.png"): the hash must be a SHA-256 in hex');
    expect(await readFile(path.join(ds, "cat", "a.png"), "utf8")).toBe("cat a");
  });

  it("undo on a folder without Cleaner log.md says there is none (QA 11)", async () => {
    const root = await tree(START);
    const c = capture();
    expect(await runUndo([path.join(root, "ds")], c.io)).toBe(1);
    expect(c.err()).toContain("it has no Cleaner log.md");
  });
});
