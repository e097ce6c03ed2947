/**
 * The platform's mechanics against the real emulators: JWT checks as the API gateway does them, the outbox
 * fan-out to every subscribed consumer exactly once (also across a crash between write and publish), the
 * DLQ for a consumer that keeps failing, and problem+json errors.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { probeTopology } from '#test/support/probe/topology.ts';

const CITIZEN = { sub: '001099012345', roles: ['citizen'] };
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ extraTopologies: [probeTopology] });
});
afterAll(async () => {
  await cloud?.stop();
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('tokens, as the JWT authorizer checks them', () => {
  test('a token from /dev/token is accepted on a protected route and identifies the caller', async () => {
    const token = await cloud.token(CITIZEN);
    const res = await cloud.fetch('/probe/citizen', { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ sub: CITIZEN.sub, issuer: 'citizen', roles: ['citizen'] });
  });

  test('no token, an expired, a tampered or a wrongly-issued token gets 401', async () => {
    expect((await cloud.fetch('/probe/citizen')).status).toBe(401);
    const expired = await cloud.token({ ...CITIZEN, expiresInSeconds: -120 });
    expect((await cloud.fetch('/probe/citizen', { token: expired })).status).toBe(401);
    const good = await cloud.token(CITIZEN);
    const [header, payload, signature] = good.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: '079200000001' }),
    ).toString('base64url');
    expect((await cloud.fetch('/probe/citizen', { token: `${header}.${forgedPayload}.${signature}` })).status).toBe(
      401,
    );
    const flipped = signature!.slice(0, -2) + (signature!.endsWith('AA') ? 'BB' : 'AA');
    expect((await cloud.fetch('/probe/citizen', { token: `${header}.${payload}.${flipped}` })).status).toBe(401);
    const otherIssuer = await cloud.token({ ...CITIZEN, issuer: 'https://attacker.example/issuer' });
    expect((await cloud.fetch('/probe/citizen', { token: otherIssuer })).status).toBe(401);
    const otherAudience = await cloud.token({ ...CITIZEN, audience: 'another-app' });
    expect((await cloud.fetch('/probe/citizen', { token: otherAudience })).status).toBe(401);
  });

  test("an official's token is refused on a citizens' route and a citizen's on an officials' route", async () => {
    const official = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: '000.00.15.H19' });
    expect((await cloud.fetch('/probe/citizen', { token: official })).status).toBe(401);
    expect((await cloud.fetch('/probe/official', { token: await cloud.token(CITIZEN) })).status).toBe(401);
    expect((await cloud.fetch('/probe/official', { token: official })).status).toBe(200);
  });
});

describe('problem details', () => {
  test('invalid input → 400 problem+json naming the field, Vietnamese by default and English on request', async () => {
    const token = await cloud.token(CITIZEN);
    const vi = await cloud.fetch('/probe/things', { token, body: { id: '' } });
    expect(vi.status).toBe(400);
    expect(vi.headers.get('content-type')).toContain('application/problem+json');
    expect(vi.json.title).toBe('Dữ liệu không hợp lệ');
    expect(vi.json.errors[0].path).toBe('body.id');
    const en = await cloud.fetch('/probe/things', {
      token,
      body: { id: '' },
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.json.title).toBe('Invalid request');
    const malformed = await cloud.fetch('/probe/things', {
      token,
      rawBody: '{"id":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors[0].path).toBe('body');
  });
});

describe('the outbox', () => {
  test('an event reaches every subscribed consumer exactly once', async () => {
    const token = await cloud.token(CITIZEN);
    const created = await cloud.fetch('/probe/things', { token, body: { id: 'fan-out-1' } });
    expect(created.status).toBe(201);
    const seen = await waitFor(
      async () => (await cloud.fetch('/probe/things/fan-out-1')).json,
      (b) => b.received['probe-a'] === 1 && b.received['probe-b'] === 1,
    );
    expect(seen.received).toEqual({ 'probe-a': 1, 'probe-b': 1 });
    await cloud.settle();
    expect((await cloud.fetch('/probe/things/fan-out-1')).json.received).toEqual({ 'probe-a': 1, 'probe-b': 1 });
  });

  test('a consumer that keeps failing sends its message to its DLQ, and others carry on', async () => {
    const token = await cloud.token(CITIZEN);
    expect((await cloud.fetch('/probe/things', { token, body: { id: 'poison-1', poison: true } })).status).toBe(201);
    expect((await cloud.fetch('/probe/things', { token, body: { id: 'after-poison' } })).status).toBe(201);
    const sqs = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS, region: process.env.AWS_REGION });
    const dlqUrl = cloud.resources.queues.get('probe-poison')!.dlqUrl;
    const inDlq = await waitFor(
      async () => {
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        return Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0);
      },
      (n) => n >= 1,
    );
    expect(inDlq).toBe(1);
    const other = await waitFor(
      async () => (await cloud.fetch('/probe/things/after-poison')).json,
      (b) => b.received['probe-a'] === 1,
    );
    expect(other.received).toEqual({ 'probe-a': 1, 'probe-b': 1 });
    sqs.destroy();
  });
});

describe('a crash between the write and the publish', () => {
  test('the event is delivered once after a restart', async () => {
    const token = await cloud.token(CITIZEN);
    await cloud.stopPollers(); // the "process" dies after committing, before anything is published
    expect((await cloud.fetch('/probe/things', { token, body: { id: 'crash-1' } })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await cloud.fetch('/probe/things/crash-1')).json).toEqual({ exists: true, received: {} });
    const prefix = cloud.resources.prefix;
    await cloud.stop();
    // A new runtime on the same data: its stream reader starts without a checkpoint, so it re-reads
    // everything (at-least-once); the inbox keeps each consumer's effect to once.
    cloud = await startTestCloud({ extraTopologies: [probeTopology], prefix });
    const seen = await waitFor(
      async () => (await cloud.fetch('/probe/things/crash-1')).json,
      (b) => b.received['probe-a'] === 1 && b.received['probe-b'] === 1,
    );
    expect(seen.received).toEqual({ 'probe-a': 1, 'probe-b': 1 });
    await cloud.settle();
    expect((await cloud.fetch('/probe/things/fan-out-1')).json.received).toEqual({ 'probe-a': 1, 'probe-b': 1 });
  });
});
