/**
 * Operator-invoked (docs/operations.md, "Recounting the queue's status counts"): counts the dossiers no write
 * counted yet (recount.ts). Event `{}` for the whole province, `{"agencyCode": "…"}` for one agency.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#platform/observability.ts';
import { recountStatusCounts } from '../recount.ts';

export const handler = middy(async (event: { agencyCode?: unknown } | null) => {
  const agencyCode = typeof event?.agencyCode === 'string' && event.agencyCode !== '' ? event.agencyCode : undefined;
  return recountStatusCounts(agencyCode ? { agencyCode } : {});
}).use(injectLambdaContext(logger, { resetKeys: true }));
