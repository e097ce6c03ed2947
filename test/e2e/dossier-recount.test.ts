/**
 * The recount of the status counts (decision 0022, recount.ts) on the local cloud: dossiers whose heads nobody
 * counted (written before the counters, or before the heads carried their `countedIn` marker: made here by
 * removing the markers and the counter items after a few transitions) are counted from the heads themselves, so
 * that the counts equal the lists; a second recount changes nothing; a transition racing the recount, in either
 * order around the recount's write (driven by the recount's hook and by the transition's own read, no timing),
 * still leaves the counts exact; and a count below zero is never shown.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyAction } from '#dossiers/domain/decide.ts';
import { workingCalendar } from '#dossiers/read-models.ts';
import { recountStatusCounts } from '#dossiers/recount.ts';
import * as store from '#dossiers/store.ts';
import { writeDecision } from '#dossiers/use-cases.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { seedLocalProvince } from '../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../support/cloud.ts';

const DESK = '000.00.15.H19'; // Sở Tư pháp
const OTHER_AGENCY = '000.00.11.H19'; // Công an tỉnh
const PROCEDURE = '1.999023';
const OWNER = '001099023001';

let cloud: TestCloud;
let owner: string;
let officer: string;
let otherOfficer: string;

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
      name: { vi: 'Thủ tục thử nghiệm đếm lại hồ sơ' },
      field: 'Thử nghiệm',
      levels: ['province'],
      agencyCodes: [DESK],
      mode: 'full',
      processingTime: { kind: 'working_days', days: 5 },
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
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'], name: 'Lê Văn Lại' });
  officer = await cloud.token({ sub: 'officer-r1', roles: ['officer'], agencyCode: DESK, name: 'Cán bộ đếm lại' });
  otherOfficer = await cloud.token({ sub: 'officer-r9', roles: ['officer'], agencyCode: OTHER_AGENCY });
  await cloud.settle();
});

afterAll(async () => {
  await cloud?.stop();
});

async function submitted(): Promise<string> {
  const res = await cloud.fetch('/dossiers', {
    method: 'POST',
    token: owner,
    headers: { 'idempotency-key': `recount-${randomUUID()}` },
    body: {
      procedureCode: PROCEDURE,
      agencyCode: DESK,
      applicant: { idNumber: OWNER, fullName: 'Lê Văn Lại' },
      formData: { hoTen: 'Lê Văn Lại' },
      resultDelivery: 'online',
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.code as string;
}

async function acted(code: string, version: number, action: Record<string, unknown>): Promise<void> {
  const res = await cloud.fetch(`/dossiers/${code}/actions`, {
    method: 'POST',
    token: officer,
    headers: { 'if-match': `"${version}"` },
    body: action,
  });
  expect(res.status, res.text).toBe(200);
}

async function counts(agency = DESK, token = officer): Promise<Record<string, number>> {
  const res = await cloud.fetch(`/agencies/${agency}/dossiers/counts`, { token });
  expect(res.status, res.text).toBe(200);
  return res.json.counts;
}

/** What every status's list holds, page by page: what the counts must equal. */
async function listedCounts(agency = DESK, token = officer): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const status of Object.keys(await counts(agency, token))) {
    let total = 0;
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ status, limit: '100', ...(cursor ? { cursor } : {}) });
      const page = await cloud.fetch(`/agencies/${agency}/dossiers?${query}`, { token });
      expect(page.status, page.text).toBe(200);
      total += page.json.items.length;
      cursor = page.json.nextCursor;
    } while (cursor);
    result[status] = total;
  }
  return result;
}

/** The counts equal the lists at the desk, and also at the other agency unless only the desk was recounted. */
async function expectExact(scope: 'province' | 'desk' = 'province'): Promise<void> {
  expect(await counts()).toEqual(await listedCounts());
  if (scope === 'desk') return;
  expect(await counts(OTHER_AGENCY, otherOfficer)).toEqual(await listedCounts(OTHER_AGENCY, otherOfficer));
}

/**
 * The table as a deployment holding dossiers from before the counters (or before the heads' marker) has it:
 * heads without `countedIn`, no counter items, no recount done.
 */
async function forgetTheCounts(): Promise<void> {
  const client = dynamoDocumentClient();
  const TableName = store.dossiersTableName();
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName,
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
        FilterExpression: 'sk = :head OR begins_with(pk, :counts)',
        ExpressionAttributeValues: { ':head': 'DOSSIER', ':counts': 'COUNTS' },
        ProjectionExpression: 'pk, sk',
      }),
    );
    for (const key of out.Items ?? []) {
      if (key.sk === 'DOSSIER') {
        await client.send(new UpdateCommand({ TableName, Key: key, UpdateExpression: 'REMOVE countedIn' }));
      } else {
        await client.send(new DeleteCommand({ TableName, Key: key }));
      }
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  const left = await client.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `COUNTS#${DESK}` },
      ConsistentRead: true,
    }),
  );
  expect(left.Items ?? []).toEqual([]);
}

const RESULT = {
  number: '23/KQ-TN',
  signer: 'Trần Văn Ký',
  issuedBy: DESK,
  signedAt: '2026-03-03T10:00:00+07:00',
  electronic: true,
};

describe('the recount', () => {
  test('heads nobody counted: counted from the dossiers, equal to the lists; a second recount changes nothing', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await submitted());
    const [a, b, c, d, e] = codes as [string, string, string, string, string, string];
    await acted(a, 1, { type: 'receive' });
    await acted(b, 1, { type: 'reject', reason: 'Không thuộc thẩm quyền' });
    await acted(c, 1, { type: 'receive' });
    await acted(c, 2, { type: 'start-processing' });
    await acted(c, 3, { type: 'resolve', result: RESULT });
    await acted(d, 1, { type: 'receive' });
    await acted(d, 2, { type: 'start-processing' });
    await acted(d, 3, { type: 'transfer', toAgencyCode: OTHER_AGENCY });
    await forgetTheCounts();

    // Before the recount: a transition of an uncounted head counts it where it goes, and takes nothing anywhere.
    await acted(e, 1, { type: 'receive' });
    const before = await counts();
    expect(Object.values(before).every((n) => n >= 0)).toBe(true);
    expect(before.received).toBe(1);

    const first = await recountStatusCounts();
    expect(first.counted).toBe(5);
    await expectExact();
    const exact = await counts();
    expect(exact.submitted).toBeGreaterThanOrEqual(1);

    const second = await recountStatusCounts();
    expect(second.counted).toBe(0);
    expect(second.alreadyCounted).toBe(second.seen);
    expect(await counts()).toEqual(exact);
    expect(await store.wasRecounted()).toBe(true);

    // One agency's recount, after the province's: nothing left to count there either.
    expect((await recountStatusCounts({ agencyCode: DESK })).counted).toBe(0);

    // And the counts go on following the transitions from the recounted heads.
    await acted(a, 2, { type: 'start-processing' });
    await expectExact();
  });

  test('a transition committed between the recount reading a head and counting it: counted once', async () => {
    const raced = await submitted();
    const other = await submitted();
    await forgetTheCounts();
    const interrupted: string[] = [];
    const summary = await recountStatusCounts({
      agencyCode: DESK,
      beforeCounting: async (code) => {
        // The first time the recount is about to count `raced`, an official receives it (a new version).
        if (code !== raced || interrupted.length > 0) return;
        interrupted.push(code);
        await acted(raced, 1, { type: 'receive' });
      },
    });
    expect(interrupted).toEqual([raced]);
    expect(summary.counted).toBeGreaterThanOrEqual(1);
    const now = await store.getHeadCount(raced);
    expect(now?.countedAs).toEqual({ agencyCode: DESK, status: 'received' });
    expect((await store.getHeadCount(other))?.countedAs).toEqual({ agencyCode: DESK, status: 'submitted' });
    // Only the desk was recounted: the dossier transferred away in the first test is still uncounted there.
    await expectExact('desk');
  });

  test('a transition that read the head before the recount counted it, and commits after: counted once', async () => {
    const code = await submitted();
    await forgetTheCounts();
    // The transition's read: the head is not counted yet.
    const read = await store.getDossier(code);
    expect(read?.countedAs).toBeUndefined();
    if (!read) throw new Error('no dossier');
    // The recount counts it meanwhile (same version: the official's ETag stays valid).
    await recountStatusCounts({ agencyCode: DESK });
    expect((await store.getHeadCount(code))?.version).toBe(read.dossier.version);
    // The transition commits as decided on its read: the head's marker changed, so it is written again from where
    // the recount counted it instead of adding it a second time.
    const at = new Date();
    const decision = applyAction(
      read.dossier,
      { type: 'receive' },
      { now: at, actor: { sub: 'officer-r1', role: 'officer', agencyCode: DESK }, calendar: await workingCalendar() },
    );
    const written = await writeDecision(read, decision, at);
    expect(written.dossier.status).toBe('received');
    expect((await store.getHeadCount(code))?.countedAs).toEqual({ agencyCode: DESK, status: 'received' });
    await cloud.settle();
    await expectExact('desk');
  });

  test('a cell summing below zero (counts known wrong) is shown as 0, not as a negative number', async () => {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: store.dossiersTableName(),
        Key: { pk: `COUNTS#${DESK}`, sk: 'COUNTED#stopped#3' },
        UpdateExpression: 'ADD #count :minus SET agencyCode = :agency, #status = :status',
        ExpressionAttributeNames: { '#count': 'count', '#status': 'status' },
        ExpressionAttributeValues: { ':minus': -2, ':agency': DESK, ':status': 'stopped' },
      }),
    );
    expect((await counts()).stopped).toBe(0);
  });
});
