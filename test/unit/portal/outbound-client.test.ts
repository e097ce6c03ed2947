/** The national-portal account secret has one format, and the endpoints derive from the configured one. */
import { describe, expect, test } from 'vitest';
import { parsePortalAccount, portalAuthEndpoint, portalEndpoint } from '#reporting/sync/portal-client.ts';

describe('the account secret', () => {
  test('exactly {"username", "password"}', () => {
    expect(parsePortalAccount('{"username":"dongnai","password":"s3cret"}')).toEqual({
      username: 'dongnai',
      password: 's3cret',
    });
  });

  test('a bare token, a token object, missing fields or no JSON are configuration errors', () => {
    expect(() => parsePortalAccount('abc.def')).toThrow(/not JSON/);
    expect(() => parsePortalAccount('{"token":"abc"}')).toThrow(/lacks "username" or "password"/);
    expect(() => parsePortalAccount('{"username":"dongnai","password":""}')).toThrow(/lacks/);
    expect(() => parsePortalAccount(undefined)).toThrow(/not JSON/);
  });
});

describe('the endpoints', () => {
  test('login at <endpoint>/auth unless NATIONAL_PORTAL_AUTH_URL says otherwise', () => {
    const env = { NATIONAL_PORTAL_URL: 'https://api.dichvucong.gov.vn/sync/' };
    expect(portalEndpoint(env)).toBe('https://api.dichvucong.gov.vn/sync/');
    expect(portalAuthEndpoint(env)).toBe('https://api.dichvucong.gov.vn/sync/auth');
    expect(portalAuthEndpoint({ ...env, NATIONAL_PORTAL_AUTH_URL: 'https://sso.example.vn/login' })).toBe(
      'https://sso.example.vn/login',
    );
  });
});
