import { describe, expect, it } from "vitest";
import { DEFAULT_BACKBONE_ID } from "../../../src/classifier/backbone";
import { TRAIN_DEFAULTS } from "../../../src/classifier/pipeline";
import {
  backboneIdOf,
  CORE_DEFAULTS,
  normalizeClassifierData,
  PANEL_DEFAULTS,
  toInput,
  validatePanelSettings,
} from "../../../src/classifier/panel-settings";

describe("panel settings", () => {
  it("defaults are the core's (kept as literals so plugin load never evaluates the core)", () => {
    expect(CORE_DEFAULTS.validPct).toBe(TRAIN_DEFAULTS.validPct);
    expect(CORE_DEFAULTS.seed).toBe(TRAIN_DEFAULTS.seed);
    expect(CORE_DEFAULTS.epochs).toBe(TRAIN_DEFAULTS.epochs);
    expect(CORE_DEFAULTS.lr).toBe(TRAIN_DEFAULTS.lr);
    expect(CORE_DEFAULTS.augment).toBe(TRAIN_DEFAULTS.augment);
    expect(CORE_DEFAULTS.backboneId).toBe(DEFAULT_BACKBONE_ID);
    expect(PANEL_DEFAULTS.validPct).toBe(20);
  });

  it("round-trips valid settings through the form", () => {
    const s = { ...PANEL_DEFAULTS, validPct: 25, seed: 7, epochs: 3, lr: 0.01, augment: false, backend: "wasm" as const };
    expect(validatePanelSettings(toInput(s))).toEqual({ settings: s, errors: {} });
  });

  it.each([
    ["validPct", "95", "percentage"],
    ["validPct", "-1", "percentage"],
    ["validPct", "", "percentage"],
    ["seed", "1.5", "whole number"],
    ["epochs", "0", "1 to 1000"],
    ["epochs", "2.5", "1 to 1000"],
    ["epochs", "ten", "1 to 1000"],
    ["lr", "0", "learning rate"],
    ["lr", "2", "learning rate"],
    ["lr", "abc", "learning rate"],
    ["backend", "tpu", "Unknown backend"],
    ["backbone", "resnet", "Unknown backbone"],
  ] as const)("refuses %s = %j with a message", (field, value, message) => {
    const input = { ...toInput(PANEL_DEFAULTS), [field]: value };
    const { settings, errors } = validatePanelSettings(input);
    expect(errors[field]).toContain(message);
    expect(Object.keys(errors)).toEqual([field]);
    // The bad field keeps its default: nothing half-parsed leaks out.
    expect(settings[field]).toBe(PANEL_DEFAULTS[field]);
  });

  it("a vault backbone needs a folder and a layer, and makes the core's id", () => {
    const bad = validatePanelSettings({ ...toInput(PANEL_DEFAULTS), backbone: "vault" });
    expect(Object.keys(bad.errors).sort()).toEqual(["vaultLayer", "vaultModel"]);
    const hash = validatePanelSettings({ ...toInput(PANEL_DEFAULTS), backbone: "vault", vaultModel: "m", vaultLayer: "a#b" });
    expect(hash.errors.vaultLayer).toContain('"#"');
    const ok = validatePanelSettings({ ...toInput(PANEL_DEFAULTS), backbone: "vault", vaultModel: "/models/net/", vaultLayer: "gap" });
    expect(ok.errors).toEqual({});
    expect(backboneIdOf(ok.settings)).toBe("vault:models/net#gap");
    expect(backboneIdOf(PANEL_DEFAULTS)).toBe(DEFAULT_BACKBONE_ID);
    expect(backboneIdOf({ ...PANEL_DEFAULTS, backbone: "imagenet" })).toBe("imagenet-mobilenet");
  });

  it("reads stored data defensively", () => {
    expect(normalizeClassifierData(undefined)).toEqual({ perFolder: {}, lastModel: null });
    expect(normalizeClassifierData("junk")).toEqual({ perFolder: {}, lastModel: null });
    const data = normalizeClassifierData({
      lastModel: "bears.model",
      perFolder: {
        bears: { epochs: 4, validPct: 10, backend: "cpu" },
        broken: { epochs: { nested: true }, lr: -3, backbone: 5 },
        nothing: null,
      },
    });
    expect(data.lastModel).toBe("bears.model");
    expect(data.perFolder.bears).toEqual({ ...PANEL_DEFAULTS, epochs: 4, validPct: 10, backend: "cpu" });
    expect(data.perFolder.broken).toEqual(PANEL_DEFAULTS);
    expect(Object.keys(data.perFolder).sort()).toEqual(["bears", "broken"]);
  });
});
