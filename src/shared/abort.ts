// Cancellation shared by every feature: one error type for a caller's AbortSignal. Pure.

/** The error thrown when a caller's AbortSignal fires; `name` is "AbortError", like `fetch`'s. */
export class AbortError extends Error {
  constructor(message = "Cancelled.") {
    super(message);
    this.name = "AbortError";
  }
}

/** Throws an AbortError when `signal` has fired; does nothing for an absent signal. */
export function throwIfAborted(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw new AbortError(message);
}

/** Whether `error` is a cancellation (ours, `fetch`'s or a DOMException), not a failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}
