/** The portal's copy of the local catalog (procedures, agencies), from catalog events. */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { applyCatalogEvent } from '../use-cases/events-in.ts';

const NAME = 'portal-on-catalog-event';
export const handler = eventConsumer(NAME, (event) => applyCatalogEvent(NAME, event, now()));
