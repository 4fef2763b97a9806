// What every browser test checks when it is done with a page: nothing left 127.0.0.1 (the
// video embeds are answered by local fakes) and nothing threw in the page. Then the page closes,
// pass or fail.
import { expect } from "vitest";
import type { Harness } from "./index";

export async function closeChecked(h: Harness | null): Promise<void> {
  if (!h) return;
  try {
    expect(h.externalRequests).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  } finally {
    await h.close();
  }
}
