// Suggests vault folders (not model folders) as the user types a dataset folder.
import { AbstractInputSuggest, type App, type TFolder } from "obsidian";

/** Up to 50 folders whose path contains the typed text; picking one fills the input and calls `onPick`. */
export class FolderSuggest extends AbstractInputSuggest<TFolder> {
  constructor(
    app: App,
    private readonly input: HTMLInputElement,
    private readonly onPick: (folder: string) => void,
  ) {
    super(app, input);
  }

  protected getSuggestions(query: string): TFolder[] {
    const q = query.toLowerCase();
    return this.app.vault
      .getAllFolders(false)
      .filter((f) => !f.path.endsWith(".model") && f.path.toLowerCase().includes(q))
      .slice(0, 50);
  }

  renderSuggestion(folder: TFolder, el: HTMLElement): void {
    el.setText(folder.path);
  }

  override selectSuggestion(folder: TFolder): void {
    this.input.value = folder.path;
    this.close();
    this.onPick(folder.path);
  }
}
