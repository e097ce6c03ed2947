/**
 * Sync to the national portal. Each dossier event records the newest snapshot (a newer one replaces an unsent
 * older one: only the dossier's current state is pushed); then whoever finds the push due takes a short lease,
 * pushes the newest snapshot, and records the outcome: on success the fact is marked synced (indicator 1.4), on
 * failure the attempt count, the error and the next attempt (exponential backoff with jitter) stay visible.
 *
 * Retries: the SQS message whose push failed owns the retry; its consumer throws after stretching the message's
 * visibility to the backoff, so SQS redelivers it when the next attempt is due (sync/redelivery.ts). A message
 * that arrives while another owns the retry is acknowledged: the owner pushes the newest snapshot anyway. A
 * message that exhausts the queue's receives goes to the DLQ, yet the push is not lost: the state stays pending,
 * and the sweep (every few minutes) pushes every pending dossier whose attempt is overdue.
 */
import { randomUUID } from 'node:crypto';
import type { DossierSnapshot } from '#dossiers/events.ts';
import { now } from '#platform/clock.ts';
import { isConditionalCheckFailed } from '#platform/dynamo.ts';
import {
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  enqueueSync,
  isSyncDue,
  newSyncState,
  recordSyncFailure,
  recordSyncSuccess,
  type SyncStatus,
  syncStatus,
  toNationalPortalRecord,
} from '../domain/sync.ts';
import { getPayment } from '../store/projection.ts';
import { getSyncRecord, listDueSyncCodes, putSyncRecord, type SyncRecord } from '../store/sync.ts';
import type { PortalClient } from '../sync/portal-client.ts';
import { markFactSynced } from './project.ts';
import { MAX_WRITE_ATTEMPTS, pause } from './transactions.ts';

/** How long a worker may hold a dossier's push (longer than a push's timeout). */
const LEASE_MS = 60_000;
/** Pushes per dossier in one call before leaving the rest to the next delivery (a dossier changing very fast). */
const MAX_PUSHES_PER_CALL = 5;
/** The sweep leaves a retry to its owning message for this long after it is due. */
export const SWEEP_GRACE_MS = 60_000;
export const SWEEP_OWNER = 'sweep';

/**
 * The retry backoff: the default (1 min doubling to 1 h, 25 % jitter), or NATIONAL_PORTAL_RETRY_BASE_SECONDS /
 * NATIONAL_PORTAL_RETRY_MAX_SECONDS when the province (or a test) sets them.
 */
export function retryPolicy(env: NodeJS.ProcessEnv = process.env): BackoffPolicy {
  const seconds = (value: string | undefined): number | undefined => {
    const parsed = Number(value);
    return value !== undefined && value !== '' && Number.isFinite(parsed) && parsed > 0 ? parsed * 1000 : undefined;
  };
  const baseMs = seconds(env.NATIONAL_PORTAL_RETRY_BASE_SECONDS) ?? DEFAULT_BACKOFF.baseMs;
  const capMs = seconds(env.NATIONAL_PORTAL_RETRY_MAX_SECONDS) ?? Math.max(baseMs, DEFAULT_BACKOFF.capMs);
  return { ...DEFAULT_BACKOFF, baseMs, capMs: Math.max(capMs, baseMs) };
}

/** Records the newest snapshot of a dossier to push; older or known versions change nothing. */
export async function noteSnapshot(snapshot: DossierSnapshot, sequence: number): Promise<void> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const record = await getSyncRecord(snapshot.code);
    const state = record?.state ?? newSyncState(snapshot.code);
    const next = enqueueSync(state, sequence, now());
    if (next === state) return;
    try {
      await putSyncRecord(
        {
          ...record,
          state: next,
          agencyCode: snapshot.agencyCode,
          currentAgencyCode: snapshot.currentAgencyCode,
          snapshot,
          snapshotSequence: sequence,
          revision: record?.revision ?? 0,
        },
        record?.revision,
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      await pause(attempt);
    }
  }
  throw new Error(`dossier ${snapshot.code}: could not record v${sequence} for sync (contention)`);
}

export type PushOutcome =
  /** The portal holds the newest version. */
  | { kind: 'synced'; sequence: number }
  /** Nothing to push now; `retryAt`/`owner` when a failed push is waiting for its next attempt. */
  | { kind: 'idle'; retryAt?: string; owner?: string }
  /** Another worker is pushing this dossier (it pushes the newest version). */
  | { kind: 'busy' }
  /** The push failed; it is due again at `retryAt`. */
  | { kind: 'failed'; retryAt: string; error: string };

async function claim(record: SyncRecord, at: Date): Promise<{ record: SyncRecord; leaseId: string } | undefined> {
  const leaseId = randomUUID();
  try {
    const claimed = await putSyncRecord(
      { ...record, leaseId, leaseUntil: new Date(at.getTime() + LEASE_MS).toISOString() },
      record.revision,
    );
    return { record: claimed, leaseId };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/** Writes the push's outcome onto the current record, releasing the lease if it is still ours. */
async function settle(
  code: string,
  sent: number,
  result: { ok: true } | { ok: false; error: string },
  owner: string,
  leaseId: string,
): Promise<SyncRecord | undefined> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await getSyncRecord(code);
    if (!current) return undefined;
    const at = now();
    const { leaseId: heldBy, leaseUntil, ...unleased } = current;
    const rest: Omit<SyncRecord, 'leaseId' | 'leaseUntil'> & Partial<SyncRecord> =
      heldBy === leaseId || heldBy === undefined ? unleased : { ...unleased, leaseId: heldBy, leaseUntil };
    let next: SyncRecord;
    if (result.ok) {
      const { owner: _owner, ...withoutOwner } = rest;
      next = {
        ...withoutOwner,
        state: recordSyncSuccess(current.state, sent, at),
        lastAttemptAt: at.toISOString(),
        lastSyncedAt: at.toISOString(),
      };
    } else if (current.state.pendingSequence === null) {
      // Someone else got the newest version through meanwhile: this failure no longer matters.
      next = { ...rest, lastAttemptAt: at.toISOString() };
    } else {
      next = {
        ...rest,
        owner,
        state: recordSyncFailure(current.state, result.error, at, Math.random(), retryPolicy()),
        lastAttemptAt: at.toISOString(),
      };
    }
    try {
      return await putSyncRecord(next, current.revision);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      await pause(attempt);
    }
  }
  throw new Error(`dossier ${code}: could not record the outcome of pushing v${sent} (contention)`);
}

/**
 * Pushes the dossier's newest snapshot if a push is due and nobody else is pushing it; repeats while newer
 * versions arrive during the push. `owner` names who retries if it fails (the SQS message id, or the sweep).
 */
export async function pushIfDue(code: string, owner: string, portal: PortalClient): Promise<PushOutcome> {
  let lastSynced: number | undefined;
  for (let round = 0; round < MAX_PUSHES_PER_CALL; round++) {
    const record = await getSyncRecord(code);
    const at = now();
    if (!record || !isSyncDue(record.state, at)) {
      if (lastSynced !== undefined) return { kind: 'synced', sequence: lastSynced };
      // The portal has it: make sure the fact says so too (a failure after a push is healed on redelivery).
      if (record?.state.lastSyncedSequence != null) await markFactSynced(code, record.state.lastSyncedSequence);
      const waiting = record && record.state.pendingSequence !== null && record.state.nextAttemptAt !== null;
      return waiting
        ? { kind: 'idle', retryAt: record.state.nextAttemptAt!, ...(record.owner ? { owner: record.owner } : {}) }
        : { kind: 'idle' };
    }
    if (record.leaseUntil !== undefined && record.leaseUntil > at.toISOString()) return { kind: 'busy' };
    const claimed = await claim(record, at);
    if (!claimed) continue;
    const sent = claimed.record.snapshotSequence;
    const payment = await getPayment(code);
    const apiUrl = process.env.API_URL ?? '';
    const result = await portal.push(
      toNationalPortalRecord(claimed.record.snapshot, {
        documentUrl: (documentId) => `${apiUrl}/documents/${documentId}/content`,
        ...(payment ? { paymentChannel: payment.channelCode } : {}),
      }),
    );
    const settled = await settle(code, sent, result, owner, claimed.leaseId);
    if (!result.ok) {
      if (settled?.state.pendingSequence === null) return { kind: 'idle' };
      return { kind: 'failed', retryAt: settled?.state.nextAttemptAt ?? at.toISOString(), error: result.error };
    }
    await markFactSynced(code, sent);
    lastSynced = sent;
  }
  return lastSynced === undefined ? { kind: 'busy' } : { kind: 'synced', sequence: lastSynced };
}

/** Pushes every pending dossier whose attempt is overdue by more than the grace period (the safety net). */
export async function sweepPendingSyncs(
  portal: PortalClient,
  limit = 100,
): Promise<{ attempted: number; synced: number; failed: number }> {
  const dueBy = new Date(now().getTime() - SWEEP_GRACE_MS).toISOString();
  const codes = await listDueSyncCodes(dueBy, limit);
  let synced = 0;
  let failed = 0;
  for (const code of codes) {
    const outcome = await pushIfDue(code, SWEEP_OWNER, portal);
    if (outcome.kind === 'synced') synced += 1;
    if (outcome.kind === 'failed') failed += 1;
  }
  return { attempted: codes.length, synced, failed };
}

export interface SyncStatusView {
  dossierCode: string;
  agencyCode: string;
  currentAgencyCode: string;
  status: SyncStatus;
  latestSequence: number;
  lastSyncedSequence: number | null;
  pendingSequence: number | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastSyncedAt: string | null;
}

/** What officials see of a dossier's sync. */
export function syncStatusView(record: SyncRecord): SyncStatusView {
  return {
    dossierCode: record.state.dossierCode,
    agencyCode: record.agencyCode,
    currentAgencyCode: record.currentAgencyCode,
    status: syncStatus(record.state),
    latestSequence: record.snapshotSequence,
    lastSyncedSequence: record.state.lastSyncedSequence,
    pendingSequence: record.state.pendingSequence,
    attempts: record.state.attempts,
    lastError: record.state.lastError,
    nextAttemptAt: record.state.nextAttemptAt,
    lastAttemptAt: record.lastAttemptAt ?? null,
    lastSyncedAt: record.lastSyncedAt ?? null,
  };
}
