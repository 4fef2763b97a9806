// tfjs for the classifier core, reached through tf-setup's runtime so that importing the core
// never evaluates tfjs (Obsidian's start-up stays fast); types come from `import type`.
import { currentTf, setupTf, type Tf } from "./tf-setup";

/** The tfjs module; throws when setupTf has not run yet (call ensureTf first). */
export function tfjs(): Tf {
  const runtime = currentTf();
  if (!runtime) throw new Error("tfjs is not set up yet: call ensureTf() (or setupTf()) first.");
  return runtime.tf;
}

/** The tfjs module, setting up the default backend on first use. */
export async function ensureTf(): Promise<Tf> {
  return (currentTf() ?? (await setupTf())).tf;
}
