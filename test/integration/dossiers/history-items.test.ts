/**
 * A dossier's history as its own items (issue #16, decision 0021) against DynamoDB Local: a transition writes
 * the head and its new entry, so the head stays small however long the history; the whole dossier is one Query
 * of its partition (slips beside it stay out); a head written before the history moved out (history inside) is
 * read whole and moved out by its next write.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { tableName } from '#platform/env.ts';
import { seedLocalProvince } from '../../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../../support/cloud.ts';

const DESK = '000.00.15.H19';
const PROCEDURE = '1.999016';
const OWNER = '001099054316';

const PROCEDURE_BODY = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm lịch sử hồ sơ' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [DESK],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 5 },
  payBeforeReception: false,
  fees: [],
  requirements: [],
  formSchema: {
    type: 'object',
    properties: { hoTen: { type: 'string', title: 'Họ tên' } },
    required: ['hoTen'],
    additionalProperties: false,
  },
  resultType: 'electronic',
};

let cloud: TestCloud;
let owner: string;
let officer: string;
let store: typeof import('#dossiers/store.ts');

const db = () => dynamoDocumentClient();
const headKey = (code: string) => ({ pk: `DOSSIER#${code}`, sk: 'DOSSIER' });

async function post(path: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await cloud.fetch(path, { method: 'POST', token, body, headers });
  expect(res.status, res.text).toBeLessThan(300);
  return res.json;
}

async function submit(): Promise<string> {
  const body = {
    procedureCode: PROCEDURE,
    agencyCode: DESK,
    applicant: { idNumber: OWNER, fullName: 'Lê Văn Sử' },
    formData: { hoTen: 'Lê Văn Sử' },
    resultDelivery: 'online',
  };
  return (await post('/dossiers', owner, body, { 'idempotency-key': `k-${randomUUID()}` })).code;
}

async function head(code: string): Promise<Record<string, unknown>> {
  const out = await db().send(
    new GetCommand({ TableName: tableName('dossiers'), Key: headKey(code), ConsistentRead: true }),
  );
  if (!out.Item) throw new Error(`no head item for ${code}`);
  return out.Item;
}

async function historyItems(code: string): Promise<Record<string, unknown>[]> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName('dossiers'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
      ExpressionAttributeValues: { ':pk': `DOSSIER#${code}`, ':h': 'H#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const bytes = (item: unknown) => Buffer.byteLength(JSON.stringify(item), 'utf8');

beforeAll(async () => {
  cloud = await startTestCloud();
  await seedLocalProvince(cloud);
  const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const published = await cloud.fetch(`/procedures/${PROCEDURE}`, {
    method: 'PUT',
    token: admin,
    body: PROCEDURE_BODY,
  });
  if (published.status >= 300) throw new Error(published.text);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'] });
  officer = await cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: DESK });
  await cloud.settle();
  // Imported once the local cloud has set the environment.
  store = await import('#dossiers/store.ts');
});

afterAll(async () => {
  await cloud?.stop();
});

describe("a dossier's history as items", () => {
  test('30 actions later the head has grown by none of the entries; the history is its own items, in order', async () => {
    const code = await submit();
    await post(`/dossiers/${code}/actions`, officer, { type: 'receive' }, { 'if-match': '1' });
    const afterFirst = bytes(await head(code));
    let version = 2;
    for (let round = 0; round < 15; round++) {
      const reason = `Thiếu bản sao có chứng thực, lần ${round + 1} — xin bổ sung đầy đủ theo quy định`;
      await post(
        `/dossiers/${code}/actions`,
        officer,
        { type: 'request-supplement', reason },
        { 'if-match': `${version}` },
      );
      // A long note: it is in the history entry only, so it must not make the head grow.
      const note = `Đã bổ sung lần ${round + 1}: ${'bản sao có chứng thực, tờ khai đã sửa. '.repeat(35)}`;
      await post(`/dossiers/${code}/supplement`, owner, { documents: [], note });
      version += 2;
    }
    const item = await head(code);
    expect(item.version).toBe(32);
    expect(item.historyCount).toBe(32);
    expect((item.dossier as Record<string, unknown>).history).toBeUndefined();
    const entries = await historyItems(code);
    // The head grows only by what the dossier itself keeps per round (the supplementation round, the appointment
    // moved, in the dossier and its listing), never by the entries (here ~1.4 KB of note each).
    const historyBytes = entries.reduce((sum, e) => sum + bytes(e.entry), 0);
    expect(historyBytes).toBeGreaterThan(20 * 1024);
    expect(bytes(item) - afterFirst).toBeLessThan(8 * 1024);
    expect(bytes(item)).toBeLessThan(16 * 1024);

    expect(entries.map((e) => e.sk)).toEqual(
      Array.from({ length: 32 }, (_, i) => `H#${String(i + 1).padStart(6, '0')}`),
    );
    // In no list index: a history item carries no index key.
    for (const e of entries) expect(Object.keys(e).sort()).toEqual(['entry', 'pk', 'sk']);
    expect(entries.map((e) => (e.entry as { action: string }).action)).toEqual([
      'submit',
      'receive',
      ...Array.from({ length: 15 }, () => ['request-supplement', 'supplement']).flat(),
    ]);

    const stored = await store.getDossier(code);
    expect(stored?.storedHistory).toBe(32);
    expect(stored?.dossier.history).toEqual(entries.map((e) => e.entry));
    const viewed = await cloud.fetch(`/dossiers/${code}`, { token: officer });
    expect(viewed.json.history).toEqual(stored?.dossier.history);
  });

  test("the dossier's Query leaves the slips beside it out; an unknown code is undefined", async () => {
    const code = await submit();
    await db().send(
      new PutCommand({
        TableName: tableName('dossiers'),
        Item: { pk: `DOSSIER#${code}`, sk: 'SLIP#receipt#vi', pdf: 'x', sha256: 'y' },
      }),
    );
    const stored = await store.getDossier(code);
    expect(stored?.dossier.history.map((e) => e.action)).toEqual(['submit']);
    expect(await store.getDossier(`${code.slice(0, -4)}9999`)).toBeUndefined();
    // An eventually consistent read (the public status lookup) assembles the same dossier.
    expect((await store.getDossier(code, false))?.dossier).toEqual(stored?.dossier);
  });
});

describe('a head written before the history moved out', () => {
  test('is read whole, and its next write moves every entry out', async () => {
    const code = await submit();
    // The old shape: the history inside the head, no historyCount, no history items.
    const current = await head(code);
    const [first] = await historyItems(code);
    const { historyCount: _count, ...legacy } = current;
    legacy.dossier = { ...(current.dossier as Record<string, unknown>), history: [first!.entry] };
    await db().send(new PutCommand({ TableName: tableName('dossiers'), Item: legacy }));
    await db().send(new DeleteCommand({ TableName: tableName('dossiers'), Key: { pk: first!.pk, sk: first!.sk } }));

    const read = await store.getDossier(code);
    expect(read?.storedHistory).toBe(0);
    expect(read?.dossier.history).toEqual([first!.entry]);
    const viewed = await cloud.fetch(`/dossiers/${code}`, { token: officer });
    expect(viewed.json.history).toEqual([first!.entry]);

    await post(`/dossiers/${code}/actions`, officer, { type: 'receive' }, { 'if-match': '1' });
    const moved = await head(code);
    expect((moved.dossier as Record<string, unknown>).history).toBeUndefined();
    expect(moved.historyCount).toBe(2);
    const entries = await historyItems(code);
    expect(entries.map((e) => [e.sk, (e.entry as { action: string }).action])).toEqual([
      ['H#000001', 'submit'],
      ['H#000002', 'receive'],
    ]);
    const after = await store.getDossier(code);
    expect(after?.storedHistory).toBe(2);
    expect(after?.dossier.history[0]).toEqual(first!.entry);
  });
});
