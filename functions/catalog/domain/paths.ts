/**
 * Field paths in errors are dotted strings (`fees.0.amount`), the form the API's problem details use.
 * These convert between them and zod's path arrays.
 */

/** Joins a zod path into the dotted form used in error responses. */
export function joinPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === 'symbol' ? (segment.description ?? '') : String(segment))).join('.');
}

/** Splits a dotted path into zod's form; all-digit segments become array indices. */
export function splitPath(path: string): (string | number)[] {
  if (path === '') return [];
  return path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
