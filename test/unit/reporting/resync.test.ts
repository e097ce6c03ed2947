import { describe, expect, test } from 'vitest';
import {
  afterRecordAccepted,
  decideResyncMark,
  inResyncRange,
  isResendOnly,
  resyncProgress,
  resyncRangeKey,
  resyncStatus,
} from '#reporting/domain/resync.ts';

const at = new Date('2026-06-01T03:00:00.000Z');
const mark = { jobId: 'job-1', markedAt: '2026-06-01T02:59:00.000Z' };
const upToDate = { lastSyncedSequence: 4, pendingSequence: null, attempts: 0, nextAttemptAt: null };
const dossier = { agencyCode: '000.00.15.H19', procedureCode: '1.999003', receivedAt: '2026-05-10T17:30:00.000Z' };

describe('the range of a re-sync', () => {
  test('received days are GMT+7 days, inclusive; agency and procedure narrow it', () => {
    const may11 = { scope: 'received', receivedFrom: '2026-05-11', receivedTo: '2026-05-11' } as const;
    // 17:30 UTC on the 10th is 00:30 on the 11th in Vietnam.
    expect(inResyncRange(may11, dossier)).toBe(true);
    expect(inResyncRange({ ...may11, receivedFrom: '2026-05-12', receivedTo: '2026-05-31' }, dossier)).toBe(false);
    expect(inResyncRange({ ...may11, agencyCode: '000.00.11.H19' }, dossier)).toBe(false);
    expect(inResyncRange({ ...may11, procedureCode: '1.999003' }, dossier)).toBe(true);
  });

  test('a dossier not received is only in `all`', () => {
    const notReceived = { ...dossier, receivedAt: null };
    expect(inResyncRange({ scope: 'all' }, notReceived)).toBe(true);
    expect(
      inResyncRange({ scope: 'received', receivedFrom: '2000-01-01', receivedTo: '2999-12-31' }, notReceived),
    ).toBe(false);
  });

  test('one key per range, whatever the order of its fields', () => {
    expect(resyncRangeKey({ scope: 'all', procedureCode: 'P', agencyCode: 'A' })).toBe(
      resyncRangeKey({ agencyCode: 'A', scope: 'all', procedureCode: 'P' }),
    );
    expect(resyncRangeKey({ scope: 'all' })).not.toBe(resyncRangeKey({ scope: 'all', agencyCode: 'A' }));
  });
});

describe('marking', () => {
  test('an up-to-date dossier becomes pending again for the version the portal holds', () => {
    const decision = decideResyncMark(upToDate, undefined, 'job-1', at);
    expect(decision).toEqual({
      kind: 'mark',
      needsKeptRecord: true,
      state: { ...upToDate, pendingSequence: 4, nextAttemptAt: at.toISOString() },
    });
    if (decision.kind === 'mark') expect(isResendOnly(decision.state, mark)).toBe(true);
  });

  test('a newer version pending stays as it is; nothing acknowledged is left to the normal sync', () => {
    const pending = { ...upToDate, pendingSequence: 6, attempts: 2, nextAttemptAt: '2026-06-01T04:00:00.000Z' };
    expect(decideResyncMark(pending, undefined, 'job-1', at)).toEqual({
      kind: 'mark',
      state: pending,
      needsKeptRecord: false,
    });
    expect(isResendOnly(pending, mark)).toBe(false);
    expect(decideResyncMark({ ...upToDate, lastSyncedSequence: null }, undefined, 'job-1', at)).toEqual({
      kind: 'not-synced',
    });
  });

  test('marked already: never twice', () => {
    expect(decideResyncMark(upToDate, mark, 'job-1', at)).toEqual({ kind: 'already-marked', byThisJob: true });
    expect(decideResyncMark(upToDate, mark, 'job-2', at)).toEqual({ kind: 'already-marked', byThisJob: false });
  });
});

describe('after a send', () => {
  test('the mark present when the send began is satisfied', () => {
    expect(afterRecordAccepted(upToDate, mark, mark, at)).toEqual({ state: upToDate, mark: undefined });
  });

  test('a mark left during the send stays and keeps the dossier pending', () => {
    const other = { jobId: 'job-2', markedAt: at.toISOString() };
    expect(afterRecordAccepted(upToDate, other, undefined, at)).toEqual({
      state: { ...upToDate, pendingSequence: 4, nextAttemptAt: at.toISOString() },
      mark: other,
    });
  });

  test('the job counts: failing once, then pushed', () => {
    expect(resyncProgress({ mark, attempts: 0 }, { mark }, 'failed')).toEqual({
      jobId: 'job-1',
      pushed: 0,
      failed: 1,
      dropped: 0,
    });
    expect(resyncProgress({ mark, attempts: 1 }, { mark }, 'failed')).toBeUndefined();
    expect(resyncProgress({ mark, attempts: 3 }, { mark: undefined }, 'pushed')).toEqual({
      jobId: 'job-1',
      pushed: 1,
      failed: -1,
      dropped: 0,
    });
    expect(resyncProgress({ mark: undefined, attempts: 0 }, { mark: undefined }, 'pushed')).toBeUndefined();
  });

  test('completed once every marked dossier was pushed or dropped, after marking', () => {
    const counts = {
      scanned: 9,
      matched: 3,
      marked: 3,
      alreadyMarked: 0,
      notSynced: 0,
      unavailable: 0,
      pushed: 2,
      failed: 0,
      dropped: 1,
    };
    expect(resyncStatus(false, counts)).toBe('marking');
    expect(resyncStatus(true, counts)).toBe('completed');
    expect(resyncStatus(true, { ...counts, dropped: 0 })).toBe('pushing');
  });
});
