/**
 * Consumer of catalog events: `catalog.calendar_updated` keeps the working calendar the deadline alerts use;
 * `catalog.agency_upserted` seeds the agency's officials into the directory when running locally.
 */
import type { AgencyUpsertedData, CalendarUpdatedData } from '#catalog/events.ts';
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { putCalendarYear } from '../store.ts';
import { seedOfficialsOf } from '../use-cases/directory.ts';

export const handler = eventConsumer('notifications-on-catalog-event', async (event) => {
  if (event.type === 'catalog.calendar_updated') {
    await putCalendarYear((event.data as CalendarUpdatedData).calendar, event.sequence);
  } else if (event.type === 'catalog.agency_upserted') {
    await seedOfficialsOf((event.data as AgencyUpsertedData).agency.code, now());
  }
});
