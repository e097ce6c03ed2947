/**
 * Payments through HTTP on the local cloud: creating a payment (signed redirect, idempotency, one at a time,
 * who may), VNPay's IPN on the real route with every RspCode in gateways.md's order, MoMo's IPN, replayed and
 * reordered callbacks moving a payment once (the raw log and the bus show it), and reconciliation on a moved
 * clock expiring what was never paid. Callbacks are signed here as gateways.md states it.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import {
  AGENCY,
  FEE,
  localStamp,
  MOMO,
  momoIpnSignature,
  OTHER_AGENCY,
  OWNER,
  type PublishedEvent,
  paymentEventProbe,
  prepareDossiers,
  SANDBOX,
  submittedDossiers,
  useTestGatewayCredentials,
  VNPAY,
  vnpayIpnParams,
  vnpayQuery,
} from '../integration/payments/support.ts';

let cloud: TestCloud;
let owner: string;
let stranger: string;
let officer: string;
let otherOfficer: string;
let admin: string;
let probe: Awaited<ReturnType<typeof paymentEventProbe>>;
/** Submitted dossiers, made at once up front (each test pays its own). */
let dossiers: string[] = [];
const nextDossier = (): string => {
  const code = dossiers.shift();
  if (!code) throw new Error('no dossier left: make more in beforeAll');
  return code;
};

beforeAll(async () => {
  useTestGatewayCredentials();
  cloud = await startTestCloud();
  await prepareDossiers(cloud);
  probe = await paymentEventProbe(cloud);
  dossiers = await submittedDossiers(cloud, 10);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'] });
  stranger = await cloud.token({ sub: '079200000001', roles: ['citizen'] });
  officer = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: AGENCY });
  otherOfficer = await cloud.token({ sub: 'officer-9', roles: ['officer'], agencyCode: OTHER_AGENCY });
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
});

afterAll(async () => {
  if (cloud) {
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

function pay(dossierCode: string, gateway: string, key = `pay-${randomUUID()}`, token = owner) {
  return cloud.fetch('/payments', {
    method: 'POST',
    token,
    body: { dossierCode, gateway },
    headers: { 'idempotency-key': key },
  });
}

async function created(gateway: string): Promise<{ dossierCode: string; paymentId: string; txnRef: string }> {
  const dossierCode = nextDossier();
  const res = await pay(dossierCode, gateway);
  expect(res.status, res.text).toBe(201);
  return { dossierCode, paymentId: res.json.paymentId, txnRef: res.json.txnRef };
}

const ipn = (query: string) => cloud.fetch(`/payments/vnpay/ipn?${query}`);
const getPayment = (id: string, token = owner) => cloud.fetch(`/payments/${id}`, { token });
const callbacks = (id: string) => cloud.fetch(`/payments/${id}/callbacks`, { token: admin });
const completedFor = (events: PublishedEvent[], id: string) =>
  events.filter((e) => e.type === 'payment.completed' && e.subject === id);

describe('POST /payments', () => {
  test('201 with a VNPay redirect signed as VNPay requires, for the fee lines, expiring after 15 minutes', async () => {
    const dossierCode = nextDossier();
    const res = await pay(dossierCode, 'vnpay');
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ amount: FEE, dossierCode, gateway: 'vnpay', status: 'pending' });
    expect(res.json.txnRef).toMatch(/^MC\d{12}[0-9A-Z]{6}$/);
    expect(res.headers.get('location')).toBe(`/payments/${res.json.paymentId}`);

    const url: string = res.json.redirectUrl;
    expect(url.startsWith('https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?')).toBe(true);
    const rawQuery = url.slice(url.indexOf('?') + 1);
    const params = Object.fromEntries(new URLSearchParams(rawQuery));
    expect(params).toMatchObject({
      vnp_Version: '2.1.0',
      vnp_Command: 'pay',
      vnp_TmnCode: VNPAY.tmnCode,
      vnp_Amount: String(FEE * 100),
      vnp_CurrCode: 'VND',
      vnp_TxnRef: res.json.txnRef,
      vnp_ReturnUrl: `${cloud.url}/payments/vnpay/return`,
    });
    expect(params.vnp_OrderInfo).toMatch(/^[A-Za-z0-9 ]{1,255}$/);
    // The signature, recomputed by the rule of gateways.md, over exactly the parameters sent.
    expect(rawQuery).toBe(vnpayQuery(params, VNPAY.hashSecret));
    // 15 minutes (dong-nai's PAYMENT_EXPIRY_MINUTES) from vnp_CreateDate to vnp_ExpireDate, both GMT+7.
    const stamp = (s: string) =>
      Date.parse(
        `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12)}+07:00`,
      );
    expect(stamp(params.vnp_ExpireDate!) - stamp(params.vnp_CreateDate!)).toBe(15 * 60_000);
    expect(Date.parse(res.json.expiresAt)).toBe(stamp(params.vnp_ExpireDate!));
  });

  test('the same key replays the answer; another body with it is 409; a second payment while one is pending is 409', async () => {
    const dossierCode = nextDossier();
    const first = await pay(dossierCode, 'sandbox', 'key-replay-0001');
    expect(first.status, first.text).toBe(201);
    const again = await pay(dossierCode, 'sandbox', 'key-replay-0001');
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    const otherBody = await pay(dossierCode, 'vnpay', 'key-replay-0001');
    expect(otherBody.status).toBe(409);
    const second = await pay(dossierCode, 'vnpay');
    expect(second.status, second.text).toBe(409);
    expect(second.json.paymentId).toBe(first.json.paymentId);
  });

  test('only the owner may pay (another citizen is told 404, as for an unknown dossier); no key is 400; an unknown gateway is 400', async () => {
    const dossierCode = nextDossier();
    expect((await pay(dossierCode, 'vnpay', undefined, stranger)).status).toBe(404);
    expect((await pay(dossierCode, 'vnpay', undefined, officer)).status).toBe(403);
    const noKey = await cloud.fetch('/payments', {
      method: 'POST',
      token: owner,
      body: { dossierCode, gateway: 'vnpay' },
    });
    expect(noKey.status).toBe(400);
    expect((await pay('000.00.15.H19-260101-9999', 'vnpay')).status).toBe(404);
    const badGateway = await pay(dossierCode, 'zalopay');
    expect(badGateway.status).toBe(400);
    expect(badGateway.json.errors[0].path).toBe('body.gateway');
  });

  test("GET /payments/{id}: the payer and the agency's officials; nobody else (404, as for an unknown id)", async () => {
    const { paymentId } = await created('vnpay');
    const mine = await getPayment(paymentId);
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ paymentId, status: 'pending', amount: FEE, payerIdNumber: OWNER });
    expect(mine.json.receipt).toBeUndefined();
    expect((await getPayment(paymentId, officer)).status).toBe(200);
    expect((await getPayment(paymentId, admin)).status).toBe(200);
    expect((await getPayment(paymentId, otherOfficer)).status).toBe(404);
    expect((await getPayment(paymentId, stranger)).status).toBe(404);
    expect((await cloud.fetch(`/payments/${paymentId}`)).status).toBe(401);
    expect((await getPayment(randomUUID())).status).toBe(404);
  });
});

describe('VNPay IPN, on the real route', () => {
  test("answers 97, 01, 04, 00 and 02 in gateways.md's order; paid with a receipt", async () => {
    const { paymentId, txnRef } = await created('vnpay');
    const paid = vnpayIpnParams(txnRef, FEE, VNPAY.tmnCode);

    // Vietnamese text travels form-encoded: spaces as '+', UTF-8 percent-escapes.
    const query = vnpayQuery(paid, VNPAY.hashSecret);
    expect(query).toContain('vnp_OrderInfo=Thanh+to%C3%A1n+l%E1%BB%87+ph%C3%AD+h%E1%BB%93+s%C6%A1');

    const forged = vnpayQuery(paid, 'not-the-secret');
    expect((await ipn(forged)).json).toEqual({ RspCode: '97', Message: 'Invalid signature' });
    const tampered = query.replace(`vnp_Amount=${FEE * 100}`, 'vnp_Amount=100');
    expect((await ipn(tampered)).json).toEqual({ RspCode: '97', Message: 'Invalid signature' });
    const unknown = vnpayQuery({ ...paid, vnp_TxnRef: 'MC260101000000ZZZZZZ' }, VNPAY.hashSecret);
    expect((await ipn(unknown)).json).toEqual({ RspCode: '01', Message: 'Order not found' });
    const otherAmount = vnpayQuery({ ...paid, vnp_Amount: String(50_000 * 100) }, VNPAY.hashSecret);
    expect((await ipn(otherAmount)).json).toEqual({ RspCode: '04', Message: 'invalid amount' });
    expect((await getPayment(paymentId)).json.status).toBe('pending');

    const ok = await ipn(query);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ RspCode: '00', Message: 'Confirm Success' });
    expect((await ipn(query)).json).toEqual({ RspCode: '02', Message: 'Order already confirmed' });

    const after = await getPayment(paymentId);
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    expect(after.json).toMatchObject({
      status: 'paid',
      gatewayTransactionNo: '14422574',
      bankCode: 'NCB',
      settledBy: 'callback',
      receipt: {
        payer: { idNumber: OWNER },
        dossierCode: after.json.dossierCode,
        amount: FEE,
        feeLines: [{ code: 'LE_PHI_DANG_KY_HKD', amount: FEE }],
        gateway: 'vnpay',
        gatewayTransactionNo: '14422574',
      },
    });
    // Province, year, series (one of 32, see docs/decisions/0013-money-under-load.md), number in the series.
    expect(after.json.receipt.number).toMatch(new RegExp(`^H19-${year}-(0[1-9]|[12]\\d|3[0-2])-\\d{6}$`));
    expect(after.json.paidAt.slice(0, 16)).toBe(
      `${paid.vnp_PayDate!.slice(0, 4)}-${paid.vnp_PayDate!.slice(4, 6)}-${paid.vnp_PayDate!.slice(6, 8)}T${paid.vnp_PayDate!.slice(8, 10)}:${paid.vnp_PayDate!.slice(10, 12)}`,
    );
    const receipt = await cloud.fetch(`/payments/${paymentId}/receipt`, { token: owner });
    expect(receipt.json).toEqual(after.json.receipt);

    // Every signed callback is in the payment's log; only one changed the payment. The two whose signature does
    // not verify are not filed under the reference they claim (they are in the bounded log of rejected calls).
    const log = await callbacks(paymentId);
    expect(log.status).toBe(200);
    expect(log.json.items.map((c: { result: { outcome: string } }) => c.result.outcome)).toEqual([
      'invalid_amount',
      'success',
      'already_confirmed',
    ]);
    expect((await cloud.fetch(`/payments/${paymentId}/callbacks`, { token: owner })).status).toBe(403);

    // Kept as evidence for the province's retention (retention.paymentCallbacksDays, default 10 years), then
    // removed by the table's TTL: the raw entry and its result expire together.
    const stored = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: cloud.resources.tables.get('payments')!.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CALLBACKS#${txnRef}` },
        ConsistentRead: true,
      }),
    );
    expect(stored.Items).toHaveLength(6);
    for (const item of stored.Items!) {
      const receivedAt = Date.parse(String(item.sk).split('#')[0]!);
      expect(item.expiresAt, String(item.sk)).toBe(Math.floor(receivedAt / 1000) + 3650 * 86_400);
    }
  });

  test('a payment fails on a signed failure code; the sandbox merchant cannot settle a VNPay payment', async () => {
    const { paymentId, txnRef } = await created('vnpay');
    const asSandbox = vnpayQuery(vnpayIpnParams(txnRef, FEE, SANDBOX.tmnCode), SANDBOX.hashSecret);
    expect((await ipn(asSandbox)).json.RspCode).toBe('01');
    const cancelled = vnpayIpnParams(txnRef, FEE, VNPAY.tmnCode, {
      vnp_ResponseCode: '24',
      vnp_TransactionStatus: '02',
      vnp_TransactionNo: '0',
    });
    expect((await ipn(vnpayQuery(cancelled, VNPAY.hashSecret))).json.RspCode).toBe('00');
    expect((await getPayment(paymentId)).json).toMatchObject({ status: 'failed', responseCode: '24' });
  });

  test('the same callback 20 times at once and a late failure change the payment once', async () => {
    const { paymentId, txnRef } = await created('vnpay');
    const query = vnpayQuery(vnpayIpnParams(txnRef, FEE, VNPAY.tmnCode), VNPAY.hashSecret);
    const answers = await Promise.all(Array.from({ length: 20 }, () => ipn(query)));
    const codes = answers.map((a) => a.json.RspCode).sort();
    expect(codes).toEqual(['00', ...Array<string>(19).fill('02')]);

    // VNPay may deliver an earlier attempt's failure after the success: it cannot undo 'paid'.
    const lateFailure = vnpayIpnParams(txnRef, FEE, VNPAY.tmnCode, {
      vnp_ResponseCode: '24',
      vnp_TransactionStatus: '02',
      vnp_TransactionNo: '0',
    });
    expect((await ipn(vnpayQuery(lateFailure, VNPAY.hashSecret))).json.RspCode).toBe('02');
    expect((await ipn(query)).json.RspCode).toBe('02');

    const after = await getPayment(paymentId);
    expect(after.json.status).toBe('paid');
    const log = await callbacks(paymentId);
    expect(log.json.items).toHaveLength(22);
    expect(log.json.items.filter((c: { result: { changed: boolean } }) => c.result.changed)).toHaveLength(1);
    const events = await probe.drain();
    expect(completedFor(events, paymentId)).toHaveLength(1);
    expect(completedFor(events, paymentId)[0]).toMatchObject({
      sequence: after.json.version,
      data: { paymentId, status: 'paid', amount: FEE, receipt: { number: after.json.receipt.number } },
    });
  });
});

describe('MoMo IPN', () => {
  function momoBody(orderId: string, overrides: Record<string, string | number> = {}) {
    const body: Record<string, string | number> = {
      partnerCode: MOMO.partnerCode,
      orderId,
      requestId: randomUUID(),
      amount: FEE,
      orderInfo: 'Thanh toán phí, lệ phí hồ sơ — Đăng ký hộ kinh doanh',
      orderType: 'momo_wallet',
      transId: 4_088_472_293,
      resultCode: 0,
      message: 'Thành công.',
      payType: 'qr',
      responseTime: Date.now(),
      extraData: '',
      ...overrides,
    };
    return { ...body, signature: momoIpnSignature(body) };
  }
  const post = (body: unknown) =>
    cloud.fetch('/payments/momo/ipn', {
      method: 'POST',
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  test('a body signed over UTF-8 is 204 and pays; a tampered body is refused and changes nothing', async () => {
    const { paymentId, txnRef } = await created('momo');
    const valid = momoBody(txnRef);
    const tampered = { ...valid, amount: 1_000 };
    const refused = await post(tampered);
    expect(refused.status).toBe(204);
    expect((await getPayment(paymentId)).json.status).toBe('pending');

    const accepted = await post(valid);
    expect(accepted.status).toBe(204);
    expect(accepted.text).toBe('');
    expect((await getPayment(paymentId)).json).toMatchObject({ status: 'paid', gatewayTransactionNo: '4088472293' });

    const log = await callbacks(paymentId);
    // The tampered body is not filed under the order it claims: only the signed one is in the payment's log.
    expect(log.json.items.map((c: { result: { outcome: string; signatureValid: boolean } }) => c.result)).toEqual([
      expect.objectContaining({ outcome: 'success', signatureValid: true, changed: true, statusAfter: 'paid' }),
    ]);
    expect(log.json.items[0].rawBody).toBe(JSON.stringify(valid));

    // MoMo sends the browser back with the same fields, signed the same way: shown, nothing changed.
    const version = (await getPayment(paymentId)).json.version;
    const back = new URLSearchParams(Object.entries(valid).map(([k, v]): [string, string] => [k, String(v)]));
    const shown = await cloud.fetch(`/payments/momo/return?${back}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Thanh toán thành công');
    back.set('amount', '1000');
    expect((await cloud.fetch(`/payments/momo/return?${back}`)).status).toBe(400);
    expect((await getPayment(paymentId)).json.version).toBe(version);
  });
});

describe('reconciliation', () => {
  test('an unpaid payment past its expiry is queried and expired; a late payment still counts; the report shows it', async () => {
    const { paymentId, txnRef } = await created('sandbox');
    const at = new Date(Date.now() + 16 * 60_000);
    expect((await cloud.fetch('/dev/clock', { method: 'POST', body: { now: at.toISOString() } })).status).toBe(200);
    const run = await cloud.fetch('/dev/schedules/payments-reconciliation', { method: 'POST' });
    expect(run.status).toBe(200);
    expect(run.json.result.expired).toBeGreaterThanOrEqual(1);
    expect((await getPayment(paymentId)).json).toMatchObject({ status: 'expired', settledBy: 'expiry' });
    const events = await probe.drain();
    expect(events.filter((e) => e.type === 'payment.expired' && e.subject === paymentId)).toHaveLength(1);

    // The money moved after all (the IPN came late): the payer is not told otherwise.
    // Paid at the moved clock's moment, so the day of the payment is the report's day even near midnight.
    const late = vnpayQuery(
      vnpayIpnParams(txnRef, FEE, SANDBOX.tmnCode, { vnp_PayDate: localStamp(at) }),
      SANDBOX.hashSecret,
    );
    expect((await ipn(late)).json.RspCode).toBe('00');
    expect((await getPayment(paymentId)).json.status).toBe('paid');

    const day = localStamp(at);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const report = await cloud.fetch(`/payments/reconciliation?date=${date}`, { token: admin });
    expect(report.status, report.text).toBe(200);
    expect(report.json.date).toBe(date);
    expect(report.json.runs.count).toBeGreaterThanOrEqual(1);
    expect(report.json.runs.expired).toBeGreaterThanOrEqual(1);
    expect(report.json.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'paid_after_expiry', paymentId })]),
    );
    expect(report.json.totals.sandbox.paidCount).toBeGreaterThanOrEqual(1);
    expect((await cloud.fetch(`/payments/reconciliation?date=${date}`, { token: owner })).status).toBe(403);
    expect((await cloud.fetch('/payments/reconciliation?date=2026-02-30', { token: admin })).status).toBe(400);
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
  });

  test('rejected callbacks are findings of the day', async () => {
    const date = localStamp(new Date());
    const report = await cloud.fetch(
      `/payments/reconciliation?date=${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
      { token: admin },
    );
    const kinds = new Set(report.json.findings.map((f: { kind: string }) => f.kind));
    for (const kind of ['invalid_signature', 'unknown_payment', 'amount_mismatch']) expect(kinds.has(kind)).toBe(true);
    // Unsigned or forged calls make one finding a day per protocol, counting them all (2 VNPay, 1 MoMo above).
    const forged = report.json.findings.filter((f: { kind: string }) => f.kind === 'invalid_signature');
    expect(forged.map((f: { subject: string; occurrences: number }) => [f.subject, f.occurrences]).sort()).toEqual([
      ['momo', 1],
      ['vnpay', 2],
    ]);
  });
});
