// The `obsidian` module as the tests see it: the maintained obsidian-test-mocks
// package, re-exported whole. Extensions the mocks lack are added here, so that
// vitest (through an alias) and the browser harness (through a bundle) share one stand-in.
export * from "obsidian-test-mocks/obsidian";
