// @vitest-environment happy-dom
import { TextComponent } from "obsidian-test-mocks/obsidian";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_SETTINGS, INSERT_OFFSET_RANGE, normalizePositions, normalizeSettings, parseSecondsSetting, SEEK_STEP_RANGE } from "../../../../src/timestamps/settings";
import { TimestampsSettingTab } from "../../../../src/timestamps/obsidian/settings-tab";
import { makePlugin } from "./helpers";

describe("settings", () => {
  it("validates seconds typed by the user", () => {
    expect(parseSecondsSetting(" 15 ", SEEK_STEP_RANGE)).toEqual({ value: 15 });
    expect(parseSecondsSetting("2.5", INSERT_OFFSET_RANGE)).toEqual({ value: 2.5 });
    expect(parseSecondsSetting("0", INSERT_OFFSET_RANGE)).toEqual({ value: 0 });
    for (const bad of ["", "abc", "NaN", "Infinity", "-3", "1e3", "0x10", "5 s"]) {
      expect(parseSecondsSetting(bad, SEEK_STEP_RANGE)).toHaveProperty("error");
    }
    expect(parseSecondsSetting("0", SEEK_STEP_RANGE)).toEqual({ error: "Use a value from 1 to 600 seconds." });
    expect(parseSecondsSetting("601", INSERT_OFFSET_RANGE)).toHaveProperty("error");
  });

  it("normalizes stored data of any shape to valid settings", () => {
    expect(normalizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(normalizeSettings("junk")).toEqual(DEFAULT_SETTINGS);
    expect(
      normalizeSettings({ playerLocation: "tab", seekStepSeconds: Number.NaN, insertOffsetSeconds: 4, rememberPosition: "yes", autoplay: false }),
    ).toEqual({ ...DEFAULT_SETTINGS, playerLocation: "tab", insertOffsetSeconds: 4, autoplay: false });
    expect(normalizeSettings({ playerLocation: "left", seekStepSeconds: 0 })).toEqual(DEFAULT_SETTINGS);
    expect(normalizePositions({ a: 1, b: -1, c: "2", d: Number.POSITIVE_INFINITY })).toEqual({ a: 1 });
    expect(normalizePositions(null)).toEqual({});
  });

  it("the tab shows every setting and keeps the last valid number", async () => {
    const h = await makePlugin();
    const tab = new TimestampsSettingTab(h.app.asOriginalType__(), h.plugin, h.plugin.timestamps);
    tab.display();
    // The stand-in's Setting carries no Obsidian class names: check the names in order in the text.
    const text = tab.containerEl.textContent ?? "";
    const names = ["Open player in", "Seek step", "Insert offset", "Remember playback position", "Autoplay after seeking"];
    const at = names.map((n) => text.indexOf(n));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(tab.containerEl.querySelectorAll("input")).toHaveLength(2);
  });

  it("the seconds fields keep the last valid number and say why a value is refused", async () => {
    const h = await makePlugin();
    // The stand-in's text inputs do not fire onChange on input events: capture the handlers.
    const onChange = vi.spyOn(TextComponent.prototype, "onChange");
    const tab = new TimestampsSettingTab(h.app.asOriginalType__(), h.plugin, h.plugin.timestamps);
    tab.display();
    const [seekStep, offset] = onChange.mock.calls.map(([cb]) => cb as (v: string) => Promise<void>);
    if (!seekStep || !offset) throw new Error("seconds fields missing");
    const errors = () => [...tab.containerEl.querySelectorAll(".lesson-lab-setting-error")].map((e) => e.textContent);
    await seekStep("abc");
    expect(h.plugin.timestamps.settings.seekStepSeconds).toBe(10);
    expect(errors()).toEqual(['"abc" is not a number of seconds.', ""]);
    await seekStep("30");
    expect(h.plugin.timestamps.settings.seekStepSeconds).toBe(30);
    await offset("-1");
    expect(h.plugin.timestamps.settings.insertOffsetSeconds).toBe(2);
    expect(errors()).toEqual(["", '"-1" is not a number of seconds.']);
    await offset("0");
    expect(h.plugin.timestamps.settings.insertOffsetSeconds).toBe(0);
    const saved = (await h.plugin.loadData()) as { settings: { seekStepSeconds: number; insertOffsetSeconds: number } };
    expect(saved.settings).toMatchObject({ seekStepSeconds: 30, insertOffsetSeconds: 0 });
  });
});
