/**
 * The only code that touches the payments table. Single-table design (access patterns in topology.ts):
 *
 * | item                  | pk                             | sk                                   | gsi1pk / gsi1sk          |
 * |-----------------------|--------------------------------|--------------------------------------|--------------------------|
 * | payment               | PAYMENT#<id>                   | PAYMENT                              | PENDING / <exp>#<id> (*) |
 * | merchant reference    | TXNREF#<txnRef>                | TXNREF                               | —                        |
 * | dossier read model    | DOSSIER#<code>                 | DOSSIER                              | —                        |
 * | dossier's payments    | DOSSIER#<code>                 | PAYMENT#<created, UTC>#<payment id>  | —                        |
 * | raw callback log      | CALLBACKS#<txnRef>             | <received>#<callback id>#raw|result  | —                        |
 * | receipt number series | RECEIPT_SEQ#<province>#<year>  | RECEIPT_SEQ                          | —                        |
 * | reconciliation day    | RECON#<YYYY-MM-DD>             | FINDING#<kind>#<subject> | RUN#… | TOTALS | —              |
 * | sandbox outcome       | SANDBOX#<txnRef>               | OUTCOME                              | —                        |
 * (*) REFUNDING / <requested>#<id> instead while a refund awaits the gateway; neither once settled.
 *
 * The payment is stored whole in one attribute (`payment`) so no key or bookkeeping attribute can collide
 * with a field; `version` beside it is what writes are conditioned on. Writes that belong to a use case's
 * transaction are returned as transaction items; the callback log and the findings are written at once.
 * Receipt number series are read and taken by `receipts.ts` (the published `issueReceiptNumber`).
 */
import { createHash, randomInt } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { toLocalDate } from '#calendar/time.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { isConditionalCheckFailed, type TransactItem, ttlAfterDays } from '#platform/dynamo.ts';
import { optionalEnv, tableName } from '#platform/env.ts';
import type { Finding, FindingKind, ReconcileResult } from './api/schemas.ts';
import { type FeeLine, type Payment, paymentSchema } from './domain/payment.ts';
import type { SandboxOutcome } from './domain/sandbox.ts';
import { TXN_REF_PATTERN } from './domain/vnpay.ts';
import type { PaymentGateway } from './events.ts';

/** Physical name of the payments table (read at call time: the local runtime sets it after import). */
export const paymentsTableName = (): string => tableName('payments');

const client = () => dynamoDocumentClient();

const paymentKey = (id: string) => ({ pk: `PAYMENT#${id}`, sk: 'PAYMENT' });
const txnRefKey = (txnRef: string) => ({ pk: `TXNREF#${txnRef}`, sk: 'TXNREF' });
const dossierKey = (code: string) => ({ pk: `DOSSIER#${code}`, sk: 'DOSSIER' });
const reconPk = (date: string) => `RECON#${date}`;
const lookupKey = (lookupCode: string) => ({ pk: `LOOKUP#${lookupCode}`, sk: 'LOOKUP' });
const sandboxKey = (txnRef: string) => ({ pk: `SANDBOX#${txnRef}`, sk: 'OUTCOME' });

const PENDING_LIST = 'PENDING';
const REFUNDING_LIST = 'REFUNDING';
const utc = (iso: string): string => new Date(iso).toISOString();

async function getItem(key: Record<string, string>, consistent = true): Promise<Record<string, unknown> | undefined> {
  const out = await client().send(
    new GetCommand({ TableName: paymentsTableName(), Key: key, ConsistentRead: consistent }),
  );
  return out.Item;
}

async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, max = 1000): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client().send(
      new QueryCommand({ ...input, TableName: paymentsTableName(), ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length < max);
  return items.slice(0, max);
}

// ---------------------------------------------------------------------------------------------------------
// Payments

function paymentItem(payment: Payment): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...paymentKey(payment.paymentId),
    payment,
    version: payment.version,
    status: payment.status,
    gateway: payment.gateway,
    dossierCode: payment.dossierCode,
    txnRef: payment.txnRef,
  };
  const refunding = payment.refunds.find((r) => r.status === 'pending');
  if (payment.status === 'pending') {
    item.gsi1pk = PENDING_LIST;
    item.gsi1sk = `${utc(payment.expiresAt)}#${payment.paymentId}`;
  } else if (refunding) {
    item.gsi1pk = REFUNDING_LIST;
    item.gsi1sk = `${utc(refunding.requestedAt)}#${payment.paymentId}`;
  }
  return item;
}

export async function getPayment(paymentId: string): Promise<Payment | undefined> {
  const item = await getItem(paymentKey(paymentId));
  return item ? paymentSchema.parse(item.payment) : undefined;
}

export async function getPaymentByTxnRef(txnRef: string): Promise<Payment | undefined> {
  const pointer = await getItem(txnRefKey(txnRef));
  return pointer ? getPayment(String(pointer.paymentId)) : undefined;
}

/** A new payment and its merchant reference; both must be new (a reused reference fails the transaction). */
export function paymentCreateItems(payment: Payment, redirectUrl: string): TransactItem[] {
  const table = paymentsTableName();
  return [
    {
      Put: {
        TableName: table,
        Item: { ...paymentItem(payment), redirectUrl },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...txnRefKey(payment.txnRef), paymentId: payment.paymentId, createdAt: payment.createdAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    // Beside the dossier's copy, so one query lists the dossier's payments (GET /dossiers/{code}/payments).
    { Put: { TableName: table, Item: { ...dossierPaymentKey(payment), paymentId: payment.paymentId } } },
  ];
}

const dossierPaymentKey = (payment: Pick<Payment, 'dossierCode' | 'createdAt' | 'paymentId'>) => ({
  pk: `DOSSIER#${payment.dossierCode}`,
  sk: `PAYMENT#${utc(payment.createdAt)}#${payment.paymentId}`,
});

/** Every payment of a dossier, online and at the desk, newest first. */
export async function listDossierPayments(dossierCode: string, max = 100): Promise<Payment[]> {
  const pointers = await queryAll(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `DOSSIER#${dossierCode}`, ':prefix': 'PAYMENT#' },
      ScanIndexForward: false,
      ConsistentRead: true,
    },
    max,
  );
  const payments = await Promise.all(pointers.map((item) => getPayment(String(item.paymentId))));
  return payments.filter((payment): payment is Payment => payment !== undefined);
}

/** The payment as changed, on condition that it is still at the version the change was decided on. */
export function paymentUpdateItem(payment: Payment, previousVersion: number, redirectUrl?: string): TransactItem {
  return {
    Put: {
      TableName: paymentsTableName(),
      Item: { ...paymentItem(payment), ...(redirectUrl ? { redirectUrl } : {}) },
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': previousVersion },
    },
  };
}

export async function getRedirectUrl(paymentId: string): Promise<string | undefined> {
  const item = await getItem(paymentKey(paymentId));
  return typeof item?.redirectUrl === 'string' ? item.redirectUrl : undefined;
}

/** Ids of pending payments whose expiry is before `beforeIso`, soonest first. */
export async function listPendingExpiredBefore(beforeIso: string, limit: number): Promise<string[]> {
  const items = await queryAll(
    {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :list AND gsi1sk < :before',
      ExpressionAttributeValues: { ':list': PENDING_LIST, ':before': utc(beforeIso) },
      ProjectionExpression: 'pk',
    },
    limit,
  );
  return items.map((item) => String(item.pk).slice('PAYMENT#'.length));
}

/** Pending payments, soonest expiry first (the sandbox index page shows a few). */
export async function listPending(limit: number): Promise<Payment[]> {
  const items = await queryAll(
    {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :list',
      ExpressionAttributeValues: { ':list': PENDING_LIST },
      Limit: limit,
    },
    limit,
  );
  return items.map((item) => paymentSchema.parse(item.payment));
}

/** Ids of payments with a refund recorded and not yet settled at the gateway, oldest request first. */
export async function listRefunding(limit: number): Promise<string[]> {
  const items = await queryAll(
    {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :list',
      ExpressionAttributeValues: { ':list': REFUNDING_LIST },
      ProjectionExpression: 'pk',
    },
    limit,
  );
  return items.map((item) => String(item.pk).slice('PAYMENT#'.length));
}

// ---------------------------------------------------------------------------------------------------------
// The dossiers read model

/** What payments keeps of a dossier, from the snapshot every dossier.* event carries. */
export interface DossierCopy {
  code: string;
  ownerIdNumber: string;
  ownerName?: string;
  agencyCode: string;
  currentAgencyCode: string;
  /** The desk that took the dossier in (counter and postal intake), when it is not the competent agency. */
  receivingAgencyCode?: string;
  procedureCode: string;
  procedureName: string;
  status: string;
  fees: FeeLine[];
  feeTotal: number;
  paymentStatus?: string;
  /** The national portal's id of a dossier it forwarded (its MaHoSo), named on the platform's bills. */
  nationalDossierId?: string;
}

export interface DossierRecord {
  dossier: DossierCopy;
  /** The dossier version (event sequence) the copy is at. */
  version: number;
  /** The last payment created for the dossier, while it may still be pending. */
  activePaymentId?: string;
  /** The first payment that was paid. */
  paidPaymentId?: string;
}

export async function getDossier(code: string): Promise<DossierRecord | undefined> {
  const item = await getItem(dossierKey(code));
  if (!item) return undefined;
  const record: DossierRecord = { dossier: item.dossier as DossierCopy, version: Number(item.dossierVersion) };
  if (typeof item.activePaymentId === 'string') record.activePaymentId = item.activePaymentId;
  if (typeof item.paidPaymentId === 'string') record.paidPaymentId = item.paidPaymentId;
  return record;
}

/**
 * The pointer from a dossier's lookup code on the national payment platform to the dossier (the code is a hash
 * of the dossier code, `paymentLookupCode`). Unconditional: writing it again writes the same item.
 */
export function lookupPointerPut(lookupCode: string, dossierCode: string): TransactItem {
  return { Put: { TableName: paymentsTableName(), Item: { ...lookupKey(lookupCode), dossierCode } } };
}

/** The dossier a lookup code names, if the read model has it. */
export async function dossierCodeByLookup(lookupCode: string): Promise<string | undefined> {
  const item = await getItem(lookupKey(lookupCode));
  return typeof item?.dossierCode === 'string' ? item.dossierCode : undefined;
}

/** The dossier's copy, replaced only by a newer version (stale and repeated events change nothing). */
export function dossierCopyUpdate(copy: DossierCopy, version: number, at: Date): TransactItem {
  return {
    Update: {
      TableName: paymentsTableName(),
      Key: dossierKey(copy.code),
      UpdateExpression: 'SET dossier = :dossier, dossierVersion = :version, updatedAt = :at',
      ConditionExpression: 'attribute_not_exists(dossierVersion) OR dossierVersion < :version',
      ExpressionAttributeValues: { ':dossier': copy, ':version': version, ':at': at.toISOString() },
    },
  };
}

/** Condition on the dossier copy being exactly as read (so the decision made from it still holds). */
function asRead(record: DossierRecord): { expression: string; values: Record<string, unknown> } {
  const parts = ['dossierVersion = :readVersion'];
  const values: Record<string, unknown> = { ':readVersion': record.version };
  if (record.activePaymentId) {
    parts.push('activePaymentId = :readActive');
    values[':readActive'] = record.activePaymentId;
  } else {
    parts.push('attribute_not_exists(activePaymentId)');
  }
  if (record.paidPaymentId) {
    parts.push('paidPaymentId = :readPaid');
    values[':readPaid'] = record.paidPaymentId;
  } else {
    parts.push('attribute_not_exists(paidPaymentId)');
  }
  return { expression: parts.join(' AND '), values };
}

/** Makes `paymentId` the dossier's active payment, if the dossier is still as read. */
export function activePaymentUpdate(record: DossierRecord, paymentId: string): TransactItem {
  const condition = asRead(record);
  return {
    Update: {
      TableName: paymentsTableName(),
      Key: dossierKey(record.dossier.code),
      UpdateExpression: 'SET activePaymentId = :paymentId',
      ConditionExpression: condition.expression,
      ExpressionAttributeValues: { ...condition.values, ':paymentId': paymentId },
    },
  };
}

/** Records that `paymentId` was paid (the first paid payment stays the dossier's), if the dossier is as read. */
export function paidPaymentUpdate(record: DossierRecord, paymentId: string): TransactItem {
  const condition = asRead(record);
  return {
    Update: {
      TableName: paymentsTableName(),
      Key: dossierKey(record.dossier.code),
      UpdateExpression: 'SET paidPaymentId = if_not_exists(paidPaymentId, :paymentId)',
      ConditionExpression: condition.expression,
      ExpressionAttributeValues: { ...condition.values, ':paymentId': paymentId },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The raw callback log (append only: every entry is a Put that must be new)

/** Raw bodies and queries are kept whole up to this size; beyond it, truncated with the digest of the whole. */
const MAX_RAW_CHARS = 32_000;

export interface RawCallbackEntry {
  route: string;
  method: string;
  rawQuery: string;
  rawBody: string;
  sourceIp: string;
  userAgent?: string;
  /** The reference the callback claims (unverified), to file it under; undefined when it names none. */
  claimedTxnRef: string | undefined;
  receivedAt: Date;
  callbackId: string;
}

export interface CallbackRef {
  pk: string;
  skBase: string;
  /** When the raw entry expires (TTL, epoch seconds); its result entry expires with it. */
  expiresAt: number;
}

function logPartition(claimedTxnRef: string | undefined, receivedAt: Date): string {
  if (claimedTxnRef && claimedTxnRef.length <= 100 && TXN_REF_PATTERN.test(claimedTxnRef)) {
    return `CALLBACKS#${claimedTxnRef}`;
  }
  return `CALLBACKS#~unattributed#${toLocalDate(receivedAt)}`;
}

function clip(text: string): { text: string; truncated: boolean } {
  return text.length <= MAX_RAW_CHARS
    ? { text, truncated: false }
    : { text: text.slice(0, MAX_RAW_CHARS), truncated: true };
}

/**
 * How long a signed callback and its result are kept (the province's `retention.paymentCallbacksDays`), counted
 * from when it arrived; then DynamoDB's TTL removes both entries.
 */
export const callbackRetentionDays = (): number => Number(optionalEnv('PAYMENT_CALLBACKS_RETENTION_DAYS', '3650'));

/** Writes a callback exactly as received, before anything is made of it. */
export async function appendRawCallback(entry: RawCallbackEntry): Promise<CallbackRef> {
  const ref: CallbackRef = {
    pk: logPartition(entry.claimedTxnRef, entry.receivedAt),
    skBase: `${entry.receivedAt.toISOString()}#${entry.callbackId}`,
    expiresAt: ttlAfterDays(entry.receivedAt, callbackRetentionDays()),
  };
  const query = clip(entry.rawQuery);
  const body = clip(entry.rawBody);
  await client().send(
    new PutCommand({
      TableName: paymentsTableName(),
      Item: {
        pk: ref.pk,
        sk: `${ref.skBase}#raw`,
        callbackId: entry.callbackId,
        receivedAt: entry.receivedAt.toISOString(),
        route: entry.route,
        method: entry.method,
        rawQuery: query.text,
        rawBody: body.text,
        truncated: query.truncated || body.truncated,
        sha256: createHash('sha256').update(`${entry.rawQuery}\n${entry.rawBody}`).digest('hex'),
        sourceIp: entry.sourceIp,
        ...(entry.userAgent ? { userAgent: entry.userAgent.slice(0, 300) } : {}),
        expiresAt: ref.expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return ref;
}

/**
 * Callbacks whose signature does not verify (unsigned or forged) are kept only in a bounded, expiring log:
 * REJECTED_LOG_SLOTS items a day, each overwritten by a later rejection that lands on it, each gone after
 * REJECTED_LOG_DAYS. A storm of forged calls therefore costs a fixed number of items, not one per call.
 */
export const REJECTED_LOG_SLOTS = 200;
export const REJECTED_LOG_DAYS = 7;
/** What a rejected callback keeps of the request (the raw log keeps 32,000 characters of a signed one). */
const MAX_REJECTED_CHARS = 2_000;

export interface RejectedCallbackEntry {
  route: string;
  method: string;
  rawQuery: string;
  rawBody: string;
  sourceIp: string;
  userAgent?: string;
  receivedAt: Date;
  callbackId: string;
}

export async function appendRejectedCallback(entry: RejectedCallbackEntry): Promise<void> {
  await client().send(
    new PutCommand({
      TableName: paymentsTableName(),
      Item: {
        pk: `REJECTED#${toLocalDate(entry.receivedAt)}`,
        sk: `SLOT#${String(randomInt(REJECTED_LOG_SLOTS)).padStart(3, '0')}`,
        callbackId: entry.callbackId,
        receivedAt: entry.receivedAt.toISOString(),
        route: entry.route,
        method: entry.method,
        rawQuery: entry.rawQuery.slice(0, MAX_REJECTED_CHARS),
        rawBody: entry.rawBody.slice(0, MAX_REJECTED_CHARS),
        sourceIp: entry.sourceIp.slice(0, 100),
        ...(entry.userAgent ? { userAgent: entry.userAgent.slice(0, 300) } : {}),
        expiresAt: ttlAfterDays(entry.receivedAt, REJECTED_LOG_DAYS),
      },
    }),
  );
}

/** The rejected callbacks kept for a day (at most REJECTED_LOG_SLOTS), for operators and tests. */
export async function listRejectedCallbacks(localDate: string): Promise<Record<string, unknown>[]> {
  return queryAll(
    { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `REJECTED#${localDate}` } },
    REJECTED_LOG_SLOTS,
  );
}

export interface CallbackResult {
  outcome: string;
  signatureValid: boolean;
  changed: boolean;
  paymentId?: string;
  statusAfter?: Payment['status'];
  answeredStatus: number;
  answeredBody: string;
}

/** Appends what became of a logged callback (a second entry: the raw one is never rewritten). */
export async function appendCallbackResult(ref: CallbackRef, result: CallbackResult, at: Date): Promise<void> {
  await client().send(
    new PutCommand({
      TableName: paymentsTableName(),
      Item: {
        pk: ref.pk,
        sk: `${ref.skBase}#result`,
        ...result,
        processedAt: at.toISOString(),
        expiresAt: ref.expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export interface LoggedCallback {
  callbackId: string;
  receivedAt: string;
  route: string;
  method: string;
  rawQuery: string;
  rawBody: string;
  truncated: boolean;
  sourceIp?: string;
  result?: CallbackResult;
}

/** The callbacks filed under a merchant reference, oldest first (at most `limit`). */
export async function listCallbacks(txnRef: string, limit = 500): Promise<LoggedCallback[]> {
  const items = await queryAll(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CALLBACKS#${txnRef}` },
    },
    limit * 2,
  );
  const byId = new Map<string, LoggedCallback>();
  for (const item of items) {
    const sk = String(item.sk);
    const callbackId = sk.split('#')[1] ?? '';
    if (sk.endsWith('#raw')) {
      byId.set(callbackId, {
        ...byId.get(callbackId),
        callbackId,
        receivedAt: String(item.receivedAt),
        route: String(item.route),
        method: String(item.method),
        rawQuery: String(item.rawQuery ?? ''),
        rawBody: String(item.rawBody ?? ''),
        truncated: item.truncated === true,
        ...(typeof item.sourceIp === 'string' ? { sourceIp: item.sourceIp } : {}),
      });
    } else if (sk.endsWith('#result')) {
      const existing = byId.get(callbackId);
      const result: CallbackResult = {
        outcome: String(item.outcome),
        signatureValid: item.signatureValid === true,
        changed: item.changed === true,
        answeredStatus: Number(item.answeredStatus),
        answeredBody: String(item.answeredBody ?? ''),
        ...(typeof item.paymentId === 'string' ? { paymentId: item.paymentId } : {}),
        ...(typeof item.statusAfter === 'string' ? { statusAfter: item.statusAfter as Payment['status'] } : {}),
      };
      if (existing) existing.result = result;
    }
  }
  return [...byId.values()].slice(0, limit);
}

// ---------------------------------------------------------------------------------------------------------
// Reconciliation: findings, runs and totals of a day (GMT+7)

export interface NewFinding {
  kind: FindingKind;
  subject: string;
  paymentId?: string;
  txnRef?: string;
  gateway?: PaymentGateway;
  detail: string;
}

/** Records a finding once per kind, subject and day; seeing it again counts an occurrence. */
export async function recordFinding(finding: NewFinding, at: Date): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':at': at.toISOString(), ':one': 1 };
  const sets: string[] = ['lastSeenAt = :at', 'firstSeenAt = if_not_exists(firstSeenAt, :at)'];
  for (const field of ['kind', 'subject', 'paymentId', 'txnRef', 'gateway', 'detail'] as const) {
    const value = finding[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = field === 'detail' ? String(value).slice(0, 1000) : value;
    sets.push(`#${field} = :${field}`);
  }
  await client().send(
    new UpdateCommand({
      TableName: paymentsTableName(),
      Key: { pk: reconPk(toLocalDate(at)), sk: `FINDING#${finding.kind}#${finding.subject}` },
      UpdateExpression: `SET ${sets.join(', ')} ADD occurrences :one`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

export async function recordRun(result: ReconcileResult, at: Date): Promise<void> {
  await client().send(
    new PutCommand({
      TableName: paymentsTableName(),
      Item: { pk: reconPk(toLocalDate(at)), sk: `RUN#${at.toISOString()}`, at: at.toISOString(), ...result },
    }),
  );
}

/** Adds a payment or a refund to the day's totals of its gateway (in the transaction that records it). */
export function totalsUpdate(
  localDate: string,
  gateway: PaymentGateway,
  kind: 'paid' | 'refunded',
  amount: number,
  shard: string,
): TransactItem {
  return {
    Update: {
      TableName: paymentsTableName(),
      // One item per shard: simultaneous confirmations do not contend on one day's totals.
      Key: { pk: reconPk(localDate), sk: `TOTALS#${shard}` },
      UpdateExpression: 'ADD #count :one, #amount :amount',
      ExpressionAttributeNames: { '#count': `${kind}Count_${gateway}`, '#amount': `${kind}Amount_${gateway}` },
      ExpressionAttributeValues: { ':one': 1, ':amount': amount },
    },
  };
}

export interface ReconciliationDay {
  findings: Finding[];
  runs: (ReconcileResult & { at: string })[];
  totals: Record<string, { paidCount: number; paidAmount: number; refundedCount: number; refundedAmount: number }>;
  /** More findings were recorded than MAX_REPORTED_FINDINGS. */
  findingsTruncated: boolean;
}

/** At most this many findings are listed in a day's report (the count of all of them is given beside). */
export const MAX_REPORTED_FINDINGS = 1000;

/**
 * The day's runs, totals and findings, each read on its own (sort key prefix), so that however many findings a
 * day has, its runs and totals are all read.
 */
export async function getReconciliationDay(localDate: string): Promise<ReconciliationDay> {
  const section = (prefix: string, max: number) =>
    queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': reconPk(localDate), ':prefix': prefix },
      },
      max,
    );
  const [findingItems, runItems, totalItems] = await Promise.all([
    section('FINDING#', MAX_REPORTED_FINDINGS + 1),
    section('RUN#', 10_000),
    section('TOTALS', 1000),
  ]);
  const day: ReconciliationDay = {
    findings: [],
    runs: [],
    totals: {},
    findingsTruncated: findingItems.length > MAX_REPORTED_FINDINGS,
  };
  for (const item of findingItems.slice(0, MAX_REPORTED_FINDINGS)) {
    day.findings.push({
      kind: item.kind as FindingKind,
      subject: String(item.subject),
      ...(typeof item.paymentId === 'string' ? { paymentId: item.paymentId } : {}),
      ...(typeof item.txnRef === 'string' ? { txnRef: item.txnRef } : {}),
      ...(typeof item.gateway === 'string' ? { gateway: item.gateway as PaymentGateway } : {}),
      detail: String(item.detail ?? ''),
      firstSeenAt: String(item.firstSeenAt),
      lastSeenAt: String(item.lastSeenAt),
      occurrences: Number(item.occurrences ?? 1),
    });
  }
  for (const item of runItems) {
    day.runs.push({
      at: String(item.at),
      checked: Number(item.checked ?? 0),
      settled: Number(item.settled ?? 0),
      expired: Number(item.expired ?? 0),
      refundsProcessed: Number(item.refundsProcessed ?? 0),
      errors: Number(item.errors ?? 0),
    });
  }
  // TOTALS (one item, as written before the shards) and TOTALS#<shard> add up.
  for (const item of totalItems) {
    for (const [name, value] of Object.entries(item)) {
      const match = /^(paid|refunded)(Count|Amount)_(\w+)$/.exec(name);
      if (!match) continue;
      const [, kind, measure, gateway] = match as unknown as [string, 'paid' | 'refunded', string, string];
      day.totals[gateway] ??= { paidCount: 0, paidAmount: 0, refundedCount: 0, refundedAmount: 0 };
      day.totals[gateway][`${kind}${measure as 'Count' | 'Amount'}`] += Number(value);
    }
  }
  return day;
}

// ---------------------------------------------------------------------------------------------------------
// The local sandbox gateway's record of what its checkout page produced

/** Records the checkout's outcome once; a second checkout of the same reference gets the first outcome back. */
export async function putSandboxOutcome(outcome: SandboxOutcome, at: Date): Promise<SandboxOutcome> {
  try {
    await client().send(
      new PutCommand({
        TableName: paymentsTableName(),
        Item: { ...sandboxKey(outcome.txnRef), outcome, recordedAt: at.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return outcome;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = await getSandboxOutcome(outcome.txnRef);
    if (!existing) throw error;
    return existing;
  }
}

export async function getSandboxOutcome(txnRef: string): Promise<SandboxOutcome | undefined> {
  const item = await getItem(sandboxKey(txnRef));
  return item ? (item.outcome as SandboxOutcome) : undefined;
}
