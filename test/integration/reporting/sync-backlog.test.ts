/**
 * The national-sync backlog the alarm watches is the whole backlog, not the sweep's page: a sweep takes at most
 * `limit` dossiers, and reports how many were overdue when it began (`overdue`, the `NationalSyncOverdue` metric),
 * so a province's threshold above the page size (Đồng Nai: 200, page 100) can fire. Real DynamoDB Local; the
 * pending pushes are written through the store, with no queued step (the sweep clears those without a send).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

let cloud: TestCloud;
let store: typeof import('#reporting/store/sync.ts');
let sync: typeof import('#reporting/use-cases/sync.ts');

beforeAll(async () => {
  cloud = await startTestCloud();
  // Loaded once the cloud has set the functions' environment (the table names), as the runtime loads a handler.
  store = await import('#reporting/store/sync.ts');
  sync = await import('#reporting/use-cases/sync.ts');
});
afterAll(async () => {
  await cloud?.stop();
});

const OVERDUE = 7;
const NOT_YET_DUE = 2;

async function pending(code: string, nextAttemptAt: string): Promise<void> {
  await store.putSyncRecord(
    {
      state: {
        dossierCode: code,
        lastSyncedSequence: null,
        pendingSequence: 1,
        attempts: 1,
        lastError: 'HTTP 503 from the national portal',
        nextAttemptAt,
      },
      agencyCode: '000.00.15.H19',
      currentAgencyCode: '000.00.15.H19',
      revision: 0,
    },
    undefined,
  );
}

test('a sweep reports the whole overdue backlog, beyond the page it takes on; the count stops at its cap', async () => {
  const stamp = Date.now();
  const longAgo = new Date(stamp - 60 * 60_000).toISOString();
  const later = new Date(stamp + 60 * 60_000).toISOString();
  for (let i = 0; i < OVERDUE; i++) await pending(`BACKLOG-${stamp}-${i}`, longAgo);
  for (let i = 0; i < NOT_YET_DUE; i++) await pending(`LATER-${stamp}-${i}`, later);

  const dueBy = new Date(stamp - sync.SWEEP_GRACE_MS).toISOString();
  expect(await store.countDueSyncs(dueBy, 1_000)).toBe(OVERDUE);
  expect(await store.countDueSyncs(dueBy, 5)).toBe(5);

  const failing = { send: () => Promise.reject(new Error('no portal in this test')) };
  const summary = await sync.sweepPendingSyncs(failing, 3);
  expect(summary).toMatchObject({ overdue: OVERDUE, attempted: 3 });
  // What it took on is no longer overdue; the rest waits for the next sweep.
  expect(await store.countDueSyncs(dueBy, 1_000)).toBe(OVERDUE - 3);
  // A sweep that takes on the whole backlog reports it from its page alone.
  expect(await sync.sweepPendingSyncs(failing, 100)).toMatchObject({ overdue: OVERDUE - 3, attempted: OVERDUE - 3 });
});
