/**
 * Starting and stopping the local cloud: a request that arrives before the cloud is ready is answered 503
 * (problem+json, Retry-After) and `/ready` says when every context can serve; a busy port fails before any
 * emulator starts; `/dev/*` can be switched off.
 */
import { createServer } from 'node:net';
import { describe, expect, inject, test } from 'vitest';
import { PortInUseError, startLocalCloud } from '#local-cloud/runtime.ts';
import { startTestCloud } from '#test/support/cloud.ts';

describe('readiness', () => {
  test('until markReady, API requests get 503 with Retry-After and /ready says starting; then both serve', async () => {
    const cloud = await startTestCloud({ holdUntilReady: true });
    try {
      const early = await cloud.fetch('/procedures', { headers: { 'accept-language': 'en' } });
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('1');
      expect(early.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(early.json).toMatchObject({ status: 503, type: 'https://motcua.gov.vn/problems/starting' });
      expect((await cloud.fetch('/ready')).status).toBe(503);
      // Liveness answers while starting.
      expect((await cloud.fetch('/health')).status).toBe(200);

      cloud.markReady();
      const ready = await cloud.fetch('/ready');
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({ status: 'ready' });
      expect((await cloud.fetch('/procedures')).status).toBe(200);
    } finally {
      await cloud.stop();
    }
  });
});

describe('dev routes', () => {
  test('with devRoutes off, /dev/* is a 404 problem and the API still serves', async () => {
    const cloud = await startTestCloud({ devRoutes: false });
    try {
      for (const path of ['/dev/token', '/dev/clock', '/dev/outbox', '/dev/gateway/']) {
        const res = path === '/dev/outbox' ? await cloud.fetch(path) : await cloud.fetch(path, { body: {} });
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      expect((await cloud.fetch('/procedures')).status).toBe(200);
    } finally {
      await cloud.stop();
    }
  });
});

describe('a busy port', () => {
  test('fails with PortInUseError naming the port, before any emulator is started', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', () => ok()));
    const port = (blocker.address() as { port: number }).port;
    try {
      // No emulators given: had the port been checked after starting them, this would launch a JVM.
      const attempt = startLocalCloud({ port, host: '127.0.0.1', log: () => undefined, schedules: false });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(String(port));
    } finally {
      await new Promise<void>((ok) => blocker.close(() => ok()));
    }
    // The shared emulators are untouched.
    expect(inject('dynamoEndpoint')).toMatch(/^http:/);
  });
});
