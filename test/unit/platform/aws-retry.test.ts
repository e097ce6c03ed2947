import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, test } from 'vitest';
import { awsRetryStrategy, backoffDelayMs, MAX_ATTEMPTS } from '#platform/aws-retry.ts';
import { isOnlyTransactionConflict } from '#platform/dynamo.ts';

describe('the AWS clients’ retry strategy', () => {
  test('retries what the SDK calls retryable up to MAX_ATTEMPTS attempts, with no shared quota', async () => {
    // Many concurrent calls failing at once must each get all their retries (a shared quota would run dry).
    const chains = await Promise.all(
      Array.from({ length: 300 }, async () => {
        let token = await awsRetryStrategy.acquireInitialRetryToken();
        let retries = 0;
        for (;;) {
          try {
            token = await awsRetryStrategy.refreshRetryTokenForRetry(token, { errorType: 'SERVER_ERROR' });
            retries++;
          } catch {
            return retries;
          }
        }
      }),
    );
    expect(new Set(chains)).toEqual(new Set([MAX_ATTEMPTS - 1]));
  });

  test('does not retry a client error', async () => {
    const token = await awsRetryStrategy.acquireInitialRetryToken();
    await expect(awsRetryStrategy.refreshRetryTokenForRetry(token, { errorType: 'CLIENT_ERROR' })).rejects.toThrow();
  });

  test('backs off with full jitter under a cap, and honours a Retry-After hint', async () => {
    expect(backoffDelayMs(1, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, () => 0.5)).toBe(200);
    expect(backoffDelayMs(20, () => 0.999)).toBeLessThanOrEqual(2_000);
    const token = await awsRetryStrategy.acquireInitialRetryToken();
    const hinted = await awsRetryStrategy.refreshRetryTokenForRetry(token, {
      errorType: 'THROTTLING',
      retryAfterHint: new Date(Date.now() + 1_500),
    });
    expect(hinted.getRetryDelay()).toBeGreaterThan(1_000);
  });
});

describe('transaction conflicts', () => {
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  test('a cancellation only by conflicts is run again; one with a failed condition is not', () => {
    expect(isOnlyTransactionConflict(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isOnlyTransactionConflict(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(isOnlyTransactionConflict(cancelled('None', 'None'))).toBe(false);
    expect(isOnlyTransactionConflict(new Error('other'))).toBe(false);
  });
});
