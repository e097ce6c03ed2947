/**
 * Electronic receipt numbers: the rule, and the only code that touches the series counters.
 *
 * The rule (docs/decisions/0013-money-under-load.md): a province issues each year's receipts in
 * RECEIPT_SERIES_COUNT parallel series (ký hiệu), written `<province>-<year>-<series>-<number>`, e.g.
 * H19-2026-07-000123. Every series is gapless as issued: a number is taken by the very transaction that puts
 * it on a receipt (a counter update conditioned on the value read), so a transaction that fails takes nothing,
 * and no number is ever reserved ahead. Spreading receipts over many series is what lets confirmations scale:
 * a single counter was one hot item every confirmation fought over (33–36 of 50 simultaneous confirmations
 * gave up). A claim picks a series at random; one that lost its race picks another, avoiding those it lost on.
 *
 * Online payments and counter payments draw from the same series through `issueReceiptNumber` (published in
 * `contract.ts`).
 */
import { randomInt } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { toLocalDate, toLocalIso } from '#calendar/time.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import type { TransactItem } from '#platform/dynamo.ts';
import { tableName } from '#platform/env.ts';
import { provinceFromEnv } from '#platform/province.ts';
import { formatReceiptNumber } from './domain/payment.ts';

export { formatReceiptNumber, RECEIPT_NUMBER_PATTERN } from './domain/payment.ts';

/** Parallel series per province and year. 32 keeps 50–200 simultaneous claims to a few rounds at most. */
export const RECEIPT_SERIES_COUNT = 32;

/** The two-digit symbol of series `index` (0-based): 01 … 32. */
export const seriesSymbol = (index: number): string => String(index + 1).padStart(2, '0');

export interface ReceiptNumberClaim {
  /** The receipt number this claim puts on a receipt, if its transaction succeeds. */
  number: string;
  issuedAt: string;
  series: string;
  seq: number;
  /**
   * Goes in the transaction that records the receipt. Its condition fails when another transaction took the
   * number first: then nothing was taken, and the caller claims again with `avoid` holding this series.
   */
  takeItem: TransactItem;
}

const seriesKey = (provinceCode: string, year: number, series: string) => ({
  pk: `RECEIPT_SEQ#${provinceCode}#${year}#${series}`,
  sk: 'RECEIPT_SEQ',
});

function pickSeries(avoid: ReadonlySet<string>): string {
  const open = Array.from({ length: RECEIPT_SERIES_COUNT }, (_, i) => seriesSymbol(i)).filter((s) => !avoid.has(s));
  const from = open.length > 0 ? open : Array.from({ length: RECEIPT_SERIES_COUNT }, (_, i) => seriesSymbol(i));
  return from[randomInt(from.length)] as string;
}

/**
 * The next number of a series (chosen at random, not among `avoid`) for a receipt issued at `at`, in the
 * province's series of that GMT+7 year. Nothing is taken until `takeItem` commits.
 */
export async function issueReceiptNumber(
  at: Date,
  avoid: ReadonlySet<string> = new Set(),
): Promise<ReceiptNumberClaim> {
  const province = provinceFromEnv().code;
  const year = Number(toLocalDate(at).slice(0, 4));
  const series = pickSeries(avoid);
  const TableName = tableName('payments');
  const key = seriesKey(province, year, series);
  const out = await dynamoDocumentClient().send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
  const last = out.Item ? Number(out.Item.last) : 0;
  return {
    number: formatReceiptNumber(province, year, series, last + 1),
    issuedAt: toLocalIso(at),
    series,
    seq: last + 1,
    takeItem: {
      Update: {
        TableName,
        Key: key,
        UpdateExpression: 'SET #last = :next, updatedAt = :at',
        ConditionExpression: last === 0 ? 'attribute_not_exists(pk)' : '#last = :previous',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: {
          ':next': last + 1,
          ':at': at.toISOString(),
          ...(last === 0 ? {} : { ':previous': last }),
        },
      },
    },
  };
}
