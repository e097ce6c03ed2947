/** Consumer of dossier.* events: keeps the dossiers read model; refunds what a rejected or withdrawn dossier paid. */
import { eventConsumer } from '#platform/consumer.ts';
import { applyDossierEvent, DOSSIER_CONSUMER } from '../use-cases/dossiers.ts';

export const handler = eventConsumer(DOSSIER_CONSUMER, async (event) => {
  if (!event.type.startsWith('dossier.')) return;
  await applyDossierEvent(event);
});
