import { eventConsumer } from '#platform/consumer.ts';
export const handler = eventConsumer('probe-poison', async () => {
  throw new Error('this consumer always fails');
});
