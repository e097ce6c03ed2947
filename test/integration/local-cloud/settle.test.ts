/**
 * `settle()` waits for what the consumers still have to do, not only for the pollers to be between batches:
 * a message that failed and waits out its retry backoff (the visibility the redelivery rule set) is work still
 * to come, and so is one that ends in the DLQ; the DLQ itself is no consumer's, so it never holds settle up.
 * A retry due after settle's deadline is not waited for, and a consumer that does not finish in time makes
 * settle throw, naming the queue. Real fauxqs; the consumers are in settle.fixture.ts.
 */
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { settleProbe, settleTopology } from './settle.fixture.ts';

let cloud: TestCloud;
let sqs: SQSClient;
const probe = settleProbe();

beforeAll(async () => {
  cloud = await startTestCloud({ extraTopologies: [settleTopology] });
  sqs = new SQSClient({
    endpoint: inject('fauxqsEndpoint'),
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  probe.release();
  await cloud?.stop();
  sqs?.destroy();
});

const queue = (name: string) => cloud.resources.queues.get(name)!;
const send = (name: string, body: string) =>
  sqs.send(new SendMessageCommand({ QueueUrl: queue(name).url, MessageBody: body }));
async function count(url: string): Promise<number> {
  const got = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(got.Attributes?.ApproximateNumberOfMessages) + Number(got.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

test('a message waiting out its retry backoff is waited for: after settle the retry has happened', async () => {
  await send('settle-flaky', 'flaky-1');
  await cloud.settle();
  expect(probe.attempts['flaky-1']).toBe(2);
  expect(probe.handled['settle-flaky']).toEqual(['flaky-1']);
  expect(await count(queue('settle-flaky').url)).toBe(0);
});

test('a message that keeps failing is waited for until it is in the DLQ, which does not hold settle up', async () => {
  await send('settle-poison', 'poison-1');
  await cloud.settle();
  // maxReceiveCount 2: two failed attempts, then the queue moved it to its DLQ.
  expect(probe.attempts['poison-1']).toBe(2);
  expect(await count(queue('settle-poison').url)).toBe(0);
  expect(await count(queue('settle-poison').dlqUrl)).toBe(1);
  // Settled again with the DLQ still holding it (which would never be quiet if it counted).
  await cloud.settle(10_000);
});

test('a retry due after the deadline is not waited for', async () => {
  await send('settle-later', 'later-1');
  const started = Date.now();
  await cloud.settle(5_000);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(probe.attempts['later-1']).toBe(1);
  expect(probe.handled['settle-later']).toBeUndefined();
  // Still there, invisible until its 60 s backoff is over.
  expect(await count(queue('settle-later').url)).toBe(1);
});

test('a consumer that does not finish in time makes settle throw, naming its queue', async () => {
  await send('settle-stuck', 'stuck-1');
  await expect(cloud.settle(1_500)).rejects.toThrow(
    new RegExp(`did not settle within 1500 ms; not quiet: .*${queue('settle-stuck').name}`),
  );
  probe.release();
  // A deadline shorter than what is left of settle-later's 60 s backoff, so its retry is not waited for here.
  await cloud.settle(15_000);
  expect(probe.handled['settle-stuck']).toEqual(['stuck-1']);
});
