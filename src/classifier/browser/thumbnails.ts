// Small thumbnails of vault images, drawn only when their element scrolls into view:
// the bytes are decoded straight to a small bitmap (createImageBitmap with a resize), so that a
// folder of thousands of images never holds thousands of full-size images. No `obsidian` import.
import { macrotask } from "../../shared/yield";
import { checkBeforeDecode, DEFAULT_MAX_PIXELS, MIME_TYPES } from "../sniff";
import { errorText } from "../../shared/errors";

export const THUMB_SIZE = 48;

export interface ThumbnailSource {
  readBinary(path: string): Promise<Uint8Array>;
}

export class Thumbnailer {
  private observer: IntersectionObserver | null = null;
  private pending = new Map<Element, string>();
  private queue: { el: HTMLElement; path: string }[] = [];
  private running = 0;
  private closed = false;

  constructor(
    private readonly source: ThumbnailSource,
    private readonly size = THUMB_SIZE,
    private readonly concurrency = 3,
    /** The decoders' pixel limit: a thumbnail never decodes an image the training would refuse. */
    private readonly maxPixels = DEFAULT_MAX_PIXELS,
  ) {}

  /** Draws `path` into `el` once `el` is visible. */
  attach(path: string, el: HTMLElement): void {
    el.addClass("lesson-lab-thumb-pending");
    if (typeof IntersectionObserver === "undefined") {
      this.enqueue(el, path);
      return;
    }
    this.observer ??= new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const p = this.pending.get(entry.target);
        this.observer?.unobserve(entry.target);
        this.pending.delete(entry.target);
        if (p !== undefined) this.enqueue(entry.target as HTMLElement, p);
      }
    });
    this.pending.set(el, path);
    this.observer.observe(el);
  }

  private enqueue(el: HTMLElement, path: string): void {
    this.queue.push({ el, path });
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      if (!job.el.isConnected) continue;
      this.running++;
      void this.draw(job.el, job.path).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async draw(el: HTMLElement, path: string): Promise<void> {
    try {
      const bytes = await this.source.readBinary(path);
      // By the header, before anything decodes: a small file can claim 16000x16000 pixels.
      const format = checkBeforeDecode(bytes, this.maxPixels);
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      const bitmap = await createImageBitmap(new Blob([copy.buffer], { type: MIME_TYPES[format] }), { resizeWidth: this.size, resizeHeight: this.size, resizeQuality: "medium" });
      if (this.closed || !el.isConnected) {
        bitmap.close();
        return;
      }
      const canvas = el.createEl("canvas", { attr: { width: this.size, height: this.size } });
      canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
      bitmap.close();
      el.removeClass("lesson-lab-thumb-pending");
    } catch (error) {
      el.removeClass("lesson-lab-thumb-pending");
      el.addClass("lesson-lab-thumb-broken");
      el.setAttr("title", `${path}: cannot be shown (${errorText(error)})`);
    }
    await macrotask();
  }

  close(): void {
    this.closed = true;
    this.observer?.disconnect();
    this.pending.clear();
    this.queue = [];
  }
}
