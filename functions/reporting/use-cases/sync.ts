/**
 * Sync to the national portal, step by step. Each dossier event queues one step (its dossier record and its
 * progress record, built by the portal adapter) and marks its version pending on the dossier's small head item;
 * then whoever finds a send due takes a short lease and sends the queued steps in version order: the dossier
 * record `DongBoHoSoMC` (skipped when identical, by hash, to the last one the portal accepted), then the progress
 * step `CapNhatTienDoHoSoMC`. Only when the portal acknowledged both (error_code 0) is the version marked synced
 * (indicator 1.4) and its step deleted; on failure the attempt count, the error and the next attempt (exponential
 * backoff with jitter) stay visible and the step stays queued.
 *
 * Retries: the SQS message whose send failed owns the retry; its consumer throws after stretching the message's
 * visibility to the backoff, so SQS redelivers it when the next attempt is due (#platform/redelivery.ts). A message
 * that arrives while another owns the retry is acknowledged: the owner sends every queued step anyway. A message
 * that exhausts the queue's receives goes to the DLQ, yet nothing is lost: the step stays queued and the head
 * pending, and the sweep (every few minutes) sends every dossier whose attempt is overdue.
 *
 * A national re-sync (domain/resync.ts, use-cases/resync.ts) marks dossiers: the next step of a marked dossier
 * sends its dossier record even if unchanged, and a marked dossier with nothing newer pending re-sends the last
 * record the portal accepted (kept for this); the sweep pushes those after the overdue ones.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DossierEventData } from '#dossiers/events.ts';
import { paymentLookupCode } from '#payments/contract.ts';
import { now } from '#platform/clock.ts';
import { isConditionalCheckFailed, lostRace } from '#platform/dynamo.ts';
import { logger } from '#platform/observability.ts';
import { type DossierRecord, portalUnitCode, toDossierRecord, toProgressRecord } from '#portal/contract.ts';
import { afterRecordAccepted, type ResendOutcome, resyncProgress } from '../domain/resync.ts';
import {
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  DEFAULT_GAP_WAIT_MS,
  enqueueSync,
  isSyncDue,
  newSyncState,
  nextStep,
  recordSyncFailure,
  recordSyncSuccess,
  type SyncStatus,
  syncStatus,
} from '../domain/sync.ts';
import { getPayment } from '../store/projection.ts';
import { countProgress } from '../store/resync.ts';
import {
  countDueSyncs,
  deleteSyncStep,
  getKeptRecord,
  getSyncRecord,
  keepAcceptedRecord,
  listDueResendCodes,
  listDueSyncCodes,
  listSyncSteps,
  putSyncRecord,
  putSyncStep,
  type SyncRecord,
} from '../store/sync.ts';
import type { PortalAnswer, PortalClient } from '../sync/portal-client.ts';
import { markFactSynced } from './project.ts';
import { MAX_WRITE_ATTEMPTS, pause } from './transactions.ts';

/** How long a worker may hold a dossier's sends (longer than a step's calls: login, record, progress). */
const LEASE_MS = 60_000;
/** Steps per dossier sent in one call before leaving the rest to the next delivery or the sweep. */
const MAX_STEPS_PER_CALL = 25;
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

/** How long a step waits for a missing earlier version: NATIONAL_PORTAL_GAP_WAIT_SECONDS, default 15 min. */
export function gapWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.NATIONAL_PORTAL_GAP_WAIT_SECONDS);
  return env.NATIONAL_PORTAL_GAP_WAIT_SECONDS && Number.isFinite(seconds) && seconds >= 0
    ? seconds * 1000
    : DEFAULT_GAP_WAIT_MS;
}

/** sha-256 of a dossier record as the portal stores it (the create/update flag is how it is sent, not what). */
export function recordHash(record: DossierRecord): string {
  const { isUpdating: _flag, ...content } = record;
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}

/** Queues the step of one dossier event and marks its version pending; known versions change nothing. */
export async function noteDossierEvent(data: DossierEventData, sequence: number): Promise<void> {
  const snapshot = data.dossier;
  const code = snapshot.code;
  const apiUrl = process.env.API_URL ?? '';
  const payment = snapshot.paidOnline ? await getPayment(code) : undefined;
  const unitCode = portalUnitCode();
  await putSyncStep(code, {
    sequence,
    record: toDossierRecord(snapshot, {
      unitCode,
      documentUrl: (documentId) => `${apiUrl}/documents/${documentId}/content`,
      portalKnowsDossier: false,
      ...(payment && payment.channelCode !== 0 ? { paymentChannel: payment.channelCode } : {}),
      ...(snapshot.feeTotal > 0 ? { paymentLookupCode: paymentLookupCode(code) } : {}),
    }),
    progress: toProgressRecord(snapshot, data.entry, { unitCode }),
    notedAt: now().toISOString(),
  });
  // Read after queueing: a sender that decided to wait for this version before the step existed has left its
  // mark (gapSince) by now, and this note clears it.
  let record = await getSyncRecord(code);
  if (record && record.state.lastSyncedSequence !== null && sequence <= record.state.lastSyncedSequence) {
    await deleteSyncStep(code, sequence); // a redelivered event of an acknowledged version
    return;
  }
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const at = now();
    const state = record?.state ?? newSyncState(code);
    let next = enqueueSync(state, sequence, at);
    // The version a queued step was waiting for has arrived: no more waiting (unless sends are failing).
    const fillsGap = record?.gapSince !== undefined && sequence === (state.lastSyncedSequence ?? 0) + 1;
    if (fillsGap && state.attempts === 0) next = { ...next, nextAttemptAt: at.toISOString() };
    if (next === state && !fillsGap && record) return;
    const { gapSince: _gap, ...rest } = record ?? ({} as Partial<SyncRecord>);
    const fromPortal = snapshot.source === 'dvcqg';
    try {
      await putSyncRecord(
        {
          ...(fillsGap ? rest : record),
          state: next,
          agencyCode: snapshot.agencyCode,
          currentAgencyCode: snapshot.currentAgencyCode,
          revision: record?.revision ?? 0,
          ...(fromPortal ? { fromPortal } : {}),
        } as SyncRecord,
        record?.revision,
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      await pause(attempt);
      record = await getSyncRecord(code);
    }
  }
  throw new Error(`dossier ${code}: could not record v${sequence} for sync (contention)`);
}

export type PushOutcome =
  /** The portal acknowledged every version up to `sequence`. */
  | { kind: 'synced'; sequence: number }
  /** Nothing to send now; `retryAt`/`owner` when a failed send is waiting for its next attempt. */
  | { kind: 'idle'; retryAt?: string; owner?: string }
  /** Another worker is sending this dossier (it sends every queued step). */
  | { kind: 'busy' }
  /** The next version's event has not arrived; the sweep sends the queued steps at `until` at the latest. */
  | { kind: 'waiting'; expected: number; until: string }
  /** The send failed; it is due again at `retryAt`. */
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

/**
 * Applies `change` to the current head, releasing the lease if it is still ours; retries on contention. With
 * `outcome`, a re-sync job whose mark the head carries counts it in the same write.
 */
async function settle(
  code: string,
  leaseId: string,
  change: (current: SyncRecord, at: Date) => SyncRecord,
  outcome?: ResendOutcome,
): Promise<SyncRecord | undefined> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await getSyncRecord(code);
    if (!current) return undefined;
    const { leaseId: heldBy, leaseUntil, ...unleased } = current;
    const base = (
      heldBy === leaseId || heldBy === undefined ? unleased : { ...unleased, leaseId: heldBy, leaseUntil }
    ) as SyncRecord;
    const next = change(base, now());
    const progress =
      outcome === undefined
        ? undefined
        : resyncProgress({ mark: current.resync, attempts: current.state.attempts }, { mark: next.resync }, outcome);
    const counted = progress ? countProgress(progress) : undefined;
    try {
      return await putSyncRecord(next, current.revision, counted ? [counted] : []);
    } catch (error) {
      if (!isConditionalCheckFailed(error) && !lostRace(error)) throw error;
      await pause(attempt);
    }
  }
  throw new Error(`dossier ${code}: could not record the outcome of a send (contention)`);
}

/**
 * Sends the dossier's queued steps in order if a send is due and nobody else is sending; `owner` names who
 * retries if it fails (the SQS message id, or the sweep).
 */
export async function pushIfDue(code: string, owner: string, portal: PortalClient): Promise<PushOutcome> {
  let lastSynced: number | undefined;
  for (let round = 0; round < MAX_STEPS_PER_CALL; round++) {
    const record = await getSyncRecord(code);
    const at = now();
    if (!record || !isSyncDue(record.state, at)) {
      if (lastSynced !== undefined) return { kind: 'synced', sequence: lastSynced };
      // The portal has it: make sure the fact says so too (a failure after a send is healed on redelivery).
      if (record?.state.lastSyncedSequence != null) await markFactSynced(code, record.state.lastSyncedSequence);
      const waiting = record && record.state.pendingSequence !== null && record.state.nextAttemptAt !== null;
      return waiting
        ? { kind: 'idle', retryAt: record.state.nextAttemptAt!, ...(record.owner ? { owner: record.owner } : {}) }
        : { kind: 'idle' };
    }
    if (record.leaseUntil !== undefined && record.leaseUntil > at.toISOString()) return { kind: 'busy' };
    const claimed = await claim(record, at);
    if (!claimed) continue;
    const steps = await listSyncSteps(code, 10);
    const acknowledged = claimed.record.state.lastSyncedSequence ?? 0;
    for (const stale of steps.filter((step) => step.sequence <= acknowledged)) {
      await deleteSyncStep(code, stale.sequence);
    }
    const decision = nextStep(
      claimed.record.state,
      steps.map((step) => step.sequence),
      claimed.record.gapSince ?? null,
      at,
      gapWaitMs(),
    );
    if (decision.kind === 'none' && claimed.record.resync !== undefined) {
      // Nothing newer to send: a re-sync's re-send of the record the portal holds.
      const resent = await resendKeptRecord(code, claimed, owner, portal);
      if (resent.kind !== 'synced') return lastSynced === undefined ? resent : { kind: 'synced', sequence: lastSynced };
      lastSynced = resent.sequence;
      continue;
    }
    if (decision.kind === 'none') {
      // Pending without a queued step cannot be sent; say so instead of retrying for ever.
      logger.warn('sync pending without a queued step', { code, pending: claimed.record.state.pendingSequence });
      await settle(code, claimed.leaseId, (current) => ({
        ...current,
        state: { ...current.state, pendingSequence: null, nextAttemptAt: null },
      }));
      return lastSynced === undefined ? { kind: 'idle' } : { kind: 'synced', sequence: lastSynced };
    }
    if (decision.kind === 'wait') {
      await settle(code, claimed.leaseId, (current) => ({
        ...current,
        owner: SWEEP_OWNER,
        gapSince: current.gapSince ?? at.toISOString(),
        state: { ...current.state, nextAttemptAt: decision.until },
      }));
      // The missing step may have been queued while this worker decided (its note saw no mark yet): look again.
      const again = await listSyncSteps(code, 10);
      if (!again.some((candidate) => candidate.sequence === decision.expected)) {
        return { kind: 'waiting', expected: decision.expected, until: decision.until };
      }
      await settle(code, claimed.leaseId, (current, when) => {
        const { gapSince: _gap, ...rest } = current;
        return { ...rest, state: { ...current.state, nextAttemptAt: when.toISOString() } };
      });
      continue;
    }
    const step = steps.find((candidate) => candidate.sequence === decision.sequence)!;
    const portalKnows = claimed.record.recordHash !== undefined || claimed.record.fromPortal === true;
    const hash = recordHash(step.record);
    let acceptedHash = claimed.record.recordHash;
    let result: PortalAnswer = { ok: true };
    // A re-sync mark sends the record even if the portal was given the same one before.
    const recordSent = hash !== claimed.record.recordHash || claimed.record.resync !== undefined;
    if (recordSent) {
      result = await portal.send({ ...step.record, isUpdating: portalKnows ? '1' : '0' });
      if (result.ok) {
        acceptedHash = hash;
        await keepAcceptedRecord(code, { sequence: step.sequence, record: step.record, acceptedAt: at.toISOString() });
      }
    }
    if (result.ok) result = await portal.send(step.progress);
    if (!result.ok) {
      const failure = result.error;
      // The record went through and only the progress step failed: a re-sync's mark is satisfied all the same
      // (the retry sends the step, not the record again).
      const recordAccepted = recordSent && acceptedHash === hash;
      const satisfied = recordAccepted ? claimed.record.resync : undefined;
      const settled = await settle(
        code,
        claimed.leaseId,
        (current, when) => {
          const { resync: mark, ...rest } = current;
          const keepMark = mark !== undefined && mark.jobId !== satisfied?.jobId;
          return {
            ...rest,
            ...(keepMark ? { resync: mark } : {}),
            owner,
            ...(acceptedHash ? { recordHash: acceptedHash } : {}),
            state: recordSyncFailure(current.state, failure, when, Math.random(), retryPolicy()),
            lastAttemptAt: when.toISOString(),
          };
        },
        satisfied ? 'pushed' : 'failed',
      );
      return { kind: 'failed', retryAt: settled?.state.nextAttemptAt ?? at.toISOString(), error: failure };
    }
    await settle(
      code,
      claimed.leaseId,
      (current, when) => {
        const { owner: _owner, gapSince: _gap, resync: _mark, ...rest } = current;
        const synced = recordSyncSuccess(current.state, step.sequence, when);
        const after = afterRecordAccepted(synced, current.resync, recordSent ? claimed.record.resync : undefined, when);
        return {
          ...rest,
          recordHash: acceptedHash!,
          state: after.state,
          ...(after.mark ? { resync: after.mark } : {}),
          ...(decision.skipped.length > 0
            ? { skippedCount: (current.skippedCount ?? 0) + decision.skipped.length }
            : {}),
          lastAttemptAt: when.toISOString(),
          lastSyncedAt: when.toISOString(),
        };
      },
      'pushed',
    );
    if (decision.skipped.length > 0)
      logger.warn('sync gave up waiting for lost versions', { code, skipped: decision.skipped });
    await deleteSyncStep(code, step.sequence);
    await markFactSynced(code, step.sequence);
    lastSynced = step.sequence;
  }
  return lastSynced === undefined ? { kind: 'busy' } : { kind: 'synced', sequence: lastSynced };
}

/**
 * A re-sync's re-send of the last dossier record the portal accepted (the current one: nothing newer is pending),
 * as an update; the progress step is not sent again. Without a kept record the mark is dropped (logged).
 */
async function resendKeptRecord(
  code: string,
  claimed: { record: SyncRecord; leaseId: string },
  owner: string,
  portal: PortalClient,
): Promise<PushOutcome> {
  const satisfied = claimed.record.resync;
  const kept = await getKeptRecord(code);
  if (!kept) {
    logger.warn('re-sync: no accepted record kept to send again', { code, jobId: satisfied?.jobId });
    await settle(
      code,
      claimed.leaseId,
      (current) => {
        const { resync: _mark, owner: _owner, ...rest } = current;
        const resendOnly = current.state.pendingSequence === current.state.lastSyncedSequence;
        return resendOnly
          ? { ...rest, state: { ...current.state, pendingSequence: null, nextAttemptAt: null, attempts: 0 } }
          : { ...rest };
      },
      'dropped',
    );
    return { kind: 'idle' };
  }
  const result = await portal.send({ ...kept.record, isUpdating: '1' });
  if (!result.ok) {
    const failure = result.error;
    const settled = await settle(
      code,
      claimed.leaseId,
      (current, when) => ({
        ...current,
        owner,
        state: recordSyncFailure(current.state, failure, when, Math.random(), retryPolicy()),
        lastAttemptAt: when.toISOString(),
      }),
      'failed',
    );
    return { kind: 'failed', retryAt: settled?.state.nextAttemptAt ?? now().toISOString(), error: failure };
  }
  const settled = await settle(
    code,
    claimed.leaseId,
    (current, when) => {
      const { owner: _owner, resync: _mark, ...rest } = current;
      const held = current.state.lastSyncedSequence ?? kept.sequence;
      const after = afterRecordAccepted(recordSyncSuccess(current.state, held, when), current.resync, satisfied, when);
      return {
        ...rest,
        recordHash: recordHash(kept.record),
        state: after.state,
        ...(after.mark ? { resync: after.mark } : {}),
        lastAttemptAt: when.toISOString(),
        lastSyncedAt: when.toISOString(),
      };
    },
    'pushed',
  );
  return { kind: 'synced', sequence: settled?.state.lastSyncedSequence ?? kept.sequence };
}

/** The most a sweep counts of the backlog: beyond it the alarm has long fired; counting on would only cost reads. */
const BACKLOG_COUNT_CAP = 10_000;

/**
 * Pushes every pending dossier whose attempt is overdue by more than the grace period (the safety net), a page
 * at a time. `overdue` is the whole backlog when the sweep began (up to BACKLOG_COUNT_CAP), which the backlog
 * alarm watches; `attempted` is only what this sweep took on (at most `limit`).
 */
export async function sweepPendingSyncs(
  portal: PortalClient,
  limit = 100,
  hasTime: () => boolean = () => true,
): Promise<SweepSummary> {
  const dueBy = new Date(now().getTime() - SWEEP_GRACE_MS).toISOString();
  const codes = await listDueSyncCodes(dueBy, limit);
  const overdue = codes.length < limit ? codes.length : await countDueSyncs(dueBy, BACKLOG_COUNT_CAP);
  const { synced, failed } = await pushEach(codes, portal);
  // Then a page of a re-sync's re-sends: after the overdue pushes, and not in their backlog.
  const resendCodes = hasTime() ? await listDueResendCodes(dueBy, limit) : [];
  const resent = await pushEach(resendCodes, portal, hasTime);
  return {
    overdue,
    attempted: codes.length,
    synced,
    failed,
    ...(resent.attempted > 0 ? { resent } : {}),
  };
}

export interface SweepSummary {
  overdue: number;
  attempted: number;
  synced: number;
  failed: number;
  /** Re-sends of a national re-sync (only when there were some). */
  resent?: { attempted: number; synced: number; failed: number };
}

async function pushEach(
  codes: readonly string[],
  portal: PortalClient,
  hasTime: () => boolean = () => true,
): Promise<{ attempted: number; synced: number; failed: number }> {
  let attempted = 0;
  let synced = 0;
  let failed = 0;
  for (const code of codes) {
    if (!hasTime()) break;
    attempted += 1;
    const outcome = await pushIfDue(code, SWEEP_OWNER, portal);
    if (outcome.kind === 'synced') synced += 1;
    if (outcome.kind === 'failed') failed += 1;
  }
  return { attempted, synced, failed };
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
    latestSequence: record.state.pendingSequence ?? record.state.lastSyncedSequence ?? 0,
    lastSyncedSequence: record.state.lastSyncedSequence,
    pendingSequence: record.state.pendingSequence,
    attempts: record.state.attempts,
    lastError: record.state.lastError,
    nextAttemptAt: record.state.nextAttemptAt,
    lastAttemptAt: record.lastAttemptAt ?? null,
    lastSyncedAt: record.lastSyncedAt ?? null,
  };
}
