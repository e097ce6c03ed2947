/**
 * The inbox: how a consumer applies each event once although delivery is at-least-once. The consumer adds
 * `inboxPut` to the transaction that applies the event; a redelivered event fails that condition, and the
 * whole transaction (the effect too) is refused — the effect and the record of having applied it can
 * never disagree.
 */
import { type TransactItem, ttlAfterDays } from './dynamo.ts';

const INBOX_RETENTION_DAYS = 14;

export function inboxPut(tableName: string, consumer: string, eventId: string, at: Date): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { pk: `INBOX#${consumer}#${eventId}`, sk: 'INBOX', expiresAt: ttlAfterDays(at, INBOX_RETENTION_DAYS) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export const inboxKey = (consumer: string, eventId: string) => ({ pk: `INBOX#${consumer}#${eventId}`, sk: 'INBOX' });
