import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assessFees, feeTotal, quantitiesFromForm } from '#catalog/domain/fees.ts';
import type { FeeRule } from '#catalog/domain/schemas.ts';
import { ValidationError } from '#platform/errors.ts';
import { certifyCopyFee } from './fixtures.ts';

const certify = (pages: number, copies: number) => assessFees([certifyCopyFee], { pages, copies })[0]?.amount;

describe('per-page fee for certifying copies (2,000/page p1–2, 1,000 from p3, cap 200,000 per copy)', () => {
  test('one page costs 2,000', () => {
    expect(certify(1, 1)).toBe(2000);
  });
  test('two pages cost 2 × 2,000 = 4,000', () => {
    expect(certify(2, 1)).toBe(4000);
  });
  test('three pages cost 4,000 + 1,000 = 5,000', () => {
    expect(certify(3, 1)).toBe(5000);
  });
  test('197 pages cost 4,000 + 195 × 1,000 = 199,000, just under the cap', () => {
    expect(certify(197, 1)).toBe(199000);
  });
  test('250 pages would cost 4,000 + 248 × 1,000 = 252,000 and are capped at 200,000', () => {
    expect(certify(250, 1)).toBe(200000);
  });
  test('several copies multiply the per-copy price: 3 pages × 4 copies = 20,000', () => {
    expect(certify(3, 4)).toBe(20000);
  });
  test('the cap applies per copy: 250 pages × 3 copies = 600,000', () => {
    expect(certify(250, 3)).toBe(600000);
  });
  test('the line keeps the rule code and name', () => {
    expect(assessFees([certifyCopyFee], { pages: 1, copies: 1 })).toEqual([
      { code: 'PHI_CHUNG_THUC', name: 'Phí chứng thực bản sao', amount: 2000 },
    ]);
  });
});

describe('other rule kinds', () => {
  const extractCopy: FeeRule = {
    kind: 'per_copy',
    code: 'BAN_SAO',
    name: 'Phí bản sao trích lục',
    amountPerCopy: 8000,
  };
  const permit: FeeRule = { kind: 'fixed', code: 'GPXD', name: 'Lệ phí giấy phép xây dựng', amount: 75000 };
  const birth: FeeRule = { kind: 'free', code: 'KS', name: 'Lệ phí khai sinh', condition: 'Đúng hạn' };

  test('per copy: 3 copies × 8,000 = 24,000', () => {
    expect(assessFees([extractCopy], { copies: 3 })).toEqual([
      { code: 'BAN_SAO', name: 'Phí bản sao trích lục', amount: 24000 },
    ]);
  });
  test('fixed ignores quantities, even absent ones', () => {
    expect(assessFees([permit], {})).toEqual([{ code: 'GPXD', name: 'Lệ phí giấy phép xây dựng', amount: 75000 }]);
  });
  test('free gives a zero line so the exemption is shown', () => {
    expect(assessFees([birth], {})).toEqual([{ code: 'KS', name: 'Lệ phí khai sinh', amount: 0 }]);
  });
  test('lines follow the rules in order and the total adds them: 75,000 + 16,000 + 0', () => {
    const lines = assessFees([permit, extractCopy, birth], { copies: 2 });
    expect(lines.map((line) => line.code)).toEqual(['GPXD', 'BAN_SAO', 'KS']);
    expect(feeTotal(lines)).toBe(91000);
  });
  test('no rules, no lines, total 0', () => {
    expect(feeTotal(assessFees([], {}))).toBe(0);
  });
});

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('missing or invalid quantities', () => {
  test('pages missing for a per-page rule names formData.soTrang', () => {
    const error = errorOf(() => assessFees([certifyCopyFee], { copies: 1 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      { path: 'formData.soTrang', message: expect.stringContaining('required') },
    ]);
  });
  test('copies missing for a per-page rule names formData.soBanSao', () => {
    const error = errorOf(() => assessFees([certifyCopyFee], { pages: 3 })) as ValidationError;
    expect(error.errors[0]?.path).toBe('formData.soBanSao');
  });
  test.each([0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('copies = %s is refused', (copies) => {
    const error = errorOf(() =>
      assessFees([{ kind: 'per_copy', code: 'X', name: 'X', amountPerCopy: 8000 }], { copies }),
    ) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.errors[0]).toEqual({ path: 'formData.soBanSao', message: expect.stringContaining('at least 1') });
  });
  test('the error detail is bilingual', () => {
    const error = errorOf(() => assessFees([certifyCopyFee], { copies: 1 })) as ValidationError;
    expect(error.detail.vi).toContain('số trang');
    expect(error.detail.en).toContain('number of pages');
  });
});

describe('quantitiesFromForm', () => {
  test('reads soTrang and soBanSao and nothing else', () => {
    expect(quantitiesFromForm({ tenGiayTo: 'Bằng tốt nghiệp', soTrang: 3, soBanSao: 2 })).toEqual({
      pages: 3,
      copies: 2,
    });
  });
  test('absent fields stay absent', () => {
    expect(quantitiesFromForm({ hoTen: 'Nguyễn Văn A' })).toEqual({});
  });
  test('a non-number is passed on so that the fee reports it as invalid, not missing', () => {
    const quantities = quantitiesFromForm({ soTrang: '3', soBanSao: 1 });
    const error = errorOf(() => assessFees([certifyCopyFee], quantities)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.errors[0]).toEqual({ path: 'formData.soTrang', message: expect.stringContaining('whole number') });
  });
});

describe('properties of per-page pricing', () => {
  // An independent oracle: price each page on its own and add them up.
  const pagePrice = (page: number) => (page <= 2 ? 2000 : 1000);
  const oracle = (pages: number) => {
    let sum = 0;
    for (let page = 1; page <= pages; page++) sum += pagePrice(page);
    return Math.min(sum, 200000);
  };

  test('matches page-by-page pricing with the cap, times copies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 50 }), (pages, copies) => {
        expect(certify(pages, copies)).toBe(oracle(pages) * copies);
      }),
    );
  });

  test('never decreases when pages are added', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (pages) => {
        expect(certify(pages + 1, 1)).toBeGreaterThanOrEqual(certify(pages, 1) ?? 0);
      }),
    );
  });

  test('arbitrary valid tiers: the amount equals the sum of each page priced by its tier', () => {
    const tiersArbitrary = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 50000 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((bands) => {
        let from = 1;
        return bands.map(([length, amountPerPage], index) => {
          const tier =
            index === bands.length - 1
              ? { fromPage: from, amountPerPage }
              : { fromPage: from, toPage: from + length - 1, amountPerPage };
          from += length;
          return tier;
        });
      });
    fc.assert(
      fc.property(tiersArbitrary, fc.integer({ min: 1, max: 200 }), (tiers, pages) => {
        const rule: FeeRule = { kind: 'per_page', code: 'P', name: 'P', tiers };
        let expected = 0;
        for (let page = 1; page <= pages; page++) {
          const tier = tiers.find((t) => page >= t.fromPage && (t.toPage === undefined || page <= t.toPage));
          expected += tier?.amountPerPage ?? Number.NaN;
        }
        expect(assessFees([rule], { pages, copies: 1 })[0]?.amount).toBe(expected);
      }),
    );
  });
});
