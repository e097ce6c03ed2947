import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  escapeHtml,
  formatDateTime,
  formatVnd,
  isGsm7,
  toSmsText,
  truncate,
  unaccent,
} from '#notifications/domain/format.ts';

describe('formatVnd', () => {
  test('Vietnamese groups thousands with dots and uses the đồng sign', () => {
    expect(formatVnd(100_000, 'vi')).toBe('100.000 ₫');
    expect(formatVnd(1_250_000, 'vi')).toBe('1.250.000 ₫');
    expect(formatVnd(2_000, 'vi')).toBe('2.000 ₫');
    expect(formatVnd(999, 'vi')).toBe('999 ₫');
    expect(formatVnd(0, 'vi')).toBe('0 ₫');
  });

  test('English groups thousands with commas and writes VND', () => {
    expect(formatVnd(100_000, 'en')).toBe('100,000 VND');
    expect(formatVnd(75_000, 'en')).toBe('75,000 VND');
    expect(formatVnd(12_345_678, 'en')).toBe('12,345,678 VND');
  });

  test('refuses fractional amounts: money is whole VND', () => {
    expect(() => formatVnd(1000.5, 'vi')).toThrow(RangeError);
  });

  test('the grouping reads back to the same number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), (amount) => {
        const vi = formatVnd(amount, 'vi');
        expect(Number(vi.replace(' ₫', '').replaceAll('.', ''))).toBe(amount);
        expect(vi).toMatch(/^\d{1,3}(\.\d{3})* ₫$/);
      }),
    );
  });
});

describe('formatDateTime', () => {
  test('shows the Vietnam clock (UTC+7) as dd/MM/yyyy HH:mm', () => {
    expect(formatDateTime('2026-11-25T09:30:00Z', 'vi')).toBe('25/11/2026 16:30');
    expect(formatDateTime('2026-03-02T08:05:00+07:00', 'vi')).toBe('02/03/2026 08:05');
  });

  test('crosses midnight and the year boundary in Vietnam time', () => {
    // 17:05 UTC on 31 Dec is 00:05 on 1 Jan in Vietnam.
    expect(formatDateTime('2025-12-31T17:05:00Z', 'vi')).toBe('01/01/2026 00:05');
  });

  test('English names the zone', () => {
    expect(formatDateTime('2026-11-25T09:30:00Z', 'en')).toBe('25/11/2026 16:30 (GMT+7)');
  });

  test('accepts a Date', () => {
    expect(formatDateTime(new Date(Date.UTC(2026, 0, 5, 1, 0)), 'vi')).toBe('05/01/2026 08:00');
  });

  test('refuses what is not a date', () => {
    expect(() => formatDateTime('not a date', 'vi')).toThrow(RangeError);
  });
});

describe('unaccent', () => {
  test('strips Vietnamese diacritics, including đ and Đ', () => {
    expect(unaccent('Hồ sơ đã được trả kết quả')).toBe('Ho so da duoc tra ket qua');
    expect(unaccent('Đường Nguyễn Huệ, Quận 1')).toBe('Duong Nguyen Hue, Quan 1');
    expect(unaccent('Bộ phận Một cửa')).toBe('Bo phan Mot cua');
  });

  test('every vowel with every tone maps to its base letter', () => {
    expect(unaccent('àáảãạăằắẳẵặâầấẩẫậ')).toBe('a'.repeat(17));
    expect(unaccent('èéẻẽẹêềếểễệ')).toBe('e'.repeat(11));
    expect(unaccent('ìíỉĩị')).toBe('i'.repeat(5));
    expect(unaccent('òóỏõọôồốổỗộơờớởỡợ')).toBe('o'.repeat(17));
    expect(unaccent('ùúủũụưừứửữự')).toBe('u'.repeat(11));
    expect(unaccent('ỳýỷỹỵ')).toBe('y'.repeat(5));
    expect(unaccent('ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ')).toBe('A'.repeat(17));
    expect(unaccent('ƠỜỚỞỠỢƯỪỨỬỮỰ')).toBe('OOOOOOUUUUUU');
  });

  test('leaves ASCII untouched', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (s) => {
        expect(unaccent(s)).toBe(s);
      }),
    );
  });

  test('turns any Vietnamese text into ASCII', () => {
    const alphabet = 'aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ';
    const vietnamese = fc
      .array(fc.constantFrom(...alphabet, ...alphabet.toUpperCase()), { maxLength: 40 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(vietnamese, (s) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
        expect(unaccent(s)).toMatch(/^[\x00-\x7f]*$/);
        expect(unaccent(s)).toHaveLength(s.length);
      }),
    );
  });
});

describe('SMS text', () => {
  test('is unaccented and replaces the đồng sign, so it fits GSM-7', () => {
    const sms = toSmsText('Hồ sơ cần nộp phí 100.000 ₫');
    expect(sms).toBe('Ho so can nop phi 100.000 VND');
    expect(isGsm7(sms)).toBe(true);
  });

  test('GSM-7 detection rejects accented Vietnamese and the đồng sign', () => {
    expect(isGsm7('Hồ sơ')).toBe(false);
    expect(isGsm7('100 ₫')).toBe(false);
    expect(isGsm7('Ho so 000.00.15.H19-261122-0001: https://a.vn/x?y=1')).toBe(true);
  });

  test('truncate keeps short text and cuts long text to the limit with an ASCII ellipsis', () => {
    expect(truncate('Thiếu bản sao', 50)).toBe('Thiếu bản sao');
    expect(truncate('abcdefghij', 8)).toBe('abcde...');
    expect(truncate('line one\n  line two', 50)).toBe('line one line two');
  });
});

describe('escapeHtml', () => {
  test('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
