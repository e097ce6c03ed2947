/**
 * GET /health — liveness, with details on what needs an operator before it breaks deadlines: the working-day
 * calendar of this year and the next. A year without data makes every deadline in it fail
 * (`calendar-year-missing`), so it is shown here and logged as a warning months before it bites; a provisional
 * year (legally implied days, not yet the official announcement) is shown the same way.
 *
 * The calendar is the catalog's: read through its public contract (`GET /calendar/{year}`), as any client would,
 * with the built-in national years filling what it has not published, exactly as the dossiers and reporting
 * contexts merge them. The answer stays 200 `ok` (this is a liveness check); the details say what to do.
 */
import {
  type CalendarYear,
  calendarHealth,
  calendarYearSchema,
  createWorkingCalendar,
  toLocalDate,
  withNationalYears,
} from '#calendar/index.ts';
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { logger } from '#platform/observability.ts';
import { routes } from '../topology.ts';

const CATALOG_TIMEOUT_MS = 3_000;

/** The year as the catalog publishes it; null when it has none; undefined when it cannot be asked. */
async function publishedYear(year: number): Promise<CalendarYear | null | undefined> {
  const base = process.env.API_URL?.replace(/\/+$/, '');
  if (!base) return undefined;
  try {
    const response = await fetch(`${base}/calendar/${year}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(CATALOG_TIMEOUT_MS),
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return undefined;
    }
    return calendarYearSchema.parse(await response.json());
  } catch (error) {
    logger.warn('health: the catalog calendar could not be read', { year, error: error as Error });
    return undefined;
  }
}

async function calendarDetails(at: Date) {
  const year = Number(toLocalDate(at).slice(0, 4));
  const answers = await Promise.all([year, year + 1].map(publishedYear));
  const published = answers.filter((y): y is CalendarYear => y !== null && y !== undefined);
  const unreachable = [year, year + 1].filter((_, i) => answers[i] === undefined);
  const health = calendarHealth(createWorkingCalendar(withNationalYears(published)), at);
  const warnings = [
    ...health.warnings,
    ...unreachable.map((y) => `The catalog did not answer for ${y}: only the built-in national calendar was checked.`),
  ];
  const details = {
    status: warnings.length === 0 ? ('ok' as const) : ('warning' as const),
    checked: [year, year + 1],
    missing: health.missing,
    provisional: health.provisional,
    warnings,
  };
  if (warnings.length > 0) logger.warn('working-day calendar incomplete', details);
  return details;
}

export const handler = httpHandler(routes.health, async () => ({
  body: { status: 'ok' as const, details: { calendar: await calendarDetails(now()) } },
  headers: { 'cache-control': 'no-store' },
}));
