// The CleanerSession's ports on the live vault (file-ops.ts) and on what the plugin passes in
// (CleanerServices: decisions, reports, the Trainer and Thumbnails ports).
import { Notice, type App } from "obsidian";
import type { CleanerPorts, DecisionStore, Finder, ThumbnailsFactory, Trainer } from "../ports";
import type { ReviewReport } from "../review-items";
import { ObsidianFileOps, obsidianLogStore, ObsidianVaultView } from "./file-ops";

/** What the cleaner feature hands its panes (src/cleaner/obsidian/feature.ts). */
export interface CleanerServices {
  decisions: DecisionStore;
  /** Reports made this app session, per dataset folder: reopening the pane does not retrain. */
  reports: Map<string, ReviewReport>;
  /** Read at each use (tests swap it); undefined when this build cannot train. */
  readonly trainer: Trainer | undefined;
  thumbnails: ThumbnailsFactory;
}

/** findIssues (src/cleaner/find.ts, with the classifier's metrics) loaded on first use. */
const findSuspects: Finder = async (result, progress, signal) => {
  const [{ findIssues }, { describeFindProgress }] = await Promise.all([import("../find"), import("../review-report")]);
  return findIssues(result, {}, signal, (p) => progress(describeFindProgress(p)));
};

/** The session's ports for `app`. */
export function cleanerPorts(app: App, services: CleanerServices): CleanerPorts {
  return {
    files: new ObsidianFileOps(app),
    vault: (folder) => new ObsidianVaultView(app, folder),
    log: (folder) => obsidianLogStore(app, folder),
    decisions: services.decisions,
    get trainer() {
      return services.trainer;
    },
    finder: findSuspects,
    notify: (message) => new Notice(message),
    reports: services.reports,
  };
}
