/** The console's dd/mm/yyyy dates (packages/console/src/dates.ts): masking, parsing to ISO, formatting back. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatDayMonthYear, maskDayMonthYear, parseDayMonthYear } from '../../../packages/console/src/dates.ts';

describe('parseDayMonthYear', () => {
  test('dd/mm/yyyy and d/m/yyyy give the ISO date', () => {
    expect(parseDayMonthYear('05/03/2026')).toEqual({ ok: true, iso: '2026-03-05' });
    expect(parseDayMonthYear('5/3/2026')).toEqual({ ok: true, iso: '2026-03-05' });
    expect(parseDayMonthYear(' 31/12/2026 ')).toEqual({ ok: true, iso: '2026-12-31' });
  });

  test('a day the calendar has not is refused: 31/02, 29/02 of a common year, month 13, day 0', () => {
    for (const typed of ['31/02/2026', '29/02/2026', '31/04/2026', '01/13/2026', '00/01/2026']) {
      expect(parseDayMonthYear(typed), typed).toEqual({ ok: false, problem: 'no-such-day' });
    }
    expect(parseDayMonthYear('29/02/2028')).toEqual({ ok: true, iso: '2028-02-29' });
  });

  test('anything but d/m/yyyy is a format problem (the US order is not guessed)', () => {
    for (const typed of ['', '05/03', '2026-03-05', '05/03/26', 'ngày 5', '05/03/2026x']) {
      expect(parseDayMonthYear(typed), typed).toEqual({ ok: false, problem: 'format' });
    }
  });

  test('bounds are inclusive ISO dates', () => {
    const year = { min: '2026-01-01', max: '2026-12-31' };
    expect(parseDayMonthYear('01/01/2026', year)).toEqual({ ok: true, iso: '2026-01-01' });
    expect(parseDayMonthYear('31/12/2025', year)).toEqual({ ok: false, problem: 'too-early' });
    expect(parseDayMonthYear('01/01/2027', year)).toEqual({ ok: false, problem: 'too-late' });
  });

  test('formatting then parsing any real day gives it back', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const shown = formatDayMonthYear(iso);
        expect(shown).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
        expect(parseDayMonthYear(shown)).toEqual({ ok: true, iso });
      }),
    );
  });
});

describe('maskDayMonthYear', () => {
  test('slashes come in as digits are typed', () => {
    expect(['0', '05', '050', '0503', '05032', '05032026', '050320261'].map(maskDayMonthYear)).toEqual([
      '0',
      '05',
      '05/0',
      '05/03',
      '05/03/2',
      '05/03/2026',
      '05/03/2026',
    ]);
  });

  test('typed separators are kept ("." and "-" as "/"), letters dropped', () => {
    expect(maskDayMonthYear('5/3/2026')).toBe('5/3/2026');
    expect(maskDayMonthYear('05.03.2026')).toBe('05/03/2026');
    expect(maskDayMonthYear('5-3-2026')).toBe('5/3/2026');
    expect(maskDayMonthYear('5a//3/2026')).toBe('5/3/2026');
  });
});

describe('formatDayMonthYear', () => {
  test('ISO to dd/mm/yyyy; nothing for what is not an ISO date', () => {
    expect(formatDayMonthYear('2026-03-05')).toBe('05/03/2026');
    expect(formatDayMonthYear('')).toBe('');
    expect(formatDayMonthYear(undefined)).toBe('');
    expect(formatDayMonthYear('05/03/2026')).toBe('');
  });
});
