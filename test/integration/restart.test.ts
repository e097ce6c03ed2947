/**
 * `npm start` keeps its state on disk: what was written before a restart is there after it, and an
 * event committed just before the stop is still delivered after the start (the stream checkpoint and the
 * emulators' data persist under the data directory).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { freePort } from '../../packages/local-cloud/src/emulators.ts';
import { type LocalCloud, startLocalCloud } from '../../packages/local-cloud/src/runtime.ts';
import { probeTopology } from '../support/probe/topology.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'motcua-restart-'));
let cloud: LocalCloud | undefined;

afterAll(async () => {
  await cloud?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(base: string, path: string, init: RequestInit = {}) {
  const res = await fetch(base + path, init);
  return { status: res.status, json: (await res.json().catch(() => undefined)) as Record<string, unknown> };
}

test('data and undelivered events survive a restart of the local cloud', async () => {
  // Same port on both starts, as `npm start` uses PORT: the local issuer's URL (the token's `iss`) includes it.
  const options = {
    dataDir,
    port: await freePort(),
    extraTopologies: [probeTopology],
    schedules: false,
    log: () => undefined,
  };
  cloud = await startLocalCloud(options);
  const token = (
    await call(cloud.url, '/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: '001099012345', roles: ['citizen'] }),
    })
  ).json.token as string;
  const post = (id: string, base: string) =>
    call(base, '/probe/things', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ id }),
    });

  expect((await post('before-restart', cloud.url)).status).toBe(201);
  await cloud.settle();
  expect((await call(cloud.url, '/probe/things/before-restart')).json.received).toEqual({ 'probe-a': 1, 'probe-b': 1 });
  await cloud.stopPollers();
  expect((await post('committed-not-published', cloud.url)).status).toBe(201);
  await cloud.stop();

  cloud = await startLocalCloud(options);
  // The dev issuer's keys persist too, so the token from before the restart is still valid.
  const again = await call(cloud.url, '/probe/things/before-restart');
  expect(again.json.exists).toBe(true);
  await cloud.settle();
  expect((await call(cloud.url, '/probe/things/committed-not-published')).json.received).toEqual({
    'probe-a': 1,
    'probe-b': 1,
  });
  expect((await call(cloud.url, '/probe/things/before-restart')).json.received).toEqual({ 'probe-a': 1, 'probe-b': 1 });
  expect((await post('after-restart', cloud.url)).status).toBe(201);
});
