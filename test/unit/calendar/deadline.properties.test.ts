import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addLocalDays,
  addOfficeMinutes,
  type CalendarYear,
  computeAppointment,
  createWorkingCalendar,
  extendForPause,
  isWithinOfficeHours,
  localWeekday,
  officeMinutesBetween,
  type ProcessingTime,
  VIETNAM_CALENDAR_2025_2027,
  type WorkingCalendar,
} from '#calendar/index.ts';

const seeded = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);

// 2025-01-01 … 2027-10-31 GMT+7: inside the seeded years, with room for the deadlines to land in them.
const START = Date.parse('2025-01-01T00:00:00+07:00');
const END = Date.parse('2027-10-31T00:00:00+07:00');
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
  fc.integer({ min: 0, max: 80 }).map((halves): ProcessingTime => ({ kind: 'working_days', days: halves / 2 })),
  fc.constant<ProcessingTime>({ kind: 'same_day' }),
  fc.constantFrom('12:00', '15:00', '16:30').map((cutoff): ProcessingTime => ({ kind: 'same_day', cutoff })),
);

const minutesArb = fc.integer({ min: 0, max: 40 * 480 });

describe('deadline properties', () => {
  test('an appointment is always inside office hours and not before reception', () => {
    fc.assert(
      fc.property(instantArb, processingTimeArb, calendarArb, (receivedAt, time, cal) => {
        const due = computeAppointment(receivedAt, time, cal)!;
        expect(isWithinOfficeHours(due, cal)).toBe(true);
        expect(due.getTime()).toBeGreaterThanOrEqual(Math.floor(receivedAt.getTime() / 60_000) * 60_000);
      }),
    );
  });

  test('computeAppointment is monotonic in receivedAt', () => {
    fc.assert(
      fc.property(instantArb, instantArb, processingTimeArb, calendarArb, (a, b, time, cal) => {
        const [early, late] = a.getTime() <= b.getTime() ? [a, b] : [b, a];
        expect(computeAppointment(early, time, cal)!.getTime()).toBeLessThanOrEqual(
          computeAppointment(late, time, cal)!.getTime(),
        );
      }),
    );
  });

  test('a working-days appointment is exactly N working days of office time after the counting start', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 60 }), calendarArb, (receivedAt, halves, cal) => {
        const due = computeAppointment(receivedAt, { kind: 'working_days', days: halves / 2 }, cal)!;
        expect(officeMinutesBetween(receivedAt, due, cal)).toBe(halves * 240);
      }),
    );
  });

  test('addOfficeMinutes adds exactly the asked office time, landing inside office hours', () => {
    fc.assert(
      fc.property(instantArb, minutesArb, calendarArb, (from, minutes, cal) => {
        const to = addOfficeMinutes(from, minutes, cal);
        expect(officeMinutesBetween(from, to, cal)).toBe(minutes);
        expect(isWithinOfficeHours(to, cal)).toBe(true);
      }),
    );
  });

  test('office time is additive over a split point', () => {
    fc.assert(
      fc.property(instantArb, instantArb, instantArb, calendarArb, (x, y, z, cal) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        expect(officeMinutesBetween(a, c, cal)).toBe(officeMinutesBetween(a, b, cal) + officeMinutesBetween(b, c, cal));
      }),
    );
  });

  test('a pause never moves the appointment earlier and moves it by exactly the office time it consumed', () => {
    fc.assert(
      fc.property(
        instantArb,
        instantArb,
        fc.integer({ min: 0, max: 30 * DAY }),
        calendarArb,
        (appointment, from, length, cal) => {
          // Pauses of up to a month, so the moved appointment stays inside the years with data.
          const to = new Date(from.getTime() + length);
          const start = computeAppointment(appointment, { kind: 'working_days', days: 0 }, cal)!;
          const moved = extendForPause(start, from, to, cal);
          expect(moved.getTime()).toBeGreaterThanOrEqual(start.getTime());
          const consumed = officeMinutesBetween(from, to, cal);
          if (consumed > 0) expect(officeMinutesBetween(start, moved, cal)).toBe(consumed);
          else expect(moved.getTime()).toBe(start.getTime());
        },
      ),
    );
  });
});
