/**
 * Consumer of dossier.*, payment.completed and this context's own alert.* events: plans the messages each
 * calls for and delivers them once (use-cases/dispatch.ts). A record whose messages must wait (a temporary
 * failure) or can never be delivered is failed alone (partial batch response), after setting when SQS shows
 * it again: the backoff delay, or at once for an undeliverable one so it reaches the DLQ without waiting.
 */
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { eventConsumer } from '#platform/consumer.ts';
import { logger } from '#platform/observability.ts';
import { enabledChannels, providersFromEnv, retryPolicy } from '../settings.ts';
import { type Dispatcher, handleNotificationEvent } from '../use-cases/dispatch.ts';

/** SQS caps a message's visibility at 12 hours; the retry policy stays far below. */
const MAX_VISIBILITY_SECONDS = 43_200;

let dispatcher: Dispatcher | undefined;
let sqs: SQSClient | undefined;
const queueUrls = new Map<string, string>();

/**
 * The configured (regional, or local emulator) endpoint rather than the host inside a queue URL: the local
 * emulator's queue URLs name a host that only it knows.
 */
function sqsClient(): SQSClient {
  sqs ??= new SQSClient({ maxAttempts: 3, useQueueUrlAsEndpoint: false });
  return sqs;
}

/** Built on first use: the environment (local or AWS providers) is complete by then. */
function currentDispatcher(): Dispatcher {
  dispatcher ??= { providers: providersFromEnv(), policy: retryPolicy(), enabledChannels: enabledChannels() };
  return dispatcher;
}

async function queueUrlOf(arn: string): Promise<string> {
  const known = queueUrls.get(arn);
  if (known) return known;
  const [, , , , account, name] = arn.split(':');
  const out = await sqsClient().send(
    new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }),
  );
  queueUrls.set(arn, out.QueueUrl!);
  return out.QueueUrl!;
}

/** When the failed record shows again; if this fails, the queue's own visibility timeout applies. */
async function showAgainIn(record: SQSRecord, seconds: number): Promise<void> {
  try {
    await sqsClient().send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: await queueUrlOf(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds))),
      }),
    );
  } catch (error) {
    logger.warn('could not change the visibility of a failed record', { error: (error as Error).message });
  }
}

export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

export class UndeliverableError extends Error {
  override name = 'UndeliverableError';
}

export const handler = eventConsumer('notifications-on-event', async (event, record) => {
  const outcome = await handleNotificationEvent(event, currentDispatcher());
  if (outcome.retryInMs !== undefined) {
    await showAgainIn(record, outcome.retryInMs / 1000);
    throw new RetryLaterError(`event ${event.id}: a message waits ${outcome.retryInMs} ms for another attempt`);
  }
  if (outcome.undeliverable.length > 0) {
    logger.error('notification undeliverable on every channel', {
      eventId: event.id,
      type: event.type,
      messageIds: outcome.undeliverable,
    });
    await showAgainIn(record, 0);
    throw new UndeliverableError(`event ${event.id}: ${outcome.undeliverable.length} message(s) undeliverable`);
  }
});
