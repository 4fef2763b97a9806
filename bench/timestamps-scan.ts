// Timestamp scanning and lookup in Node (the core every view asks), on two adversarial notes:
// - one_line_1mb: a single 1 MB line of backtick runs of many widths (1..64, most never closed)
//   with an inline timestamp every few runs: the scan must stay linear in the line's length.
// - inline_40000: 40,000 inline timestamps, 10 per list section, under 4 videos.
// - lists_10000: 10,000 ```timestamp blocks in list items of every marker width (`1.` to
//   `10000.`), nested items, quotes in items and task items: the container reader's work per line.
//   Only scan_ms and scan_cpu_ms (the blocks' lookup is the binding's, measured above).
// - marker_line_200kb: one line of 100,000 nested list markers (`- - - … `) ending in an inline
//   timestamp: each marker asks whether the rest of the line is a thematic break, which must not
//   cost the rest of the line each time (it did: 60 s). Scan only.
// For each: scan_ms (scanNote + the binding's indexes, a fresh text each run so no cache helps;
// the texts are made before the timed runs, so making them is not charged to the scan),
// lookup_ms (every rendered element placed as Reading view does it: each section's <code> run
// with its section info, and for the 1 MB line its one section), lookup_no_section_ms (the same
// without section info), line_lookup_ms (Live Preview / "Play this timestamp": the inline
// timestamps of every line by line number). Median of `runs`, after `warmups` untimed runs on other
// texts of the same kind. scan_cpu_ms is the process CPU time of the scan (garbage collection on
// other threads included): on a machine shared with other jobs it is the steadier figure.
import { availableParallelism, loadavg } from "node:os";
import { bindingOf, inlineOnLine, placeInline, type NoteBinding, type RenderedInline } from "../src/timestamps/binding";
import { scanNote } from "../src/timestamps/note";
import { median, round2 } from "./stats";

export interface ScanFigures {
  one_line_1mb: NoteFigures;
  inline_40000: NoteFigures;
  lists_10000: ScanOnlyFigures;
  marker_line_200kb: ScanOnlyFigures;
  runs: number;
  /** The machine's 1-minute load average and core count while measuring. */
  load_average: number;
  cores: number;
}

export type ScanOnlyFigures = Pick<NoteFigures, "note_kb" | "timestamps" | "scan_ms" | "scan_cpu_ms">;

export interface NoteFigures {
  note_kb: number;
  timestamps: number;
  scan_ms: number;
  scan_cpu_ms: number;
  lookup_ms: number;
  lookup_no_section_ms: number;
  line_lookup_ms: number;
}

function clock(total: number): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${Math.floor(total / 3600)}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}

/** One line of about `bytes` characters: runs of 1..64 backticks (mostly unclosed) and inline timestamps. */
export function oneLineNote(bytes: number, salt = 0): string {
  const parts: string[] = ["---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---\n"];
  let size = 0;
  let i = salt;
  while (size < bytes) {
    const w = (i * 7) % 64 + 1;
    const piece = i % 5 === 0 ? `\`@${clock(i % 36000)} p${i}\` ` : `${"`".repeat(w)}x${i % 10} `;
    parts.push(piece);
    size += piece.length;
    i += 1;
  }
  return parts.join("");
}

/** `count` inline timestamps, 10 per list section, a video block every count/4. */
export function manyInlineNote(count: number, salt = 0): string {
  const out: string[] = ["# Lesson"];
  const videos = ["https://youtu.be/AAAAAAAAAAA", "https://youtu.be/BBBBBBBBBBB", "https://youtu.be/CCCCCCCCCCC", "https://youtu.be/DDDDDDDDDDD"];
  for (let i = 0; i < count; i++) {
    if (i % (count / 4) === 0) out.push("", "```timestamp-url", videos[(i / (count / 4)) % 4], "```", "");
    if (i % 10 === 0) out.push("");
    out.push(`- point ${i + salt} \`@${clock(i % 36000)}\``);
  }
  return out.join("\n");
}

/** `count` ```timestamp blocks in list containers: numbered items (marker widths 2 to 6), nested items, quotes in items, task items. */
export function listBlocksNote(count: number, salt = 0): string {
  const out: string[] = ["# Lesson", "```timestamp-url", "https://youtu.be/F4tvM4Vb3A0", "```"];
  for (let i = 1; i <= count; i++) {
    const time = clock((i + salt) % 36000);
    const pad = " ".repeat(String(i).length + 2);
    if (i % 4 === 0) out.push(`${i}. \`\`\`timestamp`, `${pad}${time} Part ${i}`, `${pad}\`\`\``);
    else if (i % 4 === 1) out.push(`${i}. > \`\`\`timestamp`, `${pad}> ${time}`, `${pad}> \`\`\``);
    else if (i % 4 === 2) out.push(`- ${i}. \`\`\`timestamp`, `  ${pad}${time}`, `  ${pad}\`\`\``);
    else out.push("", `> - [ ] watch part ${i}`, ">   ```timestamp", `>   ${time}`, ">   ```", "");
  }
  return out.join("\n");
}

/** One line of `markers` nested list markers, then an inline timestamp, under a video block. */
export function markerLineNote(markers: number, salt = 0): string {
  return ["```timestamp-url", "https://youtu.be/F4tvM4Vb3A0", "```", `${"- ".repeat(markers)}\`@${clock(salt % 36000)}\``].join("\n");
}

/** scan_ms and scan_cpu_ms of scanNote alone, as measure() takes them; every note must give `expected` playable timestamps. */
function measureScan(make: (salt: number) => string, expected: number, runs: number, warmups = 10): ScanOnlyFigures {
  const notes = Array.from({ length: warmups + runs }, (_, salt) => make(salt));
  const scans: number[] = [];
  const scanCpu: number[] = [];
  let timestamps = 0;
  for (let r = 0; r < warmups + runs; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const scan = scanNote(notes[r]);
    scans.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    scanCpu.push((cpu.user + cpu.system) / 1000);
    timestamps = scan.timestamps.filter((e) => e.error === null).length;
    if (timestamps !== expected) throw new Error(`found ${timestamps} of ${expected} timestamps`);
    if (r < warmups) {
      scans.pop();
      scanCpu.pop();
    }
  }
  return { note_kb: round2(notes[notes.length - 1].length / 1024), timestamps, scan_ms: round2(median(scans)), scan_cpu_ms: round2(median(scanCpu)) };
}

/** The sections of a note as Reading view gives them (blank-line separated), with their rendered inline timestamps. */
function sectionsOf(binding: NoteBinding): Array<{ range: { lineStart: number; lineEnd: number }; codes: RenderedInline[] }> {
  const sections = new Map<number, { range: { lineStart: number; lineEnd: number }; codes: RenderedInline[] }>();
  const lines = binding.scan.inline;
  // Group by the enclosing run of consecutive lines (one list = one section).
  let current: { range: { lineStart: number; lineEnd: number }; codes: RenderedInline[] } | null = null;
  for (const o of lines) {
    const e = o.entry;
    if (!current || e.line > current.range.lineEnd + 1) {
      current = { range: { lineStart: e.line, lineEnd: e.line }, codes: [] };
      sections.set(e.line, current);
    }
    current.range.lineEnd = e.line;
    current.codes.push({ text: e.text, label: e.label, seconds: e.seconds, error: e.error });
  }
  return [...sections.values()];
}

function measure(make: (salt: number) => string, runs: number, warmups = 10): NoteFigures {
  const notes = Array.from({ length: warmups + runs }, (_, salt) => make(salt));
  const scans: number[] = [];
  const scanCpu: number[] = [];
  const lookups: number[] = [];
  const noSection: number[] = [];
  const lineLookups: number[] = [];
  let note = "";
  let timestamps = 0;
  for (let r = 0; r < warmups + runs; r++) {
    note = notes[r];
    const cpu0 = process.cpuUsage();
    let t0 = performance.now();
    const binding = bindingOf(scanNote(note));
    scans.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    scanCpu.push((cpu.user + cpu.system) / 1000);
    timestamps = binding.scan.timestamps.length;
    const sections = sectionsOf(binding);

    t0 = performance.now();
    let placed = 0;
    for (const s of sections) placed += placeInline(binding, s.codes, s.range).filter((e) => "line" in e).length;
    lookups.push(performance.now() - t0);
    if (placed !== timestamps) throw new Error(`placed ${placed} of ${timestamps} with section info`);

    t0 = performance.now();
    for (const s of sections) placeInline(binding, s.codes, null);
    noSection.push(performance.now() - t0);

    t0 = performance.now();
    let found = 0;
    const lastLine = binding.scan.inline.at(-1)?.entry.line ?? 0;
    for (let line = 0; line <= lastLine; line++) found += inlineOnLine(binding, line).length;
    lineLookups.push(performance.now() - t0);
    if (found !== timestamps) throw new Error(`found ${found} of ${timestamps} by line`);
    if (r < warmups) for (const figures of [scans, scanCpu, lookups, noSection, lineLookups]) figures.pop();
  }
  return {
    note_kb: round2(note.length / 1024),
    timestamps,
    scan_ms: round2(median(scans)),
    scan_cpu_ms: round2(median(scanCpu)),
    lookup_ms: round2(median(lookups)),
    lookup_no_section_ms: round2(median(noSection)),
    line_lookup_ms: round2(median(lineLookups)),
  };
}

export function benchTimestampScan(runs = 9): ScanFigures {
  return {
    one_line_1mb: measure((s) => oneLineNote(1024 * 1024, s), runs),
    inline_40000: measure((s) => manyInlineNote(40_000, s), runs),
    lists_10000: measureScan((s) => listBlocksNote(10_000, s), 10_000, runs),
    marker_line_200kb: measureScan((s) => markerLineNote(100_000, s), 1, runs),
    runs,
    load_average: round2(loadavg()[0]),
    cores: availableParallelism(),
  };
}
