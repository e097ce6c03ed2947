/**
 * Dossier codes: `<agency identifier>-<YYMMDD of reception>-<sequence>`, e.g. `000.00.15.H19-261122-0001`.
 *
 * The format is the one provincial systems display; no source we have fixes the separator, so this file is
 * the single place that knows it (domain.md, "Codes"). Parsing is strict so that a code has one spelling:
 * `parseDossierCode(formatDossierCode(...))` gives back the parts and `formatDossierCode(...parts)` the code.
 */
import * as z from 'zod';

export interface DossierCodeParts {
  agencyCode: string;
  /** Local (GMT+7) reception date, `YYYY-MM-DD`. */
  receptionDate: string;
  sequence: number;
}

/** Agency identifiers (Decision 20/2020/QĐ-TTg) are dot-separated groups such as `000.00.15.H19`. */
const AGENCY_CODE = /^[0-9A-Z]+(?:\.[0-9A-Z]+)*$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SEQUENCE_DIGITS = 4;
// Sequences are printed with at least 4 digits; more digits only when needed (no leading zero then).
const DOSSIER_CODE = /^([0-9A-Z]+(?:\.[0-9A-Z]+)*)-(\d{2})(\d{2})(\d{2})-(\d{4}|[1-9]\d{4,8})$/;

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** Formats a dossier code from the agency identifier, the local reception date (`YYYY-MM-DD`) and a sequence ≥ 1. */
export function formatDossierCode(agencyCode: string, receptionLocalDate: string, sequence: number): string {
  if (!AGENCY_CODE.test(agencyCode)) throw new RangeError(`Invalid agency code: ${agencyCode}`);
  const date = LOCAL_DATE.exec(receptionLocalDate);
  if (!date) throw new RangeError(`Invalid reception date: ${receptionLocalDate}`);
  const [, yyyy, mm, dd] = date as unknown as [string, string, string, string];
  const year = Number(yyyy);
  // A two-digit year can only stand for 2000–2099.
  if (year < 2000 || year > 2099 || !isRealDate(year, Number(mm), Number(dd))) {
    throw new RangeError(`Invalid reception date: ${receptionLocalDate}`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > 999_999_999) {
    throw new RangeError(`Invalid sequence: ${sequence}`);
  }
  return `${agencyCode}-${yyyy.slice(2)}${mm}${dd}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** Splits a dossier code into its parts; `undefined` when it is not a well-formed code (use it to validate input). */
export function parseDossierCode(code: string): DossierCodeParts | undefined {
  const match = DOSSIER_CODE.exec(code);
  if (!match) return undefined;
  const [, agencyCode, yy, mm, dd, seq] = match as unknown as [string, string, string, string, string, string];
  const year = 2000 + Number(yy);
  if (!isRealDate(year, Number(mm), Number(dd))) return undefined;
  const sequence = Number(seq);
  if (sequence < 1) return undefined;
  return { agencyCode, receptionDate: `${year}-${mm}-${dd}`, sequence };
}

/** A well-formed dossier code, e.g. for path parameters. */
export const dossierCodeSchema = z
  .string()
  .max(80)
  .refine((code) => parseDossierCode(code) !== undefined, { message: 'Invalid dossier code' });
