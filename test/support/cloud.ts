/** A local cloud for one test file, on the run's shared emulators, reached over real HTTP. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type LocalCloud, type LocalCloudOptions, startLocalCloud } from '../../packages/local-cloud/src/runtime.ts';

export interface FetchResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  json: any;
}

export interface TestCloud extends LocalCloud {
  token(claims: {
    sub: string;
    roles: string[];
    agencyCode?: string;
    name?: string;
    title?: string;
    expiresInSeconds?: number;
    issuer?: string;
    audience?: string;
  }): Promise<string>;
  fetch(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<FetchResult>;
}

const SETTLE_DEADLINE_MS = 120_000;

export async function startTestCloud(options: Partial<LocalCloudOptions> = {}): Promise<TestCloud> {
  const cloud = await startLocalCloud({
    emulators: { dynamoEndpoint: inject('dynamoEndpoint'), fauxqsEndpoint: inject('fauxqsEndpoint') },
    prefix: `t${randomBytes(4).toString('hex')}`,
    schedules: false,
    // Quiet, except what became a 500 at the gateway: a failing test should say why.
    log: (line: string) => {
      if (line.startsWith('gateway: ')) console.error(line);
    },
    ...options,
  });
  const doFetch: TestCloud['fetch'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(cloud.url + path, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    ...cloud,
    // A test file shares two cores with another one: its consumers may take longer than on a quiet machine to
    // drain what a step left, so its settle waits longer by default (a deadline, not a sleep: it returns as soon
    // as every consumer is quiet). A retry due after the deadline is still not waited for; tests that need a
    // retry left pending give a shorter deadline.
    settle: (timeoutMs = SETTLE_DEADLINE_MS) => cloud.settle(timeoutMs),
    fetch: doFetch,
    token: async (claims) => {
      const res = await doFetch('/dev/token', { method: 'POST', body: claims });
      if (res.status !== 200) throw new Error(`dev token refused: ${res.text}`);
      return res.json.token as string;
    },
  };
}
