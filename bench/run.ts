// Runs every benchmark section and prints the figures: a readable table, or with --json one JSON
// object {section: {figure: value, …}, …}. `--only=a,b` runs some sections.
// Adding a section: import its function and add one entry to SECTIONS.
import { benchTimestamps } from "./timestamps";
import { benchTimestampScan } from "./timestamps-scan";
import { benchCleaner } from "./cleaner";
import { benchEmbed } from "./embed";
import { benchClassifier } from "./classifier";
import { benchQuality, cleanerSeconds } from "./quality";
import { benchStartup } from "./startup";
import { isQualityRowKey, qualityTable } from "./quality-table";
import { parseArgs } from "../src/cli/args";
import { figureTable } from "./figure-table";
import { errorText } from "../src/shared/errors";

type Figures = Record<string, unknown>;

const SECTIONS: Record<string, () => Promise<Figures>> = {
  // main.js evaluated as Obsidian does (new Function(module, exports, require, source)) and onload, in Chromium.
  startup: async () => ({ ...(await benchStartup()) }),
  timestamps: async () => ({ ...(await benchTimestamps()) }),
  // Scanning and lookup in Node on a 1 MB single-line note and a 40,000-inline-timestamp note;
  // scanning 10,000 blocks in list containers, and one line of 100,000 list markers.
  timestamps_scan: () => {
    // One level flattened (one_line_1mb_scan_ms, …) so each figure gets its own row and goal.
    const figures: Figures = {};
    for (const [note, value] of Object.entries(benchTimestampScan() as unknown as Record<string, unknown>)) {
      if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value as Record<string, unknown>)) figures[`${note}_${k}`] = v;
      else figures[note] = value;
    }
    return Promise.resolve(figures);
  },
  cleaner: async () => ({ ...(await benchCleaner()) }),
  // The default backbone (MobileNetV2 cut at block_13_expand_relu, the pass stops there), batch 16,
  // one worker vs one per core, on the CLI's default engine (`engine`: onnxruntime where it loads,
  // else tfjs wasm SIMD; BN folded either way).
  // full_network: MobileNetV2 to flatten_1 (the whole network, as PyTorch's figures are), 224, batch 16;
  // full_network_tfjs: the same on tfjs (the app's engine and the CLI's fallback).
  embed: async () => {
    const r = await benchEmbed({ unfolded: false, decode: false });
    const full = await benchEmbed({ backboneId: "mobilenet_v2-nsfwjs", unfolded: false, decode: false });
    const fullTfjs = await benchEmbed({ backboneId: "mobilenet_v2-nsfwjs", unfolded: false, decode: false, engine: "tfjs" });
    return {
      batch: r.batch,
      engine: r.engine,
      img_per_s_1_thread: r.img_per_s_1_thread,
      img_per_s_all_threads: r.img_per_s_all_threads,
      full_network: { img_per_s_1_thread: full.img_per_s_1_thread, img_per_s_all_threads: full.img_per_s_all_threads, engine: full.engine },
      full_network_tfjs: { img_per_s_1_thread: fullTfjs.img_per_s_1_thread, img_per_s_all_threads: fullTfjs.img_per_s_all_threads },
    };
  },
  classifier: async () => ({ ...(await benchClassifier()) }),
  // Fashion-MNIST, OpenCV digits (held out of tuning) and Twemoji at 40 and 150 per label; bench/quality.ts.
  quality: async () => {
    const figures = await benchQuality();
    const cleaner = await cleanerSeconds();
    return { ...figures, cleaner_seconds_1000: cleaner?.seconds ?? null, cleaner_cpu_seconds_1000: cleaner?.cpu_seconds ?? null };
  },
};

/** References shown beside a figure in the table (higher is better, no verdict). */
const REFERENCES: Record<string, string> = {
  "embed.img_per_s_1_thread": "ref: PyTorch, full MobileNetV2, this machine: 47 img/s (72 channels_last)",
  "embed.img_per_s_all_threads": "ref: PyTorch, full MobileNetV2, this machine: 86 img/s on 2 threads (140 channels_last)",
  "embed.full_network": "ref: PyTorch 1.13 CPU, full MobileNetV2, this machine: 47 / 86 img/s (1 / 2 threads, NCHW), 72 / 140 channels_last",
  "embed.full_network_tfjs": "ref: the same network on tfjs wasm, measured before onnxruntime: 37 / 47 img/s",
  "classifier.embed_img_per_s_per_backbone": "ref (flatten_1 = full network): PyTorch 47 / 86 img/s (1 / 2 threads)",
  // Issue 16's goals, per set, mean over seeds (higher top-k is better, lower error is better).
  "cleaner.oof_topk_precision": "goal: not below 0.85 (issue 16)",
};

/** Goals the figures are read against in the table (lower is better; ms unless the name says otherwise). */
const GOALS: Record<string, number> = {
  "startup.main_js_eval_ms": 10,
  "startup.onload_ms": 20,
  "timestamps.render_2000_ms": 100,
  "timestamps.onload_ms": 20,
  "timestamps_scan.one_line_1mb_scan_ms": 100,
  "timestamps_scan.one_line_1mb_lookup_ms": 100,
  "timestamps_scan.inline_40000_scan_ms": 100,
  "timestamps_scan.inline_40000_lookup_ms": 100,
  "timestamps_scan.lists_10000_scan_ms": 100,
  "timestamps_scan.marker_line_200kb_scan_ms": 100,
  // Seconds, not ms: findIssues on 1,000 Fashion-MNIST images (issue 16's goal).
  "quality.cleaner_seconds_1000": 10,
  "quality.cleaner_cpu_seconds_1000": 10,
};

function formatValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 3 : 2);
  if (Array.isArray(v)) return v.map(formatValue).join(", ");
  if (v !== null && typeof v === "object") {
    return Object.entries(v).map(([k, x]) => (x !== null && typeof x === "object" && !Array.isArray(x) ? `${k}={${formatValue(x)}}` : `${k}=${formatValue(x)}`)).join(", ");
  }
  return String(v);
}

function table(results: Record<string, Figures>): string {
  const rows: [string, string, string][] = [["figure", "value", "goal / reference"]];
  for (const [section, figures] of Object.entries(results)) {
    for (const [name, value] of Object.entries(figures)) {
      // The quality section's per-set rows get their own table (qualityTable), below this one.
      if (section === "quality" && isQualityRowKey(name)) continue;
      const goal = GOALS[`${section}.${name}`];
      const verdict = goal === undefined || typeof value !== "number" ? (REFERENCES[`${section}.${name}`] ?? "") : `< ${goal} ${value < goal ? "met" : "MISSED"}`;
      rows.push([`${section}.${name}`, formatValue(value), verdict]);
    }
  }
  return figureTable(rows);
}

const USAGE = `usage: npx tsx bench/run.ts [--only SECTION[,SECTION…]] [--json]
  --only   run only these sections (--only=a,b or --only a,b); known: ${Object.keys(SECTIONS).join(", ")}
  --json   one JSON object {section: {figure: value, …}, …} instead of the table
`;

async function main(argv: string[]): Promise<number> {
  // The CLI's parser: an unknown or misspelled flag, or a stray word, stops here (exit 2)
  // instead of running every section.
  const parsed = parseArgs(argv, { only: "string", json: "boolean", help: { type: "boolean", short: "h" } });
  if ("error" in parsed || parsed.positional.length > 0) {
    console.error(`bench: ${"error" in parsed ? parsed.error : `unexpected argument "${parsed.positional[0]}"`}\n${USAGE}`);
    return 2;
  }
  if (parsed.flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const json = parsed.flags.json === true;
  const only = parsed.flags.only?.split(",");
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
  if (!json && results.quality) process.stdout.write(`\nquality, per set (mean over seeds; the cleaner section's oof_topk_precision is the Fashion-MNIST reference of 0.85 at 100 per label):\n${qualityTable(results.quality)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // The message only (e.g. main.js missing: run npm run build first), no stack trace.
    console.error(`bench: ${errorText(e)}`);
    process.exit(1);
  },
);
