// Modals that stay in the page. The stand-in's Modal.open() runs onOpen() and then closes the
// modal on the next task, never attaching it to the document; browser tests that look at a modal
// need it shown until the plugin (or the user) closes it, as in Obsidian.
import type { Page } from "playwright-core";

/**
 * Overrides the page's `obsidian.Modal.prototype.open/close`: open() attaches the modal to
 * document.body as `.modal-container > .modal` (the stand-in builds Obsidian's structure, see
 * tests/standin/browser-components.ts: `.modal-close-button`, `.modal-header > .modal-title`,
 * `.modal-content`) and runs onOpen(); close() (the plugin's, or a
 * click on the close button) removes it and runs onClose(). Call again after `h.reload()`.
 */
export async function keepModalsInPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    type ModalLike = {
      open(): void;
      close(): void;
      containerEl: HTMLElement;
      modalEl: HTMLElement;
      titleEl: HTMLElement;
      contentEl: HTMLElement;
      onOpen(): void;
      onClose(): void;
      closeCallback?: (() => unknown) | null;
    };
    const proto = window.lessonLabHarness.obsidian.Modal.prototype as unknown as ModalLike;
    proto.open = function (this: ModalLike) {
      this.containerEl.addClass("modal-container");
      this.modalEl.addClass("modal");
      this.titleEl.addClass("modal-title");
      this.contentEl.addClass("modal-content");
      if (!this.modalEl.querySelector(":scope > .modal-close-button")) {
        const button = this.modalEl.createDiv({ cls: "modal-close-button", text: "×", attr: { "aria-label": "Close" } });
        this.modalEl.prepend(button);
        button.addEventListener("click", () => this.close());
      }
      document.body.appendChild(this.containerEl);
      this.onOpen();
    };
    proto.close = function (this: ModalLike) {
      if (!this.containerEl.isConnected) return;
      this.containerEl.remove();
      this.onClose();
      this.closeCallback?.();
    };
  });
}
