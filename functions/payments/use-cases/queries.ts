/** Reading payments: one payment (who may see it), a dossier's payments, receipts, and the callbacks log. */
import { now } from '#platform/clock.ts';
import { NotFoundError } from '#platform/errors.ts';
import type { Identity } from '#platform/identity.ts';
import type { CallbackLogEntry, DossierPayments, PaymentView, ReceiptView } from '../api/schemas.ts';
import { paymentLookupCode } from '../domain/paygov.ts';
import type { Payment } from '../domain/payment.ts';
import { nationalPlatform } from '../gateways.ts';
import * as store from '../store.ts';
import { CLOSED_STATUSES, confirmDossier, dossierNotFound, outstandingFeeLines, oversees } from './dossiers.ts';

const paymentNotFound = (): NotFoundError =>
  new NotFoundError({ vi: 'Không tìm thấy khoản thanh toán.', en: 'Payment not found.' });

/**
 * The payment, if `who` may see it: the payer, or officials in scope of an agency on the dossier (admins too).
 * Anyone else is told it does not exist, as for an unknown id.
 */
export async function paymentFor(who: Identity, paymentId: string): Promise<Payment> {
  const payment = await store.getPayment(paymentId);
  if (!payment) throw paymentNotFound();
  if (who.issuer === 'citizen') {
    if (payment.payerIdNumber === who.sub) return payment;
    throw paymentNotFound();
  }
  const record = await store.getDossier(payment.dossierCode);
  if (await oversees(who, record)) return payment;
  throw paymentNotFound();
}

/** GET /dossiers/{code}/payments: the owner, officials in scope of an agency on the dossier, and admins. */
export async function dossierPayments(who: Identity, code: string): Promise<DossierPayments> {
  const record = (await store.getDossier(code)) ?? (await confirmDossier(code, now()));
  if (!record) throw dossierNotFound(code);
  const allowed = who.issuer === 'citizen' ? record.dossier.ownerIdNumber === who.sub : await oversees(who, record);
  if (!allowed) throw dossierNotFound(code);
  const payments = await store.listDossierPayments(code);
  const answer: DossierPayments = { dossierCode: code, items: payments.map(paymentView) };
  const platform = await nationalPlatform();
  if (platform && !CLOSED_STATUSES.has(record.dossier.status) && outstandingFeeLines(record).length > 0) {
    const lookupCode = paymentLookupCode(code);
    answer.nationalPlatform = { lookupCode, paymentUrl: platform.paymentPage(lookupCode) };
  }
  return answer;
}

export function receiptView(payment: Payment): ReceiptView | undefined {
  if (!payment.receipt) return undefined;
  const view: ReceiptView = {
    number: payment.receipt.number,
    issuedAt: payment.receipt.issuedAt,
    payer: { idNumber: payment.payerIdNumber, ...(payment.payerName ? { fullName: payment.payerName } : {}) },
    dossierCode: payment.dossierCode,
    feeLines: payment.feeLines.map((line) => ({ ...line })),
    amount: payment.amount,
    gateway: payment.gateway,
    txnRef: payment.txnRef,
  };
  if (payment.receipt.url) view.url = payment.receipt.url;
  if (payment.paidAt) view.paidAt = payment.paidAt;
  if (payment.gatewayTransactionNo) view.gatewayTransactionNo = payment.gatewayTransactionNo;
  if (payment.bankCode) view.bankCode = payment.bankCode;
  if (payment.method) view.method = payment.method;
  return view;
}

export function paymentView(payment: Payment): PaymentView {
  const { payerName: _name, merchantCode: _merchant, callbacks: _callbacks, receipt: _receipt, ...rest } = payment;
  const receipt = receiptView(payment);
  return { ...rest, refunds: payment.refunds.map((r) => ({ ...r })), ...(receipt ? { receipt } : {}) };
}

/** The raw callbacks filed under the payment's merchant reference (operators). */
export async function paymentCallbacks(paymentId: string): Promise<{ txnRef: string; items: CallbackLogEntry[] }> {
  const payment = await store.getPayment(paymentId);
  if (!payment) throw new NotFoundError({ vi: 'Không tìm thấy khoản thanh toán.', en: 'Payment not found.' });
  const logged = await store.listCallbacks(payment.txnRef);
  return {
    txnRef: payment.txnRef,
    items: logged.map((entry) => {
      const view: CallbackLogEntry = {
        callbackId: entry.callbackId,
        receivedAt: entry.receivedAt,
        route: entry.route,
        method: entry.method,
      };
      if (entry.rawQuery) view.rawQuery = entry.rawQuery;
      if (entry.rawBody) view.rawBody = entry.rawBody;
      if (entry.truncated) view.truncated = true;
      if (entry.sourceIp) view.sourceIp = entry.sourceIp;
      if (entry.result) {
        view.result = {
          outcome: entry.result.outcome,
          signatureValid: entry.result.signatureValid,
          changed: entry.result.changed,
          answeredStatus: entry.result.answeredStatus,
          answeredBody: entry.result.answeredBody,
          ...(entry.result.statusAfter ? { statusAfter: entry.result.statusAfter } : {}),
        };
      }
      return view;
    }),
  };
}
