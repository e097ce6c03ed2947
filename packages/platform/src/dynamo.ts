/**
 * Small helpers over the DynamoDB document client shared by every context's store: transactions that carry
 * the outbox and inbox items, recognising which item's condition failed. (Pagination cursors: cursor.ts.)
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from './aws.ts';
import { backoffDelayMs } from './aws-retry.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit for one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Indexes (positions in the transaction) whose condition failed, or undefined if the failure was something
 * else (throttling, a conflicting concurrent transaction), which callers should let propagate for a retry.
 * Prefer `conditionFailed(error, item)`, which names the item rather than counting positions.
 */
export function failedConditions(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
  return failed.length > 0 ? failed : undefined;
}

/** The items of each cancelled `transactWrite`, so a failure can be read by item rather than by position. */
const itemsOfCancelled = new WeakMap<object, readonly TransactItem[]>();

/**
 * The items whose condition cancelled the transaction, as the very objects given to `transactWrite`; undefined
 * when no condition failed (throttling, a conflict that outlasted the retries: let those propagate).
 */
export function failedItems(error: unknown): TransactItem[] | undefined {
  const positions = failedConditions(error);
  const items = itemsOfCancelled.get(error as object);
  if (positions === undefined || items === undefined) return undefined;
  return positions.flatMap((i) => (items[i] === undefined ? [] : [items[i]]));
}

/**
 * Whether `transactWrite` was cancelled by the condition of one of `items` (the objects it was given), e.g.
 * `conditionFailed(error, inbox)`: the event was already applied. With no items: by any item's condition.
 */
export function conditionFailed(error: unknown, ...items: readonly TransactItem[]): boolean {
  const failed = failedItems(error);
  if (failed === undefined) return false;
  return items.length === 0 || failed.some((item) => items.includes(item));
}

/**
 * The items a cancelled `transactWrite` names as contended, as the very objects it was given: a condition that
 * failed, or another transaction that held the item through every retry. Empty for any other error.
 */
export function contendedItems(error: unknown): TransactItem[] {
  if (!(error instanceof TransactionCanceledException)) return [];
  const items = itemsOfCancelled.get(error) ?? [];
  return (error.CancellationReasons ?? []).flatMap((reason, i) => {
    const item = items[i];
    const contended = reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict';
    return contended && item !== undefined ? [item] : [];
  });
}

/** Whether a cancelled transaction was contended on `items` and on nothing else (e.g. only a counter it took). */
export function contendedOnlyOn(error: unknown, ...items: readonly TransactItem[]): boolean {
  const contended = contendedItems(error);
  return contended.length > 0 && contended.every((item) => items.includes(item));
}

/**
 * Whether a transaction lost a race: a condition failed (an item changed since it was read) or another
 * transaction held an item through every retry. Either way nothing was written, and reading again may succeed.
 */
export function lostRace(error: unknown): boolean {
  if (failedConditions(error) !== undefined) return true;
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict')
  );
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * A transaction cancelled only because another transaction held one of its items (TransactionConflict, no
 * condition failed) changed nothing and may simply run again; the SDK does not retry it (it is a 400).
 */
export function isOnlyTransactionConflict(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.includes('TransactionConflict') && codes.every((c) => c === 'TransactionConflict' || c === 'None');
}

const CONFLICT_ATTEMPTS = 4;

export async function transactWrite(items: TransactItem[]): Promise<void> {
  if (items.length === 0) return;
  if (items.length > MAX_TRANSACTION_ITEMS) throw new Error(`transaction of ${items.length} items is too large`);
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamoDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (error instanceof TransactionCanceledException) itemsOfCancelled.set(error, items);
      if (attempt >= CONFLICT_ATTEMPTS || !isOnlyTransactionConflict(error)) throw error;
      await new Promise((r) => setTimeout(r, backoffDelayMs(attempt)));
    }
  }
}

/** DynamoDB's limit for one BatchWriteItem call. */
const BATCH_WRITE_ITEMS = 25;
/** Batches in flight at once: enough to hide round trips, few enough not to throttle a table on its own. */
const BATCHES_IN_FLIGHT = 4;
/** Rounds of re-sending what DynamoDB left unprocessed (it does so under throttling) before giving up. */
const UNPROCESSED_ROUNDS = 8;

/**
 * Puts many independent items (no conditions, no atomicity: a bulk copy such as the national catalog), 25 to a
 * BatchWriteItem call and a few calls at a time, re-sending what DynamoDB leaves unprocessed with the same
 * backoff as every other retry. One call per item, in sequence, took seconds for a catalog of hundreds.
 */
export async function putAll(tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS) batches.push(items.slice(i, i + BATCH_WRITE_ITEMS));
  const writeBatch = async (batch: Record<string, unknown>[]) => {
    let pending = batch.map((item) => ({ PutRequest: { Item: item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= UNPROCESSED_ROUNDS) throw new Error(`${pending.length} item(s) left unprocessed in ${tableName}`);
      if (round > 0) await new Promise((r) => setTimeout(r, backoffDelayMs(round)));
      const out = await dynamoDocumentClient().send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  };
  for (let i = 0; i < batches.length; i += BATCHES_IN_FLIGHT) {
    await Promise.all(batches.slice(i, i + BATCHES_IN_FLIGHT).map(writeBatch));
  }
}

/** Epoch seconds for a TTL attribute `days` from `from`. */
export const ttlAfterDays = (from: Date, days: number): number => Math.floor(from.getTime() / 1000) + days * 86_400;
