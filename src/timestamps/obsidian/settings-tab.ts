// The plugin's settings tab: the timestamps feature's settings (../settings.ts).
import { PluginSettingTab, Setting, type App, type Plugin } from "obsidian";
import { INSERT_OFFSET_RANGE, parseSecondsSetting, SEEK_STEP_RANGE, type PlayerLocation } from "../settings";
import type { TimestampsHost } from "./player-service";

// The declarative getSettingDefinitions() API needs Obsidian 1.13; the manifest supports 1.7.2, so
// this tab builds its settings the classic way (the linter warns about that on purpose).
/** Edits `host.settings` in place and saves each accepted change; a refused number keeps the last valid one and says why. */
export class TimestampsSettingTab extends PluginSettingTab {
  constructor(app: App, plugin: Plugin, private readonly host: Pick<TimestampsHost, "settings" | "saveSettings">) {
    super(app, plugin);
  }

  display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const s = this.host.settings;

    new Setting(containerEl)
      .setName("Open player in")
      .setDesc("Where the lesson video opens when you click a timestamp.")
      .addDropdown((d) =>
        d
          .addOption("sidebar", "Right sidebar")
          .addOption("tab", "New tab")
          .setValue(s.playerLocation)
          .onChange(async (v) => {
            s.playerLocation = (v === "tab" ? "tab" : "sidebar") satisfies PlayerLocation;
            await this.host.saveSettings();
          }),
      );

    this.secondsSetting("Seek step", "Seconds skipped by the seek back and seek forward commands.", SEEK_STEP_RANGE, () => s.seekStepSeconds, (v) => (s.seekStepSeconds = v));
    this.secondsSetting("Insert offset", "Seconds subtracted from the playing time when inserting a timestamp.", INSERT_OFFSET_RANGE, () => s.insertOffsetSeconds, (v) => (s.insertOffsetSeconds = v));

    new Setting(containerEl)
      .setName("Remember playback position")
      .setDesc("Resume each video where you left it when you open it without a timestamp.")
      .addToggle((t) =>
        t.setValue(s.rememberPosition).onChange(async (v) => {
          s.rememberPosition = v;
          await this.host.saveSettings();
        }),
      );

    new Setting(containerEl)
      .setName("Autoplay after seeking")
      .setDesc("Start playing when you click a timestamp.")
      .addToggle((t) =>
        t.setValue(s.autoplay).onChange(async (v) => {
          s.autoplay = v;
          await this.host.saveSettings();
        }),
      );
  }

  private secondsSetting(name: string, desc: string, range: { min: number; max: number }, get: () => number, set: (v: number) => void): void {
    const setting = new Setting(this.containerEl).setName(name).setDesc(desc);
    const errorEl = setting.descEl.createDiv({ cls: "lesson-lab-setting-error" });
    setting.addText((t) =>
      t.setValue(String(get())).onChange(async (text) => {
        const parsed = parseSecondsSetting(text, range);
        if ("error" in parsed) {
          // Keep the last valid value; say why this one is not taken.
          errorEl.setText(parsed.error);
          return;
        }
        errorEl.setText("");
        set(parsed.value);
        await this.host.saveSettings();
      }),
    );
  }
}
