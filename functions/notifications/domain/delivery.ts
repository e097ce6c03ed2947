/**
 * The delivery log's state machine, per message: queued → sent → delivered | failed. Temporary provider errors
 * keep the message queued with a backoff; permanent ones (or running out of attempts) fail it and tell the
 * caller to fall back to the next channel (`planFallback`). Results that arrive for a message already past
 * `queued` (a redelivered queue message, a late callback) leave the state as it is.
 */
import type { NotificationChannel } from './templates.ts';

export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Allowed transitions. `queued → delivered | failed` covers a delivery report that overtakes the write of the
 * send result (providers can report within milliseconds).
 */
export const DELIVERY_TRANSITIONS: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  queued: ['queued', 'sent', 'delivered', 'failed'],
  sent: ['delivered', 'failed'],
  delivered: [],
  failed: [],
};

export function canTransition(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return DELIVERY_TRANSITIONS[from].includes(to);
}

export type ErrorClass = 'temporary' | 'permanent';

export interface DeliveryState {
  messageId: string;
  channel: NotificationChannel;
  status: DeliveryStatus;
  attempts: number;
  queuedAt: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  providerMessageId?: string;
  sentAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  lastError?: { class: ErrorClass; name?: string; code?: string; message: string };
}

/** The log entry of a message about to be sent for the first time. */
export function newDeliveryState(messageId: string, channel: NotificationChannel, now: Date): DeliveryState {
  return { messageId, channel, status: 'queued', attempts: 0, queuedAt: now.toISOString() };
}

/**
 * What channel providers throw when they know better than the generic rules (e.g. a Zalo response body with
 * `error: -118`, "Zalo account not existed", arrives with HTTP 200).
 */
export class ProviderError extends Error {
  readonly errorClass: ErrorClass | undefined;
  readonly code: string | undefined;
  readonly httpStatus: number | undefined;
  constructor(
    message: string,
    options: { errorClass?: ErrorClass; code?: string; httpStatus?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.errorClass = options.errorClass;
    this.code = options.code;
    this.httpStatus = options.httpStatus;
  }
}

// AWS SDK v3 error names (SES v2 SendEmail, SNS Publish) and Node network errors.
const TEMPORARY_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'LimitExceededException', // SES v2: sending rate or daily quota reached
  'SendingPausedException', // SES v2: paused by an operator, resumes
  'KMSThrottlingException',
  'InternalServiceErrorException',
  'InternalErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

const PERMANENT_NAMES = new Set([
  'MessageRejected', // SES v2: invalid content or recipient
  'BadRequestException',
  'InvalidParameterException', // SNS: e.g. not a valid phone number
  'InvalidParameterValueException',
  'EndpointDisabledException',
  'OptedOutException',
  'AccountSuspendedException', // SES v2: permanently restricted; another channel may still work
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
  'AuthorizationErrorException',
]);

const NETWORK_CODES = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Zalo ZNS `error` codes that no retry will fix: -118 the phone number has no (active) Zalo account. */
export const ZNS_PERMANENT_ERRORS: ReadonlySet<number> = new Set([-118]);

const PERMANENT_MESSAGE =
  /invalid (phone|e-?mail|address|recipient|number)|not a valid (phone|e-?mail)|unsubscribed|opted[ -]?out|suppress(ed|ion) list|zalo account not exist|mailbox (does not exist|unavailable)/i;

function field(source: unknown, name: string): unknown {
  return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;
}

function httpStatusOf(error: unknown): number | undefined {
  for (const candidate of [
    field(field(error, '$metadata'), 'httpStatusCode'),
    field(error, 'httpStatus'),
    field(error, 'statusCode'),
    field(error, 'status'),
  ]) {
    if (typeof candidate === 'number' && candidate >= 100 && candidate <= 599) return candidate;
  }
  return undefined;
}

/**
 * Whether retrying the same channel can help. Throttling, 5xx and timeouts are temporary; an invalid address,
 * an unsubscribed or non-existent recipient and other 4xx are permanent. Unknown errors count as temporary:
 * a bounded number of retries costs less than a notice lost to a transient fault.
 */
export function classifyProviderError(error: unknown): ErrorClass {
  if (error instanceof ProviderError && error.errorClass !== undefined) return error.errorClass;
  const name = field(error, 'name');
  const code = field(error, 'code');
  const message = field(error, 'message');
  if (typeof name === 'string' && TEMPORARY_NAMES.has(name)) return 'temporary';
  if (typeof name === 'string' && PERMANENT_NAMES.has(name)) return 'permanent';
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'temporary';
  const cause = field(error, 'cause');
  if (typeof field(cause, 'code') === 'string' && NETWORK_CODES.has(field(cause, 'code') as string)) {
    return 'temporary';
  }
  const znsError = field(error, 'error');
  if (typeof znsError === 'number' && ZNS_PERMANENT_ERRORS.has(znsError)) return 'permanent';
  if (typeof message === 'string' && PERMANENT_MESSAGE.test(message)) return 'permanent';
  if (field(error, '$retryable') !== undefined) return 'temporary';
  const status = httpStatusOf(error);
  if (status !== undefined) {
    if (status === 408 || status === 425 || status === 429 || status >= 500) return 'temporary';
    if (status >= 400) return 'permanent';
  }
  if (field(error, '$fault') === 'client') return 'permanent';
  return 'temporary';
}

export interface RetryPolicy {
  baseDelayMs: number;
  /** 15 minutes: the longest an SQS message can be delayed, which is how the consumer waits. */
  maxDelayMs: number;
  /** Attempts on one channel before it counts as failed and the fallback channel takes over. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 10_000, maxDelayMs: 900_000, maxAttempts: 6 };

/**
 * The wait before the next attempt after `attempt` failed ones (1-based): exponential with "equal jitter",
 * i.e. uniformly in [ceiling/2, ceiling] where ceiling = min(max, base·2^(attempt−1)). Half the ceiling is
 * guaranteed so waits grow however the dice fall; the other half spreads retries of a throttled burst.
 */
export function nextAttemptDelay(
  attempt: number,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 52));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

export type SendResult = { ok: true; providerMessageId?: string } | { ok: false; error: unknown };

export interface SendOutcome {
  state: DeliveryState;
  /** True when this channel has failed for good: send `planFallback(message)` if there is one. */
  fallBack: boolean;
  /** Set when the message stays queued for another attempt. */
  retryInMs?: number;
}

export interface DeliveryOptions {
  policy?: RetryPolicy;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

function describe(error: unknown, errorClass: ErrorClass): NonNullable<DeliveryState['lastError']> {
  const name = field(error, 'name');
  const code = field(error, 'code') ?? field(error, 'error');
  const message = field(error, 'message');
  const described: NonNullable<DeliveryState['lastError']> = {
    class: errorClass,
    message: (typeof message === 'string' ? message : String(error)).slice(0, 500),
  };
  if (typeof name === 'string') described.name = name;
  if (typeof code === 'string' || typeof code === 'number') described.code = String(code);
  return described;
}

/** Applies the result of one send attempt. */
export function onSendResult(
  state: DeliveryState,
  result: SendResult,
  now: Date,
  options: DeliveryOptions = {},
): SendOutcome {
  if (state.status !== 'queued') return { state, fallBack: false };
  const at = now.toISOString();
  const attempts = state.attempts + 1;
  const { nextAttemptAt: _next, ...rest } = state;
  if (result.ok) {
    const sent: DeliveryState = { ...rest, status: 'sent', attempts, lastAttemptAt: at, sentAt: at };
    if (result.providerMessageId !== undefined) sent.providerMessageId = result.providerMessageId;
    return { state: sent, fallBack: false };
  }
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const errorClass = classifyProviderError(result.error);
  const lastError = describe(result.error, errorClass);
  if (errorClass === 'temporary' && attempts < policy.maxAttempts) {
    const retryInMs = nextAttemptDelay(attempts, options.random ?? Math.random, policy);
    return {
      state: {
        ...rest,
        status: 'queued',
        attempts,
        lastAttemptAt: at,
        nextAttemptAt: new Date(now.getTime() + retryInMs).toISOString(),
        lastError,
      },
      fallBack: false,
      retryInMs,
    };
  }
  return {
    state: { ...rest, status: 'failed', attempts, lastAttemptAt: at, failedAt: at, lastError },
    fallBack: true,
  };
}

/** A provider's later word on a message (SES delivery/bounce events, SNS SMS delivery status, Zalo callback). */
export type DeliveryReport = { outcome: 'delivered' } | { outcome: 'failed'; reason?: string };

/** Applies a delivery report; a failure after sending (a bounce) also falls back to the next channel. */
export function onDeliveryReport(state: DeliveryState, report: DeliveryReport, now: Date): SendOutcome {
  const to: DeliveryStatus = report.outcome === 'delivered' ? 'delivered' : 'failed';
  if (!canTransition(state.status, to)) return { state, fallBack: false };
  const at = now.toISOString();
  const { nextAttemptAt: _next, ...rest } = state;
  if (report.outcome === 'delivered')
    return { state: { ...rest, status: 'delivered', deliveredAt: at }, fallBack: false };
  return {
    state: {
      ...rest,
      status: 'failed',
      failedAt: at,
      lastError: { class: 'permanent', message: report.reason ?? 'The provider reported the message undelivered' },
    },
    fallBack: true,
  };
}
