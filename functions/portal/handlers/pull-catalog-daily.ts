/** Schedule: pull the national catalog daily (a failure is retried at the next run; the last pull stays). */
import { now } from '#platform/clock.ts';
import { logger } from '#platform/observability.ts';
import { pullNationalCatalog } from '../use-cases/pull.ts';

export const handler = async (): Promise<unknown> => {
  const pulled = await pullNationalCatalog(now());
  logger.info('national catalog pulled', pulled);
  return pulled;
};
