import { describe, expect, it } from "vitest";
import { baseName, freeName, freeNameAsync, isInside, joinPath, labelProblem, parentOf, splitName } from "../../../src/cleaner/names";

const takenSet = (...paths: string[]) => {
  const s = new Set(paths);
  return (p: string) => s.has(p);
};

describe("freeName", () => {
  it("keeps a free name", () => {
    expect(freeName("ds/b", "img.jpg", takenSet())).toBe("ds/b/img.jpg");
  });

  it("counts up from (2)", () => {
    expect(freeName("ds/b", "img.jpg", takenSet("ds/b/img.jpg"))).toBe("ds/b/img (2).jpg");
    expect(freeName("ds/b", "img.jpg", takenSet("ds/b/img.jpg", "ds/b/img (2).jpg"))).toBe("ds/b/img (3).jpg");
  });

  it("continues an existing counter instead of nesting it", () => {
    expect(freeName("ds/b", "img (2).jpg", takenSet("ds/b/img (2).jpg"))).toBe("ds/b/img (3).jpg");
    expect(freeName("ds/b", "img (9).jpg", takenSet("ds/b/img (9).jpg", "ds/b/img (10).jpg"))).toBe("ds/b/img (11).jpg");
  });

  it("does not treat (1), (0), (02) or a bare (2) as a counter", () => {
    expect(freeName("f", "img (1).jpg", takenSet("f/img (1).jpg"))).toBe("f/img (1) (2).jpg");
    expect(freeName("f", "img (02).jpg", takenSet("f/img (02).jpg"))).toBe("f/img (02) (2).jpg");
    expect(freeName("f", "(2).jpg", takenSet("f/(2).jpg"))).toBe("f/(2) (2).jpg");
  });

  it("handles names without extension, dotfiles and several dots", () => {
    expect(freeName("f", "README", takenSet("f/README"))).toBe("f/README (2)");
    expect(freeName("f", "README (2)", takenSet("f/README (2)"))).toBe("f/README (3)");
    expect(freeName("f", ".hidden", takenSet("f/.hidden"))).toBe("f/.hidden (2)");
    expect(freeName("f", ".hidden.jpg", takenSet("f/.hidden.jpg"))).toBe("f/.hidden (2).jpg");
    expect(freeName("f", "a.tar.gz", takenSet("f/a.tar.gz"))).toBe("f/a.tar (2).gz");
  });

  it("works at the vault root", () => {
    expect(freeName("", "a.jpg", takenSet("a.jpg"))).toBe("a (2).jpg");
  });

  it("gives an error instead of looping forever, and rejects non-names", () => {
    expect(() => freeName("f", "a.jpg", () => true)).toThrow(/No free name/);
    expect(() => freeName("f", "x/a.jpg", () => false)).toThrow(/not a file name/);
    expect(() => freeName("f", "", () => false)).toThrow(/not a file name/);
  });

  it("has an async twin that agrees", async () => {
    const taken = takenSet("f/a.jpg", "f/a (2).jpg");
    expect(await freeNameAsync("f", "a.jpg", (p) => Promise.resolve(taken(p)))).toBe(freeName("f", "a.jpg", taken));
  });
});

describe("path helpers", () => {
  it("split and join", () => {
    expect(parentOf("a/b/c.jpg")).toBe("a/b");
    expect(parentOf("c.jpg")).toBe("");
    expect(baseName("a/b/c.jpg")).toBe("c.jpg");
    expect(joinPath("", "x")).toBe("x");
    expect(joinPath("a/", "x")).toBe("a/x");
    expect(splitName("img (3).jpg")).toEqual({ stem: "img", ext: ".jpg", counter: 3 });
  });

  it("isInside needs a real child, not a name prefix", () => {
    expect(isInside("ds/a/x.jpg", "ds")).toBe(true);
    expect(isInside("ds2/x.jpg", "ds")).toBe(false);
    expect(isInside("ds", "ds")).toBe(false);
    expect(isInside("x.jpg", "")).toBe(true);
  });

  it("labelProblem", () => {
    expect(labelProblem("grizzly")).toBeNull();
    expect(labelProblem("")).toMatch(/empty/);
    expect(labelProblem("a/b")).toMatch(/contains/);
    expect(labelProblem(".trash")).toMatch(/dot/);
    expect(labelProblem("..")).toMatch(/dot/);
    expect(labelProblem(" x")).toMatch(/space/);
  });
});
