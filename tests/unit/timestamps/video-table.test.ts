// The URL table (tests/fixtures/video-url-table.ts) through the core parser, and the README's
// list of accepted forms checked against it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vimeoEmbedUrl, vimeoHash } from "../../../src/timestamps/player/embed";
import { parseVideoSource } from "../../../src/timestamps/video";
import { acceptedForms, refusedForms, URL_SHAPES, VM, VM_HASH } from "../../fixtures/video-url-table";

describe("parseVideoSource over the URL table", () => {
  it.each(URL_SHAPES.map((s) => [s.source, s.form, s.input, s] as const))("%s %s: %s", (_source, _form, _input, shape) => {
    const result = parseVideoSource(shape.input);
    if ("video" in shape.expected) {
      expect(result).toEqual({ video: shape.expected.video });
    } else {
      expect("error" in result ? result.error : result).toMatch(shape.expected.error);
    }
  });

  it("every unlisted Vimeo form reaches the embedded player with its hash", () => {
    const unlisted = URL_SHAPES.filter((s) => "video" in s.expected && s.expected.video.url.endsWith(`/${VM_HASH}`));
    expect(unlisted.length).toBeGreaterThanOrEqual(12);
    for (const s of unlisted) {
      const r = parseVideoSource(s.input);
      if (!("video" in r)) throw new Error(`${s.input}: ${r.error}`);
      const embed = new URL(vimeoEmbedUrl(r.video.id, vimeoHash(r.video.url), 0, false));
      expect([embed.origin + embed.pathname, embed.searchParams.get("h")], s.input).toEqual([`https://player.vimeo.com/video/${VM}`, VM_HASH]);
    }
  });

  it("covers every YouTube and Vimeo shape of the suites it was taken from", () => {
    // The number of rows from each suite: a row lost in an edit fails here.
    const bySource = (source: string): number => URL_SHAPES.filter((s) => s.source === source).length;
    expect(bySource("get-video-id")).toBeGreaterThanOrEqual(80);
    expect(bySource("js-video-url-parser")).toBeGreaterThanOrEqual(35);
  });
});

/** The `- \`form\`` items between two HTML-comment markers of the README. */
function readmeList(name: string): string[] {
  const readme = readFileSync(join(process.cwd(), "README.md"), "utf8").replace(/\r\n/g, "\n");
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> list`);
  return readme
    .slice(start, end)
    .split("\n")
    .map((line) => /^- `(.+)`$/.exec(line.trim())?.[1])
    .filter((f): f is string => f !== undefined);
}

describe("README: accepted URL forms", () => {
  it("lists exactly the forms of the table that play, in table order", () => {
    expect(readmeList("video-forms")).toEqual(acceptedForms());
  });

  it("lists exactly the forms of the table refused with advice, in table order", () => {
    expect(readmeList("video-refused-forms")).toEqual(refusedForms());
  });
});

describe("parseVideoSource never throws", () => {
  it("on any mix of URL pieces (property test)", async () => {
    const fc = await import("fast-check");
    const pieces = [
      "https://", "http://", "youtube://", "//", "www.", "m.", "youtube.com", "youtu.be", "y2u.be", "vimeo.com", "player.vimeo.com",
      "i.ytimg.com", "google.com", "/url?url=", "/watch", "?v=", "&vi=", "/embed/", "/video/", "/channels/", "/user/x#p/u/1/", "/",
      "Qm4x7-Lb_2c", "823141156", "90e6d75118", "?h=", "#t=1m", "%", "%3D", "%2F", ".swf?clip_id=", "<iframe src=\"", "\">", "[[", "]]",
      "attribution_link?u=", "&", "=", " ",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const r = parseVideoSource(parts.join(""));
        return "video" in r ? r.video.url.startsWith("https://") || r.video.kind === "vault" || r.video.url.startsWith("http://") : typeof r.error === "string";
      }),
      { numRuns: 3000, seed: 17 },
    );
  });
});
