/**
 * Reporting's copy of the catalog, fed by catalog.* events: procedures (and the index's catalog figures moved in
 * the same transaction), agencies with their parent links, and the calendar years that count working time.
 */
import type {
  AgencyUpsertedData,
  CalendarUpdatedData,
  CatalogEventType,
  ProcedurePublishedData,
} from '#catalog/events.ts';
import { now } from '#platform/clock.ts';
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { inboxPut } from '#platform/inbox.ts';
import { catalogStatsDeltas, summarizeAgency, summarizeProcedure } from '../catalog-stats.ts';
import { agencyPut, calendarPut, getProcedure, procedurePut, statsUpdates } from '../store/catalog.ts';
import { reportingTableName } from '../store/table.ts';
import { forgetWorkingTime } from './calendar.ts';
import { MAX_WRITE_ATTEMPTS, pause, rethrowUnlessRetryable } from './transactions.ts';

export const CATALOG_CONSUMER = 'reporting-on-catalog-event';

/** The catalog events reporting keeps a copy of. */
export const CATALOG_EVENTS_KEPT = [
  'catalog.procedure_published',
  'catalog.agency_upserted',
  'catalog.calendar_updated',
] as const satisfies readonly CatalogEventType[];

export type CatalogOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

/** Applies one catalog event once; older versions than the copy holds change nothing. */
export async function applyCatalogEvent(event: EventEnvelope): Promise<CatalogOutcome> {
  switch (event.type) {
    case 'catalog.procedure_published':
      return applyProcedure(event as EventEnvelope<ProcedurePublishedData>);
    case 'catalog.agency_upserted': {
      const { agency } = (event as EventEnvelope<AgencyUpsertedData>).data;
      return writeOnce(event, [agencyPut(summarizeAgency(agency), event.sequence)]);
    }
    case 'catalog.calendar_updated': {
      const { calendar } = (event as EventEnvelope<CalendarUpdatedData>).data;
      const outcome = await writeOnce(event, [calendarPut(calendar, event.sequence)]);
      if (outcome === 'applied') forgetWorkingTime();
      return outcome;
    }
    default:
      return 'ignored';
  }
}

async function writeOnce(event: EventEnvelope, items: Parameters<typeof transactWrite>[0]): Promise<CatalogOutcome> {
  const inbox = inboxPut(reportingTableName(), CATALOG_CONSUMER, event.id, now());
  try {
    await transactWrite([inbox, ...items]);
    return 'applied';
  } catch (error) {
    if (conditionFailed(error, inbox)) return 'duplicate';
    if (conditionFailed(error)) return 'stale'; // another item's: the copy holds this version or a newer one
    throw error;
  }
}

async function applyProcedure(event: EventEnvelope<ProcedurePublishedData>): Promise<CatalogOutcome> {
  const next = summarizeProcedure(event.data.procedure);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const previous = await getProcedure(next.code);
    if (previous && previous.version >= next.version) return 'stale';
    const inbox = inboxPut(reportingTableName(), CATALOG_CONSUMER, event.id, now());
    try {
      await transactWrite([
        inbox,
        procedurePut(next, previous?.version),
        ...statsUpdates(catalogStatsDeltas(previous, next)),
      ]);
      return 'applied';
    } catch (error) {
      if (conditionFailed(error, inbox)) return 'duplicate';
      rethrowUnlessRetryable(error);
      await pause(attempt);
    }
  }
  throw new Error(`procedure ${next.code} v${next.version}: too much contention, leaving it to redelivery`);
}
