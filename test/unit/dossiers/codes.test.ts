import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dossierCodeSchema, formatDossierCode, parseDossierCode } from '#dossiers/domain/codes.ts';

describe('formatDossierCode', () => {
  test('agency, YYMMDD of reception and a 4-digit sequence', () => {
    expect(formatDossierCode('000.00.15.H19', '2026-11-22', 1)).toBe('000.00.15.H19-261122-0001');
    expect(formatDossierCode('000.00.00.H30', '2025-01-05', 987)).toBe('000.00.00.H30-250105-0987');
  });

  test('more digits only when the sequence needs them', () => {
    expect(formatDossierCode('000.00.15.H19', '2026-11-22', 9999)).toBe('000.00.15.H19-261122-9999');
    expect(formatDossierCode('000.00.15.H19', '2026-11-22', 12345)).toBe('000.00.15.H19-261122-12345');
  });

  test.each([
    ['000.00.15.h19', '2026-11-22', 1],
    ['000.00.15.H19-', '2026-11-22', 1],
    ['', '2026-11-22', 1],
    ['000.00.15.H19', '2026-02-29', 1],
    ['000.00.15.H19', '2026-13-01', 1],
    ['000.00.15.H19', '1999-12-31', 1],
    ['000.00.15.H19', '26-11-22', 1],
    ['000.00.15.H19', '2026-11-22', 0],
    ['000.00.15.H19', '2026-11-22', 1.5],
  ])('refuses %s, %s, %s', (agency, date, sequence) => {
    expect(() => formatDossierCode(agency, date, sequence)).toThrow(RangeError);
  });
});

describe('parseDossierCode', () => {
  test('splits a code into its parts', () => {
    expect(parseDossierCode('000.00.15.H19-261122-0001')).toEqual({
      agencyCode: '000.00.15.H19',
      receptionDate: '2026-11-22',
      sequence: 1,
    });
    expect(parseDossierCode('000.00.15.H19-240229-12345')).toEqual({
      agencyCode: '000.00.15.H19',
      receptionDate: '2024-02-29',
      sequence: 12345,
    });
  });

  test.each([
    '000.00.15.H19-260229-0001', // 2026 is not a leap year
    '000.00.15.H19-261322-0001', // month 13
    '000.00.15.H19-261100-0001', // day 0
    '000.00.15.H19-261122-001', // too few digits
    '000.00.15.H19-261122-00012', // padded beyond 4 digits: not how it is written
    '000.00.15.H19-261122-0000', // sequences start at 1
    '000.00.15.h19-261122-0001',
    '000.00.15.H19/261122/0001',
    '000.00.15.H19-261122-0001 ',
    '-261122-0001',
    '',
  ])('rejects %j', (code) => {
    expect(parseDossierCode(code)).toBeUndefined();
    expect(dossierCodeSchema.safeParse(code).success).toBe(false);
  });

  test('the schema accepts a well-formed code', () => {
    expect(dossierCodeSchema.parse('000.00.15.H19-261122-0001')).toBe('000.00.15.H19-261122-0001');
  });

  test('parse ∘ format is the identity, and format ∘ parse gives the code back', () => {
    const agency = fc
      .array(fc.stringMatching(/^[0-9A-Z]{1,4}$/), { minLength: 1, maxLength: 5 })
      .map((groups) => groups.join('.'));
    const date = fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const sequence = fc.integer({ min: 1, max: 999_999_999 });
    fc.assert(
      fc.property(agency, date, sequence, (a, d, s) => {
        const code = formatDossierCode(a, d, s);
        expect(parseDossierCode(code)).toEqual({ agencyCode: a, receptionDate: d, sequence: s });
        expect(formatDossierCode(a, d, s)).toBe(code);
      }),
    );
  });
});
