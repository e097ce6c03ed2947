/**
 * The Payment aggregate and the rules that move it, whichever gateway reported what.
 *
 * A payment leaves `pending` once. Callbacks may arrive late, repeated or out of order and are applied
 * idempotently: a callback that changes nothing returns the very same object (`changed: false`), so the
 * store writes only real changes and emits each event once. The one move out of a settled state is a
 * verified "paid" for a payment we had given up on (failed or expired): the money has moved, and a citizen
 * who paid must not be told otherwise. Nothing ever moves a payment out of `paid` but a refund.
 */
import * as z from 'zod';
import { toLocalIso } from '#calendar/time.ts';
import { ConflictError, ValidationError } from '#platform/errors.ts';
import type { PaymentEventData, PaymentEventType } from '../events.ts';
import type { CallbackOutcome, CreatePaymentRequest, QueryRequest, QueryResult, VerifiedCallback } from './gateway.ts';
import { PAYMENT_STATUSES, transitionOf } from './transitions.ts';
import { sanitizeOrderInfo } from './vnpay.ts';

const wholeVnd = z.number().int().nonnegative();

/** Where a payment is taken: the online gateways, and the desk. */
export const PAYMENT_GATEWAYS = ['vnpay', 'momo', 'sandbox', 'paygov', 'counter'] as const;
/** How a fee is paid at the desk. */
export const COUNTER_METHODS = ['cash', 'card'] as const;
export type CounterMethod = (typeof COUNTER_METHODS)[number];
const isoInstant = z.iso.datetime({ offset: true });

export const feeLineSchema = z.object({ code: z.string().min(1), name: z.string().min(1), amount: wholeVnd });
export type FeeLine = z.infer<typeof feeLineSchema>;

export const receiptSchema = z.object({ number: z.string().min(1), issuedAt: isoInstant, url: z.string().optional() });
export type Receipt = z.infer<typeof receiptSchema>;

export const refundRecordSchema = z.object({
  refundId: z.string().min(1),
  amount: wholeVnd,
  status: z.enum(['succeeded', 'pending', 'failed']),
  requestedAt: isoInstant,
  settledAt: isoInstant.optional(),
  gatewayRefundNo: z.string().optional(),
  reason: z.string().optional(),
});
export type RefundRecord = z.infer<typeof refundRecordSchema>;

export const paymentSchema = z.object({
  paymentId: z.string().min(1),
  dossierCode: z.string().min(1),
  payerIdNumber: z.string().min(1),
  /** The payer's name as the dossier gave it, printed on the receipt. */
  payerName: z.string().optional(),
  /** An online gateway, or `counter`: paid in cash or by card at the desk and recorded by the official. */
  gateway: z.enum(PAYMENT_GATEWAYS),
  /** How a counter payment was made; absent for online payments. */
  method: z.enum(COUNTER_METHODS).optional(),
  /** The official who recorded a counter payment, and their desk. */
  recordedBy: z.object({ sub: z.string().min(1), name: z.string().optional(), agencyCode: z.string() }).optional(),
  /** The merchant code the payment was created under; callbacks for another merchant do not match. */
  merchantCode: z.string().optional(),
  txnRef: z.string().min(1).max(100),
  amount: wholeVnd,
  feeLines: z.array(feeLineSchema),
  status: z.enum(PAYMENT_STATUSES),
  createdAt: isoInstant,
  expiresAt: isoInstant,
  updatedAt: isoInstant.optional(),
  paidAt: isoInstant.optional(),
  gatewayTransactionNo: z.string().optional(),
  bankCode: z.string().optional(),
  /** The gateway's last result code, and its explanation when the payment failed. */
  responseCode: z.string().optional(),
  failureReason: z.string().optional(),
  /** How the payment left `pending`: a gateway callback, a status query, or our own expiry. */
  settledBy: z.enum(['callback', 'query', 'expiry', 'counter']).optional(),
  receipt: receiptSchema.optional(),
  version: z.number().int().positive(),
  /** Gateway callbacks that changed this payment (0 for one settled by a query or expiry). */
  callbacks: z.number().int().nonnegative(),
  refunds: z.array(refundRecordSchema),
});
export type Payment = z.infer<typeof paymentSchema>;

/** What applying something to a payment did; `payment` is the input object itself when `changed` is false. */
export interface PaymentChange<P = Payment> {
  payment: P;
  changed: boolean;
  event?: PaymentEventType;
}

export interface CallbackDecision<P = Payment> extends PaymentChange<P> {
  outcome: CallbackOutcome;
  event?: 'payment.completed' | 'payment.failed';
}

export const DEFAULT_PAYMENT_TTL_MINUTES = 15;

export interface NewPaymentInput {
  paymentId: string;
  dossierCode: string;
  payerIdNumber: string;
  payerName?: string;
  gateway: Payment['gateway'];
  txnRef: string;
  feeLines: FeeLine[];
  merchantCode?: string;
  ttlMinutes?: number;
}

/** A new pending payment for the fee lines of a dossier; the amount is their sum. */
export function newPayment(input: NewPaymentInput, now: Date): Payment {
  const errors: { path: string; message: string }[] = [];
  input.feeLines.forEach((line, i) => {
    if (!Number.isSafeInteger(line.amount) || line.amount < 0) {
      errors.push({ path: `feeLines.${i}.amount`, message: 'A fee is a whole, non-negative number of VND' });
    }
  });
  const amount = input.feeLines.reduce((sum, line) => sum + line.amount, 0);
  if (errors.length === 0 && !(amount > 0)) errors.push({ path: 'feeLines', message: 'There is nothing to pay' });
  const ttl = input.ttlMinutes ?? DEFAULT_PAYMENT_TTL_MINUTES;
  if (!(Number.isInteger(ttl) && ttl > 0)) errors.push({ path: 'ttlMinutes', message: 'Must be a positive integer' });
  if (errors.length > 0) throw new ValidationError(errors);
  const payment: Payment = {
    paymentId: input.paymentId,
    dossierCode: input.dossierCode,
    payerIdNumber: input.payerIdNumber,
    gateway: input.gateway,
    txnRef: input.txnRef,
    amount,
    feeLines: input.feeLines.map((line) => ({ ...line })),
    status: 'pending',
    createdAt: toLocalIso(wholeSeconds(now)),
    expiresAt: toLocalIso(new Date(wholeSeconds(now).getTime() + ttl * 60_000)),
    version: 1,
    callbacks: 0,
    refunds: [],
  };
  if (input.merchantCode !== undefined) payment.merchantCode = input.merchantCode;
  if (input.payerName !== undefined) payment.payerName = input.payerName;
  return payment;
}

export interface CounterPaymentInput {
  paymentId: string;
  dossierCode: string;
  payerIdNumber: string;
  payerName?: string;
  txnRef: string;
  /** What is due (the dossier's outstanding fee lines). */
  feeLines: FeeLine[];
  /** What the official says was taken; it must be exactly what is due. */
  amount: number;
  method: CounterMethod;
  recordedBy: { sub: string; name?: string; agencyCode: string };
}

/**
 * A fee paid at the desk, recorded by the official who took it. It is created paid: the money is already in
 * the official's hands, so there is no pending state, no expiry and no gateway to ask. The amount taken must
 * be exactly what is due (partial payments at the desk are not a thing the fee rules know).
 */
export function counterPayment(input: CounterPaymentInput, now: Date): Payment {
  const due = input.feeLines.reduce((sum, line) => sum + line.amount, 0);
  if (!(due > 0)) throw new ValidationError([{ path: 'amount', message: 'There is nothing to pay' }]);
  if (input.amount !== due) {
    throw new ValidationError([
      {
        path: 'amount',
        message: `The amount due is ${due} VND (Số tiền phải nộp là ${due} đồng); ${input.amount} was given`,
      },
    ]);
  }
  const at = toLocalIso(wholeSeconds(now));
  const payment: Payment = {
    paymentId: input.paymentId,
    dossierCode: input.dossierCode,
    payerIdNumber: input.payerIdNumber,
    gateway: 'counter',
    method: input.method,
    recordedBy: { ...input.recordedBy },
    txnRef: input.txnRef,
    amount: due,
    feeLines: input.feeLines.map((line) => ({ ...line })),
    status: 'paid',
    createdAt: at,
    // Nothing expires; the field is kept equal to the creation so every payment has one.
    expiresAt: at,
    paidAt: at,
    settledBy: 'counter',
    version: 1,
    callbacks: 0,
    refunds: [],
  };
  if (input.payerName !== undefined) payment.payerName = input.payerName;
  return payment;
}

/** Gateways keep times to the second; so do we, so that querydr's TransactionDate equals vnp_CreateDate. */
function wholeSeconds(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 1000) * 1000);
}

/** What to ask a gateway plugin to create for this payment. */
export function createRequestFor(
  payment: Payment,
  extra: Pick<CreatePaymentRequest, 'payerIp'> & Partial<CreatePaymentRequest>,
): CreatePaymentRequest {
  return {
    orderInfo: orderInfoFor(payment.dossierCode),
    ...extra,
    txnRef: payment.txnRef,
    amount: payment.amount,
    createdAt: new Date(payment.createdAt),
    expiresAt: new Date(payment.expiresAt),
  };
}

/** What to ask a gateway plugin when reconciling this payment. */
export function queryRequestFor(payment: Payment): QueryRequest {
  return {
    txnRef: payment.txnRef,
    transactionDate: new Date(payment.createdAt),
    orderInfo: `Truy van ${payment.txnRef}`,
  };
}

function changedCopy(payment: Payment, now: Date): Payment {
  return { ...payment, version: payment.version + 1, updatedAt: toLocalIso(now) };
}

/** The facts of a payment reported paid (the caller sets the status the transition table gives). */
function markPaid(
  payment: Payment,
  facts: Pick<VerifiedCallback, 'paidAt' | 'gatewayTransactionNo' | 'bankCode' | 'responseCode'>,
  settledBy: Payment['settledBy'],
  now: Date,
): Payment {
  const next = changedCopy(payment, now);
  next.paidAt = facts.paidAt ?? toLocalIso(now);
  next.settledBy = settledBy;
  if (facts.gatewayTransactionNo) next.gatewayTransactionNo = facts.gatewayTransactionNo;
  if (facts.bankCode) next.bankCode = facts.bankCode;
  if (facts.responseCode) next.responseCode = facts.responseCode;
  delete next.failureReason;
  return next;
}

/** The facts of a payment reported failed (the caller sets the status the transition table gives). */
function markFailed(
  payment: Payment,
  facts: Pick<VerifiedCallback, 'gatewayTransactionNo' | 'bankCode' | 'responseCode' | 'message'>,
  settledBy: Payment['settledBy'],
  now: Date,
): Payment {
  const next = changedCopy(payment, now);
  next.settledBy = settledBy;
  if (facts.gatewayTransactionNo) next.gatewayTransactionNo = facts.gatewayTransactionNo;
  if (facts.bankCode) next.bankCode = facts.bankCode;
  if (facts.responseCode) next.responseCode = facts.responseCode;
  if (facts.message) next.failureReason = facts.message;
  return next;
}

/**
 * Applies a gateway callback, checked in VNPay's order: signature, known payment (same reference, gateway
 * and merchant), amount, then state. `payment` is what the store found for the callback's reference.
 */
export function applyVerifiedCallback(payment: Payment, cb: VerifiedCallback, now: Date): CallbackDecision<Payment>;
export function applyVerifiedCallback(
  payment: Payment | undefined,
  cb: VerifiedCallback,
  now: Date,
): CallbackDecision<Payment | undefined>;
export function applyVerifiedCallback(
  payment: Payment | undefined,
  cb: VerifiedCallback,
  now: Date,
): CallbackDecision<Payment | undefined> {
  const unchanged = (outcome: CallbackOutcome): CallbackDecision<Payment | undefined> => ({
    payment,
    changed: false,
    outcome,
  });
  if (!cb.signatureValid) return unchanged('invalid_signature');
  if (
    !payment ||
    cb.txnRef !== payment.txnRef ||
    (cb.gateway !== undefined && cb.gateway !== payment.gateway) ||
    (payment.merchantCode !== undefined && cb.merchantCode !== payment.merchantCode)
  ) {
    return unchanged('not_found');
  }
  if (cb.amount === undefined || cb.amount !== payment.amount) return unchanged('invalid_amount');

  const move = cb.outcome === 'paid' ? 'pay' : cb.outcome === 'failed' ? 'fail' : undefined;
  // Still in progress at the gateway (MoMo 1000, 7000, 9000, ...): heard, nothing to record yet.
  if (move === undefined) return unchanged(payment.status === 'pending' ? 'success' : 'already_confirmed');
  const step = transitionOf(move, payment.status);
  if (!step) return unchanged('already_confirmed');
  const next = move === 'pay' ? markPaid(payment, cb, 'callback', now) : markFailed(payment, cb, 'callback', now);
  next.status = step.to;
  next.callbacks = payment.callbacks + 1;
  return {
    payment: next,
    changed: true,
    outcome: 'success',
    event: step.event as 'payment.completed' | 'payment.failed',
  };
}

/** Gives up on a pending payment whose time is up (after reconciliation found nothing to settle it with). */
export function expire(payment: Payment, now: Date): PaymentChange {
  const step = transitionOf('expire', payment.status);
  if (!step || now.getTime() < Date.parse(payment.expiresAt)) return { payment, changed: false };
  const next = changedCopy(payment, now);
  next.status = step.to;
  next.settledBy = 'expiry';
  return { payment: next, changed: true, event: step.event };
}

export interface QueryApplication extends PaymentChange {
  /** 'amount_mismatch': the gateway reports a payment of another amount; a person has to look. */
  note: 'settled' | 'unchanged' | 'amount_mismatch';
}

/**
 * Reconciliation: applies what a status query found. A payment the gateway never heard of is expired
 * once its time is up; one still in progress at the gateway stays pending.
 */
export function applyQueryResult(payment: Payment, q: QueryResult, now: Date): QueryApplication {
  const same: QueryApplication = { payment, changed: false, note: 'unchanged' };
  if (q.outcome === 'paid') {
    if (q.amount !== undefined && q.amount !== payment.amount) return { ...same, note: 'amount_mismatch' };
    const step = transitionOf('pay', payment.status);
    if (!step) return same;
    const next = markPaid(payment, q, 'query', now);
    next.status = step.to;
    return { payment: next, changed: true, event: step.event, note: 'settled' };
  }
  if (q.outcome === 'failed') {
    const step = transitionOf('fail', payment.status);
    if (!step) return same;
    const next = markFailed(payment, q, 'query', now);
    next.status = step.to;
    return { payment: next, changed: true, event: step.event, note: 'settled' };
  }
  if (q.outcome === 'not_found') {
    const expired = expire(payment, now);
    return expired.changed ? { ...expired, note: 'settled' } : same;
  }
  return same;
}

/** Throws unless `amount` can still be refunded from this payment (checked before asking the gateway). */
export function assertRefundable(payment: Payment, amount: number): void {
  if (!transitionOf('refund-in-full', payment.status)) {
    throw new ConflictError('payment-not-refundable', {
      vi: 'Chỉ hoàn tiền được khoản đã thanh toán.',
      en: 'Only a paid payment can be refunded.',
    });
  }
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ValidationError([{ path: 'amount', message: 'A refund is a positive whole number of VND' }]);
  }
  const committed = payment.refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
  if (committed + amount > payment.amount) {
    throw new ConflictError(
      'refund-exceeds-payment',
      {
        vi: 'Số tiền hoàn vượt quá số tiền còn lại của khoản thanh toán.',
        en: 'The refund exceeds what is left of the payment.',
      },
      { refundable: payment.amount - committed },
    );
  }
}

export interface RefundInput {
  refundId: string;
  amount: number;
  status: RefundRecord['status'];
  gatewayRefundNo?: string;
  reason?: string;
}

/**
 * Records a refund the gateway answered (or its later settlement, by the same refundId). The payment
 * becomes `refunded` when the refunds that succeeded add up to the whole amount.
 */
export function recordRefund(payment: Payment, refund: RefundInput, now: Date): PaymentChange {
  const existing = payment.refunds.find((r) => r.refundId === refund.refundId);
  if (existing) {
    if (existing.status !== 'pending' || refund.status === 'pending') return { payment, changed: false };
    if (refund.amount !== existing.amount) {
      throw new ConflictError('refund-mismatch', {
        vi: 'Kết quả hoàn tiền không khớp với yêu cầu đã ghi.',
        en: 'The refund result does not match the recorded request.',
      });
    }
  } else {
    assertRefundable(payment, refund.amount);
  }
  const at = toLocalIso(now);
  const record: RefundRecord = existing ? { ...existing, status: refund.status } : { ...toRecord(refund, at) };
  if (refund.status !== 'pending') record.settledAt = at;
  if (refund.gatewayRefundNo) record.gatewayRefundNo = refund.gatewayRefundNo;
  const next = changedCopy(payment, now);
  next.refunds = existing
    ? payment.refunds.map((r) => (r.refundId === refund.refundId ? record : r))
    : [...payment.refunds, record];
  const refunded = next.refunds.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
  const step = transitionOf('refund-in-full', payment.status);
  if (refunded === payment.amount && step) {
    next.status = step.to;
    return { payment: next, changed: true, event: step.event };
  }
  return { payment: next, changed: true };
}

function toRecord(refund: RefundInput, at: string): RefundRecord {
  const record: RefundRecord = {
    refundId: refund.refundId,
    amount: refund.amount,
    status: refund.status,
    requestedAt: at,
  };
  if (refund.reason) record.reason = refund.reason;
  return record;
}

/** Attaches the electronic receipt to a paid payment, once. */
export function attachReceipt(payment: Payment, receipt: Receipt, now: Date): PaymentChange {
  if (payment.receipt) return { payment, changed: false };
  if (payment.status !== 'paid' && payment.status !== 'refunded') {
    throw new ConflictError('payment-not-paid', {
      vi: 'Chỉ cấp biên lai cho khoản đã thanh toán.',
      en: 'A receipt is issued only for a paid payment.',
    });
  }
  const next = changedCopy(payment, now);
  next.receipt = { ...receipt };
  return { payment: next, changed: true };
}

/**
 * The event payload for a payment; the national payment platform is channel 1, the province's own gateways are
 * channel 2 ("paid online", not national), the desk is channel 0 (not paid online).
 */
export function paymentEventData(payment: Payment, reason?: string): PaymentEventData {
  const data: PaymentEventData = {
    paymentId: payment.paymentId,
    dossierCode: payment.dossierCode,
    payerIdNumber: payment.payerIdNumber,
    gateway: payment.gateway,
    txnRef: payment.txnRef,
    amount: payment.amount,
    feeLines: payment.feeLines.map((line) => ({ ...line })),
    status: payment.status,
    channelCode: payment.gateway === 'counter' ? 0 : payment.gateway === 'paygov' ? 1 : 2,
  };
  if (payment.method) data.method = payment.method;
  if (payment.gatewayTransactionNo) data.gatewayTransactionNo = payment.gatewayTransactionNo;
  if (payment.bankCode) data.bankCode = payment.bankCode;
  if (payment.paidAt) data.paidAt = payment.paidAt;
  if (payment.receipt) data.receipt = { ...payment.receipt };
  if (payment.refunds.length > 0) {
    data.refunds = payment.refunds.map((r) => ({
      refundId: r.refundId,
      amount: r.amount,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
    }));
  }
  const why = reason ?? payment.failureReason;
  if (why) data.reason = why;
  return data;
}

// ---------------------------------------------------------------------------------------------------------
// References and numbers

/** A merchant reference: `MC` + yyMMddHHmmss (GMT+7) + 6 random base-36 characters, e.g. MC261122101530K3Z9QA. */
export function newTxnRef(now: Date, random: () => string): string {
  const stamp = toLocalIso(now).slice(2, 19).replace(/[-T:]/g, '');
  const suffix = random()
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .slice(0, 6);
  if (suffix.length < 6) throw new Error('random() must give at least 6 base-36 characters');
  return `MC${stamp}${suffix}`;
}

/** The pattern of references made by `newTxnRef`. */
export const NEW_TXN_REF_PATTERN = /^MC\d{12}[0-9A-Z]{6}$/;

/**
 * An electronic receipt number: province code, year, series (ký hiệu, two digits) and the number within the
 * series, e.g. H19-2026-07-000123. Why there are several series: `receipts.ts`.
 */
export function formatReceiptNumber(provinceCode: string, year: number, series: string, seq: number): string {
  if (!/^[A-Z]\d{2}$/.test(provinceCode)) throw new RangeError(`Not a province code: ${provinceCode}`);
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new RangeError(`Not a receipt year: ${year}`);
  if (!/^\d{2}$/.test(series)) throw new RangeError(`Not a receipt series: ${series}`);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`Not a receipt sequence number: ${seq}`);
  return `${provinceCode}-${year}-${series}-${String(seq).padStart(6, '0')}`;
}

/** The pattern of numbers made by `formatReceiptNumber`. */
export const RECEIPT_NUMBER_PATTERN = /^[A-Z]\d{2}-\d{4}-\d{2}-\d{6,}$/;

/** What the payer sees on the gateway's page for a dossier, in the ASCII VNPay accepts. */
export function orderInfoFor(dossierCode: string): string {
  return sanitizeOrderInfo(`Thanh toan phi le phi ho so ${dossierCode}`);
}
