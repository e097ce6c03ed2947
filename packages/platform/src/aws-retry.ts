/**
 * How every AWS client here retries a failed call: up to MAX_ATTEMPTS attempts with full-jitter exponential
 * backoff for what the SDK classifies as retryable (throttling, 5xx, connection errors).
 *
 * Why not the SDK's standard strategy: it also keeps a retry quota (500 tokens, 5 per retry) shared by every
 * call of one client. On Lambda a container serves one request at a time, so that quota never runs out; the
 * local cloud serves hundreds of concurrent requests from one process and one client, where a short burst of
 * emulator errors exhausts the quota and the following calls fail without a single retry — a failure AWS
 * would not produce. Bounding attempts (and the delay) per call keeps the same protection against retry storms
 * a Lambda container has, in both places.
 */

/** Attempts per call, the first included. */
export const MAX_ATTEMPTS = 5;
const BASE_DELAY_MS = 50;
const MAX_DELAY_MS = 2_000;

interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** The part of the SDK's error classification we read (RetryErrorInfo of @smithy/types). */
interface ErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

const token = (count: number, delay: number): Token => ({ getRetryCount: () => count, getRetryDelay: () => delay });

/** Full jitter: a random delay up to the doubled base, so concurrent retries spread instead of colliding again. */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry));
}

export const awsRetryStrategy = {
  mode: 'standard',
  async acquireInitialRetryToken(): Promise<Token> {
    return token(0, 0);
  },
  async refreshRetryTokenForRetry(previous: Token, info: ErrorInfo): Promise<Token> {
    const retry = previous.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || retry >= MAX_ATTEMPTS) throw new Error('no more retries');
    const hinted = info.retryAfterHint ? Math.max(0, info.retryAfterHint.getTime() - Date.now()) : 0;
    return token(retry, Math.min(MAX_DELAY_MS, Math.max(hinted, backoffDelayMs(retry))));
  },
  recordSuccess(): void {},
};
