/**
 * SES bounces and complaints (AWS only, where the province sends email): the configuration set's event destination
 * publishes them to a topic that delivers to this function's queue raw, so each SQS message body is SES's event
 * itself (not an envelope of ours). One bad message fails alone (partial batch response) and ends in the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { now } from '#platform/clock.ts';
import { logger } from '#platform/observability.ts';
import { applyEmailFeedback, sesFeedbackSchema } from '../use-cases/email-feedback.ts';

const processor = new BatchProcessor(EventType.SQS);

async function applyRecord(record: SQSRecord): Promise<void> {
  await applyEmailFeedback(sesFeedbackSchema.parse(JSON.parse(record.body)), now());
}

const base = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, applyRecord, processor, { context });

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
