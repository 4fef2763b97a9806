// fetchBinary for Node (the CLI, embed workers, tests): the body of a 2xx response, else a clear error.

export async function fetchBinaryNode(url: string): Promise<ArrayBuffer> {
  // Obsidian's requestUrl is the app's counterpart; this module never runs in the app.
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  return res.arrayBuffer();
}
