/** Consumer of payment.completed: the dossier is marked paid (the system action `payment-completed`). */

import type { PaymentEventData } from '#payments/events.ts';
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { applyPaymentCompleted } from '../use-cases.ts';

const CONSUMER = 'dossiers-on-payment-event';

export const handler = eventConsumer(CONSUMER, async (event) => {
  if (event.type !== 'payment.completed') return;
  await applyPaymentCompleted(event as EventEnvelope<PaymentEventData>, CONSUMER, now());
});
