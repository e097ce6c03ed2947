/** catalog.procedure_published → keep what each document requirement accepts (types, size). */
import type { ProcedurePublishedData } from '#catalog/events.ts';
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { recordRequirements } from '../use-cases.ts';

const CONSUMER = 'documents-on-catalog';

export const handler = eventConsumer(CONSUMER, async (event) => {
  if (event.type !== 'catalog.procedure_published') return;
  const { procedure } = event.data as ProcedurePublishedData;
  await recordRequirements(CONSUMER, event, procedure, now());
});
