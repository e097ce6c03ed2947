import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import {
  exportCsv,
  exportJson,
  parseAgencies,
  parseCsv,
  parseImport,
  parseProcedures,
} from '#catalog/domain/importExport.ts';
import { AgencySchema, ProcedureSchema } from '#catalog/domain/schemas.ts';
import { readSeed, sampleAgency, sampleProcedure } from './fixtures.ts';

const AGENCY_HEADER = 'code,name_vi,name_en,level,parentCode,oneStopDesk,active,note';

describe('JSON import', () => {
  test('valid items come back parsed', () => {
    const items = [sampleProcedure(), sampleProcedure({ code: '2.000635', name: { vi: 'Cấp bản sao trích lục' } })];
    expect(parseProcedures(JSON.stringify(items))).toEqual({ ok: true, items });
  });

  test('a bad row names its position and field, and nothing is returned', () => {
    const bad = {
      ...sampleProcedure({ code: '1.001612' }),
      fees: [{ kind: 'fixed', code: 'F', name: 'F', amount: '100000' }],
    };
    const result = parseProcedures(JSON.stringify([sampleProcedure(), bad, sampleProcedure({ code: '1.000894' })]));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('items');
    if (result.ok) return;
    expect(result.errors).toEqual([{ row: 2, field: 'fees.0.amount', message: expect.any(String) }]);
  });

  test('an unknown field is named', () => {
    const result = parseAgencies(JSON.stringify([{ ...sampleAgency(), tinh: 'Đồng Nai' }]));
    expect(result).toEqual({ ok: false, errors: [{ row: 1, field: 'tinh', message: 'unknown field' }] });
  });

  test('unreadable JSON and non-arrays are whole-file errors (row 0)', () => {
    const broken = parseAgencies('[{"code": ');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors[0]).toMatchObject({ row: 0, field: '' });
    expect(parseAgencies('{"code":"x"}', { format: 'json' })).toEqual({
      ok: false,
      errors: [{ row: 0, field: '', message: 'expected a JSON array of items' }],
    });
  });

  test('duplicates are refused on the later row', () => {
    const result = parseAgencies(JSON.stringify([sampleAgency(), sampleAgency({ level: 'district' })]));
    expect(result).toEqual({
      ok: false,
      errors: [{ row: 2, field: 'code', message: 'duplicate of row 1 (000.01.21.H19)' }],
    });
  });

  test('two versions of one procedure are not duplicates; the same version twice is', () => {
    const v1 = sampleProcedure();
    const v2 = sampleProcedure({ version: 2, status: 'draft' });
    expect(parseProcedures(JSON.stringify([v1, v2])).ok).toBe(true);
    const result = parseProcedures(JSON.stringify([v1, v2, v1]));
    expect(result).toEqual({
      ok: false,
      errors: [{ row: 3, field: 'version', message: 'duplicate of row 1 (2.000815 version 1)' }],
    });
  });

  test('with known agency codes, references must resolve (parents may come in the same file)', () => {
    const known = ['000.00.00.H19'];
    const ward = sampleAgency();
    const police = sampleAgency({ code: '000.02.11.H19', parentCode: '000.00.11.H19', name: { vi: 'Công an phường' } });
    const provincePolice = sampleAgency({
      code: '000.00.11.H19',
      parentCode: undefined,
      level: 'province',
      name: { vi: 'Công an tỉnh' },
    });
    expect(parseAgencies(JSON.stringify([ward, police, provincePolice]), { knownAgencyCodes: known }).ok).toBe(true);
    expect(parseAgencies(JSON.stringify([ward, police]), { knownAgencyCodes: known })).toEqual({
      ok: false,
      errors: [{ row: 2, field: 'parentCode', message: 'unknown agency code 000.00.11.H19' }],
    });
    const procedure = sampleProcedure({
      agencyCodes: ['000.01.21.H19', '000.09.21.H19'],
      processingTime: { kind: 'working_days', days: 5 },
      steps: [{ agencyCode: '000.00.77.H19', allottedWorkingDays: 5 }],
    });
    expect(parseProcedures(JSON.stringify([procedure]), { knownAgencyCodes: ['000.01.21.H19'] })).toEqual({
      ok: false,
      errors: [
        { row: 1, field: 'agencyCodes.1', message: 'unknown agency code 000.09.21.H19' },
        { row: 1, field: 'steps.0.agencyCode', message: 'unknown agency code 000.00.77.H19' },
      ],
    });
  });
});

describe('CSV import', () => {
  test('a valid file is read, empty cells are absent, booleans and JSON cells converted', () => {
    const csv = [
      AGENCY_HEADER,
      '000.00.00.H19,Ủy ban nhân dân tỉnh Đồng Nai,,province,,,true,',
      '000.00.01.H19,Trung tâm Phục vụ hành chính công,Service Centre,province,000.00.00.H19,"{""address"":""Số 236, Phạm Văn Thuận""}",TRUE,ghi chú',
    ].join('\n');
    expect(parseAgencies(csv)).toEqual({
      ok: true,
      items: [
        { code: '000.00.00.H19', name: { vi: 'Ủy ban nhân dân tỉnh Đồng Nai' }, level: 'province', active: true },
        {
          code: '000.00.01.H19',
          name: { vi: 'Trung tâm Phục vụ hành chính công', en: 'Service Centre' },
          level: 'province',
          parentCode: '000.00.00.H19',
          oneStopDesk: { address: 'Số 236, Phạm Văn Thuận' },
          active: true,
          note: 'ghi chú',
        },
      ],
    });
  });

  test('a bad row is named by its line (first data row = line 2) and field; nothing is returned', () => {
    const csv = [
      AGENCY_HEADER,
      '000.00.00.H19,UBND tỉnh,,province,,,true,',
      '000.01.21.H19,UBND phường Trấn Biên,,ward,000.00.00.H19,,true,',
      '000.02.21.H19,UBND phường Biên Hòa,,commune,000.00.00.H19,,true,',
    ].join('\r\n');
    const result = parseAgencies(csv);
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('items');
    if (!result.ok) expect(result.errors).toEqual([{ row: 3, field: 'level', message: expect.any(String) }]);
  });

  test('cells that cannot be read are named by column', () => {
    const csv = [
      AGENCY_HEADER,
      '000.00.00.H19,UBND tỉnh,,province,,,yes,',
      '000.00.01.H19,Trung tâm,,province,,{not json},true,',
    ].join('\n');
    const result = parseAgencies(csv);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map(({ row, field }) => ({ row, field }))).toEqual([
        { row: 2, field: 'active' },
        { row: 3, field: 'oneStopDesk' },
      ]);
    }
  });

  test('a missing Vietnamese name points at the name_vi column', () => {
    const result = parseAgencies([AGENCY_HEADER, '000.00.00.H19,,Province,province,,,true,'].join('\n'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.field)).toEqual(['name_vi']);
  });

  test('an integer column refuses text', () => {
    const item = sampleProcedure();
    const csv = exportCsv('procedures', [item]).replace(',1,published,', ',một,published,');
    const result = parseProcedures(csv);
    expect(result).toEqual({ ok: false, errors: [{ row: 2, field: 'version', message: 'must be a whole number' }] });
  });

  test('unknown and repeated columns are refused on line 1', () => {
    expect(parseAgencies('code,ten,level\n000.00.00.H19,UBND,province')).toEqual({
      ok: false,
      errors: [{ row: 1, field: 'ten', message: 'unknown column (column 2)' }],
    });
    expect(parseAgencies('code,code\n1,2')).toEqual({
      ok: false,
      errors: [{ row: 1, field: 'code', message: 'column repeated' }],
    });
  });

  test('rows are numbered by the line they start on, even after a multi-line cell; blank lines are skipped', () => {
    const csv = [
      AGENCY_HEADER,
      '000.00.00.H19,UBND tỉnh,,province,,,true,"dòng 1',
      'dòng 2"',
      '',
      '000.00.01.H19,Trung tâm,,township,,,true,',
    ].join('\n');
    const result = parseAgencies(csv);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ row: 5, field: 'level', message: expect.any(String) }]);
  });

  test('columns may come in any order and be left out', () => {
    const result = parseAgencies('level,active,code,name_vi\r\ncommune,false,000.01.21.H19,UBND phường\r\n');
    expect(result).toEqual({
      ok: true,
      items: [{ code: '000.01.21.H19', name: { vi: 'UBND phường' }, level: 'commune', active: false }],
    });
  });

  test('a row with more cells than the header is refused', () => {
    expect(parseAgencies('code,level\n000.00.00.H19,province,extra')).toEqual({
      ok: false,
      errors: [{ row: 2, field: '', message: '3 cells but the header has 2 columns' }],
    });
  });

  test('an empty file is an error; a header alone is an empty import', () => {
    expect(parseAgencies('').ok).toBe(false);
    expect(parseAgencies(`${AGENCY_HEADER}\n`)).toEqual({ ok: true, items: [] });
  });
});

describe('parseCsv', () => {
  test('quotes, escaped quotes, commas and newlines inside cells, CRLF', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n"f\ng",h\r\n')).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['a', 'b,c', 'd "e"'] },
        { line: 2, cells: ['f\ng', 'h'] },
      ],
    });
  });
  test('the last record needs no newline; empty cells are kept', () => {
    expect(parseCsv('a,,\nb')).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['a', '', ''] },
        { line: 2, cells: ['b'] },
      ],
    });
  });
  test('an unterminated quote is reported at the line its record starts on', () => {
    expect(parseCsv('a\n"b\nc')).toEqual({ ok: false, line: 2, message: 'a quoted cell is never closed' });
  });
  test('text after a closing quote is an error', () => {
    expect(parseCsv('"a"b,c')).toMatchObject({ ok: false, line: 1 });
  });
  test('a UTF-8 BOM before the header is ignored by the importer', () => {
    expect(parseAgencies(`\uFEFF${AGENCY_HEADER}\n000.00.00.H19,UBND tỉnh,,province,,,true,`).ok).toBe(true);
  });
});

describe('round trips', () => {
  const seedAgencies = z.array(AgencySchema).parse(readSeed('dong-nai', 'agencies'));
  const seedProcedures = z.array(ProcedureSchema).parse(readSeed('dong-nai', 'procedures'));

  test('seed procedures survive CSV export and import unchanged', () => {
    expect(parseImport('procedures', exportCsv('procedures', seedProcedures))).toEqual({
      ok: true,
      items: seedProcedures,
    });
  });
  test('seed agencies survive CSV export and import unchanged', () => {
    expect(parseImport('agencies', exportCsv('agencies', seedAgencies))).toEqual({ ok: true, items: seedAgencies });
  });
  test('JSON export and import are inverse', () => {
    expect(parseImport('procedures', exportJson(seedProcedures))).toEqual({ ok: true, items: seedProcedures });
    expect(parseImport('agencies', exportJson(seedAgencies))).toEqual({ ok: true, items: seedAgencies });
  });
  test('the CSV has a header and one line per item when no cell spans lines', () => {
    const csv = exportCsv('agencies', [sampleAgency()]);
    expect(csv).toBe(
      `${AGENCY_HEADER}\r\n000.01.21.H19,Ủy ban nhân dân phường Trấn Biên,People's Committee of Trấn Biên Ward,commune,000.00.00.H19,,true,\r\n`,
    );
  });
  test('any text in names and notes survives CSV (commas, quotes, newlines, Vietnamese)', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(text, fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), (vi, en, note) => {
        const agency = sampleAgency({ name: en === undefined ? { vi } : { vi, en }, note });
        if (note === undefined) delete agency.note;
        expect(parseAgencies(exportCsv('agencies', [agency]))).toEqual({ ok: true, items: [agency] });
      }),
    );
  });
});
