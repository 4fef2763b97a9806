// Commands of the timestamps feature (no default hotkeys).
import { Modal, Notice, type App, type Editor, type MarkdownFileInfo, type MarkdownView, type Plugin } from "obsidian";
import { scanNoteInApp } from "./frontmatter";
import { insertionSeconds, stepRate, stepSeconds, timestampBlockMarkdown } from "../player/controls";
import type { Player } from "../player/player";
import { formatTime } from "../time";
import { timestampAtCursor } from "../binding-queries";
import { errorText } from "../../shared/errors";
import type { NoteProblem, TimestampsHost } from "./player-service";

/** The text the insert command puts at the cursor for a player at `current` seconds. */
export function insertedTimestamp(current: number, offset: number, atLineStart: boolean): string {
  const block = timestampBlockMarkdown(formatTime(insertionSeconds(current, offset)));
  return atLineStart ? block : "\n" + block;
}

class ProblemsModal extends Modal {
  constructor(app: App, private readonly path: string, private readonly problems: NoteProblem[]) {
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

/**
 * Adds the timestamps commands to `plugin`: insert a timestamp at the playing time, play the
 * timestamp at the cursor, play/pause, seek back/forward (settings.seekStepSeconds), slower/faster,
 * open the note's video, report the note's timestamp problems. Player commands are available only
 * while a video is loaded.
 */
export function registerTimestampCommands(plugin: Plugin, host: Pick<TimestampsHost, "settings" | "player">): void {
  const { player } = host;
  const withPlayer = (run: (p: Player) => void) => (checking: boolean): boolean => {
    const p = player.activePlayer();
    if (!p) return false;
    if (!checking) run(p);
    return true;
  };
  /** Seeks by the seek step, backwards (-1) or forwards (+1). */
  const seekStep = (direction: 1 | -1) => withPlayer((p) => p.seek(stepSeconds(p.currentTime(), direction * host.settings.seekStepSeconds, p.duration())));
  /** One speed step slower (-1) or faster (+1), said in a notice. */
  const rateStep = (direction: 1 | -1) =>
    withPlayer((p) => {
      p.setRate(stepRate(p.rate(), direction));
      new Notice(`Playback speed ${p.rate()}×`);
    });

  plugin.addCommand({
    id: "insert-timestamp",
    name: "Insert timestamp at the playing time",
    editorCallback: (editor: Editor) => {
      const p = player.activePlayer();
      if (!p) {
        new Notice("No video is playing: click a timestamp or open the note's video first.");
        return;
      }
      const cursor = editor.getCursor("from");
      editor.replaceSelection(insertedTimestamp(p.currentTime(), host.settings.insertOffsetSeconds, cursor.ch === 0));
    },
  });

  // The keyboard path to a timestamp in the editor, where its link cannot take the focus.
  plugin.addCommand({
    id: "play-timestamp-at-cursor",
    name: "Play this timestamp",
    editorCheckCallback: (checking: boolean, editor: Editor, ctx: MarkdownView | MarkdownFileInfo): boolean => {
      const cursor = editor.getCursor("head");
      const found = timestampAtCursor(scanNoteInApp(plugin.app, ctx.file?.path, editor.getValue()), cursor.line, cursor.ch);
      if (!found) return false;
      if (checking) return true;
      if (!found.target) {
        new Notice(found.problem ?? "Cannot play this timestamp.");
        return true;
      }
      player
        .seek(found.target.video, found.target.seconds, ctx.file?.path ?? "")
        .catch((e: unknown) => new Notice(`Could not open the video: ${errorText(e)}`));
      return true;
    },
  });

  plugin.addCommand({
    id: "play-pause",
    name: "Play or pause the video",
    checkCallback: withPlayer((p) => {
      p.toggle();
      if (p.paused()) player.flushPositions();
    }),
  });

  plugin.addCommand({
    id: "seek-back",
    name: "Seek back",
    checkCallback: seekStep(-1),
  });

  plugin.addCommand({
    id: "seek-forward",
    name: "Seek forward",
    checkCallback: seekStep(1),
  });

  plugin.addCommand({
    id: "slower",
    name: "Play slower",
    checkCallback: rateStep(-1),
  });

  plugin.addCommand({
    id: "faster",
    name: "Play faster",
    checkCallback: rateStep(1),
  });

  plugin.addCommand({
    id: "open-note-video",
    name: "Open this note's video",
    callback: () => {
      player.openActiveNoteVideo().catch((e: unknown) => new Notice(`Could not open the video: ${errorText(e)}`));
    },
  });

  plugin.addCommand({
    id: "report-problems",
    name: "Report timestamp problems in this note",
    callback: () => {
      player
        .activeNoteProblems()
        .then((found) => {
          if (!found) new Notice("Open a note first.");
          else new ProblemsModal(plugin.app, found.path, found.problems).open();
        })
        .catch((e: unknown) => new Notice(`Could not read the note: ${errorText(e)}`));
    },
  });
}
