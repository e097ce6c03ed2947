import { eventConsumer } from '#platform/consumer.ts';
import { recordReceipt } from './record.ts';
export const handler = eventConsumer('probe-a', (event) => recordReceipt('probe-a', event));
