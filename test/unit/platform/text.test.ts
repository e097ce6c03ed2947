import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stripVietnameseMarks } from '#platform/text.ts';

// Every Vietnamese letter, lower case; upper case is derived.
const ALPHABET = 'aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ';
const vietnamese = fc
  .array(fc.constantFrom(...ALPHABET, ...ALPHABET.toUpperCase(), ' '), { maxLength: 40 })
  .map((cs) => cs.join(''));

describe('stripVietnameseMarks', () => {
  test.each([
    ['Chứng thực bản sao', 'Chung thuc ban sao'],
    ['Đường Nguyễn Huệ, Quận 1', 'Duong Nguyen Hue, Quan 1'],
    ['ĐĂNG KÝ KHAI SINH', 'DANG KY KHAI SINH'],
    ['đổi giấy phép', 'doi giay phep'],
    ['Nguyễn Thị Ưởng', 'Nguyen Thi Uong'],
    ['àáảãạăằắẳẵặâầấẩẫậ', 'a'.repeat(17)],
    ['ÈÉẺẼẸÊỀẾỂỄỆ', 'E'.repeat(11)],
    ['ìíỉĩị ỳýỷỹỵ', 'iiiii yyyyy'],
    ['òóỏõọôồốổỗộơờớởỡợ', 'o'.repeat(17)],
    ['ƠỜỚỞỠỢƯỪỨỬỮỰ', 'OOOOOOUUUUUU'],
    ['2.000815 – 100.000 ₫', '2.000815 – 100.000 ₫'],
  ])('%j → %j', (input, expected) => {
    expect(stripVietnameseMarks(input)).toBe(expected);
  });

  test('đ and Đ, letters of their own rather than d with a mark, keep their case', () => {
    expect(stripVietnameseMarks('đĐ')).toBe('dD');
  });

  test('decomposed input (NFD, as some keyboards send) gives the same as precomposed', () => {
    expect(stripVietnameseMarks('Chứng thực'.normalize('NFD'))).toBe('Chung thuc');
  });

  test('leaves ASCII untouched', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (s) => {
        expect(stripVietnameseMarks(s)).toBe(s);
      }),
    );
  });

  test('turns any Vietnamese text into ASCII letters, one for one, case kept', () => {
    fc.assert(
      fc.property(vietnamese, (s) => {
        const stripped = stripVietnameseMarks(s);
        expect(stripped).toMatch(/^[A-Za-z ]*$/);
        expect(stripped).toHaveLength(s.length);
        expect(stripVietnameseMarks(s.toUpperCase())).toBe(stripped.toUpperCase());
      }),
    );
  });

  test('marks of other scripts are not Vietnamese diacritics and stay', () => {
    expect(stripVietnameseMarks('क़')).toBe('क़'.normalize('NFD'));
  });
});
