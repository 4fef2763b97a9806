// The guarded file steps apply and undo share: the journal wrapper (a journal error stops the run
// and is never recorded as a step's failure), re-checks of a file against its fingerprint, and a
// move that still counts when the adapter throws after it went through.

import type { Fingerprint } from "./decisions";
import type { FileOps } from "./batch-types";
import { fingerprintMismatch } from "./plan";
import { errorText } from "../shared/errors";

/** An error of the journal (the log could not be written): never recorded as a step's failure. */
export class JournalError extends Error {
  constructor(readonly inner: unknown) {
    super(errorText(inner));
  }
}

export async function journaled(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    throw new JournalError(e);
  }
}

export function unwrap(e: unknown): unknown {
  return e instanceof JournalError ? e.inner : e;
}

/** For bookkeeping after a step succeeded: a failing check must not turn a done step into a "failed" one. */
export async function statOrNull(ops: FileOps, path: string): Promise<{ size: number; mtime: number } | null> {
  try {
    return await ops.stat(path);
  } catch {
    return null;
  }
}

export async function hashOrUndefined(ops: FileOps, path: string): Promise<string | undefined> {
  if (!ops.hash) return undefined;
  try {
    return await ops.hash(path);
  } catch {
    return undefined;
  }
}

export async function existsOr(ops: FileOps, path: string, fallback: boolean): Promise<boolean> {
  try {
    return await ops.exists(path);
  } catch {
    return fallback;
  }
}

export async function ensureFolder(ops: FileOps, folder: string): Promise<void> {
  if (folder !== "" && !(await ops.exists(folder))) await ops.mkdir(folder);
}

/** The file's current state against a fingerprint: null when it still matches (the hash too, when recorded). */
export async function recheck(ops: FileOps, path: string, fp: Fingerprint): Promise<string | null> {
  const st = await ops.stat(path);
  const hash = st && fp.hash !== undefined && ops.hash ? await ops.hash(path) : undefined;
  return fingerprintMismatch(fp, st && (hash === undefined ? st : { ...st, hash }));
}

/** Moves `from` to the free path `to`; an adapter that throws after the move went through still counts. */
export async function moveTo(ops: FileOps, from: string, to: string, expected: Fingerprint): Promise<void> {
  try {
    await ops.move(from, to);
  } catch (e) {
    // An adapter may report an error after the rename went through; the log must say where the file is.
    // Only when the file at `to` is this one: not a file that raced in while this one vanished.
    if (!(await existsOr(ops, from, true))) {
      const st = await statOrNull(ops, to);
      if (st && fingerprintMismatch({ size: expected.size, mtime: expected.mtime }, st) === null) return;
    }
    throw e;
  }
}
