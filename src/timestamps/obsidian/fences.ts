// Which lines of a note belong to fenced code (fence lines included), so Live Preview leaves
// their backticks alone. Pure: no Obsidian import.

const FENCE = /^(?:[ \t]*>)*[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?(`{3,}|~{3,})(.*)$/;

export function fencedLineMask(lines: readonly string[]): boolean[] {
  const mask = new Array<boolean>(lines.length).fill(false);
  let open: { char: string; width: number } | null = null;
  lines.forEach((line, i) => {
    const m = FENCE.exec(line);
    if (open === null) {
      // A backtick fence's info string may not hold backticks (that would be inline code).
      if (m && !(m[1].startsWith("`") && m[2].includes("`"))) {
        open = { char: m[1].charAt(0), width: m[1].length };
        mask[i] = true;
      }
      return;
    }
    mask[i] = true;
    if (m && m[1].charAt(0) === open.char && m[1].length >= open.width && m[2].trim() === "") open = null;
  });
  return mask;
}
