import { describe, expect, test } from 'vitest';
import {
  addWorkingDays,
  type CalendarYear,
  CalendarYearMissingError,
  calendarYearSchema,
  createWorkingCalendar,
  missingYears,
  nextWorkingDay,
  VIETNAM_CALENDAR_2025_2027,
} from '#calendar/index.ts';

const cal = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);

function issueMessages(input: unknown): string[] {
  const result = calendarYearSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('calendarYearSchema', () => {
  test('accepts every seeded year', () => {
    for (const year of VIETNAM_CALENDAR_2025_2027) {
      expect(calendarYearSchema.safeParse(year).success, `year ${year.year}`).toBe(true);
    }
  });

  test('refuses a date outside the year', () => {
    const messages = issueMessages({
      year: 2026,
      holidays: [{ date: '2027-01-01', name: 'Tết Dương lịch' }],
      workingWeekendDays: [],
    });
    expect(messages).toEqual(['2027-01-01 is not in calendar year 2026']);
  });

  test('refuses a date that does not exist', () => {
    const messages = issueMessages({
      year: 2026,
      holidays: [{ date: '2026-02-30', name: 'Không có' }],
      workingWeekendDays: [],
    });
    expect(messages).toEqual(['Must be a real calendar date written YYYY-MM-DD']);
  });

  test('refuses the same holiday twice', () => {
    const messages = issueMessages({
      year: 2026,
      holidays: [
        { date: '2026-04-30', name: 'Ngày Chiến thắng' },
        { date: '2026-04-30', name: 'Ngày Chiến thắng' },
      ],
      workingWeekendDays: [],
    });
    expect(messages).toEqual(['2026-04-30 is listed twice in holidays (also at index 0)']);
  });

  test('refuses a working weekend day on a weekday', () => {
    // 2026-01-09 is a Friday.
    const messages = issueMessages({
      year: 2026,
      holidays: [],
      workingWeekendDays: [{ date: '2026-01-09', name: 'Làm bù' }],
    });
    expect(messages).toEqual(['2026-01-09 is not a Saturday or Sunday; only weekend days can be made working days']);
  });

  test('refuses a day that is both a holiday and a working weekend day', () => {
    const messages = issueMessages({
      year: 2026,
      holidays: [{ date: '2026-01-10', name: 'Nghỉ' }],
      workingWeekendDays: [{ date: '2026-01-10', name: 'Làm bù' }],
    });
    expect(messages).toEqual(['2026-01-10 cannot be both a holiday and a working weekend day']);
  });

  test('refuses an empty name', () => {
    expect(
      issueMessages({ year: 2026, holidays: [{ date: '2026-01-01', name: ' ' }], workingWeekendDays: [] }),
    ).toEqual(['A day needs a (Vietnamese) name']);
  });
});

describe('createWorkingCalendar', () => {
  test('Monday–Friday work, weekends do not', () => {
    expect(cal.isWorkingDay('2026-03-09')).toBe(true); // Monday
    expect(cal.isWorkingDay('2026-03-13')).toBe(true); // Friday
    expect(cal.isWorkingDay('2026-03-14')).toBe(false); // Saturday
    expect(cal.isWorkingDay('2026-03-15')).toBe(false); // Sunday
  });

  test('holidays are not working days and carry their name', () => {
    expect(cal.isWorkingDay('2026-02-17')).toBe(false);
    expect(cal.holidayName('2026-02-17')).toBe('Tết Nguyên đán');
    expect(cal.isWorkingDay('2026-04-30')).toBe(false);
    expect(cal.isWorkingDay('2026-05-01')).toBe(false);
    expect(cal.holidayName('2026-03-10')).toBeUndefined();
  });

  test('a swapped Saturday is a working day and the swapped weekday is not', () => {
    expect(cal.isWorkingDay('2026-01-10')).toBe(true);
    expect(cal.isWorkingDay('2026-01-02')).toBe(false);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
    expect(cal.isWorkingDay('2025-05-02')).toBe(false);
    expect(cal.isWorkingDay('2026-08-22')).toBe(true);
    expect(cal.isWorkingDay('2026-08-31')).toBe(false);
  });

  test('Hùng Kings day 2026 falls on a Sunday and Monday 27 April is off instead', () => {
    expect(cal.holidayName('2026-04-26')).toBe('Giỗ Tổ Hùng Vương');
    expect(cal.isWorkingDay('2026-04-27')).toBe(false);
    expect(cal.isWorkingDay('2026-04-28')).toBe(true);
  });

  test('a year without data is an explicit error, never a Monday–Friday guess', () => {
    expect(cal.years()).toEqual([2025, 2026, 2027]);
    expect(() => cal.isWorkingDay('2030-01-01')).toThrow(CalendarYearMissingError);
    expect(() => cal.isWorkingDay('2024-12-31')).toThrow(/no data for 2024/);
    expect(missingYears(cal, [2026, 2027, 2028])).toEqual([2028]);
    const empty = createWorkingCalendar([]);
    expect(empty.years()).toEqual([]);
    expect(() => empty.isWorkingDay('2026-02-17')).toThrow(CalendarYearMissingError);
  });

  test('2027 is provisional until the official announcement', () => {
    expect(cal.provisionalYears()).toEqual([2027]);
  });

  test('refuses a year given twice and invalid data', () => {
    const year: CalendarYear = { year: 2026, holidays: [], workingWeekendDays: [] };
    expect(() => createWorkingCalendar([year, year])).toThrow(/2026 is given more than once/);
    expect(() =>
      createWorkingCalendar([{ year: 2026, holidays: [{ date: '2025-01-01', name: 'x' }], workingWeekendDays: [] }]),
    ).toThrow(/not in calendar year 2026/);
  });

  test('refuses a malformed date', () => {
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
  });
});

describe('nextWorkingDay and addWorkingDays', () => {
  test('nextWorkingDay skips the weekend', () => {
    expect(nextWorkingDay('2026-03-13', cal)).toBe('2026-03-16');
    expect(nextWorkingDay('2026-03-14', cal)).toBe('2026-03-16');
    expect(nextWorkingDay('2026-03-10', cal)).toBe('2026-03-11');
  });

  test('nextWorkingDay skips Tết 2026 (Sat 14 – Sun 22 February)', () => {
    expect(nextWorkingDay('2026-02-13', cal)).toBe('2026-02-23');
  });

  test('nextWorkingDay lands on the swapped Saturday', () => {
    expect(nextWorkingDay('2026-01-09', cal)).toBe('2026-01-10');
    // Wed 31 Dec 2025 → Thu 1 Jan (holiday), Fri 2 Jan (swapped), weekend → Mon 5 Jan.
    expect(nextWorkingDay('2025-12-31', cal)).toBe('2026-01-05');
  });

  test('addWorkingDays over 30 April – 1 May 2026', () => {
    // Tue 28 Apr: Wed 29 (1), Thu 30 and Fri 1 off, weekend, Mon 4 (2), Tue 5 (3).
    expect(addWorkingDays('2026-04-28', 3, cal)).toBe('2026-05-05');
  });

  test('addWorkingDays with n = 0', () => {
    expect(addWorkingDays('2026-03-10', 0, cal)).toBe('2026-03-10');
    expect(addWorkingDays('2026-03-14', 0, cal)).toBe('2026-03-16');
  });

  test('addWorkingDays across the National Day break 2026 and its make-up Saturday', () => {
    // Fri 21 Aug: Sat 22 (1, make-up), Mon 24 (2) … Fri 28 (6), Mon 31–Wed 2 Sep off, Thu 3 (7).
    expect(addWorkingDays('2026-08-21', 7, cal)).toBe('2026-09-03');
  });

  test('addWorkingDays refuses negative or fractional counts', () => {
    expect(() => addWorkingDays('2026-03-10', -1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-10', 1.5, cal)).toThrow(RangeError);
  });
});
