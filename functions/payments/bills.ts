/**
 * Bills on the national payment platform: the platform asks for the bill of a lookup code (MaTraCuuTT) before
 * it takes a citizen's money, and is answered what is due now, to which treasury account.
 *
 * A bill is a pending `paygov` payment of the dossier's outstanding fee lines. Looking the same code up again
 * while that payment is pending answers the same bill (the platform may ask several times as the citizen hesitates);
 * once it has expired a new one is made. The confirmation that follows is an ordinary gateway callback
 * (`receiveCallback`, protocol paygov), applied once like VNPay's and MoMo's. Every lookup is kept in the raw
 * callback log under the bill's reference.
 */
import { randomUUID } from 'node:crypto';
import { now } from '#platform/clock.ts';
import { lostRace, transactWrite } from '#platform/dynamo.ts';
import { logger } from '#platform/observability.ts';
import { portalUnitCode } from '#portal/contract.ts';
import type { HttpAnswer } from './domain/gateway.ts';
import {
  type BillContent,
  billAnswer,
  type PaygovBillCode,
  type PaygovPlugin,
  paygovPartnerCodeOf,
  paymentLookupCode,
  readBillRequest,
} from './domain/paygov.ts';
import { newPayment, newTxnRef, type Payment } from './domain/payment.ts';
import { nationalPlatform, paygovBeneficiary, paygovBillTtlMinutes } from './gateways.ts';
import * as store from './store.ts';
import { CLOSED_STATUSES, outstandingFeeLines } from './use-cases/dossiers.ts';
import { ATTEMPTS, backOff, busy, randomBase36 } from './use-cases/shared.ts';

export interface IncomingBillLookup {
  route: string;
  rawBody: string;
  sourceIp: string;
  userAgent?: string;
}

type Lookup =
  | { code: '0'; payment: Payment; record: store.DossierRecord }
  | { code: Exclude<PaygovBillCode, '0'>; payment?: Payment };

/** POST /payments/paygov/bills: the bill of a lookup code, signed, in the platform's terms; always 200. */
export async function answerBillLookup(call: IncomingBillLookup): Promise<HttpAnswer> {
  const at = now();
  const plugin = await nationalPlatform();
  const read = readBillRequest(call.rawBody, (partner) =>
    plugin && partner === plugin.merchantCode ? plugin.secretKey : undefined,
  );
  if (!plugin || !read.signatureValid || !read.request) {
    // Nothing a forged call claims is evidence: answered at once, kept only in the bounded log of rejected calls.
    await store
      .appendRejectedCallback({
        route: call.route,
        method: 'POST',
        rawQuery: '',
        rawBody: call.rawBody,
        sourceIp: call.sourceIp,
        ...(call.userAgent ? { userAgent: call.userAgent } : {}),
        receivedAt: at,
        callbackId: randomUUID(),
      })
      .catch((error: unknown) => logger.error('could not log a rejected bill lookup', { error: error as Error }));
    logger.warn('a bill lookup whose signature does not verify', { partner: paygovPartnerCodeOf(call.rawBody) });
    return billAnswer({ code: '97', lookupCode: '' }, plugin?.secretKey ?? '');
  }

  const lookupCode = read.request.MaTraCuuTT;
  let lookup: Lookup;
  try {
    lookup = await billFor(lookupCode, plugin, at);
  } catch (error) {
    logger.error('bill lookup failed', { error: error as Error, lookupCode });
    lookup = { code: '99' };
  }
  const answer =
    lookup.code === '0'
      ? billAnswer({ code: '0', bill: billContent(lookup.payment, lookup.record, lookupCode) }, plugin.secretKey)
      : billAnswer({ code: lookup.code, lookupCode }, plugin.secretKey);

  try {
    const ref = await store.appendRawCallback({
      route: call.route,
      method: 'POST',
      rawQuery: '',
      rawBody: call.rawBody,
      sourceIp: call.sourceIp,
      ...(call.userAgent ? { userAgent: call.userAgent } : {}),
      claimedTxnRef: lookup.payment?.txnRef,
      receivedAt: at,
      callbackId: randomUUID(),
    });
    await store.appendCallbackResult(
      ref,
      {
        outcome: lookup.code === '0' ? 'bill' : `bill-${lookup.code}`,
        signatureValid: true,
        changed: false,
        ...(lookup.payment ? { paymentId: lookup.payment.paymentId, statusAfter: lookup.payment.status } : {}),
        answeredStatus: answer.statusCode,
        answeredBody: answer.body,
      },
      now(),
    );
  } catch (error) {
    // The answer changes nothing that is not already stored; a lost log line must not refuse the citizen's bill.
    logger.error('could not log a bill lookup', { error: error as Error });
  }
  return answer;
}

/** The pending bill of a lookup code: the one under way, or a new one for what is due now. */
async function billFor(lookupCode: string, plugin: PaygovPlugin, at: Date): Promise<Lookup> {
  const dossierCode = await store.dossierCodeByLookup(lookupCode);
  if (!dossierCode || paymentLookupCode(dossierCode) !== lookupCode) return { code: '01' };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const record = await store.getDossier(dossierCode);
    if (!record) return { code: '01' };
    if (CLOSED_STATUSES.has(record.dossier.status)) return { code: '05' };
    const feeLines = outstandingFeeLines(record);
    if (feeLines.length === 0) return { code: '03' };
    if (record.activePaymentId) {
      const active = await store.getPayment(record.activePaymentId);
      if (active?.status === 'pending' && Date.parse(active.expiresAt) > at.getTime()) {
        return active.gateway === 'paygov' ? { code: '0', payment: active, record } : { code: '06', payment: active };
      }
    }
    const payment = newPayment(
      {
        paymentId: randomUUID(),
        dossierCode,
        payerIdNumber: record.dossier.ownerIdNumber,
        ...(record.dossier.ownerName ? { payerName: record.dossier.ownerName } : {}),
        gateway: 'paygov',
        txnRef: newTxnRef(at, randomBase36),
        feeLines,
        merchantCode: plugin.merchantCode,
        ttlMinutes: paygovBillTtlMinutes(),
      },
      at,
    );
    try {
      await transactWrite([
        ...store.paymentCreateItems(payment, plugin.paymentPage(lookupCode)),
        store.activePaymentUpdate(record, payment.paymentId),
      ]);
      logger.info('bill issued on the national payment platform', { dossierCode, txnRef: payment.txnRef });
      return { code: '0', payment, record };
    } catch (error) {
      if (!lostRace(error)) throw error;
      await backOff(attempt);
    }
  }
  throw busy();
}

function billContent(payment: Payment, record: store.DossierRecord, lookupCode: string): BillContent {
  const beneficiary = paygovBeneficiary();
  if (!beneficiary) throw new Error('PAYGOV_BENEFICIARY is not configured');
  const dossier = record.dossier;
  return {
    portalDossierCode: dossier.nationalDossierId ?? dossier.code,
    lookupCode,
    txnRef: payment.txnRef,
    procedureCode: dossier.procedureCode,
    unitCode: portalUnitCode(),
    agencyCode: dossier.agencyCode,
    // The catalog's fee lines are fees (lệ phí) unless their code says charge (phí); both are collected alike.
    feeLines: payment.feeLines.map((line) => ({ ...line, kind: /^PHI/i.test(line.code) ? 'charge' : 'fee' })),
    amount: payment.amount,
    beneficiary,
    payerName: payment.payerName ?? dossier.ownerName ?? '',
    payerIdNumber: payment.payerIdNumber,
    description: `Nộp phí, lệ phí hồ sơ ${dossier.nationalDossierId ?? dossier.code}: ${dossier.procedureName}`.slice(
      0,
      250,
    ),
    expiresAt: new Date(payment.expiresAt),
  };
}
