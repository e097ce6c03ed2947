/**
 * A consumer after a restart sees at once an event the previous run had received and not finished: the poller
 * records what it has in flight (with the stream checkpoints) and a new poller makes it visible again, instead
 * of waiting out a visibility timeout of 360 s. Real fauxqs; the "crash" is a poller whose consumer never
 * returns, abandoned as a killed process would abandon it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { LocalLambdas } from '#local-cloud/lambda.ts';
import { CheckpointStore, startQueuePoller } from '#local-cloud/pollers.ts';
import type { QueueResource } from '#local-cloud/provision.ts';
import type { FunctionDecl } from '#topology/types.ts';

const VISIBILITY_SECONDS = 360;
const fn: FunctionDecl = { name: 'restart-probe', entry: 'none', kind: 'consumer' };

let sqs: SQSClient;
let queue: QueueResource;
let dir: string;

beforeAll(async () => {
  sqs = new SQSClient({
    endpoint: inject('fauxqsEndpoint'),
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const name = `t${randomBytes(4).toString('hex')}-restart`;
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(VISIBILITY_SECONDS) } }),
  );
  const url = created.QueueUrl!;
  queue = {
    name,
    url,
    arn: `arn:aws:sqs:ap-southeast-1:000000000000:${name}`,
    dlqUrl: url,
    dlqArn: '',
    consumer: {
      queue: name,
      function: fn.name,
      eventTypes: [],
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      maxReceiveCount: 5,
    },
  } as QueueResource;
  dir = mkdtempSync(join(tmpdir(), 'motcua-restart-'));
});

afterAll(async () => {
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
  sqs.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('an event in flight when the process ended is handled by the next run without waiting out its visibility', async () => {
  const file = join(dir, 'stream-checkpoints.json');
  const log = () => undefined;

  // The first run receives the event and never finishes it.
  const firstGotIt = deferred<string>();
  const hang = deferred<undefined>();
  const firstRun = {
    invoke: async (_fn: FunctionDecl, event: { Records: { body: string }[] }) => {
      firstGotIt.resolve(event.Records[0]!.body);
      await hang.promise;
      return { batchItemFailures: event.Records.map((_, i) => ({ itemIdentifier: String(i) })) };
    },
  } as unknown as LocalLambdas;
  const first = startQueuePoller(sqs, queue, fn, firstRun, log, new CheckpointStore(file));
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"id":"in-flight-1"}' }));
  expect(await firstGotIt.promise).toBe('{"id":"in-flight-1"}');
  const invisible = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
  );
  expect(invisible.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');

  // The next run starts from what the first left on disk, as a restarted local cloud does.
  const handled: string[] = [];
  const nextGotIt = deferred<undefined>();
  const nextRun = {
    invoke: async (_fn: FunctionDecl, event: { Records: { body: string }[] }) => {
      handled.push(...event.Records.map((r) => r.body));
      nextGotIt.resolve(undefined);
      return { batchItemFailures: [] };
    },
  } as unknown as LocalLambdas;
  const next = startQueuePoller(sqs, queue, fn, nextRun, log, new CheckpointStore(file));
  // Without the release this waits out the 360 s visibility timeout, far past the test's timeout.
  await nextGotIt.promise;
  expect(handled).toEqual(['{"id":"in-flight-1"}']);
  await next.stop();

  hang.resolve(undefined);
  await first.stop();
});
