// vitest setup: Obsidian's DOM and JS prototype extensions (createEl, createDiv, ...).
import { setup } from "obsidian-test-mocks/setup";

setup();
