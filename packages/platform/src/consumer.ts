/**
 * The stack for event consumers fed by SQS: Powertools batch processing reports partial failures, so one
 * bad message is retried (and ends in the DLQ after the queue's maxReceiveCount) without holding up or
 * repeating the rest of its batch. Each record is parsed into the event envelope; the handler applies it
 * idempotently (see inbox.ts).
 *
 * Each record is handled as part of its event's correlation (the id the event carries, else its own id), so
 * events it writes carry the same id; the consumer counts EventsApplied and EventsFailed (CloudWatch metrics,
 * dimension `service` = the function), and logs each failure with the event and correlation ids.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { EventEnvelope } from './events.ts';
import { logger, metrics, tracing, withCorrelationId } from './observability.ts';

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
    const correlationId = event.correlationId ?? event.id;
    const keys = { consumer: name, eventId: event.id, type: event.type, subject: event.subject, correlationId };
    logger.debug('applying event', keys);
    try {
      await withCorrelationId(correlationId, () => handle(event, record));
    } catch (error) {
      logger.warn('event not applied', { ...keys, error: (error as Error).message, kind: (error as Error).name });
      throw error;
    }
  };
  const base = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await processPartialResponse(event, recordHandler, processor, { context });
    const failed = response.batchItemFailures.length;
    metrics.addMetric('EventsApplied', MetricUnit.Count, event.Records.length - failed);
    if (failed > 0) metrics.addMetric('EventsFailed', MetricUnit.Count, failed);
    return response;
  };
  return middy(base)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(tracing())
    .use(logMetrics(metrics));
}
