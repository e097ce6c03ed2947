/**
 * Idempotency-Key for POST routes that create things (dossiers, payments): the same key with the same body
 * gives the same answer; the same key with a different body is a 409. The record is written in the same
 * transaction as what the request creates, so a crash can never leave one without the other.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from './aws.ts';
import { type TransactItem, ttlAfterDays } from './dynamo.ts';
import { ConflictError, ValidationError } from './errors.ts';

const RETENTION_DAYS = 7;
const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** JSON with object keys sorted, so the same body hashes the same whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const requestHash = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

export function requireIdempotencyKey(header: string | undefined): string {
  if (header === undefined || !KEY_PATTERN.test(header)) {
    throw new ValidationError([{ path: 'headers.idempotency-key', message: '8–128 chars [A-Za-z0-9._:-]' }], {
      vi: 'Cần tiêu đề Idempotency-Key (8–128 ký tự) để gửi yêu cầu an toàn khi thử lại.',
      en: 'An Idempotency-Key header (8–128 characters) is required so the request can be retried safely.',
    });
  }
  return header;
}

const keyOf = (scope: string, key: string) => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: 'IDEMPOTENCY' });

export function idempotencyPut(
  tableName: string,
  scope: string,
  key: string,
  hash: string,
  response: StoredResponse,
  at: Date,
): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keyOf(scope, key),
        requestHash: hash,
        response: JSON.stringify(response),
        createdAt: at.toISOString(),
        expiresAt: ttlAfterDays(at, RETENTION_DAYS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

async function replay(
  tableName: string,
  scope: string,
  key: string,
  hash: string,
): Promise<StoredResponse | undefined> {
  const found = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName, Key: keyOf(scope, key), ConsistentRead: true }),
  );
  if (!found.Item) return undefined;
  if (found.Item.requestHash !== hash) {
    throw new ConflictError('idempotency-key-reused', {
      vi: 'Idempotency-Key này đã được dùng cho một yêu cầu khác.',
      en: 'This Idempotency-Key was already used with a different request.',
    });
  }
  return JSON.parse(String(found.Item.response)) as StoredResponse;
}

/**
 * Runs `create` once per (scope, key). `create` receives the Put to include in its own transaction. If a
 * concurrent request with the same key won the race, the winner's stored answer is returned.
 */
export async function runIdempotent(
  options: { tableName: string; scope: string; key: string; body: unknown; at: Date },
  create: (recordPut: (response: StoredResponse) => TransactItem) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const hash = requestHash(options.body);
  const earlier = await replay(options.tableName, options.scope, options.key, hash);
  if (earlier) return { ...earlier, replayed: true };
  try {
    const response = await create((r) =>
      idempotencyPut(options.tableName, options.scope, options.key, hash, r, options.at),
    );
    return { ...response, replayed: false };
  } catch (error) {
    const winner = await replay(options.tableName, options.scope, options.key, hash);
    if (winner) return { ...winner, replayed: true };
    throw error;
  }
}
