import { describe, expect, test } from 'vitest';
import { secretCache } from '#platform/secrets.ts';

describe('the secret cache', () => {
  test('reuses a read secret within its lifetime, re-reads after it or when asked fresh', async () => {
    let clock = 0;
    const reads: string[] = [];
    let value = 'v1';
    const read = secretCache(
      async (id) => {
        reads.push(id);
        return value;
      },
      1_000,
      () => clock,
    );
    expect(await read('a')).toBe('v1');
    value = 'v2';
    clock = 999;
    expect(await read('a')).toBe('v1');
    expect(await read('a', { fresh: true })).toBe('v2');
    value = 'v3';
    clock = 2_000;
    expect(await read('a')).toBe('v3');
    expect(await read('b')).toBe('v3');
    expect(reads).toEqual(['a', 'a', 'a', 'b']);
  });

  test('a secret that does not exist is cached as not configured too', async () => {
    let reads = 0;
    const read = secretCache(async () => {
      reads++;
      return undefined;
    });
    expect(await read('missing')).toBeUndefined();
    expect(await read('missing')).toBeUndefined();
    expect(reads).toBe(1);
  });
});
