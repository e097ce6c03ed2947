/** Schedule payments-reconciliation (every 5 minutes): settle or expire overdue pending payments; resend refunds. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#platform/observability.ts';
import type { ReconcileResult } from '../api/schemas.ts';
import { reconcile } from '../use-cases/reconciliation.ts';

const base = async (): Promise<ReconcileResult> => {
  const result = await reconcile();
  logger.info('payments reconciled', { ...result });
  return result;
};

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
