// Runs every benchmark section and prints the figures: a readable table, or with --json one JSON
// object {section: {figure: value, …}, …}. `--only=a,b` runs some sections.
// Adding a section: import its function and add one entry to SECTIONS.
import { benchTimestamps } from "./timestamps";
import { benchCleaner } from "./cleaner";

type Figures = Record<string, unknown>;

const SECTIONS: Record<string, () => Promise<Figures>> = {
  timestamps: async () => ({ ...(await benchTimestamps()) }),
  cleaner: async () => ({ ...(await benchCleaner()) }),
};

/** Goals the figures are read against in the table (ms, lower is better). */
const GOALS: Record<string, number> = {
  "timestamps.render_2000_ms": 100,
  "timestamps.onload_ms": 20,
};

function formatValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (Array.isArray(v)) return v.map(formatValue).join(", ");
  return String(v);
}

function table(results: Record<string, Figures>): string {
  const rows: [string, string, string][] = [["figure", "value", "goal"]];
  for (const [section, figures] of Object.entries(results)) {
    for (const [name, value] of Object.entries(figures)) {
      const goal = GOALS[`${section}.${name}`];
      const verdict = goal === undefined || typeof value !== "number" ? "" : `< ${goal} ${value < goal ? "met" : "MISSED"}`;
      rows.push([`${section}.${name}`, formatValue(value), verdict]);
    }
  }
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd()).join("\n");
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
  const unknown = only?.filter((s) => !(s in SECTIONS)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(", ")}; known: ${Object.keys(SECTIONS).join(", ")}`);
    return 2;
  }
  const results: Record<string, Figures> = {};
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (only && !only.includes(name)) continue;
    if (!json) console.error(`running ${name}…`);
    results[name] = await run();
  }
  process.stdout.write(`${json ? JSON.stringify(results) : table(results)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
