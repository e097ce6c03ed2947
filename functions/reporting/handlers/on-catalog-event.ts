/** Consumer of catalog.procedure_published / agency_upserted / calendar_updated: reporting's copy of the catalog. */
import { eventConsumer } from '#platform/consumer.ts';
import { logger } from '#platform/observability.ts';
import { applyCatalogEvent, CATALOG_CONSUMER } from '../use-cases/catalog.ts';

export const handler = eventConsumer(CATALOG_CONSUMER, async (event) => {
  const outcome = await applyCatalogEvent(event);
  logger.debug('catalog event applied', { eventId: event.id, type: event.type, outcome });
});
