/**
 * The only code that touches the dossiers table. Single-table design (the table declaration in topology.ts
 * lists the access patterns):
 *
 * | item                 | pk                           | sk              | indexes                                  |
 * |----------------------|------------------------------|-----------------|------------------------------------------|
 * | dossier (head)       | DOSSIER#<code>               | DOSSIER         | gsi1 owner, gsi2 queue, gsi3 status, gsi4 desk |
 * | history entry        | DOSSIER#<code>               | H#<6 digits, from 000001> | — (appended, never rewritten)  |
 * | slip (slips/issue.ts)| DOSSIER#<code>               | SLIP#<kind>#<variant> | —                                  |
 * | daily code counter   | COUNTER#<agency>#<YYYY-MM-DD>| COUNTER         | —                                        |
 * | status count (shard) | COUNTS#<agency>              | COUNTED#<status>#<shard> | — (STATUS#… before 0022's marker: unread) |
 * | recount done         | COUNTS                       | RECOUNTED       | — (recount.ts: the whole province was counted) |
 * | procedure version    | PROCEDURE#<code>             | VERSION#<10 digits> | —                                    |
 * | agency               | AGENCY#<code>                | AGENCY          | —                                        |
 * | calendar year        | CALENDAR                     | YEAR#<yyyy>     | —                                        |
 * | verified document    | DOCUMENT#<id>                | DOCUMENT        | —                                        |
 * | idempotency record   | IDEMPOTENCY#<scope>#<key>    | IDEMPOTENCY     | — (platform/idempotency.ts, TTL)         |
 * | inbox record         | INBOX#<consumer>#<event id>  | INBOX           | — (platform/inbox.ts, TTL)               |
 * | outbox event         | OUTBOX#<event id>            | OUTBOX          | — (platform/outbox.ts, TTL)              |
 *
 * Index keys of a dossier (all strings; instants as UTC ISO so that they sort as time):
 * - gsi1pk `OWNER#<idNumber>`, gsi1sk `<submittedAt>#<code>` — the applicant's dossiers, newest first.
 * - gsi2pk `QUEUE#<currentAgencyCode>`, gsi2sk `<appointmentAt>#<code>` — only while unfinished (a sparse
 *   index): the agency's work queue by appointment date; dossiers without one sort last (`~<submittedAt>`).
 * - gsi3pk `AGENCY#<currentAgencyCode>#<status>`, gsi3sk as gsi2sk — one status of an agency, by appointment.
 * - gsi4pk `DESK#<intake desk>`, gsi4sk `<submittedAt>#<code>` — what a desk took in (its day, its tracking book).
 * The four indexes project only the item's `listing` (domain/listing.ts), so lists read listings, not dossiers.
 *
 * A dossier is its head item (everything but the history, with `historyCount`) and one item per history entry,
 * so that a transition writes the head and its one or two new entries, not every entry again (issue #16, decision
 * 0021). In the partition the head's sk `DOSSIER` sorts before `H#…`, and those before the slips' `SLIP#…`: the
 * whole dossier is one Query between `DOSSIER` and `H#~`. History items carry no index key, so they are in no
 * list index; the head has no TTL, nor have they.
 *
 * Read models (procedure versions, agencies, calendar years, verified documents) are fed by other contexts'
 * events; their writes are returned as transaction items so the consumer can add its inbox record.
 */
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CalendarYear } from '#calendar/calendar.ts';
import { startOfLocalDay } from '#calendar/time.ts';
import type { Agency, Procedure } from '#catalog/contract.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { assertItemFits } from '#platform/bounds.ts';
import { type CursorShape, decodePageCursor, encodePageCursor } from '#platform/cursor.ts';
import { conditionFailed, type TransactItem, transactWrite, ttlAfterDays } from '#platform/dynamo.ts';
import { tableName } from '#platform/env.ts';
import { type DossierListing, listingOf } from './domain/listing.ts';
import type { Dossier } from './domain/model.ts';
import { isFinal } from './domain/model.ts';
import type { DossierStatus, HistoryEntry } from './events.ts';

/** Physical name of the dossiers table (read at call time: the local runtime sets it after import). */
export const dossiersTableName = (): string => tableName('dossiers');

const client = () => dynamoDocumentClient();

const dossierPartition = (code: string) => `DOSSIER#${code}`;
const HEAD_SK = 'DOSSIER';
const HISTORY_SK_PREFIX = 'H#';
/** Above every history entry's sort key (`~` sorts after the digits), below the slips' `SLIP#…`. */
const HISTORY_SK_END = `${HISTORY_SK_PREFIX}~`;
const dossierKey = (code: string) => ({ pk: dossierPartition(code), sk: HEAD_SK });
/** The n-th entry of a dossier's history (1 = the submission), zero-padded so that the keys sort as numbers. */
const historyKey = (code: string, n: number) => ({
  pk: dossierPartition(code),
  sk: `${HISTORY_SK_PREFIX}${String(n).padStart(6, '0')}`,
});
const counterKey = (agencyCode: string, localDate: string) => ({
  pk: `COUNTER#${agencyCode}#${localDate}`,
  sk: 'COUNTER',
});
const procedureVersionKey = (code: string, version: number) => ({
  pk: `PROCEDURE#${code}`,
  sk: `VERSION#${String(version).padStart(10, '0')}`,
});
const agencyKey = (code: string) => ({ pk: `AGENCY#${code}`, sk: 'AGENCY' });
const CALENDAR_PK = 'CALENDAR';
const calendarKey = (year: number) => ({ pk: CALENDAR_PK, sk: `YEAR#${year}` });
const documentKey = (id: string) => ({ pk: `DOCUMENT#${id}`, sk: 'DOCUMENT' });

/** Days a daily counter is kept after its day (codes of a day are only issued on that day). */
const COUNTER_RETENTION_DAYS = 30;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Dossiers

/** A dossier as stored: the domain object plus personal data that never travels in events. */
export interface StoredDossier {
  dossier: Dossier;
  /**
   * Where the stored head is counted in the agencies' status counts: its `countedIn` marker as read (decision
   * 0022); undefined for a dossier not stored yet, and for a head no write or recount has counted yet. A write
   * moves the count from here to where the dossier is now (or only adds it there when undefined).
   */
  countedAs?: CountedAs;
  /**
   * How many of `dossier.history`'s entries are stored already as their own items: a write puts only the ones
   * after them (`historyPuts`). 0 for a new dossier, and for a head written before the history moved out of it
   * (its embedded history is read as is; the next write moves every entry out).
   */
  storedHistory: number;
  /** The applicant's postal address (kept for delivery by post; not in the event snapshot). */
  applicantAddress?: string;
}

const utc = (iso: string): string => new Date(iso).toISOString();

/** Sort key of the agency lists: by appointment date; dossiers without one after every dated one. */
const dueKey = (d: Dossier): string =>
  d.appointmentAt !== undefined ? `${utc(d.appointmentAt)}#${d.code}` : `~${utc(d.submittedAt)}#${d.code}`;

const ownerPartition = (idNumber: string) => `OWNER#${idNumber}`;
const queuePartition = (agencyCode: string) => `QUEUE#${agencyCode}`;
const statusPartition = (agencyCode: string, status: DossierStatus) => `AGENCY#${agencyCode}#${status}`;
const deskPartition = (agencyCode: string) => `DESK#${agencyCode}`;
/** The desk that took the dossier in: the receiving desk of a counter/postal intake, else the competent agency. */
export const intakeDeskOf = (d: Dossier): string => d.receivingAgencyCode ?? d.agencyCode;

function dossierItem(stored: StoredDossier): Record<string, unknown> {
  const d = stored.dossier;
  const { history, ...head } = d;
  return {
    ...dossierKey(d.code),
    version: d.version,
    status: d.status,
    // Everything but the history (its own items); how many entries this version has, to assemble it on reading.
    dossier: head,
    historyCount: history.length,
    // The only attribute the list indexes project (domain/listing.ts: why).
    listing: listingOf(d),
    ...(stored.applicantAddress !== undefined ? { applicantAddress: stored.applicantAddress } : {}),
    gsi1pk: ownerPartition(d.applicant.idNumber),
    gsi1sk: `${utc(d.submittedAt)}#${d.code}`,
    ...(isFinal(d.status) ? {} : { gsi2pk: queuePartition(d.currentAgencyCode), gsi2sk: dueKey(d) }),
    gsi3pk: statusPartition(d.currentAgencyCode, d.status),
    gsi3sk: dueKey(d),
    gsi4pk: deskPartition(intakeDeskOf(d)),
    gsi4sk: `${utc(d.submittedAt)}#${d.code}`,
    // Every write counts the dossier where it now is (statusCountMoves, same transaction).
    countedIn: countedInMarker({ agencyCode: d.currentAgencyCode, status: d.status }),
  };
}

/**
 * The listing of an item read from a list index. A table provisioned before the indexes projected only the
 * listing (a local `.local/` kept from an earlier version) may hold items written without one: those still
 * carry the whole dossier there, and the listing is made from it.
 */
function listedDossier(item: Record<string, unknown>): DossierListing {
  if (item.listing !== undefined) return item.listing as DossierListing;
  return listingOf(item.dossier as Dossier);
}

/** Attempts at reading a whole dossier when the head names entries a read did not see yet (see `getDossier`). */
const READ_ATTEMPTS = 3;

/**
 * The stored dossier from its partition's items (the head first, then its entries in order), or undefined when
 * the head names an entry the read did not return (a transaction's items seen in part: read again).
 */
function assembled(items: readonly Record<string, unknown>[]): StoredDossier | undefined {
  const [head, ...entries] = items;
  const address = typeof head?.applicantAddress === 'string' ? { applicantAddress: head.applicantAddress } : {};
  const dossier = head?.dossier as Dossier & { history?: unknown };
  // A head written before the history moved out carries it whole (migration: the next write moves it out).
  const cell = countedInCell(head?.countedIn);
  const countedAs = cell ? { countedAs: cell } : {};
  if (Array.isArray(dossier.history)) return { dossier, storedHistory: 0, ...countedAs, ...address };
  const count = Number(head?.historyCount ?? 0);
  // Entries beyond the head's count belong to a newer version than the head read (an eventually consistent read).
  const history = entries
    .filter((item) => Number(String(item.sk).slice(HISTORY_SK_PREFIX.length)) <= count)
    .map((item) => item.entry as HistoryEntry);
  if (history.length < count) return undefined;
  return { dossier: { ...dossier, history }, storedHistory: count, ...countedAs, ...address };
}

/**
 * The whole dossier: ONE Query of its partition from the head (sk `DOSSIER`) to the end of its history (`H#~`),
 * the history assembled from its items. A Query is not a snapshot of a transaction: the head is read first and
 * names how many entries it has, so an entry written after the head read is left out; one the head names but the
 * read missed (seen before its transaction finished applying) makes the read run again, consistently.
 */
export async function getDossier(code: string, consistent = true): Promise<StoredDossier | undefined> {
  for (let attempt = 1; ; attempt++) {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await client().send(
        new QueryCommand({
          TableName: dossiersTableName(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :head AND :end',
          ExpressionAttributeValues: { ':pk': dossierPartition(code), ':head': HEAD_SK, ':end': HISTORY_SK_END },
          ConsistentRead: consistent || attempt > 1,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    if (items[0]?.sk !== HEAD_SK) return undefined;
    const stored = assembled(items);
    if (stored) return stored;
    if (attempt >= READ_ATTEMPTS) {
      throw new Error(`dossier ${code}: the head names ${String(items[0].historyCount)} history entries, fewer read`);
    }
  }
}

/**
 * Writes a dossier's head: a new one only if its code is free; a change only if the stored version is still the
 * one the change was decided on (`expectedVersion`), so that a lost race fails instead of overwriting, and only
 * if it is still counted where it was read (`countedAs`: a recount may have counted it meanwhile, without a new
 * version). Its new history entries and its status-count moves (`companionPuts`) go in the same transaction.
 */
export function dossierPut(stored: StoredDossier, expectedVersion: number | undefined): TransactItem {
  const item = dossierItem(stored);
  // A clear 413 that changes nothing rather than DynamoDB's refusal of the whole transaction as a 500.
  assertItemFits(item, { vi: `Hồ sơ ${stored.dossier.code}`, en: `Dossier ${stored.dossier.code}` });
  return {
    Put: {
      TableName: dossiersTableName(),
      Item: item,
      ...(expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : stored.countedAs === undefined
          ? {
              ConditionExpression: 'version = :expectedVersion AND attribute_not_exists(countedIn)',
              ExpressionAttributeValues: { ':expectedVersion': expectedVersion },
            }
          : {
              ConditionExpression: 'version = :expectedVersion AND countedIn = :countedIn',
              ExpressionAttributeValues: {
                ':expectedVersion': expectedVersion,
                ':countedIn': countedInMarker(stored.countedAs),
              },
            }),
    },
  };
}

/**
 * The history entries a write of `stored` adds: those after the `storedHistory` already stored, each its own small
 * item, in the same transaction as `dossierPut` (every caller). They carry no condition: the head's condition
 * guards them (a lost race or a taken code cancels the whole transaction, and a committed entry is never written
 * again with other content), so a failed condition is still the head's alone. A head read with its history inside
 * (written before it moved out) has `storedHistory` 0: its next write puts every entry.
 */
function historyPuts(stored: StoredDossier): TransactItem[] {
  const { code, history } = stored.dossier;
  if (stored.storedHistory > history.length) {
    throw new Error(`dossier ${code}: ${stored.storedHistory} history entries stored, ${history.length} in hand`);
  }
  return history.slice(stored.storedHistory).map((entry, i) => ({
    Put: {
      TableName: dossiersTableName(),
      Item: { ...historyKey(code, stored.storedHistory + i + 1), entry },
    },
  }));
}

/**
 * What goes with every write of a dossier's head, in its transaction: its new history entries (`historyPuts`)
 * and the move of its agency's status count (`statusCountMoves`). Every writer of a head adds these.
 */
export function companionPuts(stored: StoredDossier): TransactItem[] {
  return [...historyPuts(stored), ...statusCountMoves(stored)];
}

/** The stored dossier once a write of `stored` committed: every entry of its history is stored, and counted. */
export const afterWrite = (stored: StoredDossier): StoredDossier => ({
  ...stored,
  storedHistory: stored.dossier.history.length,
  countedAs: { agencyCode: stored.dossier.currentAgencyCode, status: stored.dossier.status },
});

// ---------------------------------------------------------------------------------------------------------
// Status counts of an agency (GET /agencies/{code}/dossiers/counts; decision 0022)

/** An agency holding a dossier, and the dossier's status there: one cell of the status counts. */
export interface CountedAs {
  agencyCode: string;
  status: DossierStatus;
}

/**
 * Each (agency, status) count is spread over this many items, a dossier always in the same one (by its code):
 * transitions of different dossiers of one agency then rarely touch the same counter item in their transactions
 * (DynamoDB cancels a transaction that meets another on an item), and reading stays one Query of ≤ 14 × 8 items.
 */
const COUNT_SHARDS = 8;
const countsPartition = (agencyCode: string) => `COUNTS#${agencyCode}`;
/**
 * Prefix of the counter items. Those written before heads carried their `countedIn` marker (`STATUS#…`) summed
 * heads nobody can tell apart any more (counted or written before the counters); they are not read.
 */
const COUNT_SK_PREFIX = 'COUNTED#';

/** The head's marker of the cell it is counted in: `<agency>#<status>` (neither holds a `#`). */
const countedInMarker = (cell: CountedAs): string => `${cell.agencyCode}#${cell.status}`;

function countedInCell(marker: unknown): CountedAs | undefined {
  if (typeof marker !== 'string') return undefined;
  const at = marker.lastIndexOf('#');
  return { agencyCode: marker.slice(0, at), status: marker.slice(at + 1) as DossierStatus };
}

/** The counter item of a dossier's cell: its code picks the shard (any stable spread does). */
function countKey(cell: CountedAs, dossierCode: string) {
  let hash = 0;
  for (const char of dossierCode) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 1_000_003;
  return { pk: countsPartition(cell.agencyCode), sk: `${COUNT_SK_PREFIX}${cell.status}#${hash % COUNT_SHARDS}` };
}

function countAdd(cell: CountedAs, dossierCode: string, delta: 1 | -1): TransactItem {
  return {
    Update: {
      TableName: dossiersTableName(),
      Key: countKey(cell, dossierCode),
      UpdateExpression: 'ADD #count :delta SET agencyCode = :agency, #status = :status',
      ExpressionAttributeNames: { '#count': 'count', '#status': 'status' },
      ExpressionAttributeValues: { ':delta': delta, ':agency': cell.agencyCode, ':status': cell.status },
    },
  };
}

/**
 * The count moves a write of `stored` makes: nothing when its agency and status are where it is counted; else one
 * down where it was (unless new, or never counted) and one up where it is now. Conditioned by the head's version
 * and marker like the history entries (same transaction), so a lost race moves no count and a committed
 * transition moves it exactly once. The one rule a recount follows too (`countHead`).
 */
export function statusCountMoves(stored: StoredDossier): TransactItem[] {
  const d = stored.dossier;
  const now: CountedAs = { agencyCode: d.currentAgencyCode, status: d.status };
  const before = stored.countedAs;
  if (before && before.agencyCode === now.agencyCode && before.status === now.status) return [];
  return [...(before ? [countAdd(before, d.code, -1)] : []), countAdd(now, d.code, 1)];
}

/** How many dossiers an agency holds in each status (statuses it never held are absent): one Query. */
export async function statusCounts(agencyCode: string): Promise<Map<DossierStatus, number>> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': countsPartition(agencyCode), ':prefix': COUNT_SK_PREFIX },
  });
  const counts = new Map<DossierStatus, number>();
  for (const item of items) {
    const status = item.status as DossierStatus;
    counts.set(status, (counts.get(status) ?? 0) + Number(item.count ?? 0));
  }
  return counts;
}

/** A dossier's head as a recount sees it: its version, and where it is counted (undefined: nowhere yet). */
export interface HeadCount {
  code: string;
  version: number;
  now: CountedAs;
  countedAs?: CountedAs;
}

/** The head's version and count marker, read consistently; undefined when there is no such dossier. */
export async function getHeadCount(code: string): Promise<HeadCount | undefined> {
  const out = await client().send(
    new GetCommand({
      TableName: dossiersTableName(),
      Key: dossierKey(code),
      ConsistentRead: true,
      ProjectionExpression: 'version, #status, countedIn, dossier.currentAgencyCode',
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  const item = out.Item;
  if (!item) return undefined;
  const agencyCode = (item.dossier as { currentAgencyCode: string }).currentAgencyCode;
  const countedAs = countedInCell(item.countedIn);
  return {
    code,
    version: Number(item.version),
    now: { agencyCode, status: item.status as DossierStatus },
    ...(countedAs ? { countedAs } : {}),
  };
}

/**
 * Counts a head no write has counted yet, where it is, under the rule of every write (`statusCountMoves`): its
 * marker and the count's move in one transaction, conditioned on the version read and on no marker. The version
 * is not raised (the officials' ETags stay valid). False when the condition failed: a transition (which counts
 * it) or another recount got there first; read it again.
 */
export async function countHead(head: HeadCount): Promise<boolean> {
  const markPut: TransactItem = {
    Update: {
      TableName: dossiersTableName(),
      Key: dossierKey(head.code),
      UpdateExpression: 'SET countedIn = :countedIn',
      ConditionExpression: 'version = :version AND attribute_not_exists(countedIn)',
      ExpressionAttributeValues: { ':version': head.version, ':countedIn': countedInMarker(head.now) },
    },
  };
  try {
    await transactWrite([markPut, countAdd(head.now, head.code, 1)]);
    return true;
  } catch (error) {
    if (conditionFailed(error, markPut)) return false;
    throw error;
  }
}

/**
 * One page of dossier codes: the heads of one agency (its status index gsi3, one status after the other, as
 * `statuses` name them) or of the province (a Scan of gsi3, which holds every head and nothing else). Keys only.
 */
export async function pageHeadCodes(
  scope: { agencyCode: string; status: DossierStatus } | undefined,
  startKey: Record<string, unknown> | undefined,
): Promise<{ codes: string[]; nextKey?: Record<string, unknown> }> {
  const common = {
    TableName: dossiersTableName(),
    IndexName: 'gsi3',
    ProjectionExpression: 'pk',
    ExclusiveStartKey: startKey,
  };
  const out = await client().send(
    scope === undefined
      ? new ScanCommand(common)
      : new QueryCommand({
          ...common,
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': statusPartition(scope.agencyCode, scope.status) },
        }),
  );
  const codes = (out.Items ?? []).map((item) => String(item.pk).slice('DOSSIER#'.length));
  return { codes, ...(out.LastEvaluatedKey ? { nextKey: out.LastEvaluatedKey } : {}) };
}

const recountedKey = { pk: 'COUNTS', sk: 'RECOUNTED' };

/** Whether a recount of the whole province ever finished here (recount.ts). */
export async function wasRecounted(): Promise<boolean> {
  const out = await client().send(
    new GetCommand({ TableName: dossiersTableName(), Key: recountedKey, ConsistentRead: true }),
  );
  return out.Item !== undefined;
}

export async function markRecounted(at: Date, heads: number): Promise<void> {
  await client().send(
    new PutCommand({ TableName: dossiersTableName(), Item: { ...recountedKey, at: at.toISOString(), heads } }),
  );
}

/**
 * The next sequence of an agency's dossier codes for a local date: an atomic counter (UpdateItem ADD), so
 * concurrent submissions never get the same number. A number taken by a submission that then fails is not
 * reused (codes may have gaps, never duplicates).
 */
export async function nextSequence(agencyCode: string, localDate: string): Promise<number> {
  const out = await client().send(
    new UpdateCommand({
      TableName: dossiersTableName(),
      Key: counterKey(agencyCode, localDate),
      UpdateExpression: 'ADD #seq :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':expiresAt': ttlAfterDays(startOfLocalDay(localDate), COUNTER_RETENTION_DAYS + 1),
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.seq);
}

/** A cursor must name an item of the partition it pages through; anything else is the caller's mistake. */
const indexCursorShape = (
  index: string,
  partition: string,
  sort: { sortBefore?: string; sortBetween?: [string, string] } = {},
): CursorShape => ({
  keys: ['pk', 'sk', `${index}pk`, `${index}sk`],
  partition: { [`${index}pk`]: partition },
  // …and lie within the sort-key range queried (a cursor of another filter is refused, not a 500).
  ...(sort.sortBefore === undefined && sort.sortBetween === undefined
    ? {}
    : {
        sortRange: {
          name: `${index}sk`,
          ...(sort.sortBefore === undefined ? {} : { below: sort.sortBefore }),
          ...(sort.sortBetween === undefined ? {} : { from: sort.sortBetween[0], to: sort.sortBetween[1] }),
        },
      }),
});

async function queryPage(
  index: 'gsi1' | 'gsi2' | 'gsi3' | 'gsi4',
  partition: string,
  limit: number,
  cursor: string | undefined,
  options: { sortBefore?: string; sortBetween?: [string, string]; newestFirst?: boolean } = {},
): Promise<Page<DossierListing>> {
  const between = options.sortBetween;
  const input: QueryCommandInput = {
    TableName: dossiersTableName(),
    IndexName: index,
    KeyConditionExpression: between
      ? '#pk = :pk AND #sk BETWEEN :from AND :to'
      : options.sortBefore === undefined
        ? '#pk = :pk'
        : '#pk = :pk AND #sk < :before',
    ExpressionAttributeNames: {
      '#pk': `${index}pk`,
      ...(options.sortBefore === undefined && between === undefined ? {} : { '#sk': `${index}sk` }),
    },
    ExpressionAttributeValues: {
      ':pk': partition,
      ...(options.sortBefore === undefined ? {} : { ':before': options.sortBefore }),
      ...(between === undefined ? {} : { ':from': between[0], ':to': between[1] }),
    },
    ScanIndexForward: options.newestFirst !== true,
    ExclusiveStartKey: decodePageCursor(cursor, indexCursorShape(index, partition, options)),
    // One beyond the page: then a next page certainly exists and its cursor is exact.
    Limit: limit + 1,
  };
  const out = await client().send(new QueryCommand(input));
  const items = out.Items ?? [];
  const page = items.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    items.length > limit && last ? encodePageCursor(last, indexCursorShape(index, partition, options)) : undefined;
  return { items: page.map(listedDossier), ...(nextCursor ? { nextCursor } : {}) };
}

/** The applicant's dossiers, newest submission first. */
export function queryOwnerDossiers(
  idNumber: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<DossierListing>> {
  return queryPage('gsi1', ownerPartition(idNumber), limit, cursor, { newestFirst: true });
}

/**
 * Dossiers held by an agency, ordered by appointment date: one status (gsi3), or every unfinished one (gsi2).
 * `dueBefore` (an instant) keeps those whose appointment is strictly earlier.
 */
export function queryAgencyDossiers(
  agencyCode: string,
  filter: { status?: DossierStatus; dueBefore?: Date },
  limit: number,
  cursor: string | undefined,
): Promise<Page<DossierListing>> {
  const sortBefore = filter.dueBefore?.toISOString();
  return filter.status === undefined
    ? queryPage('gsi2', queuePartition(agencyCode), limit, cursor, sortBefore ? { sortBefore } : {})
    : queryPage('gsi3', statusPartition(agencyCode, filter.status), limit, cursor, sortBefore ? { sortBefore } : {});
}

/**
 * The dossiers a desk took in between two instants (`from` inclusive, `to` exclusive), in order of intake: the
 * desk's day and its tracking book (sổ theo dõi hồ sơ). One Query of gsi4 per page.
 */
export function queryDeskDossiers(
  deskCode: string,
  range: { from: Date; to: Date },
  limit: number,
  cursor: string | undefined,
): Promise<Page<DossierListing>> {
  // Keys are `<instant>#<code>`; `~` sorts after `#`, so `<to − 1 ms>~` is above every key before `to`.
  return queryPage('gsi4', deskPartition(deskCode), limit, cursor, {
    sortBetween: [range.from.toISOString(), `${new Date(range.to.getTime() - 1).toISOString()}~`],
  });
}

// ---------------------------------------------------------------------------------------------------------
// Read model: procedure versions (catalog.procedure_published / catalog.procedure_retired)

export interface ProcedureVersionRecord {
  procedure?: Procedure;
  retired: boolean;
}

/**
 * Records a published version. Versions never change content, so a redelivery writes the same thing; the
 * `retired` flag is left alone, so a retirement that arrived first is kept.
 */
export function procedureVersionUpsert(procedure: Procedure): TransactItem {
  return {
    Update: {
      TableName: dossiersTableName(),
      Key: procedureVersionKey(procedure.code, procedure.version),
      UpdateExpression: 'SET #procedure = :procedure',
      ExpressionAttributeNames: { '#procedure': 'procedure' },
      ExpressionAttributeValues: { ':procedure': procedure },
    },
  };
}

export function procedureVersionRetire(code: string, version: number): TransactItem {
  return {
    Update: {
      TableName: dossiersTableName(),
      Key: procedureVersionKey(code, version),
      UpdateExpression: 'SET retired = :true',
      ExpressionAttributeValues: { ':true': true },
    },
  };
}

/** Every known version of a procedure (a handful), oldest first. */
export async function listProcedureVersions(code: string): Promise<ProcedureVersionRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `PROCEDURE#${code}`, ':prefix': 'VERSION#' },
  });
  return items.map((item) => ({
    ...(item.procedure === undefined ? {} : { procedure: item.procedure as Procedure }),
    retired: item.retired === true,
  }));
}

export async function getProcedureVersion(code: string, version: number): Promise<Procedure | undefined> {
  const out = await client().send(
    new GetCommand({ TableName: dossiersTableName(), Key: procedureVersionKey(code, version), ConsistentRead: true }),
  );
  return out.Item?.procedure as Procedure | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Read models ordered by the producer's sequence: agencies and calendar years. An older event than the one
// applied is refused by the condition (the consumer treats that as nothing to do).

function newerThanStored(sequence: number) {
  return {
    ConditionExpression: 'attribute_not_exists(pk) OR #sequence < :sequence',
    ExpressionAttributeNames: { '#sequence': 'sequence' },
    ExpressionAttributeValues: { ':sequence': sequence },
  };
}

export function agencyPut(agency: Agency, sequence: number): TransactItem {
  return {
    Put: {
      TableName: dossiersTableName(),
      Item: { ...agencyKey(agency.code), agency, sequence },
      ...newerThanStored(sequence),
    },
  };
}

export async function getAgency(code: string): Promise<Agency | undefined> {
  const out = await client().send(new GetCommand({ TableName: dossiersTableName(), Key: agencyKey(code) }));
  return out.Item?.agency as Agency | undefined;
}

export function calendarPut(calendar: CalendarYear, sequence: number): TransactItem {
  return {
    Put: {
      TableName: dossiersTableName(),
      Item: { ...calendarKey(calendar.year), calendar, sequence },
      ...newerThanStored(sequence),
    },
  };
}

export async function listCalendarYears(): Promise<CalendarYear[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': CALENDAR_PK },
  });
  return items.map((item) => item.calendar as CalendarYear);
}

// ---------------------------------------------------------------------------------------------------------
// Read model: verified documents (document.verified), and which dossiers used each one

export interface VerifiedDocument {
  documentId: string;
  ownerIdNumber?: string;
  /** An official's scan: the applicant it was digitized for (theirs once a dossier of the agency carries it). */
  onBehalfOf?: string;
  ownerAgencyCode?: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  digitized: boolean;
}

export interface StoredDocument {
  document: VerifiedDocument;
  /** Codes of the dossiers that included the document (a document used before is "reused"). */
  usedBy: string[];
}

/** Records a verified document; the record of its use by dossiers is kept. */
export function documentUpsert(document: VerifiedDocument, sequence: number): TransactItem {
  return {
    Update: {
      TableName: dossiersTableName(),
      Key: documentKey(document.documentId),
      UpdateExpression: 'SET #document = :document, #sequence = :sequence',
      ConditionExpression: 'attribute_not_exists(#sequence) OR #sequence < :sequence',
      ExpressionAttributeNames: { '#document': 'document', '#sequence': 'sequence' },
      ExpressionAttributeValues: { ':document': document, ':sequence': sequence },
    },
  };
}

/** Adds a dossier to the documents' users, in the dossier's own transaction. */
export function documentUsage(documentId: string, dossierCode: string): TransactItem {
  return {
    Update: {
      TableName: dossiersTableName(),
      Key: documentKey(documentId),
      UpdateExpression: 'ADD usedBy :code',
      ConditionExpression: 'attribute_exists(#document)',
      ExpressionAttributeNames: { '#document': 'document' },
      ExpressionAttributeValues: { ':code': new Set([dossierCode]) },
    },
  };
}

/** The verified documents among `ids` (unknown or unverified ones are absent from the map). */
export async function getDocuments(ids: readonly string[]): Promise<Map<string, StoredDocument>> {
  const found = new Map<string, StoredDocument>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += 100) {
    let pending: Record<string, unknown>[] = unique.slice(start, start + 100).map(documentKey);
    while (pending.length > 0) {
      const out = await client().send(
        new BatchGetCommand({ RequestItems: { [dossiersTableName()]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[dossiersTableName()] ?? []) {
        if (item.document === undefined) continue;
        const usedBy = item.usedBy instanceof Set ? [...(item.usedBy as Set<string>)] : [];
        const document = item.document as VerifiedDocument;
        found.set(document.documentId, { document, usedBy });
      }
      pending = (out.UnprocessedKeys?.[dossiersTableName()]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------

async function queryAll(
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await client().send(
      new QueryCommand({ ...input, TableName: dossiersTableName(), ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}
