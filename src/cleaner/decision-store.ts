// The cleaner's decisions in plugin data, under the cleaner's key (`cleaner.books`): decisions
// survive pane closes and restarts until they are applied or cleared. Pure: the plugin data is
// reached through a CleanerDataSlot (the adapter: PluginDataStore's "cleaner" key).
import { DecisionBook, readDecisionBooks, writeDecisionBooks } from "./decisions";
import type { DecisionStore } from "./ports";

/** The cleaner's own value in the plugin data (an object; anything else reads as absent). */
export interface CleanerDataSlot {
  /** The stored value, as found now (undefined when absent). */
  read(): Promise<unknown>;
  /** Replaces the stored value with `change(current)` (current: {} when absent or not an object), serialized with every other write. */
  update(change: (current: Record<string, unknown>) => Record<string, unknown>): Promise<void>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The decision books of every dataset folder, read once and written as a whole. */
export class PluginDataDecisionStore implements DecisionStore {
  private books = new Map<string, DecisionBook>();
  private loaded: Promise<string[]> | null = null;
  /** Saves run one after another, so a later one never loses to an earlier one. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly slot: CleanerDataSlot) {}

  /** Reads the stored books once; returns warnings about stored data that could not be read. */
  load(): Promise<string[]> {
    this.loaded ??= (async () => {
      const cleaner = await this.slot.read();
      const { books, warnings } = readDecisionBooks(isRecord(cleaner) ? cleaner.books : undefined);
      this.books = books;
      return warnings;
    })();
    return this.loaded;
  }

  /** The book of `folder` (an empty one when it has no decisions yet). */
  async book(folder: string): Promise<DecisionBook> {
    await this.load();
    let book = this.books.get(folder);
    if (!book) {
      book = new DecisionBook(folder);
      this.books.set(folder, book);
    }
    return book;
  }

  /** Writes every book, keeping the cleaner value's other fields; throws when the data cannot be written. */
  save(): Promise<void> {
    this.saving = this.saving.then(
      () => this.write(),
      () => this.write(),
    );
    return this.saving;
  }

  private async write(): Promise<void> {
    await this.load();
    await this.slot.update((cleaner) => ({ ...cleaner, books: writeDecisionBooks(this.books.values()) }));
  }
}
