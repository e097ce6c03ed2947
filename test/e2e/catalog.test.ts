/**
 * The catalog end to end, through HTTP on the local cloud: the seeded province is browsable (search, filters,
 * cursor pagination), admins publish versions, edit the calendar and import files (all or nothing), and everyone
 * else is refused.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCatalogCli } from '#catalog/cli.ts';
import { seedLocalProvince } from '#local-cloud/seed.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';

interface SeedProcedure {
  code: string;
  status: string;
  mode: string;
  field: string;
  agencyCodes: string[];
  name: { vi: string };
}

const seedProcedures = JSON.parse(readFileSync('config/seed/dong-nai/procedures.json', 'utf8')) as SeedProcedure[];
const seedAgencies = JSON.parse(readFileSync('config/seed/dong-nai/agencies.json', 'utf8')) as { code: string }[];
const publishedSeed = seedProcedures.filter((p) => p.status === 'published');

let cloud: TestCloud;
let admin: string;
let officer: string;
let citizen: string;
let seeded: string;
const workDir = mkdtempSync(join(tmpdir(), 'catalog-e2e-'));

beforeAll(async () => {
  cloud = await startTestCloud();
  seeded = await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-01', roles: ['admin'] });
  officer = await cloud.token({ sub: 'officer-01', roles: ['officer'], agencyCode: '000.01.21.H19' });
  citizen = await cloud.token({ sub: '001099012345', roles: ['citizen'] });
});
afterAll(async () => {
  await cloud?.stop();
});

interface OutboxEvent {
  type: string;
  subject: string;
  sequence: number;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are checked field by field
  data: any;
}

/** Every event the catalog has put in its outbox so far. */
async function outboxEvents(): Promise<OutboxEvent[]> {
  const table = cloud.resources.tables.get('catalog')!.name;
  const events: OutboxEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :outbox)',
        ExpressionAttributeValues: { ':outbox': 'OUTBOX#' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) events.push(JSON.parse(String(item.event)) as OutboxEvent);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return events;
}

/** Today in Vietnam by the local cloud's clock, and the day before. */
async function vietnamToday(): Promise<{ today: string; yesterday: string }> {
  const { json } = await cloud.fetch('/dev/clock');
  const at = new Date(json.now as string).getTime() + 7 * 3_600_000;
  return {
    today: new Date(at).toISOString().slice(0, 10),
    yesterday: new Date(at - 86_400_000).toISOString().slice(0, 10),
  };
}

async function allPages(query: string, limit: number): Promise<{ codes: string[]; pages: number }> {
  const codes: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await cloud.fetch(
      `/procedures?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    expect(res.json.items.length).toBeLessThanOrEqual(limit);
    codes.push(...res.json.items.map((i: { code: string }) => i.code));
    cursor = res.json.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { codes, pages };
}

function runProcess(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('seed', () => {
  test('loads every agency, procedure and calendar year once, each with its event', async () => {
    expect(seeded).toBe(
      `(seeded ${seedAgencies.length} agencies, ${publishedSeed.length} procedures, calendar 2025–2027)`,
    );
    const events = await outboxEvents();
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('catalog.agency_upserted')).toBe(seedAgencies.length);
    expect(count('catalog.procedure_published')).toBe(publishedSeed.length);
    expect(count('catalog.calendar_updated')).toBe(3);
  });

  test('seeding again changes nothing and publishes no event', async () => {
    const before = (await outboxEvents()).length;
    expect(await seedLocalProvince(cloud)).toMatch(/^\(catalog already seeded: /);
    expect((await outboxEvents()).length).toBe(before);
  });
});

describe('public reads', () => {
  test('agencies are listed, cacheable', async () => {
    const res = await cloud.fetch('/agencies');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    const codes = res.json.map((a: { code: string }) => a.code);
    expect(new Set(codes)).toEqual(new Set(seedAgencies.map((a) => a.code)));
    const province = res.json.find((a: { code: string }) => a.code === '000.00.00.H19');
    expect(province).toMatchObject({ level: 'province', name: { vi: 'Ủy ban nhân dân tỉnh Đồng Nai' } });
  });

  test('the published procedures are listed in pages linked by a cursor, each exactly once', async () => {
    const { codes, pages } = await allPages('', 5);
    expect(codes).toHaveLength(publishedSeed.length);
    expect(new Set(codes)).toEqual(new Set(publishedSeed.map((p) => p.code)));
    expect(pages).toBe(Math.ceil(publishedSeed.length / 5));
    expect([...codes].sort()).toEqual(codes);

    const first = await cloud.fetch('/procedures?limit=5');
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    expect(first.json.items[0]).toMatchObject({
      version: 1,
      validFrom: expect.any(String),
      name: { vi: expect.any(String) },
    });
  });

  test('the default page is 20 and the last page has no cursor', async () => {
    const res = await cloud.fetch('/procedures');
    expect(res.json.items).toHaveLength(Math.min(20, publishedSeed.length));
    if (publishedSeed.length <= 20) expect(res.json.nextCursor).toBeUndefined();
  });

  test('"chung thuc" finds the copy-certification procedure, whatever the case and diacritics', async () => {
    for (const q of ['chung thuc', 'CHUNG THUC', 'Chứng thực', 'chứng THỰC bản sao']) {
      const res = await cloud.fetch(`/procedures?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.json.items.map((i: { code: string }) => i.code)).toContain('2.000815');
    }
    const narrow = await cloud.fetch(`/procedures?q=${encodeURIComponent('ban sao chung thuc')}`);
    expect(narrow.json.items.map((i: { code: string }) => i.code)).toContain('2.000815');
    expect(narrow.json.items.map((i: { code: string }) => i.code)).not.toContain('2.000884');
    const none = await cloud.fetch('/procedures?q=xyzzy');
    expect(none.json).toEqual({ items: [] });
  });

  test('filters by mode, field and agency, alone and together, across pages', async () => {
    const expected = (keep: (p: SeedProcedure) => boolean) =>
      publishedSeed
        .filter(keep)
        .map((p) => p.code)
        .sort();

    const offline = await allPages('mode=offline', 100);
    expect(offline.codes).toEqual(expected((p) => p.mode === 'offline'));

    const civilStatus = await allPages(`field=${encodeURIComponent('ho tich')}`, 2);
    expect(civilStatus.codes).toEqual(expected((p) => p.field === 'Hộ tịch'));
    expect(civilStatus.codes.length).toBeGreaterThan(2);

    const agency = '000.00.01.H19';
    const byAgency = await allPages(`agencyCode=${agency}`, 3);
    expect(byAgency.codes).toEqual(expected((p) => p.agencyCodes.includes(agency)));

    const commune = '000.01.21.H19';
    const together = await allPages(`agencyCode=${commune}&mode=partial&q=chung`, 1);
    expect(together.codes).toEqual(
      expected((p) => p.agencyCodes.includes(commune) && p.mode === 'partial' && p.field === 'Chứng thực'),
    );
    expect(together.codes.length).toBeGreaterThan(1);
  });

  test('a bad filter or cursor is a 400 naming the query parameter', async () => {
    const mode = await cloud.fetch('/procedures?mode=online', { headers: { 'accept-language': 'en' } });
    expect(mode.status).toBe(400);
    expect(mode.json.errors.map((e: { path: string }) => e.path)).toContain('query.mode');
    const cursor = await cloud.fetch('/procedures?cursor=bm90LWEta2V5');
    expect(cursor.status).toBe(400);
    expect(cursor.json.errors[0].path).toBe('query.cursor');
    const limit = await cloud.fetch('/procedures?limit=0');
    expect(limit.status).toBe(400);
  });

  test('one procedure has its fees, requirements and form', async () => {
    const res = await cloud.fetch('/procedures/2.000815');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    const procedure = res.json;
    expect(procedure).toMatchObject({
      code: '2.000815',
      version: 1,
      status: 'published',
      field: 'Chứng thực',
      levels: ['commune'],
      mode: 'partial',
      processingDays: 0,
      sameDay: true,
      resultType: expect.stringMatching(/^(electronic|paper)$/),
    });
    expect(procedure.agencyCodes).toContain('000.01.21.H19');
    expect(procedure.fees[0]).toMatchObject({
      kind: 'per_page',
      tiers: [
        { fromPage: 1, toPage: 2, amountPerPage: 2000 },
        { fromPage: 3, amountPerPage: 1000 },
      ],
      capPerCopy: 200000,
    });
    expect(procedure.requirements.length).toBeGreaterThan(0);
    for (const requirement of procedure.requirements) {
      expect(requirement).toMatchObject({
        code: expect.any(String),
        required: expect.any(Boolean),
        maxBytes: expect.any(Number),
      });
      expect(requirement.contentTypes.length).toBeGreaterThan(0);
    }
    expect(procedure.formSchema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(procedure.formSchema.properties.soTrang).toMatchObject({ type: 'integer' });

    const days = await cloud.fetch('/procedures/1.009974');
    expect(days.json.processingDays).toBe(15);
    expect(days.json.sameDay).toBeUndefined();
  });

  test('an unknown procedure or version is a 404 problem', async () => {
    const missing = await cloud.fetch('/procedures/9.999999');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await cloud.fetch('/procedures/2.000815?version=9')).status).toBe(404);
    expect((await cloud.fetch('/procedures/not-a-code')).status).toBe(400);
  });

  test('the seeded calendar is readable', async () => {
    const res = await cloud.fetch('/calendar/2026');
    expect(res.status).toBe(200);
    expect(res.json.year).toBe(2026);
    expect(res.json.holidays.map((d: { date: string }) => d.date)).toContain('2026-09-02');
    expect((await cloud.fetch('/calendar/2031')).status).toBe(404);
  });
});

describe('admin writes', () => {
  const procedureBody = async (code: string) => {
    const { json } = await cloud.fetch(`/procedures/${code}`);
    return json;
  };
  const eventsFor = async (type: string, subject: string) =>
    (await outboxEvents()).filter((e) => e.type === type && e.subject === subject);

  test('publishing a new version: GET shows it, the old one stays readable, the same content again is a no-op', async () => {
    const { today, yesterday } = await vietnamToday();
    const body = await procedureBody('2.000635');
    body.fees[0].amountPerCopy = 10000;
    body.validFrom = today;

    const published = await cloud.fetch('/procedures/2.000635', { method: 'PUT', token: admin, body });
    expect(published.status).toBe(201);
    expect(published.json).toMatchObject({ version: 2, status: 'published', validFrom: today });

    const current = await cloud.fetch('/procedures/2.000635');
    expect(current.json.version).toBe(2);
    expect(current.json.fees[0].amountPerCopy).toBe(10000);

    const old = await cloud.fetch('/procedures/2.000635?version=1');
    expect(old.status).toBe(200);
    expect(old.json).toMatchObject({ version: 1, status: 'retired', validTo: yesterday });
    expect(old.json.fees[0].amountPerCopy).toBe(8000);

    const listed = await cloud.fetch(`/procedures?q=${encodeURIComponent('trich luc ho tich')}`);
    expect(listed.json.items.find((i: { code: string }) => i.code === '2.000635')).toMatchObject({ version: 2 });

    const publishedEvents = await eventsFor('catalog.procedure_published', '2.000635');
    expect(publishedEvents.map((e) => e.sequence).sort()).toEqual([1, 2]);
    const v2Event = publishedEvents.find((e) => e.sequence === 2)!;
    expect(v2Event.data.procedure).toMatchObject({ code: '2.000635', version: 2, fees: [{ amountPerCopy: 10000 }] });
    expect(await eventsFor('catalog.procedure_retired', '2.000635')).toHaveLength(1);

    const again = await cloud.fetch('/procedures/2.000635', { method: 'PUT', token: admin, body });
    expect(again.status).toBe(200);
    expect(again.json.version).toBe(2);
    expect(await eventsFor('catalog.procedure_published', '2.000635')).toHaveLength(2);
    expect((await cloud.fetch('/procedures/2.000635?version=3')).status).toBe(404);
  });

  test('a draft is not public until published, and publishing it takes its version number', async () => {
    const { today } = await vietnamToday();
    const body = await procedureBody('1.001612');
    body.name.vi = `${body.name.vi} (sửa đổi)`;
    body.validFrom = today;
    body.status = 'draft';

    const draft = await cloud.fetch('/procedures/1.001612', { method: 'PUT', token: admin, body });
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({ version: 2, status: 'draft' });
    expect((await cloud.fetch('/procedures/1.001612')).json.version).toBe(1);
    expect((await cloud.fetch('/procedures/1.001612?version=2')).status).toBe(404);
    expect(await eventsFor('catalog.procedure_published', '1.001612')).toHaveLength(1);

    const publish = await cloud.fetch('/procedures/1.001612', {
      method: 'PUT',
      token: admin,
      body: { ...body, status: 'published' },
    });
    expect(publish.status).toBe(201);
    expect(publish.json).toMatchObject({ version: 2, status: 'published' });
    expect((await cloud.fetch('/procedures/1.001612')).json.name.vi).toMatch(/\(sửa đổi\)$/);
  });

  test('admin writes: no token 401, a citizen or an officer 403', async () => {
    const body = await procedureBody('2.000815');
    const calendar = { year: 2029, holidays: [], workingWeekendDays: [] };
    const agency = { code: '000.00.99.H19', name: { vi: 'Cơ quan thử' }, level: 'province', active: true };
    const writes = [
      { path: '/procedures/2.000815', body },
      { path: '/calendar/2029', body: calendar },
      { path: '/agencies/000.00.99.H19', body: agency },
    ];
    for (const write of writes) {
      expect((await cloud.fetch(write.path, { method: 'PUT', body: write.body })).status).toBe(401);
      for (const token of [citizen, officer]) {
        const res = await cloud.fetch(write.path, { method: 'PUT', token, body: write.body });
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    const imported = await cloud.fetch('/catalog/imports', {
      method: 'POST',
      token: officer,
      body: { kind: 'agencies', content: '[]' },
    });
    expect(imported.status).toBe(403);
    expect((await cloud.fetch('/catalog/exports/agencies', { token: citizen })).status).toBe(403);
    // /agencies/{code} is write-only (the list carries every agency): the refused PUTs stored nothing.
    expect((await cloud.fetch('/agencies')).json.map((a: { code: string }) => a.code)).not.toContain('000.00.99.H19');
    expect((await cloud.fetch('/calendar/2029')).status).toBe(404);
  });

  test('an invalid procedure is a 400 problem naming the field, in Vietnamese by default and English on request', async () => {
    const body = await procedureBody('2.000815');
    body.mode = 'sometimes';
    body.fees[0].tiers[1].fromPage = 4;

    const vi = await cloud.fetch('/procedures/2.000815', { method: 'PUT', token: admin, body });
    expect(vi.status).toBe(400);
    expect(vi.headers.get('content-type')).toContain('application/problem+json');
    expect(vi.json.title).toBe('Dữ liệu không hợp lệ');
    expect(vi.json.errors.map((e: { path: string }) => e.path)).toContain('body.mode');

    const en = await cloud.fetch('/procedures/2.000815', {
      method: 'PUT',
      token: admin,
      body,
      headers: { 'accept-language': 'en' },
    });
    expect(en.status).toBe(400);
    expect(en.json.title).toBe('Invalid request');
    const enMode = en.json.errors.find((e: { path: string }) => e.path === 'body.mode');
    const viMode = vi.json.errors.find((e: { path: string }) => e.path === 'body.mode');
    expect(enMode.message).not.toBe(viMode.message);

    body.mode = 'partial';
    const crossField = await cloud.fetch('/procedures/2.000815', { method: 'PUT', token: admin, body });
    expect(crossField.status).toBe(400);
    expect(crossField.json.errors.map((e: { path: string }) => e.path)).toEqual(['body.fees.0.tiers.1.fromPage']);

    const unknownAgency = await procedureBody('2.000815');
    unknownAgency.agencyCodes = ['000.09.99.H19'];
    const refused = await cloud.fetch('/procedures/2.000815', { method: 'PUT', token: admin, body: unknownAgency });
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([{ path: 'body.agencyCodes.0', message: 'unknown agency code 000.09.99.H19' }]);

    expect((await cloud.fetch('/procedures/2.000815')).json.version).toBe(1);
  });

  test('agencies: created, updated, the same again a no-op; an unknown parent is refused', async () => {
    const agency = {
      code: '000.00.98.H19',
      name: { vi: 'Ban Quản lý thử nghiệm' },
      level: 'province',
      parentCode: '000.00.00.H19',
      active: true,
    };
    const created = await cloud.fetch('/agencies/000.00.98.H19', { method: 'PUT', token: admin, body: agency });
    expect(created.status).toBe(201);
    const renamed = { ...agency, name: { vi: 'Ban Quản lý thử nghiệm (mới)' } };
    expect((await cloud.fetch('/agencies/000.00.98.H19', { method: 'PUT', token: admin, body: renamed })).status).toBe(
      200,
    );
    expect((await cloud.fetch('/agencies/000.00.98.H19', { method: 'PUT', token: admin, body: renamed })).status).toBe(
      200,
    );
    const events = await eventsFor('catalog.agency_upserted', '000.00.98.H19');
    expect(events.map((e) => e.sequence).sort()).toEqual([1, 2]);

    const list = await cloud.fetch('/agencies');
    expect(list.json.find((a: { code: string }) => a.code === '000.00.98.H19').name.vi).toBe(
      'Ban Quản lý thử nghiệm (mới)',
    );

    const orphan = { ...agency, code: '000.00.97.H19', parentCode: '000.00.96.H19' };
    const refused = await cloud.fetch('/agencies/000.00.97.H19', { method: 'PUT', token: admin, body: orphan });
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0].path).toBe('body.parentCode');
    const mismatch = await cloud.fetch('/agencies/000.00.95.H19', { method: 'PUT', token: admin, body: agency });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.errors[0].path).toBe('body.code');
  });

  test('the calendar refuses a weekday as a working weekend day, and GET reflects a good year', async () => {
    // 2028-01-01 is a Saturday, so 2028-01-05 is a Wednesday and 2028-01-08 a Saturday.
    const bad = {
      year: 2028,
      holidays: [{ date: '2028-01-01', name: 'Tết Dương lịch' }],
      workingWeekendDays: [{ date: '2028-01-05', name: 'Làm bù' }],
    };
    const refused = await cloud.fetch('/calendar/2028', { method: 'PUT', token: admin, body: bad });
    expect(refused.status).toBe(400);
    expect(refused.json.errors.map((e: { path: string }) => e.path)).toEqual(['body.workingWeekendDays.0.date']);
    expect((await cloud.fetch('/calendar/2028')).status).toBe(404);

    const good = { ...bad, workingWeekendDays: [{ date: '2028-01-08', name: 'Làm bù' }] };
    const saved = await cloud.fetch('/calendar/2028', { method: 'PUT', token: admin, body: good });
    expect(saved.status).toBe(200);
    expect((await cloud.fetch('/calendar/2028')).json).toEqual(good);
    expect(await eventsFor('catalog.calendar_updated', '2028')).toHaveLength(1);
    await cloud.fetch('/calendar/2028', { method: 'PUT', token: admin, body: good });
    expect(await eventsFor('catalog.calendar_updated', '2028')).toHaveLength(1);

    const otherYear = await cloud.fetch('/calendar/2027', { method: 'PUT', token: admin, body: good });
    expect(otherYear.status).toBe(400);
    expect(otherYear.json.errors[0].path).toBe('body.year');
  });
});

describe('import and export', () => {
  const header =
    'code,version,status,validFrom,name_vi,field,levels,agencyCodes,mode,processingTime,payBeforeReception,fees,requirements,formSchema,resultType';
  const form = '"{""type"":""object"",""properties"":{},""additionalProperties"":false}"';
  const row = (code: string, mode: string) =>
    `${code},1,published,2026-01-01,Thủ tục thử ${code},Thử nghiệm,"[""province""]","[""000.00.01.H19""]",${mode},` +
    `"{""kind"":""working_days"",""days"":5}",false,[],[],${form},electronic`;

  test('a file with a bad row stores nothing and names row and field', async () => {
    const csv = [header, row('9.000001', 'full'), row('9.000002', 'sometimes')].join('\n');
    const res = await cloud.fetch('/catalog/imports', {
      method: 'POST',
      token: admin,
      body: { kind: 'procedures', format: 'csv', content: csv },
      headers: { 'accept-language': 'en' },
    });
    expect(res.status).toBe(400);
    expect(res.json.detail).toBe('The file has errors in 1 row(s); nothing was imported.');
    expect(res.json.errors).toEqual([expect.objectContaining({ row: 3, field: 'mode', path: 'rows.3.mode' })]);
    expect((await cloud.fetch('/procedures/9.000001')).status).toBe(404);
  });

  test('the CLI prints "row N, field F" for each error, exits 1 and stores nothing', async () => {
    const file = join(workDir, 'procedures-bad.csv');
    const badDate = row('9.000004', 'full').replace('2026-01-01', '2026-13-01');
    writeFileSync(file, [header, row('9.000003', 'full'), badDate].join('\n'));
    // Asynchronously: this process serves the API the CLI calls.
    const run = await runProcess(process.execPath, [
      '--disable-warning=ExperimentalWarning',
      'functions/catalog/cli.ts',
      'import',
      file,
      '--api',
      cloud.url,
    ]);
    expect(run.stderr).toMatch(/^row 3, field validFrom: /m);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect((await cloud.fetch('/procedures/9.000003')).status).toBe(404);
  });

  test('the CLI imports a good file, exports it, and importing the export changes nothing', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    const file = join(workDir, 'procedures-good.csv');
    writeFileSync(file, [header, row('9.000005', 'full'), row('9.000006', 'offline')].join('\n'));
    const code = await runCatalogCli(['import', file, '--api', cloud.url], io);
    expect(lines).toEqual([`imported ${file} (procedures): 2 rows, 2 changed, 0 unchanged, 0 skipped`]);
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe(`imported ${file} (procedures): 2 rows, 2 changed, 0 unchanged, 0 skipped`);
    expect((await cloud.fetch('/procedures/9.000006')).json).toMatchObject({ mode: 'offline', processingDays: 5 });

    const exported = join(workDir, 'procedures-export.csv');
    expect(await runCatalogCli(['export', exported, '--api', cloud.url], io)).toBe(0);
    const text = readFileSync(exported, 'utf8');
    expect(
      text
        .split('\r\n')
        .filter((l) => /^\d\.\d{6},/.test(l))
        .map((l) => l.split(',')[0]),
    ).toContain('9.000005');
    const before = (await outboxEvents()).length;
    expect(await runCatalogCli(['import', exported, '--api', cloud.url], io)).toBe(0);
    expect(lines.at(-1)).toMatch(/ 0 changed, \d+ unchanged, 0 skipped$/);
    expect((await outboxEvents()).length).toBe(before);

    const agencies = join(workDir, 'agencies.json');
    expect(await runCatalogCli(['export', agencies, '--api', cloud.url], io)).toBe(0);
    const exportedAgencies = JSON.parse(readFileSync(agencies, 'utf8')) as { code: string }[];
    expect(exportedAgencies.map((a) => a.code)).toEqual(expect.arrayContaining(seedAgencies.map((a) => a.code)));
    expect(lines.filter((l) => l.startsWith('ERR'))).toEqual([]);
  });

  test('with --table the CLI runs the same use cases straight against DynamoDB', async () => {
    const table = cloud.resources.tables.get('catalog')!.name;
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };

    const bad = join(workDir, 'agencies-bad.json');
    writeFileSync(bad, JSON.stringify([{ code: '000.00.90.H19', name: { vi: 'Thử' }, level: 'city', active: true }]));
    expect(await runCatalogCli(['import', bad, '--table', table], io)).toBe(1);
    expect(lines).toEqual([`ERR ${bad}: nothing was imported`, expect.stringMatching(/^ERR row 1, field level: /)]);
    expect((await cloud.fetch('/agencies')).json.map((a: { code: string }) => a.code)).not.toContain('000.00.90.H19');

    lines.length = 0;
    const exported = join(workDir, 'agencies-direct.csv');
    expect(await runCatalogCli(['export', exported, '--table', table], io)).toBe(0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^exported \\d+ agencies to ${exported}$`))]);
    expect(readFileSync(exported, 'utf8')).toMatch(
      /^code,name_vi,name_en,level,parentCode,oneStopDesk,active,note\r\n/,
    );
  });

  test('the OpenAPI document includes the catalog routes', async () => {
    const res = await cloud.fetch('/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining([
        '/agencies',
        '/procedures',
        '/procedures/{code}',
        '/calendar/{year}',
        '/catalog/imports',
      ]),
    );
  });
});
