/**
 * Local development only: what the national-portal stand-in (`/dev/national-portal/*`) received, and its outage
 * switch. Kept in the reporting table so that every local process sees the same stand-in.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { keys, reportingTableName } from './table.ts';

export interface ReceivedRecord {
  code: string;
  /** The record as last received (the portal keeps one current record per dossier). */
  record: Record<string, unknown>;
  /** How many pushes of this dossier were received. */
  receivedCount: number;
  lastReceivedAt: string;
}

export async function isPortalDown(): Promise<boolean> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.devPortalOutage, ConsistentRead: true }),
  );
  return Item?.down === true;
}

export async function setPortalDown(down: boolean, at: string): Promise<void> {
  await dynamoDocumentClient().send(
    new PutCommand({ TableName: reportingTableName(), Item: { ...keys.devPortalOutage, down, changedAt: at } }),
  );
}

export async function storeReceivedRecord(code: string, record: Record<string, unknown>, at: string): Promise<number> {
  const { Attributes } = await dynamoDocumentClient().send(
    new UpdateCommand({
      TableName: reportingTableName(),
      Key: keys.devPortalRecord(code),
      UpdateExpression: 'SET #record = :record, lastReceivedAt = :at, code = :code ADD receivedCount :one',
      ExpressionAttributeNames: { '#record': 'record' },
      ExpressionAttributeValues: { ':record': record, ':at': at, ':code': code, ':one': 1 },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Number(Attributes?.receivedCount ?? 1);
}

function fromItem(item: Record<string, unknown>): ReceivedRecord {
  return {
    code: String(item.code),
    record: item.record as Record<string, unknown>,
    receivedCount: Number(item.receivedCount ?? 0),
    lastReceivedAt: String(item.lastReceivedAt),
  };
}

export async function getReceivedRecord(code: string): Promise<ReceivedRecord | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.devPortalRecord(code), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

export async function listReceivedRecords(): Promise<ReceivedRecord[]> {
  const items: ReceivedRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: reportingTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.devPortalRecordsPartition },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).map(fromItem));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
