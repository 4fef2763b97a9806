// vitest setup: Obsidian's DOM and JS prototype extensions (createEl, createDiv, ...).
// Only where there is a DOM: the mocks touch `document` on import, and pure tests run in node.
export {};

if (typeof document !== "undefined") {
  const { setup } = await import("obsidian-test-mocks/setup");
  setup();
}
