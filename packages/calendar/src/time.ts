/**
 * Wall-clock time in Vietnam. Vietnam keeps a fixed GMT+7 with no daylight saving, so every conversion is a
 * constant shift: no time-zone database is needed and a local day is always exactly 24 hours long.
 *
 * A "local date" is a string 'YYYY-MM-DD' naming a GMT+7 calendar day.
 */

/** The UTC offset of Vietnam, as written in ISO 8601 strings. */
export const VN_OFFSET = '+07:00';

/** Length of one (local) day in milliseconds. */
export const DAY_MS = 86_400_000;

const OFFSET_MS = 7 * 3_600_000;
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

function assertValidInstant(instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError('Expected a valid Date');
  }
}

/** Days since 1970-01-01 of a local date; throws on anything that is not a real YYYY-MM-DD date. */
function dayIndex(localDate: string): number {
  const match = LOCAL_DATE_PATTERN.exec(localDate);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    // setUTCFullYear, unlike Date.UTC, does not map years 0–99 onto 1900–1999.
    const probe = new Date(0);
    probe.setUTCFullYear(year, month - 1, day);
    if (probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day) {
      return Math.round(probe.getTime() / DAY_MS);
    }
  }
  throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(localDate)}`);
}

function localDateOfDayIndex(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

/** Minutes after local midnight of an 'HH:MM' time of day; throws on anything else. */
export function parseTimeOfDay(hhmm: string): number {
  const match = TIME_OF_DAY_PATTERN.exec(hhmm);
  if (!match) throw new RangeError(`Not a time of day (HH:MM): ${JSON.stringify(hhmm)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** True when `value` is a real calendar date written 'YYYY-MM-DD'. */
export function isLocalDate(value: string): boolean {
  try {
    dayIndex(value);
    return true;
  } catch {
    return false;
  }
}

/** The local date `days` days after `localDate` (negative moves back). */
export function addLocalDays(localDate: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Expected a whole number of days, got ${days}`);
  return localDateOfDayIndex(dayIndex(localDate) + days);
}

/** Day of the week of a local date: 0 = Sunday … 6 = Saturday (as `Date#getDay`). */
export function localWeekday(localDate: string): number {
  // 1970-01-01 was a Thursday.
  return (((dayIndex(localDate) + 4) % 7) + 7) % 7;
}

/** The instant of 00:00 GMT+7 on a local date. */
export function startOfLocalDay(localDate: string): Date {
  return new Date(dayIndex(localDate) * DAY_MS - OFFSET_MS);
}

/** The GMT+7 calendar date of an instant, 'YYYY-MM-DD'. */
export function toLocalDate(instant: Date): string {
  assertValidInstant(instant);
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant as an ISO 8601 string in GMT+7, e.g. '2026-11-22T10:05:00+07:00' (millis only when nonzero). */
export function toLocalIso(instant: Date): string {
  assertValidInstant(instant);
  const shifted = new Date(instant.getTime() + OFFSET_MS).toISOString(); // 'YYYY-MM-DDTHH:MM:SS.mmmZ'
  const withoutZone = shifted.slice(0, -1);
  return (withoutZone.endsWith('.000') ? withoutZone.slice(0, -4) : withoutZone) + VN_OFFSET;
}

/** The instant at which GMT+7 wall clocks show `hhmm` ('HH:MM') on `localDate`. */
export function localDateTime(localDate: string, hhmm: string): Date {
  return new Date(startOfLocalDay(localDate).getTime() + parseTimeOfDay(hhmm) * 60_000);
}

/** The GMT+7 wall-clock time of an instant, 'HH:MM' (seconds dropped). */
export function localTimeOfDay(instant: Date): string {
  assertValidInstant(instant);
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(11, 16);
}

/** Milliseconds elapsed since 00:00 GMT+7 of the instant's local date. */
export function msSinceLocalMidnight(instant: Date): number {
  assertValidInstant(instant);
  return (((instant.getTime() + OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}
