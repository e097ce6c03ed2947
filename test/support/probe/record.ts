import { now } from '#platform/clock.ts';
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import { tableName } from '#platform/env.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { inboxPut } from '#platform/inbox.ts';

/** Counts deliveries per consumer; the inbox item in the same transaction makes a redelivery a no-op. */
export async function recordReceipt(consumer: string, event: EventEnvelope): Promise<void> {
  const table = tableName('probe');
  const inbox = inboxPut(table, consumer, event.id, now());
  try {
    await transactWrite([
      inbox,
      {
        Update: {
          TableName: table,
          Key: { pk: `RECEIVED#${(event.data as { id: string }).id}`, sk: consumer },
          UpdateExpression: 'ADD #count :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ]);
  } catch (error) {
    if (conditionFailed(error, inbox)) return; // already applied
    throw error;
  }
}
