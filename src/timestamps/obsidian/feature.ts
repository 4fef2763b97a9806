// The timestamps feature in the app: registers the ```timestamp and ```timestamp-url processors,
// the inline post-processor, the Live Preview extension, the player pane, its commands, ribbon
// icon and settings tab, and owns the "settings" and "positions" keys of data.json.
import { Notice, type Plugin } from "obsidian";
import { errorText } from "../../shared/errors";
import type { PluginDataStore } from "../../shared/obsidian/data-store";
import { TIMESTAMP_LANGUAGE, TIMESTAMP_URL_LANGUAGE } from "../note";
import { DEFAULT_SETTINGS, normalizePositions, normalizeSettings, type TimestampSettings } from "../settings";
import { registerTimestampCommands } from "./commands";
import { inlineTimestampExtension } from "./live-preview";
import { PlayerService, type TimestampsHost } from "./player-service";
import { PLAYER_VIEW_TYPE, PlayerView } from "./player-view";
import { renderInlineTimestamps, renderTimestampBlock, renderVideoBlock } from "./render";
import { TimestampsSettingTab } from "./settings-tab";

/** The timestamps feature: build it in the plugin's constructor, then `load` and `register` in onload, `unload` in onunload. */
export class TimestampsFeature implements TimestampsHost {
  /** The live settings object (its identity never changes; load fills it in). */
  readonly settings: TimestampSettings = { ...DEFAULT_SETTINGS };
  readonly player: PlayerService;

  constructor(private readonly plugin: Plugin, private readonly data: PluginDataStore) {
    this.player = new PlayerService(plugin.app, this.settings, () => this.saveSettings());
  }

  /**
   * Takes this feature's keys from data.json as loaded (`stored`, from PluginDataStore.load):
   * unknown or invalid settings fall back to the defaults, invalid positions are dropped.
   */
  load(stored: Record<string, unknown>): void {
    Object.assign(this.settings, normalizeSettings(stored.settings));
    this.player.positions = normalizePositions(stored.positions);
  }

  /** Registers everything the feature shows, through the plugin so Obsidian removes it on unload. */
  register(): void {
    const { plugin, player } = this;
    plugin.registerView(PLAYER_VIEW_TYPE, (leaf) => new PlayerView(leaf, player));
    plugin.registerMarkdownCodeBlockProcessor(TIMESTAMP_LANGUAGE, (source, el, ctx) => renderTimestampBlock(player, source, el, ctx));
    plugin.registerMarkdownCodeBlockProcessor(TIMESTAMP_URL_LANGUAGE, (source, el, ctx) => renderVideoBlock(player, source, el, ctx));
    plugin.registerMarkdownPostProcessor((el, ctx) => renderInlineTimestamps(player, el, ctx));
    plugin.registerEditorExtension(inlineTimestampExtension(player));
    registerTimestampCommands(plugin, this);
    plugin.addRibbonIcon("play-circle", "Open this note's video", () => {
      player.openActiveNoteVideo().catch((e: unknown) => new Notice(`Could not open the video: ${errorText(e)}`));
    });
    plugin.addSettingTab(new TimestampsSettingTab(plugin.app, plugin, this));
    // Chapters follow edits of the note the video was opened from.
    plugin.registerEvent(plugin.app.vault.on("modify", (file) => void player.getPlayerView()?.noteChanged(file.path)));
  }

  /** Writes the settings and the positions (the feature's two keys), keeping every other key. */
  saveSettings(): Promise<void> {
    return this.data.update((data) => ({ ...data, settings: this.settings, positions: this.player.positions }));
  }

  /** At plugin unload: remembers the playing video's position and writes it. */
  unload(): void {
    this.player.close();
  }
}
