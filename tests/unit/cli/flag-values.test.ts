// Flag values as users type them (QA): a value that starts with "-" is given as --flag=-value, and
// the message says so; number flags take plain decimals only, and integer flags say their range
// and echo what was typed, not the number JavaScript made of it.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli/args";
import { run as trainCli } from "../../../src/cli/train";
import { run as serveCli } from "../../../src/cli/serve";
import { run as exportCli } from "../../../src/cli/export";
import { run as timestampsCli } from "../../../src/cli/timestamps";
import { captureIo } from "../support/capture-io";

const SPEC = {
  title: "string",
  out: { type: "string", short: "o" },
  json: "boolean",
  lr: "number",
  epochs: { type: "integer", min: 1, max: 1000 },
  seed: "integer",
  top: { type: "integer", min: 1 },
} as const;
const error = (argv: string[]): string => {
  const r = parseArgs(argv, SPEC);
  return "error" in r ? r.error : "";
};
const flags = (argv: string[]): Record<string, unknown> => {
  const r = parseArgs(argv, SPEC);
  if ("error" in r) throw new Error(r.error);
  return r.flags;
};

describe("a value that starts with -", () => {
  it("is refused with how to give it, on one line, quoted for a shell when it needs to be", () => {
    expect(error(["--title", "-My title"])).toBe(`--title needs a value (to give one that starts with "-", write '--title=-My title')`);
    expect(error(["--out", "-dir"])).toBe('--out needs a value (to give one that starts with "-", write --out=-dir)');
    expect(flags(["--title=-My title"])).toEqual({ title: "-My title" });
  });
  it("a known flag after it means the value was left out", () => {
    expect(error(["--title", "--json"])).toBe("--title needs a value");
    expect(error(["--title", "-o", "x"])).toBe("--title needs a value");
  });
  it("the command says it escaped: export --out -dir, timestamps --vault -v", async () => {
    const c = captureIo();
    expect(await exportCli(["m", "--out", "-d\u202Eir"], c.io)).toBe(2);
    expect(c.err()).toContain('--out needs a value (to give one that starts with "-", write \'--out=-d\\u{202E}ir\')');
    const t = captureIo();
    expect(await timestampsCli(["note.md", "--vault", "-v"], t.io)).toBe(2);
    expect(t.err()).toContain("write --vault=-v)");
  });
});

describe("number flags take plain decimals", () => {
  it.each([["0x10"], [" 3"], ["3 "], [""], ["Infinity"], ["0b11"], ["1_000"], ["+"], ["."]])("--lr %j is refused, echoing what was typed", (text) => {
    expect(error([`--lr=${text}`])).toBe(`--lr needs a number, not "${text}"`);
  });
  it("accepts signs, fractions and exponents", () => {
    expect(flags(["--lr", "1e-3"]).lr).toBe(0.001);
    expect(flags(["--lr=-0.5"]).lr).toBe(-0.5);
    expect(flags(["--lr", ".5"]).lr).toBe(0.5);
    expect(flags(["--lr", "+2"]).lr).toBe(2);
  });
  it("integer flags: whole numbers in range, the range and the typed text in the message", () => {
    expect(flags(["--epochs", "16", "--seed", "-7", "--top", "3"])).toEqual({ epochs: 16, seed: -7, top: 3 });
    expect(error(["--epochs", "0x10"])).toBe('--epochs needs a number, not "0x10"');
    expect(error(["--epochs", " 3"])).toBe('--epochs needs a number, not " 3"');
    expect(error(["--epochs", "2.5"])).toBe("--epochs must be a whole number from 1 to 1000; got 2.5");
    expect(error(["--epochs", "1001"])).toBe("--epochs must be a whole number from 1 to 1000; got 1001");
    expect(error(["--epochs", "1e1"])).toBe("");
    expect(error(["--seed", "1e30"])).toBe("--seed must be a whole number; got 1e30");
    expect(error(["--seed", "99999999999999999999"])).toBe("--seed must be a whole number; got 99999999999999999999");
    expect(error(["--top", "0"])).toBe("--top must be a whole number of at least 1; got 0");
  });
  it("train --epochs 0x10 and serve --port 0x1F90 are usage errors", async () => {
    const c = captureIo();
    expect(await trainCli(["folder", "--epochs", "0x10"], c.io)).toBe(2);
    expect(c.err()).toContain('--epochs needs a number, not "0x10"');
    const s = captureIo();
    expect(await serveCli(["model", "--port", "0x1F90"], s.io)).toBe(2);
    expect(s.err()).toContain('--port needs a number, not "0x1F90"');
    const p = captureIo();
    expect(await serveCli(["model", "--port", "70000"], p.io)).toBe(2);
    expect(p.err()).toContain("--port must be a whole number from 0 to 65535; got 70000");
  });
});
