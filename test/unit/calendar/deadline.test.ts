import { describe, expect, test } from 'vitest';
import {
  addOfficeMinutes,
  computeAppointment,
  countingStart,
  createWorkingCalendar,
  DEFAULT_OFFICE_HOURS,
  extendForPause,
  isDueWithinWorkingDays,
  isWithinOfficeHours,
  type OfficeHours,
  officeHoursSchema,
  officeMinutesBetween,
  officeMinutesPerDay,
  type ProcessingTime,
  toLocalIso,
  VIETNAM_CALENDAR_2025_2027,
  workingDaysToMinutes,
} from '#calendar/index.ts';

const cal = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);
const vn = (local: string): Date => new Date(`${local}+07:00`);
const local = (instant: Date): string => toLocalIso(instant);
const days = (n: number): ProcessingTime => ({ kind: 'working_days', days: n });

function appointment(receivedLocal: string, time: ProcessingTime, hours?: OfficeHours): string | null {
  const due = computeAppointment(vn(receivedLocal), time, cal, hours);
  return due === null ? null : local(due);
}

describe('office time', () => {
  test('a default working day has 480 office minutes; half days are allowed, other fractions are not', () => {
    expect(officeMinutesPerDay()).toBe(480);
    expect(workingDaysToMinutes(1.5)).toBe(720);
    expect(() => workingDaysToMinutes(0.3)).toThrow(RangeError);
  });

  test('counts only the sessions of working days, to the minute', () => {
    // Fri 6 Mar 2026 16:00 → Mon 9 Mar 08:00: 60 + 30.
    expect(officeMinutesBetween(vn('2026-03-06T16:00:00'), vn('2026-03-09T08:00:00'), cal)).toBe(90);
    // Lunch and the night count nothing; seconds are dropped.
    expect(officeMinutesBetween(vn('2026-03-09T11:30:00'), vn('2026-03-09T13:00:59'), cal)).toBe(0);
    expect(officeMinutesBetween(vn('2026-03-09T10:00:59'), vn('2026-03-09T10:01:00'), cal)).toBe(1);
    expect(officeMinutesBetween(vn('2026-03-10T10:00:00'), vn('2026-03-09T10:00:00'), cal)).toBe(0);
  });

  test('holidays count nothing: Tết 2026', () => {
    expect(officeMinutesBetween(vn('2026-02-13T17:00:00'), vn('2026-02-23T07:30:00'), cal)).toBe(0);
  });

  test('adding office time skips lunch, nights and days off; 0 minutes gives the next opening', () => {
    expect(local(addOfficeMinutes(vn('2026-03-09T11:00:00'), 60, cal))).toBe('2026-03-09T13:30:00+07:00');
    expect(local(addOfficeMinutes(vn('2026-03-06T16:30:00'), 60, cal))).toBe('2026-03-09T08:00:00+07:00');
    expect(local(addOfficeMinutes(vn('2026-03-09T17:00:00'), 0, cal))).toBe('2026-03-10T07:30:00+07:00');
    expect(local(addOfficeMinutes(vn('2026-03-09T12:00:00'), 0, cal))).toBe('2026-03-09T13:00:00+07:00');
    expect(local(addOfficeMinutes(vn('2026-03-09T07:30:00'), 240, cal))).toBe('2026-03-09T11:30:00+07:00');
  });

  test('the counting start is the minute itself inside a session, else the next opening', () => {
    expect(local(countingStart(vn('2026-03-09T09:15:42'), cal))).toBe('2026-03-09T09:15:00+07:00');
    expect(local(countingStart(vn('2026-03-07T09:00:00'), cal))).toBe('2026-03-09T07:30:00+07:00');
  });

  test('within office hours includes the closing minute, not lunch or days off', () => {
    expect(isWithinOfficeHours(vn('2026-03-09T17:00:00'), cal)).toBe(true);
    expect(isWithinOfficeHours(vn('2026-03-09T12:00:00'), cal)).toBe(false);
    expect(isWithinOfficeHours(vn('2026-03-07T10:00:00'), cal)).toBe(false);
  });
});

describe('computeAppointment', () => {
  test('30 April – 1 May 2026: Tue 28 April 09:15 + 3 working days is Tue 5 May 09:15', () => {
    expect(appointment('2026-04-28T09:15:00', days(3))).toBe('2026-05-05T09:15:00+07:00');
  });

  test('Hùng Kings day 2026 on a Sunday: Monday 27 April is not counted', () => {
    expect(appointment('2026-04-24T14:00:00', days(1))).toBe('2026-04-28T14:00:00+07:00');
  });

  test('the swapped Saturday 10 January 2026 is a working day', () => {
    // Thu 8 Jan 16:00 + 2 days (960 min): Thu 60, Fri 9 Jan 480, Sat 10 Jan (worked) 240 + 180 → 16:00.
    expect(appointment('2026-01-08T16:00:00', days(2))).toBe('2026-01-10T16:00:00+07:00');
  });

  test('half days: 0.5 working day from 08:00 is 13:30', () => {
    expect(appointment('2026-03-09T08:00:00', days(0.5))).toBe('2026-03-09T13:30:00+07:00');
  });

  test('a procedure without an appointment date has none', () => {
    expect(appointment('2026-03-09T08:00:00', { kind: 'none' })).toBeNull();
  });

  test('same day with a province cutoff of 11:00', () => {
    expect(appointment('2026-03-09T11:00:00', { kind: 'same_day', cutoff: '11:00' })).toBe('2026-03-09T17:00:00+07:00');
    expect(appointment('2026-03-09T11:01:00', { kind: 'same_day', cutoff: '11:00' })).toBe('2026-03-10T17:00:00+07:00');
  });

  test('other office hours (one session 08:00–16:00): due at their closing', () => {
    const hours: OfficeHours = { sessions: [{ open: '08:00', close: '16:00' }] };
    expect(appointment('2026-03-09T07:00:00', days(1), hours)).toBe('2026-03-09T16:00:00+07:00');
    expect(appointment('2026-03-09T14:00:00', { kind: 'same_day' }, hours)).toBe('2026-03-09T16:00:00+07:00');
  });
});

describe('extendForPause', () => {
  test('never moves the appointment earlier, and lands inside office hours', () => {
    const moved = extendForPause(vn('2026-03-10T11:00:00'), vn('2026-03-09T09:00:00'), vn('2026-03-09T10:00:00'), cal);
    expect(local(moved)).toBe('2026-03-10T13:30:00+07:00');
  });
});

describe('isDueWithinWorkingDays', () => {
  test('one working day of office time ahead, not past', () => {
    const due = vn('2026-03-10T10:00:00');
    expect(isDueWithinWorkingDays(due, vn('2026-03-09T10:00:00'), 1, cal)).toBe(true);
    expect(isDueWithinWorkingDays(due, vn('2026-03-09T09:59:00'), 1, cal)).toBe(false);
    expect(isDueWithinWorkingDays(due, vn('2026-03-10T10:00:30'), 1, cal)).toBe(false);
    // Friday afternoon: Tuesday 10:00 is 60 + 480 + 150 office minutes away.
    expect(isDueWithinWorkingDays(due, vn('2026-03-06T16:00:00'), 1, cal)).toBe(false);
  });
});

describe('officeHoursSchema', () => {
  test('accepts the default and refuses sessions out of order or closing before opening', () => {
    expect(officeHoursSchema.safeParse(DEFAULT_OFFICE_HOURS).success).toBe(true);
    const overlapping = {
      sessions: [
        { open: '07:30', close: '12:00' },
        { open: '11:00', close: '17:00' },
      ],
    };
    expect(officeHoursSchema.safeParse(overlapping).success).toBe(false);
    expect(officeHoursSchema.safeParse({ sessions: [{ open: '17:00', close: '07:30' }] }).success).toBe(false);
    expect(officeHoursSchema.safeParse({ sessions: [] }).success).toBe(false);
  });
});
