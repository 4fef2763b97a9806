// Names shared by the harness page (tests/standin/browser-harness.ts) and its Node side
// (tests/e2e/harness/index.ts). No imports: safe to load in either.

/** The global the wrapped plugin bundle assigns its CommonJS factory to. */
export const FACTORY_GLOBAL = "lessonLabPluginFactory";
