/**
 * Reporting's names for days and months. GMT+7 itself is the calendar kernel's (packages/calendar/src/time.ts):
 * these only pick the parts of a local date reporting keys its counters by.
 */
import { isLocalDate, toLocalDate, toLocalIso } from '#calendar/time.ts';

/** Milliseconds since the epoch of an ISO 8601 instant; throws on a value that is not one. */
export function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO 8601 instant: ${iso}`);
  return ms;
}

const instantOf = (instant: string | number): Date => new Date(typeof instant === 'number' ? instant : toMs(instant));

/** The GMT+7 calendar day ('YYYY-MM-DD') of an instant. */
export function vnDay(instant: string | number): string {
  return toLocalDate(instantOf(instant));
}

/** The GMT+7 month ('YYYY-MM') of an instant. */
export function vnMonth(instant: string | number): string {
  return vnDay(instant).slice(0, 7);
}

/** The national portal's date-time format: `yyyyMMddHHmmss` in GMT+7. */
export function portalDateTime(iso: string): string {
  // 'YYYY-MM-DDTHH:MM:SS' of the local ISO form; its offset and any milliseconds dropped.
  return toLocalIso(instantOf(iso)).slice(0, 19).replace(/\D/g, '');
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** True for a 'YYYY-MM' month. */
export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** True for a 'YYYY-MM-DD' day. */
export function isDay(value: string): boolean {
  return isLocalDate(value);
}

/** Every month from `from` to `to` inclusive ('YYYY-MM'), the keys a store reads to serve a period. */
export function monthsBetween(from: string, to: string): string[] {
  const start = MONTH.exec(from);
  const end = MONTH.exec(to);
  if (!start || !end) throw new RangeError(`Expected months YYYY-MM, got ${from} and ${to}`);
  const months: string[] = [];
  let year = Number(start[1]);
  let month = Number(start[2]);
  const lastIndex = Number(end[1]) * 12 + Number(end[2]);
  while (year * 12 + month <= lastIndex) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** The last day ('YYYY-MM-DD') of a month: the day at whose end a monthly period's open dossiers are classified. */
export function lastDayOfMonth(month: string): string {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`Expected a month YYYY-MM, got ${month}`);
  const lastDay = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  return `${month}-${String(lastDay).padStart(2, '0')}`;
}
