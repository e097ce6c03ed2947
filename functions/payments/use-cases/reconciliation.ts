/**
 * The scheduled reconciliation (pending payments past expiry queried at their gateway, refunds sent again) and
 * the day's report of it.
 */
import { isLocalDate, toLocalDate, toLocalIso } from '#calendar/time.ts';
import { now } from '#platform/clock.ts';
import { lostRace } from '#platform/dynamo.ts';
import { ValidationError } from '#platform/errors.ts';
import { logger } from '#platform/observability.ts';
import type { ReconcileResult, ReconciliationReport } from '../api/schemas.ts';
import type { GatewayRegistry, QueryResult } from '../domain/gateway.ts';
import { applyQueryResult, queryRequestFor } from '../domain/payment.ts';
import { gatewayRegistry } from '../gateways.ts';
import * as store from '../store.ts';
import { commitChange } from './change.ts';
import { processRefund } from './refunds.ts';
import { ATTEMPTS, backOff, finding } from './shared.ts';

const RECONCILE_BATCH = 200;

async function reconcilePayment(
  paymentId: string,
  registry: GatewayRegistry,
): Promise<'settled' | 'expired' | 'unchanged' | 'error'> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const at = now();
    const payment = await store.getPayment(paymentId);
    if (payment?.status !== 'pending') return 'unchanged';
    const base = { subject: payment.paymentId, paymentId, txnRef: payment.txnRef, gateway: payment.gateway };
    if (!registry.has(payment.gateway)) {
      await finding({ ...base, kind: 'gateway_unavailable', detail: `${payment.gateway} is not configured` }, at);
      return 'error';
    }
    let answer: QueryResult;
    try {
      answer = await registry.get(payment.gateway).queryStatus(queryRequestFor(payment));
    } catch (error) {
      await finding({ ...base, kind: 'query_failed', detail: (error as Error).message }, at);
      return 'error';
    }
    const applied = applyQueryResult(payment, answer, at);
    if (applied.note === 'amount_mismatch') {
      await finding(
        {
          ...base,
          kind: 'amount_mismatch',
          detail: `The gateway reports a payment of ${answer.amount} VND; the payment is ${payment.amount} VND.`,
        },
        at,
      );
    }
    if (!applied.changed) {
      if (answer.outcome === 'pending') {
        await finding(
          {
            ...base,
            kind: 'gateway_still_pending',
            detail: `Past its expiry and still in progress at the gateway (${answer.responseCode ?? '-'}).`,
          },
          at,
        );
      }
      return 'unchanged';
    }
    try {
      await commitChange(payment, applied.payment, applied.event, at);
      return applied.event === 'payment.expired' ? 'expired' : 'settled';
    } catch (error) {
      if (!lostRace(error)) throw error;
      await backOff(attempt);
    }
  }
  return 'error';
}

/**
 * The scheduled reconciliation: pending payments past expiry are queried at their gateway and settled or
 * expired; refunds recorded and not yet settled are sent again. Every run is recorded for the day's report.
 */
export async function reconcile(): Promise<ReconcileResult> {
  const startedAt = now();
  const result: ReconcileResult = { checked: 0, settled: 0, expired: 0, refundsProcessed: 0, errors: 0 };
  const registry = await gatewayRegistry();
  for (const paymentId of await store.listPendingExpiredBefore(startedAt.toISOString(), RECONCILE_BATCH)) {
    result.checked++;
    try {
      const outcome = await reconcilePayment(paymentId, registry);
      if (outcome === 'settled') result.settled++;
      else if (outcome === 'expired') result.expired++;
      else if (outcome === 'error') result.errors++;
    } catch (error) {
      result.errors++;
      logger.error('reconciliation of a payment failed', { paymentId, error: error as Error });
    }
  }
  for (const paymentId of await store.listRefunding(RECONCILE_BATCH)) {
    try {
      if (await processRefund(paymentId)) result.refundsProcessed++;
    } catch (error) {
      result.errors++;
      logger.error('a refund could not be processed', { paymentId, error: error as Error });
    }
  }
  await store.recordRun(result, startedAt);
  return result;
}

/** GET /payments/reconciliation: a day's runs, totals by gateway, and findings (GMT+7 days). */
export async function reconciliationReport(date: string | undefined): Promise<ReconciliationReport> {
  const day = date ?? toLocalDate(now());
  if (!isLocalDate(day)) throw new ValidationError([{ path: 'query.date', message: 'Not a calendar date' }]);
  const stored = await store.getReconciliationDay(day);
  const runs = stored.runs.sort((a, b) => a.at.localeCompare(b.at));
  const sum = (field: keyof ReconcileResult) => runs.reduce((total, run) => total + run[field], 0);
  const lastRun = runs.at(-1);
  return {
    date: day,
    runs: {
      count: runs.length,
      ...(lastRun ? { lastRunAt: toLocalIso(new Date(lastRun.at)) } : {}),
      checked: sum('checked'),
      settled: sum('settled'),
      expired: sum('expired'),
      refundsProcessed: sum('refundsProcessed'),
      errors: sum('errors'),
    },
    totals: stored.totals,
    ...(stored.findingsTruncated ? { findingsTruncated: true } : {}),
    findings: stored.findings
      .map((f) => ({
        ...f,
        firstSeenAt: toLocalIso(new Date(f.firstSeenAt)),
        lastSeenAt: toLocalIso(new Date(f.lastSeenAt)),
      }))
      .sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt)),
  };
}
