import { describe, expect, test } from 'vitest';
import { GatewayError } from '#payments/domain/gateway.ts';
import { createMomoGateway, momoPartnerCodeOf, signMomoIpn } from '#payments/domain/momo.ts';
import { applyVerifiedCallback, newPayment } from '#payments/domain/payment.ts';
import { at, fakeHttp, hmac256, minutes, noHttp, T0 } from './support.ts';

const PARTNER = 'MOMODN01';
const ACCESS = 'AK123';
const SECRET = 'SK-momo-secret-456';
const TXN = 'MC261122100530K3Z9QA';
const ORDER_INFO = 'Thanh toán lệ phí hồ sơ 000.00.15.H19-261122-0001';

function momo(http = noHttp, requestIds: string[] = ['unused']) {
  return createMomoGateway({
    partnerCode: PARTNER,
    accessKey: ACCESS,
    secretKey: SECRET,
    redirectUrl: 'https://dvc.dongnai.gov.vn/payments/momo/return',
    ipnUrl: 'https://dvc.dongnai.gov.vn/payments/momo/ipn',
    http,
    now: () => at(minutes(40)),
    requestId: () => requestIds.shift() ?? 'exhausted',
  });
}

const createRequest = {
  txnRef: TXN,
  amount: 52_000,
  orderInfo: ORDER_INFO,
  payerIp: '203.113.130.5',
  createdAt: T0,
  expiresAt: at(minutes(15)),
};

// An IPN as MoMo sends it, written out by hand; the signature covers the raw UTF-8 text.
const IPN_SIGN_DATA =
  `accessKey=AK123&amount=52000&extraData=&message=Thành công.&orderId=${TXN}` +
  `&orderInfo=${ORDER_INFO}&orderType=momo_wallet&partnerCode=MOMODN01&payType=qr&requestId=RQ-1` +
  '&responseTime=1795317045000&resultCode=0&transId=4088878653';
const ipnBody = (signature: string, over = '') =>
  `{"partnerCode":"MOMODN01","orderId":"${TXN}","requestId":"RQ-1","amount":52000,` +
  `"orderInfo":"${ORDER_INFO}","orderType":"momo_wallet","transId":4088878653,"resultCode":0,` +
  `"message":"Thành công.","payType":"qr","responseTime":1795317045000,"extraData":""${over},"signature":"${signature}"}`;

describe('MoMo create', () => {
  test('POSTs the captureWallet request signed over the raw UTF-8 string in MoMo key order', async () => {
    const payUrl = 'https://test-payment.momo.vn/v2/gateway/pay?t=TU9NT0RO';
    const { http, requests } = fakeHttp([
      {
        status: 200,
        body: JSON.stringify({
          partnerCode: PARTNER,
          orderId: TXN,
          requestId: 'RQ-1',
          amount: 52000,
          responseTime: 1795316730000,
          message: 'Thành công.',
          resultCode: 0,
          payUrl,
        }),
      },
    ]);
    const result = await momo(http, ['RQ-1']).createPayment(createRequest);

    expect(result).toEqual({ redirectUrl: payUrl, merchantCode: PARTNER, requestId: 'RQ-1' });
    expect(requests[0]?.url).toBe('https://test-payment.momo.vn/v2/gateway/api/create');
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.headers['content-type']).toMatch(/^application\/json/);
    const signData =
      `accessKey=AK123&amount=52000&extraData=&ipnUrl=https://dvc.dongnai.gov.vn/payments/momo/ipn&orderId=${TXN}` +
      `&orderInfo=${ORDER_INFO}&partnerCode=MOMODN01&redirectUrl=https://dvc.dongnai.gov.vn/payments/momo/return` +
      '&requestId=RQ-1&requestType=captureWallet';
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      partnerCode: PARTNER,
      requestId: 'RQ-1',
      amount: 52000,
      orderId: TXN,
      orderInfo: ORDER_INFO,
      redirectUrl: 'https://dvc.dongnai.gov.vn/payments/momo/return',
      ipnUrl: 'https://dvc.dongnai.gov.vn/payments/momo/ipn',
      requestType: 'captureWallet',
      extraData: '',
      lang: 'vi',
      signature: hmac256(SECRET, signData),
    });
  });

  test('extraData is base64 of the JSON and is signed as sent', async () => {
    const { http, requests } = fakeHttp([{ status: 200, body: '{"resultCode":0,"payUrl":"https://m/p"}' }]);
    await momo(http, ['RQ-2']).createPayment({ ...createRequest, extraData: { dossierCode: 'X' } });
    const sent = JSON.parse(requests[0]?.body ?? '');
    expect(sent.extraData).toBe('eyJkb3NzaWVyQ29kZSI6IlgifQ==');
    expect(sent.signature).toBe(
      hmac256(
        SECRET,
        `accessKey=AK123&amount=52000&extraData=eyJkb3NzaWVyQ29kZSI6IlgifQ==&ipnUrl=https://dvc.dongnai.gov.vn/payments/momo/ipn` +
          `&orderId=${TXN}&orderInfo=${ORDER_INFO}&partnerCode=MOMODN01` +
          '&redirectUrl=https://dvc.dongnai.gov.vn/payments/momo/return&requestId=RQ-2&requestType=captureWallet',
      ),
    );
  });

  test('amounts outside 1,000–50,000,000 VND and bad orderIds are refused before calling MoMo', async () => {
    for (const amount of [999, 50_000_001, 1000.5]) {
      await expect(momo().createPayment({ ...createRequest, amount })).rejects.toMatchObject({
        status: 400,
        errors: [{ path: 'amount' }],
      });
    }
    await expect(momo().createPayment({ ...createRequest, txnRef: '-MC1' })).rejects.toMatchObject({
      errors: [{ path: 'txnRef' }],
    });
    await expect(momo().createPayment({ ...createRequest, txnRef: 'MC..' })).rejects.toMatchObject({
      errors: [{ path: 'txnRef' }],
    });
    const edges = fakeHttp([
      { status: 200, body: '{"resultCode":0,"payUrl":"https://m/1"}' },
      { status: 200, body: '{"resultCode":0,"payUrl":"https://m/2"}' },
    ]);
    await momo(edges.http, ['a', 'b']).createPayment({ ...createRequest, amount: 1_000, txnRef: 'MC-1_a.b' });
    await momo(edges.http, ['c']).createPayment({ ...createRequest, amount: 50_000_000 });
    expect(edges.requests).toHaveLength(2);
  });

  test('a non-zero resultCode is a refusal; a missing payUrl or unreachable MoMo is an error', async () => {
    const refused = fakeHttp([{ status: 400, body: '{"resultCode":22,"message":"Số tiền không hợp lệ"}' }]);
    const error = await momo(refused.http, ['x'])
      .createPayment(createRequest)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ reason: 'rejected', code: '22' });

    const noUrl = fakeHttp([{ status: 200, body: '{"resultCode":0}' }]);
    await expect(momo(noUrl.http, ['x']).createPayment(createRequest)).rejects.toMatchObject({
      reason: 'bad-response',
    });

    const down = async () => {
      throw new Error('ECONNRESET');
    };
    await expect(momo(down, ['x']).createPayment(createRequest)).rejects.toMatchObject({ reason: 'unreachable' });
  });
});

describe('MoMo IPN', () => {
  const gateway = momo();

  test('a body signed by MoMo verifies, with Vietnamese text signed as raw UTF-8', () => {
    const cb = gateway.verifyCallback({ method: 'POST', rawBody: ipnBody(hmac256(SECRET, IPN_SIGN_DATA)) });
    expect(cb).toEqual({
      signatureValid: true,
      gateway: 'momo',
      txnRef: TXN,
      amount: 52_000,
      merchantCode: PARTNER,
      outcome: 'paid',
      gatewayTransactionNo: '4088878653',
      paidAt: '2026-11-22T10:10:45+07:00',
      responseCode: '0',
      message: 'Thành công.',
    });
  });

  test('signMomoIpn signs the IPN key order with the configured access key', () => {
    const fields = {
      amount: 52000,
      extraData: '',
      message: 'Thành công.',
      orderId: TXN,
      orderInfo: ORDER_INFO,
      orderType: 'momo_wallet',
      partnerCode: PARTNER,
      payType: 'qr',
      requestId: 'RQ-1',
      responseTime: 1795317045000,
      resultCode: 0,
      transId: 4088878653,
    };
    expect(signMomoIpn(fields, ACCESS, SECRET)).toBe(hmac256(SECRET, IPN_SIGN_DATA));
  });

  test('a tampered body, a foreign access key, a GET or garbage are refused', () => {
    const good = ipnBody(hmac256(SECRET, IPN_SIGN_DATA));
    expect(
      gateway.verifyCallback({ method: 'POST', rawBody: good.replace('"amount":52000', '"amount":1000') }),
    ).toEqual({
      signatureValid: false,
      gateway: 'momo',
      outcome: 'failed',
    });
    expect(
      gateway.verifyCallback({ method: 'POST', rawBody: good.replace('"resultCode":0', '"resultCode":1006') })
        .signatureValid,
    ).toBe(false);
    // The access key comes from our configuration, never from the body.
    const evilData = IPN_SIGN_DATA.replace('accessKey=AK123', 'accessKey=EVIL');
    const evil = ipnBody(hmac256(SECRET, evilData), ',"accessKey":"EVIL"');
    expect(gateway.verifyCallback({ method: 'POST', rawBody: evil }).signatureValid).toBe(false);
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: 'a=b' }).signatureValid).toBe(false);
    expect(gateway.verifyCallback({ method: 'POST', rawBody: '{"partnerCode":' }).signatureValid).toBe(false);
    expect(gateway.verifyCallback({ method: 'POST', rawBody: '[]' }).signatureValid).toBe(false);
    const missingField = good.replace('"payType":"qr",', '');
    expect(gateway.verifyCallback({ method: 'POST', rawBody: missingField }).signatureValid).toBe(false);
  });

  test('numbers are verified as MoMo wrote them, even a transId beyond 2^53', () => {
    const data = IPN_SIGN_DATA.replace('transId=4088878653', 'transId=12345678901234567890');
    const body = ipnBody(hmac256(SECRET, data)).replace('"transId":4088878653', '"transId":12345678901234567890');
    const cb = gateway.verifyCallback({ method: 'POST', rawBody: body });
    expect(cb.signatureValid).toBe(true);
    expect(cb.gatewayTransactionNo).toBe('12345678901234567890');
  });

  test('resultCode 0 is paid; 9000 and 1000/7000/7002/8000 pending; anything else failed', () => {
    const outcomeOf = (resultCode: number) => {
      const data = IPN_SIGN_DATA.replace('resultCode=0', `resultCode=${resultCode}`);
      const body = ipnBody(hmac256(SECRET, data)).replace('"resultCode":0', `"resultCode":${resultCode}`);
      return gateway.verifyCallback({ method: 'POST', rawBody: body });
    };
    expect(outcomeOf(0).outcome).toBe('paid');
    for (const code of [9000, 1000, 7000, 7002, 8000]) expect(outcomeOf(code).outcome).toBe('pending');
    for (const code of [1006, 1005, 1001, 99]) {
      expect(outcomeOf(code)).toMatchObject({ signatureValid: true, outcome: 'failed', responseCode: String(code) });
    }
    expect(outcomeOf(1006).paidAt).toBeUndefined();
  });

  test('the answer is 204 with an empty body, whatever became of the IPN', () => {
    for (const outcome of [
      'success',
      'invalid_signature',
      'not_found',
      'invalid_amount',
      'already_confirmed',
    ] as const) {
      expect(gateway.callbackAnswer(outcome)).toEqual({ statusCode: 204, headers: {}, body: '' });
    }
  });

  test('partnerCode, orderId and amount are checked against the stored payment', () => {
    const payment = newPayment(
      {
        paymentId: 'p',
        dossierCode: 'D',
        payerIdNumber: '001099000123',
        gateway: 'momo',
        txnRef: TXN,
        feeLines: [{ code: 'LP', name: 'Lệ phí', amount: 52_000 }],
        merchantCode: PARTNER,
      },
      T0,
    );
    const cb = gateway.verifyCallback({ method: 'POST', rawBody: ipnBody(hmac256(SECRET, IPN_SIGN_DATA)) });
    expect(applyVerifiedCallback(payment, cb, at(minutes(5)))).toMatchObject({
      outcome: 'success',
      event: 'payment.completed',
    });
    expect(applyVerifiedCallback({ ...payment, amount: 52_001 }, cb, T0).outcome).toBe('invalid_amount');
    expect(applyVerifiedCallback({ ...payment, merchantCode: 'MOMOOTHER' }, cb, T0).outcome).toBe('not_found');
    expect(applyVerifiedCallback({ ...payment, txnRef: 'MC2' }, cb, T0).outcome).toBe('not_found');
    expect(applyVerifiedCallback({ ...payment, gateway: 'vnpay' }, cb, T0).outcome).toBe('not_found');
    expect(momoPartnerCodeOf(ipnBody('x'))).toBe(PARTNER);
  });
});

describe('MoMo query and refund', () => {
  test('query is signed over accessKey, orderId, partnerCode, requestId', async () => {
    const { http, requests } = fakeHttp([
      {
        status: 200,
        body: JSON.stringify({
          partnerCode: PARTNER,
          orderId: TXN,
          requestId: 'RQ-Q',
          extraData: '',
          amount: 52000,
          transId: 4088878653,
          payType: 'qr',
          resultCode: 0,
          refundTrans: [],
          message: 'Thành công.',
          responseTime: 1795317045000,
          lastUpdated: 1795317045000,
          signature: 'ignored',
        }),
      },
    ]);
    const result = await momo(http, ['RQ-Q']).queryStatus({ txnRef: TXN, transactionDate: T0 });
    expect(requests[0]?.url).toBe('https://test-payment.momo.vn/v2/gateway/api/query');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      partnerCode: PARTNER,
      requestId: 'RQ-Q',
      orderId: TXN,
      lang: 'vi',
      signature: hmac256(SECRET, `accessKey=AK123&orderId=${TXN}&partnerCode=MOMODN01&requestId=RQ-Q`),
    });
    expect(result).toEqual({
      outcome: 'paid',
      amount: 52_000,
      gatewayTransactionNo: '4088878653',
      paidAt: '2026-11-22T10:10:45+07:00',
      responseCode: '0',
      message: 'Thành công.',
    });
  });

  test('query: 42 is not found, 1006 failed, 1000 pending, and a refused query never fails the payment', async () => {
    const answer = (resultCode: number) => ({ status: 200, body: JSON.stringify({ orderId: TXN, resultCode }) });
    const { http } = fakeHttp([answer(42), answer(1006), answer(1000), answer(13)]);
    const gateway = momo(http, ['1', '2', '3', '4']);
    const q = { txnRef: TXN, transactionDate: T0 };
    expect((await gateway.queryStatus(q)).outcome).toBe('not_found');
    expect((await gateway.queryStatus(q)).outcome).toBe('failed');
    expect((await gateway.queryStatus(q)).outcome).toBe('pending');
    await expect(gateway.queryStatus(q)).rejects.toMatchObject({ reason: 'rejected', code: '13' });
  });

  test('refund uses a fresh orderId, transId as a JSON number, and is signed in MoMo key order', async () => {
    const { http, requests } = fakeHttp([
      { status: 200, body: '{"orderId":"RF261123ABC","resultCode":0,"message":"Thành công.","transId":4088879999}' },
    ]);
    const result = await momo(http, ['RQ-3']).refund?.({
      txnRef: TXN,
      refundId: 'RF261123ABC',
      amount: 20_000,
      paymentAmount: 52_000,
      gatewayTransactionNo: '4088878653',
      transactionDate: T0,
      reason: 'Hoàn phí nộp thừa',
      createdBy: 'officer01',
    });
    expect(requests[0]?.url).toBe('https://test-payment.momo.vn/v2/gateway/api/refund');
    expect(requests[0]?.body).toContain('"transId":4088878653');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      partnerCode: PARTNER,
      orderId: 'RF261123ABC',
      requestId: 'RQ-3',
      amount: 20000,
      transId: 4088878653,
      lang: 'vi',
      description: 'Hoàn phí nộp thừa',
      signature: hmac256(
        SECRET,
        'accessKey=AK123&amount=20000&description=Hoàn phí nộp thừa&orderId=RF261123ABC&partnerCode=MOMODN01' +
          '&requestId=RQ-3&transId=4088878653',
      ),
    });
    expect(result).toEqual({
      status: 'succeeded',
      gatewayRefundNo: '4088879999',
      responseCode: '0',
      message: 'Thành công.',
    });
  });
});
