/**
 * Retrying the projection's optimistic writes: a transaction is recomputed from a fresh read when its condition
 * failed (someone moved the item since it was read) or when it collided with a concurrent transaction on a
 * shared counter item; each retry waits a little longer, with jitter, so colliding writers spread out. Which
 * item's condition failed (the inbox's: a duplicate) is asked with `conditionFailed(error, item)`.
 */
import { failedConditions, isConditionalCheckFailed } from '#platform/dynamo.ts';

/** Attempts before giving up and letting the queue redeliver the event. */
export const MAX_WRITE_ATTEMPTS = 8;

/** A transaction cancelled by a concurrent one or by throttling: worth retrying as it is. */
export function isTransientTransactionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TransactionConflictException' || name === 'ProvisionedThroughputExceededException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError');
}

/**
 * Rethrows `error` unless writing again from a fresh read may succeed: a condition failed (of a transaction's
 * item or of a single write) or the failure was transient.
 */
export function rethrowUnlessRetryable(error: unknown): void {
  if (failedConditions(error) !== undefined) return;
  if (isTransientTransactionFailure(error) || isConditionalCheckFailed(error)) return;
  throw error;
}

/** Waits before attempt `attempt + 1`: 20 ms × 2^attempt, up to 1 s, with full jitter. */
export async function pause(attempt: number): Promise<void> {
  const ceiling = Math.min(1_000, 20 * 2 ** attempt);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
