/**
 * Reads of the aggregates a report is built from: one Query per month partition (counters, open points), the
 * all-time open totals and the list of months with future points. Their cost grows with months × (agency,
 * procedure) buckets and never with the number of dossiers; every read adds its consumed capacity to the meter.
 */
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { COUNTER_NAMES, type CounterBucket, type Counters, emptyCounters } from '#reporting/domain/counters.ts';
import {
  emptyOpenCounts,
  OPEN_STATES,
  type OpenBucket,
  type OpenCounts,
  openBucketFromAttributes,
} from '#reporting/domain/period.ts';
import { keys, type ReadMeter, reportingTableName } from './table.ts';

/** Concurrent month queries per request: enough to be quick, few enough not to burst the table. */
const PARALLEL_QUERIES = 6;

async function queryAll(
  pk: string,
  agencyCode: string | undefined,
  meter: ReadMeter,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const input: QueryCommandInput = {
      TableName: reportingTableName(),
      KeyConditionExpression: agencyCode === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :agency)',
      ExpressionAttributeValues: agencyCode === undefined ? { ':pk': pk } : { ':pk': pk, ':agency': `${agencyCode}#` },
      ExclusiveStartKey: startKey,
      ReturnConsumedCapacity: 'TOTAL',
    };
    const page = await dynamoDocumentClient().send(new QueryCommand(input));
    meter.add(page.ConsumedCapacity);
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

async function inBatches<T, R>(inputs: readonly T[], run: (input: T) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < inputs.length; index += PARALLEL_QUERIES) {
    const batch = await Promise.all(inputs.slice(index, index + PARALLEL_QUERIES).map(run));
    for (const part of batch) results.push(...part);
  }
  return results;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The (agency, procedure) of a bucket item: its own attributes, or its sort key. */
function bucketKeyOf(item: Record<string, unknown>): { agencyCode: string; procedureCode: string } {
  const [agencyFromKey = '', procedureFromKey = ''] = text(item.sk).split('#');
  return {
    agencyCode: text(item.agencyCode) || agencyFromKey,
    procedureCode: text(item.procedureCode) || procedureFromKey,
  };
}

function countersOf(item: Record<string, unknown>): Counters {
  const counts = emptyCounters();
  for (const name of COUNTER_NAMES) {
    const value = item[name];
    if (typeof value === 'number') counts[name] = value;
  }
  return counts;
}

/** The counter buckets of the given months, optionally of one agency only. */
export async function readCounterBuckets(
  months: readonly string[],
  agencyCode: string | undefined,
  meter: ReadMeter,
): Promise<CounterBucket[]> {
  return inBatches(months, async (month) =>
    (await queryAll(keys.countersPartition(month), agencyCode, meter)).map((item) => ({
      month,
      ...bucketKeyOf(item),
      counts: countersOf(item),
    })),
  );
}

/** The open change points of the given months, optionally of one agency only. */
export async function readOpenBuckets(
  months: readonly string[],
  agencyCode: string | undefined,
  meter: ReadMeter,
): Promise<OpenBucket[]> {
  return inBatches(months, async (month) =>
    (await queryAll(keys.openPartition(month), agencyCode, meter)).map((item) =>
      openBucketFromAttributes({ month, ...bucketKeyOf(item) }, item),
    ),
  );
}

export interface OpenTotal {
  agencyCode: string;
  procedureCode: string;
  counts: OpenCounts;
}

/** The all-time sums of the open points per (agency, procedure), optionally of one agency only. */
export async function readOpenTotals(agencyCode: string | undefined, meter: ReadMeter): Promise<OpenTotal[]> {
  return (await queryAll(keys.openTotalPartition, agencyCode, meter)).map((item) => {
    const counts = emptyOpenCounts();
    for (const state of OPEN_STATES) {
      const value = item[state];
      if (typeof value === 'number') counts[state] = value;
    }
    return { ...bucketKeyOf(item), counts };
  });
}

/** The months that hold open points, ascending. */
export async function readOpenMonths(meter: ReadMeter): Promise<string[]> {
  const { Item, ConsumedCapacity } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.openMonths, ReturnConsumedCapacity: 'TOTAL' }),
  );
  meter.add(ConsumedCapacity);
  const months = Item?.months;
  return months instanceof Set ? [...(months as Set<string>)].sort() : [];
}
