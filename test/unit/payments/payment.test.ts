import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { VerifiedCallback } from '#payments/domain/gateway.ts';
import { MOMO_ORDER_ID_PATTERN } from '#payments/domain/momo.ts';
import {
  applyQueryResult,
  applyVerifiedCallback,
  attachReceipt,
  createRequestFor,
  expire,
  formatReceiptNumber,
  newPayment,
  newTxnRef,
  orderInfoFor,
  type Payment,
  paymentEventData,
  paymentSchema,
  queryRequestFor,
  recordRefund,
} from '#payments/domain/payment.ts';
import { at, minutes, T0 } from './support.ts';

const TXN = 'MC261122100530K3Z9QA';

function pending(): Payment {
  return newPayment(
    {
      paymentId: 'pay-1',
      dossierCode: '000.00.15.H19-261122-0001',
      payerIdNumber: '001099000123',
      gateway: 'vnpay',
      txnRef: TXN,
      feeLines: [
        { code: 'LP', name: 'Lệ phí cấp bản sao', amount: 50_000 },
        { code: 'PHI', name: 'Phí chứng thực (2 trang)', amount: 4_000 },
      ],
      merchantCode: 'DNAI2026',
    },
    T0,
  );
}

function callback(outcome: VerifiedCallback['outcome'], over: Partial<VerifiedCallback> = {}): VerifiedCallback {
  return {
    signatureValid: true,
    gateway: 'vnpay',
    txnRef: TXN,
    amount: 54_000,
    merchantCode: 'DNAI2026',
    outcome,
    ...(outcome === 'paid' ? { paidAt: '2026-11-22T10:10:45+07:00', gatewayTransactionNo: '14226112' } : {}),
    bankCode: 'NCB',
    responseCode: outcome === 'paid' ? '00' : '24',
    ...over,
  };
}

describe('new payment', () => {
  test('sums the fee lines and expires after the time to live, in GMT+7, to the second', () => {
    const payment = newPayment(
      {
        paymentId: 'p',
        dossierCode: 'D',
        payerIdNumber: '001099000123',
        gateway: 'momo',
        txnRef: TXN,
        feeLines: [{ code: 'A', name: 'a', amount: 2_000 }],
        ttlMinutes: 30,
      },
      new Date('2026-11-22T03:05:30.789Z'),
    );
    expect(payment).toEqual({
      paymentId: 'p',
      dossierCode: 'D',
      payerIdNumber: '001099000123',
      gateway: 'momo',
      txnRef: TXN,
      amount: 2_000,
      feeLines: [{ code: 'A', name: 'a', amount: 2_000 }],
      status: 'pending',
      createdAt: '2026-11-22T10:05:30+07:00',
      expiresAt: '2026-11-22T10:35:30+07:00',
      version: 1,
      callbacks: 0,
      refunds: [],
    });
    expect(pending().amount).toBe(54_000);
    expect(pending().expiresAt).toBe('2026-11-22T10:20:30+07:00');
    expect(paymentSchema.parse(pending())).toEqual(pending());
  });

  test('refuses nothing to pay and fractional fees', () => {
    const base = { paymentId: 'p', dossierCode: 'D', payerIdNumber: '1', gateway: 'vnpay' as const, txnRef: TXN };
    expect(() => newPayment({ ...base, feeLines: [] }, T0)).toThrow();
    expect(() => newPayment({ ...base, feeLines: [{ code: 'A', name: 'a', amount: 0 }] }, T0)).toThrow();
    expect(() => newPayment({ ...base, feeLines: [{ code: 'A', name: 'a', amount: 10.5 }] }, T0)).toThrow();
  });

  test('the gateway request carries the payment, and querydr uses its creation time', () => {
    const payment = pending();
    const req = createRequestFor(payment, { payerIp: '203.113.130.5', locale: 'en' });
    expect(req).toEqual({
      txnRef: TXN,
      amount: 54_000,
      orderInfo: 'Thanh toan phi le phi ho so 000 00 15 H19 261122 0001',
      payerIp: '203.113.130.5',
      locale: 'en',
      createdAt: T0,
      expiresAt: at(minutes(15)),
    });
    expect(queryRequestFor(payment).transactionDate).toEqual(T0);
  });
});

describe('applying callbacks', () => {
  test('pending → paid records the gateway facts, once', () => {
    const first = applyVerifiedCallback(pending(), callback('paid'), at(minutes(5)));
    expect(first).toMatchObject({ outcome: 'success', changed: true, event: 'payment.completed' });
    expect(first.payment).toMatchObject({
      status: 'paid',
      paidAt: '2026-11-22T10:10:45+07:00',
      gatewayTransactionNo: '14226112',
      bankCode: 'NCB',
      responseCode: '00',
      settledBy: 'callback',
      version: 2,
      callbacks: 1,
      updatedAt: '2026-11-22T10:10:30+07:00',
    });
    const second = applyVerifiedCallback(first.payment, callback('paid'), at(minutes(6)));
    expect(second).toEqual({ payment: first.payment, changed: false, outcome: 'already_confirmed' });
  });

  test('a paid callback without a pay date is paid now', () => {
    const { payment } = applyVerifiedCallback(pending(), callback('paid', { paidAt: undefined }), at(minutes(5)));
    expect(payment.paidAt).toBe('2026-11-22T10:10:30+07:00');
  });

  test('pending → failed keeps the reason; a late failure never undoes a payment', () => {
    const failed = applyVerifiedCallback(pending(), callback('failed', { message: 'Cancelled by the payer' }), T0);
    expect(failed).toMatchObject({ outcome: 'success', changed: true, event: 'payment.failed' });
    expect(failed.payment).toMatchObject({
      status: 'failed',
      failureReason: 'Cancelled by the payer',
      responseCode: '24',
    });

    const paid = applyVerifiedCallback(pending(), callback('paid'), T0).payment;
    const late = applyVerifiedCallback(paid, callback('failed'), at(minutes(9)));
    expect(late).toEqual({ payment: paid, changed: false, outcome: 'already_confirmed' });
  });

  test('a verified payment after a failure or expiry is recorded: the money has moved', () => {
    const failed = applyVerifiedCallback(pending(), callback('failed'), T0).payment;
    const paid = applyVerifiedCallback(failed, callback('paid'), at(minutes(1)));
    expect(paid).toMatchObject({ outcome: 'success', changed: true, event: 'payment.completed' });
    expect(paid.payment).toMatchObject({ status: 'paid', version: 3, callbacks: 2 });
    expect(paid.payment.failureReason).toBeUndefined();

    const expired = expire(pending(), at(minutes(15))).payment;
    expect(applyVerifiedCallback(expired, callback('paid'), at(minutes(16))).payment.status).toBe('paid');
  });

  test('an in-progress callback is acknowledged and changes nothing', () => {
    const payment = pending();
    expect(applyVerifiedCallback(payment, callback('pending'), T0)).toEqual({
      payment,
      changed: false,
      outcome: 'success',
    });
  });

  test('the VNPay check order: signature, then order, then amount, then state', () => {
    const payment = pending();
    const paid = applyVerifiedCallback(payment, callback('paid'), T0).payment;
    expect(applyVerifiedCallback(undefined, callback('paid', { signatureValid: false, amount: 1 }), T0).outcome).toBe(
      'invalid_signature',
    );
    expect(applyVerifiedCallback(undefined, callback('paid', { amount: 1 }), T0).outcome).toBe('not_found');
    expect(applyVerifiedCallback(payment, callback('paid', { txnRef: 'MC2' }), T0).outcome).toBe('not_found');
    expect(applyVerifiedCallback(payment, callback('paid', { merchantCode: 'OTHER' }), T0).outcome).toBe('not_found');
    expect(applyVerifiedCallback(payment, callback('paid', { gateway: 'sandbox' }), T0).outcome).toBe('not_found');
    expect(applyVerifiedCallback(paid, callback('paid', { amount: 1 }), T0).outcome).toBe('invalid_amount');
    expect(applyVerifiedCallback(paid, callback('paid', { amount: undefined }), T0).outcome).toBe('invalid_amount');
    expect(applyVerifiedCallback(paid, callback('paid'), T0).outcome).toBe('already_confirmed');
  });

  test('an amount that differs from the stored one changes nothing, whatever the outcome', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }).filter((n) => n !== 54_000),
        fc.constantFrom('paid', 'failed', 'pending') as fc.Arbitrary<VerifiedCallback['outcome']>,
        (amount, outcome) => {
          const payment = pending();
          const decision = applyVerifiedCallback(payment, callback(outcome, { amount: amount / 100 }), T0);
          expect(decision).toEqual({ payment, changed: false, outcome: 'invalid_amount' });
          const whole = applyVerifiedCallback(payment, callback(outcome, { amount }), T0);
          expect(whole).toEqual({ payment, changed: false, outcome: 'invalid_amount' });
        },
      ),
    );
  });

  test('replaying the same callback any number of times changes the payment exactly once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('paid', 'failed') as fc.Arbitrary<'paid' | 'failed'>,
        fc.integer({ min: 1, max: 25 }),
        (outcome, times) => {
          let payment = pending();
          const events: string[] = [];
          for (let i = 0; i < times; i++) {
            const decision = applyVerifiedCallback(payment, callback(outcome), at(minutes(i)));
            if (decision.event) events.push(decision.event);
            expect(decision.outcome).toBe(i === 0 ? 'success' : 'already_confirmed');
            payment = decision.payment;
          }
          expect(events).toEqual([outcome === 'paid' ? 'payment.completed' : 'payment.failed']);
          expect(payment.version).toBe(2);
        },
      ),
    );
  });

  test('any sequence of callbacks leaves pending at most once, and once paid stays paid', () => {
    const anyCallback = fc.record({
      outcome: fc.constantFrom('paid', 'failed', 'pending') as fc.Arbitrary<VerifiedCallback['outcome']>,
      signatureValid: fc.boolean(),
      amountMatches: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(anyCallback, { minLength: 1, maxLength: 30 }), (sequence) => {
        const original = pending();
        let payment = original;
        let leftPending = 0;
        let completed = 0;
        let failed = 0;
        let wasPaid = false;
        for (const [i, c] of sequence.entries()) {
          const cb = callback(c.outcome, {
            signatureValid: c.signatureValid,
            amount: c.amountMatches ? 54_000 : 54_001,
          });
          const before = payment;
          const decision = applyVerifiedCallback(payment, cb, at(minutes(i)));
          payment = decision.payment;
          if (before.status === 'pending' && payment.status !== 'pending') leftPending++;
          if (decision.event === 'payment.completed') completed++;
          if (decision.event === 'payment.failed') failed++;
          expect(decision.changed).toBe(payment !== before);
          expect(payment.version).toBe(before.version + (decision.changed ? 1 : 0));
          if (wasPaid) expect(payment.status).toBe('paid');
          wasPaid ||= payment.status === 'paid';
        }
        const valid = sequence.filter((c) => c.signatureValid && c.amountMatches);
        expect(leftPending).toBeLessThanOrEqual(1);
        expect(completed).toBeLessThanOrEqual(1);
        expect(failed).toBeLessThanOrEqual(1);
        if (valid.some((c) => c.outcome === 'paid')) expect(payment.status).toBe('paid');
        else if (valid.some((c) => c.outcome === 'failed')) expect(payment.status).toBe('failed');
        else expect(payment).toBe(original);
      }),
    );
  });

  test('the order in which the same callbacks arrive does not change where the payment ends', () => {
    const anyCallback = fc.constantFrom('paid', 'failed', 'pending') as fc.Arbitrary<VerifiedCallback['outcome']>;
    fc.assert(
      fc.property(
        fc
          .array(anyCallback, { minLength: 1, maxLength: 12 })
          .chain((list) =>
            fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
          ),
        ([list, permutation]) => {
          const run = (outcomes: VerifiedCallback['outcome'][]) =>
            outcomes.reduce((p, o, i) => applyVerifiedCallback(p, callback(o), at(minutes(i))).payment, pending());
          expect(run(permutation).status).toBe(run(list).status);
        },
      ),
    );
  });
});

describe('expiry and reconciliation', () => {
  test('a pending payment expires at its expiry time, not before; nothing else expires', () => {
    expect(expire(pending(), at(minutes(15) - 1)).changed).toBe(false);
    const expired = expire(pending(), at(minutes(15)));
    expect(expired).toMatchObject({ changed: true, event: 'payment.expired' });
    expect(expired.payment).toMatchObject({ status: 'expired', settledBy: 'expiry', version: 2 });
    const paid = applyVerifiedCallback(pending(), callback('paid'), T0).payment;
    expect(expire(paid, at(minutes(60)))).toEqual({ payment: paid, changed: false });
    expect(expire(expired.payment, at(minutes(60))).changed).toBe(false);
  });

  test('a query that finds the payment settles it; a different amount needs a person', () => {
    const q = { outcome: 'paid' as const, amount: 54_000, gatewayTransactionNo: '14226112', bankCode: 'NCB' };
    const settled = applyQueryResult(pending(), q, at(minutes(20)));
    expect(settled).toMatchObject({ changed: true, note: 'settled', event: 'payment.completed' });
    expect(settled.payment).toMatchObject({ status: 'paid', settledBy: 'query', paidAt: '2026-11-22T10:25:30+07:00' });
    expect(applyQueryResult(settled.payment, q, at(minutes(21))).changed).toBe(false);

    const payment = pending();
    expect(applyQueryResult(payment, { ...q, amount: 5_400 }, T0)).toEqual({
      payment,
      changed: false,
      note: 'amount_mismatch',
    });
  });

  test('not found at the gateway expires the payment only once its time is up; in progress stays pending', () => {
    const payment = pending();
    expect(applyQueryResult(payment, { outcome: 'not_found' }, at(minutes(10)))).toEqual({
      payment,
      changed: false,
      note: 'unchanged',
    });
    expect(applyQueryResult(payment, { outcome: 'not_found' }, at(minutes(16)))).toMatchObject({
      changed: true,
      event: 'payment.expired',
      note: 'settled',
    });
    expect(applyQueryResult(payment, { outcome: 'pending' }, at(minutes(60))).changed).toBe(false);
    const failed = applyQueryResult(payment, { outcome: 'failed', responseCode: '02' }, at(minutes(16)));
    expect(failed.payment.status).toBe('failed');
    const paid = applyVerifiedCallback(payment, callback('paid'), T0).payment;
    expect(applyQueryResult(paid, { outcome: 'failed' }, at(minutes(16))).changed).toBe(false);
  });
});

describe('refunds and receipts', () => {
  const paid = () => applyVerifiedCallback(pending(), callback('paid'), T0).payment;

  test('partial refunds add up to a full refund', () => {
    const first = recordRefund(
      paid(),
      { refundId: 'RF1', amount: 4_000, status: 'succeeded', reason: 'Thừa' },
      at(minutes(60)),
    );
    expect(first.changed).toBe(true);
    expect(first.event).toBeUndefined();
    expect(first.payment.status).toBe('paid');
    expect(first.payment.refunds).toEqual([
      {
        refundId: 'RF1',
        amount: 4_000,
        status: 'succeeded',
        requestedAt: '2026-11-22T11:05:30+07:00',
        settledAt: '2026-11-22T11:05:30+07:00',
        reason: 'Thừa',
      },
    ]);
    const second = recordRefund(
      first.payment,
      { refundId: 'RF2', amount: 50_000, status: 'succeeded' },
      at(minutes(61)),
    );
    expect(second).toMatchObject({ changed: true, event: 'payment.refunded' });
    expect(second.payment.status).toBe('refunded');
  });

  test('the same refund recorded twice changes nothing; a pending one can settle later', () => {
    const asked = recordRefund(paid(), { refundId: 'RF1', amount: 54_000, status: 'pending' }, T0);
    expect(recordRefund(asked.payment, { refundId: 'RF1', amount: 54_000, status: 'pending' }, T0).changed).toBe(false);
    const done = recordRefund(
      asked.payment,
      { refundId: 'RF1', amount: 54_000, status: 'succeeded', gatewayRefundNo: '99' },
      T0,
    );
    expect(done).toMatchObject({ changed: true, event: 'payment.refunded' });
    expect(done.payment.refunds[0]).toMatchObject({ status: 'succeeded', gatewayRefundNo: '99' });
    expect(recordRefund(done.payment, { refundId: 'RF1', amount: 54_000, status: 'succeeded' }, T0).changed).toBe(
      false,
    );
  });

  test('refunds cannot exceed the payment, nor be made on an unpaid one', () => {
    const first = recordRefund(paid(), { refundId: 'RF1', amount: 50_000, status: 'pending' }, T0).payment;
    expect(() => recordRefund(first, { refundId: 'RF2', amount: 4_001, status: 'succeeded' }, T0)).toThrow(
      expect.objectContaining({ kind: 'refund-exceeds-payment', status: 409 }),
    );
    expect(() => recordRefund(pending(), { refundId: 'RF1', amount: 1, status: 'succeeded' }, T0)).toThrow(
      expect.objectContaining({ kind: 'payment-not-refundable' }),
    );
  });

  test('a receipt is attached once, to a paid payment', () => {
    const receipt = { number: 'H19-2026-000123', issuedAt: '2026-11-22T10:11:00+07:00' };
    const withReceipt = attachReceipt(paid(), receipt, T0);
    expect(withReceipt.payment.receipt).toEqual(receipt);
    expect(attachReceipt(withReceipt.payment, { ...receipt, number: 'H19-2026-000124' }, T0).changed).toBe(false);
    expect(() => attachReceipt(pending(), receipt, T0)).toThrow();
    expect(paymentEventData(withReceipt.payment)).toEqual({
      paymentId: 'pay-1',
      dossierCode: '000.00.15.H19-261122-0001',
      payerIdNumber: '001099000123',
      gateway: 'vnpay',
      txnRef: TXN,
      amount: 54_000,
      feeLines: [
        { code: 'LP', name: 'Lệ phí cấp bản sao', amount: 50_000 },
        { code: 'PHI', name: 'Phí chứng thực (2 trang)', amount: 4_000 },
      ],
      status: 'paid',
      gatewayTransactionNo: '14226112',
      bankCode: 'NCB',
      paidAt: '2026-11-22T10:10:45+07:00',
      receipt,
      channelCode: 2,
    });
  });
});

describe('references and numbers', () => {
  test('a merchant reference is MC + yyMMddHHmmss in GMT+7 + 6 random base-36 characters', () => {
    expect(newTxnRef(T0, () => 'k3z9qa')).toBe('MC261122100530K3Z9QA');
    expect(newTxnRef(new Date('2026-12-31T17:00:00Z'), () => '0000001')).toBe('MC270101000000000000');
    expect(() => newTxnRef(T0, () => 'ab-c')).toThrow();
  });

  test('references fit both gateways and differ whenever the second or the random part differs', () => {
    const base36 = fc.string({
      unit: fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyz'),
      minLength: 6,
      maxLength: 6,
    });
    const instant = fc.date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, instant, base36, base36, (t1, t2, r1, r2) => {
        const a = newTxnRef(t1, () => r1);
        const b = newTxnRef(t2, () => r2);
        expect(a).toMatch(/^MC\d{12}[0-9A-Z]{6}$/);
        expect(a).toMatch(MOMO_ORDER_ID_PATTERN);
        expect(a.length).toBeLessThanOrEqual(100);
        const sameSecond = Math.floor(t1.getTime() / 1000) === Math.floor(t2.getTime() / 1000);
        expect(a === b).toBe(sameSecond && r1 === r2);
      }),
    );
  });

  test('receipt numbers are province-year-series-sequence with six digits at least', () => {
    expect(formatReceiptNumber('H19', 2026, '07', 123)).toBe('H19-2026-07-000123');
    expect(formatReceiptNumber('H55', 2027, '01', 1)).toBe('H55-2027-01-000001');
    expect(formatReceiptNumber('H19', 2026, '32', 1_234_567)).toBe('H19-2026-32-1234567');
    expect(() => formatReceiptNumber('h19', 2026, '01', 1)).toThrow();
    expect(() => formatReceiptNumber('H19', 26, '01', 1)).toThrow();
    expect(() => formatReceiptNumber('H19', 2026, '1', 1)).toThrow();
    expect(() => formatReceiptNumber('H19', 2026, '01', 0)).toThrow();
  });

  test('order info for a dossier is ASCII letters, digits and spaces', () => {
    expect(orderInfoFor('000.00.15.H19-261122-0001')).toBe('Thanh toan phi le phi ho so 000 00 15 H19 261122 0001');
  });
});
