/**
 * The national payment platform (PayGov) through HTTP on the local cloud: the platform looks a dossier's bill up
 * by its lookup code and confirms the payment; motcua answers signed, applies the confirmation once (receipt,
 * channel 1), refuses forged and wrong-amount calls without changing anything, finds a lost confirmation by
 * asking the platform (reconciliation), and gives the money back through the platform when the dossier is
 * withdrawn. Requests to motcua are signed here by the rule of docs/national-portal.md (HMAC-SHA256 over the
 * listed fields joined by '|'), not with the code under test; the stand-in platform drives the rest.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import {
  FEE,
  localStamp,
  OWNER,
  OWNER_NAME,
  type PublishedEvent,
  paymentEventProbe,
  prepareDossiers,
  submittedDossiers,
  withdrawDossier,
} from '../integration/payments/support.ts';

/** The local development account of the platform (PAYGOV_LOCAL_DEFAULTS), as the province's operators set it. */
const PARTNER = 'H19DEVPAYGOV';
const KEY = 'motcua-local-paygov-secret-not-for-production';

let cloud: TestCloud;
let owner: string;
let admin: string;
let probe: Awaited<ReturnType<typeof paymentEventProbe>>;
let dossiers: string[] = [];
const nextDossier = (): string => {
  const code = dossiers.shift();
  if (!code) throw new Error('no dossier left: make more in beforeAll');
  return code;
};

const sign = (values: (string | number)[], key = KEY): string =>
  createHmac('sha256', key).update(values.map(String).join('|'), 'utf8').digest('hex');

function lookupBody(lookupCode: string, key = KEY) {
  const sent = localStamp(new Date());
  return {
    MaDoiTac: PARTNER,
    MaTraCuuTT: lookupCode,
    ThoiGianGui: sent,
    ChuKy: sign([PARTNER, lookupCode, sent], key),
  };
}

const lookup = (body: unknown) => cloud.fetch('/payments/paygov/bills', { method: 'POST', body });
const confirm = (body: unknown) => cloud.fetch('/payments/paygov/confirm', { method: 'POST', body });
const standIn = (path: string, body?: unknown) =>
  cloud.fetch(`/dev/national-portal/payments${path}`, body === undefined ? {} : { method: 'POST', body });
const dossierPayments = (code: string) => cloud.fetch(`/dossiers/${code}/payments`, { token: owner });
const completedFor = (events: PublishedEvent[], id: string) =>
  events.filter((e) => e.type === 'payment.completed' && e.subject === id);

/** The dossier's lookup code, as the sync sends it to the portal in every record. */
async function lookupCodeOf(code: string): Promise<string> {
  const { paymentLookupCode } = await import('#payments/contract.ts');
  return paymentLookupCode(code);
}

beforeAll(async () => {
  cloud = await startTestCloud();
  await prepareDossiers(cloud);
  probe = await paymentEventProbe(cloud);
  dossiers = await submittedDossiers(cloud, 7);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'] });
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
});

afterAll(async () => {
  if (cloud) {
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

describe('bill lookup', () => {
  test('the bill of a lookup code: what is due, to which treasury account, signed; asked again, the same bill', async () => {
    const code = nextDossier();
    const lookupCode = await lookupCodeOf(code);
    expect(lookupCode).toMatch(/^TT[0-9A-HJKMNP-TV-Z]{16}$/);

    const res = await lookup(lookupBody(lookupCode));
    expect(res.status, res.text).toBe(200);
    const bill = res.json;
    expect(bill).toMatchObject({ error_code: '0', MaTraCuuTT: lookupCode, TongTien: String(FEE) });
    expect(bill.ChuKy).toBe(sign(['0', lookupCode, bill.MaThamChieu, String(FEE)]));
    expect(bill.data).toMatchObject({
      MaHoSo: code,
      MaTraCuuTT: lookupCode,
      MaThamChieu: bill.MaThamChieu,
      TongTien: String(FEE),
      HoTenNguoiNop: OWNER_NAME,
      SoCMNDNguoiNop: OWNER,
      KhoBac: expect.any(String),
      TaiKhoanThuNSNN: expect.any(String),
      TKThuHuong: expect.any(String),
      MaNHThuHuong: expect.any(String),
      TenTKThuHuong: expect.any(String),
    });
    for (const field of ['MaDichVu', 'MaDVC', 'MaTTHC', 'MaDonVi', 'MaCoQuanQD', 'SoQD', 'NoiDungThanhToan']) {
      expect(bill.data, field).toHaveProperty(field);
    }
    expect(bill.data.PhiLePhi).toEqual([
      expect.objectContaining({ SoTien: String(FEE), MaPhiLePhi: expect.any(String) }),
    ]);
    expect(bill.data.DSKhoanNop).toEqual([expect.objectContaining({ SoTien: String(FEE) })]);
    expect(bill.data.HanThanhToan).toMatch(/^\d{14}$/);

    // The bill is a pending payment of the dossier on the platform; a second lookup answers the same one.
    const again = await lookup(lookupBody(lookupCode));
    expect(again.json.MaThamChieu).toBe(bill.MaThamChieu);
    const payments = await dossierPayments(code);
    expect(payments.json.items).toEqual([
      expect.objectContaining({ gateway: 'paygov', status: 'pending', txnRef: bill.MaThamChieu, amount: FEE }),
    ]);
    const paymentId = payments.json.items[0].paymentId;
    // Both lookups are in the raw callback log of the bill.
    const log = await cloud.fetch(`/payments/${paymentId}/callbacks`, { token: admin });
    expect(log.status, log.text).toBe(200);
    expect(log.json.items.filter((c: { route: string }) => c.route === 'paygovBillLookup')).toHaveLength(2);
  });

  test('a forged lookup is 97, an unknown code 01, malformed JSON 97: each changes nothing', async () => {
    const code = nextDossier();
    const lookupCode = await lookupCodeOf(code);
    const forged = await lookup(lookupBody(lookupCode, 'not-the-key'));
    expect(forged.status).toBe(200);
    expect(forged.json.error_code).toBe('97');
    const unknown = await lookup(lookupBody('TT0000000000000000'));
    expect(unknown.json.error_code).toBe('01');
    const broken = await cloud.fetch('/payments/paygov/bills', {
      method: 'POST',
      rawBody: '{"MaDoiTac":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBeLessThan(500);
    expect((await dossierPayments(code)).json.items).toEqual([]);
  });
});

describe('paid on the platform', () => {
  test('the confirmation pays the dossier once: receipt, channel 1; sent again it is 02 and changes nothing', async () => {
    const code = nextDossier();
    const lookupCode = await lookupCodeOf(code);
    // What the desk (or the applicant) is shown while the fee is due: the code and the platform's page for it.
    const due = await dossierPayments(code);
    expect(due.json.nationalPlatform).toEqual({
      lookupCode,
      paymentUrl: `${cloud.url}/dev/national-portal/payments/?MaTraCuuTT=${lookupCode}`,
    });
    const paid = await standIn('/pay', { MaTraCuuTT: lookupCode, choice: 'pay', KenhThanhToan: 'NAPAS' });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.json.confirmation.answer.error_code).toBe('0');
    const txn = paid.json.transaction;

    const payments = await dossierPayments(code);
    const payment = payments.json.items[0];
    expect(payment).toMatchObject({ gateway: 'paygov', status: 'paid', gatewayTransactionNo: txn.MaGiaoDich });
    expect(payments.json.nationalPlatform).toBeUndefined();
    expect(payment.receipt.number).toMatch(/^H19-\d{4}-\d{2}-\d{6}$/);

    const resent = await standIn(`/transactions/${txn.MaGiaoDich}/confirm`, {});
    expect(resent.json.answer.error_code).toBe('02');
    const events = await probe.drain();
    const completed = completedFor(events, payment.paymentId);
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data).toMatchObject({ gateway: 'paygov', channelCode: 1, amount: FEE });

    // Nothing is due any more: the platform is told so.
    expect((await lookup(lookupBody(lookupCode))).json.error_code).toBe('03');
    await cloud.settle();
    const dossier = await cloud.fetch(`/dossiers/${code}`, { token: owner });
    expect(dossier.json.paymentStatus).toBe('paid');
  });

  test('a confirmation of another amount is 04 and a forged one 97: the bill stays pending', async () => {
    const code = nextDossier();
    const lookupCode = await lookupCodeOf(code);
    const wrong = await standIn('/pay', { MaTraCuuTT: lookupCode, choice: 'pay', SoTien: String(FEE - 1) });
    expect(wrong.json.confirmation.answer.error_code).toBe('04');
    const bill = (await lookup(lookupBody(lookupCode))).json;
    const paidAt = localStamp(new Date());
    const fields = [PARTNER, lookupCode, bill.MaThamChieu, 'PG000000000001', String(FEE), '00', paidAt];
    const forged = await confirm({
      MaDoiTac: PARTNER,
      MaTraCuuTT: lookupCode,
      MaThamChieu: bill.MaThamChieu,
      MaGiaoDich: 'PG000000000001',
      SoTien: String(FEE),
      TrangThai: '00',
      ThoiGianThanhToan: paidAt,
      ChuKy: sign(fields, 'not-the-key'),
    });
    expect(forged.json.error_code).toBe('97');
    expect((await dossierPayments(code)).json.items).toEqual([
      expect.objectContaining({ status: 'pending', txnRef: bill.MaThamChieu }),
    ]);
  });

  test('a confirmation that never arrived is found by reconciliation asking the platform', async () => {
    const code = nextDossier();
    const lookupCode = await lookupCodeOf(code);
    const paid = await standIn('/pay', { MaTraCuuTT: lookupCode, choice: 'pay', deliver: false });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.json.confirmation).toBeNull();
    expect((await dossierPayments(code)).json.items[0].status).toBe('pending');

    // Past the bill's expiry (3 days), the job queries the platform and settles it as paid.
    const later = new Date(Date.now() + 3 * 86_400_000 + 60_000);
    expect((await cloud.fetch('/dev/clock', { method: 'POST', body: { now: later.toISOString() } })).status).toBe(200);
    const run = await cloud.fetch('/dev/schedules/payments-reconciliation', { method: 'POST' });
    expect(run.status, run.text).toBe(200);
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    const payment = (await dossierPayments(code)).json.items[0];
    expect(payment).toMatchObject({ status: 'paid', gatewayTransactionNo: paid.json.transaction.MaGiaoDich });
    expect(payment.receipt.number).toMatch(/^H19-/);
  });

  test('a dossier withdrawn after it was paid on the platform is refunded through the platform', async () => {
    const code = nextDossier();
    const lookupCode = await lookupCodeOf(code);
    const paid = await standIn('/pay', { MaTraCuuTT: lookupCode, choice: 'pay' });
    expect(paid.json.confirmation.answer.error_code).toBe('0');
    await cloud.settle();
    await withdrawDossier(cloud, code);
    await cloud.settle();
    const payment = (await dossierPayments(code)).json.items[0];
    expect(payment.status).toBe('refunded');
    const onPlatform = (await standIn('/transactions')).json.items.find(
      (t: { MaGiaoDich: string }) => t.MaGiaoDich === paid.json.transaction.MaGiaoDich,
    );
    expect(onPlatform.refunds).toEqual([expect.objectContaining({ SoTien: String(FEE) })]);
  });
});

describe('the citizen at motcua', () => {
  test('POST /payments with gateway paygov sends the payer to the platform with the lookup code, valid for days', async () => {
    const code = nextDossier();
    const res = await cloud.fetch('/payments', {
      method: 'POST',
      token: owner,
      body: { dossierCode: code, gateway: 'paygov' },
      headers: { 'idempotency-key': `paygov-${randomUUID()}` },
    });
    expect(res.status, res.text).toBe(201);
    const url = new URL(res.json.redirectUrl);
    expect(url.pathname).toBe('/dev/national-portal/payments/');
    expect(url.searchParams.get('MaTraCuuTT')).toBe(await lookupCodeOf(code));
    expect(Date.parse(res.json.expiresAt) - Date.now()).toBeGreaterThan(2 * 86_400_000);
    // The platform then finds this very payment as the bill.
    const bill = await lookup(lookupBody(await lookupCodeOf(code)));
    expect(bill.json.MaThamChieu).toBe(res.json.txnRef);
  });
});
