/**
 * The dossiers context's declaration: one table (dossiers, daily code counters, read models of the catalog
 * and of verified documents, idempotency/inbox/outbox records), the citizens' and officials' routes, and the
 * consumers of catalog, documents and payments events.
 */
import type { ConsumerDecl, ContextTopology, FunctionDecl, RouteDecl } from '#topology/types.ts';
import {
  agencyDossiersParamsSchema,
  agencyDossiersQuerySchema,
  agencyStatusCountsSchema,
  deskDayQuerySchema,
  deskDaySchema,
  dossierPageSchema,
  dossierParamsSchema,
  dossierViewSchema,
  feedbackBodySchema,
  ifMatchHeadersSchema,
  myDossiersQuerySchema,
  officialActionSchema,
  publicStatusQuerySchema,
  publicStatusSchema,
  settleShipmentBodySchema,
  shipmentParamsSchema,
  slipParamsSchema,
  submitBodySchema,
  submitHeadersSchema,
  supplementBodySchema,
  trackingBookQuerySchema,
  withdrawBodySchema,
} from './api/schemas.ts';
import { DOSSIER_EVENT_TYPES, FORWARDED_SUPPLEMENT_EVENT_TYPES } from './events.ts';

const tags = ['dossiers'];
const OFFICIALS = ['officer', 'leader', 'admin'] as const;

const dossierResponse = {
  200: { description: 'the dossier after the change (ETag: its version)', schema: dossierViewSchema },
};

export const routes = {
  submitDossier: {
    id: 'submitDossier',
    method: 'POST',
    path: '/dossiers',
    function: 'dossiers-submit',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader'],
    summary: 'Submit a dossier online, or register one at a one-stop desk (counter or post)',
    description:
      'Validated against the procedure version in effect: the agency must receive the procedure, the form must pass ' +
      "its schema, and every required document must be one of the applicant's verified documents. Fees are assessed " +
      'now. The same Idempotency-Key with the same body gives the same answer; with another body, 409. ' +
      "An official's token registers on the applicant's behalf: channel in_person or post, receivingAgencyCode (the " +
      "official's own agency, the default; any other is 403), receive: true to receive at once. A citizen sending " +
      'those is 403.',
    tags,
    schemas: {
      headers: submitHeadersSchema,
      body: submitBodySchema,
      responses: { 201: { description: 'the dossier, submitted', schema: dossierViewSchema } },
    },
  },
  getDossier: {
    id: 'getDossier',
    method: 'GET',
    path: '/dossiers/{code}',
    function: 'dossiers-get',
    auth: 'user',
    roles: ['citizen', ...OFFICIALS],
    summary: 'One dossier (its owner, or officials of the handling agency)',
    description: 'Anyone else gets 404, as for an unknown code. ETag: the version (send it as If-Match to act).',
    tags,
    schemas: {
      params: dossierParamsSchema,
      responses: { 200: { description: 'the dossier', schema: dossierViewSchema } },
    },
  },
  listMyDossiers: {
    id: 'listMyDossiers',
    method: 'GET',
    path: '/me/dossiers',
    function: 'dossiers-list-mine',
    auth: 'citizen',
    roles: ['citizen'],
    summary: "The caller's own dossiers, newest first",
    tags,
    schemas: {
      query: myDossiersQuerySchema,
      responses: { 200: { description: 'one page of dossiers', schema: dossierPageSchema } },
    },
  },
  listAgencyDossiers: {
    id: 'listAgencyDossiers',
    method: 'GET',
    // `{code}` like the catalog's `/agencies/{code}`: API Gateway refuses two variable names at one level.
    path: '/agencies/{code}/dossiers',
    function: 'dossiers-list-agency',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: "An agency's work queue, ordered by appointment date",
    description:
      'Officials of that agency only. Without status: every unfinished dossier the agency holds; with status: ' +
      'the dossiers in that status. Dossiers without an appointment date come last.',
    tags,
    schemas: {
      params: agencyDossiersParamsSchema,
      query: agencyDossiersQuerySchema,
      responses: { 200: { description: 'one page of dossiers', schema: dossierPageSchema } },
    },
  },
  countAgencyDossiers: {
    id: 'countAgencyDossiers',
    method: 'GET',
    path: '/agencies/{code}/dossiers/counts',
    // Served beside the lists: the same reads, the same scope.
    function: 'dossiers-list-agency',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: "How many dossiers an agency's queue holds in each status (the whole queue, not a page)",
    description:
      'Who may list the agency’s dossiers may count them. Counters kept in the same transaction as each ' +
      "transition (one Query of the agency's few counter items, whatever its number of dossiers).",
    tags,
    schemas: {
      params: agencyDossiersParamsSchema,
      responses: { 200: { description: 'the counts', schema: agencyStatusCountsSchema } },
    },
  },
  lookUpPublicStatus: {
    id: 'lookUpPublicStatus',
    method: 'GET',
    path: '/public/dossiers/{code}',
    function: 'dossiers-public-status',
    auth: 'public',
    summary: "A dossier's status, for anyone holding its code and the applicant's ID number",
    description: 'Nothing personal. 404 unless the identification number matches (the same 404 as an unknown code).',
    tags,
    schemas: {
      params: dossierParamsSchema,
      query: publicStatusQuerySchema,
      responses: { 200: { description: 'the status', schema: publicStatusSchema } },
    },
  },
  actOnDossier: {
    id: 'actOnDossier',
    method: 'POST',
    path: '/dossiers/{code}/actions',
    function: 'dossiers-act',
    auth: 'official',
    roles: ['officer', 'leader'],
    summary: "An official's lifecycle action (receive, reject, request-supplement, …)",
    description:
      'If-Match: the version the action is based on (428 without it, 412 when stale). An action not allowed in ' +
      'the current status is 409 with allowedActions.',
    tags,
    schemas: {
      params: dossierParamsSchema,
      headers: ifMatchHeadersSchema,
      body: officialActionSchema,
      responses: dossierResponse,
    },
  },
  supplementDossier: {
    id: 'supplementDossier',
    method: 'POST',
    path: '/dossiers/{code}/supplement',
    function: 'dossiers-supplement',
    auth: 'citizen',
    roles: ['citizen'],
    summary: 'Supplement the dossier (owner), after the agency asked for it',
    tags,
    schemas: {
      params: dossierParamsSchema,
      headers: ifMatchHeadersSchema,
      body: supplementBodySchema,
      responses: dossierResponse,
    },
  },
  withdrawDossier: {
    id: 'withdrawDossier',
    method: 'POST',
    path: '/dossiers/{code}/withdraw',
    function: 'dossiers-withdraw',
    auth: 'citizen',
    roles: ['citizen'],
    summary: 'Withdraw the dossier (owner), before it is resolved',
    tags,
    schemas: {
      params: dossierParamsSchema,
      headers: ifMatchHeadersSchema,
      body: withdrawBodySchema,
      responses: dossierResponse,
    },
  },
  giveFeedback: {
    id: 'giveFeedback',
    method: 'POST',
    path: '/dossiers/{code}/feedback',
    function: 'dossiers-feedback',
    auth: 'citizen',
    roles: ['citizen'],
    summary: 'Rate the service (owner), once, after the result was returned',
    tags,
    schemas: {
      params: dossierParamsSchema,
      headers: ifMatchHeadersSchema,
      body: feedbackBodySchema,
      responses: dossierResponse,
    },
  },
  getSlip: {
    id: 'getSlip',
    method: 'GET',
    path: '/dossiers/{code}/slips/{kind}',
    function: 'dossiers-slips',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader', 'admin'],
    summary: 'A slip of the one-stop mechanism (PDF): receipt, supplement request, refusal, apology, control sheet',
    description:
      'For the applicant and officials of the agencies on the dossier (anyone else: 404). Generated the first time ' +
      'and kept with its SHA-256 (header Digest): the same slip asked again is the same document. 409 when the ' +
      'dossier has no such slip (e.g. a refusal for a dossier that was not refused).',
    tags,
    schemas: {
      params: slipParamsSchema,
      responses: { 200: { description: 'the slip', contentType: 'application/pdf' } },
    },
  },
  getDeskDay: {
    id: 'getDeskDay',
    method: 'GET',
    path: '/agencies/{code}/desk',
    function: 'dossiers-desk',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: "The one-stop desk's day: taken in, to collect, waiting; counts per official",
    tags,
    schemas: {
      params: agencyDossiersParamsSchema,
      query: deskDayQuerySchema,
      responses: { 200: { description: 'the day', schema: deskDaySchema } },
    },
  },
  getTrackingBook: {
    id: 'getTrackingBook',
    method: 'GET',
    path: '/agencies/{code}/tracking-book',
    function: 'dossiers-desk',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: "The desk's tracking book (sổ theo dõi hồ sơ, Mẫu 06) for a date range, as CSV or PDF",
    tags,
    schemas: {
      params: agencyDossiersParamsSchema,
      query: trackingBookQuerySchema,
      responses: { 200: { description: 'the book (text/csv or application/pdf)', contentType: 'text/csv' } },
    },
  },
  devListShipments: {
    id: 'devListShipments',
    method: 'GET',
    path: '/dev/post/shipments',
    function: 'dossiers-dev-post',
    auth: 'public',
    summary: 'Local only: shipments the stand-in postal service carries',
    tags: ['dev'],
    schemas: {},
  },
  devSettleShipment: {
    id: 'devSettleShipment',
    method: 'POST',
    path: '/dev/post/shipments/{trackingNumber}',
    function: 'dossiers-dev-post',
    auth: 'public',
    summary: 'Local only: the stand-in post delivers a shipment or returns it to the sender (reported to the dossier)',
    tags: ['dev'],
    schemas: { params: shipmentParamsSchema, body: settleShipmentBodySchema },
  },
} as const satisfies Record<string, RouteDecl>;

/** The list indexes hold only the dossier's listing (domain/listing.ts): a transition rewrites ~1 KB in each. */
const LISTING = ['listing'] as const;

const read = [{ table: 'dossiers', access: 'read' as const }];
const readwrite = [{ table: 'dossiers', access: 'readwrite' as const }];

const http = (name: string, file: string, tables: FunctionDecl['tables'], memoryMb = 256): FunctionDecl => ({
  name,
  entry: `functions/dossiers/handlers/${file}.ts`,
  kind: 'http',
  memoryMb,
  tables,
});

const consumer = (name: string, file: string): FunctionDecl => ({
  name,
  entry: `functions/dossiers/handlers/${file}.ts`,
  kind: 'consumer',
  memoryMb: 256,
  timeoutSeconds: 30,
  tables: readwrite,
});

const queue = (name: string, fn: string, eventTypes: string[]): ConsumerDecl => ({
  queue: name,
  function: fn,
  eventTypes,
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  // Six times the function timeout, as AWS recommends for SQS event sources.
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
});

export const topology: ContextTopology = {
  context: 'dossiers',
  publishes: [...DOSSIER_EVENT_TYPES, ...FORWARDED_SUPPLEMENT_EVENT_TYPES],
  tables: [
    {
      name: 'dossiers',
      partitionKey: 'pk',
      sortKey: 'sk',
      outbox: true,
      ttlAttribute: 'expiresAt',
      indexes: [
        {
          name: 'gsi1',
          partitionKey: 'gsi1pk',
          sortKey: 'gsi1sk',
          projects: LISTING,
          accessPattern:
            "A citizen's dossiers, newest first (GET /me/dossiers): gsi1pk=OWNER#<idNumber>, " +
            'gsi1sk=<submittedAt UTC ISO>#<code>, queried backwards.',
        },
        {
          name: 'gsi2',
          partitionKey: 'gsi2pk',
          sortKey: 'gsi2sk',
          projects: LISTING,
          accessPattern:
            "An agency's work queue by appointment date (GET /agencies/{code}/dossiers without status): sparse, only " +
            'unfinished dossiers; gsi2pk=QUEUE#<currentAgencyCode>, gsi2sk=<appointmentAt UTC ISO>#<code>, or ' +
            '~<submittedAt>#<code> without an appointment (sorts last); dueBefore is a key condition gsi2sk < instant.',
        },
        {
          name: 'gsi3',
          partitionKey: 'gsi3pk',
          sortKey: 'gsi3sk',
          projects: LISTING,
          accessPattern:
            'One status of an agency by appointment date (GET /agencies/{code}/dossiers?status=): ' +
            'gsi3pk=AGENCY#<currentAgencyCode>#<status>, gsi3sk as gsi2sk.',
        },
        {
          name: 'gsi4',
          partitionKey: 'gsi4pk',
          sortKey: 'gsi4sk',
          projects: LISTING,
          accessPattern:
            "A desk's intake in a time range (GET /agencies/{code}/desk, /tracking-book): gsi4pk=DESK#<receiving " +
            'desk, else the competent agency>, gsi4sk=<submittedAt UTC ISO>#<code>; BETWEEN two instants.',
        },
      ],
      accessPatterns: [
        'Dossier by code: pk=DOSSIER#<code>, sk=DOSSIER — the head (everything but the history, historyCount), ' +
          'version for optimistic concurrency (every write is conditioned on it), index keys above.',
        'History of a dossier: pk=DOSSIER#<code>, sk=H#<6-digit n from 000001> — one item per entry, appended in ' +
          "the head's transaction, never rewritten, no index keys; the whole dossier is one Query sk BETWEEN " +
          "DOSSIER AND H#~ (the slips' SLIP#… sort after).",
        'Status counts of an agency (GET /agencies/{code}/dossiers/counts): pk=COUNTS#<currentAgencyCode>, ' +
          'sk=COUNTED#<status>#<shard 0-7 by code>, ADD count ±1 in the transaction of each write that moves a ' +
          "dossier between (agency, status) cells (the head's countedIn marks where it is counted); read as one " +
          'Query of the partition, summed per status. A recount (operator) counts unmarked heads: Scan or Query ' +
          'gsi3 keys only; pk=COUNTS, sk=RECOUNTED once the whole province was recounted.',
        "Daily code counter: pk=COUNTER#<agencyCode>#<YYYY-MM-DD>, sk=COUNTER — UpdateItem ADD seq 1 gives the day's " +
          'next sequence atomically; expires (TTL) a month after its day.',
        'Procedure versions (read model of catalog.procedure_published/retired): pk=PROCEDURE#<code>, ' +
          'sk=VERSION#<10-digit version>; the version in effect is picked from the few of one code.',
        'Agency (read model of catalog.agency_upserted): pk=AGENCY#<code>, sk=AGENCY, kept only if newer (sequence).',
        'Calendar years (read model of catalog.calendar_updated): pk=CALENDAR, sk=YEAR#<yyyy>, read whole.',
        'Verified document (read model of document.verified): pk=DOCUMENT#<id>, sk=DOCUMENT, with usedBy (string ' +
          'set of the dossiers that included it: a document used before is reused).',
        'Idempotency record of a submission: pk=IDEMPOTENCY#dossiers.submit.<idNumber>#<key>, sk=IDEMPOTENCY (TTL).',
        'Inbox of each consumer: pk=INBOX#<consumer>#<event id>, sk=INBOX (TTL).',
        'Outbox: pk=OUTBOX#<event id>, sk=OUTBOX, expiring by TTL (expiresAt) after a week.',
      ],
    },
  ],
  buckets: [],
  functions: [
    http('dossiers-submit', 'submit-dossier', readwrite, 512),
    http('dossiers-get', 'get-dossier', read),
    http('dossiers-list-mine', 'list-my-dossiers', read),
    http('dossiers-list-agency', 'list-agency-dossiers', read),
    http('dossiers-public-status', 'look-up-public-status', read),
    http('dossiers-act', 'act-on-dossier', readwrite),
    http('dossiers-supplement', 'supplement-dossier', readwrite),
    http('dossiers-withdraw', 'withdraw-dossier', readwrite),
    http('dossiers-feedback', 'give-feedback', readwrite),
    // Slips bundle pdf-lib, fontkit and the font: their own function keeps the others small.
    { ...http('dossiers-slips', 'get-slip', readwrite, 512), timeoutSeconds: 15 },
    http('dossiers-desk', 'desk', read, 512),
    http('dossiers-dev-post', 'dev-post', readwrite),
    consumer('dossiers-on-catalog-event', 'on-catalog-event'),
    consumer('dossiers-on-document-event', 'on-document-event'),
    consumer('dossiers-on-payment-event', 'on-payment-event'),
    consumer('dossiers-on-portal-event', 'on-portal-event'),
    // No schedule: an operator invokes it (docs/operations.md); it pages through every head, hence its time.
    {
      name: 'dossiers-recount-status-counts',
      entry: 'functions/dossiers/handlers/recount-status-counts.ts',
      kind: 'schedule',
      memoryMb: 256,
      timeoutSeconds: 900,
      tables: readwrite,
    },
  ],
  routes: Object.values(routes),
  consumers: [
    queue('dossiers-from-catalog', 'dossiers-on-catalog-event', [
      'catalog.procedure_published',
      'catalog.procedure_retired',
      'catalog.calendar_updated',
      'catalog.agency_upserted',
    ]),
    queue('dossiers-from-documents', 'dossiers-on-document-event', ['document.verified']),
    queue('dossiers-from-payments', 'dossiers-on-payment-event', ['payment.completed']),
    queue('dossiers-from-portal', 'dossiers-on-portal-event', [
      'portal.dossier_forwarded',
      'portal.supplement_forwarded',
    ]),
  ],
  schedules: [],
};
