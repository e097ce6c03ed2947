/**
 * Who may call what (issue #18, "access exactly as documented"): for every route of the topology (the served
 * contract /openapi.json, plus the local-only /dev/ routes), the answer class each kind of caller gets for a
 * request that would otherwise be valid for that caller. This module is data only; from it
 * - docs/security.md's table is generated (`npm run docs:access`) and checked (test/unit/access-matrix.test.ts);
 * - test/e2e/access-matrix.test.ts sends every cell over HTTP to a local cloud, with real tokens and real
 *   resources, and compares the answer.
 */

/** The kinds of caller, in the table's column order. */
export const CALLERS = [
  'anonymous',
  'owner',
  'citizen',
  'officer',
  'otherOfficer',
  'leader',
  'parentLeader',
  'admin',
  'foreign',
  'portal',
  'gateway',
] as const;
export type Caller = (typeof CALLERS)[number];

/** Column headers and what each kind of caller is, for the document. */
export const CALLER_DESCRIPTIONS: Record<Caller, { column: string; description: string }> = {
  anonymous: { column: 'anon', description: 'no token at all' },
  owner: {
    column: 'owner',
    description: 'a citizen (VNeID token) who owns the resource: the applicant of the dossier, the payer, the uploader',
  },
  citizen: { column: 'citizen', description: 'another citizen, with a valid token of their own' },
  officer: {
    column: 'officer',
    description: 'an officer of the agency handling the dossier (`000.00.15.H19`, Sở Tư pháp)',
  },
  otherOfficer: {
    column: 'other agency',
    description: 'an officer of another agency of the province (`000.00.11.H19`, Công an tỉnh)',
  },
  leader: { column: 'leader', description: 'a leader of the handling agency' },
  parentLeader: {
    column: 'parent leader',
    description:
      "a leader of the handling agency's parent agency (`000.00.00.H19`, the provincial People's Committee; " +
      'in scope by the default `access.leaders: agency-and-children`)',
  },
  admin: { column: 'admin', description: "the province's administrator (an admin token with no agency)" },
  foreign: {
    column: 'other province',
    description:
      'an official whose agency is not of this province (`000.00.15.H34`), even with every role: officer, leader and admin',
  },
  portal: {
    column: 'DVCQG',
    description: "the national portal's machine credential (`Authorization: Bearer <the province's intake key>`)",
  },
  gateway: {
    column: 'gateway',
    description: 'a payment gateway (VNPay, MoMo, the national payment platform): no token, its own signature',
  },
};

/**
 * The answer classes:
 * - `2xx` served; `302` served as a redirect (a download's presigned URL);
 * - `401` not authenticated (no token, a token the route does not accept, another issuer's token);
 * - `403` authenticated, not allowed (the role, or a resource the caller may see but not act on);
 * - `404` not found — also for what exists but is not the caller's: no existence probing;
 * - `97` refused in the payment protocol's own terms (HTTP 200 with code 97 for VNPay and the national payment
 *   platform; MoMo's 204 with nothing applied): a call without the gateway's valid signature changes nothing;
 * - `dev` local only: served to anyone without a token on a developer's machine, 404 with `--no-dev`
 *   (LOCAL_DEV_ROUTES=off), never deployed.
 */
export type Answer = '2xx' | '302' | '401' | '403' | '404' | '97' | 'dev';

export type Auth = 'public' | 'webhook' | 'citizen' | 'official' | 'user';

export interface AccessRow {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** As declared in the topology (checked by the unit test). */
  auth: Auth;
  /** Who may, in words (the resource rule the handler applies). */
  rule: string;
  cells: Record<Caller, Answer>;
  /**
   * Cells that answer otherwise today, and whose fix belongs to someone else's files: the e2e test expects the
   * `today` answer (so that the fix, once made, fails it and this entry is removed), the table marks the cell.
   */
  pending?: Partial<Record<Caller, { today: Answer; fix: string }>>;
}

export const rowKey = (row: Pick<AccessRow, 'method' | 'path'>): string => `${row.method} ${row.path}`;

const CITIZENS: readonly Caller[] = ['owner', 'citizen'];
const OFFICIALS: readonly Caller[] = ['officer', 'otherOfficer', 'leader', 'parentLeader', 'admin', 'foreign'];
const TOKENLESS: readonly Caller[] = ['anonymous', 'portal', 'gateway'];

/** Which callers' credentials the API gateway lets through to the handler on a route of this auth. */
function passesGateway(auth: Auth, caller: Caller): boolean {
  if (auth === 'public' || auth === 'webhook') return true;
  if (TOKENLESS.includes(caller)) return false;
  if (auth === 'citizen') return CITIZENS.includes(caller);
  if (auth === 'official') return OFFICIALS.includes(caller);
  return true;
}

/**
 * A row's cells: 401 for every caller the gateway turns away, then `given` per caller, else `otherwise`.
 * Refusing at the gateway is not configurable per row: the auth decides it, as on AWS.
 */
function cells(auth: Auth, given: Partial<Record<Caller, Answer>>, otherwise: Answer): Record<Caller, Answer> {
  return Object.fromEntries(
    CALLERS.map((caller) => [caller, passesGateway(auth, caller) ? (given[caller] ?? otherwise) : '401']),
  ) as Record<Caller, Answer>;
}

const everyone = (answer: Answer): Record<Caller, Answer> =>
  Object.fromEntries(CALLERS.map((caller) => [caller, answer])) as Record<Caller, Answer>;

function row(
  method: AccessRow['method'],
  path: string,
  auth: Auth,
  rule: string,
  answers: Record<Caller, Answer>,
  pending?: AccessRow['pending'],
): AccessRow {
  return { method, path, auth, rule, cells: answers, ...(pending ? { pending } : {}) };
}

const publicRow = (method: AccessRow['method'], path: string, rule = 'anyone') =>
  row(method, path, 'public', rule, everyone('2xx'));

const devRow = (method: AccessRow['method'], path: string) =>
  row(method, path, 'public', 'local only (`/dev/`): anyone; off with `--no-dev`; never deployed', everyone('dev'));

/** Admin-only routes: the province's admin; every other authenticated caller 403. */
const adminRow = (method: AccessRow['method'], path: string, auth: 'user' | 'official', rule = 'admins') =>
  row(method, path, auth, rule, cells(auth, { admin: '2xx' }, '403'));

/** A dossier and what hangs off it, read: its owner, the officials in scope of an agency on it, admins. */
const dossierRead = (
  method: AccessRow['method'],
  path: string,
  rule: string,
  answer: '2xx' | '302' = '2xx',
  pending?: AccessRow['pending'],
) =>
  row(
    method,
    path,
    'user',
    rule,
    cells('user', { owner: answer, officer: answer, leader: answer, parentLeader: answer, admin: answer }, '404'),
    pending,
  );

/** An agency's lists, read: its officers, its leaders and those of the agencies above it, admins. */
const agencyRead = (method: AccessRow['method'], path: string, auth: 'user' | 'official', rule: string) =>
  row(
    method,
    path,
    auth,
    rule,
    cells(auth, { officer: '2xx', leader: '2xx', parentLeader: '2xx', admin: '2xx' }, '403'),
  );

const PORTAL_SCOPE_FIX =
  'functions/portal/use-cases/officials.ts `maySee` (then async): leaders, and admins with an agency, also see ' +
  'forwards addressed to an agency below theirs — `mayOversee(identity, [f.agencyCode ?? f.record.DonViXuLy])` ' +
  'from #platform/agency-scope.ts instead of comparing `identity.agencyCode` with that agency';
const PORTAL_ACT_FIX =
  `${PORTAL_SCOPE_FIX}; retry and reject keep the own-agency comparison (or admin) and answer 403 to a caller ` +
  'who may see the forward but not act on it';

export const ACCESS_MATRIX: readonly AccessRow[] = [
  // platform
  publicRow('GET', '/health'),
  publicRow('GET', '/openapi.json'),
  publicRow('GET', '/docs'),
  publicRow('GET', '/docs/{asset}'),

  // catalog
  publicRow('GET', '/agencies'),
  adminRow('PUT', '/agencies/{code}', 'user'),
  publicRow('GET', '/procedures'),
  publicRow('GET', '/procedures/{code}'),
  adminRow('GET', '/procedures/{code}/versions', 'user'),
  adminRow('PUT', '/procedures/{code}', 'user'),
  publicRow('GET', '/calendar/{year}'),
  adminRow('PUT', '/calendar/{year}', 'user'),
  adminRow('POST', '/catalog/imports', 'user'),
  adminRow('GET', '/catalog/exports/{kind}', 'user'),

  // dossiers
  row(
    'POST',
    '/dossiers',
    'user',
    'a citizen under their own ID number; an officer or leader at their own desk (counter or post intake, for ' +
      'any agency of the province); not admins',
    cells(
      'user',
      { owner: '2xx', officer: '2xx', otherOfficer: '2xx', leader: '2xx', parentLeader: '2xx', citizen: '403' },
      '403',
    ),
  ),
  dossierRead('GET', '/dossiers/{code}', 'the applicant; officials in scope of an agency on the dossier; admins'),
  row('GET', '/me/dossiers', 'citizen', "the citizen's own", cells('citizen', {}, '2xx')),
  agencyRead(
    'GET',
    '/agencies/{code}/dossiers',
    'official',
    "the agency's officers; leaders of the agency or an agency above it; admins",
  ),
  agencyRead('GET', '/agencies/{code}/dossiers/counts', 'official', 'as the agency’s dossiers'),
  publicRow('GET', '/public/dossiers/{code}', 'anyone with the code and the applicant’s ID number (else 404)'),
  row(
    'POST',
    '/dossiers/{code}/actions',
    'official',
    'officers and leaders of the agency holding the dossier (what the transition table lets their role do); ' +
      'others who may see it 403',
    cells('official', { officer: '2xx', leader: '2xx', parentLeader: '403', admin: '403', foreign: '403' }, '404'),
  ),
  row('POST', '/dossiers/{code}/supplement', 'citizen', 'the applicant', cells('citizen', { owner: '2xx' }, '404')),
  row('POST', '/dossiers/{code}/withdraw', 'citizen', 'the applicant', cells('citizen', { owner: '2xx' }, '404')),
  row('POST', '/dossiers/{code}/feedback', 'citizen', 'the applicant', cells('citizen', { owner: '2xx' }, '404')),
  dossierRead('GET', '/dossiers/{code}/slips/{kind}', 'as the dossier'),
  agencyRead('GET', '/agencies/{code}/desk', 'official', 'as the agency’s dossiers'),
  agencyRead('GET', '/agencies/{code}/tracking-book', 'official', 'as the agency’s dossiers'),
  devRow('GET', '/dev/post/shipments'),
  devRow('POST', '/dev/post/shipments/{trackingNumber}'),

  // documents
  row(
    'POST',
    '/documents',
    'user',
    'a citizen into their own store; an officer or leader for their agency, or — `digitized` with `onBehalfOf` ' +
      "and `dossierCode` — into the applicant's store for a dossier their agency is on (without `dossierCode` " +
      'the scan reaches the store only once a dossier of their agency carries it); not admins',
    cells('user', { owner: '2xx', officer: '2xx', leader: '2xx' }, '403'),
  ),
  row(
    'POST',
    '/documents/{id}/complete',
    'user',
    'whoever opened the upload',
    cells('user', { owner: '2xx', admin: '403', foreign: '403' }, '404'),
  ),
  row(
    'GET',
    '/documents/{id}',
    'user',
    'its owner (citizen or agency); officials in scope of an agency of a dossier carrying it; not admins',
    cells(
      'user',
      { owner: '2xx', officer: '2xx', leader: '2xx', parentLeader: '2xx', admin: '403', foreign: '403' },
      '404',
    ),
  ),
  row(
    'GET',
    '/documents/{id}/content',
    'user',
    'as the document (a presigned URL for 5 minutes)',
    cells(
      'user',
      { owner: '302', officer: '302', leader: '302', parentLeader: '302', admin: '403', foreign: '403' },
      '404',
    ),
  ),
  row(
    'GET',
    '/documents/{id}/accesses',
    'user',
    'its owner; those who may read it but do not own it 403',
    cells(
      'user',
      { owner: '2xx', officer: '403', leader: '403', parentLeader: '403', admin: '403', foreign: '403' },
      '404',
    ),
  ),
  row('GET', '/me/documents', 'citizen', "the citizen's own store", cells('citizen', {}, '2xx')),
  publicRow('GET', '/results/{dossierCode}/verify'),

  // payments
  row(
    'POST',
    '/payments',
    'user',
    'the applicant of the dossier',
    cells('user', { owner: '2xx', citizen: '404' }, '403'),
  ),
  dossierRead('GET', '/payments/{paymentId}', 'the payer; officials in scope of an agency on the dossier; admins'),
  dossierRead('GET', '/payments/{paymentId}/receipt', 'as the payment'),
  row(
    'POST',
    '/dossiers/{code}/payments/counter',
    'user',
    'officers and leaders of an agency or desk on the dossier; others who may see it 403',
    cells('user', { officer: '2xx', leader: '2xx', otherOfficer: '404' }, '403'),
  ),
  dossierRead('GET', '/dossiers/{code}/payments', 'as the dossier'),
  adminRow('GET', '/payments/{paymentId}/callbacks', 'user'),
  row('GET', '/payments/vnpay/ipn', 'webhook', 'VNPay, signed', cells('webhook', { gateway: '2xx' }, '97')),
  publicRow('GET', '/payments/vnpay/return', 'anyone (the payer’s browser; shows, changes nothing)'),
  row('POST', '/payments/momo/ipn', 'webhook', 'MoMo, signed', cells('webhook', { gateway: '2xx' }, '97')),
  publicRow('GET', '/payments/momo/return', 'anyone (the payer’s browser; shows, changes nothing)'),
  row(
    'POST',
    '/payments/paygov/bills',
    'webhook',
    'the national payment platform, signed',
    cells('webhook', { gateway: '2xx' }, '97'),
  ),
  row(
    'POST',
    '/payments/paygov/confirm',
    'webhook',
    'the national payment platform, signed',
    cells('webhook', { gateway: '2xx' }, '97'),
  ),
  adminRow('GET', '/payments/reconciliation', 'user'),
  devRow('GET', '/dev/gateway/'),
  devRow('GET', '/dev/gateway/checkout'),
  devRow('POST', '/dev/gateway/checkout'),

  // notifications
  adminRow('GET', '/notifications/templates', 'user'),
  adminRow('GET', '/notifications/templates/{id}/preview', 'user'),
  adminRow('PUT', '/notifications/officials/{sub}', 'user'),
  adminRow('GET', '/notifications/officials', 'user'),
  row(
    'GET',
    '/dossiers/{code}/notifications',
    'user',
    'officials in scope of an agency on the dossier; admins (citizens 403: officials only)',
    cells('user', { officer: '2xx', leader: '2xx', parentLeader: '2xx', admin: '2xx', otherOfficer: '404' }, '403'),
  ),
  devRow('GET', '/dev/outbox'),
  devRow('GET', '/dev/outbox/failures'),
  devRow('POST', '/dev/outbox/failures'),
  devRow('DELETE', '/dev/outbox/failures'),

  // reporting
  agencyRead(
    'GET',
    '/reports/dossiers',
    'user',
    "officers their own agency's figures; leaders their agency and those below it; admins any",
  ),
  agencyRead('GET', '/reports/index', 'user', 'as the dossier report'),
  publicRow('GET', '/public/reports/index'),
  row(
    'GET',
    '/sync/status',
    'user',
    'officials in scope of an agency on the dossier; admins',
    cells('user', { officer: '2xx', leader: '2xx', parentLeader: '2xx', admin: '2xx', otherOfficer: '404' }, '403'),
  ),
  adminRow('GET', '/sync/failures', 'user'),
  adminRow('POST', '/sync/resyncs', 'user', "the province's admin (an admin of no agency)"),
  adminRow('GET', '/sync/resyncs/{id}', 'user', "the province's admin"),

  // portal
  row(
    'POST',
    '/portal/dvcqg/dossiers',
    'webhook',
    'the national portal, with the intake key',
    cells('webhook', { portal: '2xx' }, '401'),
  ),
  row(
    'POST',
    '/portal/dvcqg/supplements',
    'webhook',
    'the national portal, with the intake key',
    cells('webhook', { portal: '2xx' }, '401'),
  ),
  row(
    'GET',
    '/portal/forwarded',
    'official',
    'officials (each sees the forwards of their scope); admins every one',
    cells('official', { foreign: '403' }, '2xx'),
  ),
  row(
    'GET',
    '/portal/forwarded/{nationalId}',
    'official',
    'officials in scope of the agency it is addressed to; admins',
    cells('official', { officer: '2xx', leader: '2xx', parentLeader: '2xx', admin: '2xx', foreign: '403' }, '404'),
    { parentLeader: { today: '404', fix: PORTAL_SCOPE_FIX } },
  ),
  row(
    'POST',
    '/portal/forwarded/{nationalId}/retry',
    'official',
    'officials of the agency it is addressed to; admins; others who may see it 403',
    cells('official', { officer: '2xx', leader: '2xx', parentLeader: '403', admin: '2xx', foreign: '403' }, '404'),
    { parentLeader: { today: '404', fix: PORTAL_ACT_FIX } },
  ),
  row(
    'POST',
    '/portal/forwarded/{nationalId}/reject',
    'official',
    'as retry',
    cells('official', { officer: '2xx', leader: '2xx', parentLeader: '403', admin: '2xx', foreign: '403' }, '404'),
    { parentLeader: { today: '404', fix: PORTAL_ACT_FIX } },
  ),
  adminRow('PUT', '/portal/mappings/{procedureCode}', 'official'),
  adminRow('GET', '/portal/mappings', 'official'),
  adminRow('GET', '/portal/national-catalog/unmapped', 'official'),
  adminRow('GET', '/portal/national-catalog/agencies', 'official'),
  adminRow('POST', '/portal/national-catalog/pull', 'official'),
];

// ---------------------------------------------------------------------------------------------------------
// The table in docs/security.md

export const ACCESS_TABLE_BEGIN =
  '<!-- access-matrix:begin (generated by `npm run docs:access` from test/support/access-matrix.ts; do not edit) -->';
export const ACCESS_TABLE_END = '<!-- access-matrix:end -->';

const mark = (row: AccessRow, caller: Caller): string => {
  const answer = row.cells[caller];
  return row.pending?.[caller] ? `${answer}†` : answer;
};

/** The markdown table: one row per route, one column per kind of caller, then the pending cells. */
export function accessTableMarkdown(matrix: readonly AccessRow[] = ACCESS_MATRIX): string {
  const header = `| route | who may | ${CALLERS.map((c) => CALLER_DESCRIPTIONS[c].column).join(' | ')} |`;
  const rule = `|---|---|${CALLERS.map(() => '---').join('|')}|`;
  const lines = matrix.map(
    (r) =>
      `| \`${r.method} ${r.path}\` | ${r.rule.replaceAll('|', '\\|')} | ${CALLERS.map((c) => mark(r, c)).join(' | ')} |`,
  );
  const pending = matrix.flatMap((r) =>
    CALLERS.flatMap((c) => {
      const p = r.pending?.[c];
      return p ? [`- † \`${rowKey(r)}\`, ${CALLER_DESCRIPTIONS[c].column}: ${p.today} today; fix: ${p.fix}.`] : [];
    }),
  );
  const size = `${matrix.length} routes × ${CALLERS.length} kinds of caller = ${matrix.length * CALLERS.length} cells.`;
  return [header, rule, ...lines, '', size, ...(pending.length > 0 ? ['', ...pending] : [])].join('\n');
}

/** `doc` with the block between the markers replaced by `table`. */
export function withAccessTable(doc: string, table: string): string {
  const begin = doc.indexOf(ACCESS_TABLE_BEGIN);
  const end = doc.indexOf(ACCESS_TABLE_END);
  if (begin < 0 || end < begin) throw new Error('docs/security.md has no access-matrix markers');
  return `${doc.slice(0, begin + ACCESS_TABLE_BEGIN.length)}\n${table}\n${doc.slice(end)}`;
}

/** The block between the markers, as written in the document. */
export function accessTableIn(doc: string): string | undefined {
  const begin = doc.indexOf(ACCESS_TABLE_BEGIN);
  const end = doc.indexOf(ACCESS_TABLE_END);
  if (begin < 0 || end < begin) return undefined;
  return doc.slice(begin + ACCESS_TABLE_BEGIN.length, end).trim();
}
