/**
 * Who a verified token makes the caller (#platform/identity.ts) and how far an official reaches
 * (#platform/agency-scope.ts), without the cloud (issue #18): an expired token is no identity even while the
 * authorizer's answer is cached; an official of another province's agency holds no role; officers reach their
 * agency, leaders it and those below it (or as the province configures), the province's admin everything.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  ACCESS_SCOPE_ENV,
  accessScopeFromEnv,
  mayOversee,
  scopeRuleOf,
  useAgencyParents,
} from '#platform/agency-scope.ts';
import { type Identity, identityFromClaims, isAgencyOfProvince, tokenExpired } from '#platform/identity.ts';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

describe('identity from claims', () => {
  const official = (claims: Record<string, unknown>) =>
    identityFromClaims({ sub: 'o-1', issuerKind: 'official', exp: inSeconds(600), ...claims });

  test('an expired exp is no identity, as a number or as the string the authorizer context carries', () => {
    expect(tokenExpired(undefined, NOW)).toBe(false);
    expect(tokenExpired(NOW / 1000 + 1, NOW)).toBe(false);
    expect(tokenExpired(NOW / 1000, NOW)).toBe(true);
    expect(tokenExpired(String(NOW / 1000 - 60), NOW)).toBe(true);
    expect(tokenExpired('not a time', NOW)).toBe(true);
    expect(official({ roles: ['officer'], agencyCode: '000.00.15.H19', exp: inSeconds(-1) })).toBeUndefined();
    expect(official({ roles: ['officer'], agencyCode: '000.00.15.H19', exp: String(inSeconds(-1)) })).toBeUndefined();
    expect(official({ roles: ['officer'], agencyCode: '000.00.15.H19' })?.roles).toEqual(['officer']);
  });

  test("an official of another province's agency holds no role here, whatever the token claims", () => {
    expect(isAgencyOfProvince('000.00.15.H19', 'H19')).toBe(true);
    expect(isAgencyOfProvince('000.00.15.H34', 'H19')).toBe(false);
    const foreign = official({ roles: ['officer', 'leader', 'admin'], agencyCode: '000.00.15.H34' });
    expect(foreign).toMatchObject({ sub: 'o-1', issuer: 'official', roles: [], agencyCode: '000.00.15.H34' });
    // Our province (H19 by default) and an admin without an agency keep their roles.
    expect(official({ roles: ['leader'], agencyCode: '000.00.00.H19' })?.roles).toEqual(['leader']);
    expect(official({ roles: ['admin'] })?.roles).toEqual(['admin']);
  });
});

describe('how far an official reaches', () => {
  afterEach(() => {
    useAgencyParents();
    delete process.env[ACCESS_SCOPE_ENV];
  });
  const tree = () =>
    useAgencyParents(
      async () =>
        new Map([
          ['000.00.00.H19', undefined],
          ['000.00.05.H19', '000.00.00.H19'],
          ['000.01.05.H19', '000.00.05.H19'],
          ['000.00.11.H19', undefined],
          ['000.02.11.H19', '000.00.11.H19'],
        ]),
    );
  const who = (roles: Identity['roles'], agencyCode?: string): Identity => ({
    sub: 'o',
    issuer: 'official',
    roles,
    ...(agencyCode ? { agencyCode } : {}),
  });

  test('officers their agency only; leaders it and every agency below it; not another branch', async () => {
    tree();
    expect(await mayOversee(who(['officer'], '000.00.05.H19'), ['000.00.05.H19'])).toBe(true);
    expect(await mayOversee(who(['officer'], '000.00.05.H19'), ['000.01.05.H19'])).toBe(false);
    expect(await mayOversee(who(['leader'], '000.00.05.H19'), ['000.01.05.H19'])).toBe(true);
    expect(await mayOversee(who(['leader'], '000.00.00.H19'), ['000.01.05.H19'])).toBe(true);
    expect(await mayOversee(who(['leader'], '000.00.00.H19'), ['000.02.11.H19'])).toBe(false);
    expect(await mayOversee(who(['leader'], '000.01.05.H19'), ['000.00.05.H19'])).toBe(false);
    expect(await mayOversee(who(['leader'], '000.00.05.H19'), [undefined, '000.00.11.H19', '000.01.05.H19'])).toBe(
      true,
    );
  });

  test("the province's admin everything; an admin of an agency like a leader; citizens and roleless nothing", async () => {
    tree();
    expect(await mayOversee(who(['admin']), ['000.02.11.H19'])).toBe(true);
    expect(await mayOversee(who(['admin']), [])).toBe(true);
    expect(await mayOversee(who(['admin'], '000.00.05.H19'), ['000.01.05.H19'])).toBe(true);
    expect(await mayOversee(who(['admin'], '000.00.05.H19'), ['000.02.11.H19'])).toBe(false);
    expect(await mayOversee(who([], '000.00.05.H19'), ['000.00.05.H19'])).toBe(false);
    const citizen: Identity = { sub: '001099012345', issuer: 'citizen', roles: ['citizen'] };
    expect(await mayOversee(citizen, ['000.00.05.H19'])).toBe(false);
    expect(await mayOversee(undefined, ['000.00.05.H19'])).toBe(false);
  });

  test('as the province configures it; a tree that cannot be read reaches no further than the own agency', async () => {
    tree();
    process.env[ACCESS_SCOPE_ENV] = JSON.stringify({ leaders: 'agency', admins: 'province' });
    expect(accessScopeFromEnv()).toEqual({ leaders: 'agency', admins: 'province' });
    expect(scopeRuleOf(who(['leader'], '000.00.05.H19'))).toBe('agency');
    expect(await mayOversee(who(['leader'], '000.00.05.H19'), ['000.01.05.H19'])).toBe(false);
    expect(await mayOversee(who(['admin'], '000.00.05.H19'), ['000.02.11.H19'])).toBe(true);
    process.env[ACCESS_SCOPE_ENV] = 'not json';
    expect(accessScopeFromEnv()).toEqual({ leaders: 'agency-and-children', admins: 'agency-and-children' });
    delete process.env[ACCESS_SCOPE_ENV];
    useAgencyParents(async () => {
      throw new Error('catalog down');
    });
    expect(await mayOversee(who(['leader'], '000.00.05.H19'), ['000.01.05.H19'])).toBe(false);
    expect(await mayOversee(who(['leader'], '000.00.05.H19'), ['000.00.05.H19'])).toBe(true);
  });
});
