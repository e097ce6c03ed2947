/** Page cursors (packages/platform/src/cursor.ts): what reaches DynamoDB as a start key is one of ours. */
import { describe, expect, test } from 'vitest';
import { decodePageCursor, encodePageCursor } from '#platform/cursor.ts';

const shape = { keys: ['pk', 'sk', 'gsi2pk', 'gsi2sk'], partition: { gsi2pk: 'QUEUE#000.00.15.H19' } };
const last = { pk: 'DOSSIER#A', sk: 'DOSSIER', gsi2pk: 'QUEUE#000.00.15.H19', gsi2sk: '2026-12-07#A', other: 1 };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('page cursors', () => {
  test('a cursor of ours comes back as the key it was made from, and only that', () => {
    const cursor = encodePageCursor(last, shape);
    expect(decodePageCursor(cursor, shape)).toEqual({
      pk: 'DOSSIER#A',
      sk: 'DOSSIER',
      gsi2pk: 'QUEUE#000.00.15.H19',
      gsi2sk: '2026-12-07#A',
    });
    expect(decodePageCursor(undefined, shape)).toBeUndefined();
  });

  // Every key attribute of every table is a string: a number there was DynamoDB's "invalid start key", a 500
  // (found by test/e2e/fuzz.test.ts).
  test.each([
    ['a number for a string key', { ...last, other: undefined, sk: 1e308 }],
    ['a small number', { ...last, other: undefined, gsi2sk: 7 }],
    ['another partition', { ...last, other: undefined, gsi2pk: 'QUEUE#000.00.11.H19' }],
    ['an extra key', { ...last }],
    ['an empty value', { ...last, other: undefined, pk: '' }],
  ])('%s is a 400', (_what, key) => {
    expect(() => decodePageCursor(encode(key), shape)).toThrow(
      expect.objectContaining({ status: 400, errors: [{ path: 'query.cursor', message: 'invalid cursor' }] }),
    );
  });

  // A cursor of the whole queue replayed with `dueBefore` named a start key outside the range queried:
  // DynamoDB's "starting key does not match the range key predicate", a 500 (fuzz seed 637277296).
  test('a cursor outside the sort-key range the query applies is a 400; one inside it is the key', () => {
    const cursor = encodePageCursor(last, shape);
    const before = { ...shape, sortRange: { name: 'gsi2sk', below: '2026-01-01' } };
    const between = { ...shape, sortRange: { name: 'gsi2sk', from: '2026-12-01', to: '2026-12-31' } };
    const earlier = { ...shape, sortRange: { name: 'gsi2sk', from: '2027-01-01', to: '2027-01-31' } };
    expect(() => decodePageCursor(cursor, before)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decodePageCursor(cursor, earlier)).toThrow(expect.objectContaining({ status: 400 }));
    expect(decodePageCursor(cursor, between)).toMatchObject({ gsi2sk: '2026-12-07#A' });
    expect(decodePageCursor(cursor, { ...shape, sortRange: { name: 'gsi2sk', below: '2027' } })).toMatchObject({
      gsi2sk: '2026-12-07#A',
    });
  });
});
