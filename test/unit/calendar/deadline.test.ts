import { describe, expect, test } from 'vitest';
import {
  addWorkingTime,
  computeAppointment,
  createWorkingCalendar,
  extendForPause,
  isDueWithinWorkingDays,
  type ProcessingTime,
  toLocalIso,
  VIETNAM_CALENDAR_2025_2027,
  workingDaysElapsed,
  workingTimeBetween,
} from '#calendar/index.ts';

const cal = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);
const HOUR = 3_600_000;

/** A GMT+7 instant written as local wall-clock time. */
function vn(local: string): Date {
  return new Date(`${local}+07:00`);
}

function appointment(receivedLocal: string, time: ProcessingTime): string | null {
  const due = computeAppointment(vn(receivedLocal), time, cal);
  return due === null ? null : toLocalIso(due);
}

const days = (n: number): ProcessingTime => ({ kind: 'working_days', days: n });
const SAME_DAY: ProcessingTime = { kind: 'same_day' };

describe('computeAppointment: working days', () => {
  test('skips the weekend', () => {
    // Thu 5 Mar 2026 + 3: Fri 6, Mon 9, Tue 10.
    expect(appointment('2026-03-05T10:00:00', days(3))).toBe('2026-03-10T10:00:00+07:00');
  });

  test('received on a Saturday counts from Monday at opening time', () => {
    // Sat 7 Mar → counted Mon 9 07:30; + 3: Tue 10, Wed 11, Thu 12.
    expect(appointment('2026-03-07T09:00:00', days(3))).toBe('2026-03-12T07:30:00+07:00');
  });

  test('received before opening on a working day counts from opening time', () => {
    expect(appointment('2026-03-09T06:15:00', days(3))).toBe('2026-03-12T07:30:00+07:00');
  });

  test('keeps the reception clock time to the second', () => {
    expect(appointment('2026-03-09T16:42:17', days(1))).toBe('2026-03-10T16:42:17+07:00');
  });

  test('30 April – 1 May 2026: Tue 28 April + 3 working days is Tue 5 May', () => {
    // Wed 29 (1), Thu 30 and Fri 1 May holidays, weekend, Mon 4 (2), Tue 5 (3).
    expect(appointment('2026-04-28T09:15:00', days(3))).toBe('2026-05-05T09:15:00+07:00');
  });

  test('Hùng Kings day 2026 on a Sunday: Monday 27 April is not counted', () => {
    // Fri 24 Apr + 1: Sat, Sun, Mon 27 (compensatory day off) skipped → Tue 28.
    expect(appointment('2026-04-24T14:00:00', days(1))).toBe('2026-04-28T14:00:00+07:00');
  });

  test('received just before Tết 2026: the nine-day break is skipped', () => {
    // Fri 13 Feb + 2: off Sat 14 – Sun 22 Feb, Mon 23 (1), Tue 24 (2).
    expect(appointment('2026-02-13T16:30:00', days(2))).toBe('2026-02-24T16:30:00+07:00');
  });

  test('a 15-working-day permit received before Tết 2026', () => {
    // Tue 10 Feb: Wed 11 (1), Thu 12 (2), Fri 13 (3), [Tết], Mon 23 (4) … Fri 27 (8), Mon 2 Mar (9) … Fri 6 (13),
    // Mon 9 (14), Tue 10 Mar (15).
    expect(appointment('2026-02-10T08:00:00', days(15))).toBe('2026-03-10T08:00:00+07:00');
  });

  test('received during Tết counts from the first working day after it', () => {
    // Wed 18 Feb (holiday) → counted Mon 23 07:30; + 1 → Tue 24.
    expect(appointment('2026-02-18T10:00:00', days(1))).toBe('2026-02-24T07:30:00+07:00');
  });

  test('a swapped working Saturday counts as a working day', () => {
    // Fri 9 Jan 2026 + 1 → Sat 10 Jan, worked in exchange for Fri 2 Jan.
    expect(appointment('2026-01-09T10:00:00', days(1))).toBe('2026-01-10T10:00:00+07:00');
    // Received on that Saturday itself: a working day, so the clock time is kept; + 1 → Mon 12.
    expect(appointment('2026-01-10T11:00:00', days(1))).toBe('2026-01-12T11:00:00+07:00');
    // Fri 25 Apr 2025 + 1 → Sat 26 Apr 2025, worked in exchange for Fri 2 May.
    expect(appointment('2025-04-25T10:00:00', days(1))).toBe('2025-04-26T10:00:00+07:00');
  });

  test('the swapped weekday is not a working day', () => {
    // Wed 31 Dec 2025 + 1: Thu 1 Jan holiday, Fri 2 Jan swapped away, weekend → Mon 5 Jan.
    expect(appointment('2025-12-31T10:00:00', days(1))).toBe('2026-01-05T10:00:00+07:00');
    // Tue 29 Apr 2025 + 1: Wed 30, Thu 1, Fri 2 May off, weekend → Mon 5 May.
    expect(appointment('2025-04-29T10:00:00', days(1))).toBe('2025-05-05T10:00:00+07:00');
  });

  test('0 working days is the reception time itself on a working day', () => {
    expect(appointment('2026-03-10T10:00:00', days(0))).toBe('2026-03-10T10:00:00+07:00');
  });

  test('refuses a negative number of days', () => {
    expect(() => computeAppointment(vn('2026-03-10T10:00:00'), days(-1), cal)).toThrow(RangeError);
  });
});

describe('computeAppointment: same day', () => {
  test('received at 14:59 is due that day at closing time', () => {
    expect(appointment('2026-03-11T14:59:00', SAME_DAY)).toBe('2026-03-11T17:00:00+07:00');
  });

  test('received at 15:00 is due the next working day', () => {
    expect(appointment('2026-03-11T15:00:00', SAME_DAY)).toBe('2026-03-12T17:00:00+07:00');
  });

  test('received Friday 15:30 is due Monday', () => {
    expect(appointment('2026-03-13T15:30:00', SAME_DAY)).toBe('2026-03-16T17:00:00+07:00');
  });

  test('received on a weekend or holiday morning is due the next working day', () => {
    expect(appointment('2026-03-14T09:00:00', SAME_DAY)).toBe('2026-03-16T17:00:00+07:00');
    expect(appointment('2026-04-30T09:00:00', SAME_DAY)).toBe('2026-05-04T17:00:00+07:00');
  });

  test('a procedure-specific cutoff and office hours', () => {
    const time: ProcessingTime = { kind: 'same_day', cutoff: '16:00' };
    expect(appointment('2026-03-11T15:30:00', time)).toBe('2026-03-11T17:00:00+07:00');
    const due = computeAppointment(vn('2026-03-11T16:00:00'), time, cal, { open: '08:00', close: '16:30' });
    expect(toLocalIso(due!)).toBe('2026-03-12T16:30:00+07:00');
  });

  test('refuses office hours that close before they open', () => {
    expect(() =>
      computeAppointment(vn('2026-03-11T10:00:00'), SAME_DAY, cal, { open: '17:00', close: '07:30' }),
    ).toThrow(RangeError);
  });
});

describe('computeAppointment: none', () => {
  test('has no appointment date', () => {
    expect(computeAppointment(vn('2026-03-11T10:00:00'), { kind: 'none' }, cal)).toBeNull();
  });
});

describe('working time', () => {
  test('a weekend counts nothing', () => {
    // Fri 12:00 → Mon 12:00: 12 h on Friday + 12 h on Monday.
    expect(workingTimeBetween(vn('2026-03-13T12:00:00'), vn('2026-03-16T12:00:00'), cal)).toBe(24 * HOUR);
  });

  test('Tết 2026 counts nothing', () => {
    // Whole Fri 13 Feb + whole Mon 23 Feb.
    const from = vn('2026-02-13T00:00:00');
    const to = vn('2026-02-24T00:00:00');
    expect(workingTimeBetween(from, to, cal)).toBe(48 * HOUR);
    expect(workingDaysElapsed(from, to, cal)).toBe(2);
  });

  test('a swapped Saturday counts', () => {
    // Sat 10 Jan 2026 is worked; Sun 11 is not.
    expect(workingTimeBetween(vn('2026-01-10T08:00:00'), vn('2026-01-12T02:00:00'), cal)).toBe(18 * HOUR);
  });

  test('is 0 when to is not after from', () => {
    expect(workingTimeBetween(vn('2026-03-16T12:00:00'), vn('2026-03-13T12:00:00'), cal)).toBe(0);
  });

  test('workingDaysElapsed is fractional', () => {
    expect(workingDaysElapsed(vn('2026-03-10T06:00:00'), vn('2026-03-11T18:00:00'), cal)).toBe(1.5);
  });

  test('addWorkingTime skips non-working days', () => {
    // Fri 20:00 + 5 h: 4 h left on Friday, then Monday 01:00.
    expect(toLocalIso(addWorkingTime(vn('2026-03-13T20:00:00'), 5 * HOUR, cal))).toBe('2026-03-16T01:00:00+07:00');
    // From a Saturday the clock starts on Monday at 00:00.
    expect(toLocalIso(addWorkingTime(vn('2026-03-14T10:00:00'), HOUR, cal))).toBe('2026-03-16T01:00:00+07:00');
  });

  test('addWorkingTime that runs out at midnight before a weekend lands on Monday 00:00', () => {
    expect(toLocalIso(addWorkingTime(vn('2026-03-13T10:00:00'), 14 * HOUR, cal))).toBe('2026-03-16T00:00:00+07:00');
  });

  test('addWorkingTime that runs out at midnight before a working day lands at that midnight', () => {
    expect(toLocalIso(addWorkingTime(vn('2026-03-10T10:00:00'), 14 * HOUR, cal))).toBe('2026-03-11T00:00:00+07:00');
  });

  test('addWorkingTime refuses negative time', () => {
    expect(() => addWorkingTime(vn('2026-03-10T10:00:00'), -1, cal)).toThrow(RangeError);
  });
});

describe('extendForPause', () => {
  const due = vn('2026-03-19T10:00:00'); // Thursday

  test('a pause over a weekend moves the appointment less than one over working days', () => {
    // Fri 13 Mar 17:00 → Mon 16 08:00: 7 h + 8 h = 15 h of working time. Thu 10:00 + 15 h → Fri 20 01:00.
    const overWeekend = extendForPause(due, vn('2026-03-13T17:00:00'), vn('2026-03-16T08:00:00'), cal);
    expect(toLocalIso(overWeekend)).toBe('2026-03-20T01:00:00+07:00');
    // Same 63 h wall-clock length, Tue 10 17:00 → Fri 13 08:00, all working: Thu 10:00 + 63 h =
    // 14 h (Thu) + 24 h (Fri) + weekend + 24 h (Mon) + 1 h → Tue 24 01:00.
    const overWorkingDays = extendForPause(due, vn('2026-03-10T17:00:00'), vn('2026-03-13T08:00:00'), cal);
    expect(toLocalIso(overWorkingDays)).toBe('2026-03-24T01:00:00+07:00');
    expect(overWeekend.getTime()).toBeLessThan(overWorkingDays.getTime());
  });

  test('a pause across Tết counts only its working days', () => {
    // Fri 13 Feb 12:00 → Mon 23 Feb 12:00: 12 h + 12 h = one working day. Wed 4 Mar 09:00 → Thu 5 Mar 09:00.
    const moved = extendForPause(vn('2026-03-04T09:00:00'), vn('2026-02-13T12:00:00'), vn('2026-02-23T12:00:00'), cal);
    expect(toLocalIso(moved)).toBe('2026-03-05T09:00:00+07:00');
  });

  test('a pause within a weekend does not move the appointment', () => {
    const moved = extendForPause(due, vn('2026-03-14T09:00:00'), vn('2026-03-15T18:00:00'), cal);
    expect(moved.getTime()).toBe(due.getTime());
  });

  test('a pause of whole working days moves the appointment by as many working days', () => {
    // Mon 9 Mar 10:00 → Wed 11 Mar 10:00 is 2 working days; Thu 19 → Mon 23 (weekend skipped).
    const moved = extendForPause(due, vn('2026-03-09T10:00:00'), vn('2026-03-11T10:00:00'), cal);
    expect(toLocalIso(moved)).toBe('2026-03-23T10:00:00+07:00');
  });
});

describe('isDueWithinWorkingDays', () => {
  const appointmentMonday = vn('2026-03-16T10:00:00');

  test('Friday 10:00 → Monday 10:00 is one working day away', () => {
    expect(isDueWithinWorkingDays(appointmentMonday, vn('2026-03-13T10:00:00'), 1, cal)).toBe(true);
  });

  test('one minute more is not within one working day', () => {
    expect(isDueWithinWorkingDays(appointmentMonday, vn('2026-03-13T09:59:00'), 1, cal)).toBe(false);
    expect(isDueWithinWorkingDays(appointmentMonday, vn('2026-03-13T09:59:00'), 2, cal)).toBe(true);
  });

  test('a past or present appointment is not "due within"', () => {
    expect(isDueWithinWorkingDays(appointmentMonday, vn('2026-03-16T10:00:00'), 1, cal)).toBe(false);
    expect(isDueWithinWorkingDays(appointmentMonday, vn('2026-03-17T10:00:00'), 1, cal)).toBe(false);
  });

  test('Tết does not count: an appointment right after it is one working day away before it', () => {
    expect(isDueWithinWorkingDays(vn('2026-02-23T10:00:00'), vn('2026-02-13T10:00:00'), 1, cal)).toBe(true);
  });
});
