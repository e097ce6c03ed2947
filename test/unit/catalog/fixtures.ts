import { readFileSync } from 'node:fs';
import type { Agency, FeeRule, Procedure } from '#catalog/domain/schemas.ts';

/** Certification of copies (Circular 226/2016/TT-BTC): 2,000/page for pages 1–2, 1,000 from page 3, cap 200,000. */
export const certifyCopyFee: FeeRule = {
  kind: 'per_page',
  code: 'PHI_CHUNG_THUC',
  name: 'Phí chứng thực bản sao',
  tiers: [
    { fromPage: 1, toPage: 2, amountPerPage: 2000 },
    { fromPage: 3, amountPerPage: 1000 },
  ],
  capPerCopy: 200000,
};

/** A small valid procedure to vary in tests. */
export function sampleProcedure(overrides: Partial<Procedure> = {}): Procedure {
  return {
    code: '2.000815',
    version: 1,
    status: 'published',
    validFrom: '2025-07-01',
    name: { vi: 'Chứng thực bản sao từ bản chính', en: 'Certifying copies from originals' },
    field: 'Chứng thực',
    levels: ['commune'],
    agencyCodes: ['000.01.21.H19'],
    mode: 'partial',
    processingTime: { kind: 'same_day', cutoff: '15:00' },
    payBeforeReception: true,
    fees: [certifyCopyFee],
    requirements: [
      {
        code: 'BAN_SAO',
        name: { vi: 'Bản sao cần chứng thực' },
        required: true,
        contentTypes: ['application/pdf', 'image/jpeg'],
        maxBytes: 10485760,
      },
    ],
    formSchema: {
      type: 'object',
      properties: {
        tenGiayTo: { type: 'string', title: 'Tên giấy tờ', minLength: 1 },
        soTrang: { type: 'integer', title: 'Số trang', minimum: 1 },
        soBanSao: { type: 'integer', title: 'Số bản sao', minimum: 1 },
      },
      required: ['tenGiayTo', 'soTrang', 'soBanSao'],
      additionalProperties: false,
    },
    resultType: 'paper',
    ...overrides,
  };
}

export function sampleAgency(overrides: Partial<Agency> = {}): Agency {
  return {
    code: '000.01.21.H19',
    name: { vi: 'Ủy ban nhân dân phường Trấn Biên', en: "People's Committee of Trấn Biên Ward" },
    level: 'commune',
    parentCode: '000.00.00.H19',
    active: true,
    ...overrides,
  };
}

const seedDir = new URL('../../../config/seed/', import.meta.url);

/** Reads a seed file as raw JSON (validation is the tests' business). */
export function readSeed(province: string, file: 'agencies' | 'procedures'): unknown {
  return JSON.parse(readFileSync(new URL(`${province}/${file}.json`, seedDir), 'utf8'));
}
