// `lesson-lab serve`'s HTTP server, on Node's own http module: the exported web app's page and
// files, the model card, and predictions for uploaded images.
//
//   GET  /            the page (index.html; /lesson-lab.js, /model.js, /lesson-lab.mjs, ... beside it)
//   GET  /info        the model card as JSON
//   POST /predict     an image as the raw body (Content-Type image/* or application/octet-stream)
//                     or as multipart/form-data field "file" (parsed by busboy); answers
//                     {label, ranked: [{label, probability}], probabilities: {label: p}} as
//                     `predict --json` does
//
// Errors are JSON {error} with a 4xx status: 400 empty body or no "file" field, 404 unknown path,
// 405 wrong method, 413 body over the limit, 415 a content type that is not an image or a form,
// 422 bytes that are not a readable image; 500 only for a failure of the model itself. A request
// never takes the server down. Predictions run one at a time (tfjs is single-threaded), so
// concurrent requests queue instead of competing for tensors.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import busboy from "busboy";
import { ImageReadError } from "../../classifier/types";
import { probabilitiesObject, type Prediction } from "../../classifier/predict";
import type { ModelCard } from "../card";
import type { WebAppFile } from "../web-app";
import { errorText } from "../../shared/errors";

/** Largest request body accepted by default: 20 MiB (a phone photo is 2-8 MB). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface ServeOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  files: WebAppFile[];
  card: ModelCard;
  /** Decodes and classifies image bytes; throws ImageReadError for bytes that are not a usable image. */
  classify(bytes: Uint8Array): Promise<Prediction>;
  maxBodyBytes?: number;
  /** One line per request (method, path, status, ms). */
  log?(line: string): void;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  /** Stops listening, ends open connections, and resolves when the server is closed. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** Reads the raw body up to `limit` bytes; a longer one is a 413 (the rest is drained, then dropped). */
function readRaw(req: http.IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new HttpError(413, `The body is over ${Math.round(limit / 1024 / 1024)} MB.`, { Connection: "close" }));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    req.on("error", (error) => reject(new HttpError(400, `The upload failed: ${error.message}`)));
  });
}

/** The bytes of multipart field "file" (the first one), limited to `limit` bytes. */
function readMultipart(req: http.IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limit, files: 1, fields: 20, parts: 40 } });
    } catch (error) {
      reject(new HttpError(400, `Cannot read the form: ${errorText(error)}`));
      return;
    }
    let found: Promise<Uint8Array> | null = null;
    let failed = false;
    const fail = (e: HttpError): void => {
      if (failed) return;
      failed = true;
      reject(e);
    };
    parser.on("file", (name, stream) => {
      if (name !== "file" || found) {
        stream.resume();
        return;
      }
      found = new Promise((done) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("limit", () => fail(new HttpError(413, `The file is over ${Math.round(limit / 1024 / 1024)} MB.`, { Connection: "close" })));
        stream.on("close", () => done(new Uint8Array(Buffer.concat(chunks))));
      });
    });
    parser.on("error", (error: unknown) => fail(new HttpError(400, `Cannot read the form: ${errorText(error)}`)));
    parser.on("close", () => {
      if (failed) return;
      if (!found) fail(new HttpError(400, 'The form has no file field named "file".'));
      else void found.then(resolve);
    });
    req.pipe(parser);
  });
}

async function readImageBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `The body is over ${Math.round(limit / 1024 / 1024)} MB.`, { Connection: "close" });
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  let bytes: Uint8Array;
  if (type === "multipart/form-data") bytes = await readMultipart(req, limit);
  else if (type.startsWith("image/") || type === "application/octet-stream" || type === "") bytes = await readRaw(req, limit);
  else throw new HttpError(415, `Send an image (Content-Type image/*) or a multipart/form-data form with the image in field "file", not ${type}.`);
  if (bytes.length === 0) throw new HttpError(400, "The body is empty: send an image.");
  return bytes;
}

/** Starts the server; rejects with a clear message when the port is in use. */
export function startServer(options: ServeOptions): Promise<RunningServer> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const byPath = new Map(options.files.map((f) => [`/${f.name}`, f]));
  const index = byPath.get("/index.html");
  if (index) byPath.set("/", index);
  const cardJson = JSON.stringify(options.card);
  let queue: Promise<unknown> = Promise.resolve();
  const classify = (bytes: Uint8Array): Promise<Prediction> => {
    const next = queue.then(() => options.classify(bytes));
    queue = next.catch(() => undefined);
    return next;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    if (url.pathname === "/predict") {
      if (method === "OPTIONS") {
        res.writeHead(204, { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type" });
        res.end();
        return;
      }
      if (method !== "POST") throw new HttpError(405, `Use POST for /predict, not ${method}.`, { Allow: "POST, OPTIONS" });
      const bytes = await readImageBody(req, limit);
      let prediction: Prediction;
      try {
        prediction = await classify(bytes);
      } catch (error) {
        if (error instanceof ImageReadError) throw new HttpError(422, `The upload is not a usable image (${error.message}).`);
        throw error;
      }
      sendJson(res, 200, { label: prediction.label, ranked: prediction.ranked, probabilities: probabilitiesObject(prediction.ranked) });
      return;
    }
    const file = url.pathname === "/info" ? null : byPath.get(url.pathname);
    if (url.pathname !== "/info" && !file) throw new HttpError(404, `Nothing at ${url.pathname}: try GET /, GET /info or POST /predict.`);
    if (method !== "GET" && method !== "HEAD") throw new HttpError(405, `Use GET for ${url.pathname}, not ${method}.`, { Allow: "GET, HEAD" });
    req.resume();
    const body = file ? file.text : cardJson;
    const type = file ? file.type : "application/json; charset=utf-8";
    res.writeHead(200, { "Content-Type": type, "Content-Length": String(Buffer.byteLength(body)), "Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff" });
    res.end(method === "HEAD" ? undefined : body);
  };

  const server = http.createServer((req, res) => {
    const started = Date.now();
    res.on("finish", () => options.log?.(`${req.method ?? "?"} ${req.url ?? "?"} ${res.statusCode} ${Date.now() - started} ms`));
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof HttpError ? error : new HttpError(500, `The model failed on this request: ${errorText(error)}`);
      sendJson(res, e.status, { error: e.message }, e.headers);
      // Whatever the client still sends is read and dropped (up to 4x the limit, then the socket is cut).
      let drained = 0;
      req.on("data", (c: Buffer) => {
        drained += c.length;
        if (drained > 4 * limit) req.socket.destroy();
      });
      req.resume();
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once("error", (error: Error & { code?: string }) => {
      if (error.code === "EADDRINUSE") reject(new Error(`port ${options.port} on ${options.host} is in use (another server, or another \`lesson-lab serve\`); choose another with --port`));
      else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") reject(new Error(`cannot listen on ${options.host}: this machine has no such address`));
      else if (error.code === "EACCES") reject(new Error(`not allowed to listen on port ${options.port} (ports below 1024 need administrator rights); choose another with --port`));
      else reject(error);
    });
    server.listen(options.port, options.host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost}:${address.port}/`,
        port: address.port,
        host: address.address,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
