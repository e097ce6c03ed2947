/**
 * A procedure's versions (GET /procedures/{code}/versions) end to end, through HTTP on the local cloud: a version
 * published to start later is listed as scheduled beside the one in force, a publication from today supersedes
 * and retires, the list is newest first and paged by a cursor, an unknown procedure is a 404 problem, and only
 * admins may read it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '#local-cloud/seed.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

/** A seeded procedure at version 1, which no other test of this file publishes. */
const CODE = '2.000635';

let cloud: TestCloud;
let admin: string;
let officer: string;
let citizen: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-versions', roles: ['admin'] });
  officer = await cloud.token({ sub: 'officer-01', roles: ['officer'], agencyCode: '000.01.21.H19' });
  citizen = await cloud.token({ sub: '001099012345', roles: ['citizen'] });
});
afterAll(async () => {
  await cloud?.stop();
});

/** Today in Vietnam by the local cloud's clock, and a day some days from it (YYYY-MM-DD). */
async function vietnamDays(): Promise<{ today: string; plus: (days: number) => string }> {
  const { json } = await cloud.fetch('/dev/clock');
  const at = new Date(json.now as string).getTime() + 7 * 3_600_000;
  const day = (offset: number) => new Date(at + offset * 86_400_000).toISOString().slice(0, 10);
  return { today: day(0), plus: day };
}

const versionsOf = (code: string, query = '', token = admin) =>
  cloud.fetch(`/procedures/${code}/versions${query}`, { token });

async function publish(code: string, validFrom: string): Promise<number> {
  const { json: current } = await cloud.fetch(`/procedures/${code}`);
  const { version: _version, validTo: _validTo, ...body } = current;
  const res = await cloud.fetch(`/procedures/${code}`, {
    method: 'PUT',
    token: admin,
    body: { ...body, status: 'published', validFrom },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.version as number;
}

describe('a procedure’s versions', () => {
  test('a version published to start later is scheduled beside the one in force; one from today supersedes', async () => {
    const { today, plus } = await vietnamDays();
    const seeded = await versionsOf(CODE);
    expect(seeded.status, seeded.text).toBe(200);
    expect(seeded.headers.get('cache-control')).toBe('no-store');
    expect(seeded.json).toEqual({
      code: CODE,
      items: [expect.objectContaining({ version: 1, status: 'in_force', publishedBy: 'seed' })],
    });

    const later = plus(10);
    expect(await publish(CODE, later)).toBe(2);
    const scheduled = await versionsOf(CODE);
    expect(scheduled.json.items).toEqual([
      {
        version: 2,
        status: 'scheduled',
        validFrom: later,
        publishedAt: expect.any(String),
        publishedBy: 'admin-versions',
      },
      expect.objectContaining({ version: 1, status: 'in_force', validTo: plus(9), publishedBy: 'seed' }),
    ]);
    // The version in force is still the one GET answers; the scheduled one opens by its number.
    expect((await cloud.fetch(`/procedures/${CODE}`)).json.version).toBe(1);
    const opened = await cloud.fetch(`/procedures/${CODE}?version=2`);
    expect(opened.json).toMatchObject({ version: 2, status: 'published', validFrom: later });

    // From today: version 3 applies at once; 2 never gets a day (retired); 1 had begun and is replaced.
    expect(await publish(CODE, today)).toBe(3);
    const replaced = await versionsOf(CODE);
    expect(replaced.json.items.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [3, 'in_force'],
      [2, 'retired'],
      [1, 'superseded'],
    ]);
    expect(replaced.json.items[0]).toMatchObject({ validFrom: today, publishedBy: 'admin-versions' });
    expect(replaced.json.items[0].validTo).toBeUndefined();
    expect((await cloud.fetch(`/procedures/${CODE}`)).json.version).toBe(3);
  });

  test('pages are newest first and linked by a cursor; a foreign or tampered cursor is a 400', async () => {
    const first = await versionsOf(CODE, '?limit=2');
    expect(first.status, first.text).toBe(200);
    expect(first.json.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await versionsOf(CODE, `?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.json.items.map((v: { version: number }) => v.version)).toEqual([1]);
    expect(second.json.nextCursor).toBeUndefined();

    // A cursor names its procedure's partition: replayed on another procedure, it is refused, not followed.
    const foreign = await versionsOf('2.000815', `?cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    expect(foreign.json.errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    expect((await versionsOf(CODE, '?cursor=not-json')).status).toBe(400);
    expect((await versionsOf(CODE, '?limit=0')).status).toBe(400);
  });

  test('an unknown procedure, or one with only a draft, is a 404 problem in Vietnamese or English', async () => {
    const missing = await versionsOf('9.999999');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.json.detail ?? missing.json.title).toContain('9.999999');
    const english = await cloud.fetch('/procedures/9.999999/versions', {
      token: admin,
      headers: { 'accept-language': 'en' },
    });
    expect(english.status).toBe(404);
    expect(english.json.detail ?? english.json.title).toMatch(/No published procedure 9\.999999/);

    const { json: base } = await cloud.fetch('/procedures/2.000815');
    const { version: _version, validTo: _validTo, ...body } = base;
    const draft = await cloud.fetch('/procedures/9.000777', {
      method: 'PUT',
      token: admin,
      body: { ...body, code: '9.000777', status: 'draft' },
    });
    expect(draft.status, draft.text).toBe(201);
    expect((await versionsOf('9.000777')).status).toBe(404);
    expect((await versionsOf('not-a-code')).status).toBe(400);
  });

  test('only admins: no token 401, a citizen or an officer 403', async () => {
    const anonymous = await cloud.fetch(`/procedures/${CODE}/versions`);
    expect(anonymous.status).toBe(401);
    for (const token of [citizen, officer]) {
      const refused = await versionsOf(CODE, '', token);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    // Refused before the lookup: an unknown procedure does not become a way to probe the catalog.
    expect((await versionsOf('9.999999', '', officer)).status).toBe(403);
  });

  test('the OpenAPI document describes the route with an example', async () => {
    const { json } = await cloud.fetch('/openapi.json');
    const operation = json.paths['/procedures/{code}/versions'].get;
    expect(operation.operationId).toBe('listProcedureVersions');
    expect(JSON.stringify(operation.responses['200'])).toContain('"examples"');
  });
});
