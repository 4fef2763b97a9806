// The cleaner's decisions in plugin data, under its own key (`cleaner.books`), merged with
// whatever the rest of the plugin stored: decisions survive pane closes and restarts until
// they are applied or cleared.
import { DecisionBook, readDecisionBooks, writeDecisionBooks } from "../decisions";

/** What the store needs from the plugin: Plugin.loadData, and the plugin's serialized data update. */
export interface DataHost {
  loadData(): Promise<unknown>;
  updatePluginData(change: (data: Record<string, unknown>) => Record<string, unknown>): Promise<void>;
}

export const CLEANER_KEY = "cleaner";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class CleanerStore {
  private books = new Map<string, DecisionBook>();
  private loaded: Promise<string[]> | null = null;
  /** Saves run one after another, so a later one never loses to an earlier one. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly host: DataHost) {}

  /** Reads the stored books once; returns warnings about stored data that could not be read. */
  load(): Promise<string[]> {
    this.loaded ??= (async () => {
      const raw = await this.host.loadData();
      const cleaner = isRecord(raw) ? raw[CLEANER_KEY] : undefined;
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

  save(): Promise<void> {
    this.saving = this.saving.then(
      () => this.write(),
      () => this.write(),
    );
    return this.saving;
  }

  private async write(): Promise<void> {
    await this.load();
    await this.host.updatePluginData((data) => {
      const cleaner = isRecord(data[CLEANER_KEY]) ? data[CLEANER_KEY] : {};
      return { ...data, [CLEANER_KEY]: { ...cleaner, books: writeDecisionBooks(this.books.values()) } };
    });
  }
}
