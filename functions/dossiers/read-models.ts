/**
 * The dossiers context's copies of other contexts' data, kept from their events (a context never reads
 * another's table): the published procedure versions, agencies and calendar years from the catalog, and the
 * verified documents from the documents context. Each event is applied once: the inbox record goes in the
 * same transaction as the effect, and an event older than what is stored changes nothing.
 */
import {
  type CalendarYear,
  calendarCoverage,
  createWorkingCalendar,
  VIETNAM_CALENDAR_2025_2027,
  type WorkingCalendar,
} from '#calendar/index.ts';
import { type Agency, type Procedure, ProcedureSchema } from '#catalog/contract.ts';
import type {
  AgencyUpsertedData,
  CalendarUpdatedData,
  ProcedurePublishedData,
  ProcedureRetiredData,
} from '#catalog/events.ts';
import type { DocumentEventData } from '#documents/events.ts';
import { getAsCaller } from '#platform/caller-api.ts';
import { now } from '#platform/clock.ts';
import { conditionFailed, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { inboxPut } from '#platform/inbox.ts';
import { logger } from '#platform/observability.ts';
import { officeHoursFromEnv } from '#platform/province.ts';
import * as store from './store.ts';

/** What applying an event did: changed the read model, or nothing (a redelivery, or an older event). */
export type ApplyOutcome = 'applied' | 'duplicate-or-stale';

/** Writes the effect with the consumer's inbox record; a failed condition on either means nothing to do. */
export async function applyOnce(
  effect: TransactItem[],
  consumer: string,
  event: EventEnvelope,
  at: Date,
): Promise<ApplyOutcome> {
  try {
    await transactWrite([...effect, inboxPut(store.dossiersTableName(), consumer, event.id, at)]);
    return 'applied';
  } catch (error) {
    if (conditionFailed(error)) return 'duplicate-or-stale'; // the inbox's or the effect's own condition
    throw error;
  }
}

/**
 * Reference data (procedure versions, agencies, calendar years) changes a few times a year but is read on
 * every submission and action; a warm container keeps what it read for a minute. A catalog change therefore
 * reaches submissions within REFERENCE_TTL_MS on AWS, and at once in the same process (the consumer clears
 * the cache). The TTL is wall-clock (a cache policy), not business time.
 */
const REFERENCE_TTL_MS = 60_000;
const referenceCache = new Map<string, { until: number; value: Promise<unknown> }>();

function cachedReference<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = referenceCache.get(key);
  if (hit && hit.until > Date.now()) return hit.value as Promise<T>;
  const value = load();
  referenceCache.set(key, { until: Date.now() + REFERENCE_TTL_MS, value });
  // A failed read is not remembered.
  value.catch(() => referenceCache.delete(key));
  return value;
}

export function clearReferenceCache(): void {
  referenceCache.clear();
}

export const agencyFor = (code: string): Promise<Agency | undefined> =>
  cachedReference(`agency:${code}`, () => store.getAgency(code));

/** Applies one catalog event to the read models; other event types are ignored. */
export async function applyCatalogEvent(event: EventEnvelope, consumer: string, at: Date): Promise<ApplyOutcome> {
  clearReferenceCache();
  let effect: TransactItem;
  switch (event.type) {
    case 'catalog.procedure_published': {
      // Parsed again: a procedure that does not meet the contract must not become submittable.
      const procedure = ProcedureSchema.parse((event.data as ProcedurePublishedData).procedure);
      effect = store.procedureVersionUpsert(procedure);
      break;
    }
    case 'catalog.procedure_retired': {
      const data = event.data as ProcedureRetiredData;
      effect = store.procedureVersionRetire(data.code, data.version);
      break;
    }
    case 'catalog.calendar_updated':
      effect = store.calendarPut((event.data as CalendarUpdatedData).calendar, event.sequence);
      break;
    case 'catalog.agency_upserted':
      effect = store.agencyPut((event.data as AgencyUpsertedData).agency, event.sequence);
      break;
    default:
      logger.warn('ignored catalog event', { type: event.type, id: event.id });
      return 'duplicate-or-stale';
  }
  return applyOnce([effect], consumer, event, at);
}

/** Keeps a verified (clean) document; other document events are ignored. */
export async function applyDocumentEvent(event: EventEnvelope, consumer: string, at: Date): Promise<ApplyOutcome> {
  if (event.type !== 'document.verified') return 'duplicate-or-stale';
  const data = event.data as DocumentEventData;
  if (data.status !== 'clean') return 'duplicate-or-stale';
  const document: store.VerifiedDocument = {
    documentId: data.documentId,
    fileName: data.fileName,
    contentType: data.contentType,
    size: data.size,
    sha256: data.sha256,
    digitized: data.digitized,
    ...(data.ownerIdNumber === undefined ? {} : { ownerIdNumber: data.ownerIdNumber }),
    ...(data.onBehalfOf === undefined ? {} : { onBehalfOf: data.onBehalfOf }),
    ...(data.ownerAgencyCode === undefined ? {} : { ownerAgencyCode: data.ownerAgencyCode }),
  };
  return applyOnce([store.documentUpsert(document, event.sequence)], consumer, event, at);
}

/**
 * The verified documents among `ids`, as the read model has them; one it does not have yet (its
 * document.verified event is still on its way) is confirmed synchronously through the documents context's
 * published API, as the caller (their access rules apply), and kept in the read model at once. So a document
 * that `POST /documents/{id}/complete` just called usable can be submitted at once
 * (docs/decisions/0013-money-under-load.md). The kept copy carries sequence 0: the event, when it comes, wins.
 */
export async function knownDocuments(ids: readonly string[]): Promise<Map<string, store.StoredDocument>> {
  const known = await store.getDocuments(ids);
  const missing = [...new Set(ids)].filter((id) => !known.has(id));
  await Promise.all(
    missing.map(async (id) => {
      const document = verifiedDocumentOf(await getAsCaller(`/documents/${encodeURIComponent(id)}`), id);
      if (!document) return;
      const upsert = store.documentUpsert(document, 0);
      try {
        await transactWrite([upsert]);
      } catch (error) {
        // Already there: the event arrived meanwhile.
        if (!conditionFailed(error, upsert)) throw error;
      }
      logger.info('document confirmed through the documents API before its event', { documentId: id });
      known.set(id, { document, usedBy: [] });
    }),
  );
  return known;
}

/** What the documents API's view says of a usable uploaded document, as the read model keeps it. */
function verifiedDocumentOf(view: unknown, id: string): store.VerifiedDocument | undefined {
  const v = view as Partial<Record<string, unknown>> | undefined;
  if (!v || v.documentId !== id || v.usable !== true || v.status !== 'clean' || v.kind !== 'upload') return undefined;
  if (typeof v.sha256 !== 'string' || typeof v.fileName !== 'string' || typeof v.contentType !== 'string') {
    return undefined;
  }
  if (typeof v.size !== 'number' || typeof v.digitized !== 'boolean') return undefined;
  return {
    documentId: id,
    fileName: v.fileName,
    contentType: v.contentType,
    size: v.size,
    sha256: v.sha256,
    digitized: v.digitized,
    ...(typeof v.ownerIdNumber === 'string' ? { ownerIdNumber: v.ownerIdNumber } : {}),
    ...(typeof v.onBehalfOf === 'string' ? { onBehalfOf: v.onBehalfOf } : {}),
    ...(typeof v.ownerAgencyCode === 'string' ? { ownerAgencyCode: v.ownerAgencyCode } : {}),
  };
}

/**
 * The version of a procedure in effect on a local date: among the published versions that have started to
 * apply and not ended (nor been retired), the latest. A newer version published to apply later does not
 * displace the current one before its first day.
 */
export function versionInEffect(versions: store.ProcedureVersionRecord[], localDate: string): Procedure | undefined {
  let best: Procedure | undefined;
  for (const { procedure, retired } of versions) {
    if (procedure === undefined || retired || procedure.status !== 'published') continue;
    if (procedure.validFrom > localDate) continue;
    if (procedure.validTo !== undefined && procedure.validTo < localDate) continue;
    if (best === undefined || procedure.version > best.version) best = procedure;
  }
  return best;
}

export async function procedureInEffect(code: string, localDate: string): Promise<Procedure | undefined> {
  const versions = await cachedReference(`procedure:${code}`, () => store.listProcedureVersions(code));
  return versionInEffect(versions, localDate);
}

/**
 * Merges the calendar years the catalog published with the built-in years it has not (yet) published; the
 * catalog's year wins.
 */
export function mergeCalendarYears(published: CalendarYear[]): CalendarYear[] {
  const byYear = new Map<number, CalendarYear>();
  for (const year of VIETNAM_CALENDAR_2025_2027) byYear.set(year.year, year);
  for (const year of published) byYear.set(year.year, year);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

/**
 * The working-day calendar as the catalog last published it (built-in years fill the gaps), with the province's
 * office hours. A missing or provisional year (this one or the next) is logged as a warning each time the
 * calendar is loaded: deadlines in a missing year fail (`calendar-year-missing`) until it is loaded.
 */
export function workingCalendar(): Promise<WorkingCalendar> {
  return cachedReference('calendar', async () => {
    const calendar = createWorkingCalendar(mergeCalendarYears(await store.listCalendarYears()), officeHoursFromEnv());
    const coverage = calendarCoverage(calendar, now());
    if (coverage.missing.length > 0 || coverage.provisional.length > 0) {
      logger.warn('working-day calendar incomplete', { ...coverage });
    }
    return calendar;
  });
}
