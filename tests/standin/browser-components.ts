// Harness-only: Obsidian's DOM for the stand-in's components, so that the browser harness shows
// what a user sees and obsidian-theme.css (tests/e2e/harness) styles it as Obsidian's app.css does.
//
// obsidian-test-mocks builds bare elements: a Setting is `div > div(control) + div(info > div, div)`
// (the control above the name), a toggle is an empty div that ignores clicks, a button ignores
// its onClick for real clicks. Obsidian builds:
//   Setting         div.setting-item > div.setting-item-info > (div.setting-item-name, div.setting-item-description)
//                                    + div.setting-item-control
//   ToggleComponent div.checkbox-container[.is-enabled] > input[type=checkbox]; a click flips it
//   ButtonComponent button (mod-cta, mod-warning); onClick runs on click; setDisabled disables it
//   DropdownComponent select.dropdown; TextComponent input[type=text]
//   ExtraButtonComponent div.clickable-icon.extra-setting-button
//   Modal           div.modal-container.mod-dim > div.modal-bg + div.modal > div.modal-close-button,
//                   div.modal-header > div.modal-title, div.modal-content
// Each mock class calls a per-class `constructor…__` hook (a no-op) once its elements exist; this
// file fills those hooks in. Only the browser entry installs it: unit tests keep the mock's DOM.
import {
  ButtonComponent,
  DropdownComponent,
  ExtraButtonComponent,
  Modal,
  Setting,
  TextComponent,
  ToggleComponent,
} from "obsidian-test-mocks/obsidian";

interface SettingParts {
  settingEl: HTMLElement;
  infoEl: HTMLElement;
  nameEl: HTMLElement;
  descEl: HTMLElement;
  controlEl: HTMLElement;
}

interface ToggleParts {
  toggleEl: HTMLElement;
  disabled: boolean;
  getValue(): boolean;
  // Properties, not methods: the originals are kept and called with the component as `this`.
  setValue: (this: ToggleParts, value: boolean) => unknown;
  onClick: (this: ToggleParts) => void;
}

interface ButtonParts {
  buttonEl: HTMLButtonElement;
  disabled: boolean;
  clickHandler?: (evt: MouseEvent) => unknown;
}

interface ModalParts {
  containerEl: HTMLElement;
  modalEl: HTMLElement;
  titleEl: HTMLElement;
  contentEl: HTMLElement;
  close(): void;
}

type Hooks = Record<string, unknown>;

/** Sets `is-enabled` and the checkbox from the toggle's value. */
function syncToggle(t: ToggleParts): void {
  const on = t.getValue();
  t.toggleEl.toggleClass("is-enabled", on);
  const box = t.toggleEl.querySelector("input");
  if (box) box.checked = on;
}

let installed = false;

/** Gives the stand-in's components Obsidian's classes, structure and click behaviour (once). */
export function installObsidianDom(): void {
  if (installed) return;
  installed = true;

  (Setting.prototype as unknown as Hooks).constructor__ = function (this: SettingParts): void {
    this.settingEl.addClass("setting-item");
    this.infoEl.addClass("setting-item-info");
    this.nameEl.addClass("setting-item-name");
    this.descEl.addClass("setting-item-description");
    this.controlEl.addClass("setting-item-control");
    // Name and description first (left), the control after them (right).
    this.settingEl.append(this.infoEl, this.controlEl);
  };

  const toggle = ToggleComponent.prototype as unknown as Hooks & ToggleParts;
  toggle.constructor3__ = function (this: ToggleParts): void {
    this.toggleEl.addClass("checkbox-container");
    this.toggleEl.createEl("input", { attr: { type: "checkbox", tabindex: "0" } });
    this.toggleEl.addEventListener("click", (e) => {
      e.preventDefault();
      if (!this.disabled) this.onClick();
    });
    syncToggle(this);
  };
  const toggleSetValue = toggle.setValue;
  toggle.setValue = function (this: ToggleParts, value: boolean): unknown {
    const out = toggleSetValue.call(this, value);
    syncToggle(this);
    return out;
  };
  const toggleOnClick = toggle.onClick;
  toggle.onClick = function (this: ToggleParts): void {
    toggleOnClick.call(this);
    syncToggle(this);
  };
  (toggle as unknown as Hooks).setDisabled = function (this: ToggleParts, disabled: boolean): unknown {
    this.disabled = disabled;
    this.toggleEl.toggleClass("is-disabled", disabled);
    return this;
  };

  const button = ButtonComponent.prototype as unknown as Hooks;
  button.constructor2__ = function (this: ButtonParts): void {
    this.buttonEl.addEventListener("click", (e) => {
      if (!this.disabled) void this.clickHandler?.(e);
    });
  };
  button.setDisabled = function (this: ButtonParts, disabled: boolean): unknown {
    this.disabled = disabled;
    this.buttonEl.disabled = disabled;
    return this;
  };

  (DropdownComponent.prototype as unknown as Hooks).constructor3__ = function (this: { selectEl: HTMLSelectElement }): void {
    this.selectEl.addClass("dropdown");
  };
  (DropdownComponent.prototype as unknown as Hooks).setDisabled = function (this: { selectEl: HTMLSelectElement; disabled: boolean }, disabled: boolean): unknown {
    this.disabled = disabled;
    this.selectEl.disabled = disabled;
    return this;
  };

  (TextComponent.prototype as unknown as Hooks).constructor4__ = function (this: { inputEl: HTMLInputElement }): void {
    this.inputEl.type = "text";
    this.inputEl.spellcheck = false;
  };

  (ExtraButtonComponent.prototype as unknown as Hooks).constructor2__ = function (this: { extraSettingsEl: HTMLElement }): void {
    this.extraSettingsEl.addClass("clickable-icon", "extra-setting-button");
  };

  (Modal.prototype as unknown as Hooks).constructor__ = function (this: ModalParts): void {
    this.containerEl.addClass("modal-container", "mod-dim");
    this.containerEl.prepend(createDiv({ cls: "modal-bg" }));
    this.modalEl.addClass("modal");
    const close = createDiv({ cls: "modal-close-button", text: "×", attr: { "aria-label": "Close" } });
    close.addEventListener("click", () => this.close());
    const header = createDiv({ cls: "modal-header" });
    this.titleEl.addClass("modal-title");
    header.appendChild(this.titleEl);
    this.contentEl.addClass("modal-content");
    this.modalEl.append(close, header, this.contentEl);
  };
}
