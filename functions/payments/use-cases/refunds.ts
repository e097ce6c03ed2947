/** Refunds: recorded when a paid dossier is closed or paid twice, sent to the gateway, settled by its answer. */
import { now } from '#platform/clock.ts';
import { lostRace } from '#platform/dynamo.ts';
import type { RefundResult } from '../domain/gateway.ts';
import { recordRefund } from '../domain/payment.ts';
import { gatewayRegistry } from '../gateways.ts';
import * as store from '../store.ts';
import { commitChange, nextRefundId } from './change.ts';
import { ATTEMPTS, backOff, busy, finding } from './shared.ts';

/** Dossier statuses that give back what was paid. */
const REFUNDING_STATUSES = new Set(['rejected', 'withdrawn']);

/** Records a full refund of a paid payment (unless one is under way) and asks the gateway for it. */
export async function ensureRefund(paymentId: string, reason: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const at = now();
    const payment = await store.getPayment(paymentId);
    if (payment?.status !== 'paid') return;
    if (payment.refunds.some((r) => r.status !== 'failed')) break;
    const change = recordRefund(
      payment,
      { refundId: nextRefundId(payment), amount: payment.amount, status: 'pending', reason },
      at,
    );
    try {
      await commitChange(payment, change.payment, change.event, at);
      break;
    } catch (error) {
      if (!lostRace(error) || attempt >= ATTEMPTS) throw error;
    }
  }
  await processRefund(paymentId);
}

/** A rejected or withdrawn dossier gives back what was paid for it. */
export async function refundIfDossierClosed(dossierCode: string): Promise<void> {
  const record = await store.getDossier(dossierCode);
  if (!record || !REFUNDING_STATUSES.has(record.dossier.status) || !record.paidPaymentId) return;
  const verb = record.dossier.status === 'rejected' ? 'bị từ chối' : 'đã được rút';
  await ensureRefund(record.paidPaymentId, `Hoàn tiền: hồ sơ ${dossierCode} ${verb}`);
}

/**
 * Sends a recorded refund to the gateway and records its answer. Returns true when the answer settled it.
 * A gateway without refunds, or one that cannot be reached, leaves the refund pending for an operator.
 */
export async function processRefund(paymentId: string): Promise<boolean> {
  const payment = await store.getPayment(paymentId);
  const pending = payment?.refunds.find((r) => r.status === 'pending');
  if (!payment || !pending) return false;
  const registry = await gatewayRegistry();
  const plugin = registry.has(payment.gateway) ? registry.get(payment.gateway) : undefined;
  const base = { subject: payment.paymentId, paymentId, txnRef: payment.txnRef, gateway: payment.gateway };
  if (!plugin?.refund) {
    await finding(
      {
        ...base,
        kind: 'manual_refund_required',
        detail: `${payment.gateway} offers no refund here; give back ${pending.amount} VND by hand (${pending.refundId}).`,
      },
      now(),
    );
    return false;
  }
  let answer: RefundResult;
  try {
    answer = await plugin.refund({
      txnRef: payment.txnRef,
      refundId: pending.refundId,
      amount: pending.amount,
      paymentAmount: payment.amount,
      ...(payment.gatewayTransactionNo ? { gatewayTransactionNo: payment.gatewayTransactionNo } : {}),
      transactionDate: new Date(payment.createdAt),
      reason: pending.reason ?? `Hoàn tiền ${payment.txnRef}`,
      createdBy: 'motcua',
    });
  } catch (error) {
    await finding(
      { ...base, kind: 'refund_failed', detail: `The refund ${pending.refundId} failed: ${(error as Error).message}` },
      now(),
    );
    return false;
  }
  if (answer.status === 'pending') return false;
  if (answer.status === 'failed') {
    await finding(
      {
        ...base,
        kind: 'refund_failed',
        detail: `The gateway refused the refund ${pending.refundId} (${answer.responseCode ?? '-'} ${answer.message ?? ''}).`,
      },
      now(),
    );
  }
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const at = now();
    const current = await store.getPayment(paymentId);
    if (!current) return false;
    const change = recordRefund(
      current,
      {
        refundId: pending.refundId,
        amount: pending.amount,
        status: answer.status,
        ...(answer.gatewayRefundNo ? { gatewayRefundNo: answer.gatewayRefundNo } : {}),
      },
      at,
    );
    if (!change.changed) return true;
    try {
      await commitChange(current, change.payment, change.event, at);
      return true;
    } catch (error) {
      if (!lostRace(error)) throw error;
      await backOff(attempt);
    }
  }
  throw busy();
}
