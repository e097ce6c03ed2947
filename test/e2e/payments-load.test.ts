/**
 * Money under load, through HTTP on the local cloud: 50 different payments confirmed at the same moment all get
 * VNPay's success answer on the first call, with receipt numbers gapless in every series; and a storm of forged IPNs
 * three times the rejected log's slots stores no more than the bounded log of rejected calls, while the day's reconciliation report
 * still shows its totals and its runs.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REJECTED_LOG_DAYS, REJECTED_LOG_SLOTS } from '#payments/store.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import {
  FEE,
  localStamp,
  OWNER,
  prepareDossiers,
  submittedDossiers,
  useTestGatewayCredentials,
  VNPAY,
  vnpayIpnParams,
  vnpayQuery,
} from '../integration/payments/support.ts';

const AT_ONCE = 50;
/** Three times the bounded log's slots: enough to prove it wraps, not grows (5,100 took 6 minutes in CI). */
const FORGED = REJECTED_LOG_SLOTS * 3;

let cloud: TestCloud;
let owner: string;
let admin: string;
/** Payments created up front, then confirmed together. */
let payments: { paymentId: string; txnRef: string }[] = [];

beforeAll(async () => {
  useTestGatewayCredentials();
  cloud = await startTestCloud();
  await prepareDossiers(cloud);
  owner = await cloud.token({ sub: OWNER, roles: ['citizen'] });
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  const dossiers = await submittedDossiers(cloud, AT_ONCE);
  payments = await Promise.all(
    dossiers.map(async (dossierCode) => {
      const res = await cloud.fetch('/payments', {
        method: 'POST',
        token: owner,
        body: { dossierCode, gateway: 'vnpay' },
        headers: { 'idempotency-key': `load-${randomUUID()}` },
      });
      if (res.status !== 201) throw new Error(`could not create a payment: ${res.status} ${res.text}`);
      return { paymentId: res.json.paymentId as string, txnRef: res.json.txnRef as string };
    }),
  );
});

afterAll(async () => {
  if (cloud) await cloud.stop();
});

const ipn = (query: string) => cloud.fetch(`/payments/vnpay/ipn?${query}`);
const today = (): string => {
  const stamp = localStamp(new Date());
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;
};

/** Every item of this cloud's payments table (read directly: what the storm stored). */
async function tableItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new ScanCommand({ TableName: cloud.resources.tables.get('payments')!.name, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Runs `task` for 0 … count-1, at most `width` at a time. */
async function inWaves(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe('confirmations at the same moment', () => {
  test(`${AT_ONCE} different payments confirmed at once all get RspCode 00 on the first call`, async () => {
    const queries = payments.map((p) => vnpayQuery(vnpayIpnParams(p.txnRef, FEE, VNPAY.tmnCode), VNPAY.hashSecret));
    const answers = await Promise.all(queries.map((query) => ipn(query)));
    expect(answers.map((a) => a.json.RspCode)).toEqual(Array<string>(AT_ONCE).fill('00'));

    const paid = await Promise.all(
      payments.map(async (p) => (await cloud.fetch(`/payments/${p.paymentId}`, { token: owner })).json),
    );
    expect(paid.map((p) => p.status)).toEqual(Array<string>(AT_ONCE).fill('paid'));
    // Every series used is numbered 1, 2, 3, … as issued: no gap, no repeat (this cloud has its own tables).
    const bySeries = new Map<string, number[]>();
    for (const { receipt } of paid) {
      const [, series = '', seq = ''] = /^H19-\d{4}-(\d{2})-(\d{6})$/.exec(receipt.number) ?? [];
      expect(series, receipt.number).not.toBe('');
      bySeries.set(series, [...(bySeries.get(series) ?? []), Number(seq)]);
    }
    expect(bySeries.size).toBeGreaterThan(1);
    for (const seqs of bySeries.values()) expect(seqs.sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i + 1));

    // The day's totals count each confirmation once, though they are kept in shards.
    const report = await cloud.fetch(`/payments/reconciliation?date=${today()}`, { token: admin });
    expect(report.json.totals.vnpay).toMatchObject({ paidCount: AT_ONCE, paidAmount: AT_ONCE * FEE });
  });
});

describe('a storm of forged callbacks', () => {
  test(`${FORGED} forged IPNs are refused, stored only in the bounded log, and the report keeps its totals and runs`, async () => {
    const run = await cloud.fetch('/dev/schedules/payments-reconciliation', { method: 'POST' });
    expect(run.status).toBe(200);
    const target = payments[0]!;
    const before = await cloud.fetch(`/payments/${target.paymentId}/callbacks`, { token: admin });
    // The confirmations above still have consumers at work (the dossiers' read model, the processed-event marks):
    // let them finish, so that what the table gains from here on is what the storm stored.
    await cloud.settle(60_000);
    const itemsBefore = new Set((await tableItems()).map((item) => `${item.pk}|${item.sk}`));

    const refused: string[] = [];
    await inWaves(FORGED, 25, async (i) => {
      // Each claims another reference of ours or a made-up one, signed with a wrong secret.
      const txnRef = i % 2 === 0 ? target.txnRef : `MC260101000000${String(i).padStart(6, '0').slice(-6)}`;
      const answer = await ipn(vnpayQuery(vnpayIpnParams(txnRef, FEE, VNPAY.tmnCode), `forged-${i}`));
      if (answer.json.RspCode !== '97') refused.push(answer.text);
    });
    expect(refused).toEqual([]);

    // Nothing is filed under the reference they claim.
    const after = await cloud.fetch(`/payments/${target.paymentId}/callbacks`, { token: admin });
    expect(after.json.items).toEqual(before.json.items);

    const report = await cloud.fetch(`/payments/reconciliation?date=${today()}`, { token: admin });
    expect(report.status, report.text).toBe(200);
    expect(report.json.totals.vnpay).toMatchObject({ paidCount: AT_ONCE, paidAmount: AT_ONCE * FEE });
    expect(report.json.runs.count).toBe(1);
    const forged = report.json.findings.filter((f: { kind: string }) => f.kind === 'invalid_signature');
    expect(forged).toEqual([expect.objectContaining({ subject: 'vnpay', occurrences: FORGED })]);
    expect(report.json.findingsTruncated).toBeUndefined();

    // The rejected calls are kept in a bounded, expiring log: at most its slots, each with a TTL.
    // The table grew by the rejected log's slots at most (and the one finding and the run), not by one item per call.
    const grown = (await tableItems()).filter((item) => !itemsBefore.has(`${item.pk}|${item.sk}`));
    const rejected = grown.filter((item) => String(item.pk).startsWith('REJECTED#'));
    expect(grown.length - rejected.length).toBeLessThanOrEqual(1);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.length).toBeLessThanOrEqual(REJECTED_LOG_SLOTS);
    const nowSeconds = Date.now() / 1000;
    for (const item of rejected) {
      expect(item.expiresAt).toBeGreaterThan(nowSeconds);
      expect(item.expiresAt).toBeLessThanOrEqual(nowSeconds + (REJECTED_LOG_DAYS + 1) * 86_400);
    }
    // FORGED real HTTP requests: a budget for the work, not a time asserted (the rate is in npm run bench).
  }, 180_000);
});
