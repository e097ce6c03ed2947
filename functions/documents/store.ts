/**
 * The only code that touches the documents table. Single-table design (see topology.ts):
 *
 * | item                     | pk                   | sk                          | gsi1pk / gsi1sk              |
 * |--------------------------|----------------------|-----------------------------|------------------------------|
 * | document                 | DOC#<id>             | DOC                         | OWNER#<ID no.> / <at>#<id> * |
 * | read grant (agency)      | DOC#<id>             | GRANT#AGENCY#<code>         | —                            |
 * | read grant (citizen)     | DOC#<id>             | GRANT#CITIZEN#<ID no.>      | —                            |
 * | access log entry         | ACCESS#<id>          | <at>#<uuid>                 | —                            |
 * | signed result            | RESULT#<dossier>     | RESULT                      | —                            |
 * | requirements (read model)| PROCEDURE#<code>     | REQUIREMENTS                | —                            |
 * | local signing key        | SIGNING_KEY          | LOCAL                       | —                            |
 * (*) only once the document is in a citizen's store.
 *
 * The document is stored whole in one attribute (`document`) next to its key and bookkeeping attributes.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { decodePageCursor, encodePageCursor } from '#platform/cursor.ts';
import { type TransactItem, ttlAfterDays } from '#platform/dynamo.ts';
import { tableName } from '#platform/env.ts';
import type { AccessLogEntry } from './api/schemas.ts';
import type { Grant } from './domain/access.ts';
import type { RequirementRule } from './domain/content.ts';
import type { DocumentRecord } from './domain/document.ts';
import type { SignedResultFields } from './domain/result-signature.ts';

/** Physical table name (read at call time: the local runtime sets it after modules are imported). */
export const documentsTableName = (): string => tableName('documents');

/** Pending upload slots nobody completed disappear after this long (their objects after a day, by lifecycle). */
const PENDING_RETENTION_DAYS = 2;

export const documentKey = (id: string) => ({ pk: `DOC#${id}`, sk: 'DOC' });
const grantSk = (grant: Grant): string =>
  grant.kind === 'agency' ? `GRANT#AGENCY#${grant.agencyCode}` : `GRANT#CITIZEN#${grant.idNumber}`;
export const resultKey = (dossierCode: string) => ({ pk: `RESULT#${dossierCode}`, sk: 'RESULT' });
const requirementsKey = (procedureCode: string) => ({ pk: `PROCEDURE#${procedureCode}`, sk: 'REQUIREMENTS' });
const signingKeyKey = { pk: 'SIGNING_KEY', sk: 'LOCAL' };

/** The store index attributes of a document: set when it belongs in a citizen's store. */
function storeIndex(doc: DocumentRecord): { gsi1pk?: string; gsi1sk?: string } {
  const citizen = doc.kind === 'result' ? doc.result?.applicantIdNumber : doc.ownerIdNumber;
  if (citizen === undefined || doc.status !== 'clean' || doc.verifiedAt === undefined) return {};
  return {
    gsi1pk: `OWNER#${citizen}`,
    gsi1sk: `${doc.kind === 'result' ? doc.result!.signedAt : doc.verifiedAt}#${doc.documentId}`,
  };
}

function documentItem(doc: DocumentRecord, at: Date): Record<string, unknown> {
  return {
    ...documentKey(doc.documentId),
    document: doc,
    version: doc.version,
    ...storeIndex(doc),
    ...(doc.status === 'pending' ? { expiresAt: ttlAfterDays(at, PENDING_RETENTION_DAYS) } : {}),
  };
}

export function putNewDocument(doc: DocumentRecord, at: Date): TransactItem {
  return {
    Put: {
      TableName: documentsTableName(),
      Item: documentItem(doc, at),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Replaces the document if it is still at `expectedVersion` (optimistic concurrency). */
export function putDocumentVersion(doc: DocumentRecord, expectedVersion: number, at: Date): TransactItem {
  return {
    Put: {
      TableName: documentsTableName(),
      Item: documentItem(doc, at),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    },
  };
}

export async function getDocument(id: string): Promise<DocumentRecord | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: documentsTableName(), Key: documentKey(id), ConsistentRead: true }),
  );
  return found.Item ? (found.Item.document as DocumentRecord) : undefined;
}

/** The document and every read grant on it, in one query. */
export async function getDocumentWithGrants(id: string): Promise<{ doc: DocumentRecord; grants: Grant[] } | undefined> {
  const found = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: documentsTableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `DOC#${id}`, ':from': 'DOC', ':to': 'GRANT#\uffff' },
      ConsistentRead: true,
    }),
  );
  const items = found.Items ?? [];
  const docItem = items.find((i) => i.sk === 'DOC');
  if (!docItem) return undefined;
  const grants = items.flatMap((i): Grant[] => {
    const sk = String(i.sk);
    if (sk.startsWith('GRANT#AGENCY#')) return [{ kind: 'agency', agencyCode: sk.slice('GRANT#AGENCY#'.length) }];
    if (sk.startsWith('GRANT#CITIZEN#')) return [{ kind: 'citizen', idNumber: sk.slice('GRANT#CITIZEN#'.length) }];
    return [];
  });
  return { doc: docItem.document as DocumentRecord, grants };
}

/** A read grant; writing it again changes nothing that matters (grants only ever add readers). */
export function putGrant(documentId: string, grant: Grant, dossierCode: string, at: Date): TransactItem {
  return {
    Put: {
      TableName: documentsTableName(),
      Item: { pk: `DOC#${documentId}`, sk: grantSk(grant), dossierCode, grantedAt: at.toISOString() },
    },
  };
}

export async function getDocuments(ids: readonly string[]): Promise<DocumentRecord[]> {
  const found = await Promise.all([...new Set(ids)].map((id) => getDocument(id)));
  return found.filter((d): d is DocumentRecord => d !== undefined);
}

/** The citizen's store, newest first. */
export async function listStore(
  idNumber: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: DocumentRecord[]; nextCursor?: string }> {
  const shape = { keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], partition: { gsi1pk: `OWNER#${idNumber}` } };
  const exclusiveStartKey = decodePageCursor(cursor, shape);
  const found = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: documentsTableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `OWNER#${idNumber}` },
      ScanIndexForward: false,
      Limit: limit,
      ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
    }),
  );
  const nextCursor = encodePageCursor(found.LastEvaluatedKey, shape);
  return {
    items: (found.Items ?? []).map((i) => i.document as DocumentRecord),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

/** Written before the answer is sent: no read goes unrecorded. */
export async function appendAccessLog(documentId: string, entry: AccessLogEntry): Promise<void> {
  await dynamoDocumentClient().send(
    new PutCommand({
      TableName: documentsTableName(),
      Item: { pk: `ACCESS#${documentId}`, sk: `${entry.at}#${randomUUID()}`, documentId, ...entry },
    }),
  );
}

export async function listAccessLog(
  documentId: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: AccessLogEntry[]; nextCursor?: string }> {
  const shape = { keys: ['pk', 'sk'], partition: { pk: `ACCESS#${documentId}` } };
  const exclusiveStartKey = decodePageCursor(cursor, shape);
  const found = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: documentsTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ACCESS#${documentId}` },
      ScanIndexForward: false,
      Limit: limit,
      ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
    }),
  );
  const nextCursor = encodePageCursor(found.LastEvaluatedKey, shape);
  return {
    items: (found.Items ?? []).map((i) => ({
      at: String(i.at),
      action: i.action as AccessLogEntry['action'],
      by: i.by as AccessLogEntry['by'],
    })),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

/** A signed electronic result: the signed fields exactly, the signature and the key that made it. */
export interface SignedResult extends SignedResultFields {
  /** DER-encoded ECDSA signature, base64. */
  signature: string;
  keyId: string;
  algorithm: string;
  /** When the signature was applied (the result's own signing date is `signedAt`). */
  sealedAt: string;
}

export function putSignedResult(result: SignedResult): TransactItem {
  return {
    Put: {
      TableName: documentsTableName(),
      Item: { ...resultKey(result.dossierCode), result },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getSignedResult(dossierCode: string): Promise<SignedResult | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: documentsTableName(), Key: resultKey(dossierCode), ConsistentRead: true }),
  );
  return found.Item ? (found.Item.result as SignedResult) : undefined;
}

/** Keeps the requirements of a procedure's newest published version (older or replayed events change nothing). */
export function putRequirements(procedureCode: string, version: number, requirements: RequirementRule[]): TransactItem {
  return {
    Put: {
      TableName: documentsTableName(),
      Item: { ...requirementsKey(procedureCode), version, requirements },
      ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
      ExpressionAttributeValues: { ':version': version },
    },
  };
}

/** The requirements of a procedure's newest published version, or undefined for an unknown procedure. */
export async function getProcedureRequirements(procedureCode: string): Promise<RequirementRule[] | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: documentsTableName(), Key: requirementsKey(procedureCode) }),
  );
  return found.Item ? (found.Item.requirements as RequirementRule[]) : undefined;
}

export interface StoredKeyPair {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export async function getLocalSigningKey(): Promise<StoredKeyPair | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: documentsTableName(), Key: signingKeyKey, ConsistentRead: true }),
  );
  return found.Item ? (found.Item.key as StoredKeyPair) : undefined;
}

/** Stores the key pair unless one exists; returns whichever is stored (the first writer wins). */
export async function putLocalSigningKeyOnce(key: StoredKeyPair): Promise<StoredKeyPair> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: documentsTableName(),
        Item: { ...signingKeyKey, key },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return key;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    const existing = await getLocalSigningKey();
    if (!existing) throw error;
    return existing;
  }
}
