/**
 * The only code that touches the portal table (key design in topology.ts) and the staging bucket.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { dynamoDocumentClient, s3Client, s3PresignClient } from '#platform/aws.ts';
import { clockOffsetMs } from '#platform/clock.ts';
import { putAll, type TransactItem } from '#platform/dynamo.ts';
import { bucketName, isLocal, tableName } from '#platform/env.ts';
import type { Forward, ForwardStatus } from './domain/forward.ts';
import type { Supplement } from './domain/supplement.ts';
import { STAGING_BUCKET } from './topology.ts';

export const portalTableName = (): string => tableName('portal');
const stagingBucketName = (): string => bucketName(STAGING_BUCKET);

const forwardKey = (nationalId: string) => ({ pk: `FORWARD#${nationalId}`, sk: 'FORWARD' });
const SUPPLEMENT_SK = 'SUPPLEMENT#';
const supplementKey = (nationalId: string, supplementId: string) => ({
  pk: `FORWARD#${nationalId}`,
  sk: `${SUPPLEMENT_SK}${supplementId}`,
});
const docRefKey = (documentId: string) => ({ pk: `DOCREF#${documentId}`, sk: 'DOCREF' });
const mapKey = (procedureCode: string) => ({ pk: `MAP#${procedureCode}`, sk: 'MAP' });
const nationalMapKey = (nationalCode: string) => ({ pk: `NATIONAL#${nationalCode}`, sk: 'MAP' });

// ---------------------------------------------------------------------------------------------------------
// Forwarded dossiers

function forwardItem(forward: Forward): Record<string, unknown> {
  return {
    ...forwardKey(forward.nationalId),
    forward,
    version: forward.version,
    gsi1pk: `FORWARDS#${forward.status}`,
    gsi1sk: `${forward.receivedAt}#${forward.nationalId}`,
  };
}

export function putNewForward(forward: Forward): TransactItem {
  return {
    Put: { TableName: portalTableName(), Item: forwardItem(forward), ConditionExpression: 'attribute_not_exists(pk)' },
  };
}

/** Replaces the forward if it is still at `expectedVersion`. */
export function putForwardVersion(forward: Forward, expectedVersion: number): TransactItem {
  return {
    Put: {
      TableName: portalTableName(),
      Item: forwardItem(forward),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    },
  };
}

export async function getForward(nationalId: string): Promise<Forward | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: portalTableName(), Key: forwardKey(nationalId), ConsistentRead: true }),
  );
  return found.Item ? (found.Item.forward as Forward) : undefined;
}

/** Forwarded dossiers and supplementation rounds in one state, oldest first (the same index, one list). */
export async function listForwards(
  status: ForwardStatus,
  limit: number,
): Promise<({ kind: 'dossier'; forward: Forward } | { kind: 'supplement'; supplement: Supplement })[]> {
  const found = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: portalTableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `FORWARDS#${status}` },
      Limit: limit,
    }),
  );
  return (found.Items ?? []).map((item) =>
    item.supplement
      ? { kind: 'supplement' as const, supplement: item.supplement as Supplement }
      : { kind: 'dossier' as const, forward: item.forward as Forward },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Supplementation rounds answered on the portal: under their dossier's partition, on the same state index

function supplementItem(s: Supplement): Record<string, unknown> {
  return {
    ...supplementKey(s.nationalId, s.supplementId),
    supplement: s,
    version: s.version,
    gsi1pk: `FORWARDS#${s.status}`,
    gsi1sk: `${s.receivedAt}#${s.nationalId}#${s.supplementId}`,
  };
}

export function putNewSupplement(s: Supplement): TransactItem {
  return {
    Put: { TableName: portalTableName(), Item: supplementItem(s), ConditionExpression: 'attribute_not_exists(pk)' },
  };
}

/** Replaces the round if it is still at `expectedVersion`. */
export function putSupplementVersion(s: Supplement, expectedVersion: number): TransactItem {
  return {
    Put: {
      TableName: portalTableName(),
      Item: supplementItem(s),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    },
  };
}

export async function getSupplement(nationalId: string, supplementId: string): Promise<Supplement | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: portalTableName(),
      Key: supplementKey(nationalId, supplementId),
      ConsistentRead: true,
    }),
  );
  return found.Item ? (found.Item.supplement as Supplement) : undefined;
}

/** The rounds answered on the portal for one dossier, in the order of their ids. */
export async function listSupplements(nationalId: string): Promise<Supplement[]> {
  const items: Supplement[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: portalTableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `FORWARD#${nationalId}`, ':sk': SUPPLEMENT_SK },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []).map((item) => item.supplement as Supplement));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

// ---------------------------------------------------------------------------------------------------------
// File → the forwarded dossier (or supplementation round) it came with

export interface DocRef {
  nationalId: string;
  /** Set when the file came with a supplementation round of the dossier. */
  supplementId?: string;
}

export function docRefPut(documentId: string, nationalId: string, supplementId?: string): TransactItem {
  return {
    Put: {
      TableName: portalTableName(),
      Item: { ...docRefKey(documentId), nationalId, ...(supplementId === undefined ? {} : { supplementId }) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getDocRef(documentId: string): Promise<DocRef | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: portalTableName(), Key: docRefKey(documentId) }),
  );
  if (!found.Item) return undefined;
  return {
    nationalId: found.Item.nationalId as string,
    ...(typeof found.Item.supplementId === 'string' ? { supplementId: found.Item.supplementId } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Mapping local procedure ↔ national code

export interface Mapping {
  procedureCode: string;
  nationalCode: string;
  mappedAt: string;
  mappedBy: string;
}

export async function getMappingByNational(nationalCode: string): Promise<Mapping | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: portalTableName(), Key: nationalMapKey(nationalCode), ConsistentRead: true }),
  );
  return found.Item?.mapping as Mapping | undefined;
}

export async function getMapping(procedureCode: string): Promise<Mapping | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: portalTableName(), Key: mapKey(procedureCode), ConsistentRead: true }),
  );
  return found.Item?.mapping as Mapping | undefined;
}

/**
 * The items of a mapping: the local side, the national side (only if that code is free or already this
 * procedure's — index 1 fails otherwise), and the release of the code the procedure had before.
 */
export function mappingItems(mapping: Mapping, previousNationalCode: string | undefined): TransactItem[] {
  const items: TransactItem[] = [
    { Put: { TableName: portalTableName(), Item: { ...mapKey(mapping.procedureCode), mapping, kind: 'MAP' } } },
    {
      Put: {
        TableName: portalTableName(),
        Item: { ...nationalMapKey(mapping.nationalCode), mapping },
        ConditionExpression: 'attribute_not_exists(pk) OR mapping.procedureCode = :code',
        ExpressionAttributeValues: { ':code': mapping.procedureCode },
      },
    },
  ];
  if (previousNationalCode !== undefined && previousNationalCode !== mapping.nationalCode) {
    items.push({ Delete: { TableName: portalTableName(), Key: nationalMapKey(previousNationalCode) } });
  }
  return items;
}

async function queryAll(pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: portalTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

// ---------------------------------------------------------------------------------------------------------
// Read models of the local catalog (from catalog events)

/** What the portal needs of a local procedure: its name and what intake checks before forwarding. */
export interface LocalProcedure {
  code: string;
  version: number;
  name: string;
  status: 'published' | 'retired';
  mode: string;
  agencyCodes: string[];
  requirements: { code: string; name: string; required: boolean; contentTypes: string[]; maxBytes: number }[];
  formSchema: unknown;
}

export interface LocalAgency {
  code: string;
  name: string;
  active: boolean;
}

function newerThanStored(sequence: number) {
  return {
    ConditionExpression: 'attribute_not_exists(pk) OR #sequence < :sequence',
    ExpressionAttributeNames: { '#sequence': 'sequence' },
    ExpressionAttributeValues: { ':sequence': sequence },
  };
}

/** The procedure's version, kept if newer than the stored one (by version, then event sequence). */
export function procedurePut(procedure: LocalProcedure, sequence: number): TransactItem {
  return {
    Put: {
      TableName: portalTableName(),
      Item: { pk: 'PROCEDURE', sk: procedure.code, procedure, sequence },
      ...newerThanStored(sequence),
    },
  };
}

export function agencyPut(agency: LocalAgency, sequence: number): TransactItem {
  return {
    Put: {
      TableName: portalTableName(),
      Item: { pk: 'AGENCY', sk: agency.code, agency, sequence },
      ...newerThanStored(sequence),
    },
  };
}

export async function getProcedure(code: string): Promise<LocalProcedure | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: portalTableName(), Key: { pk: 'PROCEDURE', sk: code } }),
  );
  return found.Item?.procedure as LocalProcedure | undefined;
}

export async function getAgency(code: string): Promise<LocalAgency | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: portalTableName(), Key: { pk: 'AGENCY', sk: code } }),
  );
  return found.Item?.agency as LocalAgency | undefined;
}

export async function listProcedures(): Promise<LocalProcedure[]> {
  return (await queryAll('PROCEDURE')).map((item) => item.procedure as LocalProcedure);
}

export async function listAgencies(): Promise<LocalAgency[]> {
  return (await queryAll('AGENCY')).map((item) => item.agency as LocalAgency);
}

export async function listMappings(): Promise<Mapping[]> {
  // Mappings are few (one per procedure): a filtered scan of the MAP# keys would do too; this keeps to queries.
  const procedures = await listProcedures();
  const found = await Promise.all(procedures.map((p) => getMapping(p.code)));
  return found.filter((m): m is Mapping => m !== undefined);
}

// ---------------------------------------------------------------------------------------------------------
// The national catalog, as pulled from the portal

export interface NationalProcedure {
  nationalCode: string;
  name: string;
  fieldCode?: string;
  fieldName?: string;
  agencyCodes: string[];
}

export interface NationalEntry {
  code: string;
  name: string;
}

export function nationalItems(
  procedures: NationalProcedure[],
  agencies: NationalEntry[],
  fields: NationalEntry[],
  pulledAt: string,
): Record<string, unknown>[] {
  return [
    ...procedures.map((p) => ({ pk: 'NATCAT#PROCEDURE', sk: p.nationalCode, entry: p, pulledAt })),
    ...agencies.map((a) => ({ pk: 'NATCAT#AGENCY', sk: a.code, entry: a, pulledAt })),
    ...fields.map((f) => ({ pk: 'NATCAT#FIELD', sk: f.code, entry: f, pulledAt })),
    { pk: 'NATCAT', sk: 'PULLED', pulledAt },
  ];
}

/**
 * Writes a pull's items. The entries first, the `PULLED` marker last: readers take the entries of the newest
 * marker, so a pull that fails half way leaves the previous one in force rather than a mix.
 */
export async function putItems(items: Record<string, unknown>[]): Promise<void> {
  const isMarker = (item: Record<string, unknown>) => item.pk === 'NATCAT' && item.sk === 'PULLED';
  await putAll(
    portalTableName(),
    items.filter((item) => !isMarker(item)),
  );
  await putAll(portalTableName(), items.filter(isMarker));
}

/** Entries of a kind from the latest pull (entries not in the latest pull are dropped from the answer). */
export async function listNational<T>(
  kind: 'PROCEDURE' | 'AGENCY' | 'FIELD',
): Promise<{ items: T[]; pulledAt?: string }> {
  const [items, pulled] = await Promise.all([
    queryAll(`NATCAT#${kind}`),
    dynamoDocumentClient().send(new GetCommand({ TableName: portalTableName(), Key: { pk: 'NATCAT', sk: 'PULLED' } })),
  ]);
  const pulledAt = pulled.Item?.pulledAt as string | undefined;
  return {
    items: items.filter((i) => i.pulledAt === pulledAt).map((i) => i.entry as T),
    ...(pulledAt ? { pulledAt } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Staging bucket

export const stagingKey = (nationalId: string, fileId: string): string =>
  `forwarded/${encodeURIComponent(nationalId)}/${encodeURIComponent(fileId)}`;

/** Where a supplementation round's file is staged (beside its dossier's). */
export const supplementStagingKey = (nationalId: string, supplementId: string, fileId: string): string =>
  `forwarded/${encodeURIComponent(nationalId)}/supplements/${encodeURIComponent(supplementId)}/${encodeURIComponent(fileId)}`;

export async function stageFile(key: string, body: Uint8Array, contentType: string): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({ Bucket: stagingBucketName(), Key: key, Body: body, ContentType: contentType }),
  );
}

export async function deleteStaged(key: string): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: stagingBucketName(), Key: key }));
}

/** How long the documents context has to fetch a staged file (its consumer retries within this). */
export const STAGED_URL_SECONDS = 12 * 3600;

/** A GET URL of a staged file, for the documents context (which owns its own bucket, not this one). */
export async function stagedFileUrl(key: string): Promise<string> {
  const client = s3PresignClient();
  if (isLocal()) client.config.systemClockOffset = clockOffsetMs();
  return getSignedUrl(client, new GetObjectCommand({ Bucket: stagingBucketName(), Key: key }), {
    expiresIn: STAGED_URL_SECONDS,
  });
}
