/**
 * National re-sync jobs (domain/resync.ts): the job item (RESYNC#<id> / RESYNC) with its range, who asked and
 * why, where marking got to (the scan's last key) and its counts, moved by ADD so that the marking pages and the
 * sync workers never overwrite each other; while marking, the job is in gsi1 (RESYNC#MARKING) for the sweep to
 * find. A lock item per range (RESYNCLOCK#<range key>) names the job marking that range, so an identical request
 * meanwhile is the same job; it goes when marking ends.
 *
 * Marking pages through the dossier facts (FACT#<code> / FACT) with a Scan: every dossier reporting knows has
 * one, and it carries what a range is matched against (agency, procedure, reception).
 */
import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { conditionFailed, isConditionalCheckFailed, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import {
  RESYNC_COUNTS,
  type ResyncCandidate,
  type ResyncCounts,
  type ResyncProgress,
  type ResyncRange,
} from '#reporting/domain/resync.ts';
import { keys, reportingTableName } from './table.ts';

export interface ResyncJob {
  id: string;
  range: ResyncRange;
  rangeKey: string;
  reason: string;
  requestedBy: { sub: string; name?: string };
  requestedAt: string;
  markingDone: boolean;
  markingFinishedAt?: string;
  /** The scan's last evaluated key (JSON), where the next marking page starts; absent before the first page. */
  cursor?: string;
  /** Marking pages saved: the condition that keeps two sweeps from saving the same page twice. */
  pages: number;
  counts: ResyncCounts;
}

const zeroCounts = (): ResyncCounts =>
  Object.fromEntries(RESYNC_COUNTS.map((name) => [name, 0])) as unknown as ResyncCounts;

function fromItem(item: Record<string, unknown>): ResyncJob {
  const counts = Object.fromEntries(
    RESYNC_COUNTS.map((name) => [name, typeof item[name] === 'number' ? item[name] : 0]),
  ) as unknown as ResyncCounts;
  return {
    id: String(item.id),
    range: item.range as ResyncRange,
    rangeKey: String(item.rangeKey),
    reason: String(item.reason),
    requestedBy: item.requestedBy as ResyncJob['requestedBy'],
    requestedAt: String(item.requestedAt),
    markingDone: item.markingDone === true,
    ...(typeof item.markingFinishedAt === 'string' ? { markingFinishedAt: item.markingFinishedAt } : {}),
    ...(typeof item.cursor === 'string' ? { cursor: item.cursor } : {}),
    pages: typeof item.pages === 'number' ? item.pages : 0,
    counts,
  };
}

/**
 * Creates the job unless a job is marking the same range: then that job's id (nothing written).
 */
export async function createResyncJob(
  job: Omit<ResyncJob, 'markingDone' | 'pages' | 'counts'>,
): Promise<{ created: true; id: string } | { created: false; id: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const lock: TransactItem = {
      Put: {
        TableName: reportingTableName(),
        Item: { ...keys.resyncLock(job.rangeKey), jobId: job.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const item: TransactItem = {
      Put: {
        TableName: reportingTableName(),
        Item: {
          ...keys.resyncJob(job.id),
          ...job,
          markingDone: false,
          pages: 0,
          ...zeroCounts(),
          gsi1pk: keys.resyncMarkingIndex,
          gsi1sk: `${job.requestedAt}#${job.id}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    try {
      await transactWrite([lock, item]);
      return { created: true, id: job.id };
    } catch (error) {
      if (!conditionFailed(error, lock)) throw error;
      const { Item } = await dynamoDocumentClient().send(
        new GetCommand({ TableName: reportingTableName(), Key: keys.resyncLock(job.rangeKey), ConsistentRead: true }),
      );
      // Gone meanwhile (that job finished marking): try again.
      if (typeof Item?.jobId === 'string') return { created: false, id: Item.jobId };
    }
  }
  throw new Error(`re-sync of ${job.rangeKey}: could not create the job (contention)`);
}

export async function getResyncJob(id: string): Promise<ResyncJob | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: reportingTableName(), Key: keys.resyncJob(id), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

/** Jobs still marking, oldest first. */
export async function listMarkingResyncJobs(limit: number): Promise<ResyncJob[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: reportingTableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :marking',
      ExpressionAttributeValues: { ':marking': keys.resyncMarkingIndex },
      Limit: limit,
    }),
  );
  return (Items ?? []).map(fromItem);
}

export interface FactsPage {
  dossiers: (ResyncCandidate & { code: string })[];
  /** Items the scan read (facts and every other item of the table). */
  evaluated: number;
  /** Where the next page starts; undefined when the table has been read to its end. */
  nextCursor?: string;
}

/** One page of the dossier facts, `limit` items of the table read at most. */
export async function scanFactsPage(cursor: string | undefined, limit: number): Promise<FactsPage> {
  const page = await dynamoDocumentClient().send(
    new ScanCommand({
      TableName: reportingTableName(),
      FilterExpression: 'sk = :fact',
      ProjectionExpression: 'pk, #fact.agencyCode, #fact.procedureCode, #fact.receivedAt',
      ExpressionAttributeNames: { '#fact': 'fact' },
      ExpressionAttributeValues: { ':fact': 'FACT' },
      Limit: limit,
      ...(cursor ? { ExclusiveStartKey: JSON.parse(cursor) as Record<string, unknown> } : {}),
    }),
  );
  const dossiers = (page.Items ?? []).flatMap((item) => {
    const fact = item.fact as { agencyCode?: string; procedureCode?: string; receivedAt?: string | null } | undefined;
    if (!fact?.agencyCode || !fact.procedureCode) return [];
    return [
      {
        code: String(item.pk).slice('FACT#'.length),
        agencyCode: fact.agencyCode,
        procedureCode: fact.procedureCode,
        receivedAt: fact.receivedAt ?? null,
      },
    ];
  });
  return {
    dossiers,
    evaluated: page.ScannedCount ?? 0,
    ...(page.LastEvaluatedKey ? { nextCursor: JSON.stringify(page.LastEvaluatedKey) } : {}),
  };
}

function addCounts(id: string, counts: Partial<ResyncCounts>): TransactItem {
  const entries = Object.entries(counts).filter(([, amount]) => amount !== 0);
  const names = Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name]));
  const values = Object.fromEntries(entries.map(([, amount], i) => [`:c${i}`, amount]));
  return {
    Update: {
      TableName: reportingTableName(),
      Key: keys.resyncJob(id),
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * The job's `marked` count, moved in the transaction that marks a dossier; one whose send is failing already
 * counts as failing for the job too (it leaves `failed` once pushed).
 */
export const countMarked = (jobId: string, failing: boolean): TransactItem =>
  addCounts(jobId, { marked: 1, failed: failing ? 1 : 0 });

/** The job's pushed/failed/dropped counts, moved in the transaction that settles a marked dossier's send. */
export function countProgress(progress: ResyncProgress): TransactItem | undefined {
  const { jobId, ...counts } = progress;
  if (Object.values(counts).every((amount) => amount === 0)) return undefined;
  return addCounts(jobId, counts);
}

/**
 * Saves a marking page: the counts it found and where the next starts, or, at the end of the table, that marking
 * is done (the job leaves the marking index, the range's lock goes). Conditioned on the pages saved so far: false
 * when another sweep saved this page first (its counts stand, these are dropped).
 */
export async function saveMarkingPage(
  job: ResyncJob,
  counts: Partial<ResyncCounts>,
  nextCursor: string | undefined,
  at: string,
): Promise<boolean> {
  const entries = Object.entries(counts).filter(([, amount]) => amount !== 0);
  const names: Record<string, string> = Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name]));
  const values: Record<string, unknown> = Object.fromEntries(entries.map(([, amount], i) => [`:c${i}`, amount]));
  const adds = entries.length > 0 ? ` ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}` : '';
  values[':read'] = job.pages;
  values[':next'] = job.pages + 1;
  let set: string;
  let remove = '';
  if (nextCursor !== undefined) {
    set = 'SET #pages = :next, #cursor = :cursor';
    values[':cursor'] = nextCursor;
  } else {
    set = 'SET #pages = :next, #done = :true, #finished = :at';
    values[':true'] = true;
    values[':at'] = at;
    remove = ' REMOVE #cursor, gsi1pk, gsi1sk';
    names['#done'] = 'markingDone';
    names['#finished'] = 'markingFinishedAt';
  }
  names['#pages'] = 'pages';
  names['#cursor'] = 'cursor';
  const update: TransactItem = {
    Update: {
      TableName: reportingTableName(),
      Key: keys.resyncJob(job.id),
      UpdateExpression: `${set}${remove}${adds}`,
      ConditionExpression: '#pages = :read',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
  try {
    if (nextCursor !== undefined) {
      await dynamoDocumentClient().send(new UpdateCommand(update.Update!));
    } else {
      await transactWrite([
        update,
        { Delete: { TableName: reportingTableName(), Key: keys.resyncLock(job.rangeKey) } },
      ]);
    }
    return true;
  } catch (error) {
    if (conditionFailed(error) || isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
