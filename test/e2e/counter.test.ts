/**
 * The one-stop counter through HTTP on the local cloud, as one story on one dossier: an official of a commune
 * centre takes in, in person, a dossier for a procedure of a provincial department (boundary-free intake: the
 * seeded judicial record certificate of the Department of Justice, whose fee is due before reception) with two
 * documents scanned at the desk; the applicant is offered the national payment platform's code but pays at the
 * counter, on that dossier; the desk then receives it and prints the receipt (PDF read back with pdftotext); the
 * department processes it (through the police's verification step) and resolves it, and the applicant collects
 * the result at the same commune desk; the reports count it as in person, received and digitized. A postal
 * dossier goes back by post through the stand-in postal service. Officials cannot register for another desk;
 * citizens cannot use the counter's routes.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const COMMUNE = '000.01.21.H19'; // Ủy ban nhân dân phường Trấn Biên
const DEPARTMENT = '000.00.15.H19'; // Sở Tư pháp
const POLICE = '000.00.11.H19'; // Công an tỉnh: the procedure's verification step
const OTHER_COMMUNE = '000.02.21.H19';
/** Seeded (config/seed/dong-nai/procedures.json): Cấp Phiếu lý lịch tư pháp, 10 working days, fee before reception. */
const PROCEDURE = '2.000488';
const FEE = 200_000;
/** Published by this file: a department procedure whose fee may be paid after reception, for the postal dossier. */
const POSTAL_PROCEDURE = '1.999131';
const APPLICANT = '001186004321';
const APPLICANT_NAME = 'Nguyễn Thị Thu Hằng';

const requirement = (code: string, vi: string) => ({
  code,
  name: { vi, en: code },
  required: true,
  contentTypes: ['application/pdf'],
  maxBytes: 5_000_000,
});

/** A department's procedure with two required documents, three working days, a fee paid after reception. */
const DEPARTMENT_PROCEDURE = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Cấp giấy xác nhận thử nghiệm một cửa', en: 'One-stop test certificate' },
  field: 'Tư pháp',
  levels: ['province'],
  agencyCodes: [DEPARTMENT],
  mode: 'partial',
  processingTime: { kind: 'working_days', days: 3 },
  payBeforeReception: false,
  fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí cấp giấy', amount: 50_000 }],
  requirements: [
    requirement('TO_KHAI', 'Tờ khai đề nghị'),
    requirement('GIAY_TO_TUY_THAN', 'Bản chụp giấy tờ tùy thân'),
  ],
  formSchema: {
    type: 'object',
    properties: { hoTen: { type: 'string', title: 'Họ tên', minLength: 1, maxLength: 100 } },
    required: ['hoTen'],
    additionalProperties: false,
  },
  resultType: 'electronic',
};

let cloud: TestCloud;
let desk: string;
let deskB: string;
let departmentOfficer: string;
let policeOfficer: string;
let otherDesk: string;
let citizen: string;
let admin: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const published = await cloud.fetch(`/procedures/${POSTAL_PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: DEPARTMENT_PROCEDURE,
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  desk = await cloud.token({
    sub: 'cb-tb-01',
    roles: ['officer'],
    agencyCode: COMMUNE,
    name: 'Lê Thị Hồng',
    title: 'Công chức Một cửa',
  });
  deskB = await cloud.token({ sub: 'cb-tb-02', roles: ['officer'], agencyCode: COMMUNE, name: 'Võ Văn Tài' });
  departmentOfficer = await cloud.token({
    sub: 'cv-tp-01',
    roles: ['officer'],
    agencyCode: DEPARTMENT,
    name: 'Trần Quốc Bảo',
  });
  policeOfficer = await cloud.token({
    sub: 'ca-ll-01',
    roles: ['officer'],
    agencyCode: POLICE,
    name: 'Đặng Minh Khoa',
  });
  otherDesk = await cloud.token({ sub: 'cb-bh-01', roles: ['officer'], agencyCode: OTHER_COMMUNE });
  citizen = await cloud.token({ sub: APPLICANT, roles: ['citizen'], name: APPLICANT_NAME });
  await cloud.settle();
});

afterAll(async () => {
  if (cloud) {
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

const minute = (iso: string): string => iso.slice(0, 16);

async function setClock(localIso: string): Promise<void> {
  const res = await cloud.fetch('/dev/clock', { method: 'POST', body: { now: localIso } });
  expect(res.status).toBe(200);
}

/** A scan uploaded by the desk official for the applicant (onBehalfOf, digitized), verified clean. */
async function scan(token: string, name: string): Promise<string> {
  const pdf = Buffer.from(
    `%PDF-1.4\n% ${name}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
  const created = await cloud.fetch('/documents', {
    method: 'POST',
    token,
    body: {
      fileName: `${name}.pdf`,
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      onBehalfOf: APPLICANT,
      digitized: true,
    },
  });
  expect(created.status, created.text).toBe(201);
  const form = new FormData();
  for (const [field, value] of Object.entries(created.json.upload.fields as Record<string, string>)) {
    form.append(field, value);
  }
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), `${name}.pdf`);
  const posted = await fetch(created.json.upload.url, { method: 'POST', body: form });
  expect(posted.status).toBeLessThan(300);
  const completed = await cloud.fetch(`/documents/${created.json.documentId}/complete`, { method: 'POST', token });
  expect(completed.json?.status, completed.text).toBe('clean');
  return created.json.documentId as string;
}

function intake(overrides: Record<string, unknown>, documents: { requirementCode: string; documentId: string }[]) {
  return {
    procedureCode: PROCEDURE,
    agencyCode: DEPARTMENT,
    channel: 'in_person',
    receive: true,
    applicant: {
      idNumber: APPLICANT,
      fullName: APPLICANT_NAME,
      phone: '0987654321',
      address: 'Số 12 đường Võ Thị Sáu, phường Trấn Biên, tỉnh Đồng Nai',
    },
    formData: {
      loaiPhieu: 'Phiếu số 1',
      mucDichSuDung: 'Bổ sung hồ sơ xin việc',
      noiCuTru: 'Số 12 đường Võ Thị Sáu, phường Trấn Biên, tỉnh Đồng Nai',
      soLuongPhieu: 1,
    },
    documents,
    resultDelivery: 'counter',
    ...overrides,
  };
}

function register(token: string, body: unknown, key = `intake-${randomUUID()}`) {
  return cloud.fetch('/dossiers', { method: 'POST', token, body, headers: { 'idempotency-key': key } });
}

function actOn(token: string, code: string, version: number, action: Record<string, unknown>) {
  return cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token,
    body: action,
    headers: { 'if-match': String(version) },
  });
}

async function act(token: string, code: string, version: number, action: Record<string, unknown>) {
  const res = await actOn(token, code, version, action);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

/** The dossier as the official reads it, and its version from the ETag (what If-Match names). */
async function read(token: string, code: string) {
  const res = await cloud.fetch(`/dossiers/${code}`, { token });
  expect(res.status, res.text).toBe(200);
  const version = Number(JSON.parse(res.headers.get('etag') ?? '""'));
  expect(version).toBe(res.json.version);
  return { dossier: res.json, version };
}

async function pdfText(path: string, token: string): Promise<{ text: string; digest: string | null; bytes: Buffer }> {
  const res = await fetch(cloud.url + path, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const bytes = Buffer.from(await res.arrayBuffer());
  const file = join(mkdtempSync(join(tmpdir(), 'counter-')), 'slip.pdf');
  writeFileSync(file, bytes);
  return {
    text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
    digest: res.headers.get('digest'),
    bytes,
  };
}

let documents: { requirementCode: string; documentId: string }[];

describe('one dossier at a commune desk for a department procedure: intake, fee, receipt, processing, return', () => {
  let code: string;
  let version: number;
  let receiptNumber: string;

  const payAtCounter = (token: string, body: unknown, headers: Record<string, string>) =>
    cloud.fetch(`/dossiers/${code}/payments/counter`, { method: 'POST', token, body, headers });

  test('the fee is due before reception: the desk cannot receive at once, so it takes the dossier in', async () => {
    await setClock('2026-12-03T09:15:00+07:00'); // Thursday
    documents = [
      { requirementCode: 'TO_KHAI', documentId: await scan(desk, 'to-khai') },
      { requirementCode: 'GIAY_TO_TUY_THAN', documentId: await scan(desk, 'cccd') },
    ];
    await cloud.settle();
    // The procedure's setting (payBeforeReception): receiving at once while the fee is due is refused.
    const early = await register(desk, intake({}, documents));
    expect(early.status, early.text).toBe(409);
    expect(early.text).toContain('nộp phí trước khi tiếp nhận');

    const key = `intake-${randomUUID()}`;
    const res = await register(desk, intake({ receive: false }, documents), key);
    expect(res.status, res.text).toBe(201);
    const d = res.json;
    code = d.code;
    // The day's first number: the refused registration above drew none (the series has no hole for it).
    expect(code).toBe('000.00.15.H19-261203-0001');
    expect(d).toMatchObject({
      procedureCode: PROCEDURE,
      channel: 'in_person',
      status: 'submitted',
      agencyCode: DEPARTMENT,
      receivingAgencyCode: COMMUNE,
      currentAgencyCode: COMMUNE,
      resultDelivery: 'counter',
      feeTotal: FEE,
      paymentStatus: 'unpaid',
    });
    expect(d.receivedAt).toBeUndefined();
    expect(d.documents.map((doc: { digitized: boolean }) => doc.digitized)).toEqual([true, true]);
    // Idempotent like any submission.
    const again = await register(desk, intake({ receive: false }, documents), key);
    expect(again.status).toBe(201);
    expect(again.json.code).toBe(code);
    ({ version } = await read(desk, code));
    const receive = await actOn(desk, code, version, { type: 'receive' });
    expect(receive.status, receive.text).toBe(409);
  });

  test('while the fee is due the applicant may pay online: the national platform’s lookup code and payment page', async () => {
    const listed = await cloud.fetch(`/dossiers/${code}/payments`, { token: desk });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items).toEqual([]);
    expect(listed.json.nationalPlatform).toMatchObject({
      lookupCode: expect.stringMatching(/^TT[0-9A-Z]{16}$/),
      paymentUrl: expect.stringMatching(/^https?:\/\//),
    });
    expect(listed.json.nationalPlatform.paymentUrl).toContain(listed.json.nationalPlatform.lookupCode);
  });

  test('a counter payment needs If-Match (428), the current version (412), the amount due (400), a desk official (403)', async () => {
    const body = { amount: FEE, method: 'cash' };
    expect((await payAtCounter(desk, body, {})).status).toBe(428);
    const stale = await payAtCounter(desk, body, { 'if-match': String(version - 1) });
    expect(stale.status, stale.text).toBe(412);
    const short = await payAtCounter(desk, { amount: FEE - 10_000, method: 'cash' }, { 'if-match': String(version) });
    expect(short.status, short.text).toBe(400);
    expect(short.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(short.text).toContain(String(FEE));
    const unknownMethod = await payAtCounter(desk, { amount: FEE, method: 'cheque' }, { 'if-match': String(version) });
    expect(unknownMethod.status).toBe(400);
    const mine = await payAtCounter(citizen, body, { 'if-match': String(version) });
    expect(mine.status).toBe(403);
    const stranger = await payAtCounter(otherDesk, body, { 'if-match': String(version) });
    expect([403, 404]).toContain(stranger.status);
    const listed = await cloud.fetch(`/dossiers/${code}/payments`, { token: desk });
    expect(listed.json.items).toEqual([]);
  });

  test('the desk takes the fee in cash on this dossier: a receipt number, the same answer on a retry; the dossier is paid', async () => {
    const headers = { 'if-match': String(version) };
    const paid = await payAtCounter(desk, { amount: FEE, method: 'cash' }, headers);
    expect(paid.status, paid.text).toBe(201);
    expect(paid.json).toMatchObject({
      dossierCode: code,
      gateway: 'counter',
      method: 'cash',
      status: 'paid',
      amount: FEE,
      settledBy: 'counter',
      recordedBy: { sub: 'cb-tb-01', agencyCode: COMMUNE, name: 'Lê Thị Hồng' },
      feeLines: [expect.objectContaining({ code: 'PHI_LY_LICH_TU_PHAP', amount: FEE })],
    });
    receiptNumber = paid.json.receipt.number as string;
    expect(receiptNumber).toMatch(/\d/);
    expect(paid.headers.get('location')).toBe(`/payments/${paid.json.paymentId}`);
    // The official's second click (a lost answer, a double tap) is the same payment, not a second one.
    const again = await payAtCounter(desk, { amount: FEE, method: 'cash' }, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.paymentId).toBe(paid.json.paymentId);

    const page = await cloud.fetch(`/payments/${paid.json.paymentId}/receipt?format=html`, { token: citizen });
    expect(page.status).toBe(200);
    expect(page.text).toContain(receiptNumber);
    expect(page.text).toContain('Tiền mặt tại quầy');

    await cloud.settle();
    const after = await read(desk, code);
    expect(after.dossier).toMatchObject({ status: 'submitted', paymentStatus: 'paid', paidOnline: false });
    version = after.version;
    const listed = await cloud.fetch(`/dossiers/${code}/payments`, { token: citizen });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items.map((p: { paymentId: string }) => p.paymentId)).toEqual([paid.json.paymentId]);
    // Nothing is due any more: no code to pay online.
    expect(listed.json.nationalPlatform).toBeUndefined();
    // Another agency's desk is not told the dossier exists (docs/security.md: no existence probing).
    const foreign = await cloud.fetch(`/dossiers/${code}/payments`, { token: otherDesk });
    expect(foreign.status).toBe(404);
  });

  test('once paid, the desk receives it: the appointment is fixed and it goes to the department, the desk recorded', async () => {
    await setClock('2026-12-03T09:20:00+07:00');
    const d = await act(desk, code, version, { type: 'receive' });
    expect(d).toMatchObject({
      status: 'received',
      agencyCode: DEPARTMENT,
      receivingAgencyCode: COMMUNE,
      currentAgencyCode: DEPARTMENT,
      paymentStatus: 'paid',
    });
    // The local clock runs on from the instant it was set: compare to the minute, as the rules do.
    expect(minute(d.receivedAt)).toBe('2026-12-03T09:20');
    expect(minute(d.appointmentAt)).toBe('2026-12-17T09:20'); // 10 working days
    expect(d.history.map((e: { action: string; by: { sub: string } }) => [e.action, e.by.sub])).toEqual([
      ['submit', 'cb-tb-01'],
      ['payment-completed', expect.any(String)],
      ['receive', 'cb-tb-01'],
    ]);
    version = d.version;
    // Once paid, nothing more is taken (409), whatever the version.
    const twice = await payAtCounter(desk, { amount: FEE, method: 'card' }, { 'if-match': String(version) });
    expect(twice.status, twice.text).toBe(409);
    const listed = await cloud.fetch(`/dossiers/${code}/payments`, { token: desk });
    expect(listed.json.items).toHaveLength(1);
  });

  test('the receipt names the dossier code, the appointment and the applicant with diacritics; it is the same document later', async () => {
    const first = await pdfText(`/dossiers/${code}/slips/receipt`, desk);
    expect(first.text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(first.text).toContain(code);
    expect(first.text).toContain('09 giờ 20 phút, ngày 17/12/2026');
    expect(first.text).toContain(APPLICANT_NAME);
    expect(first.text).toContain('Lê Thị Hồng');
    expect(first.text).toContain('Sở Tư pháp tỉnh Đồng Nai');
    expect(first.text).toContain('Cấp Phiếu lý lịch tư pháp');
    expect(first.text).toContain('200.000 đồng');
    // Paid at the desk before reception: the receipt says so, with the payment's receipt number.
    expect(first.text).toContain(`Đã nộp tại Bộ phận Một cửa, biên lai số ${receiptNumber}`);
    // The applicant downloads the very same document, later.
    await setClock('2026-12-03T10:00:00+07:00');
    const mine = await pdfText(`/dossiers/${code}/slips/receipt`, citizen);
    expect(mine.bytes.equals(first.bytes)).toBe(true);
    expect(mine.digest).toBe(`sha-256=${createHash('sha256').update(first.bytes).digest('base64')}`);
    const refusal = await cloud.fetch(`/dossiers/${code}/slips/refusal`, { token: desk });
    expect(refusal.status).toBe(409);
    const stranger = await cloud.fetch(`/dossiers/${code}/slips/receipt`, { token: otherDesk });
    expect(stranger.status).toBe(404);
  });

  test('the department processes it through the police’s verification and resolves; the commune desk returns it with an ID check', async () => {
    let d = await act(departmentOfficer, code, version, { type: 'start-processing' });
    await setClock('2026-12-07T10:00:00+07:00');
    d = await act(departmentOfficer, code, d.version, { type: 'transfer', toAgencyCode: POLICE });
    expect(d.currentAgencyCode).toBe(POLICE);
    await setClock('2026-12-14T15:00:00+07:00');
    d = await act(policeOfficer, code, d.version, { type: 'transfer', toAgencyCode: DEPARTMENT });
    expect(d.currentAgencyCode).toBe(DEPARTMENT);
    await setClock('2026-12-16T14:00:00+07:00');
    d = await act(departmentOfficer, code, d.version, {
      type: 'resolve',
      result: {
        number: '118/LLTP-STP',
        signer: 'Trần Quốc Bảo',
        issuedBy: 'Sở Tư pháp tỉnh Đồng Nai',
        signedAt: '2026-12-16T14:00:00+07:00',
        electronic: true,
      },
    });
    expect(d.currentAgencyCode).toBe(COMMUNE);
    await setClock('2026-12-17T08:30:00+07:00');
    const noCollector = await actOn(deskB, code, d.version, { type: 'return-result', returnedTo: 'counter' });
    expect(noCollector.status).toBe(400);
    const someoneElse = await actOn(deskB, code, d.version, {
      type: 'return-result',
      returnedTo: 'counter',
      collectedBy: { name: 'Nguyễn Văn Nam', idNumber: '001090000111' },
    });
    expect(someoneElse.status).toBe(400);
    const returned = await act(deskB, code, d.version, {
      type: 'return-result',
      returnedTo: 'counter',
      collectedBy: { name: APPLICANT_NAME, idNumber: APPLICANT },
    });
    expect(returned).toMatchObject({
      status: 'returned',
      timeliness: 'early',
      paymentStatus: 'paid',
      returned: { to: 'counter', agencyCode: COMMUNE, collectedBy: { name: APPLICANT_NAME, idNumber: APPLICANT } },
    });
    expect(minute(returned.returnedAt)).toBe('2026-12-17T08:30');
    const sheet = await pdfText(`/dossiers/${code}/slips/control-sheet`, deskB);
    expect(sheet.text).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(sheet.text).toContain('Trần Quốc Bảo');
    expect(sheet.text).toContain('Công an tỉnh Đồng Nai');
  });

  test('the desk’s day and its tracking book list it; counts per official', async () => {
    const day = await cloud.fetch(`/agencies/${COMMUNE}/desk?date=2026-12-03`, { token: desk });
    expect(day.status, day.text).toBe(200);
    expect(day.json.receivedToday.map((s: { code: string }) => s.code)).toContain(code);
    expect(day.json.countsByOfficial).toContainEqual({ sub: 'cb-tb-01', name: 'Lê Thị Hồng', received: 1 });
    const csv = await cloud.fetch(`/agencies/${COMMUNE}/tracking-book?from=2026-12-01&to=2026-12-17&format=csv`, {
      token: desk,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const row = csv.text.split('\r\n').find((line) => line.includes(code));
    expect(row).toContain(APPLICANT_NAME);
    expect(row).toContain('Trực tiếp');
    const book = await pdfText(`/agencies/${COMMUNE}/tracking-book?from=2026-12-01&to=2026-12-17&format=pdf`, desk);
    expect(book.text).toContain('SỔ THEO DÕI HỒ SƠ');
    expect(book.text).toContain(code);
    const foreign = await cloud.fetch(`/agencies/${COMMUNE}/desk`, { token: otherDesk });
    expect(foreign.status).toBe(403);
  });

  test('the reports count it as in person, received, digitized', async () => {
    await cloud.settle();
    const report = await cloud.fetch(`/reports/dossiers?from=2026-12&to=2026-12&procedureCode=${PROCEDURE}`, {
      token: admin,
    });
    expect(report.status, report.text).toBe(200);
    expect(report.json.total).toMatchObject({ received: 1, receivedInPerson: 1, receivedOnline: 0, digitized: 1 });
  });
});

describe('by post', () => {
  test('a postal dossier, returned by post through the stand-in provider, then delivered', async () => {
    await setClock('2026-12-18T09:00:00+07:00');
    const res = await register(
      desk,
      intake(
        {
          procedureCode: POSTAL_PROCEDURE,
          formData: { hoTen: APPLICANT_NAME },
          channel: 'post',
          resultDelivery: 'post',
        },
        documents,
      ),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.json.channel).toBe('post');
    let d = res.json;
    d = await act(departmentOfficer, d.code, d.version, { type: 'start-processing' });
    d = await act(departmentOfficer, d.code, d.version, {
      type: 'resolve',
      result: {
        number: '120/GXN-STP',
        signer: 'Trần Quốc Bảo',
        issuedBy: 'Sở Tư pháp',
        signedAt: '2026-12-18T10:00:00+07:00',
        electronic: true,
      },
    });
    d = await act(desk, d.code, d.version, { type: 'return-result', returnedTo: 'post' });
    expect(d.status).toBe('returned');
    const tracking = d.returned.shipment.trackingNumber as string;
    expect(tracking).toMatch(/^EM\d{9}VN$/);
    expect(d.returned.shipment).toMatchObject({ provider: 'standin-post', status: 'in_transit' });
    const shipments = await cloud.fetch('/dev/post/shipments');
    expect(shipments.json.items).toContainEqual(
      expect.objectContaining({
        trackingNumber: tracking,
        dossierCode: d.code,
        recipient: expect.objectContaining({ name: APPLICANT_NAME }),
      }),
    );
    const delivered = await cloud.fetch(`/dev/post/shipments/${tracking}`, {
      method: 'POST',
      body: { status: 'delivered' },
    });
    expect(delivered.status, delivered.text).toBe(200);
    expect(delivered.json.outcome).toBe('applied');
    const repeated = await cloud.fetch(`/dev/post/shipments/${tracking}`, {
      method: 'POST',
      body: { status: 'delivered' },
    });
    expect(repeated.json.outcome).toBe('no-op');
    const after = await cloud.fetch(`/dossiers/${d.code}`, { token: desk });
    expect(after.json.returned.shipment.status).toBe('delivered');
    expect(minute(after.json.returned.shipment.settledAt)).toBe('2026-12-18T09:00');
    expect(after.json.history.at(-1).action).toBe('delivery-updated');
  });
});

describe('who may use the counter', () => {
  test('an official cannot register for a desk that is not theirs', async () => {
    const res = await register(otherDesk, intake({ receivingAgencyCode: COMMUNE }, []));
    expect(res.status).toBe(403);
  });

  test('a citizen cannot register at the counter, nor read the desk', async () => {
    const res = await cloud.fetch('/dossiers', {
      method: 'POST',
      token: citizen,
      body: intake({}, []),
      headers: { 'idempotency-key': `intake-${randomUUID()}` },
    });
    expect(res.status).toBe(403);
    const day = await cloud.fetch(`/agencies/${COMMUNE}/desk`, { token: citizen });
    expect([401, 403]).toContain(day.status);
  });

  test('an official registering as online is refused, and nothing is written', async () => {
    const res = await register(desk, intake({ channel: 'online' }, documents));
    expect(res.status).toBe(400);
  });
});
