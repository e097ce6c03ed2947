/**
 * Bulk import and export of the catalog (agencies, procedure versions) as JSON or CSV.
 *
 * Import is all-or-nothing: every row is validated and either all items come back or only errors do, each
 * `{row, field, message}`. Row numbers are what a person sees: in CSV the line the record starts on (the
 * header is line 1, so the first data row is row 2); in JSON the 1-based position in the array. Row 0 means
 * the file as a whole (unreadable JSON, not an array, ...).
 *
 * CSV: RFC 4180 (comma-separated, `"` quoting with `""` escapes, CRLF or LF, optional UTF-8 BOM), a header
 * row naming the columns in any order; unknown or repeated columns are refused; an empty cell means "absent".
 * Columns (see `AGENCY_CSV_COLUMNS`, `PROCEDURE_CSV_COLUMNS`):
 * - agencies: code, name_vi, name_en, level, parentCode, oneStopDesk (JSON), active (true/false), note
 * - procedures: code, version (integer), status, validFrom, validTo, name_vi, name_en, field, levels (JSON),
 *   agencyCodes (JSON), mode, processingTime (JSON), legalMaxWorkingDays (integer), steps (JSON),
 *   payBeforeReception (true/false), fees (JSON), requirements (JSON), formSchema (JSON), resultType,
 *   legalBasis (JSON), note
 * Nested fields are JSON in one cell, e.g. levels `["commune"]`, processingTime `{"kind":"working_days","days":3}`.
 */
import type * as z from 'zod';
import { csvDocument, unguardFormula } from '#platform/csv.ts';
import { joinPath } from './paths.ts';
import { type Agency, AgencySchema, type Procedure, ProcedureSchema } from './schemas.ts';

export interface ImportError {
  /** Row as a person sees it (CSV: line number; JSON: position from 1); 0 = the whole file. */
  row: number;
  /** Field path (`fees.0.amount`) or, for CSV cells, the column name; '' when no field applies. */
  field: string;
  message: string;
}

export type ImportResult<T> = { ok: true; items: T[] } | { ok: false; errors: ImportError[] };

export type ImportFormat = 'json' | 'csv';

export interface ImportOptions {
  /** Defaults to JSON when the text starts with '[' and CSV otherwise. */
  format?: ImportFormat;
  /**
   * Agency codes already in the catalog. When given, every agency code an item refers to (parentCode,
   * agencyCodes, steps[].agencyCode) must be one of these or, for agencies, one imported in the same file.
   */
  knownAgencyCodes?: Iterable<string>;
}

export type CatalogKind = 'agencies' | 'procedures';

type CellKind = 'string' | 'integer' | 'boolean' | 'json';

export interface CsvColumn {
  /** Header name. */
  name: string;
  /** Where the value goes in the item. */
  path: readonly string[];
  kind: CellKind;
}

const column = (name: string, kind: CellKind, path: readonly string[] = [name]): CsvColumn => ({ name, path, kind });

export const AGENCY_CSV_COLUMNS: readonly CsvColumn[] = [
  column('code', 'string'),
  column('name_vi', 'string', ['name', 'vi']),
  column('name_en', 'string', ['name', 'en']),
  column('level', 'string'),
  column('parentCode', 'string'),
  column('oneStopDesk', 'json'),
  column('active', 'boolean'),
  column('note', 'string'),
];

export const PROCEDURE_CSV_COLUMNS: readonly CsvColumn[] = [
  column('code', 'string'),
  column('version', 'integer'),
  column('status', 'string'),
  column('validFrom', 'string'),
  column('validTo', 'string'),
  column('name_vi', 'string', ['name', 'vi']),
  column('name_en', 'string', ['name', 'en']),
  column('field', 'string'),
  column('levels', 'json'),
  column('agencyCodes', 'json'),
  column('mode', 'string'),
  column('processingTime', 'json'),
  column('legalMaxWorkingDays', 'integer'),
  column('steps', 'json'),
  column('payBeforeReception', 'boolean'),
  column('fees', 'json'),
  column('requirements', 'json'),
  column('formSchema', 'json'),
  column('resultType', 'string'),
  column('legalBasis', 'json'),
  column('note', 'string'),
];

interface Reference {
  field: string;
  code: string;
}

interface KindSpec<T> {
  schema: z.ZodType<T>;
  columns: readonly CsvColumn[];
  /** Identity within one import; two rows with the same key are a conflict. */
  key(item: T): string;
  keyField: string;
  /** Agency codes the item refers to. */
  references(item: T): Reference[];
  /** Agency codes the item itself adds to the catalog. */
  provides(item: T): string[];
}

const AGENCY_SPEC: KindSpec<Agency> = {
  schema: AgencySchema,
  columns: AGENCY_CSV_COLUMNS,
  key: (agency) => agency.code,
  keyField: 'code',
  references: (agency) => (agency.parentCode === undefined ? [] : [{ field: 'parentCode', code: agency.parentCode }]),
  provides: (agency) => [agency.code],
};

const PROCEDURE_SPEC: KindSpec<Procedure> = {
  schema: ProcedureSchema,
  columns: PROCEDURE_CSV_COLUMNS,
  key: (procedure) => `${procedure.code} version ${procedure.version}`,
  keyField: 'version',
  references: (procedure) => [
    ...procedure.agencyCodes.map((code, index) => ({ field: `agencyCodes.${index}`, code })),
    ...(procedure.steps ?? []).flatMap((step, index) =>
      step.agencyCode === undefined ? [] : [{ field: `steps.${index}.agencyCode`, code: step.agencyCode }],
    ),
  ],
  provides: () => [],
};

/** Parses and validates an agency import file. */
export function parseAgencies(text: string, options: ImportOptions = {}): ImportResult<Agency> {
  return parseWith(AGENCY_SPEC, text, options);
}

/** Parses and validates a procedure import file. */
export function parseProcedures(text: string, options: ImportOptions = {}): ImportResult<Procedure> {
  return parseWith(PROCEDURE_SPEC, text, options);
}

/** Parses and validates an import file of the given kind. */
export function parseImport(kind: 'agencies', text: string, options?: ImportOptions): ImportResult<Agency>;
export function parseImport(kind: 'procedures', text: string, options?: ImportOptions): ImportResult<Procedure>;
export function parseImport(
  kind: CatalogKind,
  text: string,
  options: ImportOptions = {},
): ImportResult<Agency> | ImportResult<Procedure> {
  return kind === 'agencies' ? parseAgencies(text, options) : parseProcedures(text, options);
}

/** Serializes items as a JSON array that `parseImport` reads back. */
export function exportJson(items: readonly (Agency | Procedure)[]): string {
  return `${JSON.stringify(items, null, 2)}\n`;
}

/** Serializes items as CSV (CRLF, header row, nested fields as JSON cells) that `parseImport` reads back. */
export function exportCsv(kind: 'agencies', items: readonly Agency[]): string;
export function exportCsv(kind: 'procedures', items: readonly Procedure[]): string;
export function exportCsv(kind: CatalogKind, items: readonly (Agency | Procedure)[]): string {
  const columns = kind === 'agencies' ? AGENCY_CSV_COLUMNS : PROCEDURE_CSV_COLUMNS;
  return csvDocument([
    columns.map((c) => c.name),
    ...items.map((item) => columns.map((c) => toCell(valueAt(item, c.path), c.kind))),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// Validation shared by both formats

interface RawRow {
  row: number;
  value: unknown;
}

function parseWith<T>(spec: KindSpec<T>, text: string, options: ImportOptions): ImportResult<T> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const format = options.format ?? (body.trimStart().startsWith('[') ? 'json' : 'csv');
  const read = format === 'json' ? readJsonRows(body) : readCsvRows(body, spec.columns);

  // Rows whose cells could not be read are left out here; their errors are already in read.errors.
  const errors: ImportError[] = [...read.errors];
  const items: { row: number; item: T }[] = [];
  for (const raw of read.rows) {
    const result = spec.schema.safeParse(raw.value);
    if (result.success) {
      items.push({ row: raw.row, item: result.data });
    } else {
      errors.push(...issueErrors(raw.row, result.error.issues, format));
    }
  }

  const firstRowOf = new Map<string, number>();
  for (const { row, item } of items) {
    const key = spec.key(item);
    const first = firstRowOf.get(key);
    if (first === undefined) firstRowOf.set(key, row);
    else errors.push({ row, field: spec.keyField, message: `duplicate of row ${first} (${key})` });
  }

  if (options.knownAgencyCodes !== undefined) {
    const available = new Set(options.knownAgencyCodes);
    for (const { item } of items) for (const code of spec.provides(item)) available.add(code);
    for (const { row, item } of items) {
      for (const reference of spec.references(item)) {
        if (!available.has(reference.code)) {
          errors.push({ row, field: reference.field, message: `unknown agency code ${reference.code}` });
        }
      }
    }
  }

  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.row - b.row) };
  return { ok: true, items: items.map(({ item }) => item) };
}

function issueErrors(row: number, issues: readonly z.core.$ZodIssue[], format: ImportFormat): ImportError[] {
  const field = (path: readonly PropertyKey[]) => {
    const joined = joinPath(path);
    // In CSV the name lives in two columns; point at the one a person would edit.
    return format === 'csv' ? joined.replace(/^name\.(vi|en)\b/, 'name_$1') : joined;
  };
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ row, field: field([...issue.path, key]), message: 'unknown field' }))
      : [{ row, field: field(issue.path), message: issue.message }],
  );
}

interface ReadResult {
  rows: RawRow[];
  errors: ImportError[];
}

function readJsonRows(text: string): ReadResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { rows: [], errors: [{ row: 0, field: '', message: `not valid JSON: ${reason}` }] };
  }
  if (!Array.isArray(parsed)) {
    return { rows: [], errors: [{ row: 0, field: '', message: 'expected a JSON array of items' }] };
  }
  return { rows: parsed.map((value, index) => ({ row: index + 1, value })), errors: [] };
}

function readCsvRows(text: string, columns: readonly CsvColumn[]): ReadResult {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { rows: [], errors: [{ row: parsed.line, field: '', message: parsed.message }] };
  const [header, ...records] = parsed.records;
  if (header === undefined) return { rows: [], errors: [{ row: 0, field: '', message: 'the file is empty' }] };

  const byName = new Map(columns.map((c) => [c.name, c]));
  const headerErrors: ImportError[] = [];
  const headerColumns: CsvColumn[] = [];
  header.cells.forEach((name, index) => {
    const known = byName.get(name);
    if (known === undefined) {
      headerErrors.push({ row: header.line, field: name, message: `unknown column (column ${index + 1})` });
    } else if (headerColumns.includes(known)) {
      headerErrors.push({ row: header.line, field: name, message: 'column repeated' });
    } else {
      headerColumns.push(known);
    }
  });
  if (headerErrors.length > 0) return { rows: [], errors: headerErrors };

  const errors: ImportError[] = [];
  const rows: RawRow[] = [];
  for (const record of records) {
    if (record.cells.every((cell) => cell === '')) continue;
    if (record.cells.length > headerColumns.length) {
      errors.push({
        row: record.line,
        field: '',
        message: `${record.cells.length} cells but the header has ${headerColumns.length} columns`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    let readable = true;
    headerColumns.forEach((c, index) => {
      // Our own export guards formula-like text with an apostrophe (#platform/csv.ts); read it back as it was.
      const cell = unguardFormula(record.cells[index] ?? '');
      if (cell === '') return;
      const converted = fromCell(cell, c.kind);
      if (converted.ok) {
        setAt(value, c.path, converted.value);
      } else {
        readable = false;
        errors.push({ row: record.line, field: c.name, message: converted.message });
      }
    });
    // A row with an unreadable cell would only add misleading schema errors ("required") on top.
    if (readable) rows.push({ row: record.line, value });
  }
  return { rows, errors };
}

// ---------------------------------------------------------------------------------------------------------
// Cells

type Converted = { ok: true; value: unknown } | { ok: false; message: string };

function fromCell(cell: string, kind: CellKind): Converted {
  switch (kind) {
    case 'string':
      return { ok: true, value: cell };
    case 'integer':
      return /^[+-]?\d+$/.test(cell.trim())
        ? { ok: true, value: Number(cell.trim()) }
        : { ok: false, message: 'must be a whole number' };
    case 'boolean': {
      const word = cell.trim().toLowerCase();
      if (word === 'true') return { ok: true, value: true };
      if (word === 'false') return { ok: true, value: false };
      return { ok: false, message: 'must be true or false' };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(cell) };
      } catch (error) {
        return { ok: false, message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
      }
  }
}

function toCell(value: unknown, kind: CellKind): string {
  if (value === undefined || value === null) return '';
  if (kind === 'json') return JSON.stringify(value);
  return String(value);
}

function valueAt(item: unknown, path: readonly string[]): unknown {
  let current: unknown = item;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (typeof next === 'object' && next !== null) {
      current = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      current[key] = created;
      current = created;
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// CSV reading

export interface CsvRecord {
  /** Line (from 1) the record starts on; a quoted cell may span several lines. */
  line: number;
  cells: string[];
}

export type CsvParseResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

/** Splits RFC 4180 CSV into records, keeping the line each one starts on. */
export function parseCsv(text: string): CsvParseResult {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let afterClosingQuote = false;
  let line = 1;
  let recordLine = 1;
  let recordHasContent = false;

  const endRecord = () => {
    cells.push(cell);
    records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    afterClosingQuote = false;
    recordHasContent = false;
  };

  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inQuotes) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          cell += '"';
          index++;
        } else {
          inQuotes = false;
          afterClosingQuote = true;
        }
      } else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === ',') {
      cells.push(cell);
      cell = '';
      afterClosingQuote = false;
      recordHasContent = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      endRecord();
      line++;
      recordLine = line;
    } else if (afterClosingQuote) {
      return { ok: false, line, message: 'unexpected text after a closing quote' };
    } else if (char === '"' && cell === '') {
      inQuotes = true;
      recordHasContent = true;
    } else {
      cell += char;
      recordHasContent = true;
    }
  }
  if (inQuotes) return { ok: false, line: recordLine, message: 'a quoted cell is never closed' };
  if (recordHasContent || cell !== '') endRecord();
  return { ok: true, records };
}
