/**
 * The local sandbox gateway end to end, as a payer's browser goes through it: the payment's redirect to the
 * checkout page, Pay or Cancel, the signed VNPay-format IPN the page sends to the API over HTTP, the redirect
 * to the return page (which changes nothing). Then what follows a payment: a withdrawn dossier's refund, and
 * receipt numbers that stay one gapless series under concurrent payments.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import {
  FEE,
  OWNER,
  paymentEventProbe,
  prepareDossiers,
  SANDBOX,
  submittedDossiers,
  useTestGatewayCredentials,
  vnpayIpnParams,
  vnpayQuery,
  withdrawDossier,
} from '../integration/payments/support.ts';

let cloud: TestCloud;
let owner: string;
let probe: Awaited<ReturnType<typeof paymentEventProbe>>;
let dossiers: string[] = [];
const nextDossier = (): string => {
  const code = dossiers.shift();
  if (!code) throw new Error('no dossier left: make more in beforeAll');
  return code;
};
/** Every payment this file had paid, to check the receipt series at the end. */
const paidPayments: string[] = [];

beforeAll(async () => {
  useTestGatewayCredentials();
  cloud = await startTestCloud();
  await prepareDossiers(cloud);
  probe = await paymentEventProbe(cloud);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'] });
  dossiers = await submittedDossiers(cloud, 10);
});

afterAll(async () => {
  await cloud?.stop();
});

/** The path and query of an absolute URL on the local cloud (what the browser would request). */
function local(url: string): string {
  expect(url.startsWith(`${cloud.url}/`), url).toBe(true);
  return url.slice(cloud.url.length);
}

async function sandboxPayment(dossierCode = nextDossier()) {
  const res = await cloud.fetch('/payments', {
    method: 'POST',
    token: owner,
    body: { dossierCode, gateway: 'sandbox' },
    headers: { 'idempotency-key': `pay-${randomUUID()}` },
  });
  expect(res.status, res.text).toBe(201);
  return res.json as { paymentId: string; txnRef: string; redirectUrl: string; amount: number };
}

/** The browser posts the checkout page's form: `choice=pay` (or cancel), form-encoded, to the form's action. */
function choose(checkoutPath: string, choice: 'pay' | 'cancel') {
  return cloud.fetch(checkoutPath, {
    method: 'POST',
    rawBody: `choice=${choice}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const getPayment = (id: string) => cloud.fetch(`/payments/${id}`, { token: owner });

describe('the sandbox checkout', () => {
  test('checkout page → Pay → the IPN lands → paid with a receipt → the browser is on the return page', async () => {
    const payment = await sandboxPayment();
    const checkout = local(payment.redirectUrl);
    expect(checkout.startsWith('/dev/gateway/checkout?')).toBe(true);

    const page = await cloud.fetch(checkout);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Thanh toán / Pay');
    expect(page.text).toContain('Hủy / Cancel');
    expect(page.text).toContain(payment.txnRef);
    expect(page.text).toContain('100.000');
    expect(page.text).not.toMatch(/<script|<link|src="http/);
    // The form posts back to the very checkout request, signature included.
    const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
    expect(action).toBe(checkout);

    const paid = await choose(action!, 'pay');
    expect(paid.status, paid.text).toBe(302);
    expect(paid.headers.get('x-sandbox-ipn-answer')).toBe('{"RspCode":"00","Message":"Confirm Success"}');
    const location = paid.headers.get('location')!;
    expect(location.startsWith(`${cloud.url}/payments/vnpay/return?`)).toBe(true);
    const returned = new URLSearchParams(location.slice(location.indexOf('?') + 1));
    expect(returned.get('vnp_TxnRef')).toBe(payment.txnRef);
    expect(returned.get('vnp_ResponseCode')).toBe('00');
    expect(location.slice(location.indexOf('?') + 1)).toBe(
      vnpayQuery(Object.fromEntries(returned), SANDBOX.hashSecret),
    );

    const after = await getPayment(payment.paymentId);
    expect(after.json).toMatchObject({ status: 'paid', settledBy: 'callback', bankCode: 'NCB' });
    expect(after.json.receipt).toMatchObject({ amount: FEE, gateway: 'sandbox', dossierCode: after.json.dossierCode });
    paidPayments.push(payment.paymentId);

    const shown = await cloud.fetch(local(location));
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Thanh toán thành công');
    expect(shown.text).toContain('Payment successful');
    expect(shown.text).toContain(after.json.receipt.number);
    // Showing the outcome changed nothing.
    expect((await getPayment(payment.paymentId)).json.version).toBe(after.json.version);

    // The same choice again (a double click) replays the recorded outcome: nothing moves twice.
    const again = await choose(action!, 'pay');
    expect(again.status).toBe(302);
    expect(again.headers.get('x-sandbox-ipn-answer')).toBe('{"RspCode":"02","Message":"Order already confirmed"}');
  });

  test('Cancel fails the payment (VNPay code 24); the dossier can then be paid again', async () => {
    const dossierCode = nextDossier();
    const first = await sandboxPayment(dossierCode);
    const cancelled = await choose(local(first.redirectUrl), 'cancel');
    expect(cancelled.status).toBe(302);
    const shown = await cloud.fetch(local(cancelled.headers.get('location')!));
    expect(shown.text).toContain('Thanh toán không thành công');
    expect((await getPayment(first.paymentId)).json).toMatchObject({ status: 'failed', responseCode: '24' });

    const second = await sandboxPayment(dossierCode);
    expect(second.paymentId).not.toBe(first.paymentId);
    expect(second.txnRef).not.toBe(first.txnRef);
    expect((await choose(local(second.redirectUrl), 'pay')).status).toBe(302);
    expect((await getPayment(second.paymentId)).json.status).toBe('paid');
    paidPayments.push(second.paymentId);
  });

  test('a checkout request not signed by the sandbox merchant is refused; so is a return query', async () => {
    const payment = await sandboxPayment();
    const checkout = local(payment.redirectUrl).replace(`vnp_Amount=${FEE * 100}`, 'vnp_Amount=100');
    const page = await cloud.fetch(checkout);
    expect(page.status).toBe(400);
    expect(page.text).toContain('sai chữ ký');
    expect((await choose(checkout, 'pay')).status).toBe(400);
    expect((await choose(local(payment.redirectUrl), 'pay')).status).toBe(302);
    expect((await getPayment(payment.paymentId)).json.status).toBe('paid');
    paidPayments.push(payment.paymentId);

    const forged = vnpayQuery(vnpayIpnParams(payment.txnRef, FEE, SANDBOX.tmnCode), 'not-the-secret');
    const shown = await cloud.fetch(`/payments/vnpay/return?${forged}`);
    expect(shown.status).toBe(400);
    expect(shown.text).toContain('Chữ ký không hợp lệ');
  });

  test('the index page lists the sandbox and the payments waiting for a payer', async () => {
    const payment = await sandboxPayment();
    const index = await cloud.fetch('/dev/gateway/');
    expect(index.status).toBe(200);
    expect(index.text).toContain(SANDBOX.tmnCode);
    expect(index.text).toContain(payment.txnRef);
  });
});

describe('after a payment', () => {
  test('a withdrawn dossier gets its payment refunded (a refund record, then payment.refunded)', async () => {
    const dossierCode = nextDossier();
    const payment = await sandboxPayment(dossierCode);
    expect((await choose(local(payment.redirectUrl), 'pay')).status).toBe(302);
    paidPayments.push(payment.paymentId);
    await cloud.settle(60_000);

    await withdrawDossier(cloud, dossierCode);
    const after = await getPayment(payment.paymentId);
    expect(after.json.status).toBe('refunded');
    expect(after.json.refunds).toEqual([
      expect.objectContaining({ refundId: `${payment.txnRef}R1`, amount: FEE, status: 'succeeded' }),
    ]);
    expect(after.json.refunds[0].reason).toContain(dossierCode);
    const events = await probe.drain();
    expect(events.filter((e) => e.type === 'payment.refunded' && e.subject === payment.paymentId)).toHaveLength(1);
  });

  test('a payment that lands after its dossier was withdrawn is paid, then refunded by the reconciliation', async () => {
    const dossierCode = nextDossier();
    const payment = await sandboxPayment(dossierCode);
    await withdrawDossier(cloud, dossierCode);
    expect((await choose(local(payment.redirectUrl), 'pay')).status).toBe(302);
    paidPayments.push(payment.paymentId);
    const paid = await getPayment(payment.paymentId);
    expect(paid.json.status).toBe('paid');
    expect(paid.json.refunds).toEqual([expect.objectContaining({ status: 'pending', amount: FEE })]);

    const run = await cloud.fetch('/dev/schedules/payments-reconciliation', { method: 'POST' });
    expect(run.status).toBe(200);
    expect(run.json.result.refundsProcessed).toBe(1);
    const refunded = await getPayment(payment.paymentId);
    expect(refunded.json.status).toBe('refunded');
    expect(refunded.json.refunds).toEqual([expect.objectContaining({ status: 'succeeded', amount: FEE })]);
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const report = await cloud.fetch('/payments/reconciliation', { token: admin });
    expect(report.json.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'paid_after_dossier_closed', paymentId: payment.paymentId }),
      ]),
    );
  });

  test('payments paid at the same moment get receipt numbers consecutive in each series: no gap, no repeat', async () => {
    const payments = await Promise.all([nextDossier(), nextDossier(), nextDossier()].map((d) => sandboxPayment(d)));
    const answers = await Promise.all(payments.map((p) => choose(local(p.redirectUrl), 'pay')));
    expect(answers.map((a) => a.status)).toEqual([302, 302, 302]);
    paidPayments.push(...payments.map((p) => p.paymentId));

    const numbers = await Promise.all(paidPayments.map(async (id) => (await getPayment(id)).json.receipt.number));
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    // Each series (docs/decisions/0013-money-under-load.md) is numbered 1, 2, 3, … with no gap and no repeat.
    const bySeries = new Map<string, number[]>();
    for (const number of numbers) {
      const match = new RegExp(`^H19-${year}-(\\d{2})-(\\d{6})$`).exec(number);
      expect(match, number).not.toBeNull();
      bySeries.set(match![1]!, [...(bySeries.get(match![1]!) ?? []), Number(match![2])]);
    }
    for (const seqs of bySeries.values()) {
      expect(seqs.sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i + 1));
    }
    expect(new Set(numbers).size).toBe(paidPayments.length);
  });
});
