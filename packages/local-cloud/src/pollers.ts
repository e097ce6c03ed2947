/**
 * What the Lambda service does between queues/streams and functions, done locally:
 * - SQS event source: receive up to the batch size, call the consumer, delete what succeeded, leave the
 *   reported failures to reappear after the visibility timeout; the queue's redrive policy moves a message
 *   to its DLQ after maxReceiveCount receives (enforced by fauxqs, as by SQS).
 * - DynamoDB stream event source: read each shard in order from a persisted checkpoint, call the
 *   publisher, retry from the first failed record (bisect-free), and after the configured attempts send the
 *   batch to the stream's failure queue — the checkpoint only moves past records that were handled.
 * Each poller also says whether its work is done (`unsettled`, what `settle()` waits on): a queue is not done
 * while it holds a message to receive, one being handled, or one that failed and comes back (its visibility
 * timeout or the consumer's retry backoff) before the caller's deadline.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FunctionDecl } from '#topology/types.ts';
import type { LocalLambdas } from './lambda.ts';
import type { QueueResource } from './provision.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Poller {
  stop(): Promise<void>;
  /** Nothing is being handled and the last poll found nothing. */
  idle(): boolean;
  /**
   * Why this poller's work is not done yet, or undefined when it is: not idle, or (a queue) messages waiting
   * to be received, being handled, or due back from a failure's backoff at or before `until` (epoch ms).
   * A retry due later than `until` is not waited for: it is work scheduled for after the caller's deadline.
   * `writtenBefore` (epoch ms): every table write the caller waits for was made before it (the caller's own,
   * and the consumers', which write while busy); a stream is not done until it has been read from a moment
   * after that, so a record written just before is never missed between two reads.
   */
  unsettled(until: number, writtenBefore: number): Promise<string | undefined>;
  /** When this poller last went from handling a batch to idle (epoch ms; 0 for a stream, which writes no table). */
  busyEndedAt(): number;
}

/** A queue's messages as the emulator holds them, without receiving them (no visibility changes). */
export interface QueueSnapshot {
  inFlight: { receiptHandle: string; visibilityDeadline: number }[];
}
export type QueueInspector = (queueName: string) => Promise<QueueSnapshot | undefined>;

/**
 * fauxqs's non-destructive queue inspection (`GET /_fauxqs/queues/{name}`): the received-and-not-deleted
 * messages with their visibility deadlines, which SQS's API does not tell (it only counts them).
 */
export function fauxqsInspector(endpoint: string): QueueInspector {
  return async (queueName) => {
    const res = await fetch(`${endpoint.replace(/\/$/, '')}/_fauxqs/queues/${encodeURIComponent(queueName)}`);
    if (!res.ok) return undefined;
    const found = (await res.json()) as {
      messages?: { inflight?: { receiptHandle: string; visibilityDeadline: number }[] };
    };
    return {
      inFlight: (found.messages?.inflight ?? []).map(({ receiptHandle, visibilityDeadline }) => ({
        receiptHandle,
        visibilityDeadline,
      })),
    };
  };
}

const MAX_LEFT_TO_RETRY = 10_000;

const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/**
 * Messages a poller had received and not finished when its process ended stay invisible until their
 * visibility timeout (up to 360 s here): a consumer after a restart would wait that long to see an event that
 * was in flight. The poller therefore records the receipt handles of the batch it is handling (with the stream
 * checkpoints, persisted when the cloud has a data directory) and, on start, makes whatever a previous run left
 * in flight visible again at once. The consumers are idempotent (inbox), so an early redelivery is harmless.
 */
const inFlightKey = (queue: QueueResource): string => `in-flight#${queue.url}`;

async function releaseInFlight(sqs: SQSClient, queue: QueueResource, checkpoints: CheckpointStore): Promise<void> {
  const recorded = checkpoints.get(inFlightKey(queue));
  if (!recorded) return;
  const handles = JSON.parse(recorded) as string[];
  for (let start = 0; start < handles.length; start += 10) {
    // A handle that is no longer valid (the message was deleted, or came back by itself) is simply refused.
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: handles.slice(start, start + 10).map((handle, i) => ({
          Id: String(i),
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  checkpoints.delete(inFlightKey(queue));
}

export function startQueuePoller(
  sqs: SQSClient,
  queue: QueueResource,
  fn: FunctionDecl,
  lambdas: LocalLambdas,
  log: (line: string) => void,
  checkpoints: CheckpointStore = new CheckpointStore(undefined),
  inspect?: QueueInspector,
): Poller {
  let running = true;
  let idle = true;
  let busyEndedAt = 0;
  /**
   * Messages this poller handled, failed and left to come back by their visibility: message id → receipt handle.
   * An entry goes when its message is received again, or when settle finds it no longer in flight (deleted, or
   * moved to the DLQ); a long run with no settle keeps at most the newest MAX_LEFT_TO_RETRY.
   */
  const leftToRetry = new Map<string, string>();
  const loop = (async () => {
    try {
      await releaseInFlight(sqs, queue, checkpoints);
    } catch (error) {
      log(`${queue.name}: could not release what a previous run left in flight: ${(error as Error).message}`);
    }
    while (running) {
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: Math.min(10, queue.consumer.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const messages = received.Messages ?? [];
        if (messages.length === 0) {
          if (!idle) busyEndedAt = Date.now();
          idle = true;
          continue;
        }
        idle = false;
        for (const m of messages) leftToRetry.delete(m.MessageId!);
        checkpoints.set(inFlightKey(queue), JSON.stringify(messages.map((m) => m.ReceiptHandle!)));
        const event: SQSEvent = {
          Records: messages.map((m) => ({
            messageId: m.MessageId!,
            receiptHandle: m.ReceiptHandle!,
            body: m.Body ?? '',
            attributes: {
              ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
              SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
              SenderId: m.Attributes?.SenderId ?? 'local',
              ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: m.MD5OfBody ?? '',
            eventSource: 'aws:sqs',
            eventSourceARN: queue.arn,
            awsRegion: 'ap-southeast-1',
          })),
        };
        let failed = new Set<string>(messages.map((m) => m.MessageId!));
        try {
          const result = (await lambdas.invoke(fn, event)) as SQSBatchResponse | undefined;
          failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (error) {
          log(`${fn.name}: batch failed: ${(error as Error).message}`);
        }
        const done = messages.filter((m) => !failed.has(m.MessageId!));
        for (const m of messages) if (failed.has(m.MessageId!)) leftToRetry.set(m.MessageId!, m.ReceiptHandle!);
        for (const id of leftToRetry.keys()) {
          if (leftToRetry.size <= MAX_LEFT_TO_RETRY) break;
          leftToRetry.delete(id);
        }
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queue.url,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
        }
        // Handled: what failed comes back by its own visibility (the consumer's backoff), not by a release.
        checkpoints.delete(inFlightKey(queue));
      } catch (error) {
        if (running) log(`${queue.name}: poll error: ${(error as Error).message}`);
        await sleep(500);
      }
    }
  })();
  const unsettled = async (until: number): Promise<string | undefined> => {
    if (!idle) return `${queue.name}: handling a batch`;
    // Between batches, with no failure left to come back, a message sent meanwhile is handed to the long poll
    // at once (the poller is busy again by the next check): only a queue with retries to come is asked.
    if (leftToRetry.size === 0) return undefined;
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const count = (name: QueueAttributeName) => Number(attributes.Attributes?.[name] ?? 0);
    const waiting = count('ApproximateNumberOfMessages') + count('ApproximateNumberOfMessagesDelayed');
    if (waiting > 0) return `${queue.name}: ${waiting} message(s) waiting to be received`;
    if (count('ApproximateNumberOfMessagesNotVisible') === 0) {
      leftToRetry.clear();
      return undefined;
    }
    // Invisible messages: without their deadlines (plain SQS) each one counts until it is gone.
    const snapshot = inspect ? await inspect(queue.name) : undefined;
    if (!snapshot) return `${queue.name}: ${count('ApproximateNumberOfMessagesNotVisible')} message(s) in flight`;
    const inFlight = new Set(snapshot.inFlight.map((m) => m.receiptHandle));
    for (const [id, handle] of leftToRetry) if (!inFlight.has(handle)) leftToRetry.delete(id);
    // Received but not (yet) known as failed: being handled right now (the poll just returned it).
    const retrying = new Set(leftToRetry.values());
    const handling = snapshot.inFlight.filter((m) => !retrying.has(m.receiptHandle)).length;
    if (handling > 0) return `${queue.name}: ${handling} message(s) being handled`;
    const dueSoon = snapshot.inFlight
      .filter((m) => m.visibilityDeadline <= until)
      .map((m) => m.visibilityDeadline - Date.now())
      .sort((a, b) => a - b);
    if (dueSoon.length > 0) {
      return `${queue.name}: ${dueSoon.length} failed message(s) to retry, the next in ${seconds(dueSoon[0]!)}`;
    }
    return undefined;
  };
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    idle: () => idle,
    unsettled,
    busyEndedAt: () => busyEndedAt,
  };
}

type Checkpoints = Record<string, string>;

export class CheckpointStore {
  readonly #file: string | undefined;
  #data: Checkpoints;

  constructor(file: string | undefined) {
    this.#file = file;
    this.#data = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Checkpoints) : {};
  }

  get(key: string): string | undefined {
    return this.#data[key];
  }

  set(key: string, sequenceNumber: string): void {
    this.#data[key] = sequenceNumber;
    this.#save();
  }

  delete(key: string): void {
    delete this.#data[key];
    this.#save();
  }

  #save(): void {
    if (this.#file) {
      // Write then rename, so a kill mid-write never leaves a torn checkpoint file.
      writeFileSync(`${this.#file}.tmp`, JSON.stringify(this.#data));
      renameSync(`${this.#file}.tmp`, this.#file);
    }
  }
}

export interface StreamSource {
  tableName: string;
  streamArn: string;
  fn: FunctionDecl;
  /** Where a batch goes after the retries are exhausted (the stream's on-failure destination). */
  failureQueueUrl: string;
  maxAttempts: number;
}

export function startStreamPoller(
  streams: DynamoDBStreamsClient,
  sqs: SQSClient,
  source: StreamSource,
  lambdas: LocalLambdas,
  checkpoints: CheckpointStore,
  log: (line: string) => void,
): Poller {
  let running = true;
  let idle = true;
  /**
   * When the last read of every shard that found nothing began. A stream is read in cycles (describe, then each
   * shard, then a short sleep), so between two cycles the poller is idle with records possibly written since
   * the last one; only a cycle begun after a write that found nothing says that write's record was handled.
   */
  let lastEmptyCycleStartedAt = 0;
  const iterators = new Map<string, string | undefined>();
  const shardsSeen = new Set<string>();
  let trimmedInARow = 0;

  const deliver = async (shardId: string, records: StreamRecord[]): Promise<void> => {
    let pending = records;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const event = {
        Records: pending.map((r) => ({ ...r, eventSourceARN: source.streamArn })),
      } as unknown as DynamoDBStreamEvent;
      let firstFailed: string | undefined = pending[0]?.dynamodb?.SequenceNumber;
      try {
        const result = (await lambdas.invoke(source.fn, event)) as DynamoDBBatchResponse | undefined;
        const failures = result?.batchItemFailures ?? [];
        firstFailed = failures.length > 0 ? failures[0]!.itemIdentifier : undefined;
      } catch (error) {
        log(`${source.fn.name}: batch failed: ${(error as Error).message}`);
      }
      const failedIndex = firstFailed ? pending.findIndex((r) => r.dynamodb?.SequenceNumber === firstFailed) : -1;
      const handled = failedIndex === -1 ? pending : pending.slice(0, failedIndex);
      const last = handled.at(-1)?.dynamodb?.SequenceNumber;
      if (last) checkpoints.set(`${source.streamArn}|${shardId}`, last);
      if (failedIndex === -1) return;
      pending = pending.slice(failedIndex);
      if (attempt >= source.maxAttempts) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: source.failureQueueUrl,
            MessageBody: JSON.stringify({ streamArn: source.streamArn, shardId, records: pending }),
          }),
        );
        const skipped = pending.at(-1)?.dynamodb?.SequenceNumber;
        if (skipped) checkpoints.set(`${source.streamArn}|${shardId}`, skipped);
        log(
          `${source.fn.name}: ${pending.length} stream record(s) sent to the failure queue after ${attempt} attempts`,
        );
        return;
      }
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
  };

  const loop = (async () => {
    while (running) {
      const cycleStartedAt = Date.now();
      try {
        const description = await streams.send(new DescribeStreamCommand({ StreamArn: source.streamArn }));
        const shards = description.StreamDescription?.Shards ?? [];
        let sawRecords = false;
        for (const shard of shards) {
          const shardId = shard.ShardId!;
          shardsSeen.add(shardId);
          let iterator = iterators.get(shardId);
          if (!iterators.has(shardId)) {
            const checkpoint = checkpoints.get(`${source.streamArn}|${shardId}`);
            const got = await streams.send(
              new GetShardIteratorCommand({
                StreamArn: source.streamArn,
                ShardId: shardId,
                ...(checkpoint
                  ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
                  : { ShardIteratorType: 'TRIM_HORIZON' }),
              }),
            );
            iterator = got.ShardIterator;
          }
          if (!iterator) {
            iterators.set(shardId, undefined);
            continue;
          }
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
          trimmedInARow = 0;
          const records = page.Records ?? [];
          if (records.length > 0) {
            sawRecords = true;
            idle = false;
            await deliver(shardId, records);
          }
          iterators.set(shardId, page.NextShardIterator);
        }
        if (!sawRecords) {
          idle = true;
          lastEmptyCycleStartedAt = cycleStartedAt;
          await sleep(100);
        }
      } catch (error) {
        iterators.clear();
        if ((error as Error).name === 'TrimmedDataAccessException') {
          // DynamoDB Local answers this for an iterator taken on a brand-new shard; a fresh iterator works.
          // If it persists, the checkpoint points before the stream's retention: records older than that
          // are gone (24 h on AWS too), so read from the oldest one still there rather than stall forever.
          trimmedInARow += 1;
          if (trimmedInARow >= 5) {
            log(
              `${source.tableName} stream: checkpoint is older than the stream's retention; reading from the oldest record`,
            );
            for (const shard of shardsSeen) checkpoints.delete(`${source.streamArn}|${shard}`);
            trimmedInARow = 0;
          }
          await sleep(100);
          continue;
        }
        if (running) log(`${source.tableName} stream: ${(error as Error).message}`);
        await sleep(500);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    idle: () => idle,
    unsettled: async (_until, writtenBefore) => {
      if (!idle) return `${source.tableName} stream: publishing records`;
      if (lastEmptyCycleStartedAt < writtenBefore) return `${source.tableName} stream: not read since the last write`;
      return undefined;
    },
    busyEndedAt: () => 0,
  };
}
