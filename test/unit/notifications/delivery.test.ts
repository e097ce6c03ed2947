import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  canTransition,
  classifyProviderError,
  DEFAULT_RETRY_POLICY,
  type DeliveryState,
  newDeliveryState,
  nextAttemptDelay,
  onDeliveryReport,
  onSendResult,
  ProviderError,
} from '#notifications/domain/delivery.ts';

const NOW = new Date('2026-11-22T02:00:00Z');
const awsError = (name: string, httpStatusCode: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
    ...extra,
  });

describe('classifyProviderError', () => {
  test.each([
    ['SES v2 throttling', awsError('TooManyRequestsException', 429)],
    ['SES v2 quota', awsError('LimitExceededException', 400)],
    ['SES v2 paused sending', awsError('SendingPausedException', 400)],
    ['SNS throttling', awsError('ThrottledException', 400)],
    ['SNS internal error', awsError('InternalErrorException', 500)],
    ['an unnamed 503', Object.assign(new Error('unavailable'), { statusCode: 503 })],
    ['an HTTP 429 from Zalo', new ProviderError('rate limited', { httpStatus: 429 })],
    ['a socket timeout', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a fetch timeout', Object.assign(new Error('fetch failed'), { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } })],
    ['an aborted request', Object.assign(new Error('aborted'), { name: 'TimeoutError' })],
    ['something unknown', new Error('boom')],
  ])('%s is temporary', (_, error) => {
    expect(classifyProviderError(error)).toBe('temporary');
  });

  test.each([
    ['SES v2 rejected message', awsError('MessageRejected', 400)],
    ['SES v2 suspended account', awsError('AccountSuspendedException', 400)],
    ['SNS invalid phone number', awsError('InvalidParameterException', 400)],
    ['an unsubscribed recipient', new Error('Recipient unsubscribed')],
    ['an invalid address', new Error('Invalid email address')],
    ['Zalo: no Zalo account for the phone', { error: -118, message: 'Zalo account not existed' }],
    ['an unnamed 400', Object.assign(new Error('bad'), { statusCode: 400 })],
  ])('%s is permanent', (_, error) => {
    expect(classifyProviderError(error)).toBe('permanent');
  });

  test('a provider that knows better decides', () => {
    expect(classifyProviderError(new ProviderError('x', { errorClass: 'permanent', httpStatus: 503 }))).toBe(
      'permanent',
    );
    expect(classifyProviderError(new ProviderError('x', { errorClass: 'temporary', httpStatus: 400 }))).toBe(
      'temporary',
    );
  });
});

describe('nextAttemptDelay', () => {
  const policy = { baseDelayMs: 10_000, maxDelayMs: 900_000, maxAttempts: 6 };

  test('doubles the ceiling each attempt with half of it guaranteed', () => {
    // Ceiling: 10 s, 20 s, 40 s, 80 s; the wait lies in [ceiling/2, ceiling].
    expect(nextAttemptDelay(1, () => 0, policy)).toBe(5_000);
    expect(nextAttemptDelay(1, () => 1, policy)).toBe(10_000);
    expect(nextAttemptDelay(2, () => 0, policy)).toBe(10_000);
    expect(nextAttemptDelay(3, () => 0.5, policy)).toBe(30_000);
    expect(nextAttemptDelay(4, () => 1, policy)).toBe(80_000);
  });

  test('never exceeds the cap (SQS delays stop at 15 minutes)', () => {
    expect(nextAttemptDelay(20, () => 1, policy)).toBe(900_000);
    expect(nextAttemptDelay(1000, () => 0, policy)).toBe(450_000);
  });

  test('grows with the attempt whatever the random draws, until the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, r1, r2) => {
          const now = nextAttemptDelay(attempt, () => r1, policy);
          const later = nextAttemptDelay(attempt + 1, () => r2, policy);
          expect(later).toBeGreaterThanOrEqual(Math.min(now, policy.maxDelayMs / 2));
          expect(later).toBeLessThanOrEqual(policy.maxDelayMs);
        },
      ),
    );
  });
});

describe('onSendResult', () => {
  const queued = (): DeliveryState => newDeliveryState('evt-1:applicant:X:zalo', 'zalo', NOW);
  const later = new Date('2026-11-22T02:00:05Z');

  test('a success marks the message sent with the provider id', () => {
    const { state, fallBack } = onSendResult(queued(), { ok: true, providerMessageId: 'p-1' }, later);
    expect(state).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerMessageId: 'p-1',
      sentAt: '2026-11-22T02:00:05.000Z',
    });
    expect(fallBack).toBe(false);
  });

  test('a temporary error keeps it queued with the next attempt time', () => {
    const outcome = onSendResult(queued(), { ok: false, error: awsError('ThrottledException', 400) }, later, {
      random: () => 1,
    });
    expect(outcome.fallBack).toBe(false);
    expect(outcome.retryInMs).toBe(10_000);
    expect(outcome.state).toMatchObject({
      status: 'queued',
      attempts: 1,
      nextAttemptAt: '2026-11-22T02:00:15.000Z',
      lastError: { class: 'temporary', name: 'ThrottledException' },
    });
  });

  test('a permanent error fails it at once and asks for the fallback', () => {
    const error = { error: -118, message: 'Zalo account not existed' };
    const { state, fallBack } = onSendResult(queued(), { ok: false, error }, later);
    expect(fallBack).toBe(true);
    expect(state).toMatchObject({ status: 'failed', attempts: 1, failedAt: '2026-11-22T02:00:05.000Z' });
    expect(state.lastError).toMatchObject({ class: 'permanent', code: '-118' });
  });

  test('temporary errors fail the channel after the last allowed attempt', () => {
    let state = queued();
    const error = new Error('timeout');
    for (let i = 1; i < DEFAULT_RETRY_POLICY.maxAttempts; i++) {
      const outcome = onSendResult(state, { ok: false, error }, later, { random: () => 0 });
      expect(outcome.state.status).toBe('queued');
      state = outcome.state;
    }
    const last = onSendResult(state, { ok: false, error }, later, { random: () => 0 });
    expect(last.state.status).toBe('failed');
    expect(last.state.attempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(last.state.nextAttemptAt).toBeUndefined();
    expect(last.fallBack).toBe(true);
  });

  test('a second result for a message already sent changes nothing', () => {
    const sent = onSendResult(queued(), { ok: true }, later).state;
    const again = onSendResult(sent, { ok: false, error: new Error('late') }, later);
    expect(again.state).toBe(sent);
    expect(again.fallBack).toBe(false);
  });
});

describe('onDeliveryReport', () => {
  const sent = () => onSendResult(newDeliveryState('m', 'email', NOW), { ok: true }, NOW).state;

  test('delivered after sent', () => {
    const { state } = onDeliveryReport(sent(), { outcome: 'delivered' }, NOW);
    expect(state.status).toBe('delivered');
  });

  test('a bounce fails the message and asks for the fallback', () => {
    const { state, fallBack } = onDeliveryReport(sent(), { outcome: 'failed', reason: 'Permanent bounce' }, NOW);
    expect(state.status).toBe('failed');
    expect(state.lastError?.message).toBe('Permanent bounce');
    expect(fallBack).toBe(true);
  });

  test('final states do not move', () => {
    const delivered = onDeliveryReport(sent(), { outcome: 'delivered' }, NOW).state;
    const after = onDeliveryReport(delivered, { outcome: 'failed' }, NOW);
    expect(after.state).toBe(delivered);
    expect(after.fallBack).toBe(false);
    expect(canTransition('failed', 'sent')).toBe(false);
    expect(canTransition('sent', 'queued')).toBe(false);
  });
});
