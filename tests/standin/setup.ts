// vitest setup: Obsidian's DOM and JS prototype extensions (createEl, createDiv, ...).
// Only where there is a DOM: the mocks touch `document` on import, and pure tests run in node.
import { useYamlReader } from "../../src/timestamps/frontmatter";
import { readYamlWithLibrary } from "../../src/timestamps/frontmatter-yaml";

// The core's scans read front matter with the YAML reader their caller passes; tests that call
// the core directly get the CLI's (the `yaml` library), as the CLI does. The app passes its own.
useYamlReader(readYamlWithLibrary);

if (typeof document !== "undefined") {
  const { setup } = await import("obsidian-test-mocks/setup");
  setup();
}
