/**
 * The national portal as the front door, walked end to end on the local cloud: a citizen submits on the stand-in
 * DVCQG (two files); the dossier appears in the agency's queue; an official receives it, starts processing, asks
 * for a supplement (the citizen supplements), asks for payment (paid on the stand-in's national payment platform
 * by the lookup code the province sent in the dossier record), resolves it
 * during a portal outage, and returns it. The stand-in holds every dossier record and progress step, in order,
 * under the portal's own dossier id, with the national status codes and `yyyyMMddHHmmss` GMT+7 dates of the
 * dossier's own history; the outage loses nothing and the sync catches up.
 *
 * Here the supplement is given through motcua's API (the owner's route); a supplement given on the stand-in portal
 * and forwarded to the province is test/e2e/portal-supplement.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19';
const PROCEDURE = '1.999201';
const CITIZEN = '001099088888';
const FEE = 30_000;

const WALK_PROCEDURE = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm đi hết vòng đời qua Cổng DVCQG', en: 'National portal walk test procedure' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [DESK],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 3 },
  payBeforeReception: false,
  fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí thử nghiệm', amount: FEE }],
  requirements: [
    {
      code: 'TO_KHAI',
      name: { vi: 'Tờ khai', en: 'Form' },
      required: true,
      contentTypes: ['application/pdf'],
      maxBytes: 1_000_000,
    },
    { code: 'ANH', name: { vi: 'Ảnh', en: 'Photo' }, required: true, contentTypes: ['image/png'], maxBytes: 1_000_000 },
  ],
  formSchema: {
    type: 'object',
    properties: { hoTen: { type: 'string', title: 'Họ tên', minLength: 1, maxLength: 100 } },
    required: ['hoTen'],
    additionalProperties: false,
  },
  resultType: 'electronic',
};

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 9)]);

let cloud: TestCloud;
let admin: string;
let officer: string;
let citizen: string;
let nationalId = '';
let code = '';
let version = 0;

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function act(action: Record<string, unknown>, token = officer, path = 'actions'): Promise<void> {
  const res = await cloud.fetch(`/dossiers/${code}/${path}`, {
    method: 'POST',
    token,
    body: action,
    headers: { 'if-match': `"${version}"` },
  });
  expect(res.status, res.text).toBe(200);
  version = res.json.version;
}

interface Received {
  records: { seq: number; record: Record<string, string> }[];
  progress: { seq: number; step: Record<string, string> }[];
}
const onPortal = async (): Promise<Received> =>
  (await cloud.fetch(`/dev/national-portal/sync/records/${encodeURIComponent(nationalId)}`)).json;
const syncState = () => cloud.fetch(`/sync/status?code=${code}`, { token: officer });
const synced = () =>
  waitFor(syncState, (res) => res.json?.status === 'synced' && res.json.lastSyncedSequence === version);

beforeAll(async () => {
  process.env.NATIONAL_PORTAL_RETRY_BASE_SECONDS = '1';
  process.env.NATIONAL_PORTAL_RETRY_MAX_SECONDS = '2';
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  officer = await cloud.token({
    sub: 'officer-walk',
    roles: ['officer'],
    agencyCode: DESK,
    name: 'Trần Thị Hoa',
    title: 'Chuyên viên',
  });
  citizen = await cloud.token({ sub: CITIZEN, roles: ['citizen'], name: 'Đỗ Văn Cổng' });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: WALK_PROCEDURE,
  });
  if (published.status >= 300) throw new Error(`could not publish the walk procedure: ${published.text}`);
  await cloud.settle();
  const mapped = await cloud.fetch(`/portal/mappings/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: { nationalCode: PROCEDURE },
  });
  if (mapped.status !== 200) throw new Error(`could not map the walk procedure: ${mapped.text}`);
}, 120_000);

afterAll(async () => {
  delete process.env.NATIONAL_PORTAL_RETRY_BASE_SECONDS;
  delete process.env.NATIONAL_PORTAL_RETRY_MAX_SECONDS;
  await cloud?.fetch('/dev/national-portal/faults', { body: { down: false } });
  await cloud?.stop();
});

describe('a dossier from DVCQG, walked to its return', () => {
  test('submitted on the stand-in with two files, it appears in the agency queue', async () => {
    const submitted = await cloud.fetch('/dev/national-portal/dossiers', {
      body: {
        MaTTHC: PROCEDURE,
        DonViXuLy: DESK,
        ChuHoSo: 'Đỗ Văn Cổng',
        SoDinhDanh: CITIZEN,
        DuLieuBieuMau: { hoTen: 'Đỗ Văn Cổng' },
        files: [
          {
            name: 'to-khai.pdf',
            contentType: 'application/pdf',
            requirementCode: 'TO_KHAI',
            base64: PDF.toString('base64'),
          },
          { name: 'anh.png', contentType: 'image/png', requirementCode: 'ANH', base64: PNG.toString('base64') },
        ],
      },
    });
    expect(submitted.status, submitted.text).toBe(201);
    nationalId = submitted.json.id;
    const state = await waitFor(
      async () => (await cloud.fetch(`/portal/forwarded/${encodeURIComponent(nationalId)}`, { token: admin })).json,
      (value) => value?.status === 'accepted',
    );
    expect(state.status).toBe('accepted');
    code = state.dossierCode;
    const queue = await cloud.fetch(`/agencies/${DESK}/dossiers`, { token: officer });
    expect(queue.json.items.map((d: { code: string }) => d.code)).toContain(code);
    const dossier = await cloud.fetch(`/dossiers/${code}`, { token: officer });
    expect(dossier.json).toMatchObject({ status: 'submitted', source: 'dvcqg', nationalDossierId: nationalId });
    expect(dossier.json.documents).toHaveLength(2);
    version = Number(JSON.parse(dossier.headers.get('etag')!));
    await synced();
  });

  test('received, processed, supplemented and paid: every step reaches the portal as it happens', async () => {
    await act({ type: 'receive' });
    await act({ type: 'start-processing' });
    await act({ type: 'request-supplement', reason: 'Ảnh chưa rõ' });
    await act({}, citizen, 'supplement');
    await act({ type: 'request-payment' });
    await synced();

    // The portal learnt the dossier's lookup code from the records; the citizen pays by it on the platform.
    const lookupCode = (await onPortal()).records.at(-1)!.record.MaTraCuuTT!;
    expect(lookupCode).toMatch(/^TT[0-9A-Z]{16}$/);
    const paid = await cloud.fetch('/dev/national-portal/payments/pay', {
      method: 'POST',
      body: { MaTraCuuTT: lookupCode, choice: 'pay', KenhThanhToan: 'VNPAY' },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.json.bill.data).toMatchObject({ MaHoSo: nationalId, TongTien: String(FEE) });
    expect(paid.json.confirmation.answer.error_code).toBe('0');
    const afterPayment = await waitFor(
      () => cloud.fetch(`/dossiers/${code}`, { token: officer }),
      (res) => res.json?.paymentStatus === 'paid' && res.json.status === 'processing',
    );
    expect(afterPayment.json.status).toBe('processing');
    version = Number(JSON.parse(afterPayment.headers.get('etag')!));
    await synced();
  });

  test('resolved during a portal outage and returned: nothing is lost, the sync catches up', async () => {
    expect((await cloud.fetch('/dev/national-portal/faults', { body: { down: true } })).status).toBe(200);
    await act({
      type: 'resolve',
      result: {
        number: '15/GCN-TN',
        signer: 'Trần Văn Cường',
        issuedBy: DESK,
        signedAt: new Date().toISOString(),
        electronic: true,
      },
    });
    await act({ type: 'return-result', returnedTo: 'online' });
    const failing = await waitFor(syncState, (res) => res.json?.status === 'retrying');
    expect(failing.json.lastError).toMatch(/HTTP 503/);
    const failures = await cloud.fetch('/sync/failures', { token: admin });
    expect(failures.json.items.map((item: { dossierCode: string }) => item.dossierCode)).toContain(code);

    expect((await cloud.fetch('/dev/national-portal/faults', { body: { down: false } })).status).toBe(200);
    const caughtUp = await synced();
    expect(caughtUp.json).toMatchObject({ status: 'synced', attempts: 0, lastError: null });
  });

  test('the portal holds every status and step in order, national codes, GMT+7 dates of the history', async () => {
    const dossier = await cloud.fetch(`/dossiers/${code}`, { token: officer });
    const history = dossier.json.history as { at: string; to: string }[];
    const national: Record<string, string> = {
      submitted: '1',
      received: '2',
      processing: '4',
      supplement_requested: '5',
      payment_requested: '6',
      resolved: '9',
      returned: '10',
    };
    const portal = await onPortal();
    expect(portal.progress.map((p) => p.step.TrangThai)).toEqual(['1', '2', '4', '5', '4', '6', '4', '9', '10']);
    expect(portal.progress.map((p) => p.step.TrangThai)).toEqual(history.map((h) => national[h.to]));
    // yyyyMMddHHmmss of the GMT+7 wall clock the history records.
    const portalDate = (iso: string) =>
      new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 19).replace(/\D/g, '');
    expect(portal.progress.map((p) => p.step.ThoiDiemXuLy)).toEqual(history.map((h) => portalDate(h.at)));
    expect(portal.progress.every((p) => p.step.MaHoSo === nationalId)).toBe(true);
    expect(portal.progress[1]!.step).toMatchObject({
      NguoiXuLy: 'Trần Thị Hoa',
      ChucDanh: 'Chuyên viên',
      PhongBanXuLy: DESK,
    });

    // One dossier record per version, each before its step, all updates of the portal's own dossier.
    expect(portal.records.map((r) => r.record.TrangThaiHoSo)).toEqual(['1', '2', '4', '5', '4', '6', '4', '9', '10']);
    expect(portal.records.every((r) => r.record.isUpdating === '1' && r.record.MaHoSo === nationalId)).toBe(true);
    for (let i = 0; i < portal.records.length; i++)
      expect(portal.records[i]!.seq).toBeLessThan(portal.progress[i]!.seq);
    const last = portal.records.at(-1)!.record as unknown as Record<string, unknown>;
    expect(last).toMatchObject({ KenhThucHien: '2', MaTTHC: PROCEDURE, DuocThanhToanTrucTuyen: '1' });
    expect(last.TaiLieuNop).toHaveLength(2);
    expect(last.DanhSachHoSoBoSung).toEqual([
      expect.objectContaining({ NoiDungBoSung: 'Ảnh chưa rõ', TrangThaiBoSung: '1' }),
    ]);
    expect(last.DanhSachLePhi).toEqual([expect.objectContaining({ MaPhiLePhi: 'LE_PHI', Gia: String(FEE) })]);
    expect(last.DanhSachGiayToKetQua).toEqual([expect.objectContaining({ MaGiayToKetQua: '15/GCN-TN' })]);
    for (const field of ['NgayNopHoSo', 'NgayTiepNhan', 'NgayHenTra', 'NgayKetThucXuLy', 'NgayTra']) {
      expect(String(last[field]), field).toMatch(/^\d{14}$/);
    }
  });
});
