// The argv parsing every CLI command shares, on yargs-parser (the parser yargs itself uses): it
// splits `--flag value` / `--flag=value`, boolean flags, one-letter aliases, `--` and positionals;
// this module adds what yargs-parser leaves to its caller: an error for an unknown flag or a
// missing value, strict booleans and numbers, and the messages users see.
import yargsParser from "yargs-parser";
import { errorText } from "../shared/errors";
import { shellWord } from "./terminal";

export type FlagType = "boolean" | "string" | "number" | "integer";

/**
 * A flag's type, or its type and a one-letter alias (`{ type: "boolean", short: "h" }` for `-h`);
 * an "integer" flag may give its range (`{ type: "integer", min: 1, max: 1000 }`, both inclusive).
 */
export type FlagSpec = FlagType | { type: FlagType; short?: string; min?: number; max?: number };

export type ArgSpec = Record<string, FlagSpec>;

type ValueOf<T extends FlagSpec> = (T extends { type: infer U } ? U : T) extends "boolean"
  ? boolean
  : (T extends { type: infer U } ? U : T) extends "number" | "integer"
    ? number
    : string;

/** Flags that were given; absent ones are undefined. A repeated flag keeps its last value. */
export type Flags<S extends ArgSpec> = { [K in keyof S]?: ValueOf<S[K]> };

export type ParsedArgs<S extends ArgSpec> = { positional: string[]; flags: Flags<S> } | { error: string };

/**
 * yargs-parser's settings, chosen so that argv means what it says and nothing more. Its default
 * `short-option-groups` stays on: with it `-5` and `-.5` are values or positionals (negative
 * numbers), and `-hx` is the flags h and x.
 */
const CONFIGURATION: Partial<yargsParser.Configuration> = {
  // `--no-cache` is a flag of its own, not `cache: false`.
  "boolean-negation": false,
  // `--rank-by` stays `rank-by`, with no `rankBy` twin.
  "camel-case-expansion": false,
  // `--vault.x` is a flag named `vault.x` (unknown), not an object.
  "dot-notation": false,
  // A repeated flag keeps its last value instead of becoming an array.
  "duplicate-arguments-array": false,
  // Numbers are read here, and only for number flags: `--seed=007` given to a string flag and a
  // folder named `01` or `-5` stay the strings typed.
  "parse-numbers": false,
  "parse-positional-numbers": false,
  // `-h` comes back as `help` only.
  "strip-aliased": true,
};

/**
 * What a number flag accepts: a plain decimal number, optionally signed, with a fraction and an
 * exponent (`3`, `-0.5`, `1e-3`); not hex, binary, octal, Infinity, spaces or nothing, all of
 * which JavaScript's Number() would take.
 */
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** What the user typed, for a message: as is when a plain decimal, else in double quotes. */
function typedText(text: string): string {
  return DECIMAL.test(text) ? text : `"${text}"`;
}

/** yargs-parser's negative number: a value or a positional, never a flag. */
const NEGATIVE = /^-(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$/;

/** How a switch's value may be spelled in `--flag=value` (yargs-parser knows only true/false). */
const TRUE_WORDS = /^(?:true|1|yes)$/i;
const FALSE_WORDS = /^(?:false|0|no)$/i;

function typeOf(spec: FlagSpec): FlagType {
  return typeof spec === "string" ? spec : spec.type;
}

/**
 * Parses `argv` against `spec` with yargs-parser. Never throws: a problem comes back as
 * `{ error }`, a message meant for the user, for the problem nearest the start of `argv`: an
 * unknown flag (`unknown option --x`), a flag with no value after it (`--vault needs a value`; a
 * value that starts with `-` is given as `--vault=-x`, a negative number also as `--lr -0.5`), a
 * switch given a value other than true/false/1/0/yes/no, or a number flag given something that is
 * not a finite number.
 */
export function parseArgs<S extends ArgSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(spec, name);
  const byShort = new Map<string, string>();
  const booleans: string[] = [];
  const values: string[] = [];
  const alias: Record<string, string> = {};
  for (const [name, s] of Object.entries(spec)) {
    (typeOf(s) === "boolean" ? booleans : values).push(name);
    if (typeof s !== "string" && s.short) {
      byShort.set(s.short, name);
      alias[name] = s.short;
    }
  }

  // Options end at the first `--`; what follows is handed on untouched.
  const end = argv.indexOf("--");
  const typed = end < 0 ? argv : argv.slice(0, end);
  const options = [...typed];
  /** Problems with the index of the option token they are about; the first one is reported. */
  const problems: Array<{ at: number; error: string }> = [];
  /** The index of the token that is the value of the flag before it. */
  let valueAt = -1;
  /** Each flag's last token (the one whose value counts). */
  const lastAt = new Map<string, number>();
  for (let i = 0; i < options.length; i += 1) {
    const m = /^(--?)([^=]+)(?:=([\s\S]*))?$/.exec(options[i]);
    if (m === null || NEGATIVE.test(options[i]) || valueAt === i) continue;
    const [, dashes, key, inline] = m;
    const long = dashes === "--" ? key : byShort.get(key);
    const name = long !== undefined && has(long) ? long : undefined;
    if (name !== undefined) lastAt.set(name, i);
    if (dashes === "-" && name === undefined && key.length > 1 && ![...key].every((c) => byShort.has(c))) {
      // A one-dash token is one flag or a group of them (`-hv`); yargs-parser would read `-h-` or
      // `-h/x` as h given a value, and `-5x` as flags 5 and x.
      problems.push({ at: i, error: `unknown option ${options[i]}` });
    } else if (name !== undefined && typeOf(spec[name]) === "boolean") {
      // Switches reach yargs-parser as `--flag=true` or `--flag=false`: it would read any other
      // value as false, and take a `true` or `false` after a bare switch as its value.
      const value = inline ?? "true";
      if (TRUE_WORDS.test(value)) options[i] = `${dashes}${key}=true`;
      else if (FALSE_WORDS.test(value)) options[i] = `${dashes}${key}=false`;
      else problems.push({ at: i, error: `--${name} is a switch: give it alone or as --${name}=true / --${name}=false, not "${value}"` });
    } else if (name !== undefined && inline === undefined) {
      // The value is the next token, unless that one looks like an option (yargs-parser's narg
      // rule): then yargs-parser reports only the last such flag, this the first.
      const next = options[i + 1];
      if (next === undefined) problems.push({ at: i, error: `--${name} needs a value` });
      else if (/^-[^0-9]/.test(next) && !NEGATIVE.test(next)) {
        // A known flag after it: the value was left out. Anything else may be a value that starts
        // with "-" (`--title -My title`): say how to give one.
        const m2 = /^(--?)([^=]+)/.exec(next);
        const known = m2 !== null && has(m2[1] === "--" ? m2[2] : (byShort.get(m2[2]) ?? ""));
        problems.push({ at: i, error: known ? `--${name} needs a value` : `--${name} needs a value (to give one that starts with "-", write ${shellWord(`--${name}=${next}`)})` });
      } else valueAt = i + 1;
    }
  }

  let parsed: yargsParser.DetailedArguments;
  try {
    parsed = yargsParser.detailed(end < 0 ? options : [...options, ...argv.slice(end)], {
      boolean: booleans,
      // Number flags too: yargs-parser hands over the text and it is read as a number below.
      string: values,
      narg: Object.fromEntries(values.map((name) => [name, 1])),
      alias,
      configuration: CONFIGURATION,
    });
  } catch (e) {
    // yargs-parser keeps positionals under the key `_`: a flag of that name (`--_`, `-x_`)
    // replaces them, and a positional after it makes yargs-parser throw.
    const token = findOption(typed, "_");
    problems.push({ at: token?.at ?? options.length, error: token ? `unknown option ${token.text}` : `cannot read the options: ${errorText(e)}` });
    return { error: first(problems) };
  }

  const flags: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(parsed.argv)) {
    if (key === "_" && Array.isArray(value)) continue;
    if (has(key)) flags[key] = value as string | boolean;
    else {
      const token = findOption(typed, key);
      problems.push({ at: token?.at ?? options.length, error: `unknown option ${token?.text ?? (key.length === 1 ? `-${key}` : `--${key}`)}` });
    }
  }
  const positional = Array.isArray(parsed.argv._) ? parsed.argv._.map(String) : [];
  // yargs-parser passes on a nameless `---` or `---=x` (before `--`) as a positional.
  const stray = options.findIndex((t) => /^---/.test(t) && positional.includes(t));
  if (stray >= 0) problems.push({ at: stray, error: `unknown option ${options[stray].split("=")[0]}` });
  // Missing values are found above; any other error of yargs-parser's is passed on.
  if (parsed.error && problems.length === 0) problems.push({ at: options.length, error: parsed.error.message });
  for (const name of values) {
    const type = typeOf(spec[name]);
    if ((type !== "number" && type !== "integer") || flags[name] === undefined) continue;
    const text = String(flags[name]);
    const at = lastAt.get(name) ?? options.length;
    const n = DECIMAL.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(n)) {
      problems.push({ at, error: `--${name} needs a number, not "${text}"` });
      continue;
    }
    flags[name] = n;
    const s = spec[name];
    const min = typeof s === "string" ? undefined : s.min;
    const max = typeof s === "string" ? undefined : s.max;
    if (type === "integer" && (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max))) {
      problems.push({ at, error: `--${name} must be a whole number${rangeText(min, max)}; got ${typedText(text)}` });
    }
  }

  if (problems.length > 0) return { error: first(problems) };
  return { positional, flags: flags as Flags<S> };
}

/** The message of the problem nearest the start of argv (the earliest found among equals). */
function first(problems: ReadonlyArray<{ at: number; error: string }>): string {
  return problems.reduce((a, b) => (b.at < a.at ? b : a)).error;
}

/**
 * The option token that named `key`, as the user typed it, for a message: `--key` (also for
 * `--key=…`, shown without the value), or else the first group of one-letter flags holding it
 * (`-hx` for `x`); with its index in `options`.
 */
function findOption(options: readonly string[], key: string): { at: number; text: string } | undefined {
  let at = options.findIndex((t) => t === `--${key}` || t.startsWith(`--${key}=`));
  if (at >= 0) return { at, text: `--${options[at].slice(2).split("=")[0]}` };
  const group = (t: string): boolean => /^-[^-]/.test(t) && !NEGATIVE.test(t);
  at = options.findIndex((t) => group(t) && t.slice(1).split("=")[0].includes(key));
  if (at < 0) at = options.findIndex((t) => group(t) && t.includes(key));
  return at >= 0 ? { at, text: options[at] } : undefined;
}

/**
 * Whether a command's output is JSON: the parsed `--json` flag when `parsed` succeeded, else
 * (a usage error, reported as `{"error": …}` on stdout with --json) the last `--json` or
 * `--json=VALUE` token before `--`, read as parseArgs reads a switch (true/1/yes, any case).
 * `--json` is never taken as another flag's value (parseArgs refuses a value that starts
 * with "-"), so this agrees with the parsed flag whenever parsing succeeds.
 */
export function wantsJson(args: readonly string[], parsed?: ParsedArgs<ArgSpec> | { flags: { json?: unknown } }): boolean {
  if (parsed !== undefined && !("error" in parsed)) return parsed.flags.json === true;
  const end = args.indexOf("--");
  let json = false;
  for (const token of end < 0 ? args : args.slice(0, end)) {
    const m = /^--json(?:=([\s\S]*))?$/.exec(token);
    if (m) json = m[1] === undefined || TRUE_WORDS.test(m[1]);
  }
  return json;
}

/** Exit codes every command shares (main.ts). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

/** " from MIN to MAX", " of at least MIN", " of at most MAX" or "" (integerProblem's wording). */
function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined && max !== Infinity) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined && max !== Infinity) return ` of at most ${max}`;
  return "";
}

/** A flag value's problem as a message, or null: a whole number in [min, max] when given (max may be Infinity). */
export function integerProblem(flag: string, value: number | undefined, min: number, max: number = Infinity): string | null {
  if (value === undefined || (Number.isInteger(value) && value >= min && value <= max)) return null;
  return `--${flag} must be a whole number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}; got ${value}`;
}

/** A flag value's problem as a message, or null: one of `choices` when given. */
export function choiceProblem(flag: string, value: string | undefined, choices: readonly string[]): string | null {
  if (value === undefined || choices.includes(value)) return null;
  return `--${flag} must be one of ${choices.join(", ")}; got "${value}"`;
}

/** The first non-null problem (flag checks run in order; the first one found is reported). */
export function firstProblem(...problems: (string | null)[]): string | null {
  return problems.find((p) => p !== null) ?? null;
}

/** What a cancelled `train` or `clean` says about the embedding cache: kept, unless --no-cache kept it out. */
export function cancelledCacheNote(noCache: boolean | undefined): string {
  return noCache ? "with --no-cache nothing was written to the embedding cache" : "the embeddings made so far are kept in the cache";
}
