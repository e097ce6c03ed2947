/**
 * A national re-sync (POST /sync/resyncs, issue #15), with dossiers built through the real HTTP flow and received
 * by the stand-in portal (packages/local-cloud/src/national-portal/sync-receiver.ts). What the portal acknowledged
 * goes out again once a re-sync marks it, and only for the range asked; a second identical request is the same
 * job and sends nothing twice; a dossier whose newer version is pending gets that version (its current record),
 * once; bad ranges are 400s that change nothing; only the province's admin may ask. The sweep is run by hand
 * (POST /dev/schedules/reporting-sync-retry-sweep) on a moved clock: it marks, then re-sends.
 *
 * May 2026, one procedure at two agencies:
 *   A1 Sở Tư pháp, received Mon 05-11 10:00       A2 Sở Tư pháp, received Wed 05-20 09:00
 *   B1 Công an tỉnh, received Mon 05-11 10:05     C1 Sở Tư pháp, submitted 05-11, never received
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { simpleProcedure } from '#test/support/procedures.ts';

const DESK = '000.00.15.H19';
const OTHER = '000.00.11.H19';
const PROCEDURE = '1.999003';
const OWNER = '001099012345';

const AGENCIES = [
  { code: '000.00.00.H19', name: { vi: 'Ủy ban nhân dân tỉnh Đồng Nai' }, level: 'province', active: true },
  {
    code: DESK,
    name: { vi: 'Sở Tư pháp tỉnh Đồng Nai' },
    level: 'province',
    parentCode: '000.00.00.H19',
    active: true,
  },
  { code: OTHER, name: { vi: 'Công an tỉnh Đồng Nai' }, level: 'province', parentCode: '000.00.00.H19', active: true },
];

let cloud: TestCloud;
let owner: string;
let officer: string;
let otherOfficer: string;
let admin: string;
let agencyAdmin: string;
const codes: Record<'A1' | 'A2' | 'B1' | 'C1', string> = { A1: '', A2: '', B1: '', C1: '' };
const versions: Record<string, number> = {};

beforeAll(async () => {
  cloud = await startTestCloud();
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'], name: 'Lê Thị Hoa' });
  for (const agency of AGENCIES) {
    const put = await cloud.fetch(`/agencies/${agency.code}`, { method: 'PUT', token: admin, body: agency });
    if (put.status >= 300) throw new Error(`could not put agency ${agency.code}: ${put.text}`);
  }
  const procedure = simpleProcedure({
    agencyCodes: [DESK, OTHER],
    validFrom: '2026-01-01',
    name: { vi: 'Thủ tục thử nghiệm đồng bộ lại', en: 'Re-sync test procedure' },
  });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, { method: 'PUT', token: admin, body: procedure });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: 'Phạm Thị Dung' });
  officer = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: DESK, name: 'Nguyễn Văn An' });
  otherOfficer = await cloud.token({ sub: 'officer-2', roles: ['officer'], agencyCode: OTHER, name: 'Trần Văn Bình' });
  agencyAdmin = await cloud.token({ sub: 'admin-2', roles: ['admin'], agencyCode: DESK });
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

async function setClock(localIso: string): Promise<void> {
  expect((await cloud.fetch('/dev/clock', { method: 'POST', body: { now: localIso } })).status).toBe(200);
}

async function submit(agencyCode: string): Promise<string> {
  const res = await cloud.fetch('/dossiers', {
    method: 'POST',
    token: owner,
    headers: { 'idempotency-key': `key-${randomUUID()}` },
    body: {
      procedureCode: PROCEDURE,
      agencyCode,
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

async function act(code: string, token: string, action: Record<string, unknown>): Promise<void> {
  const res = await cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token,
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

interface Received {
  records: { seq: number; record: Record<string, string> }[];
  progress: { seq: number; step: Record<string, string> }[];
}

async function received(code: string): Promise<Received> {
  const res = await cloud.fetch(`/dev/national-portal/sync/records/${code}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

/** How many dossier records and progress steps the portal holds of each dossier. */
async function tally(): Promise<Record<string, { records: number; progress: number }>> {
  const entries = await Promise.all(
    Object.values(codes).map(async (code) => {
      const r = await received(code);
      return [code, { records: r.records.length, progress: r.progress.length }] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function sweep(): Promise<Record<string, unknown>> {
  const res = await cloud.fetch('/dev/schedules/reporting-sync-retry-sweep', { method: 'POST' });
  expect(res.status, res.text).toBe(200);
  return res.json.result;
}

const startResync = (body: unknown, token = admin, language = 'vi') =>
  cloud.fetch('/sync/resyncs', { token, body, headers: { 'accept-language': language } });
const resync = (id: string, token = admin) => cloud.fetch(`/sync/resyncs/${id}`, { token });
const syncStatus = (code: string) => cloud.fetch(`/sync/status?code=${code}`, { token: admin });

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const NOTHING_PENDING = { overdue: 0, attempted: 0, synced: 0, failed: 0 };

describe('a national re-sync', () => {
  test('the dossiers are on the portal, every version acknowledged', async () => {
    await setClock('2026-05-11T09:00:00+07:00');
    codes.A1 = await submit(DESK);
    codes.A2 = await submit(DESK);
    codes.B1 = await submit(OTHER);
    codes.C1 = await submit(DESK);
    await setClock('2026-05-11T10:00:00+07:00');
    await act(codes.A1, officer, { type: 'receive' });
    await setClock('2026-05-11T10:05:00+07:00');
    await act(codes.B1, otherOfficer, { type: 'receive' });
    await setClock('2026-05-20T09:00:00+07:00');
    await act(codes.A2, officer, { type: 'receive' });
    await cloud.settle();
    for (const code of Object.values(codes)) {
      const status = await syncStatus(code);
      expect(status.json, code).toMatchObject({ status: 'synced', lastSyncedSequence: versions[code] });
    }
    expect(await tally()).toEqual({
      [codes.A1]: { records: 2, progress: 2 },
      [codes.A2]: { records: 2, progress: 2 },
      [codes.B1]: { records: 2, progress: 2 },
      [codes.C1]: { records: 1, progress: 1 },
    });
  });

  test('only the province’s admin may ask or look: officials and an agency’s admin 403, no token 401', async () => {
    const body = { scope: 'all', reason: 'Thử phân quyền' };
    expect((await startResync(body, officer)).status).toBe(403);
    expect((await startResync(body, owner)).status).toBe(403);
    const byAgencyAdmin = await startResync(body, agencyAdmin, 'en');
    expect(byAgencyAdmin.status).toBe(403);
    expect(byAgencyAdmin.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(byAgencyAdmin.json.detail).toMatch(/province's administrator/);
    expect((await cloud.fetch('/sync/resyncs', { body })).status).toBe(401);
    expect((await resync(randomUUID(), officer)).status).toBe(403);
    const unknown = await resync(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('bad ranges are 400 problems (vi/en) and change nothing', async () => {
    const before = await tally();
    const bad: [unknown, string][] = [
      [{ scope: 'received', receivedFrom: '2026-05-31', receivedTo: '2026-05-01', reason: 'Đảo ngược' }, 'receivedTo'],
      [{ scope: 'received', receivedFrom: '2026-02-30', receivedTo: '2026-03-01', reason: 'Ngày sai' }, 'receivedFrom'],
      [{ scope: 'received', receivedFrom: '2026-05-01', reason: 'Thiếu ngày cuối' }, 'receivedTo'],
      [{ scope: 'all', receivedFrom: '2026-05-01', reason: 'Ngày với all' }, 'receivedFrom'],
      [{ scope: 'all', agencyCode: 'Sở Tư pháp', reason: 'Mã cơ quan sai' }, 'agencyCode'],
      [{ scope: 'all' }, 'reason'],
      [{ scope: 'everything', reason: 'Phạm vi lạ' }, 'scope'],
      [{ scope: 'all', reason: 'Trường lạ', force: true }, ''],
    ];
    for (const [body, field] of bad) {
      const res = await startResync(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.json.title).toBe('Dữ liệu không hợp lệ');
      expect(JSON.stringify(res.json.errors), JSON.stringify(body)).toContain(field);
    }
    const english = await startResync(bad[0]![0], admin, 'en');
    expect(english.json).toMatchObject({ status: 400, title: 'Invalid request' });

    await setClock('2026-06-01T09:00:00+07:00');
    expect(await sweep()).toEqual(NOTHING_PENDING);
    await setClock('2026-06-01T09:05:00+07:00');
    expect(await sweep()).toEqual(NOTHING_PENDING);
    expect(await tally()).toEqual(before);
  });

  test('a range sends again only its acknowledged dossiers, once; an identical request is the same job', async () => {
    const before = await tally();
    const beforeA1 = await received(codes.A1);
    await setClock('2026-06-01T10:00:00+07:00');
    const body = {
      scope: 'received',
      receivedFrom: '2026-05-11',
      receivedTo: '2026-05-11',
      agencyCode: DESK,
      reason: 'Cổng DVCQG mất hồ sơ ngày 11/5 của Sở Tư pháp',
    };
    const started = await startResync(body);
    expect(started.status, started.text).toBe(202);
    expect(started.headers.get('x-resync-created')).toBe('true');
    expect(started.headers.get('location')).toBe(`/sync/resyncs/${started.json.id}`);
    expect(started.json).toMatchObject({
      status: 'marking',
      range: { scope: 'received', receivedFrom: '2026-05-11', receivedTo: '2026-05-11', agencyCode: DESK },
      reason: body.reason,
      requestedBy: { sub: 'admin-1', name: 'Lê Thị Hoa' },
      markingFinishedAt: null,
      counts: { scanned: 0, marked: 0, pushed: 0 },
    });
    const again = await startResync(body);
    expect(again.status, again.text).toBe(202);
    expect(again.headers.get('x-resync-created')).toBe('false');
    expect(again.json.id).toBe(started.json.id);

    // The sweep marks (the re-send is due after the sweep's grace); nothing is sent yet.
    expect(await sweep()).toEqual({ ...NOTHING_PENDING, marking: { jobs: 1, pages: 1, marked: 1 } });
    const marked = await resync(started.json.id);
    expect(marked.status).toBe(200);
    expect(marked.json).toMatchObject({
      status: 'pushing',
      counts: { scanned: 4, matched: 1, marked: 1, alreadyMarked: 0, notSynced: 0, unavailable: 0, pushed: 0 },
    });
    expect(marked.json.markingFinishedAt).toEqual(expect.any(String));
    expect((await syncStatus(codes.A1)).json).toMatchObject({
      status: 'pending',
      lastSyncedSequence: versions[codes.A1],
      pendingSequence: versions[codes.A1],
    });
    expect(await tally()).toEqual(before);

    await setClock('2026-06-01T10:05:00+07:00');
    // Re-sends are the sweep's second page: not in the overdue backlog the alarm watches.
    expect(await sweep()).toEqual({ ...NOTHING_PENDING, resent: { attempted: 1, synced: 1, failed: 0 } });
    const done = await resync(started.json.id);
    expect(done.json).toMatchObject({ status: 'completed', counts: { marked: 1, pushed: 1, failed: 0 } });
    expect((await syncStatus(codes.A1)).json).toMatchObject({
      status: 'synced',
      lastSyncedSequence: versions[codes.A1],
      pendingSequence: null,
    });

    // A1's current record once more, as an update; no progress step replayed; nobody else touched.
    expect(await tally()).toEqual({
      ...before,
      [codes.A1]: { records: before[codes.A1]!.records + 1, progress: before[codes.A1]!.progress },
    });
    const a1 = await received(codes.A1);
    const { isUpdating: _flag, ...resent } = a1.records.at(-1)!.record;
    const { isUpdating: _before, ...original } = beforeA1.records.at(-1)!.record;
    expect(a1.records.at(-1)!.record.isUpdating).toBe('1');
    expect(resent).toEqual(original);

    // Nothing more goes out: the mark is gone, and asking again while nothing is marking makes a new job only.
    await setClock('2026-06-01T10:10:00+07:00');
    expect(await sweep()).toEqual(NOTHING_PENDING);
    expect((await tally())[codes.A1]!.records).toBe(before[codes.A1]!.records + 1);
  });

  test('all: a dossier with a newer version pending gets that version once; the others their current record', async () => {
    process.env.NATIONAL_PORTAL_RETRY_BASE_SECONDS = '1';
    process.env.NATIONAL_PORTAL_RETRY_MAX_SECONDS = '2';
    const before = await tally();
    await outage(true);
    await setClock('2026-06-02T09:00:00+07:00');
    await act(codes.A2, officer, { type: 'start-processing' });
    const failing = await waitFor(
      () => syncStatus(codes.A2),
      (res) => res.json?.pendingSequence === versions[codes.A2] && res.json?.attempts >= 1,
    );
    expect(failing.json).toMatchObject({ status: 'retrying', pendingSequence: versions[codes.A2] });

    const started = await startResync({ scope: 'all', reason: 'Ngày đầu trên AWS: đồng bộ lại toàn bộ' });
    expect(started.status, started.text).toBe(202);
    expect(started.headers.get('x-resync-created')).toBe('true');
    const marking = (await sweep()).marking;
    expect(marking).toEqual({ jobs: 1, pages: 1, marked: 4 });
    expect((await resync(started.json.id)).json).toMatchObject({
      status: 'pushing',
      counts: { scanned: 4, matched: 4, marked: 4, failed: 1, pushed: 0 },
    });
    // A2 stays pending for its newer version: the re-sync did not move it back.
    expect((await syncStatus(codes.A2)).json).toMatchObject({ pendingSequence: versions[codes.A2] });

    await outage(false);
    await setClock('2026-06-02T12:00:00+07:00');
    const swept = await sweep();
    expect(swept.resent).toEqual({ attempted: 3, synced: 3, failed: 0 });
    await cloud.settle();

    expect((await resync(started.json.id)).json).toMatchObject({
      status: 'completed',
      counts: { marked: 4, pushed: 4, failed: 0, dropped: 0 },
    });
    const after = await tally();
    for (const code of [codes.A1, codes.B1, codes.C1]) {
      expect(after[code], code).toEqual({ records: before[code]!.records + 1, progress: before[code]!.progress });
    }
    // A2: its new version only (record and step), not the old record besides.
    expect(after[codes.A2]).toEqual({
      records: before[codes.A2]!.records + 1,
      progress: before[codes.A2]!.progress + 1,
    });
    expect((await received(codes.A2)).records.at(-1)!.record.TrangThaiHoSo).toBe('4');
    for (const code of Object.values(codes)) {
      expect((await syncStatus(code)).json, code).toMatchObject({
        status: 'synced',
        lastSyncedSequence: versions[code],
      });
    }
  });
});
