/** Forwarded dossiers' progress: their files verified or refused (documents), their dossier created (dossiers). */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { applyIntakeEvent } from '../use-cases/events-in.ts';

const NAME = 'portal-on-intake-event';
export const handler = eventConsumer(NAME, (event) => applyIntakeEvent(NAME, event, now()));
