/** Schedule: take in the dossiers the national portal holds for the province (pull delivery). */
import { now } from '#platform/clock.ts';
import { logger } from '#platform/observability.ts';
import { pullForwarded } from '../use-cases/pull.ts';

export const handler = async (): Promise<unknown> => {
  const outcome = await pullForwarded(now());
  logger.info('pulled forwarded dossiers', { ...outcome });
  return outcome;
};
