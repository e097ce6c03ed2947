/**
 * Bounds on what a request may make us store. DynamoDB refuses an item over 400 KB, and a refusal deep in a
 * write would be a 500 and, for a growing item (a dossier), a thing stuck forever; so sizes are checked where
 * the value enters (request bodies: depth here, sizes in each route's schema) and again just before an item is
 * written (`assertItemFits`), which turns "too large" into a clear 413 that changes nothing.
 */
import { AppError, type LocalizedText, ValidationError } from './errors.ts';

/** Deeper JSON than any of our schemas accepts; checked before validation so nothing recurses on it. */
export const MAX_JSON_DEPTH = 32;

/** DynamoDB's item limit is 400 KB; the margin leaves room for keys, index attributes and the estimate's error. */
export const MAX_ITEM_BYTES = 350 * 1024;

/** True when `value` nests arrays/objects more than `max` levels deep (iterative: never overflows the stack). */
export function exceedsDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function assertDepth(value: unknown, where: string): void {
  if (exceedsDepth(value)) {
    throw new ValidationError([{ path: where, message: `nested more than ${MAX_JSON_DEPTH} levels` }], {
      vi: `Dữ liệu lồng nhau quá ${MAX_JSON_DEPTH} cấp.`,
      en: `The data is nested more than ${MAX_JSON_DEPTH} levels deep.`,
    });
  }
}

/** UTF-8 size of the item as JSON: within a few percent of DynamoDB's own count (names + values). */
export function itemBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item) ?? '', 'utf8');
}

export class TooLargeError extends AppError {
  constructor(what: LocalizedText, bytes: number, limit: number) {
    super(
      413,
      'too-large',
      { vi: 'Dữ liệu quá lớn', en: 'Content too large' },
      {
        vi: `${what.vi} quá lớn để lưu (${Math.ceil(bytes / 1024)} KB, tối đa ${Math.floor(limit / 1024)} KB); không có gì bị thay đổi.`,
        en: `${what.en} is too large to store (${Math.ceil(bytes / 1024)} KB, at most ${Math.floor(limit / 1024)} KB); nothing was changed.`,
      },
      { bytes, limit },
    );
  }
}

/** Throws a 413 before a write whose item would not fit. */
export function assertItemFits(item: unknown, what: LocalizedText, limit = MAX_ITEM_BYTES): void {
  const bytes = itemBytes(item);
  if (bytes > limit) throw new TooLargeError(what, bytes, limit);
}

/** DynamoDB's own refusal of an oversized item or transaction (the backstop behind `assertItemFits`). */
export function isItemTooLarge(error: unknown): boolean {
  const e = error as { name?: string; message?: string; CancellationReasons?: { Message?: string }[] } | undefined;
  const size = /item size|maximum allowed size|size has exceeded|exceeds the maximum/i;
  if (e?.name === 'ValidationException' && size.test(e.message ?? '')) return true;
  return (
    e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => size.test(r.Message ?? ''))
  );
}
