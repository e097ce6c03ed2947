import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import { assessFees, feeTotal } from '#catalog/domain/fees.ts';
import { validateFormData, validateFormSchemaDefinition } from '#catalog/domain/formSchema.ts';
import { type Agency, AgencySchema, FeeRuleSchema, type Procedure, ProcedureSchema } from '#catalog/domain/schemas.ts';
import { matchesQuery } from '#catalog/domain/search.ts';
import { readSeed } from './fixtures.ts';

const provinces = [
  { id: 'dong-nai', provinceCode: 'H19', minAgencies: 20, minProcedures: 15 },
  { id: 'lai-chau', provinceCode: 'H34', minAgencies: 5, minProcedures: 6 },
] as const;

function load(id: string): { agencies: Agency[]; procedures: Procedure[] } {
  const agencies = z.array(AgencySchema).safeParse(readSeed(id, 'agencies'));
  const procedures = z.array(ProcedureSchema).safeParse(readSeed(id, 'procedures'));
  // Show the issues themselves when a seed file breaks, not just "false".
  expect(agencies.success ? [] : agencies.error.issues).toEqual([]);
  expect(procedures.success ? [] : procedures.error.issues).toEqual([]);
  return { agencies: agencies.data ?? [], procedures: procedures.data ?? [] };
}

describe.each(provinces)('seed catalog of $id', ({ id, provinceCode, minAgencies, minProcedures }) => {
  const { agencies, procedures } = load(id);
  const byCode = new Map(agencies.map((agency) => [agency.code, agency]));

  test(`has at least ${minAgencies} agencies and ${minProcedures} procedures, codes unique`, () => {
    expect(agencies.length).toBeGreaterThanOrEqual(minAgencies);
    expect(procedures.length).toBeGreaterThanOrEqual(minProcedures);
    expect(byCode.size).toBe(agencies.length);
    expect(new Set(procedures.map((p) => `${p.code}@${p.version}`)).size).toBe(procedures.length);
  });

  test("every agency belongs to the province and the People's Committee is 000.00.00", () => {
    for (const agency of agencies) expect(agency.code.endsWith(`.${provinceCode}`)).toBe(true);
    expect(byCode.get(`000.00.00.${provinceCode}`)?.level).toBe('province');
  });

  test('every parent exists', () => {
    for (const agency of agencies) {
      if (agency.parentCode !== undefined) expect(byCode.has(agency.parentCode), agency.code).toBe(true);
    }
  });

  test("every procedure's agencies and step agencies exist, are active and sit at one of its levels", () => {
    for (const procedure of procedures) {
      for (const code of procedure.agencyCodes) {
        const agency = byCode.get(code);
        expect(agency, `${procedure.code} → ${code}`).toBeDefined();
        expect(agency?.active, `${procedure.code} → ${code}`).toBe(true);
        expect(procedure.levels, `${procedure.code} → ${code}`).toContain(agency?.level);
      }
      for (const step of procedure.steps ?? []) {
        if (step.agencyCode !== undefined) expect(byCode.has(step.agencyCode), procedure.code).toBe(true);
      }
    }
  });

  test('every fee rule is valid on its own and assesses to whole VND', () => {
    for (const procedure of procedures) {
      for (const rule of procedure.fees) expect(FeeRuleSchema.safeParse(rule).success, procedure.code).toBe(true);
      const lines = assessFees(procedure.fees, { pages: 3, copies: 2 });
      expect(lines).toHaveLength(procedure.fees.length);
      expect(Number.isSafeInteger(feeTotal(lines))).toBe(true);
    }
  });

  test('every form schema is in the supported subset, with a title on each field', () => {
    for (const procedure of procedures) {
      expect(validateFormSchemaDefinition(procedure.formSchema), procedure.code).toEqual([]);
      expect(Object.keys(procedure.formSchema.properties).length, procedure.code).toBeGreaterThan(0);
    }
  });

  test('every requirement accepts only PDF or images, at most 50 MiB', () => {
    for (const procedure of procedures) {
      for (const requirement of procedure.requirements) {
        for (const type of requirement.contentTypes)
          expect(['application/pdf', 'image/jpeg', 'image/png']).toContain(type);
        expect(requirement.maxBytes).toBeLessThanOrEqual(50 * 1024 * 1024);
      }
    }
  });

  test('the certify-a-copy procedure charges 2,000 + 2,000 + 1,000 = 5,000 for a 3-page copy, on the same day', () => {
    const certify = procedures.find((p) => p.code === '2.000815');
    expect(certify?.processingTime).toEqual({ kind: 'same_day', cutoff: '15:00' });
    expect(feeTotal(assessFees(certify?.fees ?? [], { pages: 3, copies: 1 }))).toBe(5000);
    expect(feeTotal(assessFees(certify?.fees ?? [], { pages: 250, copies: 1 }))).toBe(200000);
    // The form the applicant fills carries the quantities the fee needs.
    expect(validateFormData(certify!.formSchema, { tenGiayTo: 'Bằng tốt nghiệp', soTrang: 3, soBanSao: 1 })).toEqual(
      [],
    );
  });

  test('search finds procedures typed without diacritics', () => {
    expect(procedures.filter((p) => matchesQuery(p, 'chung thuc ban sao')).map((p) => p.code)).toEqual(['2.000815']);
    expect(procedures.some((p) => p.code === '1.001193' && matchesQuery(p, 'dang ky khai sinh'))).toBe(true);
  });
});

describe('Đồng Nai specifics', () => {
  const { agencies, procedures } = load('dong-nai');

  test('agencies span the province, (historical) district and commune levels', () => {
    const levels = new Set(agencies.map((agency) => agency.level));
    expect([...levels].sort()).toEqual(['commune', 'district', 'province']);
    expect(agencies.filter((agency) => agency.level === 'commune').length).toBeGreaterThanOrEqual(10);
    for (const district of agencies.filter((agency) => agency.level === 'district'))
      expect(district.active).toBe(false);
  });

  test('the example agency 000.00.15.H19 exists, as does the one-stop Public Administration Service Centre', () => {
    expect(agencies.find((agency) => agency.code === '000.00.15.H19')?.name.vi).toBe('Sở Tư pháp tỉnh Đồng Nai');
    const centre = agencies.find((agency) => agency.name.vi.startsWith('Trung tâm Phục vụ hành chính công'));
    expect(centre?.oneStopDesk?.address).toBeTruthy();
  });

  test('the procedures named by the brief are present', () => {
    const codes = procedures.map((procedure) => procedure.code);
    for (const code of [
      '2.000815',
      '2.000635',
      '1.001193',
      '1.001612',
      '1.009974',
      '1.001776',
      '2.000488',
      '1.000894',
    ]) {
      expect(codes).toContain(code);
    }
  });

  test('fees from the brief, worked by hand', () => {
    const total = (code: string, quantities = {}) =>
      feeTotal(assessFees(procedures.find((p) => p.code === code)?.fees ?? [], quantities));
    expect(total('2.000635', { copies: 3 })).toBe(24000);
    expect(total('1.001612')).toBe(100000);
    expect(total('1.009974')).toBe(75000);
    expect(total('1.001776')).toBe(0);
    expect(total('2.000488')).toBe(200000);
    expect(total('1.001193')).toBe(0);
  });

  test('there is an inter-agency procedure, a pay-before-reception one and a same-day one', () => {
    const interAgency = procedures.filter(
      (p) => new Set((p.steps ?? []).flatMap((step) => (step.agencyCode ? [step.agencyCode] : []))).size >= 2,
    );
    expect(interAgency.map((p) => p.code)).toContain('2.000488');
    expect(procedures.some((p) => p.payBeforeReception)).toBe(true);
    expect(procedures.some((p) => p.processingTime.kind === 'same_day')).toBe(true);
  });

  test('all three online modes and both result types occur', () => {
    expect(new Set(procedures.map((p) => p.mode))).toEqual(new Set(['full', 'partial', 'offline']));
    expect(new Set(procedures.map((p) => p.resultType))).toEqual(new Set(['electronic', 'paper']));
  });
});
