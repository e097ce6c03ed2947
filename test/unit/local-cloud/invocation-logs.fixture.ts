/**
 * A handler for test/unit/local-cloud/invocation-logs.test.ts, run as two functions at once. Through the
 * middy stack the platform's handlers use (injectLambdaContext, resetKeys) it appends a dossier key and logs
 * before and after waiting for the test to let it go on; a plain handler, outside any middy stack, logs alike
 * without ever adding the Lambda context itself.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#platform/observability.ts';

export interface ProbeEvent {
  dossierCode: string;
  /** Resolves when the test lets the invocation go on. */
  proceed: () => Promise<void>;
  /** The invocation has logged its first line and waits. */
  waiting: () => void;
}

async function work(event: ProbeEvent): Promise<string> {
  logger.appendKeys({ dossierCode: event.dossierCode });
  logger.warn('started');
  event.waiting();
  await event.proceed();
  logger.warn('finished', { step: 2 });
  return event.dossierCode;
}

const withMiddy = middy(work).use(injectLambdaContext(logger, { resetKeys: true }));

export const handler = async (event: ProbeEvent & { plain?: boolean }, context: unknown): Promise<string> =>
  event.plain ? work(event) : withMiddy(event, context as never);
