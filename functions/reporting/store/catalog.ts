/**
 * Reporting's read model of the catalog (fed by catalog.* events): procedures, agencies, calendar years and the
 * catalog figures of the index. Writes are transaction items conditioned on the event's sequence, so a
 * redelivered or stale event changes nothing.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CalendarYear } from '#calendar/calendar.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import type { TransactItem } from '#platform/dynamo.ts';
import type { AgencySummary, CatalogCounts, CatalogStatsDelta, ProcedureSummary } from '../catalog-stats.ts';
import { keys, type ReadMeter, reportingTableName } from './table.ts';

async function queryPartition(pk: string, meter?: ReadMeter): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: reportingTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: startKey,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    meter?.add(page.ConsumedCapacity);
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export async function getProcedure(code: string): Promise<ProcedureSummary | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.procedure(code), ConsistentRead: true }),
  );
  return Item?.procedure as ProcedureSummary | undefined;
}

/**
 * Puts the procedure's summary if the stored one is still `previousVersion` (none when undefined): the catalog
 * figures move by the difference from exactly that version.
 */
export function procedurePut(summary: ProcedureSummary, previousVersion: number | undefined): TransactItem {
  return {
    Put: {
      TableName: reportingTableName(),
      Item: { ...keys.procedure(summary.code), procedure: summary, version: summary.version },
      ...(previousVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(version)' }
        : { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': previousVersion } }),
    },
  };
}

/** The ADDs of the catalog figures, per scope. */
export function statsUpdates(deltas: readonly CatalogStatsDelta[]): TransactItem[] {
  return deltas.map((delta) => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const adds = Object.entries(delta.counts).map(([name, amount], index) => {
      names[`#n${index}`] = name;
      values[`:n${index}`] = amount;
      return `#n${index} :n${index}`;
    });
    return {
      Update: {
        TableName: reportingTableName(),
        Key: keys.stats(delta.agencyCode),
        UpdateExpression: `ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
}

/** Puts an agency unless the stored one has this revision or a newer one. */
export function agencyPut(agency: AgencySummary, revision: number): TransactItem {
  return {
    Put: {
      TableName: reportingTableName(),
      Item: { ...keys.agency(agency.code), agency, revision },
      ConditionExpression: 'attribute_not_exists(revision) OR revision < :revision',
      ExpressionAttributeValues: { ':revision': revision },
    },
  };
}

/** Puts a calendar year unless the stored one has this revision or a newer one. */
export function calendarPut(calendar: CalendarYear, revision: number): TransactItem {
  return {
    Put: {
      TableName: reportingTableName(),
      Item: { ...keys.calendar(calendar.year), calendar, revision },
      ConditionExpression: 'attribute_not_exists(revision) OR revision < :revision',
      ExpressionAttributeValues: { ':revision': revision },
    },
  };
}

/** The catalog figures of the province, or of one agency. */
export async function getCatalogCounts(agencyCode: string | undefined, meter?: ReadMeter): Promise<CatalogCounts> {
  const { Item, ConsumedCapacity } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.stats(agencyCode), ReturnConsumedCapacity: 'TOTAL' }),
  );
  meter?.add(ConsumedCapacity);
  const count = (name: string): number => (typeof Item?.[name] === 'number' ? (Item[name] as number) : 0);
  return {
    procedures: count('procedures'),
    onlineProcedures: count('onlineProcedures'),
    feeBearingProcedures: count('feeBearingProcedures'),
    feeBearingProceduresPayableOnline: count('feeBearingProceduresPayableOnline'),
  };
}

/** Every agency reporting knows (bounded by the province's catalog). */
export async function listAgencies(meter?: ReadMeter): Promise<AgencySummary[]> {
  return (await queryPartition(keys.agencyPartition, meter)).map((item) => item.agency as AgencySummary);
}

/** Every procedure reporting knows (bounded by the province's catalog). */
export async function listProcedures(meter?: ReadMeter): Promise<ProcedureSummary[]> {
  return (await queryPartition(keys.procedurePartition, meter)).map((item) => item.procedure as ProcedureSummary);
}

/** The calendar years the catalog published. */
export async function listCalendarYears(): Promise<CalendarYear[]> {
  return (await queryPartition(keys.calendarPartition)).map((item) => item.calendar as CalendarYear);
}
