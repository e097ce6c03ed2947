/**
 * Consumers for test/integration/local-cloud/settle.test.ts (added with `extraTopologies`; the test sends to
 * their queues directly). They fail and ask for their redelivery the way the national-portal sync does
 * (`redeliverIn`: the message's visibility stretched to the retry backoff), or hold a batch until the test
 * lets it go. What they did is kept on globalThis, which the test reads (the local cloud imports this module
 * itself, in the same process).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { redeliverIn } from '#platform/redelivery.ts';
import type { ConsumerDecl, ContextTopology } from '#topology/types.ts';

export interface SettleProbe {
  /** Message bodies each consumer finished with, in order. */
  handled: Record<string, string[]>;
  /** Receives per message body. */
  attempts: Record<string, number>;
  /** The stuck consumer waits for this. */
  release: () => void;
  gate: Promise<void>;
}

export function settleProbe(): SettleProbe {
  const state = globalThis as { __settleProbe?: SettleProbe };
  if (!state.__settleProbe) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    state.__settleProbe = { handled: {}, attempts: {}, release, gate };
  }
  return state.__settleProbe;
}

/**
 * The backoff of the retries settle waits for: longer than the poller's one-second long poll, so the poller is
 * between batches (idle) while the message is invisible, which is the case settle once missed.
 */
export const RETRY_SECONDS = 3;

/** The queue's own visibility timeout is longer than settle's default window; the retries ask for less. */
export const QUEUE_VISIBILITY_SECONDS = 30;

const consumer = (queue: string, maxReceiveCount = 5): ConsumerDecl => ({
  queue,
  function: queue,
  eventTypes: [],
  batchSize: 1,
  maxBatchingWindowSeconds: 0,
  visibilityTimeoutSeconds: QUEUE_VISIBILITY_SECONDS,
  maxReceiveCount,
  awsEventSource: { source: 'motcua.test', detailType: 'settle' },
});

const entry = 'test/integration/local-cloud/settle.fixture.ts';
const names = ['settle-flaky', 'settle-poison', 'settle-later', 'settle-stuck'] as const;
export const settleTopology: ContextTopology = {
  context: 'platform',
  tables: [],
  buckets: [],
  functions: names.map((name) => ({ name, entry, kind: 'consumer' as const })),
  routes: [],
  consumers: [
    consumer('settle-flaky'),
    consumer('settle-poison', 2),
    consumer('settle-later'),
    consumer('settle-stuck'),
  ],
  schedules: [],
};

const queueOf = (arn: string): string => names.find((name) => arn.endsWith(`-${name}`)) ?? arn;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const probe = settleProbe();
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const queue = queueOf(record.eventSourceARN);
    probe.attempts[record.body] = (probe.attempts[record.body] ?? 0) + 1;
    const first = record.attributes.ApproximateReceiveCount === '1';
    let retryInSeconds: number | undefined;
    if (queue === 'settle-flaky' && first) retryInSeconds = RETRY_SECONDS;
    if (queue === 'settle-poison') retryInSeconds = RETRY_SECONDS;
    if (queue === 'settle-later' && first) retryInSeconds = 60;
    if (queue === 'settle-stuck') await probe.gate;
    if (retryInSeconds !== undefined) {
      await redeliverIn(record, retryInSeconds);
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    probe.handled[queue] = [...(probe.handled[queue] ?? []), record.body];
  }
  return { batchItemFailures: failures };
};
