/**
 * The dossiers' consumers against the emulators, fed SQS batches directly (as the Lambda service feeds them):
 * payment.completed applied once as the system action (a redelivery, a second payment and a withdrawn dossier
 * are no-ops; a wrong amount fails only its own record), and the catalog read models keeping the newest
 * agency state whatever the order of delivery. Beside them, a submission drawing a code already taken.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addLocalDays, toLocalDate } from '#calendar/index.ts';
import { parseDossierCode } from '#dossiers/domain/codes.ts';
import type { PaymentEventData } from '#payments/events.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { tableName } from '#platform/env.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { envelope } from '#platform/outbox.ts';
import { seedLocalProvince } from '../../../packages/local-cloud/src/seed.ts';
import { startTestCloud, type TestCloud } from '../../support/cloud.ts';

const DESK = '000.00.15.H19';
const SECOND_DESK = '000.00.02.H19';
const PROCEDURE = '1.999002';
const OWNER = '001099054321';

const PROCEDURE_BODY = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm thanh toán' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [DESK, SECOND_DESK],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 5 },
  payBeforeReception: false,
  fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí', amount: 120_000 }],
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

type Consumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let onPayment: Consumer;
let onCatalog: Consumer;

const context = { functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as Context;

function batch(...events: EventEnvelope[]): SQSEvent {
  return {
    Records: events.map((event) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:test',
      awsRegion: 'ap-southeast-1',
    })),
  };
}

function paymentCompleted(dossierCode: string, amount: number, paymentId = `pay-${randomUUID()}`) {
  const data: PaymentEventData = {
    paymentId,
    dossierCode,
    payerIdNumber: OWNER,
    gateway: 'sandbox',
    txnRef: paymentId,
    amount,
    feeLines: [{ code: 'LE_PHI', name: 'Lệ phí', amount }],
    status: 'paid',
    paidAt: '2026-03-03T10:00:00+07:00',
    channelCode: 2,
  };
  return envelope('payments', { type: 'payment.completed', subject: paymentId, sequence: 1, data });
}

async function dossier(code: string) {
  const res = await cloud.fetch(`/dossiers/${code}`, { token: officer });
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function post(path: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await cloud.fetch(path, { method: 'POST', token, body, headers });
  expect(res.status, res.text).toBeLessThan(300);
  return res.json;
}

const submitBody = {
  procedureCode: PROCEDURE,
  agencyCode: DESK,
  applicant: { idNumber: OWNER, fullName: 'Đỗ Thị Hoa' },
  formData: { hoTen: 'Đỗ Thị Hoa' },
  resultDelivery: 'online',
};

async function dossierAwaitingPayment(): Promise<string> {
  const { code } = await post('/dossiers', owner, submitBody, { 'idempotency-key': `k-${randomUUID()}` });
  await post(`/dossiers/${code}/actions`, officer, { type: 'receive' }, { 'if-match': '1' });
  await post(`/dossiers/${code}/actions`, officer, { type: 'start-processing' }, { 'if-match': '2' });
  await post(`/dossiers/${code}/actions`, officer, { type: 'request-payment' }, { 'if-match': '3' });
  return code;
}

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
  // Imported once the local cloud has set the environment, as the local runtime imports handlers.
  onPayment = (await import('#dossiers/handlers/on-payment-event.ts')).handler as unknown as Consumer;
  onCatalog = (await import('#dossiers/handlers/on-catalog-event.ts')).handler as unknown as Consumer;
});

afterAll(async () => {
  await cloud?.stop();
});

describe('payment.completed', () => {
  test('marks the dossier paid and resumes it, once; a redelivery and a second payment change nothing', async () => {
    const code = await dossierAwaitingPayment();
    const event = paymentCompleted(code, 120_000);

    expect(await onPayment(batch(event), context)).toEqual({ batchItemFailures: [] });
    const paid = await dossier(code);
    expect(paid).toMatchObject({ status: 'processing', paymentStatus: 'paid', paidOnline: true, version: 5 });
    expect(paid.history.at(-1)).toMatchObject({
      action: 'payment-completed',
      from: 'payment_requested',
      to: 'processing',
      by: { sub: 'payments', role: 'system' },
    });

    expect(await onPayment(batch(event), context)).toEqual({ batchItemFailures: [] });
    expect(await onPayment(batch(paymentCompleted(code, 120_000)), context)).toEqual({ batchItemFailures: [] });
    const after = await dossier(code);
    expect(after.version).toBe(5);
    expect(after.history).toHaveLength(paid.history.length);
  });

  test('a wrong amount fails only its own record; a withdrawn dossier takes no payment', async () => {
    const wrong = await dossierAwaitingPayment();
    const withdrawn = await dossierAwaitingPayment();
    await post(`/dossiers/${withdrawn}/withdraw`, owner, {});

    const wrongEvent = paymentCompleted(wrong, 1_000);
    const response = await onPayment(batch(wrongEvent, paymentCompleted(withdrawn, 120_000)), context);
    expect(response.batchItemFailures).toHaveLength(1);
    expect((await dossier(wrong)).status).toBe('payment_requested');
    expect(await dossier(withdrawn)).toMatchObject({ status: 'withdrawn', paymentStatus: 'unpaid' });
  });
});

describe('catalog read models', () => {
  const agency = (active: boolean) => ({
    code: SECOND_DESK,
    name: { vi: 'Sở Nội vụ tỉnh Đồng Nai' },
    level: 'province',
    parentCode: '000.00.00.H19',
    active,
  });
  const upserted = (active: boolean, sequence: number) =>
    envelope('catalog', {
      type: 'catalog.agency_upserted',
      subject: SECOND_DESK,
      sequence,
      data: { agency: agency(active) },
    });

  const submitTo = (agencyCode: string) =>
    cloud.fetch('/dossiers', {
      method: 'POST',
      token: owner,
      headers: { 'idempotency-key': `k-${randomUUID()}`, 'accept-language': 'en' },
      body: {
        procedureCode: PROCEDURE,
        agencyCode,
        applicant: { idNumber: OWNER, fullName: 'Đỗ Thị Hoa' },
        formData: { hoTen: 'Đỗ Thị Hoa' },
        resultDelivery: 'online',
      },
    });

  test('the newest agency state wins whatever the delivery order, and an inactive agency takes no dossier', async () => {
    expect((await submitTo(SECOND_DESK)).status).toBe(201);
    const closed = upserted(false, 1000);
    const stale = upserted(true, 999);
    expect(await onCatalog(batch(closed, stale, closed), context)).toEqual({ batchItemFailures: [] });
    const refused = await submitTo(SECOND_DESK);
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([
      { path: 'body.agencyCode', message: 'this agency does not receive this procedure' },
    ]);
    expect(await onCatalog(batch(upserted(true, 1001)), context)).toEqual({ batchItemFailures: [] });
    expect((await submitTo(SECOND_DESK)).status).toBe(201);
  });
});

describe('dossier codes', () => {
  test('a code already taken (the counter of the day turned back) is skipped for the next number', async () => {
    const first = await post('/dossiers', owner, submitBody, { 'idempotency-key': `k-${randomUUID()}` });
    const parts = parseDossierCode(first.code);
    if (parts === undefined) throw new Error(`not a dossier code: ${first.code}`);
    // Turn the counter back one step, as a restored backup would: the next number drawn is the one just given.
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: tableName('dossiers'),
        Key: { pk: `COUNTER#${parts.agencyCode}#${parts.receptionDate}`, sk: 'COUNTER' },
        UpdateExpression: 'SET #seq = :seq',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':seq': parts.sequence - 1 },
      }),
    );
    const second = await post('/dossiers', owner, submitBody, { 'idempotency-key': `k-${randomUUID()}` });
    expect(parseDossierCode(second.code)).toEqual({ ...parts, sequence: parts.sequence + 1 });
    expect((await dossier(first.code)).version).toBe(1);
  });
});

describe('procedure versions', () => {
  test('a version published to apply later takes over on its first day, with its own fees', async () => {
    // The catalog judges "later" by the real date; the dossiers context by its (movable) clock.
    const later = addLocalDays(toLocalDate(new Date()), 10);
    const admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
    const v2 = {
      ...PROCEDURE_BODY,
      validFrom: later,
      fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí', amount: 150_000 }],
    };
    const published = await cloud.fetch(`/procedures/${PROCEDURE}`, { method: 'PUT', token: admin, body: v2 });
    expect(published.status, published.text).toBe(201);
    await cloud.settle();
    const submitNow = () =>
      post(
        '/dossiers',
        owner,
        {
          procedureCode: PROCEDURE,
          agencyCode: DESK,
          applicant: { idNumber: OWNER, fullName: 'Đỗ Thị Hoa' },
          formData: { hoTen: 'Đỗ Thị Hoa' },
          resultDelivery: 'online',
        },
        { 'idempotency-key': `k-${randomUUID()}` },
      );
    try {
      expect(await submitNow()).toMatchObject({ procedureVersion: 1, feeTotal: 120_000 });
      await cloud.fetch('/dev/clock', { method: 'POST', body: { now: `${addLocalDays(later, -1)}T23:59:00+07:00` } });
      expect(await submitNow()).toMatchObject({ procedureVersion: 1, feeTotal: 120_000 });
      await cloud.fetch('/dev/clock', { method: 'POST', body: { now: `${later}T00:01:00+07:00` } });
      expect(await submitNow()).toMatchObject({ procedureVersion: 2, feeTotal: 150_000 });
    } finally {
      await cloud.fetch('/dev/clock', { method: 'DELETE' });
    }
  });
});
