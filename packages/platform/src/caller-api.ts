/**
 * Reading another context's published HTTP contract on behalf of the caller, to read one's own writes.
 *
 * A context learns others' data from events, which arrive a moment later; a client that has just written in
 * one context (completed an upload, submitted a dossier) and at once uses it in another must not be told
 * "unknown". The second context then asks the first through its public API, with the caller's own bearer
 * token, so the first context's access rules apply unchanged and no table is shared
 * (docs/decisions/0013-money-under-load.md). `httpHandler` runs every handler inside `asCaller`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { logger } from './observability.ts';

const caller = new AsyncLocalStorage<{ authorization?: string }>();

/** Runs `fn` with the caller's Authorization header available to `getAsCaller`. */
export function asCaller<T>(authorization: string | undefined, fn: () => Promise<T>): Promise<T> {
  return caller.run(authorization === undefined ? {} : { authorization }, fn);
}

/** How long a confirmation may take before the caller gets the answer it would have had without it. */
const CONFIRM_TIMEOUT_MS = 5_000;

/**
 * GET `path` of this deployment's API as the current caller. The JSON body when it answers 200; undefined
 * when it answers anything else, there is no caller, or it cannot be reached (logged): the asking context
 * then answers as it would have without the confirmation.
 */
export async function getAsCaller(path: string): Promise<unknown> {
  const authorization = caller.getStore()?.authorization;
  const base = process.env.API_URL?.replace(/\/+$/, '');
  if (!authorization || !base) return undefined;
  try {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization, accept: 'application/json' },
      signal: AbortSignal.timeout(CONFIRM_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as unknown;
  } catch (error) {
    logger.warn('a confirmation through the API failed', { path, error: error as Error });
    return undefined;
  }
}
