// The classifier panel's training options as an Obsidian settings form: validation share, seed,
// epochs, learning rate, augmentation, backbone (with the vault model's folder and layer when
// "Model folder in the vault" is picked) and backend. Validation is panel-settings.ts's.
import { Setting, type Component, type DropdownComponent, type TextComponent, type ToggleComponent } from "obsidian";
import { BACKBONE_CHOICES, BACKEND_CHOICES, validatePanelSettings, type PanelSettings, type PanelSettingsInput } from "../panel-settings";

/** The form, drawn into a container; its inputs carry `data-field` attributes named as PanelSettings' keys. */
export class TrainingSettingsForm {
  private readonly fields: {
    validPct: TextComponent;
    seed: TextComponent;
    epochs: TextComponent;
    lr: TextComponent;
    augment: ToggleComponent;
    backbone: DropdownComponent;
    vaultModel: TextComponent;
    vaultLayer: TextComponent;
    backend: DropdownComponent;
  };
  private readonly errorEl: HTMLElement;

  /** Draws the form into `el` (emptied first) with the values of `s`; `owner` holds its DOM listeners. */
  constructor(el: HTMLElement, s: PanelSettings, owner: Component) {
    el.empty();
    el.createEl("h4", { text: "Training" });
    const text = (name: string, key: string, value: string, desc?: string): TextComponent => {
      let out!: TextComponent;
      const setting = new Setting(el).setName(name).addText((t) => {
        out = t;
        t.setValue(value);
        t.inputEl.dataset.field = key;
      });
      if (desc) setting.setDesc(desc);
      return out;
    };
    const validPct = text("Validation (%)", "validPct", String(s.validPct), "Share of each label's images held out to measure the error rate.");
    const seed = text("Seed", "seed", String(s.seed), "The same seed gives the same split and the same model.");
    const epochs = text("Epochs", "epochs", String(s.epochs));
    const lr = text("Learning rate", "lr", String(s.lr));
    let augment!: ToggleComponent;
    new Setting(el)
      .setName("Augmentation")
      .setDesc("Also train on flipped, rotated, cropped and relit copies.")
      .addToggle((t) => {
        augment = t;
        t.setValue(s.augment);
      });
    let backbone!: DropdownComponent;
    const backboneSetting = new Setting(el).setName("Backbone").addDropdown((d) => {
      backbone = d;
      for (const [k, v] of Object.entries(BACKBONE_CHOICES)) d.addOption(k, v);
      d.setValue(s.backbone);
      d.selectEl.dataset.field = "backbone";
    });
    const vaultModel = text("Backbone model folder", "vaultModel", s.vaultModel, "A vault folder with a tfjs model.json and its weights.");
    const vaultLayer = text("Embedding layer", "vaultLayer", s.vaultLayer, "The layer whose output is the embedding, e.g. global_average_pooling2d.");
    // The Setting rows (div.setting-item) of the two fields.
    const row = (input: HTMLElement): HTMLElement | null | undefined => input.closest<HTMLElement>(".setting-item") ?? input.parentElement?.parentElement;
    const vaultRows = [row(vaultModel.inputEl), row(vaultLayer.inputEl)];
    const showVault = (): void => {
      for (const row of vaultRows) row?.toggle(backbone.getValue() === "vault");
    };
    showVault();
    owner.registerDomEvent(backbone.selectEl, "change", showVault);
    backboneSetting.setDesc("The frozen network that turns each image into features.");
    let backend!: DropdownComponent;
    new Setting(el).setName("Backend").addDropdown((d) => {
      backend = d;
      for (const [k, v] of Object.entries(BACKEND_CHOICES)) d.addOption(k, v);
      d.setValue(s.backend);
      d.selectEl.dataset.field = "backend";
    });
    this.errorEl = el.createDiv({ cls: "lesson-lab-error lesson-lab-settings-error" });
    this.errorEl.hide();
    this.fields = { validPct, seed, epochs, lr, augment, backbone, vaultModel, vaultLayer, backend };
  }

  /** Reads the form (the DOM values, whatever changed them). */
  private readInput(): PanelSettingsInput {
    const f = this.fields;
    return {
      validPct: f.validPct.inputEl.value,
      seed: f.seed.inputEl.value,
      epochs: f.epochs.inputEl.value,
      lr: f.lr.inputEl.value,
      augment: f.augment.getValue(),
      backbone: f.backbone.selectEl.value,
      vaultModel: f.vaultModel.inputEl.value,
      vaultLayer: f.vaultLayer.inputEl.value,
      backend: f.backend.selectEl.value,
    };
  }

  /** The validated settings, or null after showing every problem under the form. */
  read(): PanelSettings | null {
    const { settings, errors } = validatePanelSettings(this.readInput());
    const messages = Object.values(errors);
    if (messages.length > 0) {
      this.errorEl.setText(messages.join(" "));
      this.errorEl.show();
      return null;
    }
    this.errorEl.hide();
    return settings;
  }
}
