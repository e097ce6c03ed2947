/**
 * Requests generated from the served OpenAPI document: for every operation, valid-looking ones (real ids where
 * the fixtures have them), boundary and malformed ones, and — for the tables-unchanged check — requests that are
 * refused by construction (`rejected: true`): the contract alone says they must be a 4xx.
 */
import type { Random } from './random.ts';
import {
  fromPattern,
  type JsonSchema,
  type Known,
  mutate,
  NASTY_STRINGS,
  nested,
  pickKnown,
  RawJson,
  toJson,
  validValue,
} from './schema.ts';

export type Role = 'citizen' | 'officer' | 'leader' | 'admin';

/** The callers a request may claim to be; the test mints one token for each. */
export const TOKENS = {
  citizen: { roles: ['citizen'], valid: true },
  stranger: { roles: ['citizen'], valid: true },
  officer: { roles: ['officer'], valid: true },
  officerOther: { roles: ['officer'], valid: true },
  officerForeign: { roles: ['officer'], valid: true },
  leader: { roles: ['leader'], valid: true },
  leaderProvince: { roles: ['leader'], valid: true },
  admin: { roles: ['admin'], valid: true },
  officerLeader: { roles: ['officer', 'leader'], valid: true },
  expired: { roles: ['citizen'], valid: false },
  wrongIssuer: { roles: ['admin'], valid: false },
  wrongAudience: { roles: ['admin'], valid: false },
  tampered: { roles: ['admin'], valid: false },
  algNone: { roles: ['admin'], valid: false },
  garbage: { roles: [], valid: false },
  /** The national portal's intake key (the machine-to-machine door). */
  intakeKey: { roles: [], valid: false },
} as const satisfies Record<string, { roles: readonly Role[]; valid: boolean }>;
export type TokenName = keyof typeof TOKENS;

/** The single-role token that stands for each role. */
const TOKEN_OF_ROLE: Record<Role, TokenName> = {
  citizen: 'citizen',
  officer: 'officer',
  leader: 'leader',
  admin: 'admin',
};
const BAD_TOKENS: TokenName[] = ['expired', 'wrongIssuer', 'wrongAudience', 'tampered', 'algNone', 'garbage'];

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  /** Bearer tokens the gateway accepts here: none (public or webhook), citizens', officials' or both. */
  issuers: ('citizen' | 'official')[];
  roles: Role[];
  params: Param[];
  /** The JSON body the route validates, if it has one (only then is a malformed body certainly a 400). */
  body?: JsonSchema;
  /** A webhook's body: what it parses itself (never a 400 by construction). */
  ownBody?: JsonSchema;
}

interface OpenApiOperation {
  operationId: string;
  security?: Record<string, unknown>[];
  'x-roles'?: Role[];
  parameters?: { name: string; in: Param['in']; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export function operationsOf(
  document: { paths: Record<string, Record<string, OpenApiOperation>> },
  ownBodies: Record<string, JsonSchema> = {},
): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const issuers = (op.security ?? []).flatMap((s) =>
        Object.keys(s).map((k) => (k === 'citizenToken' ? 'citizen' : 'official') as 'citizen' | 'official'),
      );
      const body = op.requestBody?.content['application/json']?.schema;
      out.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        issuers,
        roles: op['x-roles'] ?? [],
        params: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          required: p.required === true,
          schema: p.schema,
        })),
        ...(body ? { body } : {}),
        ...(ownBodies[op.operationId] ? { ownBody: ownBodies[op.operationId] } : {}),
      });
    }
  }
  return out;
}

/** What the fixtures made, to aim requests at real things. */
export interface Fixtures {
  agencyCodes: string[];
  procedureCodes: string[];
  dossierCodes: string[];
  documentIds: string[];
  paymentIds: string[];
  txnRefs: string[];
  templateIds: string[];
  officialSubs: string[];
  idNumbers: string[];
  /** Real cursors, by operation id (a page of one, then its nextCursor). */
  cursors: Record<string, string[]>;
  /** Bodies known to be accepted (or nearly), by operation id: a start that reaches past validation. */
  examples: Record<string, unknown[]>;
}

export interface FuzzRequest {
  index: number;
  operation: string;
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  headers: Record<string, string>;
  /** How the Authorization header is written, and with which caller's token. */
  auth?: { token: TokenName; style: 'bearer' | 'lowercase' | 'bare' | 'basic' | 'double' };
  body?: string;
  /** What is odd about it: enough to tell the case in a report. */
  note: string;
  /** Refused by construction: must be a 4xx and change nothing. */
  rejected: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Path segments, query values, headers

/** Segments as written on the wire (already escaped, or deliberately not). */
const BAD_ESCAPES = ['%E0%A4%A', '%', '%zz', '%C0%AF', '%ED%A0%80', '%F4%90%80%80', 'abc%'];
const ODD_SEGMENTS = [
  '%00',
  '%2F',
  '..%2F..%2Fhealth',
  '%2e%2e',
  '%20',
  enc('Hồ sơ số 1'),
  enc('🙂'),
  enc('<script>alert(1)</script>'),
  enc("' OR '1'='1"),
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '-1',
  '0',
  '9'.repeat(30),
  '%252F',
  'x'.repeat(300),
  'x'.repeat(5000),
  enc('ệ'.repeat(1200)),
  enc('DOSSIER#000.00.15.H19-260101-0001'),
];

function knownForPath(op: Operation, name: string, f: Fixtures): readonly string[] | undefined {
  if (name === 'code' && op.path.startsWith('/agencies/')) return f.agencyCodes;
  if ((name === 'code' && op.path.startsWith('/procedures/')) || name === 'procedureCode') return f.procedureCodes;
  if (name === 'code' || name === 'dossierCode') return f.dossierCodes;
  if (name === 'id' && op.path.startsWith('/documents/')) return f.documentIds;
  if (name === 'id' && op.path.startsWith('/notifications/templates/')) return f.templateIds;
  if (name === 'paymentId') return f.paymentIds;
  if (name === 'sub') return f.officialSubs;
  if (name === 'year') return ['2026', '2025', '2027', '1999', '2100'];
  return undefined;
}

function knownForQuery(name: string, f: Fixtures, rng: Random): readonly string[] | undefined {
  switch (name) {
    case 'idNumber':
      return f.idNumbers;
    case 'agencyCode':
      return f.agencyCodes;
    case 'code':
      return f.dossierCodes;
    case 'procedureCode':
      return f.procedureCodes;
    case 'from':
      return ['2026-01-01', '2026-01', '2025-07-01', '2025-07', `2026-${String(rng.int(1, 12)).padStart(2, '0')}`];
    case 'to':
      return ['2026-12-31', '2026-12', '2027-06-30', '2027-06', `2026-${String(rng.int(1, 12)).padStart(2, '0')}`];
    case 'date':
    case 'dueBefore':
      return ['2026-12-07', '2026-01-01', '2025-12-31'];
    case 'vnp_TxnRef':
      return f.txnRefs;
    case 'vnp_TmnCode':
      return ['TESTVNP1', 'MCSANDBX', 'OTHER'];
    case 'vnp_Amount':
      return ['10000000', '0', '-1', '1e20'];
    case 'partnerCode':
      return ['MOMOTEST01', 'OTHER'];
    case 'orderId':
      return f.txnRefs;
    default:
      return undefined;
  }
}

/** Values the body generator puts under these property names (real codes, the owner, a valid form). */
function knownForBody(f: Fixtures, pathValues: Record<string, string> = {}): Known {
  // A body property named like a path parameter (PUT /agencies/{code} {code}) gets the path's value.
  const fromPath = Object.fromEntries(
    Object.entries(pathValues).map(([k, v]) => [k, [/^\d{1,9}$/.test(v) ? Number(v) : v]]),
  );
  const map: Record<string, readonly unknown[]> = {
    dossierCode: f.dossierCodes,
    procedureCode: f.procedureCodes,
    agencyCode: f.agencyCodes,
    toAgencyCode: f.agencyCodes,
    agencyCodes: [f.agencyCodes.slice(0, 1), f.agencyCodes],
    documentId: f.documentIds,
    idNumber: f.idNumbers,
    formData: [{ hoTen: 'Nguyễn Thị Hồng Nhung' }, { hoTen: 'Trần Văn Bảo', ghiChu: 'Xin cấp sớm' }],
    gateway: ['vnpay', 'momo', 'paygov'],
    year: [2026, 2027],
    orderId: f.txnRefs,
    MaThamChieu: f.txnRefs,
    partnerCode: ['MOMOTEST01'],
    parentCode: f.agencyCodes.slice(1, 2),
    sha256: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    contentType: ['application/pdf', 'image/jpeg', 'image/png', 'text/html'],
    fileName: ['to-khai.pdf', 'ảnh chụp CCCD.jpg'],
    phone: ['0912345678'],
    email: ['nhung@example.vn'],
    onBehalfOf: f.idNumbers,
    ...fromPath,
  };
  return (name) => map[name];
}

function isTokenOk(name: TokenName, op: Operation): boolean {
  const token = TOKENS[name];
  if (!token.valid) return false;
  const issuer = token.roles.includes('citizen' as never) ? 'citizen' : 'official';
  return op.issuers.includes(issuer) && token.roles.some((r) => op.roles.includes(r));
}

/** A token of a role the operation lists, accepted by the gateway there. */
function allowedToken(op: Operation, rng: Random): TokenName | undefined {
  const names = (Object.keys(TOKENS) as TokenName[]).filter((n) => isTokenOk(n, op));
  if (names.length === 0) return undefined;
  // Mostly the fixtures' own callers (the owner, the desk's officer and leader, an admin).
  const main = names.filter((n) => (Object.values(TOKEN_OF_ROLE) as TokenName[]).includes(n));
  return main.length > 0 && rng.chance(0.7) ? rng.pick(main) : rng.pick(names);
}

/** A valid single-role token whose role the operation does not list. */
function wrongRoleToken(op: Operation, rng: Random): TokenName | undefined {
  if (op.roles.length === 0) return undefined;
  const names = (Object.entries(TOKEN_OF_ROLE) as [Role, TokenName][])
    .filter(([role]) => !op.roles.includes(role))
    .map(([, name]) => name);
  return names.length > 0 ? rng.pick(names) : undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** A cursor that is certainly not one of the list's own: wrong shape, types, partition or alphabet. */
function tamperedCursor(real: string | undefined, rng: Random): { value: string; note: string; certain: boolean } {
  let key: Record<string, unknown> = { pk: 'DOSSIER#x', sk: 'A' };
  if (real) {
    try {
      key = JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      // keep the made-up key
    }
  }
  const names = Object.keys(key);
  const name = names.length > 0 ? rng.pick(names) : 'pk';
  const kind = rng.int(0, 17);
  const encode = (value: unknown) => base64url(JSON.stringify(value));
  switch (kind) {
    case 0:
      return {
        value: encode({ ...key, [name]: 'OWNER#079200000001' }),
        note: `cursor: ${name} of another owner`,
        certain: false,
      };
    case 1: {
      const { [name]: _dropped, ...rest } = key;
      return { value: encode(rest), note: `cursor: without ${name}`, certain: true };
    }
    case 2:
      return { value: encode({ ...key, gsi9pk: 'X' }), note: 'cursor: an extra key', certain: true };
    case 3:
      return {
        value: encode({ ...key, [name]: { S: 'x' } }),
        note: `cursor: ${name} as an AttributeValue`,
        certain: true,
      };
    case 4:
      return { value: encode({ ...key, [name]: [] }), note: `cursor: ${name} as an array`, certain: true };
    case 5:
      return { value: encode({ ...key, [name]: '' }), note: `cursor: ${name} empty`, certain: true };
    case 6:
      return { value: encode({ ...key, [name]: 'x'.repeat(1500) }), note: `cursor: ${name} 1500 chars`, certain: true };
    case 7:
      return {
        value: encode(rng.pick<unknown>([[], 'text', null, 42, {}, true])),
        note: 'cursor: not an object',
        certain: true,
      };
    case 8:
      return {
        value: rng.pick(['!!!', 'a b', '%E0%A4%A', '***', 'ab/cd+ef==']),
        note: 'cursor: not base64url',
        certain: true,
      };
    case 9:
      return { value: base64url('\u0000\u0001not json'), note: 'cursor: not JSON', certain: true };
    case 10:
      return real
        ? { value: real.slice(0, Math.max(1, real.length - rng.int(1, 6))), note: 'cursor: truncated', certain: false }
        : { value: 'eyJwayI6', note: 'cursor: truncated', certain: false };
    case 11: {
      if (!real) return { value: 'A'.repeat(5000), note: 'cursor: 5000 chars', certain: true };
      const i = rng.int(0, real.length - 1);
      const flipped = real.slice(0, i) + (real[i] === 'A' ? 'B' : 'A') + real.slice(i + 1);
      return { value: flipped, note: `cursor: character ${i} changed`, certain: false };
    }
    case 12:
      return { value: 'A'.repeat(5000), note: 'cursor: 5000 chars', certain: true };
    case 13:
      return { value: encode({ ...key, [name]: 1e308 }), note: `cursor: ${name} a huge number`, certain: true };
    case 14:
      return { value: encode({ ...key, [name]: Number.NaN }), note: `cursor: ${name} null`, certain: true };
    case 15:
      return {
        value: encode({ ...key, [name]: { $ne: null } }),
        note: `cursor: ${name} an operator object`,
        certain: true,
      };
    case 16:
      return {
        value: encode({ ...key, pk: 'DOSSIER#000.00.15.H19-260101-0001', gsi1pk: 'OWNER#079200000001' }),
        note: 'cursor: another partition',
        certain: false,
      };
    default:
      return { value: encode(nested(50)), note: 'cursor: nested 50 levels', certain: true };
  }
}

function badQueryValue(param: Param, rng: Random): { value: string; certain: boolean } {
  const s = param.schema;
  const options: { value: string; certain: boolean }[] = [];
  if (s.maxLength !== undefined) options.push({ value: 'x'.repeat(s.maxLength + 1), certain: true });
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    for (const v of ['abc', '-1', '1e3', '99999999999999999999', 'Hà Nội', '', ' 1', '2026-13-45']) {
      options.push({ value: v, certain: !re.test(v) && v !== '' });
    }
  }
  if (s.enum) options.push({ value: `${String(s.enum[0])}X`, certain: !s.enum.includes(`${String(s.enum[0])}X`) });
  options.push({ value: rng.pick(NASTY_STRINGS), certain: false });
  options.push({ value: '0', certain: false }, { value: '-1', certain: false }, { value: '1000', certain: false });
  return rng.pick(options);
}

function queryValue(
  param: Param,
  op: Operation,
  f: Fixtures,
  rng: Random,
): { value: string; certain: boolean; note?: string } {
  if (param.name === 'cursor') {
    const real = f.cursors[op.id] ?? [];
    const roll = rng.next();
    if (roll < 0.35 && real.length > 0) return { value: rng.pick(real), certain: false };
    if (roll < 0.85) {
      const t = tamperedCursor(real.length > 0 ? rng.pick(real) : undefined, rng);
      return { value: t.value, certain: t.certain, note: t.note };
    }
  }
  if (rng.chance(0.75)) {
    const known = knownForQuery(param.name, f, rng);
    const fitting = known?.filter((v) => !violatesParam(param, enc(v)));
    if (fitting && fitting.length > 0 && rng.chance(0.8)) return { value: pickKnown(fitting, rng), certain: false };
    const v = validValue(param.schema, rng, () => undefined);
    return { value: typeof v === 'string' ? v : toJson(v), certain: false };
  }
  const bad = badQueryValue(param, rng);
  return { ...bad, note: `${param.name}=${bad.value.slice(0, 40)}` };
}

function pathSegment(
  op: Operation,
  param: Param,
  f: Fixtures,
  rng: Random,
): { raw: string; note?: string; certain: boolean } {
  const roll = rng.next();
  const known = knownForPath(op, param.name, f)?.filter((v) => !violatesParam(param, enc(v)));
  if (roll < 0.75 && known && known.length > 0) return { raw: enc(pickKnown(known, rng)), certain: false };
  if (roll < 0.85) {
    const v = validValue(param.schema, rng, () => undefined);
    return { raw: enc(String(v)), certain: false };
  }
  if (roll < 0.9) return { raw: rng.pick(BAD_ESCAPES), note: `${param.name}: bad % escape`, certain: true };
  const raw = rng.pick(ODD_SEGMENTS);
  return { raw, note: `${param.name}: ${raw.slice(0, 30)}`, certain: violatesParam(param, raw) };
}

/** The decoded segment breaks the parameter's declared pattern or length: the route's validation refuses it. */
function violatesParam(param: Param, raw: string): boolean {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return true;
  }
  if (value.includes('/')) return false; // matches another route, or none (then a 404 anyway)
  const s = param.schema;
  if (s.enum) return !s.enum.includes(value);
  if (s.maxLength !== undefined && value.length > s.maxLength) return true;
  if (s.minLength !== undefined && value.length < s.minLength) return true;
  if (s.pattern && !new RegExp(s.pattern).test(value)) return true;
  return false;
}

const ACCEPT_LANGUAGES = [
  'vi',
  'en',
  'en-US,en;q=0.9',
  'vi-VN,vi;q=0.9,en;q=0.8',
  'fr',
  '*',
  'vi;q=abc',
  'x'.repeat(500),
];
const IF_MATCHES = [
  '"1"',
  '"2"',
  '"3"',
  'W/"1"',
  '2',
  '*',
  '""',
  '"-1"',
  '"abc"',
  '"99999999999999999999"',
  'x'.repeat(41),
];

function headerValue(param: Param, rng: Random): string {
  if (param.name === 'idempotency-key') {
    return rng.chance(0.85)
      ? `fuzz-${rng.uint32().toString(36)}-${rng.uint32().toString(36)}`
      : rng.pick(['short', 'x'.repeat(129), 'has space here', 'ệệệệệệệệệ', '']);
  }
  if (param.name === 'if-match') return rng.pick(IF_MATCHES);
  const v = validValue(param.schema, rng, () => undefined);
  return typeof v === 'string' ? v : toJson(v);
}

/** Percent-escaped UTF-8 (a lone surrogate, which no UTF-8 can carry, becomes U+FFFD). */
function enc(value: string): string {
  return encodeURIComponent(value.toWellFormed());
}

/** A header carries bytes: the UTF-8 of the value, less the control characters fetch refuses. */
function headerSafe(value: string): string {
  return (
    Buffer.from(value.toWellFormed(), 'utf8')
      .toString('latin1')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '')
  );
}

// ---------------------------------------------------------------------------------------------------------
// Bodies

const MALFORMED_JSON = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'nul',
  'tru',
  '{"a":1}}',
  '\uFEFF{}',
  '{"a":NaN}',
  '{"a":undefined}',
  '{"a":0x10}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '<xml/>',
  'a=1&b=2',
  '\u0000',
  `{"a":"${'x'.repeat(100)}`,
  '{"a":1}{"b":2}',
  '// comment\n{}',
];
const NON_OBJECTS = ['null', '[]', '42', '"text"', 'true', '[{}]', '-0', '1e309'];

function bodyOf(
  op: Operation,
  f: Fixtures,
  rng: Random,
  pathValues: Record<string, string>,
): { body?: string; contentType?: string; note?: string; certain: boolean } {
  const known = knownForBody(f, pathValues);
  const schema = op.ownBody ?? op.body;
  const validates = op.body !== undefined && Object.keys(op.body).length > 0;
  const objectRoot = validates && isObjectSchema(op.body!);
  const examples = f.examples[op.id] ?? [];
  const start = () =>
    examples.length > 0 && rng.chance(0.6) ? structuredClone(rng.pick(examples)) : validValue(schema ?? {}, rng, known);
  const roll = rng.next();
  if (roll < 0.45) {
    return { body: toJson(start()), certain: false };
  }
  if (roll < 0.75) {
    const valid = start();
    const m = mutate(schema ?? {}, valid, rng);
    // `deep` is refused before validation, but only by routes that parse a body.
    return { body: toJson(m.value), note: m.note, certain: m.certain && (m.shape ? op.body !== undefined : validates) };
  }
  if (roll < 0.85) {
    const text = rng.pick(MALFORMED_JSON);
    return { body: text, note: `malformed JSON ${JSON.stringify(text.slice(0, 20))}`, certain: op.body !== undefined };
  }
  if (roll < 0.91) {
    const text = rng.pick(NON_OBJECTS);
    return { body: text, note: `body ${text}`, certain: objectRoot };
  }
  if (roll < 0.94) return { note: 'no body', certain: false };
  if (roll < 0.97) {
    return {
      body: toJson(validValue(schema ?? {}, rng, known)),
      contentType: rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'multipart/form-data',
      ]),
      note: 'not JSON content type',
      certain: op.body !== undefined,
    };
  }
  if (roll < 0.985)
    return {
      body: `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      note: 'nested 5000 levels',
      certain: op.body !== undefined,
    };
  return {
    body: toJson({ a: 'x'.repeat(rng.pick([1, 3, 6]) * 1024 * 1024) }),
    note: 'megabytes of body',
    certain: false,
  };
}

function isObjectSchema(schema: JsonSchema): boolean {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return variants.every(isObjectSchema);
  return schema.type === 'object';
}

// ---------------------------------------------------------------------------------------------------------
// Whole requests

/** Mostly well written; now and then in a form the gateway must refuse. */
function styleOf(rng: Random): NonNullable<FuzzRequest['auth']>['style'] {
  return rng.weighted([
    [85, 'bearer'],
    [5, 'lowercase'],
    [4, 'bare'],
    [3, 'basic'],
    [3, 'double'],
  ] as const);
}

function commonHeaders(rng: Random): Record<string, string> {
  const headers: Record<string, string> = {};
  if (rng.chance(0.5)) headers['accept-language'] = rng.pick(ACCEPT_LANGUAGES);
  if (rng.chance(0.1)) headers['x-correlation-id'] = headerSafe(rng.pick([...NASTY_STRINGS, 'fuzz-correlation-0001']));
  return headers;
}

/** One request of any kind (valid-looking, boundary, malformed) for `op`. */
export function anyRequest(index: number, op: Operation, f: Fixtures, rng: Random): FuzzRequest {
  const notes: string[] = [];
  let certain = false;
  const headers = commonHeaders(rng);

  // Who calls.
  let auth: FuzzRequest['auth'];
  if (op.issuers.length > 0) {
    const roll = rng.next();
    const token =
      roll < 0.75
        ? allowedToken(op, rng)
        : roll < 0.85
          ? wrongRoleToken(op, rng)
          : roll < 0.95
            ? rng.pick(BAD_TOKENS)
            : undefined;
    if (token) {
      const style = styleOf(rng);
      auth = { token, style };
      if (!TOKENS[token].valid) {
        notes.push(`token ${token}`);
        certain = true;
      } else if (!isTokenOk(token, op)) {
        notes.push(`token ${token} (role not listed)`);
        certain = true;
      }
      if (style !== 'bearer' && style !== 'lowercase') {
        notes.push(`authorization ${style}`);
        certain = true;
      }
    } else {
      notes.push('no token');
      certain = true;
    }
  } else if (op.id === 'receiveForwardedDossier') {
    if (rng.chance(0.6)) auth = { token: 'intakeKey', style: 'bearer' };
    else if (rng.chance(0.5)) auth = { token: 'garbage', style: 'bearer' };
  } else if (rng.chance(0.15)) {
    auth = { token: rng.pick(Object.keys(TOKENS) as TokenName[]), style: 'bearer' };
  }

  // Where.
  let path = op.path;
  const pathValues: Record<string, string> = {};
  for (const param of op.params.filter((p) => p.in === 'path')) {
    const segment = pathSegment(op, param, f, rng);
    if (segment.note) notes.push(segment.note);
    if (segment.certain) certain = true;
    path = path.replace(`{${param.name}}`, segment.raw);
    try {
      pathValues[param.name] = decodeURIComponent(segment.raw);
    } catch {
      // a bad escape: nothing to echo in the body
    }
  }
  const query: string[] = [];
  for (const param of op.params.filter((p) => p.in === 'query')) {
    if (!rng.chance(param.required ? 0.92 : 0.4)) {
      if (param.required) {
        notes.push(`no ${param.name}`);
        certain = true;
      }
      continue;
    }
    const v = queryValue(param, op, f, rng);
    if (v.note) notes.push(v.note);
    if (v.certain) certain = true;
    query.push(`${enc(param.name)}=${rng.chance(0.03) ? v.value : enc(v.value)}`);
  }
  if (rng.chance(0.05))
    query.push(`${rng.pick(['extra', 'limit', 'cursor', 'a[b]', '__proto__'])}=${enc(rng.pick(NASTY_STRINGS))}`);
  if (rng.chance(0.03) && query.length > 0) query.push(query[0]!);
  for (const param of op.params.filter((p) => p.in === 'header')) {
    if (!rng.chance(param.required ? 0.9 : 0.6)) continue;
    headers[param.name] = headerSafe(headerValue(param, rng));
  }
  if (op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key' && p.required)) {
    const key = headers['idempotency-key'];
    if (key === undefined || !/^[A-Za-z0-9._:-]{8,128}$/.test(key)) {
      notes.push('bad idempotency key');
      certain = true;
    }
  }

  // What.
  let body: string | undefined;
  if (op.method !== 'GET' && (op.body || op.ownBody || rng.chance(0.2))) {
    const b = bodyOf(op, f, rng, pathValues);
    body = b.body;
    if (b.note) notes.push(b.note);
    if (b.certain) certain = true;
    if (body !== undefined)
      headers['content-type'] =
        b.contentType ?? rng.pick(['application/json', 'application/json; charset=utf-8', 'application/problem+json']);
  }

  return {
    index,
    operation: op.id,
    method: op.method,
    path: query.length > 0 ? `${path}?${query.join('&')}` : path,
    headers,
    ...(auth ? { auth } : {}),
    ...(body !== undefined ? { body } : {}),
    note: notes.join('; ') || 'valid-looking',
    rejected: certain,
  };
}

type Refusal =
  | 'no-token'
  | 'bad-token'
  | 'bad-scheme'
  | 'wrong-role'
  | 'bad-escape'
  | 'bad-path-param'
  | 'bad-query'
  | 'missing-query'
  | 'tampered-cursor'
  | 'bad-idempotency-key'
  | 'malformed-json'
  | 'not-json'
  | 'non-object-body'
  | 'invalid-body'
  | 'method';

function refusalsFor(op: Operation, f: Fixtures): Refusal[] {
  const out: Refusal[] = ['method'];
  if (op.issuers.length > 0 || op.id === 'receiveForwardedDossier') out.push('no-token', 'bad-token', 'bad-scheme');
  if (op.issuers.length > 0 && op.roles.length > 0 && op.roles.length < 4) out.push('wrong-role');
  const pathParams = op.params.filter((p) => p.in === 'path');
  if (pathParams.length > 0) out.push('bad-escape');
  if (pathParams.some((p) => p.schema.pattern || p.schema.maxLength !== undefined || p.schema.enum))
    out.push('bad-path-param');
  const queries = op.params.filter((p) => p.in === 'query');
  if (
    queries.some((p) => p.name !== 'cursor' && (p.schema.pattern || p.schema.maxLength !== undefined || p.schema.enum))
  ) {
    out.push('bad-query');
  }
  if (queries.some((p) => p.required)) out.push('missing-query');
  if (queries.some((p) => p.name === 'cursor')) out.push('tampered-cursor', 'tampered-cursor');
  if (op.params.some((p) => p.name === 'idempotency-key' && p.required)) out.push('bad-idempotency-key');
  if (op.body) {
    out.push('malformed-json', 'not-json');
    if (isObjectSchema(op.body)) out.push('non-object-body', 'invalid-body', 'invalid-body', 'invalid-body');
  }
  void f;
  return out;
}

/**
 * A request `op` must refuse whatever the state: one certain reason (a missing or bad token, a role the route
 * does not list, a bad escape, a parameter or body against the contract, a tampered cursor, a method the path
 * does not have), everything else as valid as the generator makes it, so the reason is what is tested.
 */
export function rejectedRequest(
  index: number,
  op: Operation,
  f: Fixtures,
  rng: Random,
  allPaths: Map<string, string[]>,
): FuzzRequest {
  const refusal = rng.pick(refusalsFor(op, f));
  const headers = commonHeaders(rng);
  let auth: FuzzRequest['auth'];
  const allowed = op.issuers.length > 0 ? allowedToken(op, rng) : undefined;
  if (allowed) auth = { token: allowed, style: 'bearer' };
  if (op.id === 'receiveForwardedDossier') auth = { token: 'intakeKey', style: 'bearer' };
  let note: string = refusal;

  const segments = new Map<string, string>();
  for (const param of op.params.filter((p) => p.in === 'path')) {
    const k = knownForPath(op, param.name, f);
    const fitting = k?.filter((v) => !violatesParam(param, enc(v)));
    const v =
      fitting && fitting.length > 0 ? pickKnown(fitting, rng) : String(validValue(param.schema, rng, () => undefined));
    segments.set(param.name, enc(v));
  }
  const known = knownForBody(f, Object.fromEntries([...segments].map(([k, v]) => [k, decodeURIComponent(v)])));
  const query = new Map<string, string>();
  for (const param of op.params.filter((p) => p.in === 'query')) {
    if (param.name === 'cursor') continue;
    if (param.required || rng.chance(0.3)) {
      const k = knownForQuery(param.name, f, rng);
      const fitting = k?.filter((v) => !violatesParam(param, enc(v)));
      const v =
        fitting && fitting.length > 0 ? pickKnown(fitting, rng) : validValue(param.schema, rng, () => undefined);
      query.set(param.name, typeof v === 'string' ? v : toJson(v));
    }
  }
  for (const param of op.params.filter((p) => p.in === 'header')) {
    headers[param.name] = headerSafe(headerValue(param, rng));
  }
  if (op.params.some((p) => p.name === 'idempotency-key'))
    headers['idempotency-key'] = `fuzz-${rng.uint32().toString(36)}-${index}`;
  let body: string | undefined;
  if (op.body) {
    body = toJson(validValue(op.body, rng, known));
    headers['content-type'] = 'application/json';
  }
  let method = op.method;

  switch (refusal) {
    case 'no-token':
      auth = undefined;
      break;
    case 'bad-token':
      auth = { token: rng.pick(BAD_TOKENS), style: 'bearer' };
      note = `token ${auth.token}`;
      break;
    case 'bad-scheme':
      auth = {
        token: op.id === 'receiveForwardedDossier' ? 'intakeKey' : (allowed ?? 'admin'),
        style: rng.pick(['bare', 'basic', 'double'] as const),
      };
      note = `authorization ${auth.style}`;
      break;
    case 'wrong-role': {
      const token = wrongRoleToken(op, rng)!;
      auth = { token, style: 'bearer' };
      note = `token ${token} (role not listed)`;
      break;
    }
    case 'bad-escape': {
      const name = rng.pick([...segments.keys()]);
      segments.set(name, rng.pick(BAD_ESCAPES));
      note = `${name}: bad % escape ${segments.get(name)}`;
      break;
    }
    case 'bad-path-param': {
      const param = rng.pick(
        op.params.filter(
          (p) => p.in === 'path' && (p.schema.pattern || p.schema.maxLength !== undefined || p.schema.enum),
        ),
      );
      const candidates = [...ODD_SEGMENTS, enc('x'.repeat((param.schema.maxLength ?? 100) + 1))].filter((raw) =>
        violatesParam(param, raw),
      );
      const raw = rng.pick(candidates);
      segments.set(param.name, raw);
      note = `${param.name}: ${raw.slice(0, 40)}`;
      break;
    }
    case 'bad-query': {
      const param = rng.pick(
        op.params.filter(
          (p) =>
            p.in === 'query' &&
            p.name !== 'cursor' &&
            (p.schema.pattern || p.schema.maxLength !== undefined || p.schema.enum),
        ),
      );
      let bad = badQueryValue(param, rng);
      for (let i = 0; i < 20 && !bad.certain; i++) bad = badQueryValue(param, rng);
      if (!bad.certain) bad = { value: 'x'.repeat((param.schema.maxLength ?? 2000) + 1), certain: true };
      query.set(param.name, bad.value);
      note = `${param.name}=${bad.value.slice(0, 40)}`;
      break;
    }
    case 'missing-query': {
      const param = rng.pick(op.params.filter((p) => p.in === 'query' && p.required));
      query.delete(param.name);
      note = `no ${param.name}`;
      break;
    }
    case 'tampered-cursor': {
      const real = f.cursors[op.id] ?? [];
      let t = tamperedCursor(real.length > 0 ? rng.pick(real) : undefined, rng);
      for (let i = 0; i < 20 && !t.certain; i++) t = tamperedCursor(real.length > 0 ? rng.pick(real) : undefined, rng);
      query.set('cursor', t.value);
      note = t.note;
      break;
    }
    case 'bad-idempotency-key': {
      const bad = rng.pick(['short', 'x'.repeat(129), 'has space here', 'ệệệệệệệệệ', '']);
      if (bad === '' && rng.chance(0.5)) delete headers['idempotency-key'];
      else headers['idempotency-key'] = headerSafe(bad);
      note = `idempotency key ${JSON.stringify(bad.slice(0, 20))}`;
      break;
    }
    case 'malformed-json':
      body = rng.pick(MALFORMED_JSON);
      note = `malformed JSON ${JSON.stringify(body.slice(0, 20))}`;
      break;
    case 'not-json':
      headers['content-type'] = rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'application/octet-stream',
      ]);
      note = `content type ${headers['content-type']}`;
      break;
    case 'non-object-body':
      body = rng.pick(NON_OBJECTS);
      note = `body ${body}`;
      break;
    case 'invalid-body': {
      const examples = f.examples[op.id] ?? [];
      const valid =
        examples.length > 0 && rng.chance(0.5) ? structuredClone(rng.pick(examples)) : validValue(op.body!, rng, known);
      const m = mutate(op.body!, valid, rng, true);
      body = toJson(m.value);
      note = m.note;
      break;
    }
    case 'method': {
      const taken = allPaths.get(op.path) ?? [];
      method = rng.pick(METHODS.filter((m) => !taken.includes(m)));
      note = `method ${method}`;
      if (method === 'GET') body = undefined;
      break;
    }
  }

  let path = op.path;
  for (const [name, raw] of segments) path = path.replace(`{${name}}`, raw);
  const q = [...query].map(([k, v]) => `${enc(k)}=${enc(v)}`);
  if (body === undefined) delete headers['content-type'];
  return {
    index,
    operation: op.id,
    method,
    path: q.length > 0 ? `${path}?${q.join('&')}` : path,
    headers,
    ...(auth ? { auth } : {}),
    ...(body !== undefined ? { body } : {}),
    note,
    rejected: true,
  };
}

/** Requests outside the contract: unknown addresses, the dev routes' refusals, preflights. */
export function offContractRequest(index: number, f: Fixtures, rng: Random, rejectedOnly: boolean): FuzzRequest {
  const kinds = rejectedOnly ? [0, 1, 2, 3] : [0, 1, 2, 3, 4, 5];
  const kind = rng.pick(kinds);
  const headers = commonHeaders(rng);
  switch (kind) {
    case 0: {
      const path = rng.pick([
        '/',
        '/nope',
        '/dossiers/x/y/z',
        '/%E0%A4%A',
        '/admin',
        '/.env',
        '/api/v1/dossiers',
        `/${'x'.repeat(3000)}`,
        '/procedures/1.999601/extra',
        '/me',
        '/public',
      ]);
      return {
        index,
        operation: '(unknown route)',
        method: rng.pick(METHODS),
        path,
        headers,
        note: 'no such route',
        rejected: true,
      };
    }
    case 1: {
      // `null`, an array or a number are as wrong as a bad date (once a 500).
      const body = rng.pick([
        'null',
        '[]',
        '42',
        '"2026-01-01"',
        '{}',
        '{"now":null}',
        '{"now":"not a date"}',
        '{"now":1e309}',
        '{',
        '',
      ]);
      return {
        index,
        operation: 'devSetClock',
        method: 'POST',
        path: '/dev/clock',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        note: `clock body ${body}`,
        rejected: true,
      };
    }
    case 2: {
      const body = toJson(
        rng.pick<unknown>([
          null,
          [],
          {},
          { sub: '', roles: ['admin'] },
          { sub: 'x', roles: ['root'] },
          { sub: 'x', roles: ['citizen'] },
          { sub: '001099012345', roles: ['citizen', 'admin'] },
          { sub: 'o', roles: ['officer'] },
          { sub: 'x'.repeat(65), roles: ['admin'] },
          { sub: 'x', roles: ['admin'], expiresInSeconds: 1e12 },
          { sub: 'x', roles: ['admin'], issuer: 'not a url' },
          new RawJson('{"sub":'),
        ]),
      );
      return {
        index,
        operation: 'devIssueToken',
        method: 'POST',
        path: '/dev/token',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        note: `token request ${body.slice(0, 40)}`,
        rejected: true,
      };
    }
    case 3: {
      const path = rng.pick(['/dev/schedules/no-such-schedule', '/dev/nothing-here']);
      return { index, operation: '(dev)', method: 'POST', path, headers, note: 'no such dev route', rejected: true };
    }
    case 4:
      return {
        index,
        operation: '(preflight)',
        method: 'OPTIONS',
        path: rng.pick(['/dossiers', '/procedures', `/dossiers/${enc(rng.pick(f.dossierCodes))}/actions`]),
        headers: {
          ...headers,
          origin: rng.pick(['https://evil.example', 'http://localhost:5173', 'null']),
          'access-control-request-method': rng.pick(['POST', 'PUT', 'DELETE', 'GET']),
        },
        note: 'CORS preflight',
        rejected: false,
      };
    default:
      return {
        index,
        operation: '(health)',
        method: 'GET',
        path: rng.pick(['/health', '/ready', `/health?${'a=1&'.repeat(500)}`]),
        headers,
        note: 'liveness',
        rejected: false,
      };
  }
}

/** A path's methods, to pick one it does not have. */
export function methodsByPath(ops: Operation[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const op of ops) out.set(op.path, [...(out.get(op.path) ?? []), op.method]);
  return out;
}

/** `count` requests, every operation in turn (a shuffled round each time), 1 in 25 outside the contract. */
export function generate(
  ops: Operation[],
  f: Fixtures,
  rng: Random,
  count: number,
  kind: 'any' | 'rejected',
  firstIndex = 0,
): FuzzRequest[] {
  const paths = methodsByPath(ops);
  const out: FuzzRequest[] = [];
  let round: Operation[] = [];
  for (let i = 0; i < count; i++) {
    const index = firstIndex + i;
    const child = rng.fork();
    if (i % 25 === 24) {
      out.push(offContractRequest(index, f, child, kind === 'rejected'));
      continue;
    }
    if (round.length === 0) round = rng.shuffle(ops);
    const op = round.pop()!;
    out.push(kind === 'rejected' ? rejectedRequest(index, op, f, child, paths) : anyRequest(index, op, f, child));
  }
  return out;
}

/** A string matching the pattern, for callers that need one (the test's own fixtures). */
export { fromPattern };
