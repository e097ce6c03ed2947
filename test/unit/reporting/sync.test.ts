import { describe, expect, test } from 'vitest';
import {
  enqueueSync,
  isSyncDue,
  newSyncState,
  nextStep,
  nextSyncAttempt,
  recordSyncFailure,
  recordSyncSuccess,
  syncStatus,
} from '#reporting/domain/sync.ts';

describe('sync retries', () => {
  const now = new Date('2025-03-10T02:00:00.000Z');
  const plus = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const MIN = 60_000;

  test('backoff doubles from one minute and is capped at one hour', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7, 12, 100].map((attempts) => nextSyncAttempt({ attempts }, now, 0));
    expect(waits).toEqual([
      plus(MIN),
      plus(2 * MIN),
      plus(4 * MIN),
      plus(8 * MIN),
      plus(16 * MIN),
      plus(32 * MIN),
      plus(60 * MIN), // 64 min capped
      plus(60 * MIN),
      plus(60 * MIN),
    ]);
    expect(nextSyncAttempt({ attempts: 0 }, now, 0.7)).toBe(now.toISOString());
  });

  test('jitter shortens a wait by up to a quarter', () => {
    expect(nextSyncAttempt({ attempts: 1 }, now, 0.5)).toBe(plus(52_500)); // 60 s × (1 − 0.25 × 0.5)
    expect(nextSyncAttempt({ attempts: 7 }, now, 0.999)).toBe(plus(Math.round(3_600_000 * (1 - 0.25 * 0.999))));
  });

  test('the pending mark is the newest version queued; older or known versions leave it (their steps are queued apart)', () => {
    const synced3 = recordSyncSuccess(enqueueSync(newSyncState('D1'), 3, now), 3, now);
    expect(syncStatus(synced3)).toBe('synced');
    const pending5 = enqueueSync(synced3, 5, now);
    expect(pending5).toMatchObject({ pendingSequence: 5, nextAttemptAt: now.toISOString() });
    expect(enqueueSync(pending5, 4, now)).toBe(pending5);
    expect(enqueueSync(pending5, 3, now)).toBe(pending5);
    expect(enqueueSync(pending5, 6, now).pendingSequence).toBe(6);
    expect(syncStatus(pending5)).toBe('pending');
  });

  test('a failure is visible and backs off; a version enqueued meanwhile waits for the backoff', () => {
    const pending = enqueueSync(newSyncState('D1'), 1, now);
    expect(syncStatus(newSyncState('D1'))).toBe('never');
    const failed = recordSyncFailure(pending, 'HTTP 503 from the portal', now, 0);
    expect(failed).toEqual({
      dossierCode: 'D1',
      lastSyncedSequence: null,
      pendingSequence: 1,
      attempts: 1,
      lastError: 'HTTP 503 from the portal',
      nextAttemptAt: plus(MIN),
    });
    expect(syncStatus(failed)).toBe('retrying');
    const newer = enqueueSync(failed, 2, new Date(now.getTime() + 10_000));
    expect([newer.pendingSequence, newer.nextAttemptAt]).toEqual([2, plus(MIN)]);
    expect(isSyncDue(newer, new Date(now.getTime() + 59_999))).toBe(false);
    expect(isSyncDue(newer, new Date(now.getTime() + MIN))).toBe(true);
    const failedAgain = recordSyncFailure(newer, 'timeout', new Date(now.getTime() + MIN), 0);
    expect([failedAgain.attempts, failedAgain.nextAttemptAt]).toEqual([2, plus(3 * MIN)]);

    const done = recordSyncSuccess(failedAgain, 2, now);
    expect(done).toEqual({
      dossierCode: 'D1',
      lastSyncedSequence: 2,
      pendingSequence: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(isSyncDue(done, new Date(now.getTime() + 10 * MIN))).toBe(false);
  });

  test('a success for an older version leaves the newer one pending and due now', () => {
    const pending = enqueueSync(enqueueSync(newSyncState('D1'), 5, now), 6, now);
    const afterFive = recordSyncSuccess(pending, 5, now);
    expect(afterFive).toMatchObject({ lastSyncedSequence: 5, pendingSequence: 6, nextAttemptAt: now.toISOString() });
    expect(isSyncDue(afterFive, now)).toBe(true);
  });
});

describe('the order of steps', () => {
  const now = new Date('2025-03-10T02:00:00.000Z');
  const MIN = 60_000;
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

  test('the next version goes out; acknowledged ones are ignored', () => {
    expect(nextStep({ lastSyncedSequence: null }, [2, 1, 3], null, now)).toEqual({
      kind: 'send',
      sequence: 1,
      skipped: [],
    });
    expect(nextStep({ lastSyncedSequence: 3 }, [3, 4], null, now)).toEqual({ kind: 'send', sequence: 4, skipped: [] });
    expect(nextStep({ lastSyncedSequence: 4 }, [3, 4], null, now)).toEqual({ kind: 'none' });
    expect(nextStep({ lastSyncedSequence: 4 }, [], null, now)).toEqual({ kind: 'none' });
  });

  test('a missing version is waited for, then given up as lost after the gap wait', () => {
    expect(nextStep({ lastSyncedSequence: 1 }, [4, 3], null, now, 15 * MIN)).toEqual({
      kind: 'wait',
      expected: 2,
      until: at(15 * MIN),
    });
    const since = new Date(now.getTime() - 5 * MIN).toISOString();
    expect(nextStep({ lastSyncedSequence: 1 }, [3], since, now, 15 * MIN)).toEqual({
      kind: 'wait',
      expected: 2,
      until: at(10 * MIN),
    });
    const longAgo = new Date(now.getTime() - 15 * MIN).toISOString();
    expect(nextStep({ lastSyncedSequence: 1 }, [4, 5], longAgo, now, 15 * MIN)).toEqual({
      kind: 'send',
      sequence: 4,
      skipped: [2, 3],
    });
  });
});
