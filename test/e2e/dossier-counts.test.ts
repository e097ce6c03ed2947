/**
 * The counts of an agency's queue per status (GET /agencies/{code}/dossiers/counts, decision 0022) through HTTP on
 * the local cloud: they follow each transition (submit, receive, request-supplement, supplement, resolve, a
 * forward to another agency), move exactly once when several officials act at once (one wins, the others get 412),
 * stay right when many dossiers move concurrently, agree with what the lists hold, and are scoped as the queue.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19'; // Sở Tư pháp
const OTHER_AGENCY = '000.00.11.H19'; // Công an tỉnh
const PARENT = '000.00.00.H19'; // UBND tỉnh, above both
const PROCEDURE = '1.999022';
const OWNER = '001099022001';

type Counts = Record<string, number>;

let cloud: TestCloud;
let owner: string;
let officer: string;
let otherOfficer: string;
let parentLeader: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: {
      status: 'published',
      validFrom: '2025-07-01',
      name: { vi: 'Thủ tục thử nghiệm đếm hồ sơ' },
      field: 'Thử nghiệm',
      levels: ['province'],
      agencyCodes: [DESK],
      mode: 'full',
      processingTime: { kind: 'working_days', days: 5 },
      // Inter-agency: the desk's step, then the police's (so that a dossier can be transferred there).
      steps: [
        { agencyCode: DESK, allottedWorkingDays: 3 },
        { agencyCode: OTHER_AGENCY, role: 'Xác minh', allottedWorkingDays: 2 },
      ],
      payBeforeReception: false,
      fees: [{ kind: 'free', code: 'MIEN_PHI', name: 'Miễn phí' }],
      requirements: [],
      formSchema: {
        type: 'object',
        properties: { hoTen: { type: 'string', title: 'Họ tên' } },
        required: ['hoTen'],
        additionalProperties: false,
      },
      resultType: 'electronic',
    },
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: 'Đỗ Văn Đếm' });
  officer = await cloud.token({ sub: 'officer-c1', roles: ['officer'], agencyCode: DESK, name: 'Cán bộ đếm' });
  otherOfficer = await cloud.token({ sub: 'officer-c9', roles: ['officer'], agencyCode: OTHER_AGENCY });
  parentLeader = await cloud.token({ sub: 'leader-c0', roles: ['leader'], agencyCode: PARENT });
  await cloud.settle();
});

afterAll(async () => {
  await cloud?.stop();
});

async function submitted(): Promise<string> {
  const res = await cloud.fetch('/dossiers', {
    method: 'POST',
    token: owner,
    headers: { 'idempotency-key': `counts-${randomUUID()}` },
    body: {
      procedureCode: PROCEDURE,
      agencyCode: DESK,
      applicant: { idNumber: OWNER, fullName: 'Đỗ Văn Đếm' },
      formData: { hoTen: 'Đỗ Văn Đếm' },
      resultDelivery: 'online',
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.code as string;
}

function act(code: string, version: number, action: Record<string, unknown>, token = officer) {
  return cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token,
    headers: { 'if-match': `"${version}"` },
    body: action,
  });
}

async function acted(code: string, version: number, action: Record<string, unknown>): Promise<void> {
  const res = await act(code, version, action);
  expect(res.status, res.text).toBe(200);
}

async function counts(
  agency = DESK,
  token = officer,
): Promise<{ agencyCode: string; counts: Counts; unfinished: number }> {
  const res = await cloud.fetch(`/agencies/${agency}/dossiers/counts`, { token });
  expect(res.status, res.text).toBe(200);
  expect(res.json.agencyCode).toBe(agency);
  return res.json;
}

/** The change from `before` to `after`, only the statuses that changed. */
function moved(before: Counts, after: Counts): Counts {
  return Object.fromEntries(
    Object.keys(after)
      .filter((status) => after[status] !== before[status])
      .map((status) => [status, (after[status] ?? 0) - (before[status] ?? 0)]),
  );
}

/** How many dossiers a status's list holds, read page by page: what the counts must agree with. */
async function listed(status: string, agency = DESK): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ status, limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await cloud.fetch(`/agencies/${agency}/dossiers?${query}`, { token: officer });
    expect(page.status, page.text).toBe(200);
    total += page.json.items.length;
    cursor = page.json.nextCursor;
  } while (cursor);
  return total;
}

const RESULT = {
  number: '22/KQ-TN',
  signer: 'Trần Văn Ký',
  issuedBy: DESK,
  signedAt: '2026-03-03T10:00:00+07:00',
  electronic: true,
};

describe('the counts follow the transitions', () => {
  test('every status is named; a submission, receive, supplement round and resolve each move one count', async () => {
    const start = await counts();
    expect(Object.keys(start.counts).sort()).toEqual(
      [
        'payment_requested',
        'processing',
        'received',
        'rejected',
        'resolved',
        'returned',
        'stopped',
        'submitted',
        'supplement_requested',
        'withdrawn',
      ].sort(),
    );

    const code = await submitted();
    const afterSubmit = await counts();
    expect(moved(start.counts, afterSubmit.counts)).toEqual({ submitted: 1 });
    expect(afterSubmit.unfinished).toBe(start.unfinished + 1);

    await acted(code, 1, { type: 'receive' });
    const afterReceive = await counts();
    expect(moved(afterSubmit.counts, afterReceive.counts)).toEqual({ submitted: -1, received: 1 });

    await acted(code, 2, { type: 'request-supplement', reason: 'Thiếu bản sao' });
    const afterRequest = await counts();
    expect(moved(afterReceive.counts, afterRequest.counts)).toEqual({ received: -1, supplement_requested: 1 });

    const supplemented = await cloud.fetch(`/dossiers/${code}/supplement`, {
      method: 'POST',
      token: owner,
      body: { formData: { hoTen: 'Đỗ Văn Đếm' }, note: 'Đã bổ sung' },
    });
    expect(supplemented.status, supplemented.text).toBe(200);
    const afterSupplement = await counts();
    expect(moved(afterRequest.counts, afterSupplement.counts)).toEqual({ supplement_requested: -1, received: 1 });

    await acted(code, 4, { type: 'start-processing' });
    await acted(code, 5, { type: 'resolve', result: RESULT });
    const afterResolve = await counts();
    expect(moved(afterSupplement.counts, afterResolve.counts)).toEqual({ received: -1, resolved: 1 });
    expect(afterResolve.unfinished).toBe(afterSubmit.unfinished);

    await acted(code, 6, { type: 'return-result' });
    const afterReturn = await counts();
    expect(moved(afterResolve.counts, afterReturn.counts)).toEqual({ resolved: -1, returned: 1 });
    expect(afterReturn.unfinished).toBe(start.unfinished);
  });

  test('a dossier transferred to another agency leaves this agency’s counts for that one’s', async () => {
    const code = await submitted();
    await acted(code, 1, { type: 'receive' });
    await acted(code, 2, { type: 'start-processing' });
    const [here, there] = await Promise.all([counts(), counts(OTHER_AGENCY, otherOfficer)]);
    await acted(code, 3, { type: 'transfer', toAgencyCode: OTHER_AGENCY });
    const [hereAfter, thereAfter] = await Promise.all([counts(), counts(OTHER_AGENCY, otherOfficer)]);
    expect(moved(here.counts, hereAfter.counts)).toEqual({ processing: -1 });
    expect(moved(there.counts, thereAfter.counts)).toEqual({ processing: 1 });
  });
});

describe('under concurrent transitions', () => {
  test('officials racing on one dossier: one receive wins, the count moves once', async () => {
    const code = await submitted();
    const before = await counts();
    const answers = await Promise.all(Array.from({ length: 4 }, () => act(code, 1, { type: 'receive' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412, 412, 412]);
    expect(moved(before.counts, (await counts()).counts)).toEqual({ submitted: -1, received: 1 });
  });

  test('many dossiers of one agency moving at once: every move counted, and the counts equal the lists', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 16; i++) codes.push(await submitted());
    const before = await counts();
    // Half received, half rejected, all at once: transactions of one agency meeting on its counter items.
    const answers = await Promise.all(
      codes.map((code, i) =>
        act(code, 1, i % 2 === 0 ? { type: 'receive' } : { type: 'reject', reason: 'Không thuộc thẩm quyền' }),
      ),
    );
    expect(answers.filter((a) => a.status !== 200).map((a) => a.text)).toEqual([]);
    const after = await counts();
    expect(moved(before.counts, after.counts)).toEqual({ submitted: -16, received: 8, rejected: 8 });
    for (const status of Object.keys(after.counts)) {
      expect(after.counts[status], status).toBe(await listed(status));
    }
  });
});

describe('who may read the counts', () => {
  test('as the queue: the agency’s officers and leaders above it; another agency’s officer is 403 in vi/en', async () => {
    expect((await counts(DESK, parentLeader)).agencyCode).toBe(DESK);
    const refused = await cloud.fetch(`/agencies/${DESK}/dossiers/counts`, {
      token: otherOfficer,
      headers: { 'accept-language': 'en' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.json.detail).toMatch(/Only the agency's own officials/);
    const citizen = await cloud.fetch(`/agencies/${DESK}/dossiers/counts`, { token: owner });
    expect(citizen.status).toBe(401);
  });
});
