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
import { transactWrite } from '#platform/dynamo.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { inboxPut } from '#platform/inbox.ts';
import { catalogStatsDeltas, summarizeAgency, summarizeProcedure } from '../catalog-stats.ts';
import { agencyPut, calendarPut, getProcedure, procedurePut, statsUpdates } from '../store/catalog.ts';
import { reportingTableName } from '../store/table.ts';
import { forgetWorkingTime } from './calendar.ts';
import { conditionFailuresOrRethrow, MAX_WRITE_ATTEMPTS, pause } from './transactions.ts';

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
  try {
    await transactWrite([inboxPut(reportingTableName(), CATALOG_CONSUMER, event.id, now()), ...items]);
    return 'applied';
  } catch (error) {
    const failed = conditionFailuresOrRethrow(error);
    if (failed.includes(0)) return 'duplicate';
    if (failed.length > 0) return 'stale';
    throw error;
  }
}

async function applyProcedure(event: EventEnvelope<ProcedurePublishedData>): Promise<CatalogOutcome> {
  const next = summarizeProcedure(event.data.procedure);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const previous = await getProcedure(next.code);
    if (previous && previous.version >= next.version) return 'stale';
    try {
      await transactWrite([
        inboxPut(reportingTableName(), CATALOG_CONSUMER, event.id, now()),
        procedurePut(next, previous?.version),
        ...statsUpdates(catalogStatsDeltas(previous, next)),
      ]);
      return 'applied';
    } catch (error) {
      const failed = conditionFailuresOrRethrow(error);
      if (failed.includes(0)) return 'duplicate';
      await pause(attempt);
    }
  }
  throw new Error(`procedure ${next.code} v${next.version}: too much contention, leaving it to redelivery`);
}
