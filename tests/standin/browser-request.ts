// requestUrl for the browser harness: obsidian-test-mocks answers every request with an empty 200;
// here it really fetches (the page's network fence routes release downloads to 127.0.0.1), so the
// plugin's engine download is tested end to end. Shaped like Obsidian's: a promise of the response,
// and with `throw: false` a non-2xx status is returned instead of thrown.
import type { RequestUrlParam, RequestUrlResponse } from "obsidian";

export async function requestUrl(request: RequestUrlParam | string): Promise<RequestUrlResponse> {
  const req = typeof request === "string" ? { url: request } : request;
  const res = await fetch(req.url, { method: req.method ?? "GET", headers: req.headers, body: req.body ?? null });
  const arrayBuffer = await res.arrayBuffer();
  if (req.throw !== false && !res.ok) throw new Error(`Request failed, status ${res.status}`);
  const text = new TextDecoder().decode(arrayBuffer);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => (headers[key] = value));
  return {
    status: res.status,
    headers,
    arrayBuffer,
    text,
    get json(): unknown {
      return JSON.parse(text) as unknown;
    },
  };
}
