import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import {
  AgencyCodeSchema,
  AgencySchema,
  FeeRuleSchema,
  ProcedureCodeSchema,
  ProcedureSchema,
} from '#catalog/domain/schemas.ts';
import { certifyCopyFee, sampleAgency, sampleProcedure } from './fixtures.ts';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};
const pathsOf = (schema: z.ZodType, value: unknown) => issuesOf(schema, value).map((issue) => issue.path);

describe('codes', () => {
  test.each(['000.00.15.H19', '000.00.00.H19', '000.01.21.H34'])('agency code %s is valid', (code) => {
    expect(AgencyCodeSchema.safeParse(code).success).toBe(true);
  });
  test.each(['000.00.15.h19', '00.00.15.H19', '000.00.15.H1', '000-00-15-H19', ' 000.00.15.H19'])(
    'agency code %j is invalid',
    (code) => {
      expect(AgencyCodeSchema.safeParse(code).success).toBe(false);
    },
  );
  test.each(['2.000815', '1.001612', '2.000815.000.00.00.H19'])('procedure code %s is valid', (code) => {
    expect(ProcedureCodeSchema.safeParse(code).success).toBe(true);
  });
  test.each(['2.815', '2000815', '2.000815.H19', '2.000815.000.00.00.h19', 'TTHC-1'])(
    'procedure code %j is invalid',
    (code) => {
      expect(ProcedureCodeSchema.safeParse(code).success).toBe(false);
    },
  );
});

describe('AgencySchema', () => {
  test('a commune with its parent is valid', () => {
    expect(issuesOf(AgencySchema, sampleAgency())).toEqual([]);
  });
  test('an agency cannot be its own parent', () => {
    expect(pathsOf(AgencySchema, sampleAgency({ parentCode: '000.01.21.H19' }))).toEqual(['parentCode']);
  });
  test('unknown keys and levels are refused', () => {
    expect(pathsOf(AgencySchema, { ...sampleAgency(), province: 'H19' })).toEqual(['']);
    expect(pathsOf(AgencySchema, { ...sampleAgency(), level: 'ward' })).toEqual(['level']);
  });
  test('the one-stop desk e-mail must be an address', () => {
    const agency = sampleAgency({ oneStopDesk: { address: 'Số 1', email: 'not-mail' } });
    expect(pathsOf(AgencySchema, agency)).toEqual(['oneStopDesk.email']);
  });
});

describe('FeeRuleSchema', () => {
  test('the certify-a-copy rule is valid', () => {
    expect(issuesOf(FeeRuleSchema, certifyCopyFee)).toEqual([]);
  });
  test.each([
    ['fixed', { kind: 'fixed', code: 'A', name: 'A', amount: 1000 }],
    ['per_copy', { kind: 'per_copy', code: 'A', name: 'A', amountPerCopy: 8000 }],
    ['free', { kind: 'free', code: 'A', name: 'A' }],
    ['single open tier', { kind: 'per_page', code: 'A', name: 'A', tiers: [{ fromPage: 1, amountPerPage: 500 }] }],
  ])('%s is valid', (_label, rule) => {
    expect(issuesOf(FeeRuleSchema, rule)).toEqual([]);
  });
  test('amounts are whole VND', () => {
    expect(pathsOf(FeeRuleSchema, { kind: 'fixed', code: 'A', name: 'A', amount: 1000.5 })).toEqual(['amount']);
    expect(pathsOf(FeeRuleSchema, { kind: 'per_copy', code: 'A', name: 'A', amountPerCopy: -1 })).toEqual([
      'amountPerCopy',
    ]);
  });
  test('a fixed fee of 0 must be written as free', () => {
    expect(pathsOf(FeeRuleSchema, { kind: 'fixed', code: 'A', name: 'A', amount: 0 })).toEqual(['amount']);
  });
  test('an unknown kind is refused', () => {
    expect(pathsOf(FeeRuleSchema, { kind: 'percent', code: 'A', name: 'A' })).toEqual(['kind']);
  });
  const perPage = (tiers: unknown[]) => ({ kind: 'per_page', code: 'A', name: 'A', tiers });
  test('tiers must start at page 1', () => {
    expect(pathsOf(FeeRuleSchema, perPage([{ fromPage: 2, amountPerPage: 1 }]))).toEqual(['tiers.0.fromPage']);
  });
  test('tiers must not leave a gap', () => {
    const tiers = [
      { fromPage: 1, toPage: 2, amountPerPage: 2000 },
      { fromPage: 4, amountPerPage: 1000 },
    ];
    expect(pathsOf(FeeRuleSchema, perPage(tiers))).toEqual(['tiers.1.fromPage']);
  });
  test('tiers must not overlap', () => {
    const tiers = [
      { fromPage: 1, toPage: 2, amountPerPage: 2000 },
      { fromPage: 2, amountPerPage: 1000 },
    ];
    expect(pathsOf(FeeRuleSchema, perPage(tiers))).toEqual(['tiers.1.fromPage']);
  });
  test('the last tier must be open-ended, and only the last', () => {
    expect(pathsOf(FeeRuleSchema, perPage([{ fromPage: 1, toPage: 5, amountPerPage: 1 }]))).toEqual(['tiers.0.toPage']);
    const tiers = [
      { fromPage: 1, amountPerPage: 2000 },
      { fromPage: 3, amountPerPage: 1000 },
    ];
    expect(pathsOf(FeeRuleSchema, perPage(tiers))).toContain('tiers.0.toPage');
  });
  test('no tiers at all is refused', () => {
    expect(pathsOf(FeeRuleSchema, perPage([]))).toEqual(['tiers']);
  });
});

describe('ProcedureSchema', () => {
  test('the sample procedure is valid', () => {
    expect(issuesOf(ProcedureSchema, sampleProcedure())).toEqual([]);
  });

  test('a per-page fee needs required integer soTrang and soBanSao in the form', () => {
    const procedure = sampleProcedure({
      formSchema: {
        type: 'object',
        properties: {
          soTrang: { type: 'string', title: 'Số trang' },
          soBanSao: { type: 'integer', title: 'Số bản sao', minimum: 1 },
        },
        required: ['soTrang'],
        additionalProperties: false,
      },
    });
    expect(pathsOf(ProcedureSchema, procedure)).toEqual([
      'formSchema.properties.soTrang',
      'formSchema.properties.soBanSao',
    ]);
  });

  test('a quantity field must not accept 0', () => {
    const procedure = sampleProcedure({
      fees: [{ kind: 'per_copy', code: 'C', name: 'C', amountPerCopy: 8000 }],
      formSchema: {
        type: 'object',
        properties: { soBanSao: { type: 'integer', title: 'Số bản sao', minimum: 0 } },
        required: ['soBanSao'],
        additionalProperties: false,
      },
    });
    expect(pathsOf(ProcedureSchema, procedure)).toEqual(['formSchema.properties.soBanSao.minimum']);
  });

  test('fixed fees need no quantity fields', () => {
    const procedure = sampleProcedure({
      fees: [{ kind: 'fixed', code: 'F', name: 'F', amount: 100000 }],
      formSchema: { type: 'object', properties: {}, additionalProperties: false },
    });
    expect(issuesOf(ProcedureSchema, procedure)).toEqual([]);
  });

  test('validTo must not precede validFrom; the same day is allowed', () => {
    expect(pathsOf(ProcedureSchema, sampleProcedure({ validTo: '2025-06-30' }))).toEqual(['validTo']);
    expect(pathsOf(ProcedureSchema, sampleProcedure({ validTo: '2025-07-01' }))).toEqual([]);
    expect(pathsOf(ProcedureSchema, sampleProcedure({ validFrom: '2025-02-30' }))).toEqual(['validFrom']);
  });

  test('steps may not allot more days than the processing time', () => {
    const base = { processingTime: { kind: 'working_days', days: 10 } } as const;
    const steps = (days: number[]) => days.map((allottedWorkingDays) => ({ allottedWorkingDays }));
    expect(pathsOf(ProcedureSchema, sampleProcedure({ ...base, steps: steps([3, 5, 2]) }))).toEqual([]);
    expect(pathsOf(ProcedureSchema, sampleProcedure({ ...base, steps: steps([3, 5, 2.5]) }))).toEqual(['steps']);
    expect(pathsOf(ProcedureSchema, sampleProcedure({ ...base, steps: steps([0.5, 9.5]) }))).toEqual([]);
    expect(pathsOf(ProcedureSchema, sampleProcedure({ ...base, steps: steps([0.3]) }))).toEqual([
      'steps.0.allottedWorkingDays',
    ]);
  });

  test('the legal maximum is at least the processing time', () => {
    const procedure = sampleProcedure({ processingTime: { kind: 'working_days', days: 10 }, legalMaxWorkingDays: 5 });
    expect(pathsOf(ProcedureSchema, procedure)).toEqual(['legalMaxWorkingDays']);
  });

  test('codes within a procedure are unique', () => {
    const procedure = sampleProcedure({
      fees: [certifyCopyFee, { kind: 'free', code: certifyCopyFee.code, name: 'Miễn' }],
      agencyCodes: ['000.01.21.H19', '000.01.21.H19'],
    });
    expect(pathsOf(ProcedureSchema, procedure)).toEqual(['fees.1.code', 'agencyCodes.1']);
  });

  test('an unsupported form keyword is reported under formSchema', () => {
    const procedure = sampleProcedure();
    const formSchema = { ...procedure.formSchema, allOf: [] };
    expect(pathsOf(ProcedureSchema, { ...procedure, formSchema })).toEqual(['formSchema']);
  });

  test('processing time kinds', () => {
    expect(pathsOf(ProcedureSchema, sampleProcedure({ processingTime: { kind: 'none' } }))).toEqual([]);
    expect(
      pathsOf(ProcedureSchema, { ...sampleProcedure(), processingTime: { kind: 'same_day', cutoff: '25:00' } }),
    ).toEqual(['processingTime.cutoff']);
    expect(
      pathsOf(ProcedureSchema, { ...sampleProcedure(), processingTime: { kind: 'working_days', days: 0 } }),
    ).toEqual(['processingTime.days']);
  });

  test('the schemas convert to JSON Schema for the OpenAPI document, with descriptions', () => {
    const json = z.toJSONSchema(ProcedureSchema, { io: 'input' }) as {
      properties: Record<string, { description?: string }>;
    };
    expect(json.properties.code?.description).toContain('National procedure code');
    expect(json.properties.payBeforeReception?.description).toBeTruthy();
    expect(() => z.toJSONSchema(AgencySchema)).not.toThrow();
  });
});
