/**
 * Sync to the National Public Service Portal (Cổng DVCQG): the per-dossier state of what the portal has
 * acknowledged, and the rules of sending. (The records themselves are built in functions/portal/adapter/outbound.ts.)
 *
 * Every dossier version (one event) is one outbound step: its dossier record (`DongBoHoSoMC`, skipped when it is
 * identical to the last one the portal accepted) and its progress record (`CapNhatTienDoHoSoMC`). The portal
 * shows progress as a list, so steps go out strictly in version order, none skipped: a step whose predecessor has
 * not arrived yet waits for it (SQS may deliver out of order), for at most the gap wait, after which the missing
 * version is given up as lost (its event went to a DLQ) so one lost event cannot stall a dossier for ever.
 * A failing send backs off exponentially with jitter (1 min, 2, 4, … capped at 1 h) so a portal outage is not
 * hammered. The state is visible (attempts, last error, next attempt) for the officials' dashboard.
 */
import * as z from 'zod';
import { toMs } from './time.ts';

export const syncStateSchema = z.object({
  dossierCode: z.string().min(1),
  lastSyncedSequence: z.number().int().nullable(),
  /** The newest version waiting to be pushed; null when the portal is up to date. */
  pendingSequence: z.number().int().nullable(),
  /** Failed pushes since the last success. */
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** Each wait is shortened by up to this fraction at random, so retries after an outage spread out. */
  jitter: number;
}
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 60_000, capMs: 3_600_000, jitter: 0.25 };

/** A dossier reporting has not pushed yet. */
export function newSyncState(dossierCode: string): SyncState {
  return {
    dossierCode,
    lastSyncedSequence: null,
    pendingSequence: null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: null,
  };
}

/**
 * A new version of the dossier to send. An older or already known version changes nothing (its step is already
 * queued or acknowledged); a newer one becomes the newest pending. It goes out now unless sends are failing, in
 * which case it waits for the running backoff.
 */
export function enqueueSync(state: SyncState, sequence: number, now: Date): SyncState {
  const newest = Math.max(
    state.lastSyncedSequence ?? Number.NEGATIVE_INFINITY,
    state.pendingSequence ?? Number.NEGATIVE_INFINITY,
  );
  if (sequence <= newest) return state;
  const nextAttemptAt = state.attempts > 0 && state.nextAttemptAt !== null ? state.nextAttemptAt : now.toISOString();
  return { ...state, pendingSequence: sequence, nextAttemptAt };
}

/** True when a push is waiting and its time has come. */
export function isSyncDue(state: SyncState, now: Date): boolean {
  return state.pendingSequence !== null && (state.nextAttemptAt === null || toMs(state.nextAttemptAt) <= now.getTime());
}

/** After the portal acknowledged version `sentSequence`. A newer version enqueued meanwhile goes out right away. */
export function recordSyncSuccess(state: SyncState, sentSequence: number, now: Date): SyncState {
  const lastSyncedSequence = Math.max(state.lastSyncedSequence ?? sentSequence, sentSequence);
  const stillPending = state.pendingSequence !== null && state.pendingSequence > lastSyncedSequence;
  return {
    ...state,
    lastSyncedSequence,
    pendingSequence: stillPending ? state.pendingSequence : null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: stillPending ? now.toISOString() : null,
  };
}

/** After a failed push: one more attempt counted, the error kept visible, the next try scheduled with backoff. */
export function recordSyncFailure(
  state: SyncState,
  error: string,
  now: Date,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): SyncState {
  const failed = { ...state, attempts: state.attempts + 1, lastError: error };
  return { ...failed, nextAttemptAt: nextSyncAttempt(failed, now, random, policy) };
}

/**
 * When to try again after `state.attempts` failures: base × 2^(attempts − 1), capped, shortened by up to
 * `jitter` × `random` (random in [0, 1)); now when nothing has failed.
 */
export function nextSyncAttempt(
  state: Pick<SyncState, 'attempts'>,
  now: Date,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): string {
  if (state.attempts <= 0) return now.toISOString();
  const exponent = Math.min(state.attempts - 1, 30);
  const wait = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = wait * (1 - policy.jitter * Math.min(Math.max(random, 0), 1));
  return new Date(now.getTime() + Math.round(jittered)).toISOString();
}

export type SyncStatus = 'never' | 'synced' | 'pending' | 'retrying';

/** A one-word status for dashboards: `retrying` means the last push failed. */
export function syncStatus(state: SyncState): SyncStatus {
  if (state.attempts > 0) return 'retrying';
  if (state.pendingSequence !== null) return 'pending';
  return state.lastSyncedSequence === null ? 'never' : 'synced';
}

/** How long a step waits for a missing earlier version before that version is given up as lost. */
export const DEFAULT_GAP_WAIT_MS = 15 * 60_000;

export type NextStep =
  /** Send the step of this version now. */
  | { kind: 'send'; sequence: number; skipped: number[] }
  /** Nothing is queued. */
  | { kind: 'none' }
  /** The next version has not arrived: wait until `until` for it. */
  | { kind: 'wait'; expected: number; until: string };

/**
 * Which queued step goes out next, given the versions queued (any order, may include already acknowledged ones)
 * and since when the oldest queued one has been waiting for a missing predecessor (`gapSince`, null when not).
 */
export function nextStep(
  state: Pick<SyncState, 'lastSyncedSequence'>,
  queued: readonly number[],
  gapSince: string | null,
  now: Date,
  gapWaitMs: number = DEFAULT_GAP_WAIT_MS,
): NextStep {
  const acknowledged = state.lastSyncedSequence ?? 0;
  const waiting = queued.filter((sequence) => sequence > acknowledged).sort((a, b) => a - b);
  const first = waiting[0];
  if (first === undefined) return { kind: 'none' };
  const expected = acknowledged + 1;
  if (first === expected) return { kind: 'send', sequence: first, skipped: [] };
  const since = gapSince === null ? now.getTime() : toMs(gapSince);
  if (now.getTime() - since >= gapWaitMs) {
    return { kind: 'send', sequence: first, skipped: Array.from({ length: first - expected }, (_, i) => expected + i) };
  }
  return { kind: 'wait', expected, until: new Date(since + gapWaitMs).toISOString() };
}
