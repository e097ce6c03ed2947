/**
 * A national re-sync: the province's admin asks for the dossiers of a range to be sent to the national portal
 * again, although the portal acknowledged them (the portal lost or mis-stored them, or the province's first push
 * went to another environment). The rules:
 *
 * - A range is every dossier, or those received (NgayTiepNhan) on GMT+7 days from–to, optionally only one agency's
 *   (the agency that received it) or one procedure's. A dossier not received yet has no reception day: only
 *   `all` takes it.
 * - Marking a dossier sets a mark on its sync state naming the job; it never lowers what the portal acknowledged.
 *   A dossier whose newest version is still pending stays as it is: that version's step goes out as usual and
 *   carries the current dossier record (sent even if unchanged). A dossier the portal is up to date with becomes
 *   pending again for the version it holds: the sweep re-sends the last record the portal accepted (the current
 *   one), at its own pace and with its retry backoff. A dossier never acknowledged is left alone (the normal sync
 *   sends it anyway).
 * - A dossier already marked (by this job, on a replayed page, or by another job) is not marked again: marking
 *   twice never sends twice.
 * - Progress steps (CapNhatTienDoHoSoMC) are not replayed: the record carries the current status and dates.
 */
import { vnDay } from './time.ts';

export type ResyncRange =
  | { scope: 'all'; agencyCode?: string; procedureCode?: string }
  | { scope: 'received'; receivedFrom: string; receivedTo: string; agencyCode?: string; procedureCode?: string };

/** What a range is matched against: the dossier as reporting's fact knows it. */
export interface ResyncCandidate {
  agencyCode: string;
  procedureCode: string;
  /** ISO instant of reception; null when not received yet. */
  receivedAt: string | null;
}

/** Whether a dossier is in the range. */
export function inResyncRange(range: ResyncRange, dossier: ResyncCandidate): boolean {
  if (range.agencyCode !== undefined && dossier.agencyCode !== range.agencyCode) return false;
  if (range.procedureCode !== undefined && dossier.procedureCode !== range.procedureCode) return false;
  if (range.scope === 'all') return true;
  if (dossier.receivedAt === null) return false;
  const day = vnDay(dossier.receivedAt);
  return day >= range.receivedFrom && day <= range.receivedTo;
}

/** One canonical string per range: two requests for the same range while one is marking are the same job. */
export function resyncRangeKey(range: ResyncRange): string {
  const parts = [
    range.scope,
    range.scope === 'received' ? `${range.receivedFrom}..${range.receivedTo}` : '',
    range.agencyCode ?? '*',
    range.procedureCode ?? '*',
  ];
  return parts.join('|');
}

/** The mark a job leaves on a dossier's sync state until the portal took its current record. */
export interface ResyncMark {
  jobId: string;
  markedAt: string;
}

/** The part of a dossier's sync state the re-sync reads and changes. */
export interface ResyncableState {
  lastSyncedSequence: number | null;
  pendingSequence: number | null;
  attempts: number;
  nextAttemptAt: string | null;
}

export type MarkDecision<S extends ResyncableState> =
  /** Nothing acknowledged yet: the normal sync sends the dossier anyway. */
  | { kind: 'not-synced' }
  /** Marked before (by this or another job) and not re-sent yet. */
  | { kind: 'already-marked'; byThisJob: boolean }
  /**
   * Mark it; `state` is the new sync state (pending again when it was up to date, in which case the last record
   * the portal accepted must be at hand: `needsKeptRecord`).
   */
  | { kind: 'mark'; state: S; needsKeptRecord: boolean };

/** How a dossier's sync state is marked for job `jobId`. */
export function decideResyncMark<S extends ResyncableState>(
  state: S,
  mark: ResyncMark | undefined,
  jobId: string,
  at: Date,
): MarkDecision<S> {
  if (mark !== undefined) return { kind: 'already-marked', byThisJob: mark.jobId === jobId };
  if (state.lastSyncedSequence === null) return { kind: 'not-synced' };
  // A newer version is pending (or a send is failing): its step goes out anyway, with the record forced.
  if (state.pendingSequence !== null) return { kind: 'mark', state, needsKeptRecord: false };
  return {
    kind: 'mark',
    state: { ...state, pendingSequence: state.lastSyncedSequence, nextAttemptAt: at.toISOString() },
    needsKeptRecord: true,
  };
}

/** A re-send only: pending for the very version the portal holds (no newer version waiting). */
export function isResendOnly(state: ResyncableState, mark: ResyncMark | undefined): boolean {
  return mark !== undefined && state.pendingSequence !== null && state.pendingSequence === state.lastSyncedSequence;
}

/**
 * After a send the portal acknowledged with the dossier record in it. The mark that was there when the send began
 * is satisfied and goes; a mark left meanwhile (another job, during the send) stays, and keeps the dossier
 * pending for the version just acknowledged so that its record goes out again.
 */
export function afterRecordAccepted<S extends ResyncableState>(
  state: S,
  mark: ResyncMark | undefined,
  satisfied: ResyncMark | undefined,
  at: Date,
): { state: S; mark: ResyncMark | undefined } {
  if (mark === undefined || (satisfied !== undefined && mark.jobId === satisfied.jobId)) {
    return { state, mark: undefined };
  }
  if (state.pendingSequence !== null) return { state, mark };
  return { state: { ...state, pendingSequence: state.lastSyncedSequence, nextAttemptAt: at.toISOString() }, mark };
}

/** What happened to a marked dossier's send. */
export type ResendOutcome = 'pushed' | 'failed' | 'dropped';

/** How a job's progress counts move, for one dossier. */
export interface ResyncProgress {
  jobId: string;
  pushed: number;
  failed: number;
  dropped: number;
}

/**
 * The counts a job shows move with its dossiers: `failed` counts those whose re-send is failing now (retried with
 * backoff; back out of it once pushed), `pushed` those the portal took, `dropped` those with nothing to send.
 */
export function resyncProgress(
  before: { mark: ResyncMark | undefined; attempts: number },
  after: { mark: ResyncMark | undefined },
  outcome: ResendOutcome,
): ResyncProgress | undefined {
  const mark = before.mark;
  if (mark === undefined) return undefined;
  const wasFailing = before.attempts > 0 ? 1 : 0;
  if (outcome === 'failed') {
    return wasFailing ? undefined : { jobId: mark.jobId, pushed: 0, failed: 1, dropped: 0 };
  }
  if (after.mark !== undefined && after.mark.jobId === mark.jobId) return undefined;
  return {
    jobId: mark.jobId,
    pushed: outcome === 'pushed' ? 1 : 0,
    failed: -wasFailing,
    dropped: outcome === 'dropped' ? 1 : 0,
  };
}

export const RESYNC_COUNTS = [
  'scanned',
  'matched',
  'marked',
  'alreadyMarked',
  'notSynced',
  'unavailable',
  'pushed',
  'failed',
  'dropped',
] as const;
export type ResyncCounts = Record<(typeof RESYNC_COUNTS)[number], number>;

export type ResyncStatus = 'marking' | 'pushing' | 'completed';

/** Marking pages through the range; then the sweep pushes; completed once every marked dossier is settled. */
export function resyncStatus(markingDone: boolean, counts: ResyncCounts): ResyncStatus {
  if (!markingDone) return 'marking';
  return counts.pushed + counts.dropped >= counts.marked ? 'completed' : 'pushing';
}
