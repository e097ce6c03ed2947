/** Scheduled every 15 minutes: deadline alerts for open dossiers (use-cases/alerts.ts). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { now } from '#platform/clock.ts';
import { logger } from '#platform/observability.ts';
import { runDeadlineAlerts } from '../use-cases/alerts.ts';

export const handler = middy(async () => runDeadlineAlerts(now())).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
