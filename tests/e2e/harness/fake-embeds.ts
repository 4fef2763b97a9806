// Fake YouTube and Vimeo embed pages, served through Playwright routes so the page never leaves
// 127.0.0.1. Each fake records every message it receives (window.__fakeEmbed.received, the raw
// event.data) and answers like the real player API enough for a client: YouTube replies to the
// "listening" handshake with initialDelivery/onReady and to commands with infoDelivery; Vimeo
// announces "ready" on load and answers setCurrentTime/getCurrentTime and play/pause.

export type Provider = "youtube" | "vimeo";

const SHARED = `
  const state = { received: [], currentTime: 0, playerState: -1, url: location.href };
  window.__fakeEmbed = state;
  const start = Number(new URL(location.href).searchParams.get("start") || (location.hash.match(/t=(\\d+)/) || [])[1] || 0);
  state.currentTime = start;
  const show = () => { document.getElementById("t").textContent = "t = " + state.currentTime.toFixed(1) + " s"; };
  const asObject = (d) => { if (typeof d === "string") { try { return JSON.parse(d); } catch { return null; } } return d; };
`;

const YOUTUBE = `
  let id = null;
  const send = (target, msg) => target.postMessage(JSON.stringify(msg), "*");
  const info = () => ({ currentTime: state.currentTime, playerState: state.playerState, playbackRate: 1, duration: 5000 });
  window.addEventListener("message", (e) => {
    state.received.push(e.data);
    const m = asObject(e.data);
    if (!m || typeof m !== "object") return;
    if (m.event === "listening") {
      id = m.id;
      send(e.source, { event: "initialDelivery", info: info(), id, channel: "widget" });
      send(e.source, { event: "onReady", info: null, id, channel: "widget" });
    } else if (m.event === "command") {
      const args = Array.isArray(m.args) ? m.args : [];
      if (m.func === "seekTo" && typeof args[0] === "number") state.currentTime = args[0];
      if (m.func === "playVideo") state.playerState = 1;
      if (m.func === "pauseVideo") state.playerState = 2;
      send(e.source, { event: "infoDelivery", info: info(), id, channel: "widget" });
      show();
    }
  });
`;

const VIMEO = `
  const send = (msg) => parent.postMessage(JSON.stringify(msg), "*");
  window.addEventListener("message", (e) => {
    state.received.push(e.data);
    const m = asObject(e.data);
    if (!m || typeof m !== "object") return;
    if (m.method === "setCurrentTime" && typeof m.value === "number") {
      state.currentTime = m.value;
      send({ method: "setCurrentTime", value: m.value });
      send({ event: "seeked", data: { seconds: m.value, percent: 0, duration: 5000 } });
      show();
    } else if (m.method === "getCurrentTime") {
      send({ method: "getCurrentTime", value: state.currentTime });
    } else if (m.method === "play") {
      state.playerState = 1;
      send({ event: "play", data: { seconds: state.currentTime } });
    } else if (m.method === "pause") {
      state.playerState = 2;
      send({ event: "pause", data: { seconds: state.currentTime } });
    }
  });
  send({ event: "ready", player_id: null });
`;

/** The HTML of a fake embed page for `provider` (the video id is shown, for screenshots). */
export function fakeEmbedHtml(provider: Provider, url: string): string {
  const label = provider === "youtube" ? "Fake YouTube embed" : "Fake Vimeo embed";
  const path = new URL(url).pathname;
  const body = provider === "youtube" ? YOUTUBE : VIMEO;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${label}</title>
<style>html,body{margin:0;height:100%;background:#111;color:#eee;font:14px sans-serif;display:flex;
flex-direction:column;align-items:center;justify-content:center}#t{font-size:28px;margin-top:6px}</style></head>
<body><div>${label} · ${path.replace(/[<>&"]/g, "")}</div><div id="t"></div>
<script>${SHARED}${body}show();</script></body></html>`;
}

/** Which fake (if any) answers a request URL: only the embed paths the players load. */
export function fakeProviderFor(url: string): Provider | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "https:") return null;
  if ((u.hostname === "www.youtube.com" || u.hostname === "www.youtube-nocookie.com") && u.pathname.startsWith("/embed/")) return "youtube";
  if (u.hostname === "player.vimeo.com" && u.pathname.startsWith("/video/")) return "vimeo";
  return null;
}
