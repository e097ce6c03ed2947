import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GatewayError } from '#payments/domain/gateway.ts';
import { applyVerifiedCallback, newPayment, type Payment } from '#payments/domain/payment.ts';
import {
  buildVnpayCallbackQuery,
  createVnpayGateway,
  formatVnpayDate,
  formEncode,
  parseVnpayDate,
  sanitizeOrderInfo,
  signVnpayParams,
  vnpayMerchantCodeOf,
} from '#payments/domain/vnpay.ts';
import { at, fakeHttp, hmac512, minutes, noHttp, T0 } from './support.ts';

const SECRET = 'DNAITESTSECRETKEY0123456789ABCDE';
const TMN = 'DNAI2026';
const TXN = 'MC261122100530K3Z9QA';

function vnpay(http = noHttp, requestIds: string[] = ['unused']) {
  return createVnpayGateway({
    tmnCode: TMN,
    hashSecret: SECRET,
    returnUrl: 'https://dvc.dongnai.gov.vn/payments/vnpay/return?lang=vi',
    serverIpAddr: '10.0.0.1',
    http,
    now: () => at(minutes(40)),
    requestId: () => requestIds.shift() ?? 'exhausted',
  });
}

function storedPayment(amount = 52_000): Payment {
  return newPayment(
    {
      paymentId: 'pay-1',
      dossierCode: '000.00.15.H19-261122-0001',
      payerIdNumber: '001099000123',
      gateway: 'vnpay',
      txnRef: TXN,
      feeLines: [{ code: 'LP', name: 'Lệ phí', amount }],
      merchantCode: TMN,
    },
    T0,
  );
}

// What VNPay sends to the IPN URL after a successful payment, written out by hand.
const IPN_SIGN_DATA =
  'vnp_Amount=5200000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14226112&vnp_CardType=ATM' +
  '&vnp_OrderInfo=Thanh+toan+le+phi+ho+so+000+00+15+H19+261122+0001&vnp_PayDate=20261122101045' +
  '&vnp_ResponseCode=00&vnp_TmnCode=DNAI2026&vnp_TransactionNo=14226112&vnp_TransactionStatus=00' +
  `&vnp_TxnRef=${TXN}`;
const IPN_QUERY = `${IPN_SIGN_DATA}&vnp_SecureHash=${hmac512(SECRET, IPN_SIGN_DATA)}`;

describe('VNPay signature rule', () => {
  test('values are form-encoded: Vietnamese as UTF-8 percent-encoding, spaces as +', () => {
    const params = { vnp_TxnRef: 'A1', vnp_OrderInfo: 'N\u1ED9p ph\u00ED h\u1ED3 s\u01A1', vnp_Amount: '100000' };
    const expected = hmac512(
      SECRET,
      'vnp_Amount=100000&vnp_OrderInfo=N%E1%BB%99p+ph%C3%AD+h%E1%BB%93+s%C6%A1&vnp_TxnRef=A1',
    );
    expect(signVnpayParams(params, SECRET)).toBe(expected);
  });

  test('vnp_SecureHash, vnp_SecureHashType and non-vnp parameters are not signed', () => {
    const expected = hmac512(SECRET, 'vnp_Amount=100000&vnp_TxnRef=A1');
    expect(
      signVnpayParams(
        { vnp_TxnRef: 'A1', vnp_Amount: '100000', vnp_SecureHash: 'x', vnp_SecureHashType: 'SHA512', lang: 'vi' },
        SECRET,
      ),
    ).toBe(expected);
  });

  test('reserved characters of a URL are percent-encoded, *-._ are not', () => {
    expect(formEncode("https://a.vn/r?x=1&y=2 (ok)!*-._~'")).toBe(
      'https%3A%2F%2Fa.vn%2Fr%3Fx%3D1%26y%3D2+%28ok%29%21*-._%7E%27',
    );
  });

  test('the encoding is exactly application/x-www-form-urlencoded (URLSearchParams) for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(formEncode(value)).toBe(new URLSearchParams([['', value]]).toString().slice(1));
      }),
    );
  });

  test('buildVnpayCallbackQuery is the sign data followed by the hash', () => {
    const query = buildVnpayCallbackQuery({ vnp_TxnRef: 'A1', vnp_Amount: '100000' }, SECRET);
    expect(query).toBe(
      `vnp_Amount=100000&vnp_TxnRef=A1&vnp_SecureHash=${hmac512(SECRET, 'vnp_Amount=100000&vnp_TxnRef=A1')}`,
    );
  });
});

describe('VNPay values', () => {
  test('dates are yyyyMMddHHmmss in GMT+7, across the UTC day boundary too', () => {
    expect(formatVnpayDate(T0)).toBe('20261122100530');
    expect(formatVnpayDate(new Date('2026-12-31T17:00:00Z'))).toBe('20270101000000');
    expect(parseVnpayDate('20270101000000')?.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(parseVnpayDate('20261131120000')).toBeUndefined();
    expect(parseVnpayDate('2026112212000')).toBeUndefined();
    expect(parseVnpayDate('20261122100530')?.toISOString()).toBe(T0.toISOString());
    expect(parseVnpayDate('20261122240000')).toBeUndefined();
    expect(parseVnpayDate('20261122126000')).toBeUndefined();
    expect(parseVnpayDate('20261122120060')).toBeUndefined();
  });

  test('order info keeps only ASCII letters, digits and single spaces; diacritics and đ/Đ are stripped', () => {
    expect(sanitizeOrderInfo('Đăng ký khai sinh – Đợt 1/2026 (ưu tiên)')).toBe('Dang ky khai sinh Dot 1 2026 uu tien');
    expect(sanitizeOrderInfo('  Chứng thực bản sao: 3 trang, đơn giá 2.000đ  ')).toBe(
      'Chung thuc ban sao 3 trang don gia 2 000d',
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const info = sanitizeOrderInfo(text);
        expect(info).toMatch(/^([A-Za-z0-9]+( [A-Za-z0-9]+)*)?$/);
        expect(info.length).toBeLessThanOrEqual(255);
      }),
    );
  });
});

describe('VNPay payment URL', () => {
  test('carries every parameter, signed as VNPay checks it', async () => {
    const result = await vnpay().createPayment({
      txnRef: TXN,
      amount: 52_000,
      orderInfo: 'Thanh toán lệ phí hồ sơ 000.00.15.H19-261122-0001 (Đồng Nai)',
      payerIp: '203.113.130.5',
      createdAt: T0,
      expiresAt: at(minutes(15)),
      locale: 'vi',
    });
    const signData =
      'vnp_Amount=5200000&vnp_Command=pay&vnp_CreateDate=20261122100530&vnp_CurrCode=VND' +
      '&vnp_ExpireDate=20261122102030&vnp_IpAddr=203.113.130.5&vnp_Locale=vn' +
      '&vnp_OrderInfo=Thanh+toan+le+phi+ho+so+000+00+15+H19+261122+0001+Dong+Nai&vnp_OrderType=other' +
      '&vnp_ReturnUrl=https%3A%2F%2Fdvc.dongnai.gov.vn%2Fpayments%2Fvnpay%2Freturn%3Flang%3Dvi' +
      `&vnp_TmnCode=DNAI2026&vnp_TxnRef=${TXN}&vnp_Version=2.1.0`;
    expect(result.redirectUrl).toBe(
      `https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?${signData}&vnp_SecureHash=${hmac512(SECRET, signData)}`,
    );
    expect(result.merchantCode).toBe(TMN);
  });

  test('an optional bank code and the English locale are included and signed', async () => {
    const { redirectUrl } = await vnpay().createPayment({
      txnRef: 'T1',
      amount: 2_000,
      orderInfo: 'Fee',
      payerIp: '::1',
      createdAt: T0,
      expiresAt: at(minutes(15)),
      locale: 'en',
      bankCode: 'VNBANK',
      returnUrl: 'http://localhost:3000/r',
    });
    const signData =
      'vnp_Amount=200000&vnp_BankCode=VNBANK&vnp_Command=pay&vnp_CreateDate=20261122100530&vnp_CurrCode=VND' +
      '&vnp_ExpireDate=20261122102030&vnp_IpAddr=%3A%3A1&vnp_Locale=en&vnp_OrderInfo=Fee&vnp_OrderType=other' +
      '&vnp_ReturnUrl=http%3A%2F%2Flocalhost%3A3000%2Fr&vnp_TmnCode=DNAI2026&vnp_TxnRef=T1&vnp_Version=2.1.0';
    expect(redirectUrl).toBe(
      `https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?${signData}&vnp_SecureHash=${hmac512(SECRET, signData)}`,
    );
  });

  test('refuses amounts that are not positive whole VND and references VNPay would reject', async () => {
    const base = { txnRef: 'T1', orderInfo: 'x', payerIp: '1.1.1.1', createdAt: T0, expiresAt: at(minutes(15)) };
    const invalid = (path: string) => ({ status: 400, errors: [{ path }] });
    await expect(vnpay().createPayment({ ...base, amount: 0 })).rejects.toMatchObject(invalid('amount'));
    await expect(vnpay().createPayment({ ...base, amount: 1000.5 })).rejects.toMatchObject(invalid('amount'));
    await expect(vnpay().createPayment({ ...base, amount: 1000, txnRef: 'MC 1' })).rejects.toMatchObject(
      invalid('txnRef'),
    );
    await expect(vnpay().createPayment({ ...base, amount: 1000, txnRef: 'A'.repeat(101) })).rejects.toMatchObject(
      invalid('txnRef'),
    );
    await expect(vnpay().createPayment({ ...base, amount: 1000, expiresAt: T0 })).rejects.toMatchObject(
      invalid('expiresAt'),
    );
    expect((await vnpay().createPayment({ ...base, amount: 1000, txnRef: 'A'.repeat(100) })).redirectUrl).toContain(
      `vnp_TxnRef=${'A'.repeat(100)}&`,
    );
  });
});

describe('VNPay IPN', () => {
  const gateway = vnpay();

  test('a callback signed by VNPay verifies and reads as paid', () => {
    const cb = gateway.verifyCallback({ method: 'GET', rawQuery: IPN_QUERY });
    expect(cb).toEqual({
      signatureValid: true,
      gateway: 'vnpay',
      txnRef: TXN,
      amount: 52_000,
      merchantCode: TMN,
      outcome: 'paid',
      gatewayTransactionNo: '14226112',
      bankCode: 'NCB',
      paidAt: '2026-11-22T10:10:45+07:00',
      responseCode: '00',
      message: 'Transaction successful',
    });
  });

  test('the query is decoded the form way before re-encoding: %20 for spaces, any order, upper-case hash', () => {
    const hash = hmac512(SECRET, IPN_SIGN_DATA).toUpperCase();
    const reordered = `${IPN_SIGN_DATA.split('&').reverse().join('&').replace(/\+/g, '%20')}&vnp_SecureHash=${hash}`;
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: reordered }).signatureValid).toBe(true);
  });

  test('any change to a signed value, a missing hash, or a repeated parameter is refused', () => {
    expect(
      gateway.verifyCallback({ method: 'GET', rawQuery: IPN_QUERY.replace('5200000', '5300000') }).signatureValid,
    ).toBe(false);
    expect(
      gateway.verifyCallback({ method: 'GET', rawQuery: IPN_QUERY.replace('ResponseCode=00', 'ResponseCode=24') }),
    ).toMatchObject({ signatureValid: false });
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: IPN_SIGN_DATA }).signatureValid).toBe(false);
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: `${IPN_QUERY}&vnp_Amount=100` }).signatureValid).toBe(
      false,
    );
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: `${IPN_QUERY}&x=%E0%A4%A` }).signatureValid).toBe(false);
    expect(gateway.verifyCallback({ method: 'POST', rawBody: IPN_QUERY }).signatureValid).toBe(false);
    const otherSecret = `${IPN_SIGN_DATA}&vnp_SecureHash=${hmac512('another-secret', IPN_SIGN_DATA)}`;
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: otherSecret }).signatureValid).toBe(false);
  });

  test('paid needs both ResponseCode 00 and TransactionStatus 00', () => {
    const signed = (data: string) => `${data}&vnp_SecureHash=${hmac512(SECRET, data)}`;
    const cancelled = IPN_SIGN_DATA.replace('vnp_ResponseCode=00', 'vnp_ResponseCode=24').replace(
      'vnp_TransactionStatus=00',
      'vnp_TransactionStatus=02',
    );
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: signed(cancelled) })).toMatchObject({
      signatureValid: true,
      outcome: 'failed',
      responseCode: '24',
    });
    const notCompleted = IPN_SIGN_DATA.replace('vnp_TransactionStatus=00', 'vnp_TransactionStatus=01');
    expect(gateway.verifyCallback({ method: 'GET', rawQuery: signed(notCompleted) }).outcome).toBe('failed');
  });

  test('the merchant code of a callback can be read before choosing whom to verify it with', () => {
    expect(vnpayMerchantCodeOf(IPN_QUERY)).toBe(TMN);
  });

  test('each RspCode path, checked in VNPay order, answers HTTP 200 JSON with the exact text', () => {
    const now = at(minutes(6));
    const answer = (payment: Payment | undefined, rawQuery: string) => {
      const decision = applyVerifiedCallback(payment, gateway.verifyCallback({ method: 'GET', rawQuery }), now);
      return { decision, http: gateway.callbackAnswer(decision.outcome) };
    };

    const tampered = answer(storedPayment(), IPN_QUERY.replace('5200000', '5000000'));
    expect(tampered.http).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"RspCode":"97","Message":"Invalid signature"}',
    });
    expect(answer(undefined, IPN_QUERY).http.body).toBe('{"RspCode":"01","Message":"Order not found"}');

    const wrongAmount = answer(storedPayment(50_000), IPN_QUERY);
    expect(wrongAmount.http.body).toBe('{"RspCode":"04","Message":"invalid amount"}');
    expect(wrongAmount.decision.changed).toBe(false);

    const first = answer(storedPayment(), IPN_QUERY);
    expect(first.http.body).toBe('{"RspCode":"00","Message":"Confirm Success"}');
    expect(first.decision.event).toBe('payment.completed');
    expect(first.decision.payment).toMatchObject({
      status: 'paid',
      paidAt: '2026-11-22T10:10:45+07:00',
      gatewayTransactionNo: '14226112',
      bankCode: 'NCB',
      version: 2,
      callbacks: 1,
    });

    const again = answer(first.decision.payment, IPN_QUERY);
    expect(again.http.body).toBe('{"RspCode":"02","Message":"Order already confirmed"}');
    expect(again.decision.payment).toBe(first.decision.payment);

    expect(gateway.callbackAnswer('error')).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"RspCode":"99","Message":"Unknow error"}',
    });
  });

  test('the signature is checked before anything else: a bad hash on an unknown order is 97, not 01', () => {
    const cb = gateway.verifyCallback({ method: 'GET', rawQuery: IPN_QUERY.replace('vnp_TxnRef=MC', 'vnp_TxnRef=XX') });
    expect(applyVerifiedCallback(undefined, cb, T0).outcome).toBe('invalid_signature');
  });

  test('a callback under another merchant code is not our order (01)', () => {
    const data = IPN_SIGN_DATA.replace('vnp_TmnCode=DNAI2026', 'vnp_TmnCode=OTHER001');
    const cb = gateway.verifyCallback({ method: 'GET', rawQuery: `${data}&vnp_SecureHash=${hmac512(SECRET, data)}` });
    expect(cb.signatureValid).toBe(true);
    expect(applyVerifiedCallback(storedPayment(), cb, T0).outcome).toBe('not_found');
  });
});

describe('VNPay querydr', () => {
  const responseFields = (over: Record<string, string> = {}) => ({
    vnp_ResponseId: 'R1',
    vnp_Command: 'querydr',
    vnp_ResponseCode: '00',
    vnp_Message: 'QueryDR Success',
    vnp_TmnCode: TMN,
    vnp_TxnRef: TXN,
    vnp_Amount: '5200000',
    vnp_BankCode: 'NCB',
    vnp_PayDate: '20261122101045',
    vnp_TransactionNo: '14226112',
    vnp_TransactionType: '01',
    vnp_TransactionStatus: '00',
    vnp_OrderInfo: 'Thanh toan le phi ho so 000 00 15 H19 261122 0001',
    vnp_PromotionCode: '',
    vnp_PromotionAmount: '',
    ...over,
  });
  const PAID_RESPONSE_SIGN_DATA =
    `R1|querydr|00|QueryDR Success|DNAI2026|${TXN}|5200000|NCB|20261122101045|14226112|01|00|` +
    'Thanh toan le phi ho so 000 00 15 H19 261122 0001||';

  test('POSTs JSON signed over RequestId|Version|Command|TmnCode|TxnRef|TransactionDate|CreateDate|IpAddr|OrderInfo', async () => {
    const response = { ...responseFields(), vnp_SecureHash: hmac512(SECRET, PAID_RESPONSE_SIGN_DATA) };
    const { http, requests } = fakeHttp([{ status: 200, body: JSON.stringify(response) }]);
    const result = await vnpay(http, ['q-0001']).queryStatus({ txnRef: TXN, transactionDate: T0 });

    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('https://sandbox.vnpayment.vn/merchant_webapi/api/transaction');
    expect(requests[0]?.method).toBe('POST');
    const sent = JSON.parse(requests[0]?.body ?? '');
    expect(sent).toEqual({
      vnp_RequestId: 'q0001',
      vnp_Version: '2.1.0',
      vnp_Command: 'querydr',
      vnp_TmnCode: TMN,
      vnp_TxnRef: TXN,
      vnp_OrderInfo: `Truy van giao dich ${TXN}`,
      vnp_TransactionDate: '20261122100530',
      vnp_CreateDate: '20261122104530',
      vnp_IpAddr: '10.0.0.1',
      vnp_SecureHash: hmac512(
        SECRET,
        `q0001|2.1.0|querydr|DNAI2026|${TXN}|20261122100530|20261122104530|10.0.0.1|Truy van giao dich ${TXN}`,
      ),
    });
    expect(result).toEqual({
      outcome: 'paid',
      amount: 52_000,
      gatewayTransactionNo: '14226112',
      bankCode: 'NCB',
      paidAt: '2026-11-22T10:10:45+07:00',
      responseCode: '00',
      message: 'QueryDR Success',
    });
  });

  test('a response whose hash does not cover its values is refused', async () => {
    const forged = {
      ...responseFields({ vnp_Amount: '100' }),
      vnp_SecureHash: hmac512(SECRET, PAID_RESPONSE_SIGN_DATA),
    };
    const { http } = fakeHttp([{ status: 200, body: JSON.stringify(forged) }]);
    await expect(vnpay(http, ['q2']).queryStatus({ txnRef: TXN, transactionDate: T0 })).rejects.toMatchObject({
      reason: 'bad-signature',
    });
    const unsigned = responseFields();
    const second = fakeHttp([{ status: 200, body: JSON.stringify(unsigned) }]);
    await expect(vnpay(second.http, ['q3']).queryStatus({ txnRef: TXN, transactionDate: T0 })).rejects.toBeInstanceOf(
      GatewayError,
    );
  });

  test('91 means VNPay has no such transaction; 01 means still in progress; other codes are errors', async () => {
    const notFound = { vnp_ResponseId: 'R2', vnp_Command: 'querydr', vnp_ResponseCode: '91', vnp_Message: 'Not found' };
    const a = fakeHttp([{ status: 200, body: JSON.stringify(notFound) }]);
    expect(await vnpay(a.http, ['q4']).queryStatus({ txnRef: TXN, transactionDate: T0 })).toMatchObject({
      outcome: 'not_found',
    });

    const pendingFields = responseFields({ vnp_TransactionStatus: '01', vnp_PayDate: '' });
    const pendingData =
      `R1|querydr|00|QueryDR Success|DNAI2026|${TXN}|5200000|NCB||14226112|01|01|` +
      'Thanh toan le phi ho so 000 00 15 H19 261122 0001||';
    const b = fakeHttp([
      { status: 200, body: JSON.stringify({ ...pendingFields, vnp_SecureHash: hmac512(SECRET, pendingData) }) },
    ]);
    expect((await vnpay(b.http, ['q5']).queryStatus({ txnRef: TXN, transactionDate: T0 })).outcome).toBe('pending');

    const c = fakeHttp([
      { status: 200, body: JSON.stringify({ vnp_ResponseCode: '97', vnp_Message: 'Invalid checksum' }) },
    ]);
    await expect(vnpay(c.http, ['q6']).queryStatus({ txnRef: TXN, transactionDate: T0 })).rejects.toMatchObject({
      reason: 'rejected',
      code: '97',
    });

    const d = fakeHttp([{ status: 503, body: 'busy' }]);
    await expect(vnpay(d.http, ['q7']).queryStatus({ txnRef: TXN, transactionDate: T0 })).rejects.toMatchObject({
      reason: 'unreachable',
      status: 503,
    });
  });
});

describe('VNPay refund', () => {
  test('POSTs JSON signed over the refund fields in VNPay order and verifies the answer', async () => {
    const responseData = `RF1|refund|00|Refund success|DNAI2026|${TXN}|2000000|NCB|20261123090000|14226999|03|05|Hoan phi nop thua`;
    const response = {
      vnp_ResponseId: 'RF1',
      vnp_Command: 'refund',
      vnp_ResponseCode: '00',
      vnp_Message: 'Refund success',
      vnp_TmnCode: TMN,
      vnp_TxnRef: TXN,
      vnp_Amount: '2000000',
      vnp_BankCode: 'NCB',
      vnp_PayDate: '20261123090000',
      vnp_TransactionNo: '14226999',
      vnp_TransactionType: '03',
      vnp_TransactionStatus: '05',
      vnp_OrderInfo: 'Hoan phi nop thua',
      vnp_SecureHash: hmac512(SECRET, responseData),
    };
    const { http, requests } = fakeHttp([{ status: 200, body: JSON.stringify(response) }]);
    const result = await vnpay(http, ['r-2']).refund?.({
      txnRef: TXN,
      refundId: 'RF1',
      amount: 20_000,
      paymentAmount: 52_000,
      gatewayTransactionNo: '14226112',
      transactionDate: T0,
      reason: 'Hoàn phí nộp thừa',
      createdBy: 'officer01',
    });
    const sent = JSON.parse(requests[0]?.body ?? '');
    expect(sent).toMatchObject({
      vnp_RequestId: 'r2',
      vnp_Command: 'refund',
      vnp_TransactionType: '03',
      vnp_Amount: 2_000_000,
      vnp_TransactionNo: '14226112',
      vnp_OrderInfo: 'Hoan phi nop thua',
      vnp_CreateBy: 'officer01',
    });
    expect(sent.vnp_SecureHash).toBe(
      hmac512(
        SECRET,
        `r2|2.1.0|refund|DNAI2026|03|${TXN}|2000000|14226112|20261122100530|officer01|20261122104530|10.0.0.1|Hoan phi nop thua`,
      ),
    );
    expect(result).toEqual({
      status: 'pending',
      gatewayRefundNo: '14226999',
      responseCode: '00',
      message: 'Refund success',
    });
  });

  test('a refund of the whole amount is type 02', async () => {
    const { http, requests } = fakeHttp([{ status: 200, body: '{"vnp_ResponseCode":"95","vnp_Message":"Refused"}' }]);
    const result = await vnpay(http, ['r3']).refund?.({
      txnRef: TXN,
      refundId: 'RF2',
      amount: 52_000,
      paymentAmount: 52_000,
      gatewayTransactionNo: '14226112',
      transactionDate: T0,
      reason: 'Huy ho so',
      createdBy: 'officer01',
    });
    expect(JSON.parse(requests[0]?.body ?? '').vnp_TransactionType).toBe('02');
    expect(result?.status).toBe('failed');
  });
});
