/**
 * Consumer of dossier.* that sends each dossier event's step (dossier record and progress step) to the national
 * portal, in version order. A failed send throws after setting the message's visibility to the backoff, so SQS
 * redelivers it when the next attempt is due.
 */
import type { DossierEventData } from '#dossiers/events.ts';
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { logger } from '#platform/observability.ts';
import { redeliverIn } from '#platform/redelivery.ts';
import { httpPortalClient } from '../sync/portal-client.ts';
import { noteDossierEvent, pushIfDue } from '../use-cases/sync.ts';

/** A push that failed and is retried by redelivering the message. */
export class SyncRetryScheduled extends Error {
  constructor(code: string, retryAt: string, reason: string) {
    super(`push of ${code} failed (${reason}); retrying at ${retryAt}`);
    this.name = 'SyncRetryScheduled';
  }
}

export const handler = eventConsumer('reporting-sync-on-dossier-event', async (event, record) => {
  const data = (event as EventEnvelope<DossierEventData>).data;
  const dossier = data.dossier;
  if (!dossier?.code || !data.entry) throw new Error(`event ${event.id} carries no dossier or history entry`);
  await noteDossierEvent(data, event.sequence);
  const outcome = await pushIfDue(dossier.code, record.messageId, httpPortalClient);
  const waitSeconds = (retryAt: string) => (Date.parse(retryAt) - now().getTime()) / 1000;
  if (outcome.kind === 'failed') {
    await redeliverIn(record, waitSeconds(outcome.retryAt));
    throw new SyncRetryScheduled(dossier.code, outcome.retryAt, outcome.error);
  }
  if (outcome.kind === 'idle' && outcome.retryAt && outcome.owner === record.messageId) {
    // Redelivered before its attempt is due (the visibility could not be stretched): wait again.
    await redeliverIn(record, waitSeconds(outcome.retryAt));
    throw new SyncRetryScheduled(dossier.code, outcome.retryAt, 'attempt not due yet');
  }
  logger.debug('sync handled', { eventId: event.id, code: dossier.code, outcome: outcome.kind });
});
