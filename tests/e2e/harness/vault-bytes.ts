// Binary files in the in-page vault. The stand-in lists a served vault's media files with empty
// content; browser tests that decode images need their real bytes, fetched from the harness's
// server, and the file stats the adapter reports.
import type { Page } from "playwright-core";

/**
 * For every vault file under `prefix` ("" for all): files with `extension` get the served bytes
 * (written as binary: the stand-in keeps text and binary content apart), and every such file's
 * TFile.stat is refreshed from the adapter. Returns how many files got bytes.
 */
export async function loadServedBytes(page: Page, extension: string, prefix = ""): Promise<number> {
  return page.evaluate(
    async ({ extension, prefix }) => {
      const { app } = window.lessonLabHarness;
      let count = 0;
      for (const f of app.vault.getFiles().filter((file) => file.path.startsWith(prefix))) {
        if (f.extension === extension) {
          const res = await fetch(app.vault.adapter.getResourcePath(f.path));
          if (!res.ok) throw new Error(`${f.path}: ${res.status}`);
          const bytes = await res.arrayBuffer();
          await app.vault.adapter.remove(f.path);
          await app.vault.adapter.writeBinary(f.path, bytes);
          count++;
        }
        const st = await app.vault.adapter.stat(f.path);
        if (st) f.stat = { ctime: st.ctime, mtime: st.mtime, size: st.size };
      }
      return count;
    },
    { extension, prefix },
  );
}
