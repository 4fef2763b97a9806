// Embed codes in a ```timestamp-url block as share dialogs and editors leave them: wrapped over
// several lines (QA of issue 17, defect 5). One URL per line is still one video per block.
import { describe, expect, it } from "vitest";
import { scanNote } from "../../../src/timestamps/note";
import { VM, VM_HASH, YT } from "../../fixtures/video-url-table";

function firstVideo(block: string[]): { video: unknown; error: string | null } {
  const scan = scanNote(["```timestamp-url", ...block, "```", "```timestamp", "1:00", "```"].join("\n"));
  const t = scan.timestamps[0];
  return { video: t?.video ?? null, error: t?.error ?? null };
}

describe("an embed code over several lines", () => {
  it("Vimeo's iframe with its attributes wrapped onto a second line plays the video with its hash", () => {
    expect(firstVideo([`<iframe src="https://player.vimeo.com/video/${VM}?h=${VM_HASH}" width="640"`, ` height="360"></iframe>`])).toEqual({
      video: { kind: "vimeo", id: VM, url: `https://vimeo.com/${VM}/${VM_HASH}` },
      error: null,
    });
  });

  it("Vimeo's responsive embed code, one tag a line", () => {
    const lines = [
      `<div style="padding:56.25% 0 0 0;position:relative;">`,
      `<iframe src="https://player.vimeo.com/video/${VM}?h=${VM_HASH}&amp;badge=0" frameborder="0"`,
      ` style="position:absolute;top:0;left:0;width:100%;height:100%;" title="Lesson 2"></iframe></div>`,
      `<script src="https://player.vimeo.com/api/player.js"></script>`,
    ];
    expect(firstVideo(lines).video).toEqual({ kind: "vimeo", id: VM, url: `https://vimeo.com/${VM}/${VM_HASH}` });
  });

  it("two URLs on two lines stay refused: a block holds one video", () => {
    expect(firstVideo([`https://youtu.be/${YT}`, `https://vimeo.com/${VM}`]).error).toMatch(/holds one video; this one has 2 lines/);
  });
});
