/**
 * Text helpers shared by every context. Pure: no I/O.
 */

// The Combining Diacritical Marks block, what canonical decomposition (NFD) leaves of the Vietnamese tones
// (◌̀ ◌́ ◌̉ ◌̃ ◌̣) and vowel marks (ă â ê ô ơ ư), as of every accented Latin (or Greek, Cyrillic) letter. Marks
// outside the block (other scripts' vowel signs, …) are kept.
const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * Vietnamese without its diacritics, case kept: `Đường Nguyễn Huệ` → `Duong Nguyen Hue`. `đ`/`Đ` are letters of
 * their own in Unicode, not a `d` with a combining mark, so they are mapped to `d`/`D` explicitly. The one rule
 * for folding accents; what a caller does next (lower-casing, keeping only ASCII, …) stays with the caller.
 * The result is left decomposed (NFD): whatever keeps a mark (other scripts) is recomposed by `.normalize('NFC')`
 * if the caller keeps it for display.
 */
export function stripVietnameseMarks(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}
