/**
 * The local gateway answers whatever a client sends with a 4xx problem+json (vi/en) where API Gateway would
 * refuse it itself: bad % escapes, request lines that are no path, unknown routes, wrong methods, missing or
 * bad tokens. None of them is a 5xx and none of them stops the process.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

/** Sends raw bytes (what fetch refuses to send) and returns the status line Node's server answered. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

const problemType = (res: { headers: Headers }) => res.headers.get('content-type') ?? '';

describe('paths the gateway cannot route', () => {
  test('a bad % escape in a path segment is a 400 problem, not a 500', async () => {
    const res = await cloud.fetch('/dossiers/%E0%A4%A', { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(400);
    expect(problemType(res)).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ status: 400, type: 'https://motcua.gov.vn/problems/validation' });
    expect(res.json.detail).toMatch(/% escape/);
  });

  test('a request line whose target is no URL is answered, and the cloud keeps serving', async () => {
    const answer = await rawRequest(cloud.port, 'GET //[ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    const answerAbsolute = await rawRequest(
      cloud.port,
      'GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(answerAbsolute).toMatch(/^HTTP\/1\.1 4\d\d /);
    const garbage = await rawRequest(cloud.port, 'NOT A REQUEST\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect((await cloud.fetch('/health')).status).toBe(200);
  });

  test('an unknown route is a 404 problem in the caller’s language', async () => {
    const vi = await cloud.fetch('/no-such-thing');
    expect(vi.status).toBe(404);
    expect(problemType(vi)).toMatch(/^application\/problem\+json/);
    expect(vi.headers.get('content-language')).toBe('vi');
    expect(vi.json.title).toBe('Không tìm thấy');
    const en = await cloud.fetch('/no-such-thing', { headers: { 'accept-language': 'en' } });
    expect(en.json.title).toBe('Not found');
  });

  test('a known path with another method is a 405 problem naming the accepted methods', async () => {
    const res = await cloud.fetch('/health', { method: 'DELETE', headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.json).toMatchObject({ status: 405, type: 'https://motcua.gov.vn/problems/method-not-allowed' });
    expect(res.json.detail).toContain('GET');
  });
});

describe('tokens the gateway refuses', () => {
  test('no token: 401 problem with WWW-Authenticate', async () => {
    const res = await cloud.fetch('/me/dossiers');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(problemType(res)).toMatch(/^application\/problem\+json/);
    expect(res.json.title).toBe('Chưa xác thực');
  });

  test('a token of the wrong issuer for the route: 401 problem, in English when asked', async () => {
    const official = await cloud.token({ sub: 'cb-01', roles: ['officer'], agencyCode: '000.00.15.H19' });
    const res = await cloud.fetch('/me/dossiers', { token: official, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(401);
    expect(res.json.detail).toMatch(/not accepted on this address/);
  });
});

describe('the dev clock', () => {
  test.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '42'],
    ['a bad date', '{"now":"yesterday"}'],
    ['not JSON', '{'],
  ])('POST /dev/clock with %s is a 400 problem', async (_what, rawBody) => {
    const res = await cloud.fetch('/dev/clock', {
      method: 'POST',
      rawBody,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(problemType(res)).toMatch(/^application\/problem\+json/);
    expect(res.json.errors).toEqual([{ path: 'body.now', message: 'ISO 8601' }]);
  });
});

describe('CORS as deployed', () => {
  test('the province portal’s origin is allowed and sees ETag, Location, Idempotent-Replayed, Retry-After', async () => {
    const preflight = await cloud.fetch('/dossiers', {
      method: 'OPTIONS',
      headers: { origin: cloud.province.domains.portal, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(cloud.province.domains.portal);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('if-match');
    const get = await cloud.fetch('/health', { headers: { origin: cloud.province.domains.portal } });
    expect(get.headers.get('access-control-expose-headers')?.split(',')).toEqual(
      expect.arrayContaining(['etag', 'location', 'idempotent-replayed', 'retry-after', 'x-resync-created']),
    );
  });

  test('another origin gets no CORS headers', async () => {
    const preflight = await cloud.fetch('/dossiers', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const get = await cloud.fetch('/health', { headers: { origin: 'https://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
