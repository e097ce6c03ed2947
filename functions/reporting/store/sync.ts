/**
 * The per-dossier state of the push to the national portal: the newest snapshot known, what the portal has, the
 * retry state (attempts, last error, next attempt), who owns the pending retry, and a short lease so that only
 * one worker pushes a dossier at a time. Every change is a Put conditioned on the revision that was read.
 * While a push is pending the item is in gsi1 (SYNC#PENDING, by next attempt): the sweep and the failure list
 * read that, never the whole table.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DossierSnapshot } from '#dossiers/events.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { decodeCursor, encodeCursor } from '#platform/dynamo.ts';
import type { SyncState } from '#reporting/domain/sync.ts';
import { keys, reportingTableName } from './table.ts';

export interface SyncRecord {
  state: SyncState;
  /** The agency that received the dossier, and the one holding it now (who may see the sync state). */
  agencyCode: string;
  currentAgencyCode: string;
  /** The newest version of the dossier known: the one pending, or the one on the portal. */
  snapshot: DossierSnapshot;
  snapshotSequence: number;
  revision: number;
  /** Who retries the pending push: the SQS message that failed, or 'sweep'. */
  owner?: string;
  leaseId?: string;
  leaseUntil?: string;
  lastAttemptAt?: string;
  lastSyncedAt?: string;
}

export async function getSyncRecord(code: string, consistent = true): Promise<SyncRecord | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.sync(code), ConsistentRead: consistent }),
  );
  return Item ? fromItem(Item) : undefined;
}

function fromItem(item: Record<string, unknown>): SyncRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...rest } = item;
  return rest as unknown as SyncRecord;
}

/**
 * Writes the record as revision `expectedRevision + 1` (or 1 when new); throws ConditionalCheckFailedException
 * when someone else changed it since it was read.
 */
export async function putSyncRecord(record: SyncRecord, expectedRevision: number | undefined): Promise<SyncRecord> {
  const next: SyncRecord = { ...record, revision: (expectedRevision ?? 0) + 1 };
  const pending = next.state.pendingSequence !== null;
  await dynamoDocumentClient().send(
    new PutCommand({
      TableName: reportingTableName(),
      Item: {
        ...keys.sync(next.state.dossierCode),
        ...next,
        ...(pending
          ? { gsi1pk: keys.syncPendingIndex, gsi1sk: next.state.nextAttemptAt ?? '0000-00-00T00:00:00.000Z' }
          : {}),
      },
      ...(expectedRevision === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'revision = :revision',
            ExpressionAttributeValues: { ':revision': expectedRevision },
          }),
    }),
  );
  return next;
}

/** Codes of dossiers whose pending push was due at or before `dueBy`, oldest first. */
export async function listDueSyncCodes(dueBy: string, limit: number): Promise<string[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: reportingTableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pending AND gsi1sk <= :dueBy',
      ExpressionAttributeValues: { ':pending': keys.syncPendingIndex, ':dueBy': dueBy },
      ProjectionExpression: 'pk',
      Limit: limit,
    }),
  );
  return (Items ?? []).map((item) => String(item.pk).slice('SYNC#'.length));
}

/** One page of pending pushes that failed at least once, by next attempt. */
export async function listFailingSync(
  limit: number,
  cursor: string | undefined,
): Promise<{ items: SyncRecord[]; nextCursor?: string }> {
  const items: SyncRecord[] = [];
  let startKey = decodeCursor(cursor);
  // A filtered Query may return short pages: keep reading until the page is full or the index ends.
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: reportingTableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pending',
        FilterExpression: '#state.attempts > :zero',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': keys.syncPendingIndex, ':zero': 0 },
        ExclusiveStartKey: startKey,
        Limit: limit - items.length,
      }),
    );
    items.push(...(page.Items ?? []).map(fromItem));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  const nextCursor = encodeCursor(startKey);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}
