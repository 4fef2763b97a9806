// Commands of the timestamps feature (no default hotkeys).
import { Modal, Notice, type App, type Editor, type MarkdownFileInfo, type MarkdownView, type Plugin } from "obsidian";
import { scanNoteInApp } from "./frontmatter";
import { insertionSeconds, stepRate, stepSeconds, timestampBlockMarkdown } from "../player/controls";
import type { Player } from "../player/player";
import { formatTime } from "../time";
import type { VideoRef } from "../types";
import { timestampAtCursor } from "../lookup";
import { errorText } from "../../shared/errors";

export interface CommandHost extends Plugin {
  settings: { seekStepSeconds: number; insertOffsetSeconds: number };
  /** The player of the open pane, or null when no video is loaded. */
  activePlayer(): Player | null;
  openActiveNoteVideo(): Promise<void>;
  activeNoteProblems(): Promise<{ path: string; problems: Array<{ line: number; message: string }> } | null>;
  flushPositions(): void;
  /** Plays `video` from `seconds` in the player pane, as a click on a timestamp does. */
  seek(video: VideoRef, seconds: number, sourcePath: string): Promise<void>;
}

/** The text the insert command puts at the cursor for a player at `current` seconds. */
export function insertedTimestamp(current: number, offset: number, atLineStart: boolean): string {
  const block = timestampBlockMarkdown(formatTime(insertionSeconds(current, offset)));
  return atLineStart ? block : "\n" + block;
}

class ProblemsModal extends Modal {
  constructor(app: App, private readonly path: string, private readonly problems: Array<{ line: number; message: string }>) {
    super(app);
  }

  override onOpen(): void {
    this.titleEl.setText("Timestamp problems");
    const { contentEl } = this;
    contentEl.empty();
    contentEl.createEl("p", { text: this.path });
    if (this.problems.length === 0) {
      contentEl.createEl("p", { cls: "lesson-lab-no-problems", text: "No problems found in this note." });
      return;
    }
    const list = contentEl.createEl("ul", { cls: "lesson-lab-problems" });
    for (const p of this.problems) list.createEl("li", { text: `Line ${p.line + 1}: ${p.message}` });
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

export function registerTimestampCommands(host: CommandHost): void {
  const withPlayer = (run: (p: Player) => void) => (checking: boolean): boolean => {
    const p = host.activePlayer();
    if (!p) return false;
    if (!checking) run(p);
    return true;
  };

  host.addCommand({
    id: "insert-timestamp",
    name: "Insert timestamp at the playing time",
    editorCallback: (editor: Editor) => {
      const p = host.activePlayer();
      if (!p) {
        new Notice("No video is playing: click a timestamp or open the note's video first.");
        return;
      }
      const cursor = editor.getCursor("from");
      editor.replaceSelection(insertedTimestamp(p.currentTime(), host.settings.insertOffsetSeconds, cursor.ch === 0));
    },
  });

  // The keyboard path to a timestamp in the editor, where its link cannot take the focus.
  host.addCommand({
    id: "play-timestamp-at-cursor",
    name: "Play this timestamp",
    editorCheckCallback: (checking: boolean, editor: Editor, ctx: MarkdownView | MarkdownFileInfo): boolean => {
      const cursor = editor.getCursor("head");
      const found = timestampAtCursor(scanNoteInApp(host.app, ctx.file?.path, editor.getValue()), editor.getLine(cursor.line), cursor.line, cursor.ch);
      if (!found) return false;
      if (checking) return true;
      if (!found.target) {
        new Notice(found.problem ?? "Cannot play this timestamp.");
        return true;
      }
      host
        .seek(found.target.video, found.target.seconds, ctx.file?.path ?? "")
        .catch((e: unknown) => new Notice(`Could not open the video: ${errorText(e)}`));
      return true;
    },
  });

  host.addCommand({
    id: "play-pause",
    name: "Play or pause the video",
    checkCallback: withPlayer((p) => {
      p.toggle();
      if (p.paused()) host.flushPositions();
    }),
  });

  host.addCommand({
    id: "seek-back",
    name: "Seek back",
    checkCallback: withPlayer((p) => p.seek(stepSeconds(p.currentTime(), -host.settings.seekStepSeconds, p.duration()))),
  });

  host.addCommand({
    id: "seek-forward",
    name: "Seek forward",
    checkCallback: withPlayer((p) => p.seek(stepSeconds(p.currentTime(), host.settings.seekStepSeconds, p.duration()))),
  });

  host.addCommand({
    id: "slower",
    name: "Play slower",
    checkCallback: withPlayer((p) => {
      p.setRate(stepRate(p.rate(), -1));
      new Notice(`Playback speed ${p.rate()}×`);
    }),
  });

  host.addCommand({
    id: "faster",
    name: "Play faster",
    checkCallback: withPlayer((p) => {
      p.setRate(stepRate(p.rate(), 1));
      new Notice(`Playback speed ${p.rate()}×`);
    }),
  });

  host.addCommand({
    id: "open-note-video",
    name: "Open this note's video",
    callback: () => {
      host.openActiveNoteVideo().catch((e: unknown) => new Notice(`Could not open the video: ${errorText(e)}`));
    },
  });

  host.addCommand({
    id: "report-problems",
    name: "Report timestamp problems in this note",
    callback: () => {
      host
        .activeNoteProblems()
        .then((found) => {
          if (!found) new Notice("Open a note first.");
          else new ProblemsModal(host.app, found.path, found.problems).open();
        })
        .catch((e: unknown) => new Notice(`Could not read the note: ${errorText(e)}`));
    },
  });
}
