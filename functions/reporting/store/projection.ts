/**
 * Writes of the reporting projection: the dossier fact, the counter buckets, the open change points and their
 * all-time totals, as transaction items for the consumer to combine with its inbox item (one transaction per
 * event). Counters and points are ADDed, so concurrent events of different dossiers never overwrite each other;
 * the fact is written only if it is still the one the step was computed from (optimistic concurrency).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import type { TransactItem } from '#platform/dynamo.ts';
import type { ProjectionStep } from '#reporting/domain/apply.ts';
import type { CounterDelta } from '#reporting/domain/counters.ts';
import type { DossierFact } from '#reporting/domain/facts.ts';
import { OPEN_STATES, type OpenDelta, openPointAttributes, openTotalsDelta } from '#reporting/domain/period.ts';
import { bucketSortKey, keys, reportingTableName } from './table.ts';

/** What the fact item held when it was read: the fact, or only a sync mark left before the fact existed. */
export interface FactRead {
  fact: DossierFact | undefined;
  /** Top-level mirror of the fact's syncedSequence, or a stub's mark; null when absent. */
  syncedSequence: number | null;
}

/** The fact item of a dossier (strongly consistent: the step is computed from it). */
export async function readFact(code: string): Promise<FactRead> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.fact(code), ConsistentRead: true }),
  );
  const fact = Item?.fact as DossierFact | undefined;
  const synced = Item?.syncedSequence;
  return { fact, syncedSequence: typeof synced === 'number' ? synced : null };
}

/** The dossier's fact as last projected (eventually consistent), or undefined. */
export async function getFact(code: string): Promise<DossierFact | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.fact(code) }),
  );
  return Item?.fact as DossierFact | undefined;
}

/** The Put of the new fact, conditioned on the item still being what `read` saw. */
export function factPut(fact: DossierFact, read: FactRead): TransactItem {
  const conditions: string[] = [];
  const values: Record<string, unknown> = {};
  if (read.fact === undefined) conditions.push('attribute_not_exists(lastSequence)');
  else {
    conditions.push('lastSequence = :readLast');
    values[':readLast'] = read.fact.lastSequence;
  }
  if (read.syncedSequence === null) conditions.push('attribute_not_exists(syncedSequence)');
  else {
    conditions.push('syncedSequence = :readSynced');
    values[':readSynced'] = read.syncedSequence;
  }
  return {
    Put: {
      TableName: reportingTableName(),
      Item: {
        ...keys.fact(fact.code),
        fact,
        lastSequence: fact.lastSequence,
        ...(fact.syncedSequence === null ? {} : { syncedSequence: fact.syncedSequence }),
        agencyCode: fact.agencyCode,
      },
      ConditionExpression: conditions.join(' AND '),
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    },
  };
}

function bucketUpdate(
  key: { pk: string; sk: string },
  bucket: { month: string; agencyCode: string; procedureCode: string },
  increments: Record<string, number>,
): TransactItem {
  const names: Record<string, string> = { '#month': 'month', '#agency': 'agencyCode', '#procedure': 'procedureCode' };
  const values: Record<string, unknown> = {
    ':month': bucket.month,
    ':agency': bucket.agencyCode,
    ':procedure': bucket.procedureCode,
  };
  const adds: string[] = [];
  Object.entries(increments).forEach(([name, amount], index) => {
    names[`#n${index}`] = name;
    values[`:n${index}`] = amount;
    adds.push(`#n${index} :n${index}`);
  });
  return {
    Update: {
      TableName: reportingTableName(),
      Key: key,
      UpdateExpression: `SET #month = :month, #agency = :agency, #procedure = :procedure ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

function totalsUpdate(agencyCode: string, procedureCode: string, increments: Record<string, number>): TransactItem {
  const names: Record<string, string> = { '#agency': 'agencyCode', '#procedure': 'procedureCode' };
  const values: Record<string, unknown> = { ':agency': agencyCode, ':procedure': procedureCode };
  const adds = Object.entries(increments).map(([name, amount], index) => {
    names[`#n${index}`] = name;
    values[`:n${index}`] = amount;
    return `#n${index} :n${index}`;
  });
  return {
    Update: {
      TableName: reportingTableName(),
      Key: keys.openTotal(agencyCode, procedureCode),
      UpdateExpression: `SET #agency = :agency, #procedure = :procedure ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** The ADDs that move the counter buckets. */
export function counterUpdates(deltas: readonly CounterDelta[]): TransactItem[] {
  return deltas
    .filter((delta) => Object.keys(delta.counts).length > 0)
    .map((delta) =>
      bucketUpdate(
        keys.counters(delta.month, delta.agencyCode, delta.procedureCode),
        delta,
        delta.counts as Record<string, number>,
      ),
    );
}

/** The ADDs that move the open change points and, per (agency, procedure), their all-time totals. */
export function openUpdates(deltas: readonly OpenDelta[]): TransactItem[] {
  const items: TransactItem[] = [];
  const byKey = new Map<string, OpenDelta[]>();
  for (const delta of deltas) {
    const points = openPointAttributes(delta);
    if (Object.keys(points).length === 0) continue;
    items.push(bucketUpdate(keys.open(delta.month, delta.agencyCode, delta.procedureCode), delta, points));
    const id = bucketSortKey(delta.agencyCode, delta.procedureCode);
    byKey.set(id, [...(byKey.get(id) ?? []), delta]);
  }
  for (const group of byKey.values()) {
    const totals = openTotalsDelta(group);
    const increments = Object.fromEntries(OPEN_STATES.filter((s) => totals[s] !== 0).map((s) => [s, totals[s]]));
    if (Object.keys(increments).length > 0) {
      items.push(totalsUpdate(group[0]!.agencyCode, group[0]!.procedureCode, increments));
    }
  }
  return items;
}

/** Every item a projection step writes: the fact first, then the counter and open ADDs. */
export function stepItems(step: ProjectionStep, read: FactRead): TransactItem[] {
  return [factPut(step.fact, read), ...counterUpdates(step.counterDeltas), ...openUpdates(step.openDeltas)];
}

/** Months this process has already recorded as holding open points (each is recorded once per container). */
const recordedOpenMonths = new Set<string>();

/**
 * Records the months that hold open points, so that reads know how far the points reach (appointments can lie
 * months ahead) without depending on anyone's clock. Written before the transaction: a month recorded for a step
 * that then fails costs one empty read later, a month missing would lose points.
 */
export async function registerOpenMonths(deltas: readonly OpenDelta[]): Promise<void> {
  const months = [...new Set(deltas.map((delta) => delta.month))].filter((month) => !recordedOpenMonths.has(month));
  if (months.length === 0) return;
  await dynamoDocumentClient().send(
    new UpdateCommand({
      TableName: reportingTableName(),
      Key: keys.openMonths,
      UpdateExpression: 'ADD #months :months',
      ExpressionAttributeNames: { '#months': 'months' },
      ExpressionAttributeValues: { ':months': new Set(months) },
    }),
  );
  for (const month of months) recordedOpenMonths.add(month);
}

/**
 * Marks `sequence` as on the national portal for a dossier whose fact does not exist yet: the fact reporting
 * writes later picks the mark up. Fails (ConditionalCheckFailed) if the fact appeared meanwhile or the mark is
 * already at least `sequence`.
 */
export async function markSyncedStub(code: string, sequence: number): Promise<void> {
  await dynamoDocumentClient().send(
    new UpdateCommand({
      TableName: reportingTableName(),
      Key: keys.fact(code),
      UpdateExpression: 'SET syncedSequence = :sequence',
      ConditionExpression:
        'attribute_not_exists(lastSequence) AND (attribute_not_exists(syncedSequence) OR syncedSequence < :sequence)',
      ExpressionAttributeValues: { ':sequence': sequence },
    }),
  );
}

/** Payment details of a dossier (payment.completed), for the sync record's payment channel (0: at the desk). */
export interface PaymentRecord {
  dossierCode: string;
  paymentId: string;
  channelCode: 0 | 1 | 2;
  amount: number;
  paidAt?: string;
}

export function paymentPut(payment: PaymentRecord): TransactItem {
  return {
    Put: { TableName: reportingTableName(), Item: { ...keys.payment(payment.dossierCode), ...payment } },
  };
}

export async function getPayment(dossierCode: string): Promise<PaymentRecord | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.payment(dossierCode) }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...payment } = Item;
  return payment as PaymentRecord;
}
