import { eventConsumer } from '#platform/consumer.ts';
import { recordReceipt } from './record.ts';
export const handler = eventConsumer('probe-b', (event) => recordReceipt('probe-b', event));
