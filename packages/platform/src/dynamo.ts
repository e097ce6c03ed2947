/**
 * Small helpers over the DynamoDB document client shared by every context's store: transactions that carry
 * the outbox and inbox items, recognising which condition failed. (Pagination cursors: cursor.ts.)
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from './aws.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit for one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Indexes (positions in the transaction) whose condition failed, or undefined if the failure was something
 * else (throttling, a conflicting concurrent transaction), which callers should let propagate for a retry.
 */
export function failedConditions(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
  return failed.length > 0 ? failed : undefined;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

export async function transactWrite(items: TransactItem[]): Promise<void> {
  if (items.length === 0) return;
  if (items.length > MAX_TRANSACTION_ITEMS) throw new Error(`transaction of ${items.length} items is too large`);
  await dynamoDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
}

/** Epoch seconds for a TTL attribute `days` from `from`. */
export const ttlAfterDays = (from: Date, days: number): number => Math.floor(from.getTime() / 1000) + days * 86_400;
