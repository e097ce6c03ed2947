/**
 * Bounds on what a request may make us store, and cursors that cannot reach DynamoDB unless they are one of
 * ours: each case here was a 5xx (or a stuck dossier) before; now a 4xx problem that changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedLocalProvince } from '#local-cloud/seed.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { simpleProcedure } from '#test/support/procedures.ts';

const DESK = '000.00.15.H19';
const PROCEDURE = '1.999010';
const OWNER = '001099077777';

let cloud: TestCloud;
let admin: string;
let citizen: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  citizen = await cloud.token({ sub: OWNER, roles: ['citizen'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: simpleProcedure({
      agencyCodes: [DESK],
      validFrom: '2025-07-01',
      name: { vi: 'Thủ tục thử giới hạn', en: 'Bounds test procedure' },
    }),
  });
  if (published.status >= 300) throw new Error(`could not publish the test procedure: ${published.text}`);
  await dossiersKnowProcedure();
});

/** The dossiers context has its copy of the test procedure (after that, nothing of ours is in flight). */
async function dossiersKnowProcedure(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: cloud.resources.tables.get('dossiers')!.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PROCEDURE#${PROCEDURE}` },
        ConsistentRead: true,
      }),
    );
    if ((found.Items ?? []).length > 0) return;
    if (Date.now() > deadline) throw new Error('the dossiers context never received the test procedure');
    await new Promise((r) => setTimeout(r, 100));
  }
}
afterAll(async () => {
  await cloud?.stop();
});

/** Every item of the tables these requests write (catalog, dossiers), to prove a refused request wrote nothing. */
async function snapshot(): Promise<string> {
  const all: unknown[] = [];
  for (const table of ['catalog', 'dossiers'].map((name) => cloud.resources.tables.get(name)!)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoDocumentClient().send(
        new ScanCommand({ TableName: table.name, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      all.push(...(page.Items ?? []).map((i) => JSON.stringify(i)).sort());
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return JSON.stringify(all);
}

function submit(formData: unknown) {
  return cloud.fetch('/dossiers', {
    method: 'POST',
    token: citizen,
    headers: { 'idempotency-key': `key-${randomUUID()}`, 'accept-language': 'en' },
    body: {
      procedureCode: PROCEDURE,
      agencyCode: DESK,
      applicant: { idNumber: OWNER, fullName: 'Tran Van Bao' },
      formData,
      documents: [],
      resultDelivery: 'online',
    },
  });
}

describe('request bodies', () => {
  test('formData nested 5,000 levels is a 400 and nothing is written', async () => {
    // Built as text: the test's own JSON.stringify would overflow on it just as the server's hash did.
    const deep = `${'{"a":'.repeat(5000)}"x"${'}'.repeat(5000)}`;
    const before = await snapshot();
    const res = await cloud.fetch('/dossiers', {
      method: 'POST',
      token: citizen,
      headers: { 'idempotency-key': `key-${randomUUID()}`, 'content-type': 'application/json' },
      rawBody: `{"procedureCode":"${PROCEDURE}","agencyCode":"${DESK}","applicant":{"idNumber":"${OWNER}","fullName":"Tran Van Bao"},"formData":{"hoTen":${deep}},"documents":[],"resultDelivery":"online"}`,
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: 'body', message: 'nested more than 32 levels' }]);
    expect(await snapshot()).toBe(before);
  });

  test('a 2 MB formData (a field without maxLength) is a 400 naming the limit, and nothing is written', async () => {
    const before = await snapshot();
    const res = await submit({ hoTen: 'An', ghiChu: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain('body.formData.ghiChu');
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'x'.repeat(9_000)]));
    const wide = await submit(many);
    expect(wide.status).toBe(400);
    expect(wide.json.errors).toContainEqual({ path: 'body.formData', message: expect.stringMatching(/65536/) });
    expect(await snapshot()).toBe(before);
  });

  test('a procedure whose schema has a 40,000-value enum is a 400, and a 461 KB one is refused as a 4xx', async () => {
    const before = await snapshot();
    const base = simpleProcedure({ agencyCodes: [DESK], validFrom: '2025-07-01', name: { vi: 'Lớn', en: 'Big' } });
    const values = Array.from({ length: 40_000 }, (_, i) => `giá trị ${i}`);
    const enumRes = await cloud.fetch('/procedures/1.999011', {
      method: 'PUT',
      token: admin,
      body: {
        ...base,
        formSchema: { ...base.formSchema, properties: { loai: { type: 'string', title: 'Loại', enum: values } } },
      },
    });
    expect(enumRes.status).toBe(400);
    // 200 fields with the longest descriptions and enums allowed: every part within its bound, the whole not.
    const fields = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [
        `f${i}`,
        { type: 'string', title: 'T'.repeat(200), description: 'D'.repeat(1000), enum: ['x'.repeat(400), 'y'] },
      ]),
    );
    const big = await cloud.fetch('/procedures/1.999012', {
      method: 'PUT',
      token: admin,
      body: { ...base, formSchema: { ...base.formSchema, properties: fields, required: [] } },
    });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
    expect(await snapshot()).toBe(before);
  });
});

describe('pagination cursors', () => {
  const tampered = [
    ['not base64 JSON', '%%%'],
    ['JSON of the wrong shape', Buffer.from('[1,2]').toString('base64url')],
    [
      'a key of another partition',
      Buffer.from(JSON.stringify({ pk: 'X', sk: 'Y', gsi1pk: 'OWNER#0', gsi1sk: 'Z' })).toString('base64url'),
    ],
    ['a key with an object value', Buffer.from(JSON.stringify({ pk: { S: 'x' }, sk: 'y' })).toString('base64url')],
  ];

  test.each(tampered)('/me/documents with %s is a 400', async (_what, cursor) => {
    const res = await cloud.fetch(`/me/documents?cursor=${encodeURIComponent(cursor)}`, { token: citizen });
    expect(res.status, res.text).toBe(400);
    expect(res.json.errors).toEqual([{ path: 'query.cursor', message: 'invalid cursor' }]);
  });

  test.each(tampered)('/documents/{id}/accesses with %s is a 4xx', async (_what, cursor) => {
    const res = await cloud.fetch(`/documents/doc-${randomUUID()}/accesses?cursor=${encodeURIComponent(cursor)}`, {
      token: citizen,
    });
    expect([400, 404]).toContain(res.status);
  });

  test.each(tampered)('/sync/failures with %s is a 400', async (_what, cursor) => {
    const res = await cloud.fetch(`/sync/failures?cursor=${encodeURIComponent(cursor)}`, { token: admin });
    expect(res.status, res.text).toBe(400);
  });

  test.each(tampered)('/me/dossiers and /procedures with %s are 400s', async (_what, cursor) => {
    expect((await cloud.fetch(`/me/dossiers?cursor=${encodeURIComponent(cursor)}`, { token: citizen })).status).toBe(
      400,
    );
    expect((await cloud.fetch(`/procedures?cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);
  });

  test('a real cursor still pages', async () => {
    const first = await cloud.fetch('/procedures?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await cloud.fetch(`/procedures?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.status).toBe(200);
    expect(second.json.items[0].code).not.toBe(first.json.items[0].code);
  });
});

describe('found by the fuzz test (test/e2e/fuzz.test.ts)', () => {
  test('a "__proto__" or "constructor" key anywhere in a body is a 400 naming it, and nothing is written', async () => {
    // Both once reached DynamoDB's marshaller, which types an object by its `constructor`: a 500.
    const before = await snapshot();
    const body = `{"procedureCode":"${PROCEDURE}","agencyCode":"${DESK}","applicant":{"idNumber":"${OWNER}","fullName":"Tran Van Bao","__proto__":{"isAdmin":true}},"formData":{"hoTen":"An"},"documents":[],"resultDelivery":"online"}`;
    const proto = await cloud.fetch('/dossiers', {
      method: 'POST',
      token: citizen,
      headers: { 'idempotency-key': `key-${randomUUID()}`, 'content-type': 'application/json' },
      rawBody: body,
    });
    expect(proto.status, proto.text).toBe(400);
    expect(proto.json.errors).toEqual([{ path: 'body.applicant.__proto__', message: '"__proto__" is a reserved key' }]);
    const ctor = await cloud.fetch('/portal/dvcqg/dossiers', {
      method: 'POST',
      headers: { authorization: 'Bearer dev-dvcqg-intake-token' },
      body: { MaHoSo: 'G22-FUZZ-1', constructor: { prototype: { x: 1 } } },
    });
    expect(ctor.status, ctor.text).toBe(400);
    expect(ctor.json.errors).toEqual([{ path: 'body.constructor', message: '"constructor" is a reserved key' }]);
    expect(await snapshot()).toBe(before);
  });

  test('a cursor on the agencies export (one page, never a cursor of ours) is a 400, not ignored', async () => {
    const res = await cloud.fetch(
      `/catalog/exports/agencies?cursor=${Buffer.from('{"pk":"x"}').toString('base64url')}`,
      {
        token: admin,
      },
    );
    expect(res.status, res.text).toBe(400);
    expect(res.json.errors).toEqual([{ path: 'query.cursor', message: 'invalid cursor' }]);
    expect((await cloud.fetch('/catalog/exports/agencies', { token: admin })).status).toBe(200);
  });

  // `constructor` is on every object's prototype (the one such name the asset pattern lets through): once a 500.
  test.each(['constructor', 'no-such-asset.js'])('GET /docs/%s is a 404', async (asset) => {
    const res = await cloud.fetch(`/docs/${asset}`);
    expect(res.status, res.text).toBe(404);
  });
});
