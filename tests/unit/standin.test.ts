// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";

describe("obsidian stand-in", () => {
  it("gives an in-memory vault and Obsidian's DOM helpers", async () => {
    const app = App.createConfigured__({ files: { "a/b.md": "# hi" } });
    const file = app.vault.getFileByPath("a/b.md");
    expect(file).not.toBeNull();
    expect(await app.vault.read(file!)).toBe("# hi");
    const div = document.body.createDiv({ cls: "x" });
    div.createSpan({ text: "t" });
    expect(div.querySelector("span")?.textContent).toBe("t");
  });
});
