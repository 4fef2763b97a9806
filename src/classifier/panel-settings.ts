// The classifier panel's per-folder settings: shape, defaults, validation, and the plugin-data
// key they live under. Pure: no Obsidian import, no tfjs import.
// Kept free of the core's imports so that plugin load never evaluates them; a unit test checks
// these against TRAIN_DEFAULTS and DEFAULT_BACKBONE_ID.
export const CORE_DEFAULTS = { validPct: 0.2, seed: 42, epochs: 10, lr: 3e-3, augment: true, backboneId: "mobilenet_v2-nsfwjs#block_13_expand_relu" } as const;

export type BackboneChoice = "bundled" | "imagenet" | "vault";
export type BackendChoice = "auto" | "webgl" | "wasm" | "cpu";

export interface PanelSettings {
  /** Percent of images kept for validation, 0–90. */
  validPct: number;
  seed: number;
  epochs: number;
  lr: number;
  augment: boolean;
  backbone: BackboneChoice;
  /** For backbone "vault": the model folder and its embedding layer. */
  vaultModel: string;
  vaultLayer: string;
  backend: BackendChoice;
}

export const PANEL_DEFAULTS: Readonly<PanelSettings> = Object.freeze({
  validPct: Math.round(CORE_DEFAULTS.validPct * 100),
  seed: CORE_DEFAULTS.seed,
  epochs: CORE_DEFAULTS.epochs,
  lr: CORE_DEFAULTS.lr,
  augment: CORE_DEFAULTS.augment,
  backbone: "bundled",
  vaultModel: "",
  vaultLayer: "",
  backend: "auto",
});

export const BACKBONE_CHOICES: Record<BackboneChoice, string> = {
  bundled: "MobileNetV2, bundled (offline)",
  imagenet: "ImageNet MobileNetV2 (downloads about 2 MB once, uses the network)",
  vault: "Model folder in the vault",
};

export const BACKEND_CHOICES: Record<BackendChoice, string> = {
  auto: "Automatic (webgl, else wasm)",
  webgl: "Webgl (GPU)",
  wasm: "Wasm (CPU, SIMD)",
  cpu: "Plain JavaScript (slow)",
};

/** What the form holds, as typed. */
export interface PanelSettingsInput {
  validPct: string;
  seed: string;
  epochs: string;
  lr: string;
  augment: boolean;
  backbone: string;
  vaultModel: string;
  vaultLayer: string;
  backend: string;
}

export interface Validated {
  settings: PanelSettings;
  /** Field → message; empty when every field is usable. */
  errors: Partial<Record<keyof PanelSettings, string>>;
}

function num(text: string): number {
  const t = text.trim();
  return t === "" ? Number.NaN : Number(t);
}

/** Parses the form; every bad field gets a message and keeps its default in `settings`. */
export function validatePanelSettings(input: PanelSettingsInput): Validated {
  const errors: Validated["errors"] = {};
  const s: PanelSettings = { ...PANEL_DEFAULTS };

  const pct = num(input.validPct);
  if (Number.isFinite(pct) && pct >= 0 && pct <= 90) s.validPct = pct;
  else errors.validPct = "Validation must be a percentage from 0 to 90.";

  const seed = num(input.seed);
  if (Number.isInteger(seed) && Math.abs(seed) <= 2 ** 31) s.seed = seed;
  else errors.seed = "The seed must be a whole number.";

  const epochs = num(input.epochs);
  if (Number.isInteger(epochs) && epochs >= 1 && epochs <= 1000) s.epochs = epochs;
  else errors.epochs = "Epochs must be a whole number from 1 to 1000.";

  const lr = num(input.lr);
  if (Number.isFinite(lr) && lr > 0 && lr <= 1) s.lr = lr;
  else errors.lr = "The learning rate must be above 0 and at most 1 (e.g. 0.003).";

  s.augment = input.augment;

  if (input.backbone in BACKBONE_CHOICES) s.backbone = input.backbone as BackboneChoice;
  else errors.backbone = `Unknown backbone "${input.backbone}".`;
  if (input.backend in BACKEND_CHOICES) s.backend = input.backend as BackendChoice;
  else errors.backend = `Unknown backend "${input.backend}".`;

  s.vaultModel = input.vaultModel.trim().replace(/^\/+|\/+$/g, "");
  s.vaultLayer = input.vaultLayer.trim();
  if (s.backbone === "vault") {
    if (s.vaultModel === "") errors.vaultModel = "Name the vault folder that holds model.json.";
    if (s.vaultLayer === "") errors.vaultLayer = "Name the layer whose output is the embedding.";
    else if (/[#+]/.test(s.vaultLayer)) errors.vaultLayer = 'A layer name cannot contain "#" or "+".';
  }
  return { settings: s, errors };
}

/** The form's text for stored settings. */
export function toInput(s: PanelSettings): PanelSettingsInput {
  return {
    validPct: String(s.validPct),
    seed: String(s.seed),
    epochs: String(s.epochs),
    lr: String(s.lr),
    augment: s.augment,
    backbone: s.backbone,
    vaultModel: s.vaultModel,
    vaultLayer: s.vaultLayer,
    backend: s.backend,
  };
}

/** The core's backbone id for the settings (see src/classifier/backbone.ts). */
export function backboneIdOf(s: PanelSettings): string {
  if (s.backbone === "imagenet") return "imagenet-mobilenet";
  if (s.backbone === "vault") return `vault:${s.vaultModel}#${s.vaultLayer}`;
  return CORE_DEFAULTS.backboneId;
}

/** The part of the plugin's data file the classifier owns (key "classifier"). */
export interface ClassifierData {
  perFolder: Record<string, PanelSettings>;
  /** The model folder used last (for images outside any dataset). */
  lastModel: string | null;
}

/** A stored number (or numeric text) as form text; anything else is refused by validation. */
function field(value: unknown, fallback: number): string {
  if (value === undefined || value === null) return String(fallback);
  return typeof value === "number" || typeof value === "string" ? String(value) : "invalid";
}

/** Reads the stored "classifier" key, dropping anything malformed (hand-edited data never crashes the panel). */
export function normalizeClassifierData(raw: unknown): ClassifierData {
  const out: ClassifierData = { perFolder: {}, lastModel: null };
  if (typeof raw !== "object" || raw === null) return out;
  const r = raw as Record<string, unknown>;
  if (typeof r.lastModel === "string" && r.lastModel !== "") out.lastModel = r.lastModel;
  if (typeof r.perFolder === "object" && r.perFolder !== null) {
    for (const [folder, value] of Object.entries(r.perFolder as Record<string, unknown>)) {
      if (typeof value !== "object" || value === null) continue;
      const v = value as Record<string, unknown>;
      const { settings } = validatePanelSettings({
        validPct: field(v.validPct, PANEL_DEFAULTS.validPct),
        seed: field(v.seed, PANEL_DEFAULTS.seed),
        epochs: field(v.epochs, PANEL_DEFAULTS.epochs),
        lr: field(v.lr, PANEL_DEFAULTS.lr),
        augment: typeof v.augment === "boolean" ? v.augment : PANEL_DEFAULTS.augment,
        backbone: typeof v.backbone === "string" ? v.backbone : PANEL_DEFAULTS.backbone,
        vaultModel: typeof v.vaultModel === "string" ? v.vaultModel : "",
        vaultLayer: typeof v.vaultLayer === "string" ? v.vaultLayer : "",
        backend: typeof v.backend === "string" ? v.backend : PANEL_DEFAULTS.backend,
      });
      out.perFolder[folder] = settings;
    }
  }
  return out;
}
