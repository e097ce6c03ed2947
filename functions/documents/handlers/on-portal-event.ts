/** portal.files_received → the forwarded dossier's files become the applicant's documents (verified like uploads). */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { takeInForwardedFiles } from '../forwarded-files.ts';

export const handler = eventConsumer('documents-on-portal-event', (event) => takeInForwardedFiles(event, now()));
