/**
 * The contract, fuzzed (#18): requests generated from the served `/openapi.json` for every operation — valid-
 * looking bodies from the schemas (real ids from fixtures), boundary values, malformed JSON, bad path segments,
 * tampered cursors, missing, expired, forged and wrong-role tokens — from a seeded PRNG. No answer may be a 5xx;
 * every 4xx is problem+json; and a batch of requests refused by construction (the contract alone says they must
 * be a 4xx) must leave every table exactly as it was.
 *
 *   FUZZ_SEED=<n>         replay a run (the seed is printed, and named in every failure)
 *   FUZZ_REQUESTS=<n>     how many requests in all (default 1,500; `npm run fuzz` sends 10,000)
 *   FUZZ_CONCURRENCY=<n>  requests in flight at once (default 8)
 */
import '#test/support/fuzz/quiet.ts';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';
import { billRequestSchema, confirmationSchema } from '#payments/domain/paygov.ts';
import { dynamoDocumentClient } from '#platform/aws.ts';
import { DEV_INTAKE_TOKEN } from '#portal/adapter/auth.ts';
import { forwardedRecordSchema } from '#portal/adapter/forwarded.ts';
import { startTestCloud, type TestCloud } from '#test/support/cloud.ts';
import { Random } from '#test/support/fuzz/random.ts';
import {
  type Fixtures,
  type FuzzRequest,
  generate,
  type Operation,
  operationsOf,
  TOKENS,
  type TokenName,
} from '#test/support/fuzz/requests.ts';
import type { JsonSchema } from '#test/support/fuzz/schema.ts';
import { simpleProcedure } from '#test/support/procedures.ts';
import {
  AGENCY,
  OTHER_AGENCY,
  OWNER,
  OWNER_NAME,
  PROCEDURE,
  prepareDossiers,
  useTestGatewayCredentials,
} from '../integration/payments/support.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 1500);
const WIDTH = Number(process.env.FUZZ_CONCURRENCY ?? 8);
/** A quarter of the requests are the refused-by-construction batch, the rest anything. */
const REJECTED_COUNT = Math.round(TOTAL / 4);
const ANY_COUNT = TOTAL - REJECTED_COUNT;
const STRANGER = '079200000001';
const PROVINCE_ROOT = '000.00.00.H19';

const root = new Random(SEED);
const rejectedRng = root.fork();
const anyRng = root.fork();
const replay = `FUZZ_SEED=${SEED} FUZZ_REQUESTS=${TOTAL}`;

/** Answers in someone else's terms, not problem+json, each by design. */
const PROTOCOL_ANSWERS = new Set([
  // Gateways' callbacks: VNPay's {RspCode, Message}, MoMo's 204, the national payment platform's {error_code}.
  'vnpayIpn',
  'momoIpn',
  'paygovBillLookup',
  'paygovConfirm',
  // The payer's browser lands on these: an HTML page, also when the signature is bad (400).
  'vnpayReturn',
  'momoReturn',
  // The national portal's machine door answers in its protocol ({error_code, message}), 409 included.
  'receiveForwardedDossier',
]);

/** What the webhooks parse themselves, so their bodies look like the real thing. */
const jsonSchemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const MOMO_IPN: JsonSchema = {
  type: 'object',
  properties: Object.fromEntries(
    [
      'extraData',
      'message',
      'orderId',
      'orderInfo',
      'orderType',
      'partnerCode',
      'payType',
      'requestId',
      'signature',
    ].map((k) => [k, { type: 'string', maxLength: 100 }]),
  ),
  required: ['partnerCode', 'orderId', 'signature'],
};
for (const k of ['amount', 'responseTime', 'resultCode', 'transId']) MOMO_IPN.properties![k] = { type: 'integer' };

let cloud: TestCloud;
let ops: Operation[];
let fixtures: Fixtures;
const tokens = {} as Record<TokenName, string>;

beforeAll(async () => {
  console.log(`fuzz: seed ${SEED}, ${TOTAL} requests (${replay} to replay)`);
  useTestGatewayCredentials();
  cloud = await startTestCloud();
  await prepareDossiers(cloud);

  const contract = await cloud.fetch('/openapi.json');
  expect(contract.status).toBe(200);
  ops = operationsOf(contract.json, {
    momoIpn: MOMO_IPN,
    paygovBillLookup: jsonSchemaOf(billRequestSchema),
    paygovConfirm: jsonSchemaOf(confirmationSchema),
    receiveForwardedDossier: jsonSchemaOf(forwardedRecordSchema),
  });

  await mintTokens();
  fixtures = await makeFixtures();
  await cloud.settle(60_000);
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
});

async function mintTokens(): Promise<void> {
  const official = (sub: string, roles: string[], agencyCode?: string) =>
    cloud.token({ sub, roles, ...(agencyCode ? { agencyCode } : {}), name: 'Cán bộ thử nghiệm' });
  tokens.citizen = await cloud.token({ sub: OWNER, roles: ['citizen'], name: OWNER_NAME });
  tokens.stranger = await cloud.token({ sub: STRANGER, roles: ['citizen'], name: 'Lê Văn Lạ' });
  tokens.officer = await official('officer-1', ['officer'], AGENCY);
  tokens.officerOther = await official('officer-2', ['officer'], OTHER_AGENCY);
  tokens.officerForeign = await official('officer-3', ['officer'], '000.00.15.H48');
  tokens.leader = await official('leader-1', ['leader'], AGENCY);
  tokens.leaderProvince = await official('leader-2', ['leader'], PROVINCE_ROOT);
  tokens.admin = await official('admin-1', ['admin']);
  tokens.officerLeader = await official('officer-4', ['officer', 'leader'], AGENCY);
  tokens.expired = await cloud.token({ sub: OWNER, roles: ['citizen'], expiresInSeconds: -120 });
  tokens.wrongIssuer = await cloud.token({ sub: 'admin-1', roles: ['admin'], issuer: 'https://issuer.example.vn/' });
  tokens.wrongAudience = await cloud.token({ sub: 'admin-1', roles: ['admin'], audience: 'another-api' });
  const [header, payload, signature] = tokens.officer.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
  tokens.tampered = `${header}.${forged}.${signature}`;
  tokens.algNone = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${forged}.`;
  tokens.garbage = 'not-a-jwt.at.all';
  tokens.intakeKey = DEV_INTAKE_TOKEN;
  for (const name of Object.keys(TOKENS) as TokenName[]) expect(tokens[name], name).toBeTruthy();
}

/** A PDF of the caller's, uploaded and completed. */
async function uploaded(token: string, label: string): Promise<string> {
  const pdf = Buffer.from(`%PDF-1.4\n% ${label} ${randomUUID()}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`);
  const created = await cloud.fetch('/documents', {
    method: 'POST',
    token,
    body: {
      fileName: 'to-khai.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    },
  });
  expect(created.status, created.text).toBe(201);
  const form = new FormData();
  for (const [name, value] of Object.entries(created.json.upload.fields as Record<string, string>)) {
    form.append(name, value);
  }
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'to-khai.pdf');
  const posted = await fetch(created.json.upload.url, { method: 'POST', body: form });
  expect(posted.status).toBeLessThan(300);
  const completed = await cloud.fetch(`/documents/${created.json.documentId}/complete`, { method: 'POST', token });
  expect(completed.status, completed.text).toBe(200);
  return created.json.documentId as string;
}

/** Real things to aim at: documents, dossiers, a payment, templates, and a real cursor of every list. */
async function makeFixtures(): Promise<Fixtures> {
  const documentIds = [
    await uploaded(tokens.citizen, 'a'),
    await uploaded(tokens.citizen, 'b'),
    await uploaded(tokens.stranger, 'c'),
  ];
  const dossierCodes: string[] = [];
  for (const [i, documents] of [[{ requirementCode: 'TO_KHAI', documentId: documentIds[0] }], [], []].entries()) {
    const res = await cloud.fetch('/dossiers', {
      method: 'POST',
      token: tokens.citizen,
      headers: { 'idempotency-key': `fuzz-fixture-${i}-${randomUUID()}` },
      body: {
        procedureCode: PROCEDURE,
        agencyCode: AGENCY,
        applicant: { idNumber: OWNER, fullName: OWNER_NAME, phone: '0912345678', email: 'nhung@example.vn' },
        formData: { hoTen: OWNER_NAME },
        documents,
        resultDelivery: 'online',
      },
    });
    expect(res.status, res.text).toBe(201);
    dossierCodes.push(res.json.code as string);
  }
  const payment = await cloud.fetch('/payments', {
    method: 'POST',
    token: tokens.citizen,
    headers: { 'idempotency-key': `fuzz-fixture-pay-${randomUUID()}` },
    body: { dossierCode: dossierCodes[1], gateway: 'vnpay' },
  });
  expect(payment.status, payment.text).toBe(201);
  for (let i = 0; i < 2; i++) {
    expect((await cloud.fetch(`/documents/${documentIds[0]}`, { token: tokens.citizen })).status).toBe(200);
  }
  const templates = await cloud.fetch('/notifications/templates', { token: tokens.admin });
  expect(templates.status, templates.text).toBe(200);
  const templateIds = [...new Set((templates.json as { id: string }[]).map((t) => t.id))].slice(0, 8);

  const f: Fixtures = {
    agencyCodes: [AGENCY, PROVINCE_ROOT, OTHER_AGENCY, '000.00.99.H19'],
    procedureCodes: [PROCEDURE, '1.999999', '2.000815.000.00.00.H19'],
    dossierCodes: [...dossierCodes, `${AGENCY}-991231-9999`],
    documentIds: [...documentIds, 'no-such-document'],
    paymentIds: [payment.json.paymentId as string, randomUUID()],
    txnRefs: [payment.json.txnRef as string, 'MC260101000000000001'],
    templateIds: [...templateIds, 'no-such-template'],
    officialSubs: ['officer-1', 'leader-1', 'nobody'],
    idNumbers: [OWNER, STRANGER, '000000000000'],
    cursors: {},
    examples: examples(dossierCodes, documentIds),
  };
  // A page of one of every list that pages, as a caller allowed to read it: its nextCursor is a real cursor.
  for (const op of ops.filter((o) => o.method === 'GET' && o.params.some((p) => p.name === 'cursor'))) {
    const token = (['citizen', 'officer', 'admin'] as const).find((name) =>
      TOKENS[name].roles.some((r) => op.roles.includes(r)),
    );
    const path = op.path
      .replace('{code}', op.path.startsWith('/agencies/') ? AGENCY : dossierCodes[0]!)
      .replace('{id}', documentIds[0]!)
      .replace('{kind}', 'agencies');
    const page = await cloud.fetch(`${path}?limit=1`, token ? { token: tokens[token] } : {});
    if (typeof page.json?.nextCursor === 'string') f.cursors[op.id] = [page.json.nextCursor];
  }
  return f;
}

/** Bodies these routes accept (or nearly): where the generator starts half the time, to get past validation. */
function examples(dossierCodes: string[], documentIds: string[]): Record<string, unknown[]> {
  const agency = {
    code: AGENCY,
    name: { vi: 'Sở Tư pháp tỉnh Đồng Nai', en: 'Đồng Nai Department of Justice' },
    level: 'province',
    parentCode: PROVINCE_ROOT,
    active: true,
  };
  const dossier = {
    procedureCode: PROCEDURE,
    agencyCode: AGENCY,
    applicant: { idNumber: OWNER, fullName: OWNER_NAME, phone: '0912345678', email: 'nhung@example.vn' },
    formData: { hoTen: OWNER_NAME },
    documents: [],
    resultDelivery: 'online',
  };
  return {
    submitDossier: [dossier, { ...dossier, documents: [{ requirementCode: 'TO_KHAI', documentId: documentIds[1] }] }],
    createDocument: [
      {
        fileName: 'to-khai.pdf',
        contentType: 'application/pdf',
        size: 1234,
        sha256: createHash('sha256').update('fuzz').digest('hex'),
      },
    ],
    createPayment: dossierCodes.map((dossierCode) => ({ dossierCode, gateway: 'vnpay' })),
    putAgency: [agency],
    importCatalog: [{ kind: 'agencies', format: 'json', content: JSON.stringify([agency]) }],
    putProcedure: [
      simpleProcedure({ agencyCodes: [AGENCY], validFrom: '2025-07-01', name: { vi: 'Thủ tục thử', en: 'Trial' } }),
    ],
    putCalendar: [
      {
        year: 2026,
        holidays: [
          { date: '2026-01-01', name: 'Tết Dương lịch', nameEn: "New Year's Day" },
          { date: '2026-09-02', name: 'Quốc khánh' },
        ],
        workingWeekendDays: [],
      },
    ],
    actOnDossier: [
      { type: 'receive' },
      { type: 'request-supplement', reason: 'Thiếu bản sao chứng thực' },
      { type: 'start-processing' },
      { type: 'transfer', toAgencyCode: OTHER_AGENCY, allottedWorkingDays: 1.5 },
    ],
    supplementDossier: [{ documents: [{ requirementCode: 'TO_KHAI', documentId: documentIds[1] }] }],
    withdrawDossier: [{ reason: 'Tôi không còn nhu cầu' }],
    giveFeedback: [{ rating: 'satisfied', comment: 'Cán bộ nhiệt tình' }],
    recordCounterPayment: [{ amount: 100_000, method: 'cash' }],
    putNotificationOfficial: [{ agencyCode: AGENCY, name: 'Nguyễn Văn An', email: 'an@example.vn' }],
    mapProcedureToNational: [{ nationalCode: PROCEDURE }],
    rejectForwardedDossier: [{ reason: 'Không thuộc thẩm quyền' }],
    receiveForwardedDossier: [
      {
        MaHoSo: `G22.99.1-2612-${String(randomInt(10_000)).padStart(4, '0')}`,
        MaTTHC: PROCEDURE,
        ChuHoSo: OWNER_NAME,
        LoaiDoiTuong: '1',
        SoDinhDanh: OWNER,
        DonViXuLy: AGENCY,
        DuLieuBieuMau: { hoTen: OWNER_NAME },
        TaiLieuNop: [],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Sending and judging

interface Answer {
  status: number;
  contentType: string;
  text: string;
  error?: string;
}

function authorization(auth: NonNullable<FuzzRequest['auth']>): string {
  const token = tokens[auth.token];
  switch (auth.style) {
    case 'bearer':
      return `Bearer ${token}`;
    case 'lowercase':
      return `bearer ${token}`;
    case 'bare':
      return token;
    case 'basic':
      return `Basic ${Buffer.from(`user:${token}`).toString('base64')}`;
    case 'double':
      return `Bearer ${token}, Bearer ${token}`;
  }
}

/**
 * A kept-alive connection the server closes just as a request goes out on it is reset before the request is
 * read (the server's keep-alive timeout, after a pause such as a table snapshot): that one is sent again, on a
 * new connection. A server that resets the connection again has answered nothing: that is reported.
 */
async function send(r: FuzzRequest): Promise<Answer> {
  const first = await sendOnce(r);
  return first.error && /ECONNRESET|other side closed|UND_ERR_SOCKET/.test(first.error) ? sendOnce(r) : first;
}

async function sendOnce(r: FuzzRequest): Promise<Answer> {
  const headers: Record<string, string> = { ...r.headers };
  if (r.auth) headers.authorization = authorization(r.auth);
  try {
    const res = await fetch(cloud.url + r.path, {
      method: r.method,
      headers,
      ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(60_000),
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
  } catch (error) {
    return { status: 0, contentType: '', text: '', error: String((error as Error).cause ?? error) };
  }
}

/** Every request, at most `WIDTH` in flight. */
async function sendAll(requests: FuzzRequest[]): Promise<Answer[]> {
  const answers: Answer[] = new Array(requests.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: WIDTH }, async () => {
      while (next < requests.length) {
        const i = next++;
        answers[i] = await send(requests[i]!);
      }
    }),
  );
  return answers;
}

function isProblem(a: Answer): boolean {
  if (!/^application\/problem\+json\b/i.test(a.contentType)) return false;
  try {
    const body = JSON.parse(a.text) as { title?: unknown; status?: unknown };
    return typeof body.title === 'string' && body.title !== '' && body.status === a.status;
  } catch {
    return false;
  }
}

/** What is wrong with this answer to this request (nothing, mostly). */
function judge(r: FuzzRequest, a: Answer): string | undefined {
  if (a.error) return `no answer (${a.error})`;
  if (a.status >= 500) return '5xx';
  if (a.status >= 400 && !PROTOCOL_ANSWERS.has(r.operation) && !isProblem(a)) return '4xx not problem+json';
  if (r.rejected && (a.status < 400 || a.status >= 500)) return 'refused by construction, yet answered';
  return undefined;
}

function describeOffence(r: FuzzRequest, a: Answer, why: string): string {
  const body = a.text.replace(/\s+/g, ' ').slice(0, 240);
  const who = r.auth ? ` as ${r.auth.token}${r.auth.style === 'bearer' ? '' : ` (${r.auth.style})`}` : '';
  return `#${r.index} ${r.method} ${r.path.slice(0, 160)}${who} → ${a.status} ${why} [${r.operation}: ${r.note.slice(0, 160)}] ${body}`;
}

function report(requests: FuzzRequest[], answers: Answer[]): { offences: string[]; summary: string } {
  const offences: string[] = [];
  const byClass = new Map<string, number>();
  const byOperation = new Map<string, number>();
  requests.forEach((r, i) => {
    const a = answers[i]!;
    const cls = a.status === 0 ? 'none' : `${String(a.status)[0]}xx`;
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
    byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);
    const why = judge(r, a);
    if (why) offences.push(describeOffence(r, a, why));
  });
  const perOperation = ops.map((op) => byOperation.get(op.id) ?? 0);
  if (process.env.FUZZ_VERBOSE) {
    const table = new Map<string, Map<number, number>>();
    requests.forEach((r, i) => {
      const row = table.get(r.operation) ?? new Map<number, number>();
      row.set(answers[i]!.status, (row.get(answers[i]!.status) ?? 0) + 1);
      table.set(r.operation, row);
    });
    if (process.env.FUZZ_SAMPLES) {
      for (const op of process.env.FUZZ_SAMPLES.split(',')) {
        requests.forEach((r, i) => {
          if (r.operation === op && answers[i]!.status === 400 && r.note === 'valid-looking') {
            console.log(`    ${r.path.slice(0, 80)} ${r.body?.slice(0, 300)} → ${answers[i]!.text.slice(0, 400)}`);
          }
        });
      }
    }
    for (const [operation, row] of [...table].sort()) {
      console.log(
        `  ${operation}: ${[...row]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
      );
    }
  }
  const summary =
    `${requests.length} requests over ${ops.length} operations ` +
    `(${Math.min(...perOperation)}–${Math.max(...perOperation)} each): ` +
    [...byClass]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return { offences, summary };
}

function failureText(title: string, offences: string[]): string {
  const shown = offences.slice(0, 60);
  return `${title}: ${offences.length} (seed ${SEED}; ${replay} npx vitest run test/e2e/fuzz.test.ts)\n${shown.join('\n')}${
    offences.length > shown.length ? `\n… and ${offences.length - shown.length} more` : ''
  }`;
}

// ---------------------------------------------------------------------------------------------------------
// Tables

/**
 * Items that change without any request of the batch writing them. None so far: a rejected request stores
 * nothing at all (the bounded rejected-callback log is written only by webhooks, which answer in their
 * protocol's terms and are not in the batch).
 */
function excluded(_table: string, _item: Record<string, unknown>): string | undefined {
  return undefined;
}

function canonical(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(canonical).sort();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Every item of every table of this cloud, by table and key. */
async function snapshot(): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  for (const [logical, table] of cloud.resources.tables) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoDocumentClient().send(
        new ScanCommand({ TableName: table.name, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        if (excluded(logical, item)) continue;
        items.set(`${logical} ${String(item.pk)} ${String(item.sk)}`, JSON.stringify(canonical(item)));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return items;
}

function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [key, value] of after) {
    if (!before.has(key)) out.push(`added ${key}: ${value.slice(0, 200)}`);
    else if (before.get(key) !== value)
      out.push(`changed ${key}: ${before.get(key)!.slice(0, 200)} → ${value.slice(0, 200)}`);
  }
  for (const key of before.keys()) if (!after.has(key)) out.push(`removed ${key}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------

describe(`the contract, fuzzed (seed ${SEED})`, () => {
  test(`${REJECTED_COUNT} requests refused by construction are all a 4xx problem and leave every table unchanged`, async () => {
    const requests = generate(ops, fixtures, rejectedRng, REJECTED_COUNT, 'rejected');
    const before = await snapshot();
    const answers = await sendAll(requests);
    // Anything a request started would show in the tables once the consumers are done.
    await cloud.settle(60_000);
    const after = await snapshot();
    const { offences, summary } = report(requests, answers);
    console.log(`fuzz (refused by construction): ${summary}`);
    expect(offences, failureText('wrong answers to requests refused by construction', offences)).toEqual([]);
    const changed = differences(before, after);
    expect(changed, failureText('refused requests changed the tables', changed)).toEqual([]);
  }, 600_000);

  test(`${ANY_COUNT} requests of every kind over every operation: no 5xx, every 4xx is problem+json`, async () => {
    const requests = generate(ops, fixtures, anyRng, ANY_COUNT, 'any', REJECTED_COUNT);
    const answers = await sendAll(requests);
    const { offences, summary } = report(requests, answers);
    console.log(`fuzz (any): ${summary}`);
    const covered = new Set(requests.map((r) => r.operation));
    expect(ops.filter((op) => !covered.has(op.id)).map((op) => op.id)).toEqual([]);
    expect(offences, failureText('wrong answers', offences)).toEqual([]);
  }, 900_000);

  test('request lines the HTTP parser or the router cannot take are a 4xx, and the gateway keeps serving', async () => {
    const tail = 'Host: localhost\r\nConnection: close\r\n\r\n';
    const cases = [
      `GET //[ HTTP/1.1\r\n${tail}`,
      `GET /dossiers/%E0%A4%A HTTP/1.1\r\n${tail}`,
      `GET * HTTP/1.1\r\n${tail}`,
      `GET http://evil.example/health HTTP/1.1\r\n${tail}`,
      `GET /\u0001 HTTP/1.1\r\n${tail}`,
      `FOO / HTTP/1.1\r\n${tail}`,
      `GET / HTTP/9.9\r\n${tail}`,
      `GET /${'x'.repeat(20_000)} HTTP/1.1\r\n${tail}`,
      `GET /health HTTP/1.1\r\nBad Header\r\n${tail}`,
      `POST /dossiers HTTP/1.1\r\nContent-Length: -1\r\n${tail}`,
      `POST /dossiers HTTP/1.1\r\nTransfer-Encoding: chunked\r\n${tail}ZZ\r\n`,
      `POST /dossiers HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n${tail}0\r\n\r\n`,
      'garbage\r\n\r\n',
    ];
    const offences: string[] = [];
    for (const raw of cases) {
      const line = await exchange(raw);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(line)?.[1] ?? 0);
      if (status < 400 || status >= 500)
        offences.push(`${JSON.stringify(raw.slice(0, 60))} → ${line || '(no answer)'}`);
    }
    expect(offences, failureText('raw requests answered wrongly', offences)).toEqual([]);
    expect((await cloud.fetch('/health')).status).toBe(200);
  });
});

/** Writes `raw` on a fresh connection; the status line of the answer, or '' if the server closed without one. */
function exchange(raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(cloud.port, '127.0.0.1');
    let received = '';
    const done = (value: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(`(no answer in 20 s) ${received.split('\r\n')[0] ?? ''}`), 20_000);
    socket.on('connect', () => socket.write(raw, 'latin1'));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) done(received.split('\r\n')[0]!);
    });
    socket.on('error', () => done(received.split('\r\n')[0] ?? ''));
    socket.on('close', () => done(received.split('\r\n')[0] ?? ''));
  });
}
