/**
 * A function that runs out of time or crashes is answered the way API Gateway (HTTP API) answers it, as
 * problem+json in the caller's language: a timeout is 503 with Retry-After ("busy, try again"), a crash or a
 * result that is no payload-2.0 response is 502. Never a bare 500. The functions (timeouts.fixture.ts) have a
 * half-second timeout; a middy route is answered by the middy stack itself, just before the Lambda's timeout, so
 * the deployed function answers alike.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUSY_RETRY_AFTER_SECONDS } from '#platform/http.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { middyHang, TIMEOUT_SECONDS, timeoutsTopology } from './timeouts.fixture.ts';

let cloud: TestCloud;
const logged: string[] = [];
beforeAll(async () => {
  cloud = await startTestCloud({ extraTopologies: [timeoutsTopology], log: (line) => logged.push(line) });
});
afterAll(async () => {
  await cloud?.stop();
});

const PROBLEM = /^application\/problem\+json/;
const linesAbout = (path: string) => logged.filter((line) => line.startsWith(`gateway: GET ${path}:`));

describe('a function that runs past its timeout', () => {
  test('outside middy: the local Lambda runner stops waiting and the gateway answers 503 with Retry-After', async () => {
    const started = Date.now();
    const res = await cloud.fetch('/test-timeouts/raw/hang', { headers: { 'accept-language': 'en' } });
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(BUSY_RETRY_AFTER_SECONDS));
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(res.headers.get('content-language')).toBe('en');
    expect(res.json).toMatchObject({
      type: 'https://motcua.gov.vn/problems/service-busy',
      status: 503,
      title: 'Service busy',
      instance: '/test-timeouts/raw/hang',
    });
    expect(res.json.detail).toMatch(/busy.*try again/);
    // Answered at the timeout, not after some other, longer wait.
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 50);
    expect(took).toBeLessThan(10_000);
    expect(linesAbout('/test-timeouts/raw/hang')).toEqual([
      expect.stringMatching(/Task timed out after 0\.50 seconds/),
    ]);
  });

  test('through httpHandler: the middy stack answers 503 itself, in Vietnamese by default', async () => {
    const res = await cloud.fetch('/test-timeouts/middy/hang');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(BUSY_RETRY_AFTER_SECONDS));
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(res.headers.get('content-language')).toBe('vi');
    expect(res.json).toMatchObject({ type: 'https://motcua.gov.vn/problems/service-busy', status: 503 });
    expect(res.json.title).toBe('Hệ thống đang bận');
    expect(res.json.detail).toMatch(/thử lại sau/);
  });

  test('the same function answers a quick request as usual', async () => {
    const res = await cloud.fetch('/test-timeouts/middy/quick');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });

  test('deployed, the middy stack turns its own timeout into the 503 response it returns to API Gateway', async () => {
    const context = {
      functionName: 'test-timeouts-middy',
      awsRequestId: 'test',
      getRemainingTimeInMillis: () => 40,
    } as unknown as Context;
    const event = {
      version: '2.0',
      routeKey: 'GET /test-timeouts/middy/hang',
      rawPath: '/test-timeouts/middy/hang',
      rawQueryString: '',
      headers: { 'accept-language': 'en' },
      requestContext: { requestId: 'r1', http: { method: 'GET', path: '/test-timeouts/middy/hang' } },
      isBase64Encoded: false,
    } as never;
    const result = await middyHang(event, context);
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({
      'retry-after': String(BUSY_RETRY_AFTER_SECONDS),
      'content-type': expect.stringMatching(PROBLEM),
    });
    expect(JSON.parse(result.body!)).toMatchObject({ status: 503, title: 'Service busy' });
  });
});

describe('a function that crashes or answers nonsense', () => {
  test('a handler that throws outside middy is a 502 problem, and the gateway logs why', async () => {
    const res = await cloud.fetch('/test-timeouts/raw/throw', { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.json).toMatchObject({
      type: 'https://motcua.gov.vn/problems/bad-gateway',
      status: 502,
      title: 'Bad gateway',
      instance: '/test-timeouts/raw/throw',
    });
    expect(linesAbout('/test-timeouts/raw/throw')).toEqual([
      expect.stringMatching(/test-timeouts-raw failed \(502\): Error: crashed outside the middy stack/),
    ]);
  });

  test('a result that is no API Gateway v2 response is a 502 problem in Vietnamese by default', async () => {
    const malformed = await cloud.fetch('/test-timeouts/raw/malformed');
    expect(malformed.status).toBe(502);
    expect(malformed.headers.get('content-type')).toMatch(PROBLEM);
    expect(malformed.headers.get('content-language')).toBe('vi');
    expect(malformed.json).toMatchObject({ type: 'https://motcua.gov.vn/problems/bad-gateway', status: 502 });
    expect(malformed.json.detail).toMatch(/thử lại/);
    expect(linesAbout('/test-timeouts/raw/malformed')).toEqual([
      expect.stringMatching(/returned no valid response \(502\): statusCode "soon" is not an HTTP status/),
    ]);

    const nothing = await cloud.fetch('/test-timeouts/raw/nothing');
    expect(nothing.status).toBe(502);
    expect(nothing.json).toMatchObject({ type: 'https://motcua.gov.vn/problems/bad-gateway' });
  });

  test('after all of it the cloud keeps serving', async () => {
    expect((await cloud.fetch('/health')).status).toBe(200);
    expect((await cloud.fetch('/test-timeouts/middy/quick')).status).toBe(200);
  });
});
