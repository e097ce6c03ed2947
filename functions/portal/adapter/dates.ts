/**
 * The national portal's date format: `yyyyMMddHHmmss`, wall-clock time in GMT+7, no zone; an absent date is an
 * empty string. The GMT+7 arithmetic is the calendar package's (toLocalIso / localDateTime), not repeated here.
 */
import { localDateTime, toLocalIso } from '#calendar/index.ts';

const NATIONAL_DATE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** An instant as the portal writes it, e.g. 2026-12-04T02:05:09Z → '20261204090509'. */
export function toNationalDate(instant: Date): string {
  // toLocalIso: 'YYYY-MM-DDTHH:MM:SS[.mmm]+07:00'
  const local = toLocalIso(instant);
  return local.slice(0, 19).replace(/[-T:]/g, '');
}

/** The instant a national date names, or undefined for an empty or malformed one (or an impossible date). */
export function fromNationalDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const m = NATIONAL_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  if (Number(s) > 59) return undefined;
  let instant: Date;
  try {
    instant = new Date(localDateTime(`${y}-${mo}-${d}`, `${h}:${mi}`).getTime() + Number(s) * 1000);
  } catch (error) {
    // The calendar refuses dates and times that do not exist (2026-02-31, 24:60).
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  // Reject dates that do not exist (20260231…): formatting back must give the same text.
  return toNationalDate(instant) === value ? instant : undefined;
}
