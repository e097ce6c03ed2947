import type { CalendarDay, CalendarYear } from './calendar.ts';

/*
 * Vietnam's public holidays for 2025–2027, as seed data the province edits through the catalog.
 *
 * Rules (Labour Code 2019, Bộ luật Lao động số 45/2019/QH14):
 * - art. 112(1): New Year 1 day (1/1); Tết 5 days; Hùng Kings 1 day (10/3 lunar); Victory Day 30/4; Labour Day
 *   1/5; National Day 2 days (2/9 and one adjacent day before or after).
 * - art. 112(3): each year the Prime Minister fixes the exact Tết days and the adjacent National Day day.
 * - art. 111(3): a holiday falling on the weekly rest day is compensated on the next working day.
 * The government also swaps weekdays with Saturdays for civil servants ("hoán đổi ngày làm việc") to make longer
 * breaks; the swapped weekday is listed as a holiday and the Saturday as a working weekend day.
 *
 * `holidays` lists the statutory days (even when they fall on a weekend, so `holidayName` can name them), the
 * compensatory days off and the swapped weekdays. Plain weekends inside a long break are not listed.
 *
 * Not included: the "Vietnam Culture Day" on 24 November. The Politburo (Resolution 80-NQ/TW, Jan 2026) and the
 * Government (Resolution 30/NQ-CP, Feb 2026) decided to make it a paid holiday, but it needs an amendment of
 * art. 112 that had not been passed when this seed was written; add it here once it is law.
 */

function day(date: string, name: string, nameEn: string): CalendarDay {
  return { date, name, nameEn };
}

const NEW_YEAR = ['Tết Dương lịch', "New Year's Day"] as const;
const TET = ['Tết Nguyên đán', 'Lunar New Year (Tết)'] as const;
const TET_COMPENSATION = ['Nghỉ bù Tết Nguyên đán', 'Lunar New Year, compensatory day off'] as const;
const HUNG_KINGS = ['Giỗ Tổ Hùng Vương', 'Hùng Kings Commemoration Day'] as const;
const HUNG_KINGS_COMPENSATION = ['Nghỉ bù Giỗ Tổ Hùng Vương', 'Hùng Kings Day, compensatory day off'] as const;
const VICTORY_DAY = ['Ngày Chiến thắng', 'Victory Day (Reunification Day)'] as const;
const LABOUR_DAY = ['Ngày Quốc tế Lao động', 'International Labour Day'] as const;
const LABOUR_DAY_COMPENSATION = ['Nghỉ bù Ngày Quốc tế Lao động', 'Labour Day, compensatory day off'] as const;
const NATIONAL_DAY = ['Quốc khánh', 'National Day'] as const;

const YEAR_2025: CalendarYear = {
  year: 2025,
  holidays: [
    day('2025-01-01', ...NEW_YEAR),
    // Announced: off Sat 25 Jan – Sun 2 Feb; the five Tết days are Mon 27 – Fri 31 Jan (lunar new year Wed 29 Jan),
    // the other four days are ordinary weekends, so no compensation or swap was needed.
    day('2025-01-27', ...TET),
    day('2025-01-28', ...TET),
    day('2025-01-29', ...TET),
    day('2025-01-30', ...TET),
    day('2025-01-31', ...TET),
    day('2025-04-07', ...HUNG_KINGS),
    day('2025-04-30', ...VICTORY_DAY),
    day('2025-05-01', ...LABOUR_DAY),
    // Announced: Friday 2 May swapped with Saturday 26 April (off 30 Apr – 4 May).
    day('2025-05-02', 'Nghỉ hoán đổi dịp 30/4 – 1/5', 'Swapped day off (30 April – 1 May), worked on Sat 26 April'),
    // Announced: Monday 1 September is the adjacent National Day holiday (off Sat 30 Aug – Tue 2 Sep).
    day('2025-09-01', ...NATIONAL_DAY),
    day('2025-09-02', ...NATIONAL_DAY),
  ],
  workingWeekendDays: [
    day('2025-04-26', 'Làm bù cho ngày nghỉ 02/5/2025', 'Make-up working day for the day off on 2 May 2025'),
  ],
};

const YEAR_2026: CalendarYear = {
  year: 2026,
  holidays: [
    day('2026-01-01', ...NEW_YEAR),
    // Announced (Government Office letter 12729/VPCP-KGVX, 25 Dec 2025): Friday 2 Jan swapped with Saturday 10 Jan.
    day('2026-01-02', 'Nghỉ hoán đổi dịp Tết Dương lịch', 'Swapped day off (New Year), worked on Sat 10 January'),
    // Announced (Oct 2025): off Sat 14 – Sun 22 Feb; the five Tết days are Mon 16 – Fri 20 Feb (lunar new year Tue 17 Feb).
    day('2026-02-16', ...TET),
    day('2026-02-17', ...TET),
    day('2026-02-18', ...TET),
    day('2026-02-19', ...TET),
    day('2026-02-20', ...TET),
    // 10/3 lunar is Sunday 26 April: art. 111(3) gives Monday 27 April off.
    day('2026-04-26', ...HUNG_KINGS),
    day('2026-04-27', ...HUNG_KINGS_COMPENSATION),
    day('2026-04-30', ...VICTORY_DAY),
    day('2026-05-01', ...LABOUR_DAY),
    // Announced (Oct 2025, with the Tết decision): off Sat 29 Aug – Wed 2 Sep; Tuesday 1 Sep is the adjacent
    // National Day holiday and Monday 31 Aug is swapped with Saturday 22 Aug.
    day('2026-08-31', 'Nghỉ hoán đổi dịp Quốc khánh', 'Swapped day off (National Day), worked on Sat 22 August'),
    day('2026-09-01', ...NATIONAL_DAY),
    day('2026-09-02', ...NATIONAL_DAY),
  ],
  workingWeekendDays: [
    day('2026-01-10', 'Làm bù cho ngày nghỉ 02/01/2026', 'Make-up working day for the day off on 2 January 2026'),
    day('2026-08-22', 'Làm bù cho ngày nghỉ 31/8/2026', 'Make-up working day for the day off on 31 August 2026'),
  ],
};

// 2027: nothing had been announced when this seed was written. The days below are the legally implied ones;
// replace them with the Prime Minister's decision when it comes.
const YEAR_2027: CalendarYear = {
  year: 2027,
  provisional: true,
  holidays: [
    day('2027-01-01', ...NEW_YEAR),
    // Lunar new year is Saturday 6 Feb. Assumed, as in 2024 when it was also a Saturday: the two days before it
    // and the first three days of the year (art. 112(3) leaves the choice to the Prime Minister), with the two
    // weekend Tết days compensated on Tue 9 and Wed 10 Feb (art. 111(3)).
    day('2027-02-04', ...TET),
    day('2027-02-05', ...TET),
    day('2027-02-06', ...TET),
    day('2027-02-07', ...TET),
    day('2027-02-08', ...TET),
    day('2027-02-09', ...TET_COMPENSATION),
    day('2027-02-10', ...TET_COMPENSATION),
    day('2027-04-16', ...HUNG_KINGS),
    day('2027-04-30', ...VICTORY_DAY),
    // 1 May is a Saturday: art. 111(3) gives Monday 3 May off.
    day('2027-05-01', ...LABOUR_DAY),
    day('2027-05-03', ...LABOUR_DAY_COMPENSATION),
    // 2 Sep is a Thursday. Assumed adjacent day: Friday 3 Sep (art. 112(1)(đ) allows the day before or after;
    // in 2021, also a Thursday, the day after was chosen).
    day('2027-09-02', ...NATIONAL_DAY),
    day('2027-09-03', ...NATIONAL_DAY),
  ],
  workingWeekendDays: [],
};

/** Public holidays and swapped working days for 2025, 2026 and 2027 (2027 not yet announced: legally implied). */
export const VIETNAM_CALENDAR_2025_2027: CalendarYear[] = [YEAR_2025, YEAR_2026, YEAR_2027];

/**
 * The years deadlines are computed with: the ones the province published through the catalog, with the built-in
 * national years filling the years it has not published (a published year replaces the built-in one). The one
 * merge, so the dossiers, reporting and `/health` see the same calendar.
 */
export function withNationalYears(published: readonly CalendarYear[]): CalendarYear[] {
  const byYear = new Map<number, CalendarYear>();
  for (const year of VIETNAM_CALENDAR_2025_2027) byYear.set(year.year, year);
  for (const year of published) byYear.set(year.year, year);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}
