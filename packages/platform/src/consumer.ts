/**
 * The stack for event consumers fed by SQS: Powertools batch processing reports partial failures, so one
 * bad message is retried (and ends in the DLQ after the queue's maxReceiveCount) without holding up or
 * repeating the rest of its batch. Each record is parsed into the event envelope; the handler applies it
 * idempotently (see inbox.ts).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { EventEnvelope } from './events.ts';
import { logger } from './observability.ts';

export const eventEnvelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  version: z.number().int().positive(),
  source: z.string(),
  subject: z.string(),
  sequence: z.number().int().nonnegative(),
  occurredAt: z.string(),
  correlationId: z.string().optional(),
  data: z.unknown(),
});

/** Raw message delivery gives the envelope itself; otherwise SNS wraps it in a Notification. */
export function envelopeFromSqsBody(body: string): EventEnvelope {
  const parsed: unknown = JSON.parse(body);
  const maybeSns = parsed as { Type?: string; Message?: string };
  const inner =
    maybeSns.Type === 'Notification' && typeof maybeSns.Message === 'string' ? JSON.parse(maybeSns.Message) : parsed;
  return eventEnvelopeSchema.parse(inner) as EventEnvelope;
}

export type EventHandlerFn = (event: EventEnvelope, record: SQSRecord) => Promise<void>;

export function eventConsumer(name: string, handle: EventHandlerFn) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const event = envelopeFromSqsBody(record.body);
    logger.debug('applying event', { consumer: name, eventId: event.id, type: event.type, subject: event.subject });
    await handle(event, record);
  };
  const base = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context });
  return middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
}
