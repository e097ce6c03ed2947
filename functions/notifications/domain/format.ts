/**
 * Formatting for notification text: money, dates in Vietnam time, HTML escaping and the unaccented form
 * Vietnamese SMS are sent in. Written by hand rather than with `Intl` so that the output does not depend on
 * the ICU data a runtime ships (`vi-VN` currency output differs between Node builds: NBSP vs space).
 */

import { toLocalIso } from '#calendar/time.ts';
import { stripVietnameseMarks } from '#platform/text.ts';

export type Language = 'vi' | 'en';

function groupThousands(value: number, separator: string): string {
  const digits = String(Math.abs(value));
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += separator;
    grouped += digits[i];
  }
  return value < 0 ? `-${grouped}` : grouped;
}

/** Whole VND as the recipient reads it: `100.000 ₫` in Vietnamese, `100,000 VND` in English. */
export function formatVnd(amount: number, language: Language): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`VND amounts are whole numbers, got ${amount}`);
  return language === 'vi' ? `${groupThousands(amount, '.')} ₫` : `${groupThousands(amount, ',')} VND`;
}

/**
 * A moment as `dd/MM/yyyy HH:mm` on the Vietnam clock. English readers may be abroad, so English output names
 * the zone: `dd/MM/yyyy HH:mm (GMT+7)`.
 */
export function formatDateTime(at: string | Date, language: Language): string {
  const instant = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not a date: ${String(at)}`);
  const local = toLocalIso(instant); // YYYY-MM-DDTHH:MM:SS+07:00
  const text = `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
  return language === 'vi' ? text : `${text} (GMT+7)`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Strips Vietnamese (and other Latin) diacritics: `Hồ sơ được trả` → `Ho so duoc tra` (`stripVietnameseMarks`),
 * recomposing whatever else the text holds.
 */
export function unaccent(text: string): string {
  return stripVietnameseMarks(text).normalize('NFC');
}

// GSM 03.38 basic character set; the extension table (`{ } [ ] ~ \ | ^ €`) costs two septets, so it is left
// out: a text built only from these characters is exactly one septet per character.
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_SET = new Set(GSM7_BASIC);

/** True when every character is in the GSM-7 basic set, so a 160-character text fits one SMS segment. */
export function isGsm7(text: string): boolean {
  for (const c of text) if (!GSM7_SET.has(c)) return false;
  return true;
}

/** Replacements for characters our templates and values produce that GSM-7 lacks. */
const GSM7_SUBSTITUTES: Record<string, string> = {
  '₫': 'VND',
  '–': '-',
  '—': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '\u00a0': ' ',
};

/**
 * The form an SMS is sent in: unaccented, with the few non-GSM-7 symbols replaced, because one accented
 * character switches the whole message to UCS-2 and a segment shrinks from 160 to 70 characters.
 */
export function toSmsText(text: string): string {
  return unaccent(text).replace(/[₫–—‘’“”…\u00a0]/g, (c) => GSM7_SUBSTITUTES[c] ?? c);
}

/** Shortens free text (a reason) for an SMS; the full text goes out by email and Zalo. */
export function truncate(text: string, maxLength: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= maxLength) return oneLine;
  return `${oneLine.slice(0, Math.max(0, maxLength - 3)).trimEnd()}...`;
}
