/**
 * Sync to the national portal, with dossiers built through the real HTTP flow of the dossiers context (citizen
 * submits online, officials act, events travel through the outbox and the bus) and received by the stand-in
 * portal (packages/local-cloud/src/national-portal/sync-receiver.ts: session login, `{service, ...}` calls,
 * error_code answers). While the stand-in is down nothing reaches it, the failures are visible, and once it is
 * back every version of every dossier arrives, in order: its dossier record (DongBoHoSoMC) and its progress step
 * (CapNhatTienDoHoSoMC), with national status codes and GMT+7 `yyyyMMddHHmmss` dates; the share synced (1.4)
 * counts only what the portal acknowledged. Both retry paths are exercised: the sweep (after the backoff, on a
 * moved clock) and SQS redelivery of the failed message; so are an expired session (re-login) and a non-zero
 * error_code in a 200 answer.
 *
 * May 2026, procedure of 3 working days at the Department of Justice:
 *   F1 received Mon 05-11 10:00, processing; later supplementation requested, supplemented, resolved
 *   F2 received Mon 05-11 10:05, resolved Tue 05-12 14:00
 *   F3 submitted and withdrawn before reception
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { simpleProcedure } from '#test/support/procedures.ts';

const DESK = '000.00.15.H19';
const PROCEDURE = '1.999002';
const OWNER = '001099012345';

const PROVINCE_AGENCY = {
  code: '000.00.00.H19',
  name: { vi: 'Ủy ban nhân dân tỉnh Đồng Nai' },
  level: 'province',
  active: true,
};
const DESK_AGENCY = {
  code: DESK,
  name: { vi: 'Sở Tư pháp tỉnh Đồng Nai' },
  level: 'province',
  parentCode: '000.00.00.H19',
  active: true,
};

const TEST_PROCEDURE = simpleProcedure({
  agencyCodes: [DESK],
  validFrom: '2026-01-01',
  name: { vi: 'Thủ tục thử nghiệm đồng bộ', en: 'Sync test procedure' },
});

let cloud: TestCloud;
let owner: string;
let officer: string;
let admin: string;
const codes: Record<'F1' | 'F2' | 'F3', string> = { F1: '', F2: '', F3: '' };
const versions: Record<string, number> = {};

beforeAll(async () => {
  cloud = await startTestCloud();
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  // Only the catalog this file needs (the whole seed fans out to every context and takes longer to settle).
  for (const agency of [PROVINCE_AGENCY, DESK_AGENCY]) {
    const put = await cloud.fetch(`/agencies/${agency.code}`, { method: 'PUT', token: admin, body: agency });
    if (put.status >= 300) throw new Error(`could not put agency ${agency.code}: ${put.text}`);
  }
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: TEST_PROCEDURE,
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: 'Phạm Thị Dung' });
  officer = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: DESK, name: 'Nguyễn Văn An' });
  await cloud.settle();
}, 120_000);

afterAll(async () => {
  delete process.env.NATIONAL_PORTAL_RETRY_BASE_SECONDS;
  delete process.env.NATIONAL_PORTAL_RETRY_MAX_SECONDS;
  if (cloud) {
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

/** A portal date-time (yyyyMMddHHmmss) in that minute: the moved local clock runs on by a few seconds. */
const minuteOf = (yyyyMMddHHmm: string) => expect.stringMatching(new RegExp(`^${yyyyMMddHHmm}\\d{2}$`));

async function setClock(localIso: string): Promise<void> {
  expect((await cloud.fetch('/dev/clock', { method: 'POST', body: { now: localIso } })).status).toBe(200);
}

async function submit(): Promise<string> {
  const res = await cloud.fetch('/dossiers', {
    method: 'POST',
    token: owner,
    headers: { 'idempotency-key': `key-${randomUUID()}` },
    body: {
      procedureCode: PROCEDURE,
      agencyCode: DESK,
      applicant: { idNumber: OWNER, fullName: 'Phạm Thị Dung' },
      formData: { hoTen: 'Phạm Thị Dung' },
      documents: [],
      resultDelivery: 'online',
    },
  });
  expect(res.status, res.text).toBe(201);
  versions[res.json.code] = res.json.version;
  return res.json.code;
}

async function act(code: string, action: Record<string, unknown>): Promise<void> {
  const res = await cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token: officer,
    body: action,
    headers: { 'if-match': `"${versions[code]}"` },
  });
  expect(res.status, res.text).toBe(200);
  versions[code] = res.json.version;
}

async function outage(down: boolean): Promise<void> {
  const res = await cloud.fetch('/dev/national-portal/faults', { method: 'POST', body: { down } });
  expect(res.status, res.text).toBe(200);
}

interface ReceivedDossier {
  code: string;
  records: { seq: number; record: Record<string, string> & { DanhSachHoSoBoSung: unknown[] } }[];
  progress: { seq: number; step: Record<string, string> }[];
  calls: { service: string; error_code: number }[];
}

async function received(code: string): Promise<ReceivedDossier> {
  const res = await cloud.fetch(`/dev/national-portal/sync/records/${code}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

const syncStatus = (code: string) => cloud.fetch(`/sync/status?code=${code}`, { token: officer });

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const indexOfMay = () => cloud.fetch('/reports/index?from=2026-05&to=2026-05', { token: admin });
const indicator = (index: { indicators: { id: string }[] }, id: string) => index.indicators.find((i) => i.id === id);

describe('a national-portal outage', () => {
  test('delays the sync; the failures are visible; nothing reaches the portal', async () => {
    await outage(true);
    await setClock('2026-05-11T09:00:00+07:00'); // Monday
    codes.F1 = await submit();
    codes.F2 = await submit();
    codes.F3 = await submit();
    await setClock('2026-05-11T09:30:00+07:00');
    const withdrawn = await cloud.fetch(`/dossiers/${codes.F3}/withdraw`, { method: 'POST', token: owner, body: {} });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    versions[codes.F3] = withdrawn.json.version;
    await setClock('2026-05-11T10:00:00+07:00');
    await act(codes.F1, { type: 'receive' });
    await setClock('2026-05-11T10:05:00+07:00');
    await act(codes.F2, { type: 'receive' });
    await setClock('2026-05-11T11:00:00+07:00');
    await act(codes.F1, { type: 'start-processing' });
    await act(codes.F2, { type: 'start-processing' });
    await setClock('2026-05-12T14:00:00+07:00'); // Tuesday
    await act(codes.F2, {
      type: 'resolve',
      result: {
        number: '7/GCN-TN',
        signer: 'Trần Văn Cường',
        issuedBy: DESK,
        signedAt: '2026-05-12T14:00:00+07:00',
        electronic: true,
      },
    });
    await cloud.settle(30_000);

    const status = await syncStatus(codes.F1);
    expect(status.status, status.text).toBe(200);
    expect(status.json).toMatchObject({
      dossierCode: codes.F1,
      status: 'retrying',
      lastSyncedSequence: null,
      pendingSequence: versions[codes.F1],
      latestSequence: versions[codes.F1],
    });
    // The login is the first call to fail: the session is taken before the first record.
    expect(status.json.lastError).toMatch(/^HTTP 503 from the national portal/);
    expect(status.json.attempts).toBeGreaterThanOrEqual(1);
    expect(Date.parse(status.json.nextAttemptAt)).toBeGreaterThan(Date.parse('2026-05-12T14:00:00+07:00'));

    const failures = await cloud.fetch('/sync/failures', { token: admin });
    expect(failures.status).toBe(200);
    expect(failures.json.items.map((item: { dossierCode: string }) => item.dossierCode).sort()).toEqual(
      [codes.F1, codes.F2, codes.F3].sort(),
    );
    expect((await cloud.fetch('/dev/national-portal/sync/records')).json.items).toEqual([]);

    const index = (await indexOfMay()).json;
    // F3 was withdrawn before reception: it was never received, so it is not in 1.4 (domain.md).
    expect(indicator(index, '1.4')).toMatchObject({ numerator: 0, denominator: 2, ratio: 0, score: 0 });
  });

  test('once the portal is back, every version of every dossier arrives in order and 1.4 is 1', async () => {
    await outage(false);
    // The retries wait out their backoff (about a minute): move past it and run the sweep.
    await setClock('2026-05-12T16:00:00+07:00');
    const sweep = await cloud.fetch('/dev/schedules/reporting-sync-retry-sweep', { method: 'POST' });
    expect(sweep.status).toBe(200);
    expect(sweep.json.result).toEqual({ overdue: 3, attempted: 3, synced: 3, failed: 0 });
    await cloud.settle(30_000);

    const items = (await cloud.fetch('/dev/national-portal/sync/records')).json.items as {
      code: string;
      status: string;
      records: number;
      progress: number;
      record: { MaTTHC: string; KenhThucHien: string };
    }[];
    const byCode = Object.fromEntries(items.map((item) => [item.code, item]));
    expect(Object.keys(byCode).sort()).toEqual([codes.F1, codes.F2, codes.F3].sort());
    expect(byCode[codes.F1]!.record).toMatchObject({ MaTTHC: PROCEDURE, KenhThucHien: '2' });
    // Every version went out, none superseded: the portal shows progress as a list.
    expect(byCode[codes.F1]).toMatchObject({ status: '4', records: 3, progress: 3 });
    expect(byCode[codes.F2]).toMatchObject({ status: '9', records: 4, progress: 4 });
    expect(byCode[codes.F3]).toMatchObject({ status: '7', records: 2, progress: 2 });

    // In order, record before its step, with the national codes and GMT+7 dates of the moved clock.
    const f2 = await received(codes.F2);
    expect(f2.records.map((r) => r.record.TrangThaiHoSo)).toEqual(['1', '2', '4', '9']);
    expect(f2.records.map((r) => r.record.isUpdating)).toEqual(['0', '1', '1', '1']);
    // To the minute: the local clock runs on from the instant it was set, and a busy machine takes seconds.
    expect(f2.progress.map((p) => [p.step.TrangThai, p.step.ThoiDiemXuLy?.slice(0, 12)])).toEqual([
      ['1', '202605110900'],
      ['2', '202605111005'],
      ['4', '202605111100'],
      ['9', '202605121400'],
    ]);
    for (let i = 0; i < f2.records.length; i++) expect(f2.records[i]!.seq).toBeLessThan(f2.progress[i]!.seq);
    expect(f2.progress[1]!.step).toMatchObject({
      service: 'CapNhatTienDoHoSoMC',
      MaHoSo: codes.F2,
      NguoiXuLy: 'Nguyễn Văn An',
      PhongBanXuLy: DESK,
      NoiDungXuLy: 'Tiếp nhận hồ sơ',
      NgayBatDau: minuteOf('202605111005'),
    });
    expect(f2.progress[1]!.step.NgayKetThucTheoQuyDinh).toMatch(/^202605\d{8}$/);
    const last = f2.records.at(-1)!.record;
    expect(last).toMatchObject({
      service: 'DongBoHoSoMC',
      MaHoSo: codes.F2,
      NgayNopHoSo: minuteOf('202605110900'),
      NgayTiepNhan: minuteOf('202605111005'),
      NgayKetThucXuLy: minuteOf('202605121400'),
      DonViXuLy: DESK,
    });
    expect(last.DanhSachGiayToKetQua).toEqual([
      expect.objectContaining({ MaGiayToKetQua: '7/GCN-TN', NgayKy: '20260512140000' }),
    ]);

    const status = await syncStatus(codes.F2);
    expect(status.json).toMatchObject({
      status: 'synced',
      lastSyncedSequence: versions[codes.F2],
      pendingSequence: null,
      attempts: 0,
      lastError: null,
    });
    expect((await cloud.fetch('/sync/failures', { token: admin })).json.items).toEqual([]);

    const index = (await indexOfMay()).json;
    expect(indicator(index, '1.4')).toMatchObject({ numerator: 2, denominator: 2, ratio: 1, score: 4.5 });
    // The report's synced column is the same acknowledged count (timeliness columns are the timeliness tests').
    const report = await cloud.fetch(`/reports/dossiers?from=2026-05&to=2026-05&procedureCode=${PROCEDURE}`, {
      token: officer,
    });
    expect(report.status, report.text).toBe(200);
    expect(report.json.total).toMatchObject({ received: 2, receivedOnline: 2, withdrawn: 1, synced: 2 });
  });

  test('a failed push is also retried by SQS redelivering its message after the backoff', async () => {
    process.env.NATIONAL_PORTAL_RETRY_BASE_SECONDS = '1';
    process.env.NATIONAL_PORTAL_RETRY_MAX_SECONDS = '2';
    await outage(true);
    await setClock('2026-05-12T16:30:00+07:00');
    await act(codes.F1, { type: 'request-supplement', reason: 'Thiếu giấy tờ' });
    const retrying = await waitFor(
      () => cloud.fetch(`/sync/status?code=${codes.F1}`, { token: officer }),
      (res) => res.json?.attempts >= 2,
    );
    // At least two failed attempts: the first push and a redelivery of its message.
    expect(retrying.json).toMatchObject({ status: 'retrying', pendingSequence: versions[codes.F1] });
    expect(retrying.json.attempts).toBeGreaterThanOrEqual(2);

    await outage(false);
    const synced = await waitFor(
      () => cloud.fetch(`/sync/status?code=${codes.F1}`, { token: officer }),
      (res) => res.json?.status === 'synced',
    );
    expect(synced.json).toMatchObject({ status: 'synced', lastSyncedSequence: versions[codes.F1], attempts: 0 });
    const f1 = await received(codes.F1);
    expect(f1.records.map((r) => r.record.TrangThaiHoSo)).toEqual(['1', '2', '4', '5']);
    expect(f1.records.at(-1)!.record.DanhSachHoSoBoSung).toEqual([
      expect.objectContaining({ NoiDungBoSung: 'Thiếu giấy tờ', NgayBoSung: '20260512163000', TrangThaiBoSung: '0' }),
    ]);
    expect(f1.progress.at(-1)!.step).toMatchObject({
      TrangThai: '5',
      NoiDungXuLy: 'Yêu cầu bổ sung hồ sơ — Thiếu giấy tờ',
    });
  });

  test('an expired session is renewed: the call is answered 401, the client logs in again and the step goes out', async () => {
    const expired = await cloud.fetch('/dev/national-portal/sync/sessions/expire', { method: 'POST' });
    expect(expired.status).toBe(200);
    await setClock('2026-05-12T16:40:00+07:00');
    const supplemented = await cloud.fetch(`/dossiers/${codes.F1}/supplement`, {
      method: 'POST',
      token: owner,
      body: {},
      headers: { 'if-match': `"${versions[codes.F1]}"` },
    });
    expect(supplemented.status, supplemented.text).toBe(200);
    versions[codes.F1] = supplemented.json.version;
    const synced = await waitFor(
      () => syncStatus(codes.F1),
      (res) => res.json?.lastSyncedSequence === versions[codes.F1],
    );
    expect(synced.json).toMatchObject({ status: 'synced', attempts: 0 });
    const f1 = await received(codes.F1);
    // The refused call (no valid session), then the same record accepted after the new login.
    expect(f1.calls.slice(-3).map((c) => [c.service, c.error_code])).toEqual([
      ['DongBoHoSoMC', 401],
      ['DongBoHoSoMC', 0],
      ['CapNhatTienDoHoSoMC', 0],
    ]);
    expect(f1.records.at(-1)!.record.DanhSachHoSoBoSung).toEqual([
      expect.objectContaining({ TrangThaiBoSung: '1', NgayTiepNhanBoSung: '20260512164000' }),
    ]);
  });

  test('a non-zero error_code in a 200 answer is a failure: visible, retried, then acknowledged', async () => {
    const reject = await cloud.fetch('/dev/national-portal/sync/reject', {
      method: 'POST',
      body: { errorCode: 99, count: 1 },
    });
    expect(reject.status, reject.text).toBe(200);
    await setClock('2026-05-12T16:50:00+07:00');
    await act(codes.F1, {
      type: 'resolve',
      result: {
        number: '8/GCN-TN',
        signer: 'Trần Văn Cường',
        issuedBy: DESK,
        signedAt: '2026-05-12T16:50:00+07:00',
        electronic: true,
      },
    });
    const synced = await waitFor(
      () => syncStatus(codes.F1),
      (res) => res.json?.lastSyncedSequence === versions[codes.F1],
    );
    expect(synced.json).toMatchObject({ status: 'synced', attempts: 0, lastError: null });
    const f1 = await received(codes.F1);
    expect(f1.calls.slice(-3).map((c) => [c.service, c.error_code])).toEqual([
      ['DongBoHoSoMC', 99],
      ['DongBoHoSoMC', 0],
      ['CapNhatTienDoHoSoMC', 0],
    ]);
    // Back to processing after the supplement, then resolved.
    expect(f1.progress.map((p) => p.step.TrangThai)).toEqual(['1', '2', '4', '5', '4', '9']);
  });
});
