// A small HTTP server on 127.0.0.1 for the browser harness: the page, the stand-in bundle,
// the plugin bundle, and the vault's files with HTTP Range support (Chromium seeks a <video>
// only when the server answers byte ranges with 206).
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".webm": "video/webm",
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".ogv": "video/ogg",
  ".mp3": "audio/mpeg",
  ".m4a": "audio/mp4",
  ".ogg": "audio/ogg",
  ".oga": "audio/ogg",
  ".opus": "audio/ogg",
  ".wav": "audio/wav",
  ".flac": "audio/flac",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
};

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** A byte range of a file of `size` bytes, or "unsatisfiable", or null when the header is absent or not a single range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

export interface ServerRoutes {
  /** URL path ("/main.js") → file on disk. */
  files: Record<string, string>;
  /** URL path → fixed body (e.g. an empty stylesheet when the plugin ships none). */
  inline?: Record<string, { contentType: string; body: string }>;
  /** Folder served under /vault/. */
  vaultDir: string;
  /** Headers added to every response (e.g. COOP/COEP for cross-origin isolation). */
  extraHeaders?: Record<string, string>;
}

export interface ServedEntry {
  path: string;
  status: number;
  range?: string;
}

export interface HarnessServer {
  server: Server;
  origin: string;
  /** Every request path seen, in order (for tests that care what was fetched). */
  requests: string[];
  /** Every answered file request: path, status, and the Range header when there was one. */
  log: ServedEntry[];
  /** Replaces the folder served under /vault/. */
  setVaultDir(dir: string): void;
  close(): Promise<void>;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, log: ServedEntry[]): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  res.on("finish", () => log.push({ path: url, status: res.statusCode, ...(req.headers.range ? { range: req.headers.range } : {}) }));
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error("not a file");
    size = s.size;
  } catch {
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
    return;
  }
  const headers: Record<string, string | number> = {
    "Content-Type": contentType(path),
    "Accept-Ranges": "bytes",
    "Cache-Control": "no-store",
  };
  const range = parseRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const status = range ? 206 : 200;
  if (range) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  headers["Content-Length"] = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  createReadStream(path, { start, end }).pipe(res);
}

/** Starts the server on 127.0.0.1 at a free port. */
export async function startServer(routes: ServerRoutes): Promise<HarnessServer> {
  let vaultDir = routes.vaultDir;
  const requests: string[] = [];
  const log: ServedEntry[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname);
    for (const [name, value] of Object.entries(routes.extraHeaders ?? {})) res.setHeader(name, value);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    const inline = routes.inline?.[url.pathname];
    if (inline) {
      res.writeHead(200, { "Content-Type": inline.contentType, "Cache-Control": "no-store" }).end(req.method === "HEAD" ? undefined : inline.body);
      return;
    }
    const mapped = routes.files[url.pathname];
    if (mapped) {
      void sendFile(req, res, mapped, log);
      return;
    }
    if (url.pathname.startsWith("/vault/")) {
      let rel: string;
      try {
        rel = decodeURIComponent(url.pathname.slice("/vault/".length));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const full = normalize(join(vaultDir, rel));
      // Never serve outside the vault folder.
      if (!full.startsWith(normalize(vaultDir) + sep)) {
        res.writeHead(403).end();
        return;
      }
      void sendFile(req, res, full, log);
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    requests,
    log,
    setVaultDir: (dir) => {
      vaultDir = dir;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
