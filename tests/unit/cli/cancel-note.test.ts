// QA 9: a cancelled `train`/`clean` run with --no-cache must not claim the embeddings were cached.
import { describe, expect, it } from "vitest";
import { cancelledCacheNote } from "../../../src/cli/args";

describe("the cancel message's note on the embedding cache", () => {
  it("says the embeddings are kept only when the cache is in use", () => {
    expect(cancelledCacheNote(undefined)).toBe("the embeddings made so far are kept in the cache");
    expect(cancelledCacheNote(false)).toBe("the embeddings made so far are kept in the cache");
    expect(cancelledCacheNote(true)).toBe("with --no-cache nothing was written to the embedding cache");
    expect(cancelledCacheNote(true)).not.toContain("kept in the cache");
  });
});
