/** Consumer of catalog events: published procedure versions, agencies and calendar years → read models. */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { applyCatalogEvent } from '../read-models.ts';

const CONSUMER = 'dossiers-on-catalog-event';

export const handler = eventConsumer(CONSUMER, async (event) => {
  await applyCatalogEvent(event, CONSUMER, now());
});
