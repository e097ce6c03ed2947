/** Consumer of document.verified: the applicants' verified documents → read model. */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { applyDocumentEvent } from '../read-models.ts';

const CONSUMER = 'dossiers-on-document-event';

export const handler = eventConsumer(CONSUMER, async (event) => {
  await applyDocumentEvent(event, CONSUMER, now());
});
