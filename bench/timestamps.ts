// Timestamps benchmark, measured in Chromium with the browser harness (tests/e2e/harness):
// - render_2000_ms: Reading view of a note with 2,000 timestamps (200 ```timestamp blocks of 10,
//   each followed by a heading, under one ```timestamp-url block), from the start of rendering
//   until the processors have settled and the DOM holds 2,000 links. Median of `runs` renders in
//   one page; the first (cold) run is reported apart.
// - render_harness_only_ms: the same note rendered with no processor registered: the cost of the
//   harness's own Reading-view stand-in, included in render_2000_ms.
// - onload_ms: `await plugin.onload()`, median over `runs` fresh page loads (each a new JS realm).
import { rm } from "node:fs/promises";
import { CHROMIUM, makeTempVault, openHarness, type Harness } from "../tests/e2e/harness";
import { median, round2 } from "./stats";

export interface TimestampFigures {
  render_2000_ms: number;
  render_2000_first_ms: number;
  render_2000_runs_ms: number[];
  render_harness_only_ms: number;
  links: number;
  blocks: number;
  note_kb: number;
  onload_ms: number;
  onload_runs_ms: number[];
  onload_sync_ms: number;
  main_js_eval_ms: number;
  runs: number;
  browser: string;
  /** performance.now() resolution seen in the page, ms (0.005 when cross-origin isolated). */
  timer_resolution_ms: number;
}

export interface TimestampBenchOptions {
  runs?: number;
  /** Total timestamps in the note (a multiple of perBlock). */
  timestamps?: number;
  perBlock?: number;
}

function clock(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** A lesson note in the style of the fast.ai notes, with `total` timestamps in blocks of `perBlock`. */
export function bigLessonNote(total: number, perBlock: number): string {
  const out: string[] = ["---", "tags:", "  - Bench", "Video: https://www.youtube.com/watch?v=F4tvM4Vb3A0", "---", "## Video Notes", ""];
  out.push("```timestamp-url ", " https://www.youtube.com/watch?v=F4tvM4Vb3A0", " ```", "");
  let t = 5;
  for (let b = 0; b < total / perBlock; b++) {
    out.push("```timestamp ");
    for (let i = 0; i < perBlock; i++) {
      out.push(` ${clock(t)}${i % 2 === 0 ? ` Point ${b}.${i}` : ""}`);
      t += 3;
    }
    out.push(" ```", `### Chapter ${b + 1}`, `- Notes on chapter ${b + 1}, with \`code\` in it`, "");
  }
  return out.join("\n");
}

async function browserVersion(h: Harness): Promise<string> {
  const cdp = await h.context.newCDPSession(h.page);
  try {
    return (await cdp.send("Browser.getVersion")).product;
  } finally {
    await cdp.detach();
  }
}

export async function benchTimestamps(options: TimestampBenchOptions = {}): Promise<TimestampFigures> {
  const runs = options.runs ?? 7;
  const total = options.timestamps ?? 2000;
  const perBlock = options.perBlock ?? 10;
  const note = bigLessonNote(total, perBlock);
  const vault = await makeTempVault({ "Big lesson.md": note });
  // Cross-origin isolated: performance.now() at 5 µs rather than 100 µs, which matters for onload.
  const h = await openHarness({ vault, isolated: true });
  try {
    const renders: number[] = [];
    let links = 0;
    for (let i = 0; i < runs + 1; i++) {
      const r = await h.renderNote("Big lesson.md", { expectLinks: total });
      if (r.errors.length > 0) throw new Error(`processors failed: ${r.errors.join("; ")}`);
      renders.push(r.ms);
      links = r.links;
    }
    if (links !== total) throw new Error(`rendered ${links} timestamp links, expected ${total}`);
    const harnessOnly: number[] = [];
    for (let i = 0; i < runs; i++) harnessOnly.push((await h.renderNote("Big lesson.md", { withoutProcessors: true })).ms);

    const onloads: number[] = [h.boot.onloadMs];
    const syncs: number[] = [h.boot.onloadSyncMs];
    const evals: number[] = [h.boot.evalMs];
    for (let i = 1; i < runs; i++) {
      const b = await h.reload();
      onloads.push(b.onloadMs);
      syncs.push(b.onloadSyncMs);
      evals.push(b.evalMs);
    }
    const [first, ...warm] = renders;
    return {
      render_2000_ms: round2(median(warm)),
      render_2000_first_ms: round2(first),
      render_2000_runs_ms: warm.map(round2),
      render_harness_only_ms: round2(median(harnessOnly)),
      links,
      blocks: total / perBlock,
      note_kb: round2(note.length / 1024),
      onload_ms: round2(median(onloads)),
      onload_runs_ms: onloads.map(round2),
      onload_sync_ms: round2(median(syncs)),
      main_js_eval_ms: round2(median(evals)),
      runs,
      browser: `${await browserVersion(h)} (${CHROMIUM})`,
      timer_resolution_ms: await h.page.evaluate(() => {
        // Smallest non-zero step between successive performance.now() readings.
        let best = Infinity;
        let last = performance.now();
        for (let i = 0; i < 200_000 && best > 0.001; i++) {
          const now = performance.now();
          if (now > last) best = Math.min(best, now - last);
          last = now;
        }
        return Math.round(best * 1e4) / 1e4;
      }),
    };
  } finally {
    await h.close();
    await rm(vault, { recursive: true, force: true });
  }
}
