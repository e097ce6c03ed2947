import { addWorkingDays, nextWorkingDay, type WorkingCalendar } from './calendar.ts';
import {
  addLocalDays,
  DAY_MS,
  localDateTime,
  msSinceLocalMidnight,
  parseTimeOfDay,
  startOfLocalDay,
  toLocalDate,
} from './time.ts';

/** A procedure's legal processing time. */
export type ProcessingTime =
  | { kind: 'working_days'; days: number }
  /** Due the same day when received before `cutoff` ('HH:MM', default '15:00'), else the next working day. */
  | { kind: 'same_day'; cutoff?: string }
  /** No appointment date (timeliness then uses the legal maximum instead). */
  | { kind: 'none' };

/** Opening hours of the one-stop desk, GMT+7 'HH:MM'. */
export interface OfficeHours {
  open: string;
  close: string;
}

export const DEFAULT_OFFICE_HOURS: OfficeHours = { open: '07:30', close: '17:00' };

/** Same-day procedures received at or after this time are due the next working day (domain rule). */
export const DEFAULT_SAME_DAY_CUTOFF = '15:00';

function assertOfficeHours(hours: OfficeHours): void {
  if (parseTimeOfDay(hours.open) >= parseTimeOfDay(hours.close)) {
    throw new RangeError(`Office hours must open before they close, got ${hours.open}–${hours.close}`);
  }
}

/**
 * The appointment date (ngày hẹn trả) promised at reception, or null for procedures without one.
 *
 * - `working_days` N: received on a working day → the same GMT+7 clock time on the N-th working day after the
 *   reception date. Received on a non-working day, or on a working day before `hours.open`, → counted as received
 *   at `hours.open` on the first working day from then (the desk's clock starts when it opens; treating the early
 *   hours of a working day the same way keeps the appointment monotonic in the reception time).
 * - `same_day`: received on a working day before the cutoff → that day at `hours.close`; at or after the cutoff, or
 *   on a non-working day → the next working day at `hours.close`.
 * - `none` → null.
 */
export function computeAppointment(
  receivedAt: Date,
  time: ProcessingTime,
  cal: WorkingCalendar,
  hours: OfficeHours = DEFAULT_OFFICE_HOURS,
): Date | null {
  assertOfficeHours(hours);
  const receptionDate = toLocalDate(receivedAt);
  switch (time.kind) {
    case 'none':
      return null;
    case 'same_day': {
      const cutoff = localDateTime(receptionDate, time.cutoff ?? DEFAULT_SAME_DAY_CUTOFF);
      const dueDate =
        cal.isWorkingDay(receptionDate) && receivedAt.getTime() < cutoff.getTime()
          ? receptionDate
          : nextWorkingDay(receptionDate, cal);
      return localDateTime(dueDate, hours.close);
    }
    case 'working_days': {
      const opening = localDateTime(receptionDate, hours.open);
      if (cal.isWorkingDay(receptionDate) && receivedAt.getTime() >= opening.getTime()) {
        const dueDate = addWorkingDays(receptionDate, time.days, cal);
        return new Date(startOfLocalDay(dueDate).getTime() + msSinceLocalMidnight(receivedAt));
      }
      const countedFrom = cal.isWorkingDay(receptionDate) ? receptionDate : nextWorkingDay(receptionDate, cal);
      return localDateTime(addWorkingDays(countedFrom, time.days, cal), hours.open);
    }
  }
}

/**
 * Working time between two instants, in ms (0 when `to` ≤ `from`): the part of [from, to) that falls on working
 * days, each working day counting its whole 24 hours and each non-working day nothing.
 */
export function workingTimeBetween(from: Date, to: Date, cal: WorkingCalendar): number {
  const end = to.getTime();
  let cursor = from.getTime();
  if (Number.isNaN(cursor) || Number.isNaN(end)) throw new RangeError('Expected valid Dates');
  let total = 0;
  let day = toLocalDate(from);
  while (cursor < end) {
    const nextDay = addLocalDays(day, 1);
    const segmentEnd = Math.min(startOfLocalDay(nextDay).getTime(), end);
    if (cal.isWorkingDay(day)) total += segmentEnd - cursor;
    cursor = segmentEnd;
    day = nextDay;
  }
  return total;
}

/**
 * The instant reached by moving forward `ms` of working time from `from`: the earliest instant t ≥ from whose
 * GMT+7 date is a working day and with workingTimeBetween(from, t) = ms. So the result always lies on a working
 * day; when the time runs out exactly at midnight before non-working days, the result is 00:00 of the next working
 * day (the days in between count nothing, so it is the same point in working time). From a non-working day the
 * clock starts at 00:00 of the next working day.
 */
export function addWorkingTime(from: Date, ms: number, cal: WorkingCalendar): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Expected working time ≥ 0 ms, got ${ms}`);
  let day = toLocalDate(from);
  let cursor = from.getTime();
  let remaining = ms;
  for (;;) {
    if (!cal.isWorkingDay(day)) {
      day = nextWorkingDay(day, cal);
      cursor = startOfLocalDay(day).getTime();
      continue;
    }
    const nextDay = addLocalDays(day, 1);
    const leftToday = startOfLocalDay(nextDay).getTime() - cursor;
    if (remaining < leftToday) return new Date(cursor + remaining);
    remaining -= leftToday;
    cursor += leftToday;
    day = nextDay;
  }
}

/**
 * The appointment moved later by the working time a pause (supplementation) covered; never earlier. The whole
 * pause counts, wherever it lies relative to the appointment. A pause covering no working time leaves the
 * appointment as it is.
 */
export function extendForPause(appointment: Date, pauseFrom: Date, pauseTo: Date, cal: WorkingCalendar): Date {
  const paused = workingTimeBetween(pauseFrom, pauseTo, cal);
  if (paused === 0) return new Date(appointment.getTime());
  return addWorkingTime(appointment, paused, cal);
}

/** Working time between two instants in (fractional) working days: workingTimeBetween / 24 h. */
export function workingDaysElapsed(from: Date, to: Date, cal: WorkingCalendar): number {
  return workingTimeBetween(from, to, cal) / DAY_MS;
}

/** True when the appointment is after `now` and at most `n` working days of working time away (deadline alerts). */
export function isDueWithinWorkingDays(appointment: Date, now: Date, n: number, cal: WorkingCalendar): boolean {
  if (!(n >= 0)) throw new RangeError(`Expected n ≥ 0 working days, got ${n}`);
  if (appointment.getTime() <= now.getTime()) return false;
  return workingTimeBetween(now, appointment, cal) <= n * DAY_MS;
}
