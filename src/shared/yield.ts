// Handing the thread back between slices of long work (training steps, neighbour votes, image
// reads), so that clicks, a Cancel and rendering get their turn. Pure: works in Obsidian, in
// browsers and in Node.

/**
 * Resolves in a new macrotask. A MessageChannel message, not a timer: browsers clamp nested
 * timers to 4 ms, which over thousands of training steps adds seconds of waiting. Falls back
 * to a timer where there is no MessageChannel.
 */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel === "undefined") {
      globalThis.setTimeout(resolve, 0);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
