import { describe, expect, test } from 'vitest';
import { GatewayRegistry } from '#payments/domain/gateway.ts';
import { createMomoGateway } from '#payments/domain/momo.ts';
import { applyQueryResult, applyVerifiedCallback, newPayment, queryRequestFor } from '#payments/domain/payment.ts';
import {
  buildSandboxOutcome,
  createSandboxGateway,
  readSandboxCheckout,
  SANDBOX_DEFAULTS,
  type SandboxOutcome,
} from '#payments/domain/sandbox.ts';
import { createVnpayGateway, vnpayMerchantCodeOf } from '#payments/domain/vnpay.ts';
import { at, hmac512, minutes, noHttp, T0 } from './support.ts';

const SECRET = 'sandbox-secret-for-tests';
const TXN = 'MC261122100530K3Z9QA';

function setup() {
  const recorded = new Map<string, SandboxOutcome>();
  const sandbox = createSandboxGateway({
    tmnCode: 'SANDBOX1',
    hashSecret: SECRET,
    checkoutUrl: 'http://localhost:3000/dev/gateway/checkout',
    returnUrl: 'http://localhost:3000/payments/vnpay/return',
    lookup: async (txnRef) => recorded.get(txnRef),
  });
  const payment = newPayment(
    {
      paymentId: 'pay-s',
      dossierCode: '000.00.15.H19-261122-0001',
      payerIdNumber: '001099000123',
      gateway: 'sandbox',
      txnRef: TXN,
      feeLines: [{ code: 'LP', name: 'Lệ phí', amount: 52_000 }],
      merchantCode: 'SANDBOX1',
    },
    T0,
  );
  return { recorded, sandbox, payment };
}

async function checkout(sandbox: ReturnType<typeof setup>['sandbox']) {
  const { redirectUrl } = await sandbox.createPayment({
    txnRef: TXN,
    amount: 52_000,
    orderInfo: 'Thanh toán hồ sơ',
    payerIp: '127.0.0.1',
    createdAt: T0,
    expiresAt: at(minutes(15)),
  });
  return redirectUrl;
}

describe('sandbox gateway', () => {
  test('redirects to the local checkout page with VNPay parameters signed under its own merchant', async () => {
    const { sandbox } = setup();
    const redirectUrl = await checkout(sandbox);
    const signData =
      'vnp_Amount=5200000&vnp_Command=pay&vnp_CreateDate=20261122100530&vnp_CurrCode=VND' +
      '&vnp_ExpireDate=20261122102030&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+ho+so' +
      '&vnp_OrderType=other&vnp_ReturnUrl=http%3A%2F%2Flocalhost%3A3000%2Fpayments%2Fvnpay%2Freturn' +
      `&vnp_TmnCode=SANDBOX1&vnp_TxnRef=${TXN}&vnp_Version=2.1.0`;
    expect(redirectUrl).toBe(
      `http://localhost:3000/dev/gateway/checkout?${signData}&vnp_SecureHash=${hmac512(SECRET, signData)}`,
    );
    const query = redirectUrl.split('?')[1] ?? '';
    expect(readSandboxCheckout(query, SECRET).signatureValid).toBe(true);
    expect(readSandboxCheckout(query.replace('5200000', '100'), SECRET).signatureValid).toBe(false);
  });

  test('"pay" produces the signed IPN and return queries VNPay would send', async () => {
    const { sandbox, payment } = setup();
    const { params } = readSandboxCheckout((await checkout(sandbox)).split('?')[1] ?? '', SECRET);
    const outcome = buildSandboxOutcome(params, 'pay', at(minutes(3)), SECRET);

    const transactionNo = outcome.params.vnp_TransactionNo ?? '';
    expect(transactionNo).toMatch(/^[1-9]\d{7}$/);
    const signData =
      `vnp_Amount=5200000&vnp_BankCode=NCB&vnp_BankTranNo=VNP${transactionNo}&vnp_CardType=ATM` +
      '&vnp_OrderInfo=Thanh+toan+ho+so&vnp_PayDate=20261122100830&vnp_ResponseCode=00&vnp_TmnCode=SANDBOX1' +
      `&vnp_TransactionNo=${transactionNo}&vnp_TransactionStatus=00&vnp_TxnRef=${TXN}`;
    expect(outcome.ipnQuery).toBe(`${signData}&vnp_SecureHash=${hmac512(SECRET, signData)}`);
    expect(outcome.returnQuery).toBe(outcome.ipnQuery);
    expect(outcome.returnUrl).toBe(`http://localhost:3000/payments/vnpay/return?${outcome.ipnQuery}`);
    expect(outcome).toMatchObject({ choice: 'pay', txnRef: TXN, amount: 52_000 });

    const cb = sandbox.verifyCallback({ method: 'GET', rawQuery: outcome.ipnQuery });
    expect(cb).toMatchObject({ signatureValid: true, gateway: 'sandbox', outcome: 'paid', bankCode: 'NCB' });
    const decision = applyVerifiedCallback(payment, cb, at(minutes(3)));
    expect(decision.outcome).toBe('success');
    expect(decision.payment.status).toBe('paid');
    expect(sandbox.callbackAnswer(decision.outcome).body).toBe('{"RspCode":"00","Message":"Confirm Success"}');

    // The same outcome built twice is the same transaction.
    expect(buildSandboxOutcome(params, 'pay', at(minutes(3)), SECRET).ipnQuery).toBe(outcome.ipnQuery);
  });

  test('"cancel" is ResponseCode 24 / TransactionStatus 02 and fails the payment', async () => {
    const { sandbox, payment } = setup();
    const { params } = readSandboxCheckout((await checkout(sandbox)).split('?')[1] ?? '', SECRET);
    const outcome = buildSandboxOutcome(params, 'cancel', at(minutes(3)), SECRET);
    const signData =
      'vnp_Amount=5200000&vnp_BankCode=NCB&vnp_OrderInfo=Thanh+toan+ho+so&vnp_PayDate=20261122100830' +
      `&vnp_ResponseCode=24&vnp_TmnCode=SANDBOX1&vnp_TransactionNo=0&vnp_TransactionStatus=02&vnp_TxnRef=${TXN}`;
    expect(outcome.ipnQuery).toBe(`${signData}&vnp_SecureHash=${hmac512(SECRET, signData)}`);
    const decision = applyVerifiedCallback(
      payment,
      sandbox.verifyCallback({ method: 'GET', rawQuery: outcome.ipnQuery }),
      T0,
    );
    expect(decision).toMatchObject({ outcome: 'success', event: 'payment.failed' });
    expect(decision.payment.status).toBe('failed');
  });

  test('the real VNPay plugin refuses what the sandbox signed, and the other way round', async () => {
    const { sandbox } = setup();
    const vnpay = createVnpayGateway({
      tmnCode: 'DNAI2026',
      hashSecret: 'real-vnpay-secret',
      returnUrl: 'https://x/r',
      http: noHttp,
      now: () => T0,
      requestId: () => 'r',
    });
    const { params } = readSandboxCheckout((await checkout(sandbox)).split('?')[1] ?? '', SECRET);
    const outcome = buildSandboxOutcome(params, 'pay', T0, SECRET);
    expect(vnpay.verifyCallback({ method: 'GET', rawQuery: outcome.ipnQuery }).signatureValid).toBe(false);

    const registry = new GatewayRegistry([vnpay, sandbox]);
    registry.register(
      createMomoGateway({
        partnerCode: 'MOMODN01',
        accessKey: 'a',
        secretKey: 's',
        redirectUrl: 'https://x/r',
        ipnUrl: 'https://x/i',
        http: noHttp,
        now: () => T0,
        requestId: () => 'r',
      }),
    );
    expect(registry.forMerchant('vnpay', vnpayMerchantCodeOf(outcome.ipnQuery))?.name).toBe('sandbox');
    expect(registry.forMerchant('vnpay', 'DNAI2026')?.name).toBe('vnpay');
    expect(registry.forMerchant('vnpay', 'MOMODN01')).toBeUndefined();
    expect(registry.forMerchant('momo', 'MOMODN01')?.name).toBe('momo');
    expect(registry.names()).toEqual(['vnpay', 'sandbox', 'momo']);
    expect(() => registry.register(sandbox)).toThrow(/twice/);
    expect(() => new GatewayRegistry([sandbox]).get('vnpay')).toThrow();
    expect(registry.get('sandbox')).toBe(sandbox);
  });

  test('queryStatus answers from what the checkout page recorded', async () => {
    const { sandbox, payment, recorded } = setup();
    expect(await sandbox.queryStatus(queryRequestFor(payment))).toEqual({ outcome: 'not_found', responseCode: '91' });

    const { params } = readSandboxCheckout((await checkout(sandbox)).split('?')[1] ?? '', SECRET);
    const outcome = buildSandboxOutcome(params, 'pay', at(minutes(3)), SECRET);
    recorded.set(TXN, outcome);
    const result = await sandbox.queryStatus(queryRequestFor(payment));
    expect(result).toMatchObject({
      outcome: 'paid',
      amount: 52_000,
      bankCode: 'NCB',
      gatewayTransactionNo: outcome.params.vnp_TransactionNo,
      paidAt: '2026-11-22T10:08:30+07:00',
    });
    const settled = applyQueryResult(payment, result, at(minutes(20)));
    expect(settled).toMatchObject({ changed: true, note: 'settled', event: 'payment.completed' });
    expect(settled.payment).toMatchObject({ status: 'paid', settledBy: 'query', callbacks: 0 });
  });

  test('development defaults exist for the local runtime', async () => {
    const sandbox = createSandboxGateway({ returnUrl: 'http://localhost:3000/r', lookup: async () => undefined });
    expect(sandbox.merchantCode).toBe(SANDBOX_DEFAULTS.tmnCode);
    const redirectUrl = await checkout(sandbox);
    expect(redirectUrl.startsWith(`${SANDBOX_DEFAULTS.checkoutUrl}?vnp_Amount=5200000&`)).toBe(true);
    const { signatureValid, params } = readSandboxCheckout(redirectUrl.split('?')[1] ?? '');
    expect(signatureValid).toBe(true);
    const outcome = buildSandboxOutcome(params, 'pay', T0);
    expect(sandbox.verifyCallback({ method: 'GET', rawQuery: outcome.ipnQuery }).signatureValid).toBe(true);
  });
});
