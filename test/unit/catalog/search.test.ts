import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { matchesQuery, matchesTokens, normalizeForSearch, searchTokens } from '#catalog/domain/search.ts';

const certify = {
  code: '2.000815',
  name: { vi: 'Chứng thực bản sao từ bản chính', en: 'Certifying copies from originals' },
  field: 'Chứng thực',
};
const birth = { code: '1.001193', name: { vi: 'Đăng ký khai sinh' }, field: 'Hộ tịch' };
const licence = { code: '3.000347', name: { vi: 'Đổi giấy phép lái xe' }, field: 'Đường bộ' };

describe('normalizeForSearch', () => {
  test.each([
    ['Chứng thực bản sao', 'chung thuc ban sao'],
    ['ĐĂNG KÝ KHAI SINH', 'dang ky khai sinh'],
    ['Đường bộ', 'duong bo'],
    ['đổi giấy phép', 'doi giay phep'],
    ['Nguyễn Thị Ưởng', 'nguyen thi uong'],
    ['Hộ tịch', 'ho tich'],
    ['Ắ Ằ Ẳ Ẵ Ặ ấ ầ ẩ ẫ ậ', 'a a a a a a a a a a'],
    ['ơ ờ ớ ở ỡ ợ ư ừ ứ ử ữ ự', 'o o o o o o u u u u u u'],
    ['  nhiều   khoảng\ttrắng\n ', 'nhieu khoang trang'],
    ['2.000815', '2.000815'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForSearch(input)).toBe(expected);
  });

  test('decomposed input (NFD, as some keyboards send) normalizes like precomposed', () => {
    expect(normalizeForSearch('Chứng thực'.normalize('NFD'))).toBe('chung thuc');
  });
});

describe('matchesQuery', () => {
  test('"chung thuc" finds "Chứng thực bản sao"', () => {
    expect(matchesQuery(certify, 'chung thuc')).toBe(true);
  });
  test('case and diacritics in the query do not matter', () => {
    expect(matchesQuery(certify, 'CHỨNG THỰC')).toBe(true);
    expect(matchesQuery(certify, 'ChUnG tHuC')).toBe(true);
  });
  test('words may come in any order', () => {
    expect(matchesQuery(certify, 'ban sao chung thuc')).toBe(true);
  });
  test('every word must match', () => {
    expect(matchesQuery(certify, 'chung thuc khai sinh')).toBe(false);
  });
  test('đ is matched by d', () => {
    expect(matchesQuery(birth, 'dang ky')).toBe(true);
    expect(matchesQuery(licence, 'duong')).toBe(true);
  });
  test('d in the text is not matched by a different letter', () => {
    expect(matchesQuery(birth, 'tang ky')).toBe(false);
  });
  test('matches the code, the English name and the field', () => {
    expect(matchesQuery(certify, '2.000815')).toBe(true);
    expect(matchesQuery(certify, '000815')).toBe(true);
    expect(matchesQuery(certify, 'certifying copies')).toBe(true);
    expect(matchesQuery(birth, 'ho tich')).toBe(true);
  });
  test('does not match unrelated procedures', () => {
    expect(matchesQuery(birth, 'chung thuc')).toBe(false);
    expect(matchesQuery(licence, '2.000815')).toBe(false);
  });
  test('an empty or blank query matches everything', () => {
    expect(matchesQuery(birth, '')).toBe(true);
    expect(matchesQuery(birth, '   ')).toBe(true);
  });
  test('stored tokens match like the procedure itself', () => {
    const tokens = searchTokens(certify);
    expect(tokens).toBe('2.000815 chung thuc ban sao tu ban chinh certifying copies from originals chung thuc');
    expect(matchesTokens(tokens, 'BẢN CHÍNH')).toBe(true);
  });
});

describe('properties', () => {
  const vietnamese = fc
    .array(
      fc.constantFrom(
        ...'aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ĐĂÂÊÔƠƯ\t',
      ),
      {
        maxLength: 40,
      },
    )
    .map((chars) => chars.join(''));

  test('normalizing twice changes nothing', () => {
    fc.assert(
      fc.property(vietnamese, (text) => {
        expect(normalizeForSearch(normalizeForSearch(text))).toBe(normalizeForSearch(text));
      }),
    );
  });

  test('the result is plain lower-case ASCII letters and single spaces', () => {
    fc.assert(
      fc.property(vietnamese, (text) => {
        expect(normalizeForSearch(text)).toMatch(/^([a-z]+( [a-z]+)*)?$/);
      }),
    );
  });

  test('a procedure is always found by its own Vietnamese name, written with or without diacritics', () => {
    fc.assert(
      fc.property(vietnamese, (name) => {
        const procedure = { code: '1.000001', name: { vi: name }, field: 'Khác' };
        expect(matchesQuery(procedure, name)).toBe(true);
        expect(matchesQuery(procedure, normalizeForSearch(name))).toBe(true);
      }),
    );
  });
});
