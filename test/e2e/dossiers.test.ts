/**
 * The dossiers context through HTTP on the local cloud: submission (validation, idempotency, fees, codes),
 * the lifecycle walk with its history, appointment dates and timeliness on a moved clock, optimistic
 * concurrency, the authorization matrix, the work queue and the public lookup.
 *
 * The walk runs on a procedure this file publishes through the catalog's admin API (its document is optional),
 * so that it does not depend on other contexts; the document and payment steps run when those contexts'
 * routes are in place.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { type FetchResult, startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19'; // Sở Tư pháp
const OTHER_AGENCY = '000.00.11.H19'; // Công an tỉnh
const PROCEDURE = '1.999001';
const OWNER = '001099012345';
const STRANGER = '079200000001';

/** A procedure of our own: 3 working days, a fixed fee plus a per-copy fee, one optional document. */
const TEST_PROCEDURE = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm hồ sơ', en: 'Dossier test procedure' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [DESK, OTHER_AGENCY],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 3 },
  payBeforeReception: false,
  fees: [
    { kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí thử nghiệm', amount: 50_000 },
    { kind: 'per_copy', code: 'PHI_BAN_SAO', name: 'Phí bản sao', amountPerCopy: 10_000 },
  ],
  requirements: [
    {
      code: 'TO_KHAI',
      name: { vi: 'Tờ khai', en: 'Application form' },
      required: false,
      contentTypes: ['application/pdf'],
      maxBytes: 5_000_000,
    },
  ],
  formSchema: {
    type: 'object',
    properties: {
      hoTen: { type: 'string', title: 'Họ tên', minLength: 1, maxLength: 100 },
      soBanSao: { type: 'integer', title: 'Số bản sao', minimum: 1, maximum: 10 },
    },
    required: ['hoTen', 'soBanSao'],
    additionalProperties: false,
  },
  resultType: 'electronic',
};

let cloud: TestCloud;
let owner: string;
let stranger: string;
let officer: string;
let officer2: string;
let leader: string;
let otherOfficial: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: TEST_PROCEDURE,
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: 'Phạm Thị Dung' });
  stranger = await cloud.token({ sub: STRANGER, roles: ['citizen'] });
  officer = await cloud.token({
    sub: 'officer-1',
    roles: ['officer'],
    agencyCode: DESK,
    name: 'Nguyễn Văn An',
    title: 'Chuyên viên',
  });
  officer2 = await cloud.token({ sub: 'officer-2', roles: ['officer'], agencyCode: DESK, name: 'Lê Thị Bình' });
  leader = await cloud.token({ sub: 'leader-1', roles: ['leader'], agencyCode: DESK, name: 'Trần Văn Cường' });
  otherOfficial = await cloud.token({ sub: 'officer-9', roles: ['officer'], agencyCode: OTHER_AGENCY });
  await cloud.settle();
});

afterAll(async () => {
  if (cloud) {
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

async function setClock(localIso: string): Promise<void> {
  const res = await cloud.fetch('/dev/clock', { method: 'POST', body: { now: localIso } });
  expect(res.status).toBe(200);
}

function submission(overrides: Record<string, unknown> = {}) {
  return {
    procedureCode: PROCEDURE,
    agencyCode: DESK,
    applicant: {
      idNumber: OWNER,
      fullName: 'Phạm Thị Dung',
      phone: '0912345678',
      email: 'dung@example.vn',
      address: '12 Phan Chu Trinh, Biên Hòa',
    },
    formData: { hoTen: 'Phạm Thị Dung', soBanSao: 2 },
    documents: [],
    resultDelivery: 'online',
    ...overrides,
  };
}

function submit(body: unknown, options: { key?: string; token?: string; language?: string } = {}) {
  return cloud.fetch('/dossiers', {
    method: 'POST',
    token: options.token ?? owner,
    body,
    headers: {
      'idempotency-key': options.key ?? `key-${randomUUID()}`,
      ...(options.language ? { 'accept-language': options.language } : {}),
    },
  });
}

async function submitted(overrides: Record<string, unknown> = {}): Promise<{ code: string; version: number }> {
  const res = await submit(submission(overrides));
  expect(res.status, res.text).toBe(201);
  return res.json;
}

function act(code: string, token: string, version: number | undefined, action: Record<string, unknown>) {
  return cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token,
    body: action,
    headers: version === undefined ? {} : { 'if-match': `"${version}"` },
  });
}

async function acted(code: string, token: string, version: number, action: Record<string, unknown>) {
  const res = await act(code, token, version, action);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

/** The first 16 characters of a local ISO time: 'YYYY-MM-DDTHH:MM' (the clock keeps ticking in between). */
const minute = (iso: string | undefined) => iso?.slice(0, 16);

function expectProblem(res: FetchResult, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('submission', () => {
  test('a citizen submits: 201 with a code of the agency and day, the fees assessed, the history begun', async () => {
    await setClock('2026-03-02T09:00:00+07:00');
    const res = await submit(submission());
    expect(res.status, res.text).toBe(201);
    const dossier = res.json;
    expect(dossier.code).toMatch(/^000\.00\.15\.H19-260302-\d{4}$/);
    expect(res.headers.get('location')).toBe(`/dossiers/${dossier.code}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(dossier).toMatchObject({
      status: 'submitted',
      nationalStatusCode: 1,
      version: 1,
      channel: 'online',
      procedureCode: PROCEDURE,
      procedureVersion: 1,
      agencyCode: DESK,
      currentAgencyCode: DESK,
      timeliness: null,
      previousAppointments: [],
      // 50,000 fixed + 2 copies × 10,000
      fees: [
        { code: 'LE_PHI', name: 'Lệ phí thử nghiệm', amount: 50_000 },
        { code: 'PHI_BAN_SAO', name: 'Phí bản sao', amount: 20_000 },
      ],
      feeTotal: 70_000,
      paymentStatus: 'unpaid',
      applicant: { idNumber: OWNER, fullName: 'Phạm Thị Dung', address: '12 Phan Chu Trinh, Biên Hòa' },
      formData: { hoTen: 'Phạm Thị Dung', soBanSao: 2 },
    });
    expect(dossier.appointmentAt).toBeUndefined();
    expect(dossier.history).toHaveLength(1);
    expect(dossier.history[0]).toMatchObject({ action: 'submit', from: null, to: 'submitted', by: { sub: OWNER } });
    expect(minute(dossier.submittedAt)).toBe('2026-03-02T09:00');
    expect(dossier.allowedActions).toEqual(['withdraw']);

    const read = await cloud.fetch(`/dossiers/${dossier.code}`, { token: owner });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.json.code).toBe(dossier.code);
  });

  test('the same Idempotency-Key and body answer the same; another body with that key is 409', async () => {
    const key = `same-${randomUUID()}`;
    const first = await submit(submission(), { key });
    expect(first.status).toBe(201);
    const again = await submit(submission(), { key });
    expect(again.status).toBe(201);
    expect(again.json.code).toBe(first.json.code);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const other = await submit(submission({ formData: { hoTen: 'Phạm Thị Dung', soBanSao: 3 } }), { key });
    expectProblem(other, 409);
    expect(other.json.type).toMatch(/idempotency-key-reused$/);

    const mine = await cloud.fetch('/me/dossiers?limit=100', { token: owner });
    expect(mine.json.items.filter((d: { code: string }) => d.code === first.json.code)).toHaveLength(1);
  });

  test('bad input is a 400 problem naming each field, in Vietnamese by default and in English on request', async () => {
    const bad = submission({
      agencyCode: '000.01.21.H19', // a commune that does not receive this procedure
      formData: { soBanSao: 0, ghiChu: 'x' },
      documents: [{ requirementCode: 'KHONG_CO', documentId: 'doc-1' }],
    });
    const vi = await submit(bad);
    expectProblem(vi, 400);
    expect(vi.json.title).toBe('Dữ liệu không hợp lệ');
    expect(vi.headers.get('content-language')).toBe('vi');
    const paths = vi.json.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.agencyCode',
        'body.formData.hoTen',
        'body.formData.soBanSao',
        'body.formData.ghiChu',
        'body.documents.0.requirementCode',
      ]),
    );
    expect(vi.json.errors.find((e: { path: string }) => e.path === 'body.agencyCode').message).toBe(
      'cơ quan này không tiếp nhận thủ tục này',
    );

    const en = await submit(bad, { language: 'en' });
    expectProblem(en, 400);
    expect(en.json.title).toBe('Invalid request');
    expect(en.json.errors.find((e: { path: string }) => e.path === 'body.agencyCode').message).toBe(
      'this agency does not receive this procedure',
    );

    const unknownProcedure = await submit(submission({ procedureCode: '9.999999' }), { language: 'en' });
    expectProblem(unknownProcedure, 400);
    expect(unknownProcedure.json.errors).toEqual([
      { path: 'body.procedureCode', message: 'no procedure with this code is in effect' },
    ]);

    const shape = await submit({ procedureCode: 'abc' }, { language: 'en' });
    expectProblem(shape, 400);
    expect(shape.json.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.procedureCode', 'body.agencyCode', 'body.applicant', 'body.resultDelivery']),
    );

    const noKey = await cloud.fetch('/dossiers', { method: 'POST', token: owner, body: submission() });
    expectProblem(noKey, 400);
    expect(noKey.json.errors[0].path).toBe('headers.idempotency-key');

    const someoneElse = await submit(submission(), { token: stranger });
    expectProblem(someoneElse, 403);
  });

  test('a verified document of the applicant is accepted; a stranger’s is not', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const upload = async (token: string) => {
      const created = await cloud.fetch('/documents', {
        method: 'POST',
        token,
        body: {
          fileName: 'to-khai.pdf',
          contentType: 'application/pdf',
          size: pdf.length,
          sha256: createHash('sha256').update(pdf).digest('hex'),
        },
      });
      expect(created.status, created.text).toBe(201);
      const form = new FormData();
      for (const [name, value] of Object.entries(created.json.upload.fields as Record<string, string>)) {
        form.append(name, value);
      }
      form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'to-khai.pdf');
      const posted = await fetch(created.json.upload.url, { method: 'POST', body: form });
      expect(posted.status).toBeLessThan(300);
      const completed = await cloud.fetch(`/documents/${created.json.documentId}/complete`, { method: 'POST', token });
      expect(completed.status, completed.text).toBe(200);
      expect(completed.json.status).toBe('clean');
      return created.json.documentId as string;
    };
    const mine = await upload(owner);
    const theirs = await upload(stranger);
    await cloud.settle();

    const accepted = await submit(submission({ documents: [{ requirementCode: 'TO_KHAI', documentId: mine }] }));
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.json.documents).toEqual([
      { requirementCode: 'TO_KHAI', documentId: mine, digitized: false, reused: false },
    ]);
    const reused = await submit(submission({ documents: [{ requirementCode: 'TO_KHAI', documentId: mine }] }));
    expect(reused.status, reused.text).toBe(201);
    expect(reused.json.documents[0].reused).toBe(true);

    const refused = await submit(submission({ documents: [{ requirementCode: 'TO_KHAI', documentId: theirs }] }), {
      language: 'en',
    });
    expectProblem(refused, 400);
    expect(refused.json.errors).toEqual([
      { path: 'body.documents.0.documentId', message: 'is not a verified document of the applicant' },
    ]);
  });
});

describe('the lifecycle', () => {
  test('submitted → received → supplement → processing → resolved → returned → feedback, with dates and timeliness', async () => {
    await setClock('2026-03-02T09:00:00+07:00'); // Monday
    const { code } = await submitted();

    await setClock('2026-03-02T10:00:00+07:00');
    let d = await acted(code, officer, 1, { type: 'receive', note: 'Đủ thành phần' });
    expect(d.status).toBe('received');
    expect(d.nationalStatusCode).toBe(2);
    expect(minute(d.receivedAt)).toBe('2026-03-02T10:00');
    // 3 working days after Monday 10:00 → Thursday 10:00
    expect(minute(d.appointmentAt)).toBe('2026-03-05T10:00');
    expect(d.timeliness).toBe('in_progress_on_time');
    expect(d.history[1]).toMatchObject({
      action: 'receive',
      from: 'submitted',
      to: 'received',
      note: 'Đủ thành phần',
      by: { sub: 'officer-1', name: 'Nguyễn Văn An', title: 'Chuyên viên', agencyCode: DESK },
    });

    await setClock('2026-03-03T10:00:00+07:00'); // Tuesday
    d = await acted(code, officer, 2, { type: 'request-supplement', reason: 'Thiếu số bản sao đúng' });
    expect(d.status).toBe('supplement_requested');
    expect(d.timeliness).toBe('paused_on_time');
    expect(d.history[2]).toMatchObject({ action: 'request-supplement', reason: 'Thiếu số bản sao đúng' });

    const ownerView = await cloud.fetch(`/dossiers/${code}`, { token: owner });
    expect(ownerView.json.allowedActions).toEqual(['supplement', 'withdraw']);

    await setClock('2026-03-04T10:00:00+07:00'); // Wednesday: one working day paused
    const supplemented = await cloud.fetch(`/dossiers/${code}/supplement`, {
      method: 'POST',
      token: owner,
      body: { formData: { soBanSao: 3 }, note: 'Đã sửa số bản' },
    });
    expect(supplemented.status, supplemented.text).toBe(200);
    d = supplemented.json;
    expect(d.status).toBe('received');
    expect(d.formData).toEqual({ hoTen: 'Phạm Thị Dung', soBanSao: 3 });
    // Thursday 10:00 moved by the paused working day → Friday 10:00; the old date is kept.
    expect(minute(d.appointmentAt)).toBe('2026-03-06T10:00');
    expect(d.previousAppointments.map(minute)).toEqual(['2026-03-05T10:00']);
    expect(d.supplements).toHaveLength(1);
    expect(minute(d.supplements[0].completedAt)).toBe('2026-03-04T10:00');
    expect(d.timeliness).toBe('in_progress_on_time');
    expect(d.history[3]).toMatchObject({ action: 'supplement', from: 'supplement_requested', to: 'received' });

    await setClock('2026-03-04T11:00:00+07:00');
    d = await acted(code, officer, 4, { type: 'start-processing' });
    expect(d.status).toBe('processing');
    expect(d.steps).toHaveLength(1);
    expect(d.steps[0]).toMatchObject({ agencyCode: DESK });
    expect(minute(d.steps[0].dueAt)).toBe('2026-03-06T10:00');

    let version = 5;
    {
      await setClock('2026-03-05T09:00:00+07:00');
      d = await acted(code, officer, version, { type: 'request-payment' });
      expect(d.status).toBe('payment_requested');
      expect(d.feeTotal).toBe(70_000);
      await cloud.settle();
      const payment = await cloud.fetch('/payments', {
        method: 'POST',
        token: owner,
        body: { dossierCode: code, gateway: 'sandbox' },
        headers: { 'idempotency-key': `pay-${randomUUID()}` },
      });
      expect(payment.status, payment.text).toBe(201);
      expect(payment.json.amount).toBe(70_000);
      const checkout = new URL(payment.json.redirectUrl, cloud.url);
      const paid = await cloud.fetch(`${checkout.pathname}${checkout.search}`, {
        method: 'POST',
        body: { choice: 'pay' },
      });
      expect(paid.status, paid.text).toBe(302);
      await cloud.settle();
      const after = await cloud.fetch(`/dossiers/${code}`, { token: officer });
      expect(after.json).toMatchObject({ status: 'processing', paymentStatus: 'paid', paidOnline: true });
      expect(after.json.history.at(-1)).toMatchObject({
        action: 'payment-completed',
        from: 'payment_requested',
        to: 'processing',
        by: { sub: 'payments' },
      });
      version = after.json.version;
    }

    await setClock('2026-03-05T14:00:00+07:00'); // Thursday, before Friday's appointment
    d = await acted(code, officer, version, {
      type: 'resolve',
      result: {
        number: '15/GCN-TN',
        signer: 'Trần Văn Cường',
        issuedBy: DESK,
        signedAt: '2026-03-05T14:00:00+07:00',
        electronic: true,
      },
    });
    expect(d.status).toBe('resolved');
    expect(minute(d.endedAt)).toBe('2026-03-05T14:00');
    expect(d.result).toMatchObject({ number: '15/GCN-TN', electronic: true });
    expect(d.timeliness).toBe('early');

    await setClock('2026-03-06T09:00:00+07:00');
    d = await acted(code, officer2, version + 1, { type: 'return-result' });
    expect(d.status).toBe('returned');
    expect(d.nationalStatusCode).toBe(10);
    expect(minute(d.returnedAt)).toBe('2026-03-06T09:00');
    expect(d.timeliness).toBe('early');

    await setClock('2026-03-06T10:00:00+07:00');
    const feedback = await cloud.fetch(`/dossiers/${code}/feedback`, {
      method: 'POST',
      token: owner,
      body: { rating: 'satisfied', comment: 'Nhanh chóng' },
    });
    expect(feedback.status, feedback.text).toBe(200);
    expect(feedback.json.feedback).toMatchObject({ rating: 'satisfied', comment: 'Nhanh chóng' });
    const again = await cloud.fetch(`/dossiers/${code}/feedback`, {
      method: 'POST',
      token: owner,
      body: { rating: 'neutral' },
    });
    expectProblem(again, 409);

    const final = await cloud.fetch(`/dossiers/${code}`, { token: owner });
    expect(final.json.history.map((h: { action: string }) => h.action)).toEqual([
      'submit',
      'receive',
      'request-supplement',
      'supplement',
      'start-processing',
      'request-payment',
      'payment-completed',
      'resolve',
      'return-result',
      'feedback',
    ]);
    expect(final.json.timeliness).toBe('early');
  });

  test('request-payment pauses the dossier: resolving is then 409 naming what is allowed', async () => {
    await setClock('2026-03-09T09:00:00+07:00');
    const { code } = await submitted();
    await acted(code, officer, 1, { type: 'receive' });
    await acted(code, officer, 2, { type: 'start-processing' });
    const d = await acted(code, officer, 3, { type: 'request-payment' });
    expect(d).toMatchObject({ status: 'payment_requested', nationalStatusCode: 6, feeTotal: 70_000 });
    const resolve = await act(code, officer, 4, {
      type: 'resolve',
      result: { number: '1/X', signer: 'A', issuedBy: DESK, signedAt: '2026-03-09T10:00:00+07:00', electronic: true },
    });
    expectProblem(resolve, 409);
    expect(resolve.json.type).toMatch(/action-not-allowed$/);
    expect(resolve.json.allowedActions).toEqual(['apologize']);
  });

  test('an action the status does not allow is 409 with the allowed actions; a missing reason is 400', async () => {
    await setClock('2026-03-09T09:00:00+07:00');
    const { code } = await submitted();
    const early = await act(code, officer, 1, { type: 'start-processing' });
    expectProblem(early, 409);
    expect(early.json.allowedActions).toEqual(['receive', 'reject', 'request-supplement']);

    const noReason = await act(code, officer, 1, { type: 'reject' });
    expectProblem(noReason, 400);
    expect(noReason.json.errors).toEqual([expect.objectContaining({ path: 'body.reason' })]);

    const unknown = await act(code, officer, 1, { type: 'payment-completed', paymentId: 'p', amount: 1 });
    expectProblem(unknown, 400);

    const stopBeforeReception = await act(code, leader, 1, { type: 'stop', reason: 'x' });
    expectProblem(stopBeforeReception, 409);
  });

  test('two officials acting on the same version: one 200, one 412; no If-Match is 428', async () => {
    await setClock('2026-03-09T09:00:00+07:00');
    const { code } = await submitted();
    const missing = await act(code, officer, undefined, { type: 'receive' });
    expectProblem(missing, 428);

    const results = await Promise.all([
      act(code, officer, 1, { type: 'receive' }),
      act(code, officer2, 1, { type: 'request-supplement', reason: 'Thiếu giấy tờ' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const read = await cloud.fetch(`/dossiers/${code}`, { token: officer });
    expect(read.json.version).toBe(2);
    expect(read.json.history).toHaveLength(2);

    const stale = await act(code, officer, 1, { type: 'start-processing' });
    expectProblem(stale, 412);
    expect(stale.json.currentVersion).toBe(2);
  });

  test('the owner withdraws; withdrawing again is 409', async () => {
    await setClock('2026-03-09T09:00:00+07:00');
    const { code } = await submitted();
    const res = await cloud.fetch(`/dossiers/${code}/withdraw`, {
      method: 'POST',
      token: owner,
      body: { reason: 'Không còn nhu cầu' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ status: 'withdrawn', nationalStatusCode: 7, allowedActions: [] });
    expect(res.json.endedAt).toBeUndefined(); // withdrawn before reception: no processing to end
    const again = await cloud.fetch(`/dossiers/${code}/withdraw`, { method: 'POST', token: owner });
    expectProblem(again, 409);
  });
});

describe('who sees what', () => {
  let code: string;
  beforeAll(async () => {
    await setClock('2026-03-09T09:00:00+07:00');
    code = (await submitted()).code;
  });

  test('another citizen and an official of another agency get 404, as for an unknown code', async () => {
    const unknown = await cloud.fetch(`/dossiers/${DESK}-260309-9999`, { token: owner });
    expectProblem(unknown, 404);
    const otherCitizen = await cloud.fetch(`/dossiers/${code}`, { token: stranger });
    expectProblem(otherCitizen, 404);
    expect(otherCitizen.json.detail).toBe(unknown.json.detail);
    expectProblem(await cloud.fetch(`/dossiers/${code}`, { token: otherOfficial }), 404);
    expectProblem(await act(code, otherOfficial, 1, { type: 'receive' }), 404);
    expectProblem(await cloud.fetch(`/dossiers/${code}/withdraw`, { method: 'POST', token: stranger, body: {} }), 404);
    expect((await cloud.fetch(`/dossiers/${code}`, { token: officer })).status).toBe(200);
    const mine = await cloud.fetch('/me/dossiers', { token: stranger });
    expect(mine.status).toBe(200);
    expect(mine.json.items).toEqual([]);
  });

  test("an official lists only their own agency's dossiers", async () => {
    expectProblem(await cloud.fetch(`/agencies/${DESK}/dossiers`, { token: otherOfficial }), 403);
    expect((await cloud.fetch(`/agencies/${DESK}/dossiers`, { token: owner })).status).toBe(401);
    const own = await cloud.fetch(`/agencies/${DESK}/dossiers?status=submitted&limit=100`, { token: officer });
    expect(own.status).toBe(200);
    expect(own.json.items.map((d: { code: string }) => d.code)).toContain(code);
  });

  test('the public lookup tells the status only to whoever has the ID number', async () => {
    const right = await cloud.fetch(`/public/dossiers/${code}?idNumber=${OWNER}`);
    expect(right.status).toBe(200);
    expect(right.json).toEqual({
      code,
      procedureCode: PROCEDURE,
      procedureName: 'Thủ tục thử nghiệm hồ sơ',
      agencyCode: DESK,
      status: 'submitted',
      nationalStatusCode: 1,
      submittedAt: expect.any(String),
    });
    const wrong = await cloud.fetch(`/public/dossiers/${code}?idNumber=${STRANGER}`);
    expectProblem(wrong, 404);
    const unknown = await cloud.fetch(`/public/dossiers/${DESK}-260309-9999?idNumber=${OWNER}`);
    expectProblem(unknown, 404);
    expect(wrong.json.detail).toBe(unknown.json.detail);
    expectProblem(await cloud.fetch(`/public/dossiers/not-a-code?idNumber=${OWNER}`), 404);
  });
});

describe('lists', () => {
  test('the work queue is ordered by appointment, pages with a cursor, filters by status and due date', async () => {
    // Three dossiers received on three days at another agency (so that other tests' dossiers do not interleave).
    const codes: string[] = [];
    for (const [day, hour] of [
      ['2026-03-12', '09:00'],
      ['2026-03-10', '09:00'],
      ['2026-03-11', '09:00'],
    ] as const) {
      await setClock(`${day}T${hour}:00+07:00`);
      const { code } = await submitted({ agencyCode: OTHER_AGENCY });
      await acted(code, otherOfficial, 1, { type: 'receive' });
      codes.push(code);
    }
    const [thursday, tuesday, wednesday] = codes as [string, string, string];

    await setClock('2026-03-16T09:00:00+07:00'); // the next Monday: Tuesday's dossier (due Friday) is overdue
    const first = await cloud.fetch(`/agencies/${OTHER_AGENCY}/dossiers?limit=2`, { token: otherOfficial });
    expect(first.status, first.text).toBe(200);
    expect(first.json.items.map((d: { code: string }) => d.code)).toEqual([tuesday, wednesday]);
    expect(first.json.items[0]).toMatchObject({ status: 'received', timeliness: 'in_progress_overdue' });
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await cloud.fetch(
      `/agencies/${OTHER_AGENCY}/dossiers?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`,
      { token: otherOfficial },
    );
    expect(second.json.items.map((d: { code: string }) => d.code)).toEqual([thursday]);
    expect(second.json.nextCursor).toBeUndefined();

    // Appointments: Tue → Fri 13th, Wed → Mon 16th, Thu → Tue 17th (09:00 each).
    const dueBefore = await cloud.fetch(`/agencies/${OTHER_AGENCY}/dossiers?dueBefore=2026-03-16T10:00:00%2B07:00`, {
      token: otherOfficial,
    });
    expect(dueBefore.json.items.map((d: { code: string }) => d.code)).toEqual([tuesday, wednesday]);
    const byDate = await cloud.fetch(`/agencies/${OTHER_AGENCY}/dossiers?dueBefore=2026-03-16`, {
      token: otherOfficial,
    });
    expect(byDate.json.items.map((d: { code: string }) => d.code)).toEqual([tuesday]);

    await acted(wednesday, otherOfficial, 2, { type: 'start-processing' });
    const processing = await cloud.fetch(`/agencies/${OTHER_AGENCY}/dossiers?status=processing`, {
      token: otherOfficial,
    });
    expect(processing.json.items.map((d: { code: string }) => d.code)).toEqual([wednesday]);

    const tampered = await cloud.fetch(`/agencies/${OTHER_AGENCY}/dossiers?cursor=eyJwayI6IngifQ`, {
      token: otherOfficial,
    });
    expectProblem(tampered, 400);
  });

  test("a citizen's own dossiers come newest first", async () => {
    const citizen = '001188000777';
    const token = await cloud.token({ sub: citizen, roles: ['citizen'] });
    const applicant = { idNumber: citizen, fullName: 'Võ Văn Em' };
    const codes: string[] = [];
    for (const at of ['2026-03-17T08:00:00+07:00', '2026-03-17T09:00:00+07:00', '2026-03-18T08:00:00+07:00']) {
      await setClock(at);
      const res = await submit(submission({ applicant }), { token });
      expect(res.status, res.text).toBe(201);
      codes.push(res.json.code);
    }
    const page = await cloud.fetch('/me/dossiers?limit=2', { token });
    expect(page.json.items.map((d: { code: string }) => d.code)).toEqual([codes[2], codes[1]]);
    const rest = await cloud.fetch(`/me/dossiers?limit=2&cursor=${encodeURIComponent(page.json.nextCursor)}`, {
      token,
    });
    expect(rest.json.items.map((d: { code: string }) => d.code)).toEqual([codes[0]]);
  });
});
