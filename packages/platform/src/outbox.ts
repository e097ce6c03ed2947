/**
 * The transactional outbox. A state change and the event describing it are written in ONE DynamoDB
 * transaction: the event is an item of the context's own table (`pk = OUTBOX#<id>`). The table's stream
 * carries the new item to the publisher (`handlers/publish-outbox.ts`), which puts it on the event bus. If a
 * function dies after the write, the stream still holds the item; if it dies before, nothing happened.
 *
 * Outbox items expire by TTL after a week: by then the stream (24 h retention) has long delivered them, and
 * they stay readable meanwhile for operators tracing an event.
 */
import { randomUUID } from 'node:crypto';
import { now } from './clock.ts';
import { type TransactItem, ttlAfterDays } from './dynamo.ts';
import type { ContextName, EventEnvelope, NewEvent } from './events.ts';
import { currentCorrelationId } from './observability.ts';

export const OUTBOX_PK_PREFIX = 'OUTBOX#';
export const OUTBOX_SK = 'OUTBOX';
const OUTBOX_RETENTION_DAYS = 7;

/** The event's own correlation id, or that of the request or event whose handling writes it. */
function correlationOf(event: { correlationId?: string }): { correlationId?: string } {
  const correlationId = event.correlationId ?? currentCorrelationId();
  return correlationId ? { correlationId } : {};
}

export function envelope<T, K extends string>(
  source: ContextName,
  event: NewEvent<T, K>,
  at = now(),
): EventEnvelope<T, K> {
  return {
    id: randomUUID(),
    type: event.type,
    version: event.version ?? 1,
    source,
    subject: event.subject,
    sequence: event.sequence,
    occurredAt: at.toISOString(),
    ...correlationOf(event),
    data: event.data,
  };
}

/** The Put that writes an event into the outbox, to be added to the state change's transaction. */
export function outboxPut(tableName: string, event: EventEnvelope): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: OUTBOX_PK_PREFIX + event.id,
        sk: OUTBOX_SK,
        type: event.type,
        event: JSON.stringify(event),
        expiresAt: ttlAfterDays(new Date(event.occurredAt), OUTBOX_RETENTION_DAYS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export function isOutboxKey(pk: unknown): boolean {
  return typeof pk === 'string' && pk.startsWith(OUTBOX_PK_PREFIX);
}
