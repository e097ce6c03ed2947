/**
 * The access matrix of docs/security.md, every cell, over HTTP on a local cloud (issue #18): for each route and
 * each kind of caller, a request that would otherwise be valid for that caller — real tokens from the dev
 * issuers, real resources made here first (a dossier with its document and a paid fee, payments pending at each
 * gateway, forwards held from the national portal) — and the answer class it gets, compared with
 * test/support/access-matrix.ts. A 403 or 404 here comes from access, not from validation: each mutating cell
 * that should succeed has a resource of its own, and the 2xx cells of a row prove the request itself is valid.
 * Every route of the served /openapi.json must have a row.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import {
  localStamp,
  MOMO,
  momoIpnSignature,
  useTestGatewayCredentials,
  VNPAY,
  vnpayIpnParams,
  vnpayQuery,
} from '../integration/payments/support.ts';
import { ACCESS_MATRIX, type AccessRow, type Answer, CALLERS, type Caller, rowKey } from '../support/access-matrix.ts';
import { type FetchResult, startTestCloud, type TestCloud } from '../support/cloud.ts';

const AGENCY = '000.00.15.H19'; // Sở Tư pháp: the handling agency
const PARENT = '000.00.00.H19'; // its parent, the provincial People's Committee
const OTHER_AGENCY = '000.00.11.H19'; // Công an tỉnh: no parent in common below the province
const FOREIGN_AGENCY = '000.00.15.H34'; // Sở Tư pháp tỉnh Lai Châu
const OWNER = '001099012345';
const OWNER_NAME = 'Phạm Thị Dung';
const OTHER_CITIZEN = '079200000001';
const PROCEDURE = '1.999801';
const FEE = 100_000;
const DEV_INTAKE_KEY = 'dev-dvcqg-intake-token';
const PAYGOV = { partner: 'H19DEVPAYGOV', key: 'motcua-local-paygov-secret-not-for-production' };
/** Generous: on a loaded machine the seed's events take a while to go through every context. */
const SETTLE_MS = 120_000;
const MONTH = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);

/** A procedure of our own: one fee, one optional PDF, a one-field form, at the handling agency. */
const TEST_PROCEDURE = {
  status: 'published',
  validFrom: '2025-07-01',
  name: { vi: 'Thủ tục thử nghiệm phân quyền', en: 'Access matrix test procedure' },
  field: 'Thử nghiệm',
  levels: ['province'],
  agencyCodes: [AGENCY],
  mode: 'full',
  processingTime: { kind: 'working_days', days: 3 },
  payBeforeReception: false,
  fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí thử nghiệm', amount: FEE }],
  requirements: [
    {
      code: 'TO_KHAI',
      name: { vi: 'Tờ khai', en: 'Application form' },
      required: false,
      contentTypes: ['application/pdf'],
      maxBytes: 5_000_000,
    },
  ],
  formSchema: {
    type: 'object',
    properties: { hoTen: { type: 'string', title: 'Họ tên', minLength: 1, maxLength: 100 } },
    required: ['hoTen'],
    additionalProperties: false,
  },
  resultType: 'electronic',
};

let cloud: TestCloud;
/** Each caller's credential: a dev-issued JWT, the portal's intake key, or nothing. */
const credentials: Partial<Record<Caller, string>> = {};
let admin: string;

interface Req {
  path: string;
  method?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Send no Authorization header whatever the caller (the request is a gateway's). */
  noCredential?: boolean;
}
type Builder = (caller: Caller) => Req;

const fx = {
  /** The owner's dossier at the agency: received, fee paid at the counter, carrying DOC. */
  dossier: '',
  document: '',
  payment: '',
  /** Submitted dossiers of the owner, each for one cell that changes it. */
  fresh: {} as Record<string, string>,
  /** Received, then asked for a supplement. */
  supplementRequested: '',
  /** Walked to returned, with a signed electronic result. */
  returned: '',
  /** An upload of the owner's, its file posted, not completed yet. */
  pendingUpload: '',
  templateId: '',
  vnpay: { txnRef: '', amount: 0 },
  vnpayRefused: { txnRef: '', amount: 0 },
  momo: { orderId: '', amount: 0, requestId: '' },
  momoRefused: { orderId: '', amount: 0, requestId: '', paymentId: '' },
  paygovLookup: '',
  paygovConfirm: { lookupCode: '', txnRef: '' },
  sandboxCheckout: '',
  /** A forward held for an official (unmapped procedure), addressed to the agency; one per cell that ends it. */
  heldForward: '',
  heldForReject: {} as Record<string, string>,
  heldForRetry: {} as Record<string, string>,
  intakeRecord: {} as Record<string, unknown>,
  /** A national re-sync the admin started (of a range with no dossier in it). */
  resync: '',
};

const tokenOf = (caller: Caller): string => {
  const token = credentials[caller];
  if (!token) throw new Error(`no token for ${caller}`);
  return token;
};

function send(caller: Caller, req: Req): Promise<FetchResult> {
  const credential = req.noCredential ? undefined : credentials[caller];
  return cloud.fetch(req.path, {
    method: req.method ?? (req.body !== undefined || req.rawBody !== undefined ? 'POST' : 'GET'),
    ...(credential ? { token: credential } : {}),
    ...(req.body !== undefined ? { body: req.body } : {}),
    ...(req.rawBody !== undefined ? { rawBody: req.rawBody } : {}),
    headers: req.headers ?? {},
  });
}

const key = () => `access-${randomUUID()}`;

// ---------------------------------------------------------------------------------------------------------
// Fixtures, through the routes themselves

async function ok(res: Promise<FetchResult> | FetchResult, what: string): Promise<FetchResult> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r;
}

const applicant = { idNumber: OWNER, fullName: OWNER_NAME, phone: '0912345678', email: 'dung@example.vn' };

function onlineSubmission(documents: { requirementCode: string; documentId: string }[] = []) {
  return {
    procedureCode: PROCEDURE,
    agencyCode: AGENCY,
    applicant,
    formData: { hoTen: OWNER_NAME },
    documents,
    resultDelivery: 'online',
  };
}

function counterSubmission() {
  return {
    procedureCode: PROCEDURE,
    agencyCode: AGENCY,
    channel: 'in_person',
    applicant: { ...applicant, address: '12 Phan Chu Trinh, Biên Hòa' },
    formData: { hoTen: OWNER_NAME },
    documents: [],
    resultDelivery: 'counter',
  };
}

async function submitted(): Promise<string> {
  const res = await ok(
    cloud.fetch('/dossiers', {
      method: 'POST',
      token: tokenOf('owner'),
      body: onlineSubmission(),
      headers: { 'idempotency-key': key() },
    }),
    'submit',
  );
  return res.json.code as string;
}

async function act(token: string, code: string, action: Record<string, unknown>): Promise<number> {
  const current = await ok(cloud.fetch(`/dossiers/${code}`, { token }), `read ${code}`);
  const res = await ok(
    cloud.fetch(`/dossiers/${code}/actions`, {
      method: 'POST',
      token,
      body: action,
      headers: { 'if-match': `"${current.json.version}"` },
    }),
    `${String(action.type)} ${code}`,
  );
  return res.json.version as number;
}

const PDF = (label: string) =>
  Buffer.from(
    `%PDF-1.4\n% ${label} ${randomUUID()}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );

/** Opens an upload and posts the file; completes it unless told not to. */
async function upload(token: string, extra: Record<string, unknown> = {}, complete = true): Promise<string> {
  const pdf = PDF('access');
  const created = await ok(
    cloud.fetch('/documents', {
      method: 'POST',
      token,
      body: {
        fileName: 'to-khai.pdf',
        contentType: 'application/pdf',
        size: pdf.length,
        sha256: createHash('sha256').update(pdf).digest('hex'),
        ...extra,
      },
    }),
    'open an upload',
  );
  const form = new FormData();
  for (const [name, value] of Object.entries(created.json.upload.fields as Record<string, string>)) {
    form.append(name, value);
  }
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'to-khai.pdf');
  const posted = await fetch(created.json.upload.url, { method: 'POST', body: form });
  if (posted.status >= 300) throw new Error(`upload: ${posted.status} ${await posted.text()}`);
  const id = created.json.documentId as string;
  if (complete) {
    const done = await ok(cloud.fetch(`/documents/${id}/complete`, { method: 'POST', token }), 'complete');
    if (done.json.status !== 'clean') throw new Error(`upload not clean: ${done.text}`);
  }
  return id;
}

async function pay(code: string, gateway: string): Promise<FetchResult> {
  return ok(
    cloud.fetch('/payments', {
      method: 'POST',
      token: tokenOf('owner'),
      body: { dossierCode: code, gateway },
      headers: { 'idempotency-key': key() },
    }),
    `pay ${code} by ${gateway}`,
  );
}

const paygovSign = (values: (string | number)[], secret = PAYGOV.key): string =>
  createHmac('sha256', secret).update(values.map(String).join('|'), 'utf8').digest('hex');

async function lookupCodeOf(code: string): Promise<string> {
  const { paymentLookupCode } = await import('#payments/contract.ts');
  return paymentLookupCode(code);
}

function paygovLookupBody(lookupCode: string, secret = PAYGOV.key) {
  const sent = localStamp(new Date());
  return {
    MaDoiTac: PAYGOV.partner,
    MaTraCuuTT: lookupCode,
    ThoiGianGui: sent,
    ChuKy: paygovSign([PAYGOV.partner, lookupCode, sent], secret),
  };
}

function paygovConfirmBody(lookupCode: string, txnRef: string, secret = PAYGOV.key) {
  const paidAt = localStamp(new Date());
  const transaction = `PG${String(Date.now()).slice(-12)}`;
  return {
    MaDoiTac: PAYGOV.partner,
    MaTraCuuTT: lookupCode,
    MaThamChieu: txnRef,
    MaGiaoDich: transaction,
    SoTien: String(FEE),
    TrangThai: '00',
    ThoiGianThanhToan: paidAt,
    ChuKy: paygovSign([PAYGOV.partner, lookupCode, txnRef, transaction, String(FEE), '00', paidAt], secret),
  };
}

function momoIpnBody(p: { orderId: string; amount: number; requestId: string }, signed: boolean) {
  const body: Record<string, string | number> = {
    partnerCode: MOMO.partnerCode,
    orderId: p.orderId,
    requestId: p.requestId,
    amount: p.amount,
    orderInfo: 'Thanh toan le phi ho so',
    orderType: 'momo_wallet',
    transId: Number(String(Date.now()).slice(-10)),
    resultCode: 0,
    message: 'Thành công.',
    payType: 'qr',
    responseTime: Date.now(),
    extraData: '',
  };
  body.signature = signed ? momoIpnSignature(body) : '0'.repeat(64);
  return body;
}

/** Submits on the stand-in national portal; the forward is held (its procedure is not mapped). */
async function heldForward(): Promise<string> {
  const res = await ok(
    cloud.fetch('/dev/national-portal/dossiers', {
      body: {
        MaTTHC: '9.999999',
        DonViXuLy: AGENCY,
        ChuHoSo: 'Lê Văn Cổng',
        SoDinhDanh: '001099077777',
        SoDienThoai: '0912345678',
        DuLieuBieuMau: { hoTen: 'Lê Văn Cổng' },
        files: [],
      },
    }),
    'submit on the national portal',
  );
  if (res.json.forwards?.[0]?.status !== 202) throw new Error(`forward not taken: ${res.text}`);
  return res.json.id as string;
}

/** A record as the national portal would forward it, held back on the stand-in (pulled, not pushed). */
async function intakeRecord(): Promise<Record<string, unknown>> {
  const res = await ok(
    cloud.fetch('/dev/national-portal/dossiers', {
      body: {
        MaTTHC: '9.999998',
        DonViXuLy: AGENCY,
        ChuHoSo: 'Trần Văn Cổng',
        SoDinhDanh: '001099077778',
        SoDienThoai: '0912345678',
        DuLieuBieuMau: { hoTen: 'Trần Văn Cổng' },
        files: [],
        delivery: 'pull',
      },
    }),
    'hold a record on the national portal',
  );
  return { service: 'TiepNhanHoSoTuDVCQG', ...(res.json.record as Record<string, unknown>) };
}

/** Asks again until `done` says yes (what another context learns from an event, a moment later). */
async function eventually(what: string, attempt: () => Promise<FetchResult>, done: (r: FetchResult) => boolean) {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const r = await attempt();
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`${what}: ${r.status} ${r.text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The owner's dossier with its document; received; its fee taken at the counter (a paid payment, a receipt). */
async function mainDossier(): Promise<void> {
  const owner = tokenOf('owner');
  const officer = tokenOf('officer');
  fx.document = await upload(owner, { procedureCode: PROCEDURE, requirementCode: 'TO_KHAI' });
  const first = await ok(
    cloud.fetch('/dossiers', {
      method: 'POST',
      token: owner,
      body: onlineSubmission([{ requirementCode: 'TO_KHAI', documentId: fx.document }]),
      headers: { 'idempotency-key': key() },
    }),
    'submit with a document',
  );
  fx.dossier = first.json.code;
  const version = await act(officer, fx.dossier, { type: 'receive' });
  const counter = await ok(
    cloud.fetch(`/dossiers/${fx.dossier}/payments/counter`, {
      method: 'POST',
      token: officer,
      body: { amount: FEE, method: 'cash' },
      headers: { 'if-match': `"${version}"`, 'idempotency-key': key() },
    }),
    'counter payment',
  );
  fx.payment = counter.json.paymentId;
  fx.pendingUpload = await upload(owner, {}, false);
}

const PURPOSES = [
  'act-officer',
  'act-leader',
  'withdraw',
  'pay',
  'counter-officer',
  'counter-leader',
  'counter-replay',
  'vnpay',
  'vnpay-refused',
  'momo',
  'momo-refused',
  'paygov-lookup',
  'paygov-confirm',
  'sandbox',
  'supplement',
  'returned',
] as const;

/** Submitted dossiers of the owner, one per cell that changes one; payments pending at each gateway; two walks. */
async function freshDossiers(): Promise<void> {
  const officer = tokenOf('officer');
  const codes = await Promise.all(PURPOSES.map(() => submitted()));
  fx.fresh = Object.fromEntries(PURPOSES.map((p, i) => [p, codes[i]!]));
  const payments = async () => {
    const [vnpay, vnpayRefused, momo, momoRefused, sandbox] = await Promise.all([
      pay(fx.fresh.vnpay!, 'vnpay'),
      pay(fx.fresh['vnpay-refused']!, 'vnpay'),
      pay(fx.fresh.momo!, 'momo'),
      pay(fx.fresh['momo-refused']!, 'momo'),
      pay(fx.fresh.sandbox!, 'sandbox'),
    ]);
    fx.vnpay = { txnRef: vnpay.json.txnRef, amount: vnpay.json.amount };
    fx.vnpayRefused = { txnRef: vnpayRefused.json.txnRef, amount: vnpayRefused.json.amount };
    fx.momo = { orderId: momo.json.txnRef, amount: momo.json.amount, requestId: randomUUID() };
    fx.momoRefused = {
      orderId: momoRefused.json.txnRef,
      amount: momoRefused.json.amount,
      requestId: randomUUID(),
      paymentId: momoRefused.json.paymentId,
    };
    const checkout = new URL(sandbox.json.redirectUrl, cloud.url);
    fx.sandboxCheckout = `${checkout.pathname}${checkout.search}`;
  };
  const paygov = async () => {
    fx.paygovLookup = await lookupCodeOf(fx.fresh['paygov-lookup']!);
    const confirmCode = await lookupCodeOf(fx.fresh['paygov-confirm']!);
    // The platform finds the bill once payments has seen the dossier's event.
    const bill = await eventually(
      'paygov bill',
      () => cloud.fetch('/payments/paygov/bills', { method: 'POST', body: paygovLookupBody(confirmCode) }),
      (r) => r.json?.error_code === '0',
    );
    fx.paygovConfirm = { lookupCode: confirmCode, txnRef: bill.json.MaThamChieu };
  };
  const supplement = async () => {
    await act(officer, fx.fresh.supplement!, { type: 'receive' });
    await act(officer, fx.fresh.supplement!, { type: 'request-supplement', reason: 'Thiếu tờ khai' });
  };
  // To returned, with a signed electronic result (feedback, result verification).
  const walk = async () => {
    const resultDocument = await upload(officer);
    fx.returned = fx.fresh.returned!;
    await act(officer, fx.returned, { type: 'receive' });
    await act(officer, fx.returned, { type: 'start-processing' });
    await act(officer, fx.returned, {
      type: 'resolve',
      result: {
        number: '15/GCN-TN',
        signer: 'Trần Văn Cường',
        issuedBy: AGENCY,
        signedAt: new Date().toISOString(),
        electronic: true,
        documentId: resultDocument,
      },
    });
    await act(officer, fx.returned, { type: 'return-result' });
  };
  await Promise.all([payments(), paygov(), supplement(), walk()]);
}

/** Forwards held for an official, one per cell that ends one; a record for the intake door. */
async function forwards(): Promise<void> {
  const holders = ['officer', 'leader', 'admin'];
  const [shown, ...held] = await Promise.all(Array.from({ length: 1 + 2 * holders.length }, () => heldForward()));
  fx.heldForward = shown!;
  holders.forEach((who, i) => {
    fx.heldForReject[who] = held[2 * i]!;
    fx.heldForRetry[who] = held[2 * i + 1]!;
  });
  fx.intakeRecord = await intakeRecord();
}

beforeAll(async () => {
  useTestGatewayCredentials();
  cloud = await startTestCloud();
  admin = await cloud.token({ sub: 'admin-1', roles: ['admin'] });
  // Only what the cells need from the catalog: the three agencies (and so the tree), 2026, our procedure.
  const seed = JSON.parse(readFileSync('config/seed/dong-nai/agencies.json', 'utf8')) as { code: string }[];
  for (const code of [PARENT, AGENCY, OTHER_AGENCY]) {
    await ok(
      cloud.fetch(`/agencies/${code}`, { method: 'PUT', token: admin, body: seed.find((a) => a.code === code) }),
      `put agency ${code}`,
    );
  }
  calendar2026 = VIETNAM_CALENDAR_2025_2027.find((c) => c.year === 2026) as unknown as Record<string, unknown>;
  await ok(cloud.fetch('/calendar/2026', { method: 'PUT', token: admin, body: calendar2026 }), 'put 2026');
  await ok(cloud.fetch(`/procedures/${PROCEDURE}`, { method: 'PUT', token: admin, body: TEST_PROCEDURE }), 'publish');
  const [owner, citizen, officer, otherOfficer, leader, parentLeader, foreign] = await Promise.all([
    cloud.token({ sub: OWNER, roles: ['citizen'], name: OWNER_NAME }),
    cloud.token({ sub: OTHER_CITIZEN, roles: ['citizen'] }),
    cloud.token({ sub: 'officer-1', roles: ['officer'], agencyCode: AGENCY, name: 'Nguyễn Văn An' }),
    cloud.token({ sub: 'officer-9', roles: ['officer'], agencyCode: OTHER_AGENCY }),
    cloud.token({ sub: 'leader-1', roles: ['leader'], agencyCode: AGENCY, name: 'Trần Văn Cường' }),
    cloud.token({ sub: 'leader-0', roles: ['leader'], agencyCode: PARENT, name: 'Lê Văn Tỉnh' }),
    cloud.token({ sub: 'official-lc', roles: ['officer', 'leader', 'admin'], agencyCode: FOREIGN_AGENCY }),
  ]);
  Object.assign(credentials, {
    owner,
    citizen,
    officer,
    otherOfficer,
    leader,
    parentLeader,
    admin,
    foreign,
    portal: DEV_INTAKE_KEY,
  });
  await cloud.settle(SETTLE_MS);
  const templates = cloud.fetch('/notifications/templates', { token: admin });
  await Promise.all([mainDossier(), freshDossiers(), forwards()]);
  const listed = (await ok(templates, 'templates')).json;
  fx.templateId = (listed.items ?? listed)[0].id;
  const resync = await ok(
    cloud.fetch('/sync/resyncs', {
      token: admin,
      body: { scope: 'received', receivedFrom: '2020-01-01', receivedTo: '2020-01-01', reason: 'Kiểm tra phân quyền' },
    }),
    'resync',
  );
  fx.resync = resync.json.id;
  // Every context has taken in what was made (grants, read models, the signed result, the sync records).
  await cloud.settle(SETTLE_MS);
}, 300_000);

afterAll(async () => {
  await cloud?.stop();
});

// ---------------------------------------------------------------------------------------------------------
// One request per route and caller

/** The same request for every caller. */
const same =
  (req: Req): Builder =>
  () =>
    req;

const REQUESTS: Record<string, Builder> = {
  'GET /health': same({ path: '/health' }),
  'GET /openapi.json': same({ path: '/openapi.json' }),
  'GET /docs': same({ path: '/docs' }),
  'GET /docs/{asset}': same({ path: '/docs/init.js' }),

  'GET /agencies': same({ path: '/agencies' }),
  'PUT /agencies/{code}': () => ({ path: `/agencies/${AGENCY}`, method: 'PUT', body: agencyRecord }),
  'GET /procedures': same({ path: '/procedures' }),
  'GET /procedures/{code}': same({ path: `/procedures/${PROCEDURE}` }),
  'GET /procedures/{code}/versions': same({ path: `/procedures/${PROCEDURE}/versions` }),
  'PUT /procedures/{code}': same({ path: `/procedures/${PROCEDURE}`, method: 'PUT', body: TEST_PROCEDURE }),
  'GET /calendar/{year}': same({ path: '/calendar/2026' }),
  'PUT /calendar/{year}': () => ({ path: '/calendar/2026', method: 'PUT', body: calendar2026 }),
  'POST /catalog/imports': () => ({
    path: '/catalog/imports',
    body: { kind: 'agencies', format: 'json', content: JSON.stringify([agencyRecord]) },
  }),
  'GET /catalog/exports/{kind}': same({ path: '/catalog/exports/agencies' }),

  'POST /dossiers': (caller) => {
    const headers = { 'idempotency-key': key() };
    // Citizens submit under their own ID number: for another citizen, the owner's dossier is not theirs to file.
    if (caller === 'owner' || caller === 'citizen' || caller === 'anonymous' || caller === 'portal') {
      return { path: '/dossiers', body: onlineSubmission(), headers };
    }
    return { path: '/dossiers', body: counterSubmission(), headers };
  },
  'GET /dossiers/{code}': () => ({ path: `/dossiers/${fx.dossier}` }),
  'GET /me/dossiers': same({ path: '/me/dossiers' }),
  'GET /agencies/{code}/dossiers': () => ({ path: `/agencies/${AGENCY}/dossiers` }),
  'GET /agencies/{code}/dossiers/counts': () => ({ path: `/agencies/${AGENCY}/dossiers/counts` }),
  'GET /public/dossiers/{code}': () => ({ path: `/public/dossiers/${fx.dossier}?idNumber=${OWNER}` }),
  'POST /dossiers/{code}/actions': (caller) => {
    const code = caller === 'leader' ? fx.fresh['act-leader']! : fx.fresh['act-officer']!;
    return { path: `/dossiers/${code}/actions`, body: { type: 'receive' }, headers: { 'if-match': '"1"' } };
  },
  'POST /dossiers/{code}/supplement': () => ({
    path: `/dossiers/${fx.fresh.supplement}/supplement`,
    body: { formData: { hoTen: `${OWNER_NAME} (bổ sung)` }, note: 'Đã bổ sung' },
  }),
  'POST /dossiers/{code}/withdraw': () => ({
    path: `/dossiers/${fx.fresh.withdraw}/withdraw`,
    body: { reason: 'Tôi không còn nhu cầu' },
  }),
  'POST /dossiers/{code}/feedback': () => ({
    path: `/dossiers/${fx.returned}/feedback`,
    body: { rating: 'satisfied', comment: 'Nhanh chóng' },
  }),
  'GET /dossiers/{code}/slips/{kind}': () => ({ path: `/dossiers/${fx.dossier}/slips/control-sheet` }),
  'GET /agencies/{code}/desk': () => ({ path: `/agencies/${AGENCY}/desk` }),
  'GET /agencies/{code}/tracking-book': () => ({
    path: `/agencies/${AGENCY}/tracking-book?from=${localToday()}&to=${localToday()}&format=csv`,
  }),
  'GET /dev/post/shipments': same({ path: '/dev/post/shipments' }),
  'POST /dev/post/shipments/{trackingNumber}': same({
    path: '/dev/post/shipments/VN000000000VN',
    body: { status: 'delivered' },
  }),

  'POST /documents': (caller) => {
    const pdf = PDF('cell');
    const file = {
      fileName: 'so-hoa.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    };
    // Citizens upload into their own store; officials digitize into the owner's, for the owner's dossier.
    if (caller === 'owner') return { path: '/documents', body: file };
    return {
      path: '/documents',
      body: { ...file, digitized: true, onBehalfOf: OWNER, dossierCode: fx.dossier },
    };
  },
  'POST /documents/{id}/complete': () => ({ path: `/documents/${fx.pendingUpload}/complete`, method: 'POST' }),
  'GET /documents/{id}': () => ({ path: `/documents/${fx.document}` }),
  'GET /documents/{id}/content': () => ({ path: `/documents/${fx.document}/content` }),
  'GET /documents/{id}/accesses': () => ({ path: `/documents/${fx.document}/accesses` }),
  'GET /me/documents': same({ path: '/me/documents' }),
  'GET /results/{dossierCode}/verify': () => ({ path: `/results/${fx.returned}/verify` }),

  'POST /payments': () => ({
    path: '/payments',
    body: { dossierCode: fx.fresh.pay, gateway: 'sandbox' },
    headers: { 'idempotency-key': key() },
  }),
  'GET /payments/{paymentId}': () => ({ path: `/payments/${fx.payment}` }),
  'GET /payments/{paymentId}/receipt': () => ({ path: `/payments/${fx.payment}/receipt` }),
  'POST /dossiers/{code}/payments/counter': (caller) => {
    const code = caller === 'leader' ? fx.fresh['counter-leader']! : fx.fresh['counter-officer']!;
    return {
      path: `/dossiers/${code}/payments/counter`,
      body: { amount: FEE, method: 'cash' },
      headers: { 'if-match': '"1"', 'idempotency-key': key() },
    };
  },
  'GET /dossiers/{code}/payments': () => ({ path: `/dossiers/${fx.dossier}/payments` }),
  'GET /payments/{paymentId}/callbacks': () => ({ path: `/payments/${fx.payment}/callbacks` }),
  'GET /payments/vnpay/ipn': (caller) => {
    const p = caller === 'gateway' ? fx.vnpay : fx.vnpayRefused;
    const query = vnpayQuery(vnpayIpnParams(p.txnRef, p.amount, VNPAY.tmnCode), VNPAY.hashSecret);
    // Anyone but the gateway: the same call, without VNPay's secret (a forged hash).
    const sent =
      caller === 'gateway' ? query : query.replace(/vnp_SecureHash=[0-9a-f]+/, `vnp_SecureHash=${'0'.repeat(128)}`);
    return { path: `/payments/vnpay/ipn?${sent}` };
  },
  'GET /payments/vnpay/return': () => {
    const query = vnpayQuery(vnpayIpnParams(fx.vnpay.txnRef, fx.vnpay.amount, VNPAY.tmnCode), VNPAY.hashSecret);
    return { path: `/payments/vnpay/return?${query}` };
  },
  'POST /payments/momo/ipn': (caller) => ({
    path: '/payments/momo/ipn',
    body: caller === 'gateway' ? momoIpnBody(fx.momo, true) : momoIpnBody(fx.momoRefused, false),
  }),
  'GET /payments/momo/return': () => ({
    path: `/payments/momo/return?${new URLSearchParams(
      Object.entries(momoIpnBody(fx.momo, true)).map(([k, v]): [string, string] => [k, String(v)]),
    )}`,
  }),
  'POST /payments/paygov/bills': (caller) => ({
    path: '/payments/paygov/bills',
    body: paygovLookupBody(fx.paygovLookup, caller === 'gateway' ? PAYGOV.key : 'not-the-key'),
  }),
  'POST /payments/paygov/confirm': (caller) => ({
    path: '/payments/paygov/confirm',
    body: paygovConfirmBody(
      fx.paygovConfirm.lookupCode,
      fx.paygovConfirm.txnRef,
      caller === 'gateway' ? PAYGOV.key : 'not-the-key',
    ),
  }),
  'GET /payments/reconciliation': () => ({ path: `/payments/reconciliation?date=${localToday()}` }),
  'GET /dev/gateway/': same({ path: '/dev/gateway/' }),
  'GET /dev/gateway/checkout': () => ({ path: fx.sandboxCheckout }),
  'POST /dev/gateway/checkout': () => ({ path: fx.sandboxCheckout, body: { choice: 'cancel' } }),

  'GET /notifications/templates': same({ path: '/notifications/templates' }),
  'GET /notifications/templates/{id}/preview': () => ({
    path: `/notifications/templates/${encodeURIComponent(fx.templateId)}/preview`,
  }),
  'PUT /notifications/officials/{sub}': same({
    path: '/notifications/officials/officer-1',
    method: 'PUT',
    body: { agencyCode: AGENCY, name: 'Nguyễn Văn An', email: 'an@example.vn' },
  }),
  'GET /notifications/officials': same({ path: `/notifications/officials?agencyCode=${AGENCY}` }),
  'GET /dossiers/{code}/notifications': () => ({ path: `/dossiers/${fx.dossier}/notifications` }),
  'GET /dev/outbox': same({ path: '/dev/outbox' }),
  'GET /dev/outbox/failures': same({ path: '/dev/outbox/failures' }),
  'POST /dev/outbox/failures': same({
    path: '/dev/outbox/failures',
    body: { channel: 'zalo', mode: 'temporary', count: 1 },
  }),
  'DELETE /dev/outbox/failures': same({ path: '/dev/outbox/failures', method: 'DELETE' }),

  'GET /reports/dossiers': same({ path: `/reports/dossiers?from=${MONTH}&to=${MONTH}&agencyCode=${AGENCY}` }),
  'GET /reports/index': same({ path: `/reports/index?from=${MONTH}&to=${MONTH}&agencyCode=${AGENCY}` }),
  'GET /public/reports/index': same({ path: `/public/reports/index?from=${MONTH}&to=${MONTH}` }),
  'GET /sync/status': () => ({ path: `/sync/status?code=${fx.dossier}` }),
  'GET /sync/failures': same({ path: '/sync/failures' }),
  'POST /sync/resyncs': same({
    path: '/sync/resyncs',
    body: { scope: 'all', agencyCode: AGENCY, reason: 'Kiểm tra phân quyền: đồng bộ lại' },
  }),
  'GET /sync/resyncs/{id}': () => ({ path: `/sync/resyncs/${fx.resync}` }),

  'POST /portal/dvcqg/dossiers': () => ({ path: '/portal/dvcqg/dossiers', body: fx.intakeRecord }),
  'POST /portal/dvcqg/supplements': () => ({
    path: '/portal/dvcqg/supplements',
    body: {
      service: 'BoSungHoSoTuDVCQG',
      MaHoSo: `G22.00000000.${randomUUID().slice(0, 8)}`,
      HoSoBoSungId: `BS-${randomUUID().slice(0, 8)}`,
      TrangThaiBoSung: '1',
      DanhSachGiayToBoSung: [],
    },
  }),
  'GET /portal/forwarded': same({ path: '/portal/forwarded' }),
  'GET /portal/forwarded/{nationalId}': () => ({ path: `/portal/forwarded/${encodeURIComponent(fx.heldForward)}` }),
  'POST /portal/forwarded/{nationalId}/retry': (caller) => ({
    path: `/portal/forwarded/${encodeURIComponent(fx.heldForRetry[caller] ?? fx.heldForward)}/retry`,
    body: {},
  }),
  'POST /portal/forwarded/{nationalId}/reject': (caller) => ({
    path: `/portal/forwarded/${encodeURIComponent(fx.heldForReject[caller] ?? fx.heldForward)}/reject`,
    body: { reason: 'Thủ tục không thuộc thẩm quyền của tỉnh' },
  }),
  'PUT /portal/mappings/{procedureCode}': same({
    path: `/portal/mappings/${PROCEDURE}`,
    method: 'PUT',
    body: { nationalCode: PROCEDURE },
  }),
  'GET /portal/mappings': same({ path: '/portal/mappings' }),
  'GET /portal/national-catalog/unmapped': same({ path: '/portal/national-catalog/unmapped' }),
  'GET /portal/national-catalog/agencies': same({ path: '/portal/national-catalog/agencies' }),
  'POST /portal/national-catalog/pull': same({ path: '/portal/national-catalog/pull', body: {} }),
};

const localToday = (): string => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

/** The handling agency as the seed has it: putting it again changes nothing. */
let agencyRecord: Record<string, unknown> = {};
let calendar2026: Record<string, unknown> = {};

// ---------------------------------------------------------------------------------------------------------
// Reading an answer

/** The class an answer belongs to, in the terms of the matrix; the status itself when it fits none. */
function classOf(row: AccessRow, res: FetchResult): string {
  const { status } = res;
  if (row.path.startsWith('/dev/')) return status !== 401 && status !== 403 && status < 500 ? 'dev' : String(status);
  if (row.auth === 'webhook' && row.path.startsWith('/payments/')) {
    if (row.path === '/payments/momo/ipn') return status === 204 ? 'momo-204' : String(status);
    const code = res.json?.RspCode ?? res.json?.error_code;
    if (status === 200 && code === '97') return '97';
    if (status === 200 && (code === '00' || code === '0')) return '2xx';
    return `${status} ${String(code)}`;
  }
  if (status === 302) return '302';
  if (status >= 200 && status < 300) return '2xx';
  return String(status);
}

/** The answer a cell must get now: the documented one, or today's while its fix is pending elsewhere. */
const expectedNow = (row: AccessRow, caller: Caller): Answer => row.pending?.[caller]?.today ?? row.cells[caller];

function matches(row: AccessRow, expected: Answer, actual: string): boolean {
  // MoMo answers 204 to every IPN it took in; which of them were applied is checked on the payments below.
  if (row.path === '/payments/momo/ipn') return actual === 'momo-204';
  return actual === expected;
}

/**
 * Reads run at once, a few at a time. A row that changes something runs its refusals first, at once (they must
 * change nothing, and they meet the resource as the request expects it, e.g. If-Match), then its successes one
 * after the other (some share a resource).
 */
async function runRow(row: AccessRow): Promise<Record<Caller, { actual: string; res: FetchResult }>> {
  const builder = REQUESTS[rowKey(row)];
  if (!builder) throw new Error(`no request for ${rowKey(row)}: add one to REQUESTS`);
  const results = {} as Record<Caller, { actual: string; res: FetchResult }>;
  const runCell = async (caller: Caller) => {
    const res = await send(caller, builder(caller));
    results[caller] = { actual: classOf(row, res), res };
  };
  const inBatches = async (callers: Caller[]) => {
    for (let i = 0; i < callers.length; i += 6) await Promise.all(callers.slice(i, i + 6).map(runCell));
  };
  if (row.method === 'GET' || row.path.startsWith('/dev/')) {
    await inBatches([...CALLERS]);
    return results;
  }
  const succeeds = (caller: Caller) => ['2xx', '302'].includes(expectedNow(row, caller));
  await inBatches(CALLERS.filter((caller) => !succeeds(caller)));
  for (const caller of CALLERS.filter(succeeds)) await runCell(caller);
  return results;
}

describe('the access matrix of docs/security.md', () => {
  beforeAll(async () => {
    const agencies = await ok(cloud.fetch('/agencies'), 'agencies');
    const items = (agencies.json.items ?? agencies.json) as Record<string, unknown>[];
    agencyRecord = items.find((a) => a.code === AGENCY)!;
    const { code: _code, ...rest } = agencyRecord;
    agencyRecord = { code: AGENCY, ...rest };
  });

  test('every route of the served contract has a row, and every row a request', async () => {
    const contract = await cloud.fetch('/openapi.json');
    const served = Object.entries(contract.json.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const rows = new Set(ACCESS_MATRIX.map(rowKey));
    expect(served.filter((route) => !rows.has(route))).toEqual([]);
    expect([...rows].filter((route) => !(route in REQUESTS))).toEqual([]);
  });

  for (const row of ACCESS_MATRIX) {
    test(rowKey(row), async () => {
      const results = await runRow(row);
      const wrong = CALLERS.filter((caller) => !matches(row, expectedNow(row, caller), results[caller].actual)).map(
        (caller) =>
          `${caller}: expected ${expectedNow(row, caller)}, got ${results[caller].actual} ${results[caller].res.text.slice(0, 300)}`,
      );
      expect(wrong, `${rowKey(row)}\n${wrong.join('\n')}`).toEqual([]);
    });
  }

  test('a fee recorded at the counter is not replayed to a caller who could not have recorded it', async () => {
    const code = fx.fresh['counter-replay']!;
    const request = (caller: Caller, headers: Record<string, string>) =>
      send(caller, { path: `/dossiers/${code}/payments/counter`, body: { amount: FEE, method: 'cash' }, headers });
    // The default key is the version (no Idempotency-Key): anyone could guess it.
    const recorded = await request('officer', { 'if-match': '"1"' });
    expect(recorded.status, recorded.text).toBe(201);
    const replayKey = { 'if-match': '"1"' };
    expect((await request('otherOfficer', replayKey)).status).toBe(404);
    expect((await request('admin', replayKey)).status).toBe(403);
    expect((await request('parentLeader', replayKey)).status).toBe(403);
    const again = await request('officer', replayKey);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  test("MoMo: the gateway's signed IPN was applied, the unsigned ones were not", async () => {
    await cloud.settle(SETTLE_MS);
    const refused = await ok(
      cloud.fetch(`/payments/${fx.momoRefused.paymentId}`, { token: tokenOf('owner') }),
      'the refused payment',
    );
    expect(refused.json.status).toBe('pending');
    const paid = await cloud.fetch(`/dossiers/${fx.fresh.momo}/payments`, { token: tokenOf('owner') });
    expect(paid.json.items.map((p: { status: string }) => p.status)).toContain('paid');
  });
});
