// What the cleaner needs from the rest of the plugin and from the vault, declared here by the
// consumer: the Obsidian adapters (src/cleaner/obsidian/) and src/plugin.ts provide them, tests
// pass fakes. Pure: no Obsidian import.
import type { TrainResult } from "../classifier/pipeline";
import type { TrainProgress } from "../classifier/types";
import type { FileOps } from "./batch-types";
import type { DecisionBook } from "./decisions";
import type { CleanReport } from "./find";
import type { VaultView } from "./plan";
import type { ReviewReport } from "./review-items";
import type { LogStore } from "./workflow";

/** Reports a long task's progress as one line of text for the status line. */
export type Progress = (text: string) => void;

/** What a training run reports and how it is cancelled. */
export interface TrainRequest {
  /** The pipeline's progress events (classifier/types.ts TrainProgress). */
  onProgress?: (p: TrainProgress) => void;
  /** Cancels between steps: the promise then rejects with an AbortError. */
  signal?: AbortSignal;
}

/**
 * Trains the classifier on a dataset folder (sub-folders are labels), in the app: the one in-app
 * training service (src/classifier/obsidian/training-service.ts: the panel's settings for that
 * folder, the shared embedding cache, the model saved and older ones pruned), passed in by
 * src/plugin.ts.
 */
export interface Trainer {
  /**
   * The training result of `folder` (vault path), with the tfjs backend it ran on ("webgl",
   * "wasm", "cpu") when known. Resolves with `error` set when the folder cannot be trained on;
   * rejects when the runtime cannot load, and with an AbortError when `request.signal` aborts.
   */
  train(folder: string, request: TrainRequest): Promise<TrainResult & { backend?: string }>;
}

/** Finds the suspects in a training result (src/cleaner/find.ts findIssues, loaded on first use). */
export type Finder = (result: TrainResult, progress: Progress, signal: AbortSignal) => Promise<CleanReport>;

/** Draws small thumbnails of vault images into elements when they scroll into view. */
export interface Thumbnails {
  /** Draws the image at vault path `path` into `el` once `el` is visible. */
  attach(path: string, el: HTMLElement): void;
  /** Stops drawing and releases what is held. */
  close(): void;
}

/** Where thumbnails read image bytes: the file at vault path `path`, whole. */
export interface ImageBytes {
  readBinary(path: string): Promise<Uint8Array>;
}

/**
 * Makes a Thumbnails drawing bitmaps `pixels` square from `source` (the classifier's thumbnailer,
 * loaded on first use). Rejects when its code cannot be loaded.
 */
export type ThumbnailsFactory = (source: ImageBytes, pixels: number) => Promise<Thumbnails>;

/** The vault as the session sees one dataset folder: what planBatch reads, and the label folders. */
export interface DatasetView extends VaultView {
  /** The dataset's label folders (its sub-folders not starting with "."), sorted. */
  labelFolders(): string[];
}

/** The cleaner's decisions, kept in plugin data until applied or cleared. */
export interface DecisionStore {
  /** The decisions of `folder` (an empty book when it has none yet). */
  book(folder: string): Promise<DecisionBook>;
  /** Writes every book; throws when the plugin data cannot be written. */
  save(): Promise<void>;
}

/** Everything a CleanerSession works through. */
export interface CleanerPorts {
  /** File operations on the vault: moves with links kept, the user's trash, hashes. */
  files: FileOps;
  /** The vault seen from one dataset folder. */
  vault(folder: string): DatasetView;
  /** The dataset's log note (`<folder>/Cleaner log.md`). */
  log(folder: string): LogStore;
  decisions: DecisionStore;
  /** Absent when this build cannot train: "Find suspects" and "Retrain" are not offered. */
  trainer?: Trainer;
  finder: Finder;
  /** Shows a short message to the user (a notice). */
  notify(message: string): void;
  /** The report of each dataset folder made in this app session, shared by every pane. */
  reports: Map<string, ReviewReport>;
  /** The clock of the log's records (tests fix it). */
  now?: () => Date;
}
