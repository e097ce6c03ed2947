/**
 * Schedule: pushes every dossier whose pending push is overdue (its retry message went to the DLQ, or its owner
 * was lost). Returns what it did, for the logs and for `POST /dev/schedules/reporting-sync-retry-sweep`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '#platform/observability.ts';
import { httpPortalClient } from '../sync/portal-client.ts';
import { sweepPendingSyncs } from '../use-cases/sync.ts';

const base = async () => {
  const summary = await sweepPendingSyncs(httpPortalClient);
  if (summary.attempted > 0) logger.info('national-portal sync sweep', summary);
  return summary;
};

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
