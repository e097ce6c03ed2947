/**
 * Writing CSV, in one place for every export (reports, the desk's tracking book, the catalog): RFC 4180 quoting,
 * CRLF line ends, and a leading apostrophe on text a spreadsheet would run as a formula (CSV injection: an
 * applicant named `=HYPERLINK(...)` must stay text when an official opens the file in Excel). Readers of our own
 * exports (the catalog import) undo that guard with `unguardFormula`, so an export reads back unchanged.
 */

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
/** Text that reads as guarded: apostrophes before a formula start. Text already like that is guarded again, so
 * unguarding takes exactly one apostrophe off and `'-1` survives a round trip as `'-1`, not as `-1`. */
const GUARDED = /^'+[=+\-@\t\r]/;

/** One cell: numbers as they are, text guarded against formulas and quoted when it must be. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) || GUARDED.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows to a CSV document; `bom` prefixes a UTF-8 byte order mark so Excel reads Vietnamese correctly. */
export function csvDocument(rows: readonly (readonly CsvValue[])[], options: { bom?: boolean } = {}): string {
  const body = rows.map((row) => row.map(csvCell).join(',')).join('\r\n');
  return `${options.bom ? '\uFEFF' : ''}${body}\r\n`;
}

/** The cell's text as it was before `csvCell` guarded it (for reading our own exports back). */
export function unguardFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}
