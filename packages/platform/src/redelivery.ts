/**
 * Retrying a failed record through SQS, for every consumer that retries on its own schedule (the national-portal
 * sync's pushes, notifications waiting for a channel): the consumer throws (the record fails, SQS keeps the message) after
 * stretching the message's visibility to the backoff, so the queue redelivers it when the next attempt is due.
 * If the visibility cannot be changed, the queue's own visibility timeout applies (an earlier retry, never a
 * lost one). Consumers may change the visibility of messages they received (the event source's grant).
 */
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { logger } from './observability.ts';

/** SQS's longest visibility timeout. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;
const queueUrls = new Map<string, Promise<string>>();
let client: SQSClient | undefined;

/**
 * Requests go to the configured endpoint, not to the host inside the queue URL: the same on AWS, and locally the
 * emulator's queue URLs name a host that need not resolve.
 */
function sqsClient(): SQSClient {
  client ??= new SQSClient({ maxAttempts: 3, useQueueUrlAsEndpoint: false });
  return client;
}

function queueUrlOf(arn: string): Promise<string> {
  let url = queueUrls.get(arn);
  if (!url) {
    const [, , , , account, name] = arn.split(':');
    url = sqsClient()
      .send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))
      .then((result) => result.QueueUrl ?? Promise.reject(new Error(`no URL for ${arn}`)));
    url.catch(() => queueUrls.delete(arn));
    queueUrls.set(arn, url);
  }
  return url;
}

/** Makes the message visible again in `seconds` (0..12 h); logs and carries on if SQS refuses. */
export async function redeliverIn(record: SQSRecord, seconds: number): Promise<void> {
  const visibility = Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(seconds)));
  try {
    await sqsClient().send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: await queueUrlOf(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: visibility,
      }),
    );
  } catch (error) {
    logger.warn('could not delay the redelivery; the queue visibility timeout applies', {
      error: (error as Error).message,
      messageId: record.messageId,
    });
  }
}
