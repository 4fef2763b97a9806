// Whether any classifier module was loaded in this session, so that unloading the plugin frees
// tfjs memory only when there is some, and never evaluates the classifier just to unload it.
let used = false;

export function markClassifierUsed(): void {
  used = true;
}

export function classifierWasUsed(): boolean {
  return used;
}
