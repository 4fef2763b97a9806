// @vitest-environment happy-dom
// Renderer fuzz: random block sources (with and without section info) through both code-block
// processors never throw and always leave a link or an error span; the same strings as inline
// code through the post-processor never throw and leave a link, an error or the code untouched.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeCtx, makePlugin, postProcessor, processor } from "./helpers";

const pieces = fc.oneof(
  fc.string(),
  fc.constantFrom("06:45", " 1:02:03 ", "99:99", "-1:00", "1e3", "00:00.5", "6:7x", "\t", "\n", "```", "~~~", "@06:45"),
  fc.constantFrom(
    "https://www.youtube.com/watch?v=F4tvM4Vb3A0",
    "https://youtu.be/F4tvM4Vb3A0?t=10",
    "https://vimeo.com/76979871/abc123",
    "javascript:alert(1)",
    "[[Videos/lesson.mp4]]",
    "[[missing.mkv|alias]]",
    "https://example.org/a.mp4",
    "data:text/html,<b>x</b>",
    "---\nvideo: https://youtu.be/F4tvM4Vb3A0\n---",
  ),
);
const sources = fc
  .tuple(fc.array(pieces, { maxLength: 6 }), fc.constantFrom("\n", "\r\n", " ", ""))
  .map(([parts, sep]) => parts.join(sep));

describe("renderer fuzz", () => {
  it("10,000 random sources: never throws, always links or an error", async () => {
    const h = await makePlugin({ "Note.md": "", "Videos/lesson.mp4": "" });
    const stamp = processor(h.plugin, "timestamp");
    const url = processor(h.plugin, "timestamp-url");
    const inline = postProcessor(h.plugin);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(sources, fc.boolean(), fc.boolean(), fc.nat({ max: 8 }), async (source, useUrl, withSection, pad) => {
        runs += 1;
        const language = useUrl ? "timestamp-url" : "timestamp";
        // The note as Obsidian would hold it: `pad` lines, then this block.
        const text = `${"x\n".repeat(pad)}\`\`\`${language}\n${source}\n\`\`\`\n`;
        const endLine = pad + 1 + source.split(/\r\n|\r|\n/).length;
        const el = document.body.createDiv();
        const ctx = makeCtx(h, "Note.md", withSection ? { text, lineStart: pad, lineEnd: endLine } : null);
        await (useUrl ? url : stamp)(source, el, ctx);
        const links = el.querySelectorAll("a.lesson-lab-timestamp, a.lesson-lab-video-link").length;
        const errors = el.querySelectorAll(".lesson-lab-error").length;
        expect(links + errors).toBeGreaterThan(0);
        for (const a of el.querySelectorAll<HTMLElement>("a.lesson-lab-timestamp")) {
          expect(Number.isFinite(Number(a.dataset.seconds))).toBe(true);
        }
        el.remove();

        const p = document.body.createEl("p");
        p.createEl("code", { text: source });
        await inline(p, ctx);
        const inlineOut = p.querySelectorAll("a.lesson-lab-timestamp, .lesson-lab-error, code").length;
        expect(inlineOut).toBeGreaterThan(0);
        p.remove();
      }),
      { numRuns: 10_000, seed: 20261125 },
    );
    expect(runs).toBe(10_000);
  });
});
