/** portal.dossier_forwarded → the dossier, created through the submission rules (source dvcqg). */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { createForwardedDossier } from '../forwarded.ts';

export const handler = eventConsumer('dossiers-on-portal-event', (event) => createForwardedDossier(event, now()));
