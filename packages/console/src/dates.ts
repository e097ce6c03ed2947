/**
 * Dates as officials write them: dd/mm/yyyy (Vietnamese usage, and the regulations' forms), whatever the browser's
 * locale — a native date input shows the locale's order (mm/dd/yyyy in an en-US browser). The console types and
 * shows dd/mm/yyyy and speaks the API's ISO date (yyyy-mm-dd). Pure: tested in test/unit/console/dates.test.ts.
 */

/** Why a typed date is refused: not dd/mm/yyyy, a day the calendar has not (31/02), or outside the bounds. */
export type DateProblem = 'format' | 'no-such-day' | 'too-early' | 'too-late';

export type ParsedDate = { ok: true; iso: string } | { ok: false; problem: DateProblem };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TYPED_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

const pad = (n: number) => String(n).padStart(2, '0');

function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one (UTC: no zone or summer-time shift).
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= lastDay;
}

/**
 * The mask applied while typing: digits and separators only ('.' and '-' read as '/'), slashes inserted after the
 * day and the month when only digits are typed (05032026 → 05/03/2026), at most 10 characters.
 */
export function maskDayMonthYear(typed: string): string {
  const cleaned = typed.replace(/[.-]/g, '/').replace(/[^\d/]/g, '');
  if (cleaned.includes('/')) return cleaned.replace(/\/{2,}/g, '/').slice(0, 10);
  const digits = cleaned.slice(0, 8);
  if (digits.length <= 2) return digits;
  if (digits.length <= 4) return `${digits.slice(0, 2)}/${digits.slice(2)}`;
  return `${digits.slice(0, 2)}/${digits.slice(2, 4)}/${digits.slice(4)}`;
}

/** A typed d/m/yyyy (one or two digits for day and month) as an ISO date, within [min, max] (ISO) if given. */
export function parseDayMonthYear(typed: string, bounds: { min?: string; max?: string } = {}): ParsedDate {
  const match = TYPED_DATE.exec(typed.trim());
  if (!match) return { ok: false, problem: 'format' };
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || !isRealDay(year, month, day)) return { ok: false, problem: 'no-such-day' };
  const iso = `${year}-${pad(month)}-${pad(day)}`;
  if (bounds.min !== undefined && iso < bounds.min) return { ok: false, problem: 'too-early' };
  if (bounds.max !== undefined && iso > bounds.max) return { ok: false, problem: 'too-late' };
  return { ok: true, iso };
}

/** An ISO date (yyyy-mm-dd) as dd/mm/yyyy; '' for '' or anything that is not one. */
export function formatDayMonthYear(iso: string | undefined): string {
  const match = iso === undefined ? null : ISO_DATE.exec(iso);
  if (!match) return '';
  return `${match[3]}/${match[2]}/${match[1]}`;
}
