import { describe, expect, test } from 'vitest';
import {
  addLocalDays,
  isLocalDate,
  localDateTime,
  localTimeOfDay,
  localWeekday,
  startOfLocalDay,
  toLocalDate,
  toLocalIso,
  VN_OFFSET,
} from '#calendar/index.ts';

describe('GMT+7 wall-clock conversions', () => {
  test('the offset is the fixed Vietnamese one', () => {
    expect(VN_OFFSET).toBe('+07:00');
  });

  test('an instant late in the UTC evening is already the next day in Vietnam', () => {
    const instant = new Date('2026-11-21T17:05:00Z');
    expect(toLocalDate(instant)).toBe('2026-11-22');
    expect(toLocalIso(instant)).toBe('2026-11-22T00:05:00+07:00');
    expect(localTimeOfDay(instant)).toBe('00:05');
  });

  test('one millisecond before local midnight stays on the earlier day', () => {
    const instant = new Date('2026-11-21T16:59:59.999Z');
    expect(toLocalDate(instant)).toBe('2026-11-21');
    expect(toLocalIso(instant)).toBe('2026-11-21T23:59:59.999+07:00');
    expect(localTimeOfDay(instant)).toBe('23:59');
  });

  test('toLocalIso keeps seconds and drops zero milliseconds', () => {
    expect(toLocalIso(new Date('2026-11-22T03:05:00Z'))).toBe('2026-11-22T10:05:00+07:00');
    expect(toLocalIso(new Date('2026-11-22T03:05:07.040Z'))).toBe('2026-11-22T10:05:07.040+07:00');
  });

  test('localDateTime gives the instant of a GMT+7 wall-clock time', () => {
    expect(localDateTime('2026-11-22', '10:05').toISOString()).toBe('2026-11-22T03:05:00.000Z');
    expect(localDateTime('2026-01-01', '00:00').toISOString()).toBe('2025-12-31T17:00:00.000Z');
    expect(localDateTime('2026-01-01', '06:59').toISOString()).toBe('2025-12-31T23:59:00.000Z');
  });

  test('localDateTime and toLocalIso agree', () => {
    expect(toLocalIso(localDateTime('2027-02-28', '23:45'))).toBe('2027-02-28T23:45:00+07:00');
  });

  test('startOfLocalDay is 17:00 UTC of the previous day', () => {
    expect(startOfLocalDay('2026-03-01').toISOString()).toBe('2026-02-28T17:00:00.000Z');
  });

  test('malformed dates and times are refused', () => {
    expect(() => localDateTime('2026-02-29', '10:00')).toThrow(RangeError);
    expect(() => localDateTime('2026-2-3', '10:00')).toThrow(RangeError);
    expect(() => localDateTime('2026-02-03', '24:00')).toThrow(RangeError);
    expect(() => localDateTime('2026-02-03', '9:00')).toThrow(RangeError);
    expect(() => toLocalDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('local date arithmetic', () => {
  test('isLocalDate accepts real dates only', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-04-31')).toBe(false);
    expect(isLocalDate('26-04-01')).toBe(false);
  });

  test('addLocalDays crosses month and year ends', () => {
    expect(addLocalDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addLocalDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addLocalDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addLocalDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  test('localWeekday matches the 2026 calendar', () => {
    expect(localWeekday('2026-01-01')).toBe(4); // Thursday
    expect(localWeekday('2026-04-26')).toBe(0); // Sunday (Hùng Kings day)
    expect(localWeekday('2026-01-10')).toBe(6); // Saturday
    expect(localWeekday('2026-02-17')).toBe(2); // Tuesday, lunar new year
  });
});
