/**
 * The only code that touches the catalog's table. Single-table design (see the table declaration in
 * topology.ts for the access patterns):
 *
 * | item             | pk                  | sk                    | gsi1pk / gsi1sk          |
 * |------------------|---------------------|-----------------------|--------------------------|
 * | agency           | AGENCY#<code>       | AGENCY                | AGENCIES / <code>        |
 * | procedure head   | PROCEDURE#<code>    | HEAD                  | PUBLISHED / <code> (*)   |
 * | procedure version| PROCEDURE#<code>    | VERSION#<0000000007>  | —                        |
 * | calendar year    | CALENDAR#<year>     | CALENDAR              | —                        |
 * | outbox event     | OUTBOX#<id>         | OUTBOX                | —                        |
 * (*) only once the procedure has a published version.
 *
 * Domain objects are stored whole, as JSON text, in one attribute (`agency`, `procedure`, `calendar`,
 * `summary`): nothing queries inside them, no key or bookkeeping attribute can collide with a field, and they
 * come back exactly as written (DynamoDB maps do not keep key order). What the listing filters on is kept
 * beside them as plain attributes. Reads return domain shapes; writes are returned as transaction items for
 * the use cases to combine with their outbox events.
 */
import { BatchGetCommand, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CalendarYear } from '#calendar/calendar.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { assertItemFits } from '#platform/bounds.ts';
import { decodePageCursor, encodePageCursor } from '#platform/cursor.ts';
import type { TransactItem } from '#platform/dynamo.ts';
import { tableName } from '#platform/env.ts';
import type { ProcedureSummary } from './api/schemas.ts';
import type { Agency, OnlineMode, Procedure, ProcedureStatus } from './domain/schemas.ts';
import { normalizeForSearch, searchTokens } from './domain/search.ts';

/** Physical name of the catalog table (read at call time: the local runtime sets it after import). */
export const catalogTableName = (): string => tableName('catalog');

const PUBLISHED_LIST = 'PUBLISHED';
const AGENCY_LIST = 'AGENCIES';
const HEAD_SK = 'HEAD';
/** Words of a search query used as filters; more add cost without narrowing anything useful. */
const MAX_QUERY_WORDS = 10;
/** Items evaluated per Query round trip while collecting a filtered page. */
const QUERY_PAGE = 200;

const agencyKey = (code: string) => ({ pk: `AGENCY#${code}`, sk: 'AGENCY' });
const headKey = (code: string) => ({ pk: `PROCEDURE#${code}`, sk: HEAD_SK });
const versionKey = (code: string, version: number) => ({
  pk: `PROCEDURE#${code}`,
  sk: `VERSION#${String(version).padStart(10, '0')}`,
});
const calendarKey = (year: number) => ({ pk: `CALENDAR#${year}`, sk: 'CALENDAR' });

/** Who changed an item and when (kept on the item for operators; events carry their own time). */
export interface Audit {
  at: string;
  by: string;
}

export interface StoredAgency {
  agency: Agency;
  /** Bumped on every change; the event sequence and the optimistic-concurrency check. */
  revision: number;
  contentHash: string;
}

/**
 * Validity of one published or retired version, kept on the head to pick the version in effect and to list a
 * procedure's versions without reading them. Who published it and when is recorded from the version's
 * publication on (heads written earlier lack it).
 */
export interface VersionRef {
  version: number;
  status: ProcedureStatus;
  validFrom: string;
  validTo?: string;
  publishedAt?: string;
  publishedBy?: string;
}

/** The per-procedure bookkeeping item: where its versions stand. */
export interface ProcedureHead {
  code: string;
  revision: number;
  /** Highest version number handed out (published, retired or draft). */
  latestVersion: number;
  /** The latest published version, if any. */
  publishedVersion?: number;
  publishedHash?: string;
  /** The working copy, numbered as the version it will become. */
  draftVersion?: number;
  draftHash?: string;
  /** Published and retired versions (not drafts). */
  versions: VersionRef[];
  /** Summary of `publishedVersion`, as listed by GET /procedures. */
  summary?: ProcedureSummary;
}

export interface StoredProcedureVersion {
  procedure: Procedure;
  contentHash: string;
}

export interface StoredCalendar {
  calendar: CalendarYear;
  revision: number;
  contentHash: string;
}

export interface ProcedureFilter {
  q?: string;
  agencyCode?: string;
  field?: string;
  mode?: OnlineMode;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const client = () => dynamoDocumentClient();

/** Our own items, written by this module from validated values. */
const fromJson = <T>(value: unknown): T => JSON.parse(String(value)) as T;

async function getItem(key: Record<string, string>, consistent: boolean): Promise<Record<string, unknown> | undefined> {
  const out = await client().send(
    new GetCommand({ TableName: catalogTableName(), Key: key, ConsistentRead: consistent }),
  );
  return out.Item;
}

/** Condition that the item is still at the revision the change was planned on (or still absent). */
function revisionCondition(previousRevision: number | undefined) {
  return previousRevision === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: 'revision = :expectedRevision',
        ExpressionAttributeValues: { ':expectedRevision': previousRevision },
      };
}

/** A cursor must name an item of the list it pages through; anything else is the caller's mistake. */
const listCursorShape = (list: string) => ({ keys: ['gsi1pk', 'gsi1sk', 'pk', 'sk'], partition: { gsi1pk: list } });

function listCursor(cursor: string | undefined, list: string): Record<string, unknown> | undefined {
  return decodePageCursor(cursor, listCursorShape(list));
}

const cursorOf = (item: Record<string, unknown>) => encodePageCursor(item, listCursorShape(PUBLISHED_LIST));

// ---------------------------------------------------------------------------------------------------------
// Agencies

export async function getAgency(code: string, consistent = false): Promise<StoredAgency | undefined> {
  const item = await getItem(agencyKey(code), consistent);
  return item ? storedAgency(item) : undefined;
}

function storedAgency(item: Record<string, unknown>): StoredAgency {
  return {
    agency: fromJson<Agency>(item.agency),
    revision: Number(item.revision),
    contentHash: String(item.contentHash),
  };
}

/** Every agency, ordered by code (a province has hundreds at most: one partition, read whole). */
export async function listAgencies(): Promise<Agency[]> {
  const items = await queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :list' }, AGENCY_LIST);
  return items.map((item) => fromJson<Agency>(item.agency));
}

export async function listAgencyCodes(): Promise<string[]> {
  const items = await queryAll(
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :list', ProjectionExpression: 'gsi1sk' },
    AGENCY_LIST,
  );
  return items.map((item) => String(item.gsi1sk));
}

export function agencyPut(stored: StoredAgency, previousRevision: number | undefined, audit: Audit): TransactItem {
  return {
    Put: {
      TableName: catalogTableName(),
      Item: {
        ...agencyKey(stored.agency.code),
        gsi1pk: AGENCY_LIST,
        gsi1sk: stored.agency.code,
        agency: JSON.stringify(stored.agency),
        revision: stored.revision,
        contentHash: stored.contentHash,
        updatedAt: audit.at,
        updatedBy: audit.by,
      },
      ...revisionCondition(previousRevision),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Procedures

export async function getProcedureHead(code: string, consistent = false): Promise<ProcedureHead | undefined> {
  const item = await getItem(headKey(code), consistent);
  if (!item) return undefined;
  return {
    code,
    revision: Number(item.revision),
    latestVersion: Number(item.latestVersion),
    ...(item.publishedVersion === undefined ? {} : { publishedVersion: Number(item.publishedVersion) }),
    ...(item.publishedHash === undefined ? {} : { publishedHash: String(item.publishedHash) }),
    ...(item.draftVersion === undefined ? {} : { draftVersion: Number(item.draftVersion) }),
    ...(item.draftHash === undefined ? {} : { draftHash: String(item.draftHash) }),
    versions: item.versions === undefined ? [] : fromJson<VersionRef[]>(item.versions),
    ...(item.summary === undefined ? {} : { summary: fromJson<ProcedureSummary>(item.summary) }),
  };
}

export async function getProcedureVersion(
  code: string,
  version: number,
  consistent = false,
): Promise<StoredProcedureVersion | undefined> {
  const item = await getItem(versionKey(code, version), consistent);
  return item ? { procedure: fromJson<Procedure>(item.procedure), contentHash: String(item.contentHash) } : undefined;
}

/**
 * The head, listed under gsi1 PUBLISHED once a version is published, with the attributes the listing filters
 * on, taken from the published version's summary: normalized search text and field, agency codes, mode.
 */
export function procedureHeadPut(
  head: ProcedureHead,
  previousRevision: number | undefined,
  audit: Audit,
): TransactItem {
  const summary = head.summary;
  const listed = summary
    ? {
        gsi1pk: PUBLISHED_LIST,
        gsi1sk: head.code,
        searchText: searchTokens(summary),
        fieldKey: normalizeForSearch(summary.field),
        agencyCodes: summary.agencyCodes,
        mode: summary.mode,
      }
    : {};
  return {
    Put: {
      TableName: catalogTableName(),
      Item: {
        ...headKey(head.code),
        ...head,
        versions: JSON.stringify(head.versions),
        ...(head.summary ? { summary: JSON.stringify(head.summary) } : {}),
        ...listed,
        updatedAt: audit.at,
        updatedBy: audit.by,
      },
      ...revisionCondition(previousRevision),
    },
  };
}

/** A procedure version as JSON, at most: its event must fit an SNS message (256 KB) with the envelope. */
const MAX_PROCEDURE_BYTES = 192 * 1024;

/**
 * Writes a version. A new number, or the draft being saved again or published, may be written; a published or
 * retired version is only ever rewritten by `supersede` (its validity and status), never its content.
 */
export function procedureVersionPut(
  stored: StoredProcedureVersion,
  audit: Audit,
  mode: 'new-or-draft' | 'supersede',
): TransactItem {
  const procedure = JSON.stringify(stored.procedure);
  // The published procedure also travels whole in its event (SNS takes 256 KB) and into the dossiers
  // context's copy: refuse a larger one here, as a 413, rather than fail later where nobody sees it.
  assertItemFits(
    procedure,
    { vi: `Thủ tục ${stored.procedure.code}`, en: `Procedure ${stored.procedure.code}` },
    MAX_PROCEDURE_BYTES,
  );
  return {
    Put: {
      TableName: catalogTableName(),
      Item: {
        ...versionKey(stored.procedure.code, stored.procedure.version),
        procedure,
        status: stored.procedure.status,
        contentHash: stored.contentHash,
        updatedAt: audit.at,
        updatedBy: audit.by,
      },
      ...(mode === 'new-or-draft'
        ? {
            ConditionExpression: 'attribute_not_exists(pk) OR #status = :draft',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':draft': 'draft' },
          }
        : { ConditionExpression: 'attribute_exists(pk)' }),
    },
  };
}

/**
 * One page of published procedures matching the filter, ordered by code. The filters run in DynamoDB over the
 * PUBLISHED partition (bounded: a province catalogs hundreds to a few thousand procedures), so only matches
 * travel; the cursor is the key of the last item returned, so no match is skipped or repeated.
 */
export async function queryPublishedProcedures(
  filter: ProcedureFilter,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ProcedureSummary>> {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':list': PUBLISHED_LIST };
  const words = normalizeForSearch(filter.q ?? '')
    .split(' ')
    .filter((word) => word !== '')
    .slice(0, MAX_QUERY_WORDS);
  words.forEach((word, index) => {
    conditions.push(`contains(searchText, :q${index})`);
    values[`:q${index}`] = word;
  });
  if (filter.agencyCode !== undefined) {
    conditions.push('contains(agencyCodes, :agencyCode)');
    values[':agencyCode'] = filter.agencyCode;
  }
  if (filter.field !== undefined) {
    conditions.push('fieldKey = :fieldKey');
    values[':fieldKey'] = normalizeForSearch(filter.field);
  }
  if (filter.mode !== undefined) {
    conditions.push('#mode = :mode');
    names['#mode'] = 'mode';
    values[':mode'] = filter.mode;
  }

  // Collect one match beyond the page: then a next page certainly exists and its cursor is exact.
  const matches: Record<string, unknown>[] = [];
  let startKey = listCursor(cursor, PUBLISHED_LIST);
  do {
    const out = await client().send(
      new QueryCommand({
        TableName: catalogTableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :list',
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ExclusiveStartKey: startKey,
        Limit: QUERY_PAGE,
      }),
    );
    matches.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined && matches.length <= limit);

  const page = matches.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((item) => fromJson<ProcedureSummary>(item.summary)),
    ...(matches.length > limit && last ? { nextCursor: cursorOf(last) } : {}),
  };
}

/** One page of the current published procedures in full (for export), ordered by code. */
export async function pagePublishedProcedures(cursor: string | undefined, limit: number): Promise<Page<Procedure>> {
  const out = await client().send(
    new QueryCommand({
      TableName: catalogTableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :list',
      ExpressionAttributeValues: { ':list': PUBLISHED_LIST },
      ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk, publishedVersion',
      ExclusiveStartKey: listCursor(cursor, PUBLISHED_LIST),
      Limit: limit,
    }),
  );
  const heads = out.Items ?? [];
  const keys = heads.map((head) => versionKey(String(head.gsi1sk), Number(head.publishedVersion)));
  const byKey = new Map<string, Procedure>();
  let pending: Record<string, unknown>[] = keys;
  while (pending.length > 0) {
    const got = await client().send(
      new BatchGetCommand({ RequestItems: { [catalogTableName()]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of got.Responses?.[catalogTableName()] ?? [])
      byKey.set(`${item.pk}|${item.sk}`, fromJson<Procedure>(item.procedure));
    pending = (got.UnprocessedKeys?.[catalogTableName()]?.Keys ?? []) as Record<string, unknown>[];
  }
  const items = keys.flatMap((key) => byKey.get(`${key.pk}|${key.sk}`) ?? []);
  const last = heads.at(-1);
  return { items, ...(out.LastEvaluatedKey && last ? { nextCursor: cursorOf(last) } : {}) };
}

/** A version cursor names the last version item listed, in its procedure's partition. */
const versionCursorShape = (code: string) => ({
  keys: ['pk', 'sk'],
  partition: { pk: headKey(code).pk },
  sortRange: { name: 'sk', from: 'VERSION#' },
});

/**
 * One page of a procedure's published and retired versions, newest first. They are all on its head (read once,
 * a few hundred bytes per version), so the page costs one item read however long the history; the cursor is
 * the key of the last version listed, checked as every list's cursor is.
 */
export function pageVersionRefs(head: ProcedureHead, limit: number, cursor: string | undefined): Page<VersionRef> {
  const after = decodePageCursor(cursor, versionCursorShape(head.code));
  const newestFirst = [...head.versions].sort((a, b) => b.version - a.version);
  const rest = after ? newestFirst.filter((ref) => versionKey(head.code, ref.version).sk < after.sk!) : newestFirst;
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    ...(rest.length > limit && last
      ? { nextCursor: encodePageCursor(versionKey(head.code, last.version), versionCursorShape(head.code)) }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Calendar

export async function getCalendar(year: number, consistent = false): Promise<StoredCalendar | undefined> {
  const item = await getItem(calendarKey(year), consistent);
  return item
    ? {
        calendar: fromJson<CalendarYear>(item.calendar),
        revision: Number(item.revision),
        contentHash: String(item.contentHash),
      }
    : undefined;
}

export function calendarPut(stored: StoredCalendar, previousRevision: number | undefined, audit: Audit): TransactItem {
  return {
    Put: {
      TableName: catalogTableName(),
      Item: {
        ...calendarKey(stored.calendar.year),
        calendar: JSON.stringify(stored.calendar),
        revision: stored.revision,
        contentHash: stored.contentHash,
        updatedAt: audit.at,
        updatedBy: audit.by,
      },
      ...revisionCondition(previousRevision),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

async function queryAll(
  input: Omit<QueryCommandInput, 'TableName' | 'ExpressionAttributeValues' | 'ExclusiveStartKey'>,
  list: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await client().send(
      new QueryCommand({
        ...input,
        TableName: catalogTableName(),
        ExpressionAttributeValues: { ':list': list },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}
