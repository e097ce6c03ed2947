import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addLocalDays,
  addWorkingDays,
  addWorkingTime,
  type CalendarYear,
  computeAppointment,
  createWorkingCalendar,
  extendForPause,
  localWeekday,
  nextWorkingDay,
  type ProcessingTime,
  toLocalDate,
  VIETNAM_CALENDAR_2025_2027,
  type WorkingCalendar,
  workingTimeBetween,
} from '#calendar/index.ts';

const seeded = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);

// 2024-12-01 … 2028-01-31 GMT+7: the seeded years plus stretches that fall back to Monday–Friday.
const START = Date.parse('2024-12-01T00:00:00+07:00');
const END = Date.parse('2028-01-31T00:00:00+07:00');
const DAY = 86_400_000;

/** Instants, biased towards midnights, office hours and the cutoff where off-by-one errors live. */
const instantArb: fc.Arbitrary<Date> = fc.oneof(
  fc.integer({ min: START, max: END }).map((ms) => new Date(ms)),
  fc
    .tuple(
      fc.integer({ min: 0, max: Math.floor((END - START) / DAY) }),
      fc.constantFrom(0, 1, 7.5 * 60 - 1, 7.5 * 60, 15 * 60 - 1, 15 * 60, 17 * 60, 24 * 60 - 1),
      fc.integer({ min: -1, max: 1 }),
    )
    .map(([day, minutes, jitterMs]) => new Date(Math.max(START, START + day * DAY + minutes * 60_000 + jitterMs))),
);

/** Random calendars: random holidays and working weekend days in 2025–2027, valid by construction. */
const randomCalendarArb: fc.Arbitrary<WorkingCalendar> = fc
  .uniqueArray(fc.integer({ min: 0, max: 3 * 365 }), { maxLength: 60 })
  .chain((offsets) =>
    fc.tuple(fc.constant(offsets), fc.array(fc.boolean(), { minLength: offsets.length, maxLength: offsets.length })),
  )
  .map(([offsets, makeWorking]) => {
    const years = new Map<number, CalendarYear>(
      [2025, 2026, 2027].map((year) => [year, { year, holidays: [], workingWeekendDays: [] }]),
    );
    offsets.forEach((offset, i) => {
      const date = addLocalDays('2025-01-01', offset);
      const year = years.get(Number(date.slice(0, 4)));
      if (!year) return;
      const weekend = [0, 6].includes(localWeekday(date));
      if (weekend && makeWorking[i]) year.workingWeekendDays.push({ date, name: 'Làm bù' });
      else year.holidays.push({ date, name: 'Nghỉ' });
    });
    return createWorkingCalendar([...years.values()]);
  });

const calendarArb = fc.oneof(fc.constant(seeded), randomCalendarArb);

const processingTimeArb: fc.Arbitrary<ProcessingTime> = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((days): ProcessingTime => ({ kind: 'working_days', days })),
  fc.constant<ProcessingTime>({ kind: 'same_day' }),
  fc.constantFrom('12:00', '15:00', '16:30').map((cutoff): ProcessingTime => ({ kind: 'same_day', cutoff })),
);

const workingTimeArb = fc.integer({ min: 0, max: 60 * DAY });

describe('deadline properties', () => {
  test("the appointment's GMT+7 date is always a working day", () => {
    fc.assert(
      fc.property(instantArb, processingTimeArb, calendarArb, (receivedAt, time, cal) => {
        const due = computeAppointment(receivedAt, time, cal);
        expect(due).not.toBeNull();
        expect(cal.isWorkingDay(toLocalDate(due!))).toBe(true);
        expect(due!.getTime()).toBeGreaterThanOrEqual(receivedAt.getTime());
      }),
    );
  });

  test('computeAppointment is monotonic in receivedAt for working days', () => {
    fc.assert(
      fc.property(instantArb, instantArb, fc.integer({ min: 0, max: 40 }), calendarArb, (a, b, days, cal) => {
        const [early, late] = a.getTime() <= b.getTime() ? [a, b] : [b, a];
        const time: ProcessingTime = { kind: 'working_days', days };
        expect(computeAppointment(early, time, cal)!.getTime()).toBeLessThanOrEqual(
          computeAppointment(late, time, cal)!.getTime(),
        );
      }),
    );
  });

  test('a working-days appointment is exactly N working days after the (counted) reception date', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 1, max: 40 }), calendarArb, (receivedAt, days, cal) => {
        const due = computeAppointment(receivedAt, { kind: 'working_days', days }, cal)!;
        const receivedDate = toLocalDate(receivedAt);
        const countedFrom = cal.isWorkingDay(receivedDate) ? receivedDate : nextWorkingDay(receivedDate, cal);
        let working = 0;
        for (let d = addLocalDays(countedFrom, 1); d <= toLocalDate(due); d = addLocalDays(d, 1)) {
          if (cal.isWorkingDay(d)) working++;
        }
        expect(working).toBe(days);
      }),
    );
  });

  test('adding a pause never moves the appointment earlier', () => {
    fc.assert(
      fc.property(instantArb, instantArb, instantArb, calendarArb, (due, pauseFrom, pauseTo, cal) => {
        const moved = extendForPause(due, pauseFrom, pauseTo, cal);
        expect(moved.getTime()).toBeGreaterThanOrEqual(due.getTime());
      }),
    );
  });

  test('a pause moves a working-day appointment by exactly the working time it covered', () => {
    fc.assert(
      fc.property(instantArb, instantArb, instantArb, calendarArb, (receivedAt, pauseFrom, pauseTo, cal) => {
        const due = computeAppointment(receivedAt, { kind: 'working_days', days: 5 }, cal)!;
        const moved = extendForPause(due, pauseFrom, pauseTo, cal);
        expect(workingTimeBetween(due, moved, cal)).toBe(workingTimeBetween(pauseFrom, pauseTo, cal));
        expect(cal.isWorkingDay(toLocalDate(moved))).toBe(true);
      }),
    );
  });

  test('addWorkingTime(from, workingTimeBetween(from, to)) lands no earlier than a working-day `to`', () => {
    fc.assert(
      fc.property(instantArb, instantArb, calendarArb, (from, to, cal) => {
        fc.pre(cal.isWorkingDay(toLocalDate(to)));
        const landed = addWorkingTime(from, workingTimeBetween(from, to, cal), cal);
        expect(landed.getTime()).toBeGreaterThanOrEqual(to.getTime());
        // …and no later than needed: when to is after from, it lands on to itself.
        if (to.getTime() > from.getTime()) {
          expect(landed.getTime()).toBe(to.getTime());
        }
      }),
    );
  });

  test('addWorkingTime adds exactly the asked working time and ends on a working day', () => {
    fc.assert(
      fc.property(instantArb, workingTimeArb, calendarArb, (from, ms, cal) => {
        const landed = addWorkingTime(from, ms, cal);
        expect(landed.getTime()).toBeGreaterThanOrEqual(from.getTime());
        expect(workingTimeBetween(from, landed, cal)).toBe(ms);
        expect(cal.isWorkingDay(toLocalDate(landed))).toBe(true);
      }),
    );
  });

  test('working time is additive over a split point', () => {
    fc.assert(
      fc.property(instantArb, instantArb, instantArb, calendarArb, (a, b, c, cal) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        expect(workingTimeBetween(x, y, cal) + workingTimeBetween(y, z, cal)).toBe(workingTimeBetween(x, z, cal));
      }),
    );
  });

  test('addWorkingDays(d, n + 1) is the next working day after addWorkingDays(d, n)', () => {
    const dateArb = fc.integer({ min: 0, max: 3 * 365 }).map((offset) => addLocalDays('2025-01-01', offset));
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 30 }), calendarArb, (date, n, cal) => {
        const nth = addWorkingDays(date, n, cal);
        expect(nth > date).toBe(true);
        expect(cal.isWorkingDay(nth)).toBe(true);
        expect(addWorkingDays(date, n + 1, cal)).toBe(nextWorkingDay(nth, cal));
      }),
    );
  });
});
