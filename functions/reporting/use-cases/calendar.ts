/**
 * Working time as the province counts it (handling time, 2.2): the calendar years the catalog published, with the
 * national 2025–2027 calendar for years it has not published yet. Cached per process for a minute, and dropped
 * when this process stores a new calendar year.
 */
import { type CalendarYear, createWorkingCalendar } from '#calendar/calendar.ts';
import { workingTimeBetween } from '#calendar/deadline.ts';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import { logger } from '#platform/observability.ts';
import type { WorkingTimeMeasure } from '../domain/facts.ts';
import { listCalendarYears } from '../store/catalog.ts';

const CACHE_MS = 60_000;
let cached: { loadedAt: number; measure: WorkingTimeMeasure } | undefined;

/** The calendar years to use: the province's, then the national defaults for the years it lacks. */
export function mergeCalendarYears(province: readonly CalendarYear[]): CalendarYear[] {
  const covered = new Set(province.map((year) => year.year));
  return [...province, ...VIETNAM_CALENDAR_2025_2027.filter((year) => !covered.has(year.year))];
}

/** Working time between two instants under the province's calendar. */
export async function provinceWorkingTime(): Promise<WorkingTimeMeasure> {
  // Process uptime, not business time: only decides when to re-read the calendar.
  const at = performance.now();
  if (cached && at - cached.loadedAt < CACHE_MS) return cached.measure;
  let years: CalendarYear[];
  try {
    years = mergeCalendarYears(await listCalendarYears());
    createWorkingCalendar(years);
  } catch (error) {
    logger.warn('calendar years unusable, using the national calendar', { error: (error as Error).message });
    years = VIETNAM_CALENDAR_2025_2027;
  }
  const calendar = createWorkingCalendar(years);
  const measure: WorkingTimeMeasure = (from, to) => workingTimeBetween(from, to, calendar);
  cached = { loadedAt: at, measure };
  return measure;
}

/** Forget the cached calendar (a new calendar year was stored). */
export function forgetWorkingTime(): void {
  cached = undefined;
}
