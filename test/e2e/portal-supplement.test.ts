/**
 * Supplementation given on the national portal (DVCQG), through HTTP on the local cloud (#12): a dossier
 * forwarded from the stand-in portal is received and processed; the official asks for a supplement; the province
 * syncs the request to the portal (DanhSachHoSoBoSung, TrangThaiBoSung 0); the citizen answers it on the stand-in
 * with a document, which the stand-in forwards to `POST /portal/dvcqg/supplements`. The dossier is back in
 * processing with the new document, the appointment moved by the paused office time. A re-sent identical round
 * changes nothing, a changed one is a kept conflict; a round for a dossier not waiting for one, a round for a
 * dossier motcua does not hold, and a round whose file the portal cannot serve are held on the needs-attention
 * list with the reason (retried or refused there); the pull mode takes a round in like a push.
 *
 * The clock is moved to office hours of a working day (Wednesday 2 December 2026) so the pause has office time.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19';
const PROCEDURE = '1.999301';
const CITIZEN = '001099066666';
const INTAKE_KEY = 'Bearer dev-dvcqg-intake-token';

const TEST_PROCEDURE = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm bổ sung qua Cổng DVCQG', en: 'National portal supplementation test procedure' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [DESK],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 3 },
  payBeforeReception: false,
  fees: [],
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
const png = (fill: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, fill)]);
const pngFile = (fill: number) => ({
  name: `anh-${fill}.png`,
  contentType: 'image/png',
  requirementCode: 'ANH',
  base64: png(fill).toString('base64'),
});

let cloud: TestCloud;
let admin: string;
let officer: string;
let nationalId = '';
let code = '';
let version = 0;

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function setClock(localIso: string): Promise<void> {
  const res = await cloud.fetch('/dev/clock', { method: 'POST', body: { now: localIso } });
  expect(res.status).toBe(200);
}

const dossier = async () => {
  const res = await cloud.fetch(`/dossiers/${code}`, { token: officer });
  expect(res.status).toBe(200);
  version = Number(JSON.parse(res.headers.get('etag')!));
  return res.json;
};

async function act(action: Record<string, unknown>): Promise<void> {
  const res = await cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token: officer,
    body: action,
    headers: { 'if-match': `"${version}"` },
  });
  expect(res.status, res.text).toBe(200);
  version = res.json.version;
}

/** The official asks for a supplement; waits until the province's record with the open round reached the portal. */
async function requestSupplement(reason: string): Promise<string> {
  await act({ type: 'request-supplement', reason });
  const synced = await waitFor(
    async () => (await cloud.fetch(`/dev/national-portal/sync/records/${encodeURIComponent(nationalId)}`)).json,
    (json) =>
      (json?.records?.at(-1)?.record?.DanhSachHoSoBoSung ?? []).some(
        (r: { NoiDungBoSung: string; TrangThaiBoSung: string }) =>
          r.NoiDungBoSung === reason && r.TrangThaiBoSung === '0',
      ),
  );
  const round = (synced.records.at(-1).record.DanhSachHoSoBoSung as { HoSoBoSungId: string; NoiDungBoSung: string }[])
    .filter((r) => r.NoiDungBoSung === reason)
    .at(-1)!;
  return round.HoSoBoSungId;
}

/** The citizen answers on the stand-in portal; the stand-in's view of the round (with motcua's answers). */
async function supplementOnPortal(body: Record<string, unknown>) {
  const res = await cloud.fetch(`/dev/national-portal/dossiers/${encodeURIComponent(nationalId)}/supplements`, {
    body,
  });
  expect(res.status, res.text).toBe(201);
  return res.json as {
    roundId: string;
    pending: boolean;
    forwards: { status: number; answer: Record<string, unknown> }[];
  };
}

const forwarded = async (id = nationalId) =>
  (await cloud.fetch(`/portal/forwarded/${encodeURIComponent(id)}`, { token: admin })).json;

const roundState = async (roundId: string) =>
  ((await forwarded()).supplements ?? []).find((s: { supplementId: string }) => s.supplementId === roundId);

const needsAttention = async () =>
  (await cloud.fetch('/portal/forwarded', { token: admin })).json.items as {
    kind: string;
    nationalId: string;
    supplementId?: string;
    dossierCode?: string;
    hold: { code: string; detail: string };
  }[];

const minutesBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;

beforeAll(async () => {
  process.env.NATIONAL_PORTAL_RETRY_BASE_SECONDS = '1';
  process.env.NATIONAL_PORTAL_RETRY_MAX_SECONDS = '2';
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  officer = await cloud.token({ sub: 'officer-bs', roles: ['officer'], agencyCode: DESK, name: 'Phạm Thu Hà' });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: TEST_PROCEDURE,
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  await cloud.settle(90_000);
  const mapped = await cloud.fetch(`/portal/mappings/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: { nationalCode: PROCEDURE },
  });
  if (mapped.status !== 200) throw new Error(`could not map the test procedure: ${mapped.text}`);
}, 180_000);

afterAll(async () => {
  delete process.env.NATIONAL_PORTAL_RETRY_BASE_SECONDS;
  delete process.env.NATIONAL_PORTAL_RETRY_MAX_SECONDS;
  if (cloud) {
    await cloud.fetch('/dev/national-portal/faults', { body: { down: false } });
    await cloud.fetch('/dev/clock', { method: 'DELETE' });
    await cloud.stop();
  }
});

describe('a supplement given on the national portal', { timeout: 180_000 }, () => {
  let firstRound = '';
  let appointmentBefore = '';

  test('the dossier forwarded from DVCQG is received, processed, and a supplement is asked for', async () => {
    await setClock('2026-12-02T08:30:00+07:00'); // Wednesday, office hours
    const submitted = await cloud.fetch('/dev/national-portal/dossiers', {
      body: {
        MaTTHC: PROCEDURE,
        DonViXuLy: DESK,
        ChuHoSo: 'Vũ Thị Bổ Sung',
        SoDinhDanh: CITIZEN,
        DuLieuBieuMau: { hoTen: 'Vũ Thị Bổ Sung' },
        files: [
          {
            name: 'to-khai.pdf',
            contentType: 'application/pdf',
            requirementCode: 'TO_KHAI',
            base64: PDF.toString('base64'),
          },
          pngFile(1),
        ],
      },
    });
    expect(submitted.status, submitted.text).toBe(201);
    nationalId = submitted.json.id;
    const state = await waitFor(forwarded, (f) => f?.status === 'accepted');
    expect(state.status).toBe('accepted');
    code = state.dossierCode;
    await dossier();
    await act({ type: 'receive' });
    await act({ type: 'start-processing' });

    await setClock('2026-12-02T09:00:00+07:00');
    firstRound = await requestSupplement('Ảnh chân dung bị mờ, đề nghị nộp lại');
    expect(firstRound).toBe(`${code}-BS1`);
    const d = await dossier();
    expect(d.status).toBe('supplement_requested');
    appointmentBefore = d.appointmentAt;
    expect(appointmentBefore).toBeTruthy();
  });

  test('answered on the stand-in with a new photo: the dossier is back in processing with it, the appointment moved by the pause', async () => {
    await setClock('2026-12-02T10:00:00+07:00');
    const before = await dossier();
    const oldPhoto = before.documents.find((doc: { requirementCode: string }) => doc.requirementCode === 'ANH');

    const sent = await supplementOnPortal({ files: [pngFile(2)], GhiChu: 'Đã chụp lại ảnh' });
    expect(sent.roundId).toBe(firstRound);
    expect(sent.forwards).toHaveLength(1);
    expect(sent.forwards[0]!.status).toBe(202);
    expect(sent.forwards[0]!.answer).toMatchObject({
      error_code: 0,
      MaHoSo: nationalId,
      HoSoBoSungId: firstRound,
      MaHoSoTinh: code,
    });

    const round = await waitFor(
      () => roundState(firstRound),
      (r) => r?.status === 'accepted',
    );
    expect(round).toMatchObject({ status: 'accepted', via: 'push', attempts: 1 });
    expect(round.files).toEqual([expect.objectContaining({ requirementCode: 'ANH', state: 'verified' })]);

    const after = await waitFor(dossier, (d) => d.status === 'processing');
    expect(after.status).toBe('processing');
    const photo = after.documents.find((doc: { requirementCode: string }) => doc.requirementCode === 'ANH');
    expect(photo.documentId).toBe(round.files[0].documentId);
    expect(photo.documentId).not.toBe(oldPhoto.documentId);
    expect(after.documents.find((doc: { requirementCode: string }) => doc.requirementCode === 'TO_KHAI')).toEqual(
      before.documents.find((doc: { requirementCode: string }) => doc.requirementCode === 'TO_KHAI'),
    );
    // Paused from 09:00 to 10:00 on a working morning: the appointment moves by that hour of office time; the
    // old date is kept.
    expect(after.previousAppointments).toContain(appointmentBefore);
    const moved = minutesBetween(appointmentBefore, after.appointmentAt);
    expect(moved).toBeGreaterThanOrEqual(59);
    expect(moved).toBeLessThanOrEqual(62);
    expect(after.supplements).toEqual([
      expect.objectContaining({ reason: 'Ảnh chân dung bị mờ, đề nghị nộp lại', completedAt: expect.any(String) }),
    ]);
    const entry = after.history.at(-1);
    expect(entry).toMatchObject({ action: 'supplement', from: 'supplement_requested', to: 'processing' });
    expect(entry.by).toMatchObject({ sub: CITIZEN, role: 'citizen' });
    expect(entry.note).toContain(firstRound);
    expect(entry.note).toContain('Đã chụp lại ảnh');

    // The citizen's store holds the new photo; the portal learns the round was supplemented.
    const citizen = await cloud.token({ sub: CITIZEN, roles: ['citizen'] });
    const mine = (await cloud.fetch('/me/documents', { token: citizen })).json.items as { documentId: string }[];
    expect(mine.map((m) => m.documentId)).toContain(photo.documentId);
    const onPortal = await waitFor(
      async () => (await cloud.fetch(`/dev/national-portal/sync/records/${encodeURIComponent(nationalId)}`)).json,
      (json) => json?.records?.at(-1)?.record?.TrangThaiHoSo === '4',
    );
    expect(onPortal.records.at(-1).record.DanhSachHoSoBoSung).toEqual([
      expect.objectContaining({ HoSoBoSungId: firstRound, TrangThaiBoSung: '1' }),
    ]);
  });

  test('re-sent identical, it changes nothing; re-sent changed, it is a kept conflict, not applied', async () => {
    const before = await dossier();
    const again = await cloud.fetch(
      `/dev/national-portal/dossiers/${encodeURIComponent(nationalId)}/supplements/${encodeURIComponent(firstRound)}/forward`,
      { body: {} },
    );
    expect(again.json.status).toBe(202);
    expect(again.json.answer).toMatchObject({ error_code: 0, TrangThaiTiepNhan: 'accepted', MaHoSoTinh: code });
    await cloud.settle(60_000);
    const after = await dossier();
    expect(after.version).toBe(before.version);
    expect(after.documents).toEqual(before.documents);
    expect(after.history).toHaveLength(before.history.length);

    const changed = await cloud.fetch(
      `/dev/national-portal/dossiers/${encodeURIComponent(nationalId)}/supplements/${encodeURIComponent(firstRound)}/forward`,
      { body: { changes: { GhiChu: 'Nội dung khác' } } },
    );
    expect(changed.json.status).toBe(409);
    expect(changed.json.answer.error_code).toBe(409);
    await cloud.settle(60_000);
    expect((await roundState(firstRound)).conflicts).toBe(1);
    expect((await dossier()).version).toBe(before.version);
  });

  test('for a dossier not waiting for one, it is held with the reason and nothing changes; refused, it leaves the list', async () => {
    await setClock('2026-12-02T10:10:00+07:00');
    const before = await dossier();
    expect(before.status).toBe('processing');
    const sent = await supplementOnPortal({ HoSoBoSungId: 'BS-NGOAI-LUONG', files: [pngFile(3)] });
    expect(sent.forwards[0]!.status).toBe(202);
    expect(sent.forwards[0]!.answer).toMatchObject({ error_code: 0, HoSoBoSungId: 'BS-NGOAI-LUONG' });

    const round = await waitFor(
      () => roundState('BS-NGOAI-LUONG'),
      (r) => r?.status === 'needs_attention',
    );
    expect(round.hold.code).toBe('not-awaiting-supplement');
    expect(round.hold.detail).toContain('processing');
    const listed = (await needsAttention()).find((i) => i.supplementId === 'BS-NGOAI-LUONG');
    expect(listed).toMatchObject({
      kind: 'supplement',
      nationalId,
      dossierCode: code,
      hold: { code: 'not-awaiting-supplement' },
    });
    // The agency's official sees it on the list too.
    const theirs = (await cloud.fetch('/portal/forwarded', { token: officer })).json.items as {
      supplementId?: string;
    }[];
    expect(theirs.map((i) => i.supplementId)).toContain('BS-NGOAI-LUONG');

    const after = await dossier();
    expect(after.version).toBe(before.version);
    expect(after.documents).toEqual(before.documents);

    const refused = await cloud.fetch(`/portal/forwarded/${encodeURIComponent(nationalId)}/reject`, {
      token: officer,
      body: { reason: 'Hồ sơ không có yêu cầu bổ sung' },
    });
    expect(refused.status, refused.text).toBe(200);
    expect(refused.json).toMatchObject({
      kind: 'supplement',
      supplementId: 'BS-NGOAI-LUONG',
      status: 'rejected',
      rejection: { reason: 'Hồ sơ không có yêu cầu bổ sung' },
    });
    expect((await needsAttention()).map((i) => i.supplementId)).not.toContain('BS-NGOAI-LUONG');
  });

  test('whose file the portal cannot serve, it is held as unreachable and applied on retry once the portal is back', async () => {
    await setClock('2026-12-02T10:20:00+07:00');
    const secondRound = await requestSupplement('Thiếu trang 2 của tờ khai');
    expect(secondRound).toBe(`${code}-BS2`);
    await setClock('2026-12-02T10:30:00+07:00');
    expect((await cloud.fetch('/dev/national-portal/faults', { body: { down: true } })).status).toBe(200);
    try {
      await supplementOnPortal({
        files: [
          {
            name: 'to-khai-2.pdf',
            contentType: 'application/pdf',
            requirementCode: 'TO_KHAI',
            base64: Buffer.concat([PDF, Buffer.from('% trang 2\n')]).toString('base64'),
          },
        ],
      });
    } finally {
      await cloud.fetch('/dev/national-portal/faults', { body: { down: false } });
    }
    const held = await roundState(secondRound);
    expect(held.status).toBe('needs_attention');
    expect(held.hold.code).toBe('file-unreachable');
    expect((await needsAttention()).find((i) => i.supplementId === secondRound)?.hold.code).toBe('file-unreachable');
    expect((await dossier()).status).toBe('supplement_requested');

    const retried = await cloud.fetch(`/portal/forwarded/${encodeURIComponent(nationalId)}/retry`, {
      token: officer,
      body: {},
    });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toMatchObject({ kind: 'supplement', supplementId: secondRound, status: 'awaiting_documents' });
    const round = await waitFor(
      () => roundState(secondRound),
      (r) => r?.status === 'accepted',
    );
    expect(round.attempts).toBe(2);
    const after = await waitFor(dossier, (d) => d.status === 'processing');
    expect(
      after.documents.find((doc: { requirementCode: string }) => doc.requirementCode === 'TO_KHAI').documentId,
    ).toBe(round.files[0].documentId);
  });

  test('pulled from the portal, a round is taken in like a push and confirmed', async () => {
    await setClock('2026-12-02T11:00:00+07:00');
    const thirdRound = await requestSupplement('Ảnh cần nền trắng');
    const sent = await supplementOnPortal({ files: [pngFile(4)], delivery: 'pull' });
    expect(sent).toMatchObject({ roundId: thirdRound, pending: true, forwards: [] });
    const run = await cloud.fetch('/dev/schedules/portal-pull-forwarded', { body: {} });
    expect(run.status).toBe(200);
    expect(run.json.result.supplements).toMatchObject({ offered: 1, takenIn: 1 });
    const round = await waitFor(
      () => roundState(thirdRound),
      (r) => r?.status === 'accepted',
    );
    expect(round.via).toBe('pull');
    expect((await waitFor(dossier, (d) => d.status === 'processing')).status).toBe('processing');
    const onPortal = await cloud.fetch(`/dev/national-portal/dossiers/${encodeURIComponent(nationalId)}`);
    expect(onPortal.json.supplements.find((s: { roundId: string }) => s.roundId === thirdRound).pending).toBe(false);
  });
});

describe('the supplement door', () => {
  const round = {
    MaHoSo: 'G22-KHONG-CO',
    HoSoBoSungId: 'G22-KHONG-CO-BS1',
    TrangThaiBoSung: '1',
    DanhSachGiayToBoSung: [],
  };

  test('a round for a dossier motcua does not hold is held as unknown-dossier, on the list', async () => {
    const res = await cloud.fetch('/portal/dvcqg/supplements', { body: round, headers: { authorization: INTAKE_KEY } });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({
      error_code: 0,
      MaHoSo: round.MaHoSo,
      HoSoBoSungId: round.HoSoBoSungId,
      TrangThaiTiepNhan: 'needs_attention',
      MaHoSoTinh: '',
    });
    const listed = (await needsAttention()).find((i) => i.supplementId === round.HoSoBoSungId);
    expect(listed).toMatchObject({ kind: 'supplement', nationalId: round.MaHoSo, hold: { code: 'unknown-dossier' } });
    expect(listed!.hold.detail).toContain(round.MaHoSo);
    // The same round again: the same answer, still one entry.
    const again = await cloud.fetch('/portal/dvcqg/supplements', {
      body: round,
      headers: { authorization: INTAKE_KEY },
    });
    expect(again.status).toBe(202);
    expect((await needsAttention()).filter((i) => i.supplementId === round.HoSoBoSungId)).toHaveLength(1);
  });

  test.each([
    ['no credential', undefined],
    ['a wrong credential', 'Bearer not-the-key'],
  ])('refuses %s with 401 problem+json and changes nothing', async (_what, authorization) => {
    const other = { ...round, HoSoBoSungId: 'G22-AUTH-BS1' };
    const res = await cloud.fetch('/portal/dvcqg/supplements', {
      body: other,
      ...(authorization ? { headers: { authorization } } : {}),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await needsAttention()).map((i) => i.supplementId)).not.toContain('G22-AUTH-BS1');
  });

  test('answers 400 problem+json for a round without HoSoBoSungId', async () => {
    const res = await cloud.fetch('/portal/dvcqg/supplements', {
      body: { MaHoSo: 'G22-KHONG-CO' },
      headers: { authorization: INTAKE_KEY },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
