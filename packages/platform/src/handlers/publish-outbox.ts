/**
 * The outbox publisher: reads a context table's stream and puts every new outbox item on the event bus
 * (SNS), with the event type as a message attribute so each consumer's subscription filter picks its own.
 * Partial batch failures make the stream retry only from the first record that failed; publishing the same
 * event twice is harmless because consumers deduplicate on the event id.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaAttributeValue,
} from 'aws-lambda';
import { snsClient } from '../aws.ts';
import { EVENTS_TOPIC_ENV, requiredEnv } from '../env.ts';
import type { EventEnvelope } from '../events.ts';
import { logger } from '../observability.ts';
import { isOutboxKey } from '../outbox.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function publishRecord(record: DynamoDBRecord): Promise<void> {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return;
  const image = unmarshall(
    record.dynamodb.NewImage as Record<string, AttributeValue> & Record<string, LambdaAttributeValue>,
  );
  if (!isOutboxKey(image.pk)) return;
  const event = JSON.parse(String(image.event)) as EventEnvelope;
  await snsClient().send(
    new PublishCommand({
      TopicArn: requiredEnv(EVENTS_TOPIC_ENV),
      Message: String(image.event),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: event.type },
        source: { DataType: 'String', StringValue: event.source },
      },
    }),
  );
  logger.debug('event published', { eventId: event.id, type: event.type });
}

const base = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
  processPartialResponse(event, publishRecord, processor, { context });

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
