/**
 * The catalog context's published language. Other contexts keep their own copy (read model) of what they
 * need from these events: the dossiers context keeps published procedure versions and the calendar, so
 * that submission and deadlines never read the catalog's table.
 */

import type { CalendarYear } from '#calendar/calendar.ts';
import type { EventEnvelope } from '#platform/events.ts';
import type { Agency, Procedure } from './domain/schemas.ts';

export interface ProcedurePublishedData {
  /** The full published version (code, version, fees, requirements, formSchema, processingTime, ...). */
  procedure: Procedure;
}

export interface ProcedureRetiredData {
  code: string;
  version: number;
}

export interface CalendarUpdatedData {
  calendar: CalendarYear;
}

export interface AgencyUpsertedData {
  agency: Agency;
}

export const CATALOG_EVENT_TYPES = [
  'catalog.procedure_published',
  'catalog.procedure_retired',
  'catalog.calendar_updated',
  'catalog.agency_upserted',
] as const;
export type CatalogEventType = (typeof CATALOG_EVENT_TYPES)[number];

export type CatalogEvent =
  | EventEnvelope<ProcedurePublishedData, 'catalog.procedure_published'>
  | EventEnvelope<ProcedureRetiredData, 'catalog.procedure_retired'>
  | EventEnvelope<CalendarUpdatedData, 'catalog.calendar_updated'>
  | EventEnvelope<AgencyUpsertedData, 'catalog.agency_upserted'>;
