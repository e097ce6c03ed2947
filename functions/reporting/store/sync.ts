/**
 * The per-dossier state of the sync to the national portal, and the steps waiting to be sent.
 *
 * The head item (SYNC#<code> / SYNC) is small and of constant size: what the portal has acknowledged, the retry
 * state (attempts, last error, next attempt), who owns the pending retry, a short lease so that only one worker
 * sends a dossier at a time, and the hash of the last dossier record the portal accepted (not the record: an
 * unchanged record is not sent again, and nothing grows with the dossier's history). Every change is a Put
 * conditioned on the revision that was read. While a send is pending the head is in gsi1 (SYNC#PENDING, by next
 * attempt): the sweep and the failure list read that, never the whole table.
 *
 * Each version waiting to be sent is one step item (SYNC#<code> / STEP#<version>) holding the two records built
 * from that version's event; it is deleted once the portal acknowledged both. The last dossier record the portal
 * accepted is kept (SYNC#<code> / RECORD, one item, overwritten), for a national re-sync to send again.
 *
 * A head pending only for a re-send (a re-sync mark, no newer version) sits in gsi1 under SYNC#RESYNC instead:
 * the sweep pushes those at its own pace, and the backlog the alarm watches stays the normal sync's.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { decodePageCursor, encodePageCursor } from '#platform/cursor.ts';
import { isConditionalCheckFailed, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import type { DossierRecord, ProgressRecord } from '#portal/contract.ts';
import { isResendOnly, type ResyncMark } from '#reporting/domain/resync.ts';
import type { SyncState } from '#reporting/domain/sync.ts';
import { keys, reportingTableName } from './table.ts';

export interface SyncRecord {
  state: SyncState;
  /** The agency that received the dossier, and the one holding it now (who may see the sync state). */
  agencyCode: string;
  currentAgencyCode: string;
  revision: number;
  /** sha-256 of the last dossier record the portal accepted (isUpdating left out); absent: none yet. */
  recordHash?: string;
  /** The portal knows the dossier without a record from us (it was forwarded from DVCQG). */
  fromPortal?: boolean;
  /** Since when the next queued step has waited for a missing earlier version. */
  gapSince?: string;
  /** Versions given up as lost (their events never arrived within the gap wait). */
  skippedCount?: number;
  /** Who retries the pending send: the SQS message that failed, or 'sweep'. */
  owner?: string;
  leaseId?: string;
  leaseUntil?: string;
  lastAttemptAt?: string;
  lastSyncedAt?: string;
  /** A national re-sync asked for the current record to be sent again (domain/resync.ts). */
  resync?: ResyncMark;
}

/** One version to send: its dossier record and its progress step, built when its event arrived. */
export interface SyncStep {
  sequence: number;
  record: DossierRecord;
  progress: ProgressRecord;
  notedAt: string;
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

/** Queues a version's step; a step already queued stays as it is (a redelivered event). */
export async function putSyncStep(code: string, step: SyncStep): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: reportingTableName(),
        Item: { ...keys.syncStep(code, step.sequence), ...step },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** The oldest queued steps of a dossier, by version. */
export async function listSyncSteps(code: string, limit: number): Promise<SyncStep[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: reportingTableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :step)',
      ExpressionAttributeValues: { ':pk': keys.sync(code).pk, ':step': keys.syncStepPrefix },
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return (Items ?? []).map((item) => {
    const { pk: _pk, sk: _sk, ...step } = item;
    return step as unknown as SyncStep;
  });
}

export async function deleteSyncStep(code: string, sequence: number): Promise<void> {
  await dynamoDocumentClient().send(
    new DeleteCommand({ TableName: reportingTableName(), Key: keys.syncStep(code, sequence) }),
  );
}

/** The Put of the record as revision `expectedRevision + 1` (or 1 when new), conditioned on the revision read. */
export function syncRecordPut(
  record: SyncRecord,
  expectedRevision: number | undefined,
): { put: TransactItem; next: SyncRecord } {
  const next: SyncRecord = { ...record, revision: (expectedRevision ?? 0) + 1 };
  const pending = next.state.pendingSequence !== null;
  const index = isResendOnly(next.state, next.resync) ? keys.syncResendIndex : keys.syncPendingIndex;
  const put: TransactItem = {
    Put: {
      TableName: reportingTableName(),
      Item: {
        ...keys.sync(next.state.dossierCode),
        ...next,
        ...(pending ? { gsi1pk: index, gsi1sk: next.state.nextAttemptAt ?? '0000-00-00T00:00:00.000Z' } : {}),
      },
      ...(expectedRevision === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'revision = :revision',
            ExpressionAttributeValues: { ':revision': expectedRevision },
          }),
    },
  };
  return { put, next };
}

/**
 * Writes the record as revision `expectedRevision + 1` (or 1 when new); throws ConditionalCheckFailedException
 * when someone else changed it since it was read. With `alongside`, in one transaction with those items (then a
 * changed record cancels it: TransactionCanceledException with ConditionalCheckFailed).
 */
export async function putSyncRecord(
  record: SyncRecord,
  expectedRevision: number | undefined,
  alongside: readonly TransactItem[] = [],
): Promise<SyncRecord> {
  const { put, next } = syncRecordPut(record, expectedRevision);
  if (alongside.length > 0) {
    await transactWrite([put, ...alongside]);
    return next;
  }
  await dynamoDocumentClient().send(new PutCommand(put.Put!));
  return next;
}

/** The last dossier record the portal accepted, and of which version. */
export interface KeptRecord {
  sequence: number;
  record: DossierRecord;
  acceptedAt: string;
}

export async function keepAcceptedRecord(code: string, kept: KeptRecord): Promise<void> {
  await dynamoDocumentClient().send(
    new PutCommand({ TableName: reportingTableName(), Item: { ...keys.syncKeptRecord(code), ...kept } }),
  );
}

export async function getKeptRecord(code: string): Promise<KeptRecord | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.syncKeptRecord(code), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...kept } = Item;
  return kept as KeptRecord;
}

/** Codes of dossiers pending only for a re-send whose attempt was due at or before `dueBy`, oldest first. */
export async function listDueResendCodes(dueBy: string, limit: number): Promise<string[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: reportingTableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :resend AND gsi1sk <= :dueBy',
      ExpressionAttributeValues: { ':resend': keys.syncResendIndex, ':dueBy': dueBy },
      ProjectionExpression: 'pk',
      Limit: limit,
    }),
  );
  return (Items ?? []).map((item) => String(item.pk).slice('SYNC#'.length));
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

/**
 * How many pending pushes are due by `dueBy`, counted up to `cap` (the backlog the sweep reports for the alarm;
 * a sweep pushes at most its page, so the page's length cannot tell a backlog of 100 from one of 5,000). A COUNT
 * over the keys of the index: a few read units per thousand dossiers.
 */
export async function countDueSyncs(dueBy: string, cap: number): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: reportingTableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pending AND gsi1sk <= :dueBy',
        ExpressionAttributeValues: { ':pending': keys.syncPendingIndex, ':dueBy': dueBy },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey && count < cap);
  return Math.min(count, cap);
}

/** One page of pending pushes that failed at least once, by next attempt. */
export async function listFailingSync(
  limit: number,
  cursor: string | undefined,
): Promise<{ items: SyncRecord[]; nextCursor?: string }> {
  const items: SyncRecord[] = [];
  const shape = { keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], partition: { gsi1pk: keys.syncPendingIndex } };
  let startKey: Record<string, unknown> | undefined = decodePageCursor(cursor, shape);
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
  const nextCursor = encodePageCursor(startKey, shape);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}
