// The bench's main table: figure, value, goal / reference. A long value (a list of file sizes)
// would set the value column's width and push every goal far right, so the value column is
// capped: a longer value is wrapped at its ", " separators onto continuation lines in the value
// column, and its goal stays on the row's first line.

/** Widest value column, in characters. */
export const VALUE_COLUMN_CAP = 40;

/** `value` as lines of at most `cap` characters, broken after ", " where possible (a longer piece is cut). */
export function wrapValue(value: string, cap = VALUE_COLUMN_CAP): string[] {
  if (value.length <= cap) return [value];
  const lines: string[] = [];
  let line = "";
  const parts = value.split(", ");
  for (const piece of parts.map((p, i) => (i < parts.length - 1 ? `${p}, ` : p))) {
    if (line !== "" && (line + piece).trimEnd().length > cap) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += piece;
    while (line.length > cap) {
      lines.push(line.slice(0, cap));
      line = line.slice(cap);
    }
  }
  if (line.trimEnd() !== "") lines.push(line.trimEnd());
  return lines;
}

/** rows ([figure, value, goal]) as aligned text lines; the first row is the header. */
export function figureTable(rows: [string, string, string][], cap = VALUE_COLUMN_CAP): string {
  const wrapped = rows.map(([figure, value, goal]) => ({ figure, values: wrapValue(value, cap), goal }));
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...wrapped.flatMap((r) => r.values.map((v) => v.length)));
  const out: string[] = [];
  for (const r of wrapped) {
    r.values.forEach((v, i) => out.push(`${(i === 0 ? r.figure : "").padEnd(w0)}  ${v.padEnd(w1)}  ${i === 0 ? r.goal : ""}`.trimEnd()));
  }
  return out.join("\n");
}
