import { describe, expect, test } from 'vitest';
import type { QueryResult, VerifiedCallback } from '#payments/domain/gateway.ts';
import {
  applyQueryResult,
  applyVerifiedCallback,
  assertRefundable,
  expire,
  newPayment,
  type Payment,
  recordRefund,
} from '#payments/domain/payment.ts';
import {
  FINAL_PAYMENT_STATUSES,
  PAYMENT_MOVES,
  PAYMENT_STATUSES,
  type PaymentMove,
  transitionOf,
} from '#payments/domain/transitions.ts';
import type { PaymentEventType, PaymentStatus } from '#payments/events.ts';
import { ConflictError } from '#platform/errors.ts';
import { at, minutes, T0 } from './support.ts';

// The lifecycle as domain.md and gateways.md describe it, written out independently of transitions.ts.
const EXPECTED: Record<PaymentMove, Partial<Record<PaymentStatus, PaymentStatus>>> = {
  pay: { pending: 'paid', failed: 'paid', expired: 'paid' },
  fail: { pending: 'failed' },
  expire: { pending: 'expired' },
  'refund-in-full': { paid: 'refunded' },
};
const EVENT_OF: Record<PaymentMove, PaymentEventType> = {
  pay: 'payment.completed',
  fail: 'payment.failed',
  expire: 'payment.expired',
  'refund-in-full': 'payment.refunded',
};

const TXN = 'MC261122100530K3Z9QA';
const AMOUNT = 54_000;
const LATER = at(minutes(60));

/** A payment in `status`, as the rules would have left it. */
function paymentIn(status: PaymentStatus): Payment {
  const payment = newPayment(
    {
      paymentId: 'pay-1',
      dossierCode: '000.00.15.H19-261122-0001',
      payerIdNumber: '001099000123',
      gateway: 'vnpay',
      txnRef: TXN,
      feeLines: [{ code: 'LP', name: 'Lệ phí', amount: AMOUNT }],
      merchantCode: 'DNAI2026',
    },
    T0,
  );
  const settled: Payment = { ...payment, version: 2 };
  if (status === 'paid' || status === 'refunded') {
    settled.paidAt = '2026-11-22T10:10:45+07:00';
    settled.receipt = { number: 'H19-2026-01-000001', issuedAt: '2026-11-22T10:10:46+07:00' };
  }
  if (status === 'refunded') {
    settled.refunds = [
      {
        refundId: `${TXN}R1`,
        amount: AMOUNT,
        status: 'succeeded',
        requestedAt: '2026-11-22T11:00:00+07:00',
        settledAt: '2026-11-22T11:00:05+07:00',
      },
    ];
  }
  return { ...settled, status };
}

const verified = (outcome: VerifiedCallback['outcome']): VerifiedCallback => ({
  signatureValid: true,
  gateway: 'vnpay',
  txnRef: TXN,
  amount: AMOUNT,
  merchantCode: 'DNAI2026',
  outcome,
  responseCode: outcome === 'paid' ? '00' : '24',
  ...(outcome === 'paid' ? { paidAt: '2026-11-22T10:10:45+07:00', gatewayTransactionNo: '14226112' } : {}),
});
const queried = (outcome: QueryResult['outcome']): QueryResult => ({
  outcome,
  amount: AMOUNT,
  ...(outcome === 'paid' ? { paidAt: '2026-11-22T10:10:45+07:00', gatewayTransactionNo: '14226112' } : {}),
});

/** Every way the rules make a move, from a payment in `status`: what each did. */
function madeBy(move: PaymentMove, status: PaymentStatus): { status: PaymentStatus; event?: PaymentEventType }[] {
  const payment = paymentIn(status);
  const result = (change: { payment: Payment; changed: boolean; event?: PaymentEventType }) =>
    change.changed ? { status: change.payment.status, ...(change.event ? { event: change.event } : {}) } : { status };
  switch (move) {
    case 'pay':
      return [
        result(applyVerifiedCallback(payment, verified('paid'), LATER)),
        result(applyQueryResult(payment, queried('paid'), LATER)),
      ];
    case 'fail':
      return [
        result(applyVerifiedCallback(payment, verified('failed'), LATER)),
        result(applyQueryResult(payment, queried('failed'), LATER)),
      ];
    case 'expire':
      return [result(expire(payment, LATER)), result(applyQueryResult(payment, queried('not_found'), LATER))];
    case 'refund-in-full': {
      try {
        return [result(recordRefund(payment, { refundId: `${TXN}R9`, amount: AMOUNT, status: 'succeeded' }, LATER))];
      } catch (error) {
        expect(error).toBeInstanceOf(ConflictError);
        return [{ status }];
      }
    }
  }
}

describe('the payment transition table, move by status', () => {
  test('lists every status and every move', () => {
    expect([...PAYMENT_STATUSES].sort()).toEqual(['expired', 'failed', 'paid', 'pending', 'refunded']);
    expect([...PAYMENT_MOVES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const cases = PAYMENT_MOVES.flatMap((move) => PAYMENT_STATUSES.map((status) => [move, status] as const));
  test.each(cases)('%s from %s', (move, status) => {
    const expected = EXPECTED[move][status];
    expect(transitionOf(move, status)).toEqual(expected ? { to: expected, event: EVENT_OF[move] } : undefined);
    // The rules of payment.ts go through the table: each way of making the move does exactly what it says.
    for (const outcome of madeBy(move, status)) {
      expect(outcome).toEqual(expected ? { status: expected, event: EVENT_OF[move] } : { status });
    }
  });

  test('refunded is the one final status; a refund is possible only from paid', () => {
    expect(FINAL_PAYMENT_STATUSES).toEqual(['refunded']);
    for (const status of PAYMENT_STATUSES) {
      const attempt = () => assertRefundable(paymentIn(status), 1_000);
      if (status === 'paid') expect(attempt).not.toThrow();
      else expect(attempt).toThrow(ConflictError);
    }
  });

  test('a pending payment before its expiry is not expired by the table alone (the guard holds)', () => {
    expect(expire(paymentIn('pending'), T0).changed).toBe(false);
  });

  test('a partial refund moves nothing; the one that completes the amount moves paid to refunded', () => {
    const half = recordRefund(paymentIn('paid'), { refundId: 'R1', amount: AMOUNT / 2, status: 'succeeded' }, LATER);
    expect(half).toMatchObject({ changed: true, payment: { status: 'paid' } });
    expect(half.event).toBeUndefined();
    const rest = recordRefund(half.payment, { refundId: 'R2', amount: AMOUNT / 2, status: 'succeeded' }, LATER);
    expect(rest).toMatchObject({ changed: true, event: 'payment.refunded', payment: { status: 'refunded' } });
  });
});
