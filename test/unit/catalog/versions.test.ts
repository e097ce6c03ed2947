import { describe, expect, test } from 'vitest';
import { effectiveVersion, isEffectiveOn, versionStanding, vietnamDate } from '#catalog/domain/versions.ts';

describe('vietnamDate', () => {
  test('17:00 UTC is already the next day in Vietnam (GMT+7)', () => {
    expect(vietnamDate('2025-06-30T17:00:00Z')).toBe('2025-07-01');
    expect(vietnamDate('2025-06-30T16:59:59Z')).toBe('2025-06-30');
  });
  test('an instant written with +07:00 keeps its date', () => {
    expect(vietnamDate('2025-07-01T00:30:00+07:00')).toBe('2025-07-01');
    expect(vietnamDate(new Date('2025-12-31T23:59:59+07:00'))).toBe('2025-12-31');
  });
  test('an invalid instant is refused', () => {
    expect(() => vietnamDate('hôm nay')).toThrow(RangeError);
  });
});

describe('effective versions', () => {
  const v1 = { version: 1, status: 'published', validFrom: '2025-01-01', validTo: '2025-06-30' } as const;
  const v2 = { version: 2, status: 'published', validFrom: '2025-07-01' } as const;
  const v3 = { version: 3, status: 'draft', validFrom: '2025-07-01' } as const;
  const retired = { version: 4, status: 'retired', validFrom: '2025-07-01' } as const;

  test('validity is inclusive at both ends', () => {
    expect(isEffectiveOn(v1, '2025-01-01')).toBe(true);
    expect(isEffectiveOn(v1, '2025-06-30')).toBe(true);
    expect(isEffectiveOn(v1, '2025-07-01')).toBe(false);
    expect(isEffectiveOn(v1, '2024-12-31')).toBe(false);
    expect(isEffectiveOn(v2, '2099-01-01')).toBe(true);
  });
  test('drafts and retired versions are never in effect', () => {
    expect(isEffectiveOn(v3, '2025-08-01')).toBe(false);
    expect(isEffectiveOn(retired, '2025-08-01')).toBe(false);
  });
  test('the version in effect is chosen by date, whatever the order', () => {
    expect(effectiveVersion([v3, v2, v1, retired], '2025-03-15')).toBe(v1);
    expect(effectiveVersion([v3, v2, v1, retired], '2025-07-01')).toBe(v2);
    expect(effectiveVersion([v3, v2, v1], '2024-01-01')).toBeUndefined();
  });
  test('when published versions overlap, the highest number wins', () => {
    const overlapping = { version: 5, status: 'published', validFrom: '2025-03-01' } as const;
    expect(effectiveVersion([overlapping, v1], '2025-04-01')).toBe(overlapping);
    expect(effectiveVersion([v1, overlapping], '2025-04-01')).toBe(overlapping);
  });
});

describe('where a version stands, for the versions list', () => {
  const v1 = { version: 1, status: 'published', validFrom: '2025-01-01', validTo: '2025-06-30' } as const;
  const v2 = { version: 2, status: 'published', validFrom: '2025-07-01' } as const;
  const retired = { version: 3, status: 'retired', validFrom: '2025-09-01', validTo: '2025-09-01' } as const;
  const standings = (day: string) => {
    const inForce = effectiveVersion([v1, v2, retired], day)?.version;
    return [v1, v2, retired].map((v) => versionStanding(v, inForce, day));
  };
  test('before its first day a version is scheduled; on it, in force; the one it replaces is superseded', () => {
    expect(standings('2025-03-15')).toEqual(['in_force', 'scheduled', 'retired']);
    expect(standings('2025-07-01')).toEqual(['superseded', 'in_force', 'retired']);
  });
  test('a published version whose last day has passed, with nothing after it, is superseded, not in force', () => {
    expect(versionStanding(v1, undefined, '2025-07-01')).toBe('superseded');
  });
  test('retired by the catalog stays retired, whatever the day', () => {
    expect(versionStanding(retired, retired.version, '2025-09-01')).toBe('retired');
  });
});
