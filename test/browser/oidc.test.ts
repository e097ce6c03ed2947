/**
 * The console's sign-in as on AWS, in a real browser: config.json says `kind: 'oidc'`, and officials sign in
 * through the stand-in OpenID Connect provider (packages/local-cloud/src/oidc-provider.ts) on its own origin,
 * which this cloud trusts as the officials' issuer (the API fetches its JWKS, platform/jwt.ts verifies).
 * Authorization code with PKCE (a wrong verifier is refused, a code is good once), an API call with the access
 * token, a refresh before expiry (the browser's clock moved forward; the token endpoint's answer awaited, no
 * sleep) and calls that keep working after it, sign-out at the provider, and a forged `state` refused. No console
 * error anywhere. The protocol's refusals that the console never provokes are checked over HTTP at the end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleHandler, ensureConsoleBuilt } from '../../packages/local-cloud/src/console.ts';
import {
  type OidcOfficial,
  type OidcProvider,
  startOidcProvider,
} from '../../packages/local-cloud/src/oidc-provider.ts';
import { registerDevRoute } from '../../packages/local-cloud/src/runtime.ts';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const ROOT = process.cwd();
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLIENT_ID = 'motcua-officials';
const DESK = '000.00.15.H19';
const OFFICER: OidcOfficial = {
  sub: 'cb-oidc-01',
  name: 'Đặng Thị Định Danh',
  roles: ['officer'],
  agencyCode: DESK,
  title: 'Chuyên viên',
};
/** Short-lived, as the task of refreshing wants: the console refreshes halfway, at 30 s. */
const ACCESS_TOKEN_SECONDS = 60;
const SESSION_KEY = 'motcua.console.session';

let provider: OidcProvider;
let cloud: TestCloud;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleUrl: string;
const consoleErrors: string[] = [];
/** Every token endpoint request the browser made, in order. */
const tokenRequests: Request[] = [];

interface StoredSession {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresAt: number;
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

async function storedSession(): Promise<StoredSession | null> {
  const raw = (await page.evaluate(`sessionStorage.getItem('${SESSION_KEY}')`)) as string | null;
  return raw ? (JSON.parse(raw) as StoredSession) : null;
}

async function tokenEndpoint(form: Record<string, string>): Promise<{ status: number; json: Record<string, string> }> {
  const res = await fetch(provider.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, string> };
}

const isQueueCall = (url: string) => url.startsWith(`${cloud.url}/agencies/${DESK}/dossiers`);

beforeAll(async () => {
  provider = await startOidcProvider({
    officials: [OFFICER, { sub: 'admin-oidc', name: 'Quản trị định danh', roles: ['admin'] }],
    accessTokenSeconds: ACCESS_TOKEN_SECONDS,
  });
  const [started] = await Promise.all([
    startTestCloud({ officialIssuer: provider.issuerConfig(CLIENT_ID) }),
    ensureConsoleBuilt(ROOT),
  ]);
  cloud = started;
  consoleUrl = `${cloud.url}/console/`;
  provider.registerClient({ clientId: CLIENT_ID, redirectUris: [consoleUrl], postLogoutRedirectUris: [consoleUrl] });
  registerDevRoute(
    '/console',
    consoleHandler(ROOT, cloud.province, {
      oidc: { issuer: provider.issuer, clientId: CLIENT_ID, scope: 'openid profile offline_access' },
    }),
  );
  await seedLocalProvince(cloud);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  // The browser's clock, so a token's refresh time can be reached without waiting for it.
  await context.clock.install();
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    if (request.url() === provider.tokenEndpoint) tokenRequests.push(request);
  });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
  await provider?.stop();
});

describe('an official signs in through the province’s OpenID Connect provider', () => {
  let signedIn: StoredSession;

  test('authorization code with PKCE: a wrong verifier is refused, the code is good once', async () => {
    let wrongVerifier: { status: number; json: Record<string, string> } | undefined;
    let exchange: URLSearchParams | undefined;
    // Before the browser's own exchange goes through, the same code with another verifier: what an attacker who
    // caught the redirect would try.
    await page.route(provider.tokenEndpoint, async (route) => {
      const form = new URLSearchParams(route.request().postData() ?? '');
      if (form.get('grant_type') === 'authorization_code' && !exchange) {
        exchange = form;
        wrongVerifier = await tokenEndpoint({
          ...Object.fromEntries(form),
          code_verifier: randomBytes(32).toString('base64url'),
        });
      }
      await route.fallback();
    });

    await page.goto(consoleUrl);
    await page.getByRole('heading', { name: 'Đăng nhập cổng cán bộ' }).waitFor();
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản công vụ của tỉnh' }).click();
    await page.waitForURL((url) => url.toString().startsWith(`${provider.issuer}/authorize`));
    const authorize = new URL(page.url());
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: consoleUrl,
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();

    await page.getByRole('heading', { name: 'Đăng nhập tài khoản công vụ' }).waitFor();
    await page.getByLabel('Cán bộ').selectOption(OFFICER.sub);
    const queueCall = page.waitForResponse((r) => isQueueCall(r.url()));
    await page.getByRole('button', { name: 'Đăng nhập' }).click();

    // The queue's first API call, with the provider's access token, answered 200.
    const response = await queueCall;
    expect(response.status()).toBe(200);
    const authorization = (await response.request().headerValue('authorization')) ?? '';
    expect(claimsOf(authorization.replace(/^Bearer /, ''))).toMatchObject({
      iss: provider.issuer,
      aud: CLIENT_ID,
      sub: OFFICER.sub,
      roles: ['officer'],
      agencyCode: DESK,
    });
    await page.getByRole('heading', { name: /Hồ sơ của cơ quan/ }).waitFor();
    await expect.poll(() => page.locator('.who-name').textContent()).toBe(OFFICER.name);
    expect(new URL(page.url()).search).toBe('');

    expect(wrongVerifier).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    // The verifier the browser sent is the one behind the challenge; replaying its code, even with it, fails.
    const verifier = exchange?.get('code_verifier') ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      authorize.searchParams.get('code_challenge'),
    );
    const replay = await tokenEndpoint(Object.fromEntries(exchange ?? []));
    expect(replay).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    await page.unroute(provider.tokenEndpoint);

    signedIn = (await storedSession())!;
    expect(signedIn.refreshToken).toBeTruthy();
    expect(tokenRequests).toHaveLength(1);
    expect(consoleErrors).toEqual([]);
  });

  test('the token is refreshed before it expires, and API calls keep working with the new one', async () => {
    const refreshed = page.waitForResponse(
      (r) =>
        r.url() === provider.tokenEndpoint && r.request().postData()?.includes('grant_type=refresh_token') === true,
    );
    const queueCall = page.waitForResponse((r) => isQueueCall(r.url()) && tokenRequests.length === 2);
    // Past the refresh time (halfway), not past expiry: the next request refreshes first.
    await context.clock.fastForward(ACCESS_TOKEN_SECONDS * 600);
    await page.getByRole('button', { name: 'Áp dụng' }).click();
    const refreshResponse = await refreshed;
    expect(refreshResponse.status()).toBe(200);
    const afterRefresh = await queueCall;
    expect(afterRefresh.status()).toBe(200);

    const current = (await storedSession())!;
    expect(current.accessToken).not.toBe(signedIn.accessToken);
    expect(current.refreshToken).not.toBe(signedIn.refreshToken);
    expect(await afterRefresh.request().headerValue('authorization')).toBe(`Bearer ${current.accessToken}`);
    // The refresh token rotated: the one used is good no more.
    const reused = await tokenEndpoint({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: signedIn.refreshToken ?? '',
    });
    expect(reused).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

    // Another call (the queue by another status): the fresh token is used as it is, no second refresh.
    const again = page.waitForResponse((r) => isQueueCall(r.url()) && r.url().includes('status=received'));
    await page.getByRole('checkbox', { name: 'Đã tiếp nhận', exact: true }).check();
    await page.getByRole('button', { name: 'Áp dụng' }).click();
    expect((await again).status()).toBe(200);
    expect(await (await again).request().headerValue('authorization')).toBe(`Bearer ${current.accessToken}`);
    expect(tokenRequests).toHaveLength(2);
    signedIn = current;
    expect(consoleErrors).toEqual([]);
  });

  test('signing out ends the session at the provider, and the console shows sign-in again', async () => {
    const logout = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/logout`));
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    const params = new URL((await logout).url()).searchParams;
    expect(params.get('post_logout_redirect_uri')).toBe(consoleUrl);
    expect(params.get('id_token_hint')).toBe(signedIn.idToken);
    await page.waitForURL(consoleUrl);
    await page.getByRole('heading', { name: 'Đăng nhập cổng cán bộ' }).waitFor();
    expect(await storedSession()).toBeNull();

    // The provider's session is over: its refresh token is refused, and signing in asks who you are again.
    const afterSignOut = await tokenEndpoint({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: signedIn.refreshToken ?? '',
    });
    expect(afterSignOut).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản công vụ của tỉnh' }).click();
    await page.getByRole('heading', { name: 'Đăng nhập tài khoản công vụ' }).waitFor();
    expect(consoleErrors).toEqual([]);
  });

  test('a callback whose state was tampered with is refused with a clear message, its code not exchanged', async () => {
    // The provider's redirect back, with its state altered on the way.
    await page.route(`${provider.issuer}/login`, async (route) => {
      const answer = await route.fetch({ maxRedirects: 0 });
      const location = new URL(answer.headers().location ?? '');
      location.searchParams.set('state', randomBytes(32).toString('base64url'));
      const cookie = answer.headers()['set-cookie'];
      await route.fulfill({
        status: 303,
        headers: { location: location.toString(), ...(cookie ? { 'set-cookie': cookie } : {}) },
      });
    });
    await page.getByLabel('Cán bộ').selectOption(OFFICER.sub);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('không khớp với yêu cầu đăng nhập mà trang này đã gửi');
    expect(new URL(page.url()).search).toBe('');
    expect(await storedSession()).toBeNull();
    expect(tokenRequests).toHaveLength(2);
    await page.unroute(`${provider.issuer}/login`);

    // Signing in again from there works (the provider still knows the official: straight back with a code).
    await page.getByRole('button', { name: 'Đăng nhập lại' }).click();
    const queueCall = page.waitForResponse((r) => isQueueCall(r.url()));
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản công vụ của tỉnh' }).click();
    expect((await queueCall).status()).toBe(200);
    await expect.poll(() => page.locator('.who-name').textContent()).toBe(OFFICER.name);
    expect(consoleErrors).toEqual([]);
  });
});

describe('the stand-in provider refuses what the protocol refuses', () => {
  const challenge = createHash('sha256').update('v'.repeat(43)).digest('base64url');
  const authorizeUrl = (overrides: Record<string, string | null>) => {
    const url = new URL(`${provider.issuer}/authorize`);
    const params: Record<string, string | null> = {
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: consoleUrl,
      scope: 'openid profile',
      state: 'st4te',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...overrides,
    };
    for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
    return url;
  };

  test('an unknown client or a redirect URI that is not exactly the registered one gets a page, no redirect', async () => {
    for (const overrides of [{ client_id: 'someone-else' }, { redirect_uri: `${consoleUrl}x` }] as Record<
      string,
      string
    >[]) {
      const res = await fetch(authorizeUrl(overrides), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  test('no PKCE, plain PKCE, no state or another response type: back to the client with the error', async () => {
    for (const [overrides, error] of [
      [{ code_challenge: null, code_challenge_method: null }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ state: null }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
    ] as const) {
      const res = await fetch(authorizeUrl(overrides), { redirect: 'manual' });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(consoleUrl);
      expect(location.searchParams.get('error')).toBe(error);
    }
  });

  test('a code expires, and a refresh token expires with the session', async () => {
    // Sign in over HTTP: the login page's form, then the redirect with the code.
    const loginPage = await fetch(authorizeUrl({}), { redirect: 'manual' });
    const requestId = /name="request" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? '';
    const login = await fetch(`${provider.issuer}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: requestId, official: OFFICER.sub }).toString(),
      redirect: 'manual',
    });
    const code = new URL(login.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchange = { grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: consoleUrl, code };
    provider.advanceClock(61);
    expect(await tokenEndpoint({ ...exchange, code_verifier: 'v'.repeat(43) })).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant' },
    });

    const again = await fetch(authorizeUrl({}), {
      redirect: 'manual',
      headers: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' },
    });
    const second = new URL(again.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const tokens = await tokenEndpoint({ ...exchange, code: second, code_verifier: 'v'.repeat(43) });
    expect(tokens.status).toBe(200);
    // The API takes the access token (GET /agencies/{code}/dossiers, an officer's route).
    const listed = await cloud.fetch(`/agencies/${DESK}/dossiers`, { token: tokens.json.access_token });
    expect(listed.status, listed.text).toBe(200);
    provider.advanceClock(8 * 3600);
    const late = await tokenEndpoint({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: tokens.json.refresh_token ?? '',
    });
    expect(late).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  });

  test('on this cloud /dev/token signs no official’s token: officials come through the provider', async () => {
    const refused = await cloud.fetch('/dev/token', {
      body: { sub: 'cb-x', roles: ['officer'], agencyCode: DESK },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });
});
