/**
 * The catalog's storage design against the real emulators, through HTTP: imports larger than one transaction,
 * filtered pagination over more items than one query round trip reads, version history in import files,
 * concurrent publications and future-dated versions.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

let cloud: TestCloud;
let admin: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  admin = await cloud.token({ sub: 'admin-01', roles: ['admin'] });
});
afterAll(async () => {
  await cloud?.stop();
});

const ROOT = '000.00.00.H19';
const AGENCY_COUNT = 60;
const PROCEDURE_COUNT = 250;

const agencyCode = (i: number) =>
  `000.${String(Math.floor(i / 10)).padStart(2, '0')}.${String(i % 10).padStart(2, '0')}.H19`;
const procedureCode = (i: number) => `3.${String(i).padStart(6, '0')}`;

/** Every 50th procedure (from the 7th) is offline; every 40th (from the 3rd) is "đặc biệt" (special). */
const isOffline = (i: number) => i % 50 === 7;
const isSpecial = (i: number) => i % 40 === 3;

function procedure(i: number, overrides: Record<string, unknown> = {}) {
  return {
    code: procedureCode(i),
    version: 1,
    status: 'published',
    validFrom: '2025-07-01',
    name: { vi: `Thủ tục số ${i}${isSpecial(i) ? ' trường hợp đặc biệt' : ''}` },
    field: 'Thử nghiệm',
    levels: ['commune'],
    agencyCodes: [agencyCode(1 + (i % (AGENCY_COUNT - 1)))],
    mode: isOffline(i) ? 'offline' : 'full',
    processingTime: { kind: 'working_days', days: 3 },
    payBeforeReception: false,
    fees: [],
    requirements: [],
    formSchema: { type: 'object', properties: {}, additionalProperties: false },
    resultType: 'paper',
    ...overrides,
  };
}

async function importItems(kind: 'agencies' | 'procedures', items: unknown[]) {
  return cloud.fetch('/catalog/imports', {
    method: 'POST',
    token: admin,
    body: { kind, format: 'json', content: JSON.stringify(items) },
  });
}

async function listAll(query: string, limit: number): Promise<{ codes: string[]; pages: number }> {
  const codes: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await cloud.fetch(
      `/procedures?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    codes.push(...res.json.items.map((item: { code: string }) => item.code));
    cursor = res.json.nextCursor;
    pages++;
  } while (cursor && pages < 500);
  return { codes, pages };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('bulk import', () => {
  test('imports more rows than one transaction holds: every row stored, once', async () => {
    const agencies = range(AGENCY_COUNT).map((i) => ({
      code: i === 0 ? ROOT : agencyCode(i),
      name: { vi: `Cơ quan ${i}` },
      level: i === 0 ? 'province' : 'commune',
      ...(i === 0 ? {} : { parentCode: ROOT }),
      active: true,
    }));
    const agencyImport = await importItems('agencies', agencies);
    expect(agencyImport.json).toEqual({
      kind: 'agencies',
      total: AGENCY_COUNT,
      changed: AGENCY_COUNT,
      unchanged: 0,
      skipped: 0,
    });

    const procedureImport = await importItems(
      'procedures',
      range(PROCEDURE_COUNT).map((i) => procedure(i)),
    );
    expect(procedureImport.status).toBe(200);
    expect(procedureImport.json).toMatchObject({ total: PROCEDURE_COUNT, changed: PROCEDURE_COUNT, unchanged: 0 });

    expect((await cloud.fetch('/agencies')).json).toHaveLength(AGENCY_COUNT);
    const all = await listAll('', 100);
    expect(all.codes).toEqual(range(PROCEDURE_COUNT).map(procedureCode));
    expect(all.pages).toBe(3);

    const again = await importItems(
      'procedures',
      range(PROCEDURE_COUNT).map((i) => procedure(i)),
    );
    expect(again.json).toMatchObject({ changed: 0, unchanged: PROCEDURE_COUNT });
  });

  test('sparse filters page exactly over a partition larger than one query round trip', async () => {
    const offline = await listAll('mode=offline', 2);
    const expectedOffline = range(PROCEDURE_COUNT).filter(isOffline).map(procedureCode);
    expect(expectedOffline).toHaveLength(5);
    expect(offline.codes).toEqual(expectedOffline);
    expect(offline.pages).toBe(3);

    const special = await listAll(`q=${encodeURIComponent('DAC BIET')}`, 4);
    expect(special.codes).toEqual(range(PROCEDURE_COUNT).filter(isSpecial).map(procedureCode));

    const agency = agencyCode(8);
    const byAgency = await listAll(`agencyCode=${agency}&q=thu+tuc`, 3);
    expect(byAgency.codes).toEqual(
      range(PROCEDURE_COUNT)
        .filter((i) => agencyCode(1 + (i % (AGENCY_COUNT - 1))) === agency)
        .map(procedureCode),
    );
  });

  test('a cursor that is not one of ours is a 400, not a 500', async () => {
    const forged = Buffer.from(
      JSON.stringify({ pk: 'AGENCY#x', sk: 'AGENCY', gsi1pk: 'AGENCIES', gsi1sk: 'x' }),
    ).toString('base64url');
    const res = await cloud.fetch(`/procedures?cursor=${forged}`);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: 'query.cursor', message: 'invalid cursor' }]);
  });

  test('of several versions of a code in one file, the latest published is applied; the rest is history', async () => {
    const i = PROCEDURE_COUNT + 1;
    const rows = [
      procedure(i, { version: 1, status: 'retired', validTo: '2025-12-31', name: { vi: 'Tên cũ' } }),
      procedure(i, { version: 3, name: { vi: 'Tên mới nhất' }, validFrom: '2026-01-01' }),
      procedure(i, { version: 2, name: { vi: 'Tên giữa' }, validFrom: '2025-09-01' }),
    ];
    const first = await importItems('procedures', rows);
    expect(first.json).toEqual({ kind: 'procedures', total: 3, changed: 1, unchanged: 0, skipped: 2 });
    const stored = await cloud.fetch(`/procedures/${procedureCode(i)}`);
    expect(stored.json).toMatchObject({ version: 1, name: { vi: 'Tên mới nhất' }, validFrom: '2026-01-01' });

    const second = await importItems('procedures', rows);
    expect(second.json).toEqual({ kind: 'procedures', total: 3, changed: 0, unchanged: 1, skipped: 2 });
  });
});

describe('versions', () => {
  const bodyOf = async (code: string) => (await cloud.fetch(`/procedures/${code}`)).json;

  test('concurrent publications of one procedure both land, as consecutive versions', async () => {
    const code = procedureCode(10);
    const base = await bodyOf(code);
    const [a, b] = await Promise.all([
      cloud.fetch(`/procedures/${code}`, {
        method: 'PUT',
        token: admin,
        body: { ...base, name: { vi: 'Phiên bản A' } },
      }),
      cloud.fetch(`/procedures/${code}`, {
        method: 'PUT',
        token: admin,
        body: { ...base, name: { vi: 'Phiên bản B' } },
      }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.json.version, b.json.version].sort()).toEqual([2, 3]);
    const latest = a.json.version === 3 ? a : b;
    expect((await bodyOf(code)).name.vi).toBe(latest.json.name.vi);
    expect((await cloud.fetch(`/procedures/${code}?version=2`)).json.status).toBe('retired');
  });

  test('a version published for a later date applies from that date; until then the previous one does', async () => {
    const code = procedureCode(20);
    const base = await bodyOf(code);
    expect(base.version).toBe(1);
    const moveTo = async (now: string) => cloud.fetch('/dev/clock', { method: 'POST', body: { now } });
    try {
      await moveTo('2026-03-02T09:00:00+07:00');
      const published = await cloud.fetch(`/procedures/${code}`, {
        method: 'PUT',
        token: admin,
        body: { ...base, validFrom: '2026-03-10', name: { vi: 'Áp dụng từ 10/3' } },
      });
      expect(published.status).toBe(201);

      const before = await bodyOf(code);
      expect(before).toMatchObject({ version: 1, status: 'published', validTo: '2026-03-09' });
      const listed = await listAll(`q=${encodeURIComponent('ap dung tu')}`, 10);
      expect(listed.codes).toEqual([code]);

      await moveTo('2026-03-09T23:59:00+07:00');
      expect((await bodyOf(code)).version).toBe(1);
      await moveTo('2026-03-10T00:01:00+07:00');
      expect(await bodyOf(code)).toMatchObject({ version: 2, name: { vi: 'Áp dụng từ 10/3' } });
    } finally {
      await cloud.fetch('/dev/clock', { method: 'DELETE' });
    }
  });
});
