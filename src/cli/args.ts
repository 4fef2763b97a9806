// A small argv parser shared by the CLI commands: positional arguments, `--flag value`,
// `--flag=value`, boolean flags, `--` to end options, and a clear error for anything unknown.

export type FlagType = "boolean" | "string" | "number";

/** A flag's type, or its type and a one-letter alias (`{ type: "boolean", short: "h" }` for `-h`). */
export type FlagSpec = FlagType | { type: FlagType; short?: string };

export type ArgSpec = Record<string, FlagSpec>;

type ValueOf<T extends FlagSpec> = (T extends { type: infer U } ? U : T) extends "boolean"
  ? boolean
  : (T extends { type: infer U } ? U : T) extends "number"
    ? number
    : string;

/** Flags that were given; absent ones are undefined. A repeated flag keeps its last value. */
export type Flags<S extends ArgSpec> = { [K in keyof S]?: ValueOf<S[K]> };

export type ParsedArgs<S extends ArgSpec> = { positional: string[]; flags: Flags<S> } | { error: string };

function typeOf(spec: FlagSpec): FlagType {
  return typeof spec === "string" ? spec : spec.type;
}

/**
 * Parses `argv` against `spec`. Never throws: a problem (unknown flag, missing or bad value)
 * comes back as `{ error }` with a message meant for the user.
 */
export function parseArgs<S extends ArgSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  const positional: string[] = [];
  const flags: Record<string, string | number | boolean> = {};
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) {
    if (typeof s !== "string" && s.short) byShort.set(s.short, name);
  }

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (name === "" || !Object.prototype.hasOwnProperty.call(spec, name)) return { error: `unknown option --${name}` };
    } else if (arg.length > 1 && arg.startsWith("-") && !/^-[0-9.]/.test(arg)) {
      // `-5` and `-.5` stay positional (negative numbers); `-x` must be a declared alias.
      const short = arg.slice(1);
      const long = byShort.get(short);
      if (long === undefined) return { error: `unknown option ${arg}` };
      name = long;
    } else {
      positional.push(arg);
      continue;
    }

    const type = typeOf(spec[name]);
    if (type === "boolean") {
      if (inline === undefined) flags[name] = true;
      else if (/^(?:true|1|yes)$/i.test(inline)) flags[name] = true;
      else if (/^(?:false|0|no)$/i.test(inline)) flags[name] = false;
      else return { error: `--${name} is a switch: give it alone or as --${name}=true / --${name}=false, not "${inline}"` };
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next.length > 1 && !/^-[0-9.]/.test(next))) {
        return { error: `--${name} needs a value` };
      }
      value = next;
      i += 1;
    }
    if (type === "number") {
      const n = value.trim() === "" ? NaN : Number(value);
      if (!Number.isFinite(n)) return { error: `--${name} needs a number, not "${value}"` };
      flags[name] = n;
    } else {
      flags[name] = value;
    }
  }
  return { positional, flags: flags as Flags<S> };
}

/** Exit codes every command shares (main.ts). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

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
