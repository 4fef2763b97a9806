// parseArgs on yargs-parser: what its defaults would change (numbers, negatives, `=false`,
// negation, camel case, dot notation, arrays for repeats) stays as the CLI's users know it.
// The basic cases and messages are in tests/unit/timestamps/cli.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli/args";

const spec = {
  json: "boolean",
  "no-cache": "boolean",
  vault: "string",
  seed: "string",
  "rank-by": "string",
  epochs: "number",
  lr: "number",
  out: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
} as const;

function ok(argv: string[]): { positional: string[]; flags: Record<string, unknown> } {
  const r = parseArgs(argv, spec);
  if ("error" in r) throw new Error(`unexpected error for ${JSON.stringify(argv)}: ${r.error}`);
  return r;
}

function error(argv: string[]): string {
  const r = parseArgs(argv, spec);
  return "error" in r ? r.error : `no error: ${JSON.stringify(r)}`;
}

describe("parseArgs keeps strings and negative numbers as typed", () => {
  it("keeps folder names that look like numbers as positional strings", () => {
    expect(ok(["-5", "01", "-.5", "-0.5", "1e3", "0x10", "007"]).positional).toEqual(["-5", "01", "-.5", "-0.5", "1e3", "0x10", "007"]);
    expect(ok(["--", "-5x", "--json", "---"])).toEqual({ positional: ["-5x", "--json", "---"], flags: {} });
  });

  it("keeps a string flag's value as a string, even one that looks like a number", () => {
    expect(ok(["--seed=007"]).flags).toEqual({ seed: "007" });
    expect(ok(["--seed", "007", "--vault", "1e3"]).flags).toEqual({ seed: "007", vault: "1e3" });
    expect(ok(["--epochs=007"]).flags).toEqual({ epochs: 7 });
  });

  it("takes a negative number after a flag as its value", () => {
    expect(ok(["--lr", "-0.5", "--epochs", "-2"]).flags).toEqual({ lr: -0.5, epochs: -2 });
    expect(ok(["--lr", "-1e-3"]).flags).toEqual({ lr: -0.001 });
    expect(ok(["--lr=-.5"]).flags).toEqual({ lr: -0.5 });
    expect(ok(["--vault", "-5"]).flags).toEqual({ vault: "-5" });
  });

  it("takes a value that starts with - only after =", () => {
    expect(ok(["--vault=-foo"]).flags).toEqual({ vault: "-foo" });
    expect(ok(["--vault=--json"]).flags).toEqual({ vault: "--json" });
    expect(error(["--vault", "-foo"])).toBe('--vault needs a value (to give one that starts with "-", write --vault=-foo)');
    expect(error(["--vault", "--bogus"])).toBe('--vault needs a value (to give one that starts with "-", write --vault=--bogus)');
    expect(error(["-o", "-x"])).toBe('--out needs a value (to give one that starts with "-", write --out=-x)');
    expect(ok(["--vault", "-"]).flags).toEqual({ vault: "-" });
  });

  it("reads switches strictly: alone, or =true/false/1/0/yes/no", () => {
    expect(ok(["--json=false"]).flags).toEqual({ json: false });
    expect(ok(["--json=0", "--no-cache=NO"]).flags).toEqual({ json: false, "no-cache": false });
    expect(ok(["--json=Yes", "-h=1"]).flags).toEqual({ json: true, help: true });
    expect(error(["--json=maybe"])).toMatch(/^--json is a switch: .*not "maybe"$/);
    expect(error(["-h="])).toMatch(/^--help is a switch: .*not ""$/);
    // A `true` or `false` after a switch is a positional, not its value.
    expect(ok(["--json", "false", "-h", "true"])).toEqual({ positional: ["false", "true"], flags: { json: true, help: true } });
  });

  it("keeps the last of a repeated flag", () => {
    expect(ok(["--vault", "a", "--vault=b", "-o", "x", "--out", "y"]).flags).toEqual({ vault: "b", out: "y" });
    expect(ok(["--json", "--json=false"]).flags).toEqual({ json: false });
    expect(ok(["--json=false", "--json"]).flags).toEqual({ json: true });
    expect(ok(["--epochs", "1", "--epochs=2"]).flags).toEqual({ epochs: 2 });
  });

  it("takes flag names literally: no negation, camel case or dot notation", () => {
    expect(ok(["--no-cache"]).flags).toEqual({ "no-cache": true });
    expect(ok(["--rank-by", "loss"]).flags).toEqual({ "rank-by": "loss" });
    expect(error(["--rankBy", "loss"])).toBe("unknown option --rankBy");
    expect(error(["--no-json"])).toBe("unknown option --no-json");
    expect(error(["--vault.x", "a"])).toBe("unknown option --vault.x");
    expect(error(["--json-x"])).toBe("unknown option --json-x");
  });

  it("names the option as typed, and reports the problem nearest the start", () => {
    expect(error(["--bogus=5"])).toBe("unknown option --bogus");
    expect(error(["-hx"])).toBe("unknown option -hx");
    expect(error(["-h-"])).toBe("unknown option -h-");
    expect(error(["-5x"])).toBe("unknown option -5x");
    expect(error(["---"])).toBe("unknown option ---");
    expect(error(["--_", "--json", "a"])).toBe("unknown option --_");
    expect(error(["--bogus", "--vault"])).toBe("unknown option --bogus");
    expect(error(["--vault", "--epochs"])).toBe("--vault needs a value");
    expect(error(["--epochs", "many", "--bogus"])).toBe('--epochs needs a number, not "many"');
    expect(error(["--json=maybe", "--bogus"])).toMatch(/^--json is a switch/);
    expect(error(["--epochs=1", "--lr", "Infinity"])).toBe('--lr needs a number, not "Infinity"');
  });
});

describe("parseArgs (properties)", () => {
  const token = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.string({ maxLength: 5 }).map((s) => `-${s}`),
    fc.string({ maxLength: 5 }).map((s) => `--${s}`),
    fc.constantFrom("--json", "--vault", "--epochs", "-h", "-o", "--", "-5", "--json=no", "--seed=007", "--_", "--__proto__", "--toString"),
  );

  it("never throws: every argv gives positionals and flags, or an error message", () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), (argv) => {
        const r = parseArgs(argv, spec);
        if ("error" in r) return typeof r.error === "string" && r.error.length > 0;
        return r.positional.every((p) => typeof p === "string") && Object.keys(r.flags).every((k) => k in spec);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives back words that are not options, and everything after --, unchanged and in order", () => {
    const word = fc.string({ maxLength: 6 }).filter((s) => !s.startsWith("-"));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 5 }), fc.array(fc.string({ maxLength: 6 }), { maxLength: 5 }), (before, after) => {
        expect(parseArgs([...before, "--", ...after], spec)).toEqual({ positional: [...before, ...after], flags: {} });
      }),
      { numRuns: 500 },
    );
  });
});
