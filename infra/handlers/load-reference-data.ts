/**
 * The reference data a province needs before its first citizen arrives, loaded by the deployment itself (a
 * CloudFormation custom resource in the catalog stack, infra/stacks/reference-data.ts), as `npm start` does
 * locally (packages/local-cloud/src/seed.ts), through the catalog's own use cases so it is validated and
 * published like any import:
 *
 * - the working-day calendar (packages/calendar/src/seed.ts): every year on create; on update (the resource's
 *   properties hold a hash per seed year, so CloudFormation updates it when a year is added or corrected in
 *   code) only the years whose seed changed, so a year the province edited through the catalog API is left as
 *   it is unless its seed changed. A year stored exactly as in the seed is not written again.
 * - the province's agencies and procedures (config/seed/<seed>/, copied next to the bundle): on create only, so
 *   a redeploy never overwrites what the province's administrators changed through the catalog API.
 *
 * Nothing is removed on delete: the tables are retained.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import { importCatalog, putCalendar } from '#catalog/use-cases.ts';
import { logger } from '#platform/observability.ts';

const ACTOR = { sub: 'deployment' };

export interface ReferenceDataSummary {
  calendarYearsWritten: number;
  agencies?: { total: number; changed: number };
  procedures?: { total: number; changed: number };
}

/**
 * Loads the calendar years named (all when undefined), and the seed catalog when `withCatalog`; idempotent.
 * Throws naming row and field of a bad seed file.
 */
export async function loadReferenceData(
  seedDir: string,
  withCatalog: boolean,
  years?: Set<string>,
): Promise<ReferenceDataSummary> {
  const summary: ReferenceDataSummary = { calendarYearsWritten: 0 };
  if (withCatalog) {
    for (const kind of ['agencies', 'procedures'] as const) {
      const file = join(seedDir, `${kind}.json`);
      const outcome = await importCatalog(kind, readFileSync(file, 'utf8'), { format: 'json', actor: ACTOR });
      if (!outcome.ok) {
        const lines = outcome.errors.map((e) => `row ${e.row}, field ${e.field || '(row)'}: ${e.message}`);
        throw new Error(`Seed file ${file} is invalid: ${lines.join('; ')}`);
      }
      summary[kind] = { total: outcome.summary.total, changed: outcome.summary.changed };
    }
  }
  for (const year of VIETNAM_CALENDAR_2025_2027) {
    if (years && !years.has(String(year.year))) continue;
    if ((await putCalendar(year, ACTOR)).changed) summary.calendarYearsWritten++;
  }
  return summary;
}

const PHYSICAL_ID = 'motcua-reference-data';

type Properties = Record<string, unknown>;

/** Seed years whose hash differs between the old and new resource properties. */
export function changedYears(next: Properties, previous: Properties): Set<string> {
  const now = (next.calendar ?? {}) as Record<string, string>;
  const before = (previous.calendar ?? {}) as Record<string, string>;
  return new Set(Object.keys(now).filter((year) => now[year] !== before[year]));
}

async function respond(event: CloudFormationCustomResourceEvent, response: CloudFormationCustomResourceResponse) {
  const body = JSON.stringify(response);
  const answer = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!answer.ok) throw new Error(`CloudFormation refused the answer: ${answer.status}`);
}

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<void> => {
  const base = {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: PHYSICAL_ID,
  };
  try {
    if (event.RequestType === 'Delete') {
      await respond(event, { ...base, Status: 'SUCCESS', Data: {} });
      return;
    }
    const seedDir = process.env.REFERENCE_DATA_DIR ?? join(import.meta.dirname, 'seed');
    const summary =
      event.RequestType === 'Create'
        ? await loadReferenceData(seedDir, true)
        : await loadReferenceData(seedDir, false, changedYears(event.ResourceProperties, event.OldResourceProperties));
    logger.info('reference data loaded', { requestType: event.RequestType, ...summary });
    await respond(event, {
      ...base,
      Status: 'SUCCESS',
      Data: { calendarYearsWritten: String(summary.calendarYearsWritten) },
    });
  } catch (error) {
    logger.error('reference data not loaded', { error: error as Error });
    await respond(event, { ...base, Status: 'FAILED', Reason: (error as Error).message.slice(0, 3000) });
  }
};
