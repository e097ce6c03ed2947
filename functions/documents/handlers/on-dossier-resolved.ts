/** dossier.resolved with a result document → sign the electronic result (KMS on AWS, local key pair locally). */
import { now } from '#platform/clock.ts';
import { eventConsumer } from '#platform/consumer.ts';
import { signerFromEnv } from '../signer.ts';
import { signResult } from '../use-cases.ts';

const CONSUMER = 'documents-sign-result';

export const handler = eventConsumer(CONSUMER, (event) => signResult(CONSUMER, event, signerFromEnv(), now()));
