// What every browser test checks when it is done with a page: nothing left 127.0.0.1 (the
// video embeds are answered by local fakes) and nothing threw in the page. Then the page closes,
// pass or fail. cleanUpAfterEach does that, and removes temporary vaults, after every test of a file.
import { rm } from "node:fs/promises";
import { afterEach, expect } from "vitest";
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

/**
 * What the tests of a file open, undone after each test: every harness closed through
 * closeChecked (so no outside request and no page error go unnoticed), then every temporary
 * vault folder removed. `harness` and `folder` return what they are given.
 */
export function cleanUpAfterEach(): { harness(h: Harness): Harness; folder(path: string): string } {
  const harnesses: Harness[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    const open = harnesses.splice(0);
    const made = folders.splice(0);
    try {
      for (const h of open) await closeChecked(h);
    } finally {
      for (const f of made) await rm(f, { recursive: true, force: true });
    }
  });
  return {
    harness: (h) => {
      harnesses.push(h);
      return h;
    },
    folder: (path) => {
      folders.push(path);
      return path;
    },
  };
}
