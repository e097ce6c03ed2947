/**
 * portal.dossier_forwarded → the dossier, created through the submission rules (source dvcqg);
 * portal.supplement_forwarded → the supplement the citizen gave on the portal, applied as the owner's.
 */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { applyForwardedSupplement, createForwardedDossier } from '../forwarded.ts';

export const handler = eventConsumer('dossiers-on-portal-event', (event) =>
  event.type === 'portal.supplement_forwarded'
    ? applyForwardedSupplement(event, now())
    : createForwardedDossier(event, now()),
);
