/**
 * What the gateways send: their callbacks (IPN), verified, logged raw and applied to the payment they name, and
 * the payer's return page, which only reads what the signed return query says beside what is recorded.
 */
import { randomUUID } from 'node:crypto';
import { now } from '#platform/clock.ts';
import { lostRace } from '#platform/dynamo.ts';
import { logger } from '#platform/observability.ts';
import type { FindingKind } from '../api/schemas.ts';
import type { CallbackOutcome, GatewayPlugin, HttpAnswer, VerifiedCallback } from '../domain/gateway.ts';
import { momoAnswer, momoPartnerCodeOf } from '../domain/momo.ts';
import { paygovPartnerCodeOf, paygovUnsignedAnswer } from '../domain/paygov.ts';
import { applyVerifiedCallback, type Payment } from '../domain/payment.ts';
import { parseFormQuery, vnpayAnswer, vnpayMerchantCodeOf } from '../domain/vnpay.ts';
import { gatewayRegistry } from '../gateways.ts';
import * as store from '../store.ts';
import { commitChange } from './change.ts';
import { ATTEMPTS, backOff, busy, finding } from './shared.ts';

export interface IncomingCallback {
  protocol: 'vnpay' | 'momo' | 'paygov';
  /** The route that received it, for the log. */
  route: string;
  method: 'GET' | 'POST';
  rawQuery: string;
  rawBody: string;
  sourceIp: string;
  userAgent?: string;
}

function defaultAnswer(protocol: IncomingCallback['protocol'], outcome: CallbackOutcome): HttpAnswer {
  if (protocol === 'paygov') return paygovUnsignedAnswer(outcome);
  return protocol === 'vnpay' ? vnpayAnswer(outcome) : momoAnswer(outcome);
}

function claimedTxnRef(callback: IncomingCallback): string | undefined {
  if (callback.protocol === 'vnpay') return parseFormQuery(callback.rawQuery)?.vnp_TxnRef;
  try {
    const body = JSON.parse(callback.rawBody) as { orderId?: unknown; MaThamChieu?: unknown } | null;
    const orderId = callback.protocol === 'paygov' ? body?.MaThamChieu : body?.orderId;
    return typeof orderId === 'string' ? orderId : undefined;
  } catch {
    return undefined;
  }
}

interface AppliedCallback {
  outcome: CallbackOutcome;
  changed: boolean;
  payment: Payment | undefined;
}

async function applyCallback(cb: VerifiedCallback, at: Date): Promise<AppliedCallback> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const payment = cb.txnRef ? await store.getPaymentByTxnRef(cb.txnRef) : undefined;
    const decision = applyVerifiedCallback(payment, cb, at);
    if (!decision.changed || !payment || !decision.payment) {
      return { outcome: decision.outcome, changed: false, payment };
    }
    try {
      const final = await commitChange(payment, decision.payment, decision.event, at);
      return { outcome: decision.outcome, changed: true, payment: final };
    } catch (error) {
      if (!lostRace(error)) throw error;
      await backOff(attempt);
    }
  }
  throw busy();
}

async function noteRejectedCallback(
  callback: IncomingCallback,
  outcome: CallbackOutcome,
  cb: VerifiedCallback | undefined,
  payment: Payment | undefined,
  at: Date,
): Promise<void> {
  const kinds: Partial<Record<CallbackOutcome, FindingKind>> = {
    invalid_signature: 'invalid_signature',
    not_found: 'unknown_payment',
    invalid_amount: 'amount_mismatch',
  };
  const kind = kinds[outcome];
  if (!kind) return;
  if (kind === 'invalid_signature') {
    // One finding a day per protocol counts every unsigned or forged call: what they claim is not evidence, and
    // a finding per claimed reference would let forged calls grow the day's report without bound.
    await finding(
      {
        kind,
        subject: callback.protocol,
        detail: `${callback.protocol} callbacks whose signature does not verify; the last from ${callback.sourceIp.slice(0, 100)}.`,
      },
      at,
    );
    return;
  }
  const txnRef = cb?.signatureValid ? cb.txnRef : undefined;
  const subject = payment?.paymentId ?? (txnRef && txnRef.length <= 100 ? txnRef : 'unattributed');
  const details: Record<string, string> = {
    unknown_payment: `A signed ${callback.protocol} callback for no payment of ours (reference ${txnRef ?? '-'}, merchant ${cb?.merchantCode ?? '-'}).`,
    amount_mismatch: `A signed ${callback.protocol} callback reports ${cb?.amount ?? '-'} VND; the payment is ${payment?.amount ?? '-'} VND.`,
  };
  await finding(
    {
      kind,
      subject,
      ...(payment ? { paymentId: payment.paymentId, gateway: payment.gateway } : {}),
      ...(txnRef && txnRef.length <= 100 ? { txnRef } : {}),
      detail: details[kind] ?? kind,
    },
    at,
  );
}

/**
 * A gateway callback (IPN): verified first by the plugin of the merchant it names (pure: no I/O). One whose
 * signature does not verify is answered at once and kept only in the bounded, expiring log of rejected
 * callbacks (counted in one finding a day per protocol), so forged calls cannot grow the table. A signed one is
 * stored raw, whatever it holds, before it is applied to the payment it names; what became of it is appended.
 * Answered in the gateway's own terms in every case.
 */
export async function receiveCallback(
  callback: IncomingCallback,
): Promise<{ answer: HttpAnswer; outcome: CallbackOutcome }> {
  const at = now();
  const callbackId = randomUUID();
  let plugin: GatewayPlugin | undefined;
  let cb: VerifiedCallback;
  try {
    const registry = await gatewayRegistry();
    const merchant =
      callback.protocol === 'vnpay'
        ? vnpayMerchantCodeOf(callback.rawQuery)
        : callback.protocol === 'paygov'
          ? paygovPartnerCodeOf(callback.rawBody)
          : momoPartnerCodeOf(callback.rawBody);
    plugin = registry.forMerchant(callback.protocol, merchant);
    cb = plugin
      ? plugin.verifyCallback({ method: callback.method, rawQuery: callback.rawQuery, rawBody: callback.rawBody })
      : { signatureValid: false, outcome: 'failed' };
  } catch (error) {
    logger.error('a gateway callback could not be verified', { error: error as Error });
    return { answer: defaultAnswer(callback.protocol, 'error'), outcome: 'error' };
  }
  // What is logged of it, signed or not.
  const asReceived = {
    route: callback.route,
    method: callback.method,
    rawQuery: callback.rawQuery,
    rawBody: callback.rawBody,
    sourceIp: callback.sourceIp,
    ...(callback.userAgent ? { userAgent: callback.userAgent } : {}),
  };
  const answerFor = (outcome: CallbackOutcome): HttpAnswer =>
    plugin ? plugin.callbackAnswer(outcome) : defaultAnswer(callback.protocol, outcome);

  if (!cb.signatureValid) {
    try {
      await store.appendRejectedCallback({ ...asReceived, receivedAt: at, callbackId });
    } catch (error) {
      logger.error('could not log a rejected gateway callback', { error: error as Error });
    }
    await noteRejectedCallback(callback, 'invalid_signature', cb, undefined, at);
    return { answer: answerFor('invalid_signature'), outcome: 'invalid_signature' };
  }

  let ref: store.CallbackRef;
  try {
    ref = await store.appendRawCallback({
      ...asReceived,
      claimedTxnRef: cb.txnRef ?? claimedTxnRef(callback),
      receivedAt: at,
      callbackId,
    });
  } catch (error) {
    // Nothing is applied that was not logged first; the gateway retries.
    logger.error('could not log a gateway callback', { error: error as Error });
    return { answer: answerFor('error'), outcome: 'error' };
  }

  let outcome: CallbackOutcome = 'error';
  let answer: HttpAnswer;
  let applied: AppliedCallback | undefined;
  try {
    applied = await applyCallback(cb, at);
    outcome = applied.outcome;
    answer = answerFor(outcome);
  } catch (error) {
    logger.error('gateway callback failed', { error: error as Error });
    outcome = 'error';
    answer = defaultAnswer(callback.protocol, 'error');
  }

  try {
    await store.appendCallbackResult(
      ref,
      {
        outcome,
        signatureValid: true,
        changed: applied?.changed === true,
        ...(applied?.payment ? { paymentId: applied.payment.paymentId, statusAfter: applied.payment.status } : {}),
        answeredStatus: answer.statusCode,
        answeredBody: answer.body,
      },
      now(),
    );
  } catch (error) {
    logger.error('could not log the result of a gateway callback', { error: error as Error });
  }
  await noteRejectedCallback(callback, outcome, cb, applied?.payment, at);
  return { answer, outcome };
}

// ---------------------------------------------------------------------------------------------------------
// The payer's return page (read only)

export interface ReturnOutcome {
  signatureValid: boolean;
  outcome?: 'paid' | 'failed' | 'pending';
  responseCode?: string;
  message?: string;
  txnRef?: string;
  amount?: number;
  payment?: Pick<Payment, 'paymentId' | 'dossierCode' | 'status' | 'amount'> & { receiptNumber?: string };
}

/** What the gateway's return query says, once verified, beside what we have recorded. Changes nothing. */
export async function describeReturn(protocol: 'vnpay' | 'momo', rawQuery: string): Promise<ReturnOutcome> {
  const registry = await gatewayRegistry();
  let plugin: GatewayPlugin | undefined;
  let cb: VerifiedCallback;
  if (protocol === 'vnpay') {
    plugin = registry.forMerchant('vnpay', vnpayMerchantCodeOf(rawQuery));
    cb = plugin ? plugin.verifyCallback({ method: 'GET', rawQuery }) : { signatureValid: false, outcome: 'failed' };
  } else {
    // MoMo's redirect carries the IPN's fields, signed the same way, as query parameters.
    const params = parseFormQuery(rawQuery) ?? {};
    plugin = registry.forMerchant('momo', params.partnerCode);
    cb = plugin
      ? plugin.verifyCallback({ method: 'POST', rawBody: JSON.stringify(params) })
      : { signatureValid: false, outcome: 'failed' };
  }
  if (!cb.signatureValid) return { signatureValid: false };
  const result: ReturnOutcome = { signatureValid: true, outcome: cb.outcome };
  if (cb.responseCode) result.responseCode = cb.responseCode;
  if (cb.message) result.message = cb.message;
  if (cb.txnRef) result.txnRef = cb.txnRef;
  if (cb.amount !== undefined) result.amount = cb.amount;
  const payment = cb.txnRef ? await store.getPaymentByTxnRef(cb.txnRef) : undefined;
  if (payment) {
    result.payment = {
      paymentId: payment.paymentId,
      dossierCode: payment.dossierCode,
      status: payment.status,
      amount: payment.amount,
      ...(payment.receipt ? { receiptNumber: payment.receipt.number } : {}),
    };
  }
  return result;
}
