/**
 * Intake from the national portal (DVCQG) through HTTP on the local cloud: a citizen submits on the stand-in
 * portal, which forwards the dossier (with its files) to motcua's intake door; the files become the applicant's
 * verified documents and the dossier enters the agency's queue (submitted, online, source dvcqg). Re-sends,
 * changed re-sends, unmapped procedures, unreachable files and refused credentials, and the national catalog.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19'; // Sở Tư pháp
const PROCEDURE = '1.999101';
const NATIONAL_CODE = '1.999101';
const CITIZEN = '001099077777';

/** Two required documents (a PDF and a PNG), a one-field form, three working days. */
const TEST_PROCEDURE = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm tiếp nhận từ Cổng DVCQG', en: 'National portal intake test procedure' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [DESK],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 3 },
  payBeforeReception: false,
  fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí thử nghiệm', amount: 20_000 }],
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
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 7)]);

const twoFiles = () => [
  { name: 'to-khai.pdf', contentType: 'application/pdf', requirementCode: 'TO_KHAI', base64: PDF.toString('base64') },
  { name: 'anh.png', contentType: 'image/png', requirementCode: 'ANH', base64: PNG.toString('base64') },
];

let cloud: TestCloud;
let admin: string;
let officer: string;
let citizen: string;

/** Submits on the stand-in portal as a citizen; answers the stand-in's view (with motcua's answer). */
async function submitOnPortal(overrides: Record<string, unknown> = {}) {
  const res = await cloud.fetch('/dev/national-portal/dossiers', {
    body: {
      MaTTHC: NATIONAL_CODE,
      DonViXuLy: DESK,
      ChuHoSo: 'Lê Văn Cổng',
      SoDinhDanh: CITIZEN,
      SoDienThoai: '0912345678',
      DuLieuBieuMau: { hoTen: 'Lê Văn Cổng' },
      files: twoFiles(),
      ...overrides,
    },
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; forwards: { status: number; answer: Record<string, unknown> }[] };
}

async function agencyQueue() {
  const res = await cloud.fetch(`/agencies/${DESK}/dossiers`, { token: officer });
  expect(res.status).toBe(200);
  return res.json.items as { code: string; applicant: { idNumber: string } }[];
}

const forwarded = async (id: string) =>
  (await cloud.fetch(`/portal/forwarded/${encodeURIComponent(id)}`, { token: admin })).json;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  officer = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: DESK });
  citizen = await cloud.token({ sub: CITIZEN, roles: ['citizen'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: TEST_PROCEDURE,
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  await cloud.settle();
  const mapped = await cloud.fetch(`/portal/mappings/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: { nationalCode: NATIONAL_CODE },
  });
  if (mapped.status !== 200) throw new Error(`could not map the test procedure: ${mapped.text}`);
});

afterAll(async () => {
  await cloud?.stop();
});

describe('a dossier forwarded from DVCQG', () => {
  let nationalId: string;
  let dossierCode: string;

  test('with two files appears in the agency queue, submitted online from dvcqg, its files in the citizen store', async () => {
    const before = (await agencyQueue()).length;
    const submitted = await submitOnPortal();
    nationalId = submitted.id;
    expect(submitted.forwards).toHaveLength(1);
    expect(submitted.forwards[0]!.status).toBe(202);
    expect(submitted.forwards[0]!.answer).toMatchObject({ error_code: 0, MaHoSo: nationalId });
    await cloud.settle();

    const state = await forwarded(nationalId);
    expect(state.status).toBe('accepted');
    expect(state.files.map((f: { state: string }) => f.state)).toEqual(['verified', 'verified']);
    dossierCode = state.dossierCode;
    expect(dossierCode).toBeTruthy();

    const queue = await agencyQueue();
    expect(queue).toHaveLength(before + 1);
    expect(queue.map((d) => d.code)).toContain(dossierCode);

    const dossier = await cloud.fetch(`/dossiers/${dossierCode}`, { token: officer });
    expect(dossier.status).toBe(200);
    expect(dossier.json).toMatchObject({
      status: 'submitted',
      channel: 'online',
      source: 'dvcqg',
      nationalDossierId: nationalId,
      procedureCode: PROCEDURE,
      agencyCode: DESK,
    });
    expect(dossier.json.documents.map((d: { requirementCode: string }) => d.requirementCode).sort()).toEqual([
      'ANH',
      'TO_KHAI',
    ]);

    const store = await cloud.fetch('/me/documents', { token: citizen });
    expect(store.status).toBe(200);
    const mine = store.json.items as { documentId: string; fileName: string; usable: boolean }[];
    for (const doc of dossier.json.documents as { documentId: string }[]) {
      expect(mine.find((m) => m.documentId === doc.documentId)?.usable).toBe(true);
    }
  });

  test('forwarded twice is one dossier', async () => {
    const before = await agencyQueue();
    const again = await cloud.fetch(`/dev/national-portal/dossiers/${encodeURIComponent(nationalId)}/forward`, {
      body: {},
    });
    expect(again.json.status).toBe(202);
    expect(again.json.answer).toMatchObject({ error_code: 0, TrangThaiTiepNhan: 'accepted', MaHoSoTinh: dossierCode });
    await cloud.settle();
    const after = await agencyQueue();
    expect(after.map((d) => d.code).sort()).toEqual(before.map((d) => d.code).sort());
  });

  test('a changed re-send is a kept, visible conflict and is not applied', async () => {
    const changed = await cloud.fetch(`/dev/national-portal/dossiers/${encodeURIComponent(nationalId)}/forward`, {
      body: { changes: { ChuHoSo: 'Tên Khác' } },
    });
    expect(changed.json.status).toBe(409);
    expect(changed.json.answer.error_code).toBe(409);
    const state = await forwarded(nationalId);
    expect(state.status).toBe('accepted');
    expect(state.conflicts).toHaveLength(1);
    expect(state.conflicts[0].changedFields).toEqual(['ChuHoSo']);
    const dossier = await cloud.fetch(`/dossiers/${dossierCode}`, { token: officer });
    expect(dossier.json.applicant.fullName).toBe('Lê Văn Cổng');
  });
});

describe('a dossier that cannot be taken in', () => {
  test('for an unmapped procedure is held with its reason, and nothing else changes', async () => {
    const queueBefore = await agencyQueue();
    const documentsBefore = (await cloud.fetch('/me/documents', { token: citizen })).json.items.length;
    const submitted = await submitOnPortal({ MaTTHC: '9.999999' });
    expect(submitted.forwards[0]!.status).toBe(202);
    expect(submitted.forwards[0]!.answer).toMatchObject({ error_code: 0, TrangThaiTiepNhan: 'needs_attention' });
    await cloud.settle();

    const list = await cloud.fetch('/portal/forwarded', { token: admin });
    expect(list.status).toBe(200);
    const held = list.json.items.find((f: { nationalId: string }) => f.nationalId === submitted.id);
    expect(held.hold.code).toBe('unmapped-procedure');
    expect(held.hold.detail).toContain('9.999999');

    expect((await agencyQueue()).map((d) => d.code)).toEqual(queueBefore.map((d) => d.code));
    expect((await cloud.fetch('/me/documents', { token: citizen })).json.items).toHaveLength(documentsBefore);

    // Refused with a reason: off the needs-attention list, and the reason is kept (it goes back to the portal).
    const rejected = await cloud.fetch(`/portal/forwarded/${encodeURIComponent(submitted.id)}/reject`, {
      token: officer,
      body: { reason: 'Thủ tục không thuộc thẩm quyền của tỉnh' },
    });
    // Officials of the addressed agency may act on it.
    expect(rejected.status).toBe(200);
    expect(rejected.json).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'Thủ tục không thuộc thẩm quyền của tỉnh' },
    });
    const after = await cloud.fetch('/portal/forwarded', { token: admin });
    expect(after.json.items.map((f: { nationalId: string }) => f.nationalId)).not.toContain(submitted.id);
  });

  test('with files the portal cannot serve is held as unreachable, and taken in on retry once they are back', async () => {
    expect((await cloud.fetch('/dev/national-portal/faults', { body: { down: true } })).status).toBe(200);
    let submitted: Awaited<ReturnType<typeof submitOnPortal>>;
    try {
      submitted = await submitOnPortal();
    } finally {
      await cloud.fetch('/dev/national-portal/faults', { body: { down: false } });
    }
    expect((await forwarded(submitted.id)).hold.code).toBe('file-unreachable');

    const retried = await cloud.fetch(`/portal/forwarded/${encodeURIComponent(submitted.id)}/retry`, {
      token: officer,
      body: {},
    });
    expect(retried.status).toBe(200);
    expect(retried.json.status).toBe('awaiting_documents');
    await cloud.settle();
    const state = await forwarded(submitted.id);
    expect(state.status).toBe('accepted');
    expect((await agencyQueue()).map((d) => d.code)).toContain(state.dossierCode);
  });

  test('with invalid form data is held with the field named', async () => {
    const submitted = await submitOnPortal({ DuLieuBieuMau: {} });
    const state = await forwarded(submitted.id);
    expect(state.hold.code).toBe('invalid-data');
    expect(state.hold.errors.map((e: { field: string }) => e.field)).toContain('DuLieuBieuMau.hoTen');
  });
});

describe('the intake door', () => {
  const record = {
    MaHoSo: 'G22-AUTH-1',
    MaTTHC: NATIONAL_CODE,
    ChuHoSo: 'X',
    LoaiDoiTuong: '1',
    SoDinhDanh: CITIZEN,
    DonViXuLy: DESK,
  };

  test.each([
    ['no credential', undefined],
    ['a wrong credential', 'Bearer not-the-key'],
  ])('refuses %s with 401 problem+json and changes nothing', async (_what, authorization) => {
    const res = await cloud.fetch('/portal/dvcqg/dossiers', {
      body: record,
      ...(authorization ? { headers: { authorization } } : {}),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await cloud.fetch(`/portal/forwarded/${record.MaHoSo}`, { token: admin })).status).toBe(404);
  });

  test('answers 400 problem+json for a record without MaHoSo', async () => {
    const res = await cloud.fetch('/portal/dvcqg/dossiers', {
      body: { MaTTHC: NATIONAL_CODE },
      headers: { authorization: 'Bearer dev-dvcqg-intake-token' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  test('the needs-attention list is for officials only', async () => {
    expect((await cloud.fetch('/portal/forwarded', { token: citizen })).status).toBe(401);
  });
});

describe('the national catalog', () => {
  test('is pulled from the portal; unmapped local procedures get diacritic-insensitive suggestions', async () => {
    const pulled = await cloud.fetch('/portal/national-catalog/pull', { token: admin, body: {} });
    expect(pulled.status).toBe(200);
    expect(pulled.json.procedures).toBeGreaterThan(10);

    const unmapped = await cloud.fetch('/portal/mappings?unmapped=true', { token: admin });
    expect(unmapped.status).toBe(200);
    const items = unmapped.json.items as {
      procedureCode: string;
      suggestions: { nationalCode: string; score: number }[];
    }[];
    expect(items.map((i) => i.procedureCode)).not.toContain(PROCEDURE);
    const birth = items.find((i) => i.procedureCode === '1.001193');
    expect(birth?.suggestions[0]).toMatchObject({ nationalCode: '1.001193', score: 1 });

    const offered = await cloud.fetch('/portal/national-catalog/unmapped', { token: admin });
    const codes = offered.json.items.map((p: { nationalCode: string }) => p.nationalCode);
    expect(codes).toContain('1.010100');
    expect(codes).not.toContain(NATIONAL_CODE);
  });

  test('one national code maps to one local procedure', async () => {
    const taken = await cloud.fetch('/portal/mappings/1.001193', {
      method: 'PUT',
      token: admin,
      body: { nationalCode: NATIONAL_CODE },
    });
    expect(taken.status).toBe(409);
  });
});

describe('pull delivery', () => {
  test('a dossier held on the portal is taken in by the pull schedule and confirmed', async () => {
    const submitted = await submitOnPortal({ delivery: 'pull' });
    expect(submitted.forwards).toHaveLength(0);
    const run = await cloud.fetch('/dev/schedules/portal-pull-forwarded', { body: {} });
    expect(run.status).toBe(200);
    expect(run.json.result).toMatchObject({ takenIn: 1 });
    await cloud.settle();
    expect((await forwarded(submitted.id)).status).toBe('accepted');
    const onPortal = await cloud.fetch(`/dev/national-portal/dossiers/${encodeURIComponent(submitted.id)}`);
    expect(onPortal.json.pending).toBe(false);
  });
});
