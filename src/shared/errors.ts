// Turning anything thrown into text for a message. Pure.

/** The message of an Error, or the thrown value as a string (`throw "x"`, a rejected non-Error). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
