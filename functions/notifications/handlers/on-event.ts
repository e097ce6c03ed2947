/**
 * Consumer of dossier.*, payment.completed and this context's own alert.* events: plans the messages each
 * calls for and delivers them once (use-cases/dispatch.ts). A record whose messages must wait (a temporary
 * failure) or can never be delivered is failed alone (partial batch response), after setting when SQS shows
 * it again: the backoff delay, or at once for an undeliverable one so it reaches the DLQ without waiting.
 */
import { eventConsumer } from '#platform/consumer.ts';
import { logger } from '#platform/observability.ts';
import { redeliverIn } from '#platform/redelivery.ts';
import { enabledChannels, providersFromEnv, retryPolicy } from '../settings.ts';
import { type Dispatcher, handleNotificationEvent } from '../use-cases/dispatch.ts';

let dispatcher: Dispatcher | undefined;

/** Built on first use: the environment (local or AWS providers) is complete by then. */
function currentDispatcher(): Dispatcher {
  dispatcher ??= { providers: providersFromEnv(), policy: retryPolicy(), enabledChannels: enabledChannels() };
  return dispatcher;
}

export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

export class UndeliverableError extends Error {
  override name = 'UndeliverableError';
}

export const handler = eventConsumer('notifications-on-event', async (event, record) => {
  const outcome = await handleNotificationEvent(event, currentDispatcher());
  if (outcome.retryInMs !== undefined) {
    await redeliverIn(record, outcome.retryInMs / 1000);
    throw new RetryLaterError(`event ${event.id}: a message waits ${outcome.retryInMs} ms for another attempt`);
  }
  if (outcome.undeliverable.length > 0) {
    logger.error('notification undeliverable on every channel', {
      eventId: event.id,
      type: event.type,
      messageIds: outcome.undeliverable,
    });
    await redeliverIn(record, 0);
    throw new UndeliverableError(`event ${event.id}: ${outcome.undeliverable.length} message(s) undeliverable`);
  }
});
