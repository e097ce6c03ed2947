/**
 * Office time and deadlines: the one place that does working-time arithmetic.
 *
 * Time runs only during office hours on working days (domain.md, "Time, office hours and precision"): the
 * province's sessions (default 07:30–11:30 and 13:00–17:00) on the days the working calendar (calendar.ts) says
 * are working days. Everything is at minute precision in GMT+7: instants are truncated to the minute before any
 * arithmetic, so seconds never decide anything.
 *
 * - A working day of a procedure's processing time is one working day of office time (8 hours by default); a
 *   half day is half of it. So "3 working days" from Tuesday 10:00 is Friday 10:00, and "1 working day" from
 *   Monday 07:30 (the opening) is Monday 17:00 (the closing): a whole working day spent.
 * - Reception outside office hours (before opening, at lunch, after closing, on a day off) counts from the next
 *   opening.
 * - An appointment is always inside office hours: the earliest instant at which the office time runs out, which
 *   may be a session's closing minute, never a lunch break, night or day off.
 * - A pause (supplementation; waiting for payment where the procedure says so) moves the appointment by the
 *   office time it consumed, not by calendar time: Friday 16:00 → Monday 08:00 consumed 1 h 30.
 */
import { nextWorkingDay, type WorkingCalendar } from './calendar.ts';
import { DEFAULT_OFFICE_HOURS, type OfficeHours, officeMinutesPerDay } from './hours.ts';
import { addLocalDays, localDateTime, msSinceLocalMidnight, parseTimeOfDay, toLocalDate } from './time.ts';

export {
  DEFAULT_OFFICE_HOURS,
  type OfficeHours,
  type OfficeSession,
  officeHoursSchema,
  officeMinutesPerDay,
} from './hours.ts';

/** A procedure's legal processing time. */
export type ProcessingTime =
  /** `days` working days of office time; half days allowed (multiples of 0.5). */
  | { kind: 'working_days'; days: number }
  /** Due the same day (at closing) when counted from no later than `cutoff` ('HH:MM', default '15:00'). */
  | { kind: 'same_day'; cutoff?: string }
  /** No appointment date (timeliness then uses the legal maximum instead). */
  | { kind: 'none' };

/** Same-day procedures counted from later than this minute are due the next working day ("after 15:00"). */
export const DEFAULT_SAME_DAY_CUTOFF = '15:00';

const MINUTE_MS = 60_000;
// Ten years without office time can only come from broken data; stop rather than loop forever.
const MAX_SEARCH_DAYS = 3660;

/** Truncates an instant to its minute (GMT+7 is a whole number of hours from UTC, so this is the local minute). */
export function toMinute(instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Expected a valid instant');
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

interface Interval {
  start: number;
  end: number;
}

function sessionsOn(localDate: string, cal: WorkingCalendar, hours: OfficeHours): Interval[] {
  if (!cal.isWorkingDay(localDate)) return [];
  return hours.sessions.map((s) => ({
    start: localDateTime(localDate, s.open).getTime(),
    end: localDateTime(localDate, s.close).getTime(),
  }));
}

/** Office minutes in [from, to) (0 when `to` ≤ `from`), both truncated to the minute. */
export function officeMinutesBetween(
  from: Date,
  to: Date,
  cal: WorkingCalendar,
  hours: OfficeHours = cal.officeHours,
): number {
  const start = toMinute(from);
  const end = toMinute(to);
  if (end <= start) return 0;
  let total = 0;
  const lastDay = toLocalDate(new Date(end));
  for (let day = toLocalDate(new Date(start)); day <= lastDay; day = addLocalDays(day, 1)) {
    for (const session of sessionsOn(day, cal, hours)) {
      const overlap = Math.min(session.end, end) - Math.max(session.start, start);
      if (overlap > 0) total += overlap;
    }
  }
  return total / MINUTE_MS;
}

/**
 * The earliest instant t ≥ `from` (truncated to the minute) with `minutes` office minutes in [from, t). With
 * 0 minutes: `from` itself inside a session, else the next opening. With more: possibly a closing minute.
 */
export function addOfficeMinutes(
  from: Date,
  minutes: number,
  cal: WorkingCalendar,
  hours: OfficeHours = cal.officeHours,
): Date {
  if (!Number.isInteger(minutes) || minutes < 0) {
    throw new RangeError(`Expected a whole number of office minutes ≥ 0, got ${minutes}`);
  }
  const cursor = toMinute(from);
  let remaining = minutes;
  let day = toLocalDate(new Date(cursor));
  for (let step = 0; step < MAX_SEARCH_DAYS; step++, day = addLocalDays(day, 1)) {
    for (const session of sessionsOn(day, cal, hours)) {
      if (session.end <= cursor) continue;
      const start = Math.max(cursor, session.start);
      const available = (session.end - start) / MINUTE_MS;
      if (remaining === 0 ? available > 0 : remaining <= available) return new Date(start + remaining * MINUTE_MS);
      remaining -= available;
    }
  }
  throw new RangeError(`No office time within ${MAX_SEARCH_DAYS} days after ${from.toISOString()}`);
}

/** When the desk's clock starts for something arriving at `instant`: that minute if open, else the next opening. */
export function countingStart(instant: Date, cal: WorkingCalendar, hours: OfficeHours = cal.officeHours): Date {
  return addOfficeMinutes(instant, 0, cal, hours);
}

/** True when `instant` (to the minute) is inside a session of a working day, its closing minute included. */
export function isWithinOfficeHours(
  instant: Date,
  cal: WorkingCalendar,
  hours: OfficeHours = cal.officeHours,
): boolean {
  const at = toMinute(instant);
  return sessionsOn(toLocalDate(new Date(at)), cal, hours).some((s) => s.start <= at && at <= s.end);
}

/** Office minutes of `days` working days (half days allowed). */
export function workingDaysToMinutes(days: number, hours: OfficeHours = DEFAULT_OFFICE_HOURS): number {
  if (!(days >= 0) || !Number.isInteger(days * 2)) {
    throw new RangeError(`Expected working days ≥ 0 in halves, got ${days}`);
  }
  return Math.round(days * officeMinutesPerDay(hours));
}

/**
 * The appointment date (ngày hẹn trả) promised at reception, or null for procedures without one.
 *
 * The clock starts at reception, or at the next opening when received outside office hours.
 * - `working_days` N: that start plus N working days of office time.
 * - `same_day`: the start's day at closing when the start is no later than the cutoff minute (15:00 is not
 *   "after 15:00"; 15:01 is), else the next working day at closing.
 * - `none` → null.
 */
export function computeAppointment(
  receivedAt: Date,
  time: ProcessingTime,
  cal: WorkingCalendar,
  hours: OfficeHours = cal.officeHours,
): Date | null {
  if (time.kind === 'none') return null;
  const start = countingStart(receivedAt, cal, hours);
  if (time.kind === 'working_days') return addOfficeMinutes(start, workingDaysToMinutes(time.days, hours), cal, hours);
  const cutoff = parseTimeOfDay(time.cutoff ?? DEFAULT_SAME_DAY_CUTOFF);
  const startDate = toLocalDate(start);
  const minuteOfDay = msSinceLocalMidnight(start) / MINUTE_MS;
  const dueDate = minuteOfDay <= cutoff ? startDate : nextWorkingDay(startDate, cal);
  const lastSession = hours.sessions.at(-1)!;
  return localDateTime(dueDate, lastSession.close);
}

/**
 * The appointment moved later by the office time a pause consumed; never earlier. A pause consuming no office
 * time (a weekend, a night) leaves the appointment as it is.
 */
export function extendForPause(
  appointment: Date,
  pauseFrom: Date,
  pauseTo: Date,
  cal: WorkingCalendar,
  hours: OfficeHours = cal.officeHours,
): Date {
  const paused = officeMinutesBetween(pauseFrom, pauseTo, cal, hours);
  if (paused === 0) return new Date(toMinute(appointment));
  return addOfficeMinutes(appointment, paused, cal, hours);
}

/**
 * When a step of an inter-agency dossier is due: `allottedWorkingDays` (halves allowed) of office time from its
 * start, never later than the dossier's appointment (the steps never exceed the total).
 */
export function stepDueAt(
  startedAt: Date,
  allottedWorkingDays: number,
  appointment: Date | undefined,
  cal: WorkingCalendar,
  hours: OfficeHours = cal.officeHours,
): Date {
  const due = addOfficeMinutes(
    countingStart(startedAt, cal, hours),
    workingDaysToMinutes(allottedWorkingDays, hours),
    cal,
    hours,
  );
  return appointment !== undefined && appointment.getTime() < due.getTime() ? new Date(toMinute(appointment)) : due;
}

/** True when the appointment is after `now` and at most `n` working days of office time away (deadline alerts). */
export function isDueWithinWorkingDays(
  appointment: Date,
  now: Date,
  n: number,
  cal: WorkingCalendar,
  hours: OfficeHours = cal.officeHours,
): boolean {
  if (!(n >= 0)) throw new RangeError(`Expected n ≥ 0 working days, got ${n}`);
  if (toMinute(appointment) <= toMinute(now)) return false;
  return officeMinutesBetween(now, appointment, cal, hours) <= n * officeMinutesPerDay(hours);
}
