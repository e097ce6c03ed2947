/**
 * The province's timeliness rules as reporting applies them: the calendar years the catalog published, with the
 * built-in national years it has not published, and the province's office hours. Cached per process for a
 * minute, and dropped when this process stores a new calendar year. A missing or provisional year (this one or
 * the next) is logged as a warning.
 */
import { type CalendarYear, calendarCoverage, createWorkingCalendar } from '#calendar/calendar.ts';
import { VIETNAM_CALENDAR_2025_2027, withNationalYears } from '#calendar/seed.ts';
import type { TimelinessRules } from '#calendar/timeliness.ts';
import { now } from '#platform/clock.ts';
import { logger } from '#platform/observability.ts';
import { officeHoursFromEnv } from '#platform/province.ts';
import { listCalendarYears } from '../store/catalog.ts';

const CACHE_MS = 60_000;
let cached: { loadedAt: number; rules: TimelinessRules } | undefined;

/** The calendar years to use: the province's, then the national defaults for the years it lacks (the kernel's). */
export function mergeCalendarYears(province: readonly CalendarYear[]): CalendarYear[] {
  return withNationalYears(province);
}

/** The working calendar and office hours every fact is computed with. */
export async function provinceTimelinessRules(): Promise<TimelinessRules> {
  // Process uptime, not business time: only decides when to re-read the calendar.
  const at = performance.now();
  if (cached && at - cached.loadedAt < CACHE_MS) return cached.rules;
  const hours = officeHoursFromEnv();
  let years: CalendarYear[];
  try {
    years = mergeCalendarYears(await listCalendarYears());
    createWorkingCalendar(years, hours);
  } catch (error) {
    logger.warn('calendar years unusable, using the national calendar', { error: (error as Error).message });
    years = VIETNAM_CALENDAR_2025_2027;
  }
  const calendar = createWorkingCalendar(years, hours);
  const coverage = calendarCoverage(calendar, now());
  if (coverage.missing.length > 0 || coverage.provisional.length > 0) {
    logger.warn('working-day calendar incomplete', { ...coverage });
  }
  const rules: TimelinessRules = { calendar };
  cached = { loadedAt: at, rules };
  return rules;
}

/** Forget the cached calendar (a new calendar year was stored). */
export function forgetWorkingTime(): void {
  cached = undefined;
}
