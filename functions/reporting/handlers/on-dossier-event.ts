/**
 * Consumer of dossier.* and payment.completed: keeps the dossier facts, the counter buckets and the open points
 * up to date, one transaction per event with the inbox.
 */
import * as z from 'zod';
import type { DossierEventData } from '#dossiers/events.ts';
import type { PaymentEventData } from '#payments/events.ts';
import { eventConsumer } from '#platform/consumer.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { logger } from '#platform/observability.ts';
import { PROJECTION_CONSUMER, projectDossierEvent, recordPayment } from '../use-cases/project.ts';

// The snapshot is the dossiers context's contract; only what would make the projection meaningless is checked.
const dossierEventData = z.object({
  dossier: z.looseObject({
    code: z.string().min(1),
    agencyCode: z.string().min(1),
    procedureCode: z.string().min(1),
    status: z.string().min(1),
    submittedAt: z.string().min(1),
  }),
});
const paymentEventData = z.looseObject({
  dossierCode: z.string().min(1),
  paymentId: z.string().min(1),
  channelCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});

export const handler = eventConsumer(PROJECTION_CONSUMER, async (event) => {
  if (event.type === 'payment.completed') {
    paymentEventData.parse(event.data);
    const outcome = await recordPayment(event as EventEnvelope<PaymentEventData>);
    logger.debug('payment recorded', { eventId: event.id, outcome });
    return;
  }
  if (!event.type.startsWith('dossier.')) {
    logger.warn('event type not handled', { eventId: event.id, type: event.type });
    return;
  }
  dossierEventData.parse(event.data);
  const outcome = await projectDossierEvent(event as EventEnvelope<DossierEventData>);
  logger.debug('dossier event projected', { eventId: event.id, subject: event.subject, outcome });
});
