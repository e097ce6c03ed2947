/**
 * Pagination cursors, the one rule for every list: a cursor is opaque to clients (base64url JSON of the last
 * key read) and is validated against the list it pages through before it reaches DynamoDB. A cursor must
 * name exactly the key attributes of that table or index, each a bounded string (every key attribute of every
 * table and index is a string: infra/stacks/context-stack.ts; a number is DynamoDB's 500), and carry the
 * very partition being queried; anything else — tampered, truncated, from another list or another caller's
 * partition — is a 400, never DynamoDB's "invalid start key" as a 500, and never a way into another
 * partition. Validation, not a signature: a cursor can only move the start within the caller's own partition,
 * which a client can do anyway by paging (docs/decisions/0012-hardening.md).
 */
import { ValidationError } from './errors.ts';

/** What a list's cursor must look like: its key attributes, and the partition values the query fixes. */
export interface CursorShape {
  /** Every key attribute of the table (pk, sk) and of the index queried, e.g. ['pk', 'sk', 'gsi1pk', 'gsi1sk']. */
  keys: readonly string[];
  /** Attributes whose value the query fixes (the partition key), e.g. { gsi1pk: 'OWNER#001099012345' }. */
  partition: Readonly<Record<string, string>>;
  /**
   * The sort-key condition the query applies, if any: a start key outside it is DynamoDB's "starting key does
   * not match the range key predicate" (a 500), e.g. a cursor of the unfiltered queue replayed with `dueBefore`.
   */
  sortRange?: { name: string; below?: string; from?: string; to?: string };
}

const MAX_VALUE_CHARS = 1024;
const MAX_CURSOR_CHARS = 4096;

export const invalidCursor = (): ValidationError =>
  new ValidationError([{ path: 'query.cursor', message: 'invalid cursor' }], {
    vi: 'Con trỏ trang (cursor) không hợp lệ: hãy dùng nguyên giá trị nextCursor của trang trước.',
    en: 'The page cursor is invalid: pass the previous page’s nextCursor unchanged.',
  });

/** The cursor of the page after `lastKey`, holding only the shape's key attributes. */
export function encodePageCursor(lastKey: Record<string, unknown> | undefined, shape: CursorShape): string | undefined {
  if (!lastKey) return undefined;
  const key: Record<string, unknown> = {};
  for (const name of shape.keys) key[name] = lastKey[name];
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The ExclusiveStartKey for `cursor`, or undefined for the first page; throws a 400 for anything else. */
export function decodePageCursor(cursor: string | undefined, shape: CursorShape): Record<string, string> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidCursor();
  const key = value as Record<string, unknown>;
  const names = Object.keys(key);
  if (names.length !== shape.keys.length || !shape.keys.every((name) => Object.hasOwn(key, name))) {
    throw invalidCursor();
  }
  for (const name of names) {
    const v = key[name];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_VALUE_CHARS) throw invalidCursor();
  }
  for (const [name, expected] of Object.entries(shape.partition)) {
    if (key[name] !== expected) throw invalidCursor();
  }
  const range = shape.sortRange;
  if (range) {
    const sort = key[range.name] as string | undefined;
    if (sort === undefined) throw invalidCursor();
    if (range.below !== undefined && !(sort < range.below)) throw invalidCursor();
    if (range.from !== undefined && sort < range.from) throw invalidCursor();
    if (range.to !== undefined && sort > range.to) throw invalidCursor();
  }
  return key as Record<string, string>;
}
