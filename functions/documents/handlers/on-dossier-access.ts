/** dossier.submitted / supplemented / transferred → the handling agencies may read the dossier's documents. */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { grantDossierAccess } from '../use-cases.ts';

const CONSUMER = 'documents-on-dossier-access';

export const handler = eventConsumer(CONSUMER, (event) => grantDossierAccess(CONSUMER, event, now()));
