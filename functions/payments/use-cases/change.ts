/**
 * Writing a change of a payment. Every change is decided by the pure rules of `domain/payment.ts` against the
 * payment as read, and written in one transaction conditioned on the version it was read at, together with its
 * event (outbox), its receipt number (a gapless series per province and year) and the dossier copy's
 * bookkeeping. A decision that lost a race is taken again on what is there now (by the caller); a decision that
 * changes nothing writes nothing, so repeated and reordered callbacks move a payment once.
 */
import { randomInt } from 'node:crypto';
import { toLocalDate } from '#calendar/time.ts';
import { contendedOnlyOn, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import { attachReceipt, type Payment, paymentEventData, recordRefund } from '../domain/payment.ts';
import type { PaymentEventType } from '../events.ts';
import { apiBaseUrl } from '../gateways.ts';
import { issueReceiptNumber, RECEIPT_SERIES_COUNT, type ReceiptNumberClaim, seriesSymbol } from '../receipts.ts';
import * as store from '../store.ts';
import { finding } from './shared.ts';

/** A totals shard for a change that takes no receipt number (a refund). */
const totalsShard = (): string => seriesSymbol(randomInt(RECEIPT_SERIES_COUNT));

interface RefundDue {
  kind: 'duplicate_payment' | 'paid_after_dossier_closed';
  reason: string;
}

/** Why a payment that was just paid must be given back, if it must. */
function refundDueFor(payment: Payment, record: store.DossierRecord | undefined): RefundDue | undefined {
  if (!record) return undefined;
  const code = payment.dossierCode;
  if (record.dossier.status === 'rejected') {
    return { kind: 'paid_after_dossier_closed', reason: `Hoàn tiền: hồ sơ ${code} bị từ chối` };
  }
  if (record.dossier.status === 'withdrawn') {
    return { kind: 'paid_after_dossier_closed', reason: `Hoàn tiền: hồ sơ ${code} đã được rút` };
  }
  const paidElsewhere = record.paidPaymentId
    ? record.paidPaymentId !== payment.paymentId
    : record.dossier.paymentStatus === 'paid';
  return paidElsewhere
    ? { kind: 'duplicate_payment', reason: `Hoàn tiền: hồ sơ ${code} đã được thanh toán trước đó` }
    : undefined;
}

export const nextRefundId = (payment: Payment): string => `${payment.txnRef}R${payment.refunds.length + 1}`;

/** How many series a confirmation tries before it gives up on the receipt numbers (each loss is another series). */
export const RECEIPT_ROUNDS = 24;

/**
 * Writes `next` over `previous` (which must still be stored), with its event. A payment that became paid
 * gets its receipt number here and, when its dossier is closed or already paid, a refund recorded at once.
 * A receipt number another confirmation took first is claimed again in another series, without deciding
 * again (the payment's own condition held). Throws what transactWrite throws otherwise; callers decide again
 * when they lost a race.
 */
export async function commitChange(
  previous: Payment,
  next: Payment,
  event: PaymentEventType | undefined,
  at: Date,
): Promise<Payment> {
  const lostSeries = new Set<string>();
  for (let round = 1; ; round++) {
    const claim = event === 'payment.completed' && !next.receipt ? await issueReceiptNumber(at, lostSeries) : undefined;
    const attempt = await changeItems(previous, next, event, at, claim);
    try {
      await transactWrite(attempt.items);
    } catch (error) {
      // Only the receipt number was taken first (the payment's own condition held): claim another series.
      if (!claim || !contendedOnlyOn(error, claim.takeItem) || round >= RECEIPT_ROUNDS) throw error;
      lostSeries.add(claim.series);
      continue;
    }
    await noteChange(previous, attempt.final, event, attempt.refundDue, at);
    return attempt.final;
  }
}

interface ChangeItems {
  items: TransactItem[];
  final: Payment;
  refundDue: RefundDue | undefined;
}

async function changeItems(
  previous: Payment,
  next: Payment,
  event: PaymentEventType | undefined,
  at: Date,
  claim: ReceiptNumberClaim | undefined,
): Promise<ChangeItems> {
  const items: TransactItem[] = [];
  let final = next;
  let refundDue: RefundDue | undefined;
  // Totals are kept in as many shards as there are receipt series: no confirmation waits on another's.
  const shard = claim?.series ?? totalsShard();
  if (event === 'payment.completed') {
    const record = await store.getDossier(final.dossierCode);
    if (claim) {
      const receipt = {
        number: claim.number,
        issuedAt: claim.issuedAt,
        url: `${apiBaseUrl()}/payments/${final.paymentId}/receipt`,
      };
      final = attachReceipt(final, receipt, at).payment;
    }
    refundDue = refundDueFor(final, record);
    if (refundDue) {
      final = recordRefund(
        final,
        { refundId: nextRefundId(final), amount: final.amount, status: 'pending', reason: refundDue.reason },
        at,
      ).payment;
    }
    if (record) items.push(store.paidPaymentUpdate(record, final.paymentId));
    const paidDay = toLocalDate(final.paidAt ? new Date(final.paidAt) : at);
    items.push(store.totalsUpdate(paidDay, final.gateway, 'paid', final.amount, shard));
  }
  if (event === 'payment.refunded') {
    const refunded = final.refunds.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
    items.push(store.totalsUpdate(toLocalDate(at), final.gateway, 'refunded', refunded, shard));
  }
  items.unshift(store.paymentUpdateItem(final, previous.version));
  if (claim) items.push(claim.takeItem);
  if (event) {
    const data = paymentEventData(final);
    const published = envelope(
      'payments',
      { type: event, subject: final.paymentId, sequence: final.version, data },
      at,
    );
    items.push(outboxPut(store.paymentsTableName(), published));
  }
  return { items, final, refundDue };
}

async function noteChange(
  previous: Payment,
  final: Payment,
  event: PaymentEventType | undefined,
  refundDue: RefundDue | undefined,
  at: Date,
): Promise<void> {
  if (event === 'payment.completed' && (previous.status === 'expired' || previous.status === 'failed')) {
    await finding(
      {
        kind: 'paid_after_expiry',
        subject: final.paymentId,
        paymentId: final.paymentId,
        txnRef: final.txnRef,
        gateway: final.gateway,
        detail: `Paid after the payment was ${previous.status}; settled by ${final.settledBy ?? 'callback'}.`,
      },
      at,
    );
  }
  if (refundDue) {
    await finding(
      {
        kind: refundDue.kind,
        subject: final.paymentId,
        paymentId: final.paymentId,
        txnRef: final.txnRef,
        gateway: final.gateway,
        detail: `${refundDue.reason}; a refund of ${final.amount} VND was recorded.`,
      },
      at,
    );
  }
}
