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

/**
 * Keys JavaScript does not treat as data. `JSON.parse` keeps `__proto__` as a plain property, but any copy by
 * assignment (the DynamoDB document client makes one) turns it into the copy's prototype; and the DynamoDB
 * marshaller types an object by its `constructor`, so `{"constructor": "x"}` cannot be stored at all (a 500)
 * and `{"constructor": {"name": "String"}}` is stored as "[object Object]".
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor'];

/** The path of the first object key in RESERVED_KEYS, if any (iterative: never overflows the stack). */
export function reservedKeyPath(value: unknown): string[] | undefined {
  const stack: [unknown, string[]][] = [[value, []]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    for (const [key, child] of Object.entries(current)) {
      if (!Array.isArray(current) && RESERVED_KEYS.includes(key)) return [...path, key];
      if (child !== null && typeof child === 'object') stack.push([child, [...path, key]]);
    }
  }
  return undefined;
}

/**
 * The shape of a parsed request body, checked before anything recurses on it, copies it or stores it: not
 * nested past MAX_JSON_DEPTH, and no RESERVED_KEYS at any depth.
 */
export function assertDepth(value: unknown, where: string): void {
  if (exceedsDepth(value)) {
    throw new ValidationError([{ path: where, message: `nested more than ${MAX_JSON_DEPTH} levels` }], {
      vi: `Dữ liệu lồng nhau quá ${MAX_JSON_DEPTH} cấp.`,
      en: `The data is nested more than ${MAX_JSON_DEPTH} levels deep.`,
    });
  }
  const reserved = reservedKeyPath(value);
  if (reserved) {
    const key = reserved.at(-1)!;
    throw new ValidationError([{ path: [where, ...reserved].join('.'), message: `"${key}" is a reserved key` }], {
      vi: `Dữ liệu có khóa "${key}", là khóa dành riêng, không được dùng.`,
      en: `The data has the key "${key}", which is reserved and cannot be used.`,
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
