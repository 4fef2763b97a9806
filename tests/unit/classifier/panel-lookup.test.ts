import { describe, expect, it } from "vitest";
import { findModelFor, normalizeModelPath, parseClassifyBlock } from "../../../src/classifier/model-lookup";

function deps(files: string[], lastModel: string | null = null) {
  const set = new Set(files);
  return { exists: (p: string) => Promise.resolve(set.has(p)), lastModel };
}

describe("findModelFor", () => {
  it("uses the model beside the image's dataset folder", async () => {
    const d = deps(["Pets.model/metadata.json", "Pets/cat/a.png"]);
    expect(await findModelFor("Pets/cat/a.png", d)).toEqual({ folder: "Pets.model", why: "dataset" });
  });

  it("prefers the nearest dataset when datasets are nested", async () => {
    const d = deps(["Zoo.model/metadata.json", "Zoo/Pets.model/metadata.json"]);
    expect(await findModelFor("Zoo/Pets/cat/a.png", d)).toEqual({ folder: "Zoo/Pets.model", why: "dataset" });
    expect(await findModelFor("Zoo/birds/b.png", d)).toEqual({ folder: "Zoo.model", why: "dataset" });
  });

  it("falls back to the last used model, then to a clear message", async () => {
    expect(await findModelFor("inbox/x.png", deps(["Pets.model/metadata.json"], "Pets.model"))).toEqual({ folder: "Pets.model", why: "recent" });
    const gone = await findModelFor("inbox/x.png", deps([], "Pets.model"));
    expect("error" in gone && gone.error).toContain('"Pets.model" is gone');
    const none = await findModelFor("x.png", deps([]));
    expect("error" in none && none.error).toContain("No trained model found");
  });

  it("ignores a model folder without metadata.json", async () => {
    expect("error" in (await findModelFor("Pets/cat/a.png", deps(["Pets.model/model.json"])))).toBe(true);
  });
});

describe("parseClassifyBlock", () => {
  it.each([
    ["![[bear.jpg]]", "bear.jpg"],
    ["[[animals/bear.jpg|small]]", "animals/bear.jpg"],
    ["![bear](animals/grizzly%20bear.jpg)", "animals/grizzly bear.jpg"],
    ["![](<animals/a b.png>)", "animals/a b.png"],
    ["animals/bear.jpg", "animals/bear.jpg"],
    ["image: animals/bear.jpg", "animals/bear.jpg"],
  ])("reads the image of %j", (line, image) => {
    expect(parseClassifyBlock(line)).toEqual({ image, model: null, problems: [] });
  });

  it("reads an explicit model in any spelling", () => {
    expect(parseClassifyBlock("![[b.jpg]]\nmodel: bears.model/").model).toBe("bears.model");
    expect(parseClassifyBlock("Model:  /x/bears.model/metadata.json\n![[b.jpg]]").model).toBe("x/bears.model");
    expect(normalizeModelPath("a\\b.model\\")).toBe("a/b.model");
  });

  it("explains what is wrong", () => {
    expect(parseClassifyBlock("").problems).toEqual(["The block names no image: add ![[image.png]] or a path."]);
    expect(parseClassifyBlock("![[a.png]]\n![[b.png]]").problems).toEqual(["Only one image per classify block."]);
    expect(parseClassifyBlock("![[a.png]]\nmodel:").problems[0]).toContain("names no folder");
    expect(parseClassifyBlock("[[broken").problems[0]).toContain("Cannot read");
  });
});
