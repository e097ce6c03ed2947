import { describe, expect, test } from 'vitest';
import { createWorkingCalendar, localWeekday, VIETNAM_CALENDAR_2025_2027 } from '#calendar/index.ts';

const cal = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);

function offWeekdays(year: number): string[] {
  const data = VIETNAM_CALENDAR_2025_2027.find((y) => y.year === year);
  if (!data) throw new Error(`no seed for ${year}`);
  return data.holidays.map((d) => d.date).filter((date) => ![0, 6].includes(localWeekday(date)));
}

describe('VIETNAM_CALENDAR_2025_2027', () => {
  test('covers 2025, 2026 and 2027', () => {
    expect(VIETNAM_CALENDAR_2025_2027.map((y) => y.year)).toEqual([2025, 2026, 2027]);
  });

  test('every day has a Vietnamese and an English name', () => {
    for (const year of VIETNAM_CALENDAR_2025_2027) {
      for (const day of [...year.holidays, ...year.workingWeekendDays]) {
        expect(day.name.length, day.date).toBeGreaterThan(0);
        expect(day.nameEn?.length ?? 0, day.date).toBeGreaterThan(0);
      }
    }
  });

  test('lunar new year is a Tết holiday each year', () => {
    expect(cal.holidayName('2025-01-29')).toBe('Tết Nguyên đán');
    expect(cal.holidayName('2026-02-17')).toBe('Tết Nguyên đán');
    expect(cal.holidayName('2027-02-06')).toBe('Tết Nguyên đán');
  });

  test('2025: the announced weekdays off (11 statutory days, plus Fri 2 May swapped with Sat 26 Apr)', () => {
    expect(offWeekdays(2025)).toEqual([
      '2025-01-01',
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-04-07',
      '2025-04-30',
      '2025-05-01',
      '2025-05-02',
      '2025-09-01',
      '2025-09-02',
    ]);
    expect(cal.isWorkingDay('2025-04-26')).toBe(true);
  });

  test('2026: the announced weekdays off', () => {
    expect(offWeekdays(2026)).toEqual([
      '2026-01-01',
      '2026-01-02', // swapped with Sat 10 Jan
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-27', // Hùng Kings day (Sun 26 Apr) compensated
      '2026-04-30',
      '2026-05-01',
      '2026-08-31', // swapped with Sat 22 Aug
      '2026-09-01',
      '2026-09-02',
    ]);
  });

  test('2027: eleven weekdays off, as the law implies', () => {
    // 11 statutory days; Tết's Saturday and Sunday and Labour Day's Saturday are compensated on weekdays.
    expect(offWeekdays(2027)).toHaveLength(11);
    expect(cal.isWorkingDay('2027-02-03')).toBe(true);
    expect(cal.isWorkingDay('2027-02-11')).toBe(true);
    expect(cal.isWorkingDay('2027-05-03')).toBe(false);
  });
});
