/**
 * The Zalo OA token refresh against stand-ins over real HTTP: Zalo's OAuth v4 endpoint (form-encoded refresh
 * request, the app's secret key in the `secret_key` header, single-use refresh tokens, Zalo's error answers) and
 * Secrets Manager (the AWS JSON protocol of GetSecretValue and PutSecretValue, reached by the real SDK client the
 * function uses; the local cloud has no Secrets Manager). What is asserted is what the next ZNS send reads (the
 * secret's current value, `accessToken`: functions/notifications/settings.ts) and what the alarm counts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { refreshZaloOaTokens } from '#notifications/channels/zalo-oauth.ts';
import { REFRESH_MARGIN_MS, refreshZaloTokenIfDue } from '#notifications/use-cases/zalo-token.ts';
import { zaloSecretStore } from '#notifications/zalo-secret.ts';
import { logger } from '#platform/observability.ts';

const APP_ID = '1900000000000000019';
const SECRET_KEY = 'app-secret-key';
const SECRET_NAME = 'motcua/dong-nai/zalo';
const NOW = new Date('2026-12-07T02:00:00Z');
const HOUR = 3_600_000;

const body = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Zalo's OAuth: each refresh token works once and yields the next; `refuseNext` plays an outage of the endpoint. */
const zalo = {
  validRefreshTokens: new Set<string>(),
  issued: 0,
  requests: [] as { headers: IncomingMessage['headers']; form: URLSearchParams }[],
  refuseNext: undefined as undefined | { status: number },
  server: createServer(async (req, res) => {
    const form = new URLSearchParams(await body(req));
    zalo.requests.push({ headers: req.headers, form });
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (zalo.refuseNext) {
      const { status } = zalo.refuseNext;
      zalo.refuseNext = undefined;
      return reply(status, { message: 'unavailable' });
    }
    if (req.url !== '/v4/oa/access_token' || req.method !== 'POST') return reply(404, {});
    if (form.get('app_id') !== APP_ID || req.headers.secret_key !== SECRET_KEY)
      return reply(200, { error: -14002, error_name: 'Invalid app', error_description: 'app_id or secret_key' });
    const token = form.get('refresh_token') ?? '';
    if (form.get('grant_type') !== 'refresh_token' || !zalo.validRefreshTokens.delete(token))
      return reply(200, { error: -14014, error_name: 'Invalid refresh token', error_description: 'used or expired' });
    zalo.issued++;
    const next = `refresh-${zalo.issued}`;
    zalo.validRefreshTokens.add(next);
    return reply(200, { access_token: `access-${zalo.issued}`, refresh_token: next, expires_in: '90000' });
  }),
};

/** Secrets Manager's JSON 1.1 protocol, for one secret's versions (AWSCURRENT is the last written). */
const secrets = {
  versions: [] as string[],
  failPuts: 0,
  server: createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const input = JSON.parse((await body(req)) || '{}') as { SecretId?: string; SecretString?: string };
    const reply = (status: number, json: unknown, type?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(type ? { 'x-amzn-errortype': type } : {}),
      });
      res.end(JSON.stringify(type ? { __type: type, message: `${type} for ${input.SecretId}` } : json));
    };
    const arn = `arn:aws:secretsmanager:ap-southeast-1:190000000003:secret:${SECRET_NAME}-AbCdEf`;
    if (input.SecretId !== SECRET_NAME || secrets.versions.length === 0)
      return reply(400, {}, 'ResourceNotFoundException');
    if (target === 'secretsmanager.GetSecretValue') {
      return reply(200, {
        ARN: arn,
        Name: SECRET_NAME,
        SecretString: secrets.versions.at(-1),
        VersionId: `v${secrets.versions.length}`,
        VersionStages: ['AWSCURRENT'],
      });
    }
    if (target === 'secretsmanager.PutSecretValue') {
      if (secrets.failPuts > 0) {
        secrets.failPuts--;
        return reply(400, {}, 'AccessDeniedException');
      }
      secrets.versions.push(String(input.SecretString));
      return reply(200, {
        ARN: arn,
        Name: SECRET_NAME,
        VersionId: `v${secrets.versions.length}`,
        VersionStages: ['AWSCURRENT'],
      });
    }
    return reply(400, {}, 'InvalidRequestException');
  }),
};

let zaloUrl: string;
let client: SecretsManagerClient;

beforeAll(async () => {
  zaloUrl = `${await listen(zalo.server)}/v4/oa/access_token`;
  const endpoint = await listen(secrets.server);
  client = new SecretsManagerClient({
    endpoint,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await Promise.all([zalo.server, secrets.server].map((s) => new Promise((r) => s.close(r))));
});

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  zalo.validRefreshTokens = new Set(['refresh-0']);
  zalo.issued = 0;
  zalo.requests = [];
  zalo.refuseNext = undefined;
  secrets.versions = [];
  secrets.failPuts = 0;
  errors = vi.spyOn(logger, 'error');
});
afterEach(() => {
  errors.mockRestore();
});

const stored = (value: Record<string, unknown>) => secrets.versions.push(JSON.stringify(value));
const current = () => JSON.parse(secrets.versions.at(-1)!) as Record<string, unknown>;

const run = (now = NOW) =>
  refreshZaloTokenIfDue({
    appId: APP_ID,
    secret: zaloSecretStore(SECRET_NAME, client),
    refresh: (credentials) => refreshZaloOaTokens(credentials, { endpoint: zaloUrl }),
    now,
  });

/** What the metric filter of the refresher counts (infra/stacks/monitoring.ts: ZaloTokenRefreshFailures). */
const loggedFailures = () =>
  errors.mock.calls.filter(
    (call: unknown[]) => call[0] === 'zalo token refresh' && (call[1] as { status?: string })?.status === 'failed',
  );

describe('the Zalo OA token refresh', () => {
  test('tokens just stored (no expiry known) are refreshed at once: the request is Zalo’s refresh protocol', async () => {
    stored({ accessToken: 'access-0', refreshToken: 'refresh-0', secretKey: SECRET_KEY });
    const outcome = await run();
    expect(outcome).toEqual({ status: 'refreshed', expiresAt: new Date(NOW.getTime() + 90_000_000).toISOString() });
    expect(zalo.requests).toHaveLength(1);
    const [request] = zalo.requests;
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.headers.secret_key).toBe(SECRET_KEY);
    expect(Object.fromEntries(request!.form)).toEqual({
      refresh_token: 'refresh-0',
      app_id: APP_ID,
      grant_type: 'refresh_token',
    });
    // Written as the secret's new version; the app's secret key is kept.
    expect(secrets.versions).toHaveLength(2);
    expect(current()).toEqual({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      secretKey: SECRET_KEY,
      expiresAt: '2026-12-08T03:00:00.000Z',
    });
    expect(loggedFailures()).toEqual([]);
  });

  test('a token far from its expiry is left alone; within the margin it is refreshed, with the refresh token written last', async () => {
    stored({
      accessToken: 'access-0',
      refreshToken: 'refresh-0',
      secretKey: SECRET_KEY,
      expiresAt: '2026-12-07T12:00:00Z',
    });
    expect(await run(NOW)).toEqual({ status: 'valid', expiresAt: '2026-12-07T12:00:00.000Z' });
    expect(zalo.requests).toEqual([]);
    expect(secrets.versions).toHaveLength(1);

    const inMargin = new Date(Date.parse('2026-12-07T12:00:00Z') - REFRESH_MARGIN_MS + HOUR);
    expect((await run(inMargin)).status).toBe('refreshed');
    expect(current()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    // The next refresh uses the token the last one wrote (the first is spent at Zalo).
    const later = new Date(Date.parse(String(current().expiresAt)) - HOUR);
    expect((await run(later)).status).toBe('refreshed');
    expect(zalo.requests.map((r) => r.form.get('refresh_token'))).toEqual(['refresh-0', 'refresh-1']);
    expect(current()).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  test('the older access_token spelling is replaced by the documented one', async () => {
    stored({ access_token: 'access-0', refreshToken: 'refresh-0', secretKey: SECRET_KEY });
    await run();
    expect(current()).not.toHaveProperty('access_token');
    expect(current().accessToken).toBe('access-1');
  });

  test('Zalo refusing the refresh token: the secret is unchanged, the failure is logged for the alarm and thrown', async () => {
    stored({ accessToken: 'access-0', refreshToken: 'spent', secretKey: SECRET_KEY });
    await expect(run()).rejects.toMatchObject({ name: 'ZaloTokenRefreshError', reason: 'zalo--14014' });
    expect(secrets.versions).toHaveLength(1);
    expect(loggedFailures()).toHaveLength(1);
    expect(JSON.stringify(loggedFailures())).not.toContain('spent');
  });

  test('Zalo unavailable (HTTP 503) and a secret without a refresh token both fail the run, logged', async () => {
    stored({ accessToken: 'access-0', refreshToken: 'refresh-0', secretKey: SECRET_KEY });
    zalo.refuseNext = { status: 503 };
    await expect(run()).rejects.toMatchObject({ reason: 'zalo-http-503' });
    // The refresh token was not spent: the next run (the schedule's retry) succeeds.
    expect((await run()).status).toBe('refreshed');

    secrets.versions = [];
    stored({ accessToken: 'access-only' });
    await expect(run()).rejects.toMatchObject({ reason: 'no-refresh-token' });
    secrets.versions = [];
    secrets.versions.push('a-bare-token');
    await expect(run()).rejects.toMatchObject({ reason: 'no-refresh-token' });
    expect(loggedFailures()).toHaveLength(3);
  });

  test('a secret that does not exist, or that cannot be written, fails the run', async () => {
    await expect(run()).rejects.toMatchObject({ reason: 'secret-missing' });
    stored({ accessToken: 'access-0', refreshToken: 'refresh-0', secretKey: SECRET_KEY });
    secrets.failPuts = 1;
    await expect(run()).rejects.toMatchObject({ reason: 'secret-write' });
    expect(secrets.versions).toHaveLength(1);
    expect(loggedFailures()).toHaveLength(2);
  });
});
