/**
 * What the payments use cases share: deciding again after a lost race (how often, how long a pause, the answer
 * when it never wins), the randomness of merchant references, and findings for the day's
 * reconciliation report.
 */
import { randomBytes } from 'node:crypto';
import { ConflictError } from '#platform/errors.ts';
import { logger } from '#platform/observability.ts';
import * as store from '../store.ts';

/** How many times a decision is taken again after losing a race. */
export const ATTEMPTS = 8;

/** A short, jittered pause before deciding again after a lost race (receipt numbers are contended). */
export const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, attempt * 15 + Math.floor(Math.random() * 25)));

export function busy(): ConflictError {
  return new ConflictError('concurrent-change', {
    vi: 'Khoản thanh toán đang được cập nhật đồng thời; vui lòng thử lại.',
    en: 'The payment is being changed concurrently; please try again.',
  });
}

/** 13 base-36 characters of randomness for merchant references. */
export const randomBase36 = (): string =>
  BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString(36)
    .padStart(13, '0');

export async function finding(entry: store.NewFinding, at: Date): Promise<void> {
  try {
    await store.recordFinding(entry, at);
  } catch (error) {
    // A finding is for people to read later; failing to note one must not fail the money path.
    logger.error('could not record a reconciliation finding', { kind: entry.kind, error: error as Error });
  }
}
