/**
 * Reading a cancelled transaction by item, on DynamoDB Local through the real SDK: which of the items given to
 * `transactWrite` had its condition fail, told by the item itself rather than by its position.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { dynamoDocumentClient, resetAwsClients } from '#platform/aws.ts';
import {
  conditionFailed,
  contendedItems,
  contendedOnlyOn,
  failedItems,
  lostRace,
  putAll,
  type TransactItem,
  transactWrite,
} from '#platform/dynamo.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../packages/local-cloud/src/emulators.ts';

const table = `tx${randomBytes(4).toString('hex')}`;
let admin: DynamoDBClient;

beforeAll(async () => {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamoEndpoint');
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  resetAwsClients();
  admin = new DynamoDBClient({});
  await admin.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
});
afterAll(async () => {
  await admin?.send(new DeleteTableCommand({ TableName: table }));
  admin?.destroy();
});

/** A put that succeeds only when the item does not exist yet. */
const putNew = (pk: string): TransactItem => ({
  Put: { TableName: table, Item: { pk, sk: 'x' }, ConditionExpression: 'attribute_not_exists(pk)' },
});

async function cancellation(items: TransactItem[]): Promise<unknown> {
  try {
    await transactWrite(items);
  } catch (error) {
    return error;
  }
  throw new Error('the transaction was expected to be cancelled');
}

describe('a transaction cancelled by a condition', () => {
  test('names the item whose condition failed, not the others', async () => {
    await transactWrite([putNew('inbox#1')]);
    const inbox = putNew('inbox#1');
    const effect = putNew('effect#1');
    const error = await cancellation([effect, inbox]);
    expect(conditionFailed(error, inbox)).toBe(true);
    expect(conditionFailed(error, effect)).toBe(false);
    expect(conditionFailed(error, effect, inbox)).toBe(true);
    expect(conditionFailed(error)).toBe(true);
    expect(failedItems(error)).toEqual([inbox]);
    expect(lostRace(error)).toBe(true);
  });

  test('an item equal in content but not the one given is not named', async () => {
    await transactWrite([putNew('inbox#2')]);
    const error = await cancellation([putNew('inbox#2')]);
    expect(conditionFailed(error, putNew('inbox#2'))).toBe(false);
    expect(conditionFailed(error)).toBe(true);
  });

  test('an error that is not a cancelled transaction names nothing', () => {
    const other = new Error('throttled');
    expect(failedItems(other)).toBeUndefined();
    expect(conditionFailed(other)).toBe(false);
    expect(lostRace(other)).toBe(false);
    expect(contendedItems(other)).toEqual([]);
    expect(contendedOnlyOn(other)).toBe(false);
  });

  test('tells a transaction contended only on one item (a counter taken first) from one contended elsewhere', async () => {
    await transactWrite([putNew('counter#3'), putNew('payment#3')]);
    const counter = putNew('counter#3');
    const fresh = putNew('effect#3');
    const onlyCounter = await cancellation([fresh, counter]);
    expect(contendedItems(onlyCounter)).toEqual([counter]);
    expect(contendedOnlyOn(onlyCounter, counter)).toBe(true);
    expect(contendedOnlyOn(onlyCounter, fresh)).toBe(false);

    const payment = putNew('payment#3');
    const both = await cancellation([payment, putNew('effect#3b'), counter]);
    expect(contendedItems(both)).toEqual([payment, counter]);
    expect(contendedOnlyOn(both, counter)).toBe(false);
    expect(contendedOnlyOn(both, counter, payment)).toBe(true);
  });
});

describe('putAll: many independent items', () => {
  test('more items than one BatchWriteItem holds, several batches in flight: every item stored once', async () => {
    const items = Array.from({ length: 137 }, (_, i) => ({ pk: 'BULK', sk: String(i).padStart(4, '0'), n: i }));
    await putAll(table, items);
    await putAll(table, items.slice(0, 30)); // the same again overwrites, nothing doubles
    const stored: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'BULK' },
          ExclusiveStartKey: startKey,
        }),
      );
      stored.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(stored.map((item) => item.n)).toEqual(items.map((item) => item.n));
  });
});
