/**
 * Accent- and case-insensitive procedure search. People type Vietnamese without diacritics ("chung thuc"), so
 * both the stored text and the query are folded to plain lower-case ASCII letters before matching.
 */
import { stripVietnameseMarks } from '#platform/text.ts';
import type { Procedure } from './schemas.ts';

const WHITESPACE = /\s+/g;

/** Lower-cases, strips Vietnamese diacritics (đ → d), collapses whitespace and trims. */
export function normalizeForSearch(text: string): string {
  return stripVietnameseMarks(text).toLowerCase().replace(WHITESPACE, ' ').trim();
}

/** The procedure fields searched by `matchesQuery`. */
export type SearchableProcedure = Pick<Procedure, 'code' | 'name' | 'field'>;

/** The normalized text a store keeps beside a procedure to match queries against: code, names and field. */
export function searchTokens(procedure: SearchableProcedure): string {
  const parts = [procedure.code, procedure.name.vi, procedure.name.en ?? '', procedure.field];
  return normalizeForSearch(parts.join(' '));
}

/**
 * True when every word of the query occurs in the procedure's code, names or field, ignoring case and
 * diacritics, in any order. An empty query matches everything.
 */
export function matchesQuery(procedure: SearchableProcedure, query: string): boolean {
  return matchesTokens(searchTokens(procedure), query);
}

/** `matchesQuery` against tokens already stored (from `searchTokens`). */
export function matchesTokens(tokens: string, query: string): boolean {
  const words = normalizeForSearch(query)
    .split(' ')
    .filter((word) => word !== '');
  return words.every((word) => tokens.includes(word));
}
