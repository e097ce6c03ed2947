/**
 * Values from the served contract's JSON Schemas (draft 2020-12, as zod 4 writes them): valid-looking ones, and
 * mutations of them, each mutation marked `certain` when the schema alone guarantees a validator refuses it
 * (the rejected-by-construction requests whose effect on the tables the fuzz test checks).
 */
import fc from 'fast-check';
import type { Random } from './random.ts';

export type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

/** Text that goes into the body exactly as written (numbers JSON cannot round-trip, e.g. `1e309`). */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** JSON text of a value that may hold RawJson leaves. */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Values the generator uses for a property of that name instead of inventing one (real codes and ids). */
export type Known = (name: string) => readonly unknown[] | undefined;

/** One of the fixtures' values: the first (the one that works) half the time, any other the rest. */
export function pickKnown<T>(values: readonly T[], rng: Random): T {
  return rng.chance(0.5) ? values[0]! : rng.pick(values);
}

const WORDS = [
  'Nguyễn Thị Hồng Nhung',
  'Trần Văn Bảo',
  'Lê Hoàng Yến',
  'Phạm Đức Thắng',
  'hồ sơ đăng ký hộ kinh doanh',
  'Phường Tân Phong, Thành phố Biên Hòa, Tỉnh Đồng Nai',
  'Số 12 đường Võ Thị Sáu',
  'Giấy chứng nhận quyền sử dụng đất',
  'Đề nghị bổ sung bản sao chứng thực',
  'Lệ phí',
  'xác nhận',
  'Sở Tư pháp',
  'ghi chú',
  'note',
  'An',
];

/** Strings that broke or bent parsers, encoders, loggers and keys somewhere. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\t\n\r',
  'Nguye\u0302\u0303n Thi\u0323', // NFD Vietnamese
  'Đặng Thị Ngọc Ánh ẞ ǅ',
  '🙂🏳️‍🌈👨‍👩‍👧‍👦',
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\uFEFF',
  '\uD800',
  '\uDFFF\uD800',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31mred',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '"; DROP TABLE dossiers; --',
  '../../../etc/passwd',
  '%00%2e%2e%2f',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the log-injection probe is this literal text
  '${jndi:ldap://example.invalid/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x1F',
  'true',
  '[]',
  '{}',
  'PK#x',
  'DOSSIER#000.00.15.H19-260101-0001',
  '#',
  '\\',
  '﷽',
  'ＡＢＣ１２３',
];

export const HUGE_NUMBERS: unknown[] = [
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 53,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  -0,
  0.1 + 0.2,
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('1.00000000000000000000000001'),
  new RawJson('-0.0'),
  new RawJson('1E2'),
];

const patternArbs = new Map<string, fc.Arbitrary<string> | null>();

function patternArb(pattern: string): fc.Arbitrary<string> | null {
  if (!patternArbs.has(pattern)) {
    let arb: fc.Arbitrary<string> | null = null;
    try {
      arb = fc.stringMatching(new RegExp(pattern));
    } catch {
      arb = null;
    }
    patternArbs.set(pattern, arb);
  }
  return patternArbs.get(pattern)!;
}

/** A string matching `pattern` (and, when it can, the length bounds). */
export function fromPattern(pattern: string, rng: Random, minLength = 0, maxLength = Number.POSITIVE_INFINITY): string {
  const arb = patternArb(pattern);
  if (!arb) return 'x'.repeat(Math.max(1, minLength));
  for (let attempt = 0; attempt < 8; attempt++) {
    const [value] = fc.sample(arb, { seed: rng.uint32() | 0, numRuns: 1 });
    if (value !== undefined && value.length >= minLength && value.length <= maxLength) return value;
  }
  const [value = ''] = fc.sample(arb, { seed: rng.uint32() | 0, numRuns: 1 });
  return value.slice(0, maxLength);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function dateString(rng: Random): string {
  return `${rng.int(2025, 2027)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
}

function uuid(rng: Random): string {
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

function text(rng: Random, min: number, max: number): string {
  let out = rng.pick(WORDS);
  while (out.length < min) out += ` ${rng.pick(WORDS)}`;
  return out.length > max ? out.slice(0, Math.max(min, max)) : out;
}

function validString(schema: JsonSchema, rng: Random, name: string): string {
  const min = schema.minLength ?? 0;
  if (schema.pattern) return fromPattern(schema.pattern, rng, min, schema.maxLength);
  const max = schema.maxLength ?? Math.max(min, 60);
  // What the name says, where the schema says no more than "a string" (a refinement checks the rest).
  if (/(^|[a-z])(date|Date|validFrom|validTo)$|^(from|to|dueBefore)$/.test(name)) return dateString(rng);
  if (/At$/.test(name)) return `${dateString(rng)}T09:00:00+07:00`;
  switch (schema.format) {
    case 'date':
      return dateString(rng);
    case 'date-time':
      return `${dateString(rng)}T${pad2(rng.int(0, 23))}:${pad2(rng.int(0, 59))}:00+07:00`;
    case 'email':
      return `nguoi.dan${rng.int(1, 999)}@example.vn`;
    case 'uuid':
      return uuid(rng);
    case 'uri':
      return `https://example.vn/${rng.int(1, 999)}`;
    default:
      return text(rng, min, max);
  }
}

function validNumber(schema: JsonSchema, rng: Random, integer: boolean): number {
  let min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : 0);
  let max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : min + 1000);
  if (schema.exclusiveMinimum !== undefined) min = schema.exclusiveMinimum + (integer ? 1 : 0.5);
  if (schema.exclusiveMaximum !== undefined) max = schema.exclusiveMaximum - (integer ? 1 : 0.5);
  max = Math.min(max, min + (rng.chance(0.1) ? 1e9 : 1000));
  const step = schema.multipleOf ?? (integer ? 1 : rng.pick([1, 0.5, 0.25]));
  const lo = Math.ceil(min / step);
  const hi = Math.floor(max / step);
  if (hi < lo) return min;
  const n = rng.int(lo, hi) * step;
  return integer ? Math.round(n) : n;
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties || schema.additionalProperties !== undefined) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

/** Any JSON value, small. */
export function anyJson(rng: Random, depth = 0): unknown {
  const kind = depth > 2 ? rng.int(0, 3) : rng.int(0, 5);
  switch (kind) {
    case 0:
      return rng.pick(NASTY_STRINGS);
    case 1:
      return rng.int(-1000, 1000);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return Array.from({ length: rng.int(0, 3) }, () => anyJson(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 3) }, () => [
          rng.pick(['a', 'type', 'id', 'code', 'Tên']),
          anyJson(rng, depth + 1),
        ]),
      );
  }
}

/** A value the schema accepts (or as near as a schema-only generator gets: formats, patterns, known ids). */
export function validValue(schema: JsonSchema, rng: Random, known: Known, name = '', depth = 0): unknown {
  const candidates = name ? known(name) : undefined;
  if (candidates && candidates.length > 0 && rng.chance(0.8)) return pickKnown(candidates, rng);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return rng.pick(schema.enum);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants && variants.length > 0) {
    const nonNull = variants.filter((v) => v.type !== 'null');
    return validValue(
      rng.chance(0.9) && nonNull.length > 0 ? rng.pick(nonNull) : rng.pick(variants),
      rng,
      known,
      name,
      depth,
    );
  }
  if (schema.allOf && schema.allOf.length > 0) return validValue(schema.allOf[0]!, rng, known, name, depth);
  const types = typesOf(schema);
  const type = types.length > 0 ? rng.pick(types) : undefined;
  switch (type) {
    case 'string':
      return validString(schema, rng, name);
    case 'integer':
      return validNumber(schema, rng, true);
    case 'number':
      return validNumber(schema, rng, false);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? min + 3, min + (depth > 4 ? 0 : 3));
      return Array.from({ length: rng.int(min, Math.max(min, max)) }, () =>
        validValue(schema.items ?? {}, rng, known, '', depth + 1),
      );
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || (depth < 6 && rng.chance(0.35))) {
          out[key] = validValue(property, rng, known, key, depth + 1);
        }
      }
      if (typeof schema.additionalProperties === 'object' && !schema.properties) {
        const count = rng.int(0, Math.min(3, schema.maxProperties ?? 3));
        for (let i = 0; i < count; i++) {
          const key = schema.propertyNames?.pattern
            ? fromPattern(schema.propertyNames.pattern, rng, 1, 64)
            : rng.pick(['hoTen', 'ghiChu', 'soBanSao', 'diaChi']);
          out[key] = validValue(schema.additionalProperties, rng, known, key, depth + 1);
        }
      }
      return out;
    }
    default:
      return depth > 3 ? null : anyJson(rng, depth);
  }
}

/** Nested `levels` deep: past the body depth limit (32) when levels > 32. */
export function nested(levels: number, leaf: unknown = 'x'): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

export interface Mutation {
  value: unknown;
  /** What was changed, for the report: e.g. `applicant.fullName: too long (201)`. */
  note: string;
  /** A validator of this schema refuses it, whatever the rest of the value. */
  certain: boolean;
  /** Refused for its shape (depth, reserved keys) by any route that parses a body, before schema validation. */
  shape?: boolean;
}

interface Site {
  path: string[];
  schema: JsonSchema;
  /** No anyOf/oneOf between the root and here: a refusal at this site cannot be rescued by another variant. */
  definite: boolean;
  parent?: { object: Record<string, unknown> | unknown[]; key: string | number };
  value: unknown;
}

function sitesOf(schema: JsonSchema, value: unknown): Site[] {
  const sites: Site[] = [];
  const visit = (s: JsonSchema, v: unknown, path: string[], definite: boolean, parent: Site['parent']) => {
    const variants = s.oneOf ?? s.anyOf;
    if (variants) {
      // Follow the variant the value was made from, as far as the object's properties tell.
      const object =
        v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      const match = variants.find(
        (variant) =>
          object &&
          variant.properties &&
          Object.entries(variant.properties).every(([k, p]) => p.const === undefined || object[k] === p.const) &&
          Object.keys(object).every((k) => k in (variant.properties ?? {})),
      );
      sites.push({ path, schema: s, definite, ...(parent ? { parent } : {}), value: v });
      if (match) visit(match, v, path, false, parent);
      return;
    }
    sites.push({ path, schema: s, definite, ...(parent ? { parent } : {}), value: v });
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        visit(s.items ?? {}, item, [...path, String(i)], definite, { object: v, key: i });
      });
    } else if (v !== null && typeof v === 'object') {
      const object = v as Record<string, unknown>;
      for (const [key, child] of Object.entries(object)) {
        const property =
          s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (property) visit(property, child, [...path, key], definite, { object, key });
      }
    }
  };
  visit(schema, value, [], true, undefined);
  return sites;
}

function setAt(root: unknown, site: Site, replacement: unknown): unknown {
  if (!site.parent) return replacement;
  (site.parent.object as Record<string | number, unknown>)[site.parent.key] = replacement;
  return root;
}

/** A value of a type the site's schema does not allow (only when it allows one type and nothing else). */
function wrongTypeFor(schema: JsonSchema, rng: Random): unknown | undefined {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.every((v) => typesOf(v).length === 1 && typesOf(v)[0] === 'object')) {
    return rng.pick<unknown>([[], 'object', 7, true]);
  }
  if (schema.oneOf || schema.anyOf || schema.allOf || schema.const !== undefined) return undefined;
  const types = typesOf(schema);
  if (types.length !== 1) return undefined;
  switch (types[0]) {
    case 'string':
      return rng.pick<unknown>([12345, true, { vi: 'x' }, ['x']]);
    case 'integer':
    case 'number':
      return rng.pick<unknown>(['12', 'mười hai', true, {}, [1]]);
    case 'boolean':
      return rng.pick<unknown>(['true', 1, 'yes', {}]);
    case 'object':
      return rng.pick<unknown>([[], 'object', 7, true]);
    case 'array':
      return rng.pick<unknown>([{}, 'a,b', 3]);
    default:
      return undefined;
  }
}

/**
 * One change to `value` (a valid-looking value of `schema`): at a random place, something certainly refused
 * (missing required property, wrong type, too long, out of range, too many items, too deep) or merely odd
 * (nasty strings, huge numbers, nulls, extra properties), which may or may not be refused.
 */
export function mutate(schema: JsonSchema, value: unknown, rng: Random, onlyCertain = false): Mutation {
  const copy = structuredClone(value) as unknown;
  const sites = sitesOf(schema, copy);
  const definiteSites = sites.filter((s) => s.definite);
  const at = (s: Site) => s.path.join('.') || '(body)';
  for (let attempt = 0; attempt < 24; attempt++) {
    const site = rng.pick(onlyCertain ? definiteSites : sites);
    const s = site.schema;
    const certainHere = site.definite;
    const kind = rng.pick([
      'missing-required',
      'wrong-type',
      'too-long',
      'out-of-range',
      'too-many-items',
      'deep',
      'not-in-enum',
      'proto',
      ...(onlyCertain ? [] : ['nasty-string', 'huge-number', 'null', 'extra-property', 'empty']),
    ]);
    switch (kind) {
      case 'missing-required': {
        const object = site.value;
        const required = (s.required ?? []).filter(
          (k) => object !== null && typeof object === 'object' && k in (object as object),
        );
        if (required.length === 0) continue;
        const key = rng.pick(required);
        delete (object as Record<string, unknown>)[key];
        return { value: copy, note: `${at(site)}: without required ${key}`, certain: certainHere };
      }
      case 'wrong-type': {
        const wrong = wrongTypeFor(s, rng);
        if (wrong === undefined) continue;
        return {
          value: setAt(copy, site, wrong),
          note: `${at(site)}: wrong type ${toJson(wrong)}`,
          certain: certainHere,
        };
      }
      case 'too-long': {
        if (typesOf(s)[0] !== 'string' || s.maxLength === undefined || typesOf(s).length !== 1) continue;
        const long = rng.pick(['x', 'ệ', '🙂']).repeat(s.maxLength + 1);
        return {
          value: setAt(copy, site, long),
          note: `${at(site)}: ${s.maxLength + 1} characters`,
          certain: certainHere,
        };
      }
      case 'out-of-range': {
        const types = typesOf(s);
        if (types.length !== 1 || (types[0] !== 'integer' && types[0] !== 'number')) continue;
        const options: number[] = [];
        if (s.maximum !== undefined) options.push(s.maximum + 1, s.maximum * 1000 + 1);
        if (s.exclusiveMaximum !== undefined) options.push(s.exclusiveMaximum);
        if (s.minimum !== undefined) options.push(s.minimum - 1, -1e12);
        if (s.exclusiveMinimum !== undefined) options.push(s.exclusiveMinimum, s.exclusiveMinimum - 1);
        if (types[0] === 'integer') options.push(1.5);
        if (options.length === 0) continue;
        const n = rng.pick(options);
        return { value: setAt(copy, site, n), note: `${at(site)}: ${n}`, certain: certainHere };
      }
      case 'too-many-items': {
        if (!Array.isArray(site.value) || s.maxItems === undefined || s.maxItems > 500) continue;
        const filler = site.value[0] ?? validValue(s.items ?? {}, rng, () => undefined);
        const many = Array.from({ length: s.maxItems + 1 }, () => structuredClone(filler));
        return { value: setAt(copy, site, many), note: `${at(site)}: ${s.maxItems + 1} items`, certain: certainHere };
      }
      case 'deep': {
        // Past the body's depth limit from the root, wherever it is put: refused before validation.
        const levels = rng.pick([40, 100, 1000]);
        return {
          value: setAt(copy, site, nested(levels)),
          note: `${at(site)}: nested ${levels} levels`,
          certain: true,
          shape: true,
        };
      }
      case 'not-in-enum': {
        if (!s.enum || s.enum.some((v) => typeof v !== 'string')) continue;
        const odd = rng.pick(['', 'XYZ', `${String(s.enum[0])} `, String(s.enum[0]).toUpperCase(), 'hồ sơ']);
        if (s.enum.includes(odd)) continue;
        return {
          value: setAt(copy, site, odd),
          note: `${at(site)}: not in enum ${JSON.stringify(odd)}`,
          certain: certainHere,
        };
      }
      case 'nasty-string': {
        if (!typesOf(s).includes('string') && !s.anyOf) continue;
        const nasty = rng.chance(0.3) ? 'ệ'.repeat(rng.pick([1000, 10_001, 70_000])) : rng.pick(NASTY_STRINGS);
        return { value: setAt(copy, site, nasty), note: `${at(site)}: odd string`, certain: false };
      }
      case 'huge-number': {
        if (!typesOf(s).some((t) => t === 'integer' || t === 'number')) continue;
        const n = rng.pick(HUGE_NUMBERS);
        return { value: setAt(copy, site, n), note: `${at(site)}: ${toJson(n)}`, certain: false };
      }
      case 'null':
        return { value: setAt(copy, site, null), note: `${at(site)}: null`, certain: false };
      case 'empty':
        return {
          value: setAt(copy, site, rng.pick<unknown>(['', [], {}, 0])),
          note: `${at(site)}: empty`,
          certain: false,
        };
      case 'extra-property': {
        if (site.value === null || typeof site.value !== 'object' || Array.isArray(site.value)) continue;
        const key = rng.pick(['extra', 'pk', 'sk', 'version', 'status', 'owner', 'isAdmin', 'Tên trường']);
        (site.value as Record<string, unknown>)[key] = anyJson(rng);
        return { value: copy, note: `${at(site)}: extra property ${key}`, certain: false };
      }
      case 'proto': {
        // Only at the root, as text: JSON.parse makes `__proto__` an own property, an object literal would not.
        if (site.path.length > 0 || copy === null || typeof copy !== 'object' || Array.isArray(copy)) continue;
        const rest = toJson(copy).slice(1);
        const keys = '"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}';
        return {
          value: new RawJson(`{${keys}${rest === '}' ? '' : ','}${rest}`),
          note: '(body): __proto__ and constructor keys',
          certain: true,
          shape: true,
        };
      }
    }
  }
  return { value: nested(40), note: '(body): nested 40 levels', certain: true, shape: true };
}
