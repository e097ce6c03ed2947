/**
 * Schedule: pushes every dossier whose pending push is overdue (its retry message went to the DLQ, or its owner
 * was lost), then a page of a national re-sync's re-sends, then marks a few pages of the re-syncs still marking.
 * Returns what it did, for the logs and for `POST /dev/schedules/reporting-sync-retry-sweep`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '#platform/observability.ts';
import { httpPortalClient } from '../sync/portal-client.ts';
import { advanceResyncJobs } from '../use-cases/resync.ts';
import { sweepPendingSyncs } from '../use-cases/sync.ts';

/** Time left for the overdue page's outcome to be logged: re-sends and marking stop before it. */
const RESERVE_MS = 40_000;

const base = async (_event: unknown, context: Context) => {
  // Re-sends and marking are extra work: they take only the time the overdue pushes left.
  const hasTime = () => context.getRemainingTimeInMillis() > RESERVE_MS;
  const pushed = await sweepPendingSyncs(httpPortalClient, 100, hasTime);
  const marking = await advanceResyncJobs(hasTime);
  const summary = { ...pushed, ...(marking.pages > 0 ? { marking } : {}) };
  if (pushed.attempted > 0 || pushed.resent || marking.pages > 0) logger.info('national-portal sync sweep', summary);
  return summary;
};

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
