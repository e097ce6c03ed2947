import * as z from 'zod';
import { DEFAULT_OFFICE_HOURS, type OfficeHours } from './hours.ts';
import { addLocalDays, isLocalDate, localWeekday, toLocalDate } from './time.ts';

/** One named day of a calendar year: a public holiday or a weekend day worked instead of a swapped weekday. */
export interface CalendarDay {
  /** Local (GMT+7) date, 'YYYY-MM-DD'. */
  date: string;
  /** Vietnamese name, shown to officials and applicants. */
  name: string;
  nameEn?: string;
}

/**
 * The non-standard days of one year, as the government announces them and the province enters them.
 * `holidays` are days off (statutory holidays, compensatory days off, weekdays swapped away); a holiday may fall on a
 * weekend (e.g. the statutory day itself when a compensatory day follows). `workingWeekendDays` are the Saturdays or
 * Sundays worked in exchange for a swapped weekday.
 */
export interface CalendarYear {
  year: number;
  holidays: CalendarDay[];
  workingWeekendDays: CalendarDay[];
  /**
   * True while the year's days are the legally implied ones and not yet the Prime Minister's announcement:
   * deadlines are computed, and `/health` and the logs say the data is provisional.
   */
  provisional?: boolean;
}

const calendarDaySchema = z.object({
  date: z.string().refine(isLocalDate, { message: 'Must be a real calendar date written YYYY-MM-DD' }),
  name: z.string().trim().min(1, 'A day needs a (Vietnamese) name'),
  nameEn: z.string().trim().min(1, 'nameEn, when given, must not be empty').optional(),
});

/** Validates one calendar year as entered by an administrator (boundary: catalog admin API, seed files). */
export const calendarYearSchema = z
  .object({
    year: z.number().int('year must be a whole number').min(1900).max(9999),
    holidays: z.array(calendarDaySchema),
    workingWeekendDays: z.array(calendarDaySchema),
    provisional: z.boolean().optional(),
  })
  .superRefine((calendar, ctx) => {
    const yearPrefix = `${calendar.year}-`;
    const checkList = (list: 'holidays' | 'workingWeekendDays') => {
      const seen = new Map<string, number>();
      calendar[list].forEach((day, index) => {
        // Malformed dates already carry their own issue from the element schema.
        if (!isLocalDate(day.date)) return;
        const path = [list, index, 'date'];
        if (!day.date.startsWith(yearPrefix)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${day.date} is not in calendar year ${calendar.year}`,
          });
        }
        const firstIndex = seen.get(day.date);
        if (firstIndex !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${day.date} is listed twice in ${list} (also at index ${firstIndex})`,
          });
        } else {
          seen.set(day.date, index);
        }
        if (list === 'workingWeekendDays') {
          const weekday = localWeekday(day.date);
          if (weekday !== 0 && weekday !== 6) {
            ctx.addIssue({
              code: 'custom',
              path,
              message: `${day.date} is not a Saturday or Sunday; only weekend days can be made working days`,
            });
          }
        }
      });
      return seen;
    };
    const holidayDates = checkList('holidays');
    const workingWeekendDates = checkList('workingWeekendDays');
    for (const [date, index] of workingWeekendDates) {
      if (holidayDates.has(date)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workingWeekendDays', index, 'date'],
          message: `${date} cannot be both a holiday and a working weekend day`,
        });
      }
    }
  });

/**
 * A date the calendar cannot answer for: its year has no data. Deadlines that would need it fail with this
 * error instead of silently treating the year as plain Monday–Friday (a year without its Tết break would
 * give wrong appointments for a whole year). Load the year through the catalog (docs/operations.md).
 */
export class CalendarYearMissingError extends RangeError {
  readonly year: number;
  constructor(year: number) {
    super(
      `The working-day calendar has no data for ${year}: load the year's holidays before computing deadlines in it`,
    );
    this.name = 'CalendarYearMissingError';
    this.year = year;
  }
}

/** Answers which local dates are working days for the one-stop desk. */
export interface WorkingCalendar {
  /** True when `localDate` ('YYYY-MM-DD') is a working day; CalendarYearMissingError when its year has no data. */
  isWorkingDay(localDate: string): boolean;
  /** The years that have calendar data, ascending. */
  years(): number[];
  /** The years whose data is provisional (not yet the Prime Minister's announcement), ascending. */
  provisionalYears(): number[];
  /** The name of the holiday on `localDate`, if it is one. */
  holidayName(localDate: string): string | undefined;
  /**
   * The desk's office hours on working days (province data). Carried with the days so that every deadline and
   * timeliness computed with this calendar uses the same hours without each caller passing them.
   */
  readonly officeHours: OfficeHours;
}

/** Which of `wanted` years a calendar has no data for (for warnings: logs, `/health`). */
export function missingYears(cal: Pick<WorkingCalendar, 'years'>, wanted: readonly number[]): number[] {
  const covered = new Set(cal.years());
  return wanted.filter((year) => !covered.has(year));
}

/** Whether a calendar covers the years deadlines are being computed in now: this GMT+7 year and the next. */
export interface CalendarCoverage {
  years: number[];
  /** This year or the next without data: deadlines in them fail until the year is loaded. */
  missing: number[];
  /** Covered, but with the legally implied days, not yet the official announcement. */
  provisional: number[];
}

export function calendarCoverage(
  cal: Pick<WorkingCalendar, 'years' | 'provisionalYears'>,
  now: Date,
): CalendarCoverage {
  const year = Number(toLocalDate(now).slice(0, 4));
  const wanted = [year, year + 1];
  const provisional = new Set(cal.provisionalYears());
  return {
    years: cal.years(),
    missing: missingYears(cal, wanted),
    provisional: wanted.filter((y) => provisional.has(y)),
  };
}

/** What `/health` says about the calendar: its coverage, and a warning per year that needs the province. */
export interface CalendarHealth extends CalendarCoverage {
  status: 'ok' | 'warning';
  warnings: string[];
}

/**
 * The calendar's health as of `now`: a warning for this GMT+7 year or the next without data (deadlines in it fail
 * with `calendar-year-missing` until it is loaded) and for one still provisional (the legally implied days, not
 * the Prime Minister's announcement).
 */
export function calendarHealth(cal: Pick<WorkingCalendar, 'years' | 'provisionalYears'>, now: Date): CalendarHealth {
  const coverage = calendarCoverage(cal, now);
  const warnings = [
    ...coverage.missing.map(
      (year) =>
        `No working-day calendar for ${year}: deadlines in ${year} fail (calendar-year-missing) until the year is loaded (PUT /calendar/${year}).`,
    ),
    ...coverage.provisional.map(
      (year) =>
        `The ${year} calendar is provisional (legally implied days): replace it with the official announcement (PUT /calendar/${year}).`,
    ),
  ];
  return { status: warnings.length === 0 ? 'ok' : 'warning', ...coverage, warnings };
}

/**
 * Builds a working calendar from per-year data: Monday–Friday are working days except holidays; Saturday and
 * Sunday are not, except the listed working weekend days. A date in a year with no data is an error
 * (CalendarYearMissingError), never a silent Monday–Friday guess.
 * Throws (ZodError) on invalid year data and (RangeError) when a year is given twice.
 */
export function createWorkingCalendar(
  years: CalendarYear[],
  officeHours: OfficeHours = DEFAULT_OFFICE_HOURS,
): WorkingCalendar {
  const holidayNames = new Map<string, string>();
  const workingWeekendDays = new Set<string>();
  const coveredYears = new Set<number>();
  const provisional = new Set<number>();
  for (const input of years) {
    const calendarYear: CalendarYear = calendarYearSchema.parse(input);
    if (coveredYears.has(calendarYear.year)) {
      throw new RangeError(`Calendar year ${calendarYear.year} is given more than once`);
    }
    coveredYears.add(calendarYear.year);
    if (calendarYear.provisional === true) provisional.add(calendarYear.year);
    for (const day of calendarYear.holidays) holidayNames.set(day.date, day.name);
    for (const day of calendarYear.workingWeekendDays) workingWeekendDays.add(day.date);
  }
  const sortedYears = [...coveredYears].sort((a, b) => a - b);
  return {
    isWorkingDay(localDate) {
      const weekday = localWeekday(localDate);
      const year = Number(localDate.slice(0, 4));
      if (!coveredYears.has(year)) throw new CalendarYearMissingError(year);
      if (holidayNames.has(localDate)) return false;
      if (weekday === 0 || weekday === 6) return workingWeekendDays.has(localDate);
      return true;
    },
    years: () => [...sortedYears],
    provisionalYears: () => [...provisional].sort((a, b) => a - b),
    holidayName: (localDate) => holidayNames.get(localDate),
    officeHours,
  };
}

// Ten years without a working day can only come from broken data; stop rather than loop forever.
const MAX_SEARCH_DAYS = 3660;

/** The first working day strictly after `localDate`. */
export function nextWorkingDay(localDate: string, cal: WorkingCalendar): string {
  let candidate = localDate;
  for (let step = 0; step < MAX_SEARCH_DAYS; step++) {
    candidate = addLocalDays(candidate, 1);
    if (cal.isWorkingDay(candidate)) return candidate;
  }
  throw new RangeError(`No working day within ${MAX_SEARCH_DAYS} days after ${localDate}`);
}

/**
 * The `n`-th working day after `localDate` (n ≥ 0, whole). For n = 0: `localDate` itself when it is a working
 * day, otherwise the next working day.
 */
export function addWorkingDays(localDate: string, n: number, cal: WorkingCalendar): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Expected a whole number of working days ≥ 0, got ${n}`);
  if (n === 0) return cal.isWorkingDay(localDate) ? localDate : nextWorkingDay(localDate, cal);
  let day = localDate;
  for (let counted = 0; counted < n; counted++) day = nextWorkingDay(day, cal);
  return day;
}
