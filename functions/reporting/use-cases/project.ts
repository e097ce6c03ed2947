/**
 * The reporting projection of dossier events: each event replaces the dossier's fact with the one its snapshot
 * gives and moves the counters and open points by the difference, in ONE transaction with the inbox item. A
 * redelivered event fails the inbox condition (nothing is written twice); an event older than the fact gives no
 * step (nothing changes). A push confirmed by the sync worker marks the fact synced the same way.
 */
import type { DossierEventData } from '#dossiers/events.ts';
import type { PaymentEventData } from '#payments/events.ts';
import { now } from '#platform/clock.ts';
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { inboxPut } from '#platform/inbox.ts';
import { applySnapshot, applySynced } from '../domain/apply.ts';
import { markSyncedStub, paymentPut, readFact, registerOpenMonths, stepItems } from '../store/projection.ts';
import { reportingTableName } from '../store/table.ts';
import { provinceTimelinessRules } from './calendar.ts';
import { MAX_WRITE_ATTEMPTS, pause, rethrowUnlessRetryable } from './transactions.ts';

/** The consumer's name in the inbox. */
export const PROJECTION_CONSUMER = 'reporting-on-dossier-event';

export type ProjectionOutcome = 'applied' | 'duplicate' | 'stale';

/** Projects one dossier event (sequence = the dossier's version after the change). */
export async function projectDossierEvent(event: EventEnvelope<DossierEventData>): Promise<ProjectionOutcome> {
  const snapshot = event.data.dossier;
  const rules = await provinceTimelinessRules();
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const read = await readFact(snapshot.code);
    const step = applySnapshot(read.fact, snapshot, event.sequence, {
      rules,
      syncedSequence: read.syncedSequence,
    });
    if (step === null) return 'stale';
    await registerOpenMonths(step.openDeltas);
    const inbox = inboxPut(reportingTableName(), PROJECTION_CONSUMER, event.id, now());
    try {
      await transactWrite([inbox, ...stepItems(step, read)]);
      return 'applied';
    } catch (error) {
      if (conditionFailed(error, inbox)) return 'duplicate';
      rethrowUnlessRetryable(error);
      await pause(attempt);
    }
  }
  throw new Error(`dossier ${snapshot.code} v${event.sequence}: too much contention, leaving it to redelivery`);
}

/** Keeps what the sync record needs of an online payment (which platform took it), once per event. */
export async function recordPayment(event: EventEnvelope<PaymentEventData>): Promise<'applied' | 'duplicate'> {
  const payment = event.data;
  const inbox = inboxPut(reportingTableName(), PROJECTION_CONSUMER, event.id, now());
  try {
    await transactWrite([
      inbox,
      paymentPut({
        dossierCode: payment.dossierCode,
        paymentId: payment.paymentId,
        channelCode: payment.channelCode,
        amount: payment.amount,
        ...(payment.paidAt ? { paidAt: payment.paidAt } : {}),
      }),
    ]);
    return 'applied';
  } catch (error) {
    if (conditionFailed(error, inbox)) return 'duplicate';
    throw error;
  }
}

/**
 * Marks version `sequence` of a dossier as held by the national portal: the fact (and the `synced` counter of its
 * intake month) when the fact exists, otherwise a mark the first fact will carry.
 */
export async function markFactSynced(code: string, sequence: number): Promise<void> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const read = await readFact(code);
    try {
      if (read.fact) {
        const step = applySynced(read.fact, sequence);
        if (step === null) return;
        await transactWrite(stepItems(step, read));
      } else {
        if (read.syncedSequence !== null && read.syncedSequence >= sequence) return;
        await markSyncedStub(code, sequence);
      }
      return;
    } catch (error) {
      rethrowUnlessRetryable(error);
      await pause(attempt);
    }
  }
  throw new Error(`dossier ${code}: could not record the sync of v${sequence} (contention)`);
}
