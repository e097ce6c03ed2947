/**
 * The reporting context's declaration: one table (dossier facts, counter buckets per month × agency × procedure,
 * open change points, the catalog copy, the national-portal sync state), three consumers (dossier and payment
 * events → the projection; catalog events → the catalog copy; dossier events → the push to the national portal),
 * a sweep schedule for overdue pushes (which also drives national re-syncs), and the report routes. The stand-in national portal that receives the
 * sync locally is packages/local-cloud/src/national-portal/sync-receiver.ts.
 */

import { DOSSIER_EVENT_TYPES } from '#dossiers/events.ts';
import type { ContextTopology, FunctionDecl, RouteDecl } from '#topology/types.ts';
import {
  dossierReportQuerySchema,
  dossierReportSchema,
  indexQuerySchema,
  nationalIndexSchema,
  publicIndexQuerySchema,
  resyncParamsSchema,
  resyncSchema,
  startResyncBodySchema,
  syncFailuresQuerySchema,
  syncFailuresSchema,
  syncStatusQuerySchema,
  syncStatusSchema,
} from './api/schemas.ts';

const tags = ['reporting'];
const readUnits =
  'The response header `x-read-units` gives the DynamoDB read capacity the report consumed: it follows the ' +
  'months and (agency, procedure) buckets covered, not the number of dossiers.';

// Routes for officials accept a token from either issuer (`user`), so that a citizen is told 403 (authenticated,
// not allowed) rather than 401; only the officials' issuer can carry officer, leader or admin.
export const routes = {
  getDossierReport: {
    id: 'getDossierReport',
    method: 'GET',
    path: '/reports/dossiers',
    function: 'reporting-dossier-report',
    auth: 'user',
    roles: ['officer', 'leader', 'admin'],
    summary: 'Dossier statistics of a period, by agency, procedure or month (JSON, or CSV with Accept: text/csv)',
    description:
      'Counts by channel; received; ended early / on time / late; open at the end of the period (of each month ' +
      'with groupBy=month) in progress or paused, within time or overdue; resolved, returned, rejected, withdrawn, ' +
      'stopped; average handling time; fees paid online; digitization and reuse; electronic results; feedback. ' +
      'Officers see their own agency only (another agencyCode is refused); leaders and admins any agency or the ' +
      'province. CSV headers follow Accept-Language (Vietnamese by default). ' +
      readUnits,
    tags,
    schemas: {
      query: dossierReportQuerySchema,
      responses: {
        200: { description: 'the report', schema: dossierReportSchema },
      },
    },
  },
  getIndexReport: {
    id: 'getIndexReport',
    method: 'GET',
    path: '/reports/index',
    function: 'reporting-index',
    auth: 'user',
    roles: ['officer', 'leader', 'admin'],
    summary: 'The national index (Decision 766/QĐ-TTg) of a period: every indicator, per group and in total',
    description:
      'Each indicator: numerator, denominator, ratio, target, max points, score (min(max, ratio / target × max), ' +
      'not scored when the denominator is 0). Officers: their agency; leaders and admins: the province or any ' +
      'agency. ' +
      readUnits,
    tags,
    schemas: {
      query: indexQuerySchema,
      responses: { 200: { description: 'the index', schema: nationalIndexSchema } },
    },
  },
  getPublicIndex: {
    id: 'getPublicIndex',
    method: 'GET',
    path: '/public/reports/index',
    function: 'reporting-public-index',
    auth: 'public',
    summary: "The province's national index of a period (public, aggregate only)",
    tags,
    schemas: {
      query: publicIndexQuerySchema,
      responses: { 200: { description: 'the province-level index', schema: nationalIndexSchema } },
    },
  },
  getSyncStatus: {
    id: 'getSyncStatus',
    method: 'GET',
    path: '/sync/status',
    function: 'reporting-sync-status',
    auth: 'user',
    roles: ['officer', 'leader', 'admin'],
    summary: "A dossier's sync to the national portal: synced, pending, or retrying with the last error",
    description: 'Officers: dossiers received or held by their agency; leaders and admins: any.',
    tags,
    schemas: {
      query: syncStatusQuerySchema,
      responses: { 200: { description: 'the sync state', schema: syncStatusSchema } },
    },
  },
  listSyncFailures: {
    id: 'listSyncFailures',
    method: 'GET',
    path: '/sync/failures',
    function: 'reporting-sync-failures',
    auth: 'user',
    roles: ['admin'],
    summary: 'Dossiers whose push to the national portal is failing (retried with backoff), by next attempt',
    tags,
    schemas: {
      query: syncFailuresQuerySchema,
      responses: { 200: { description: 'one page of failing pushes', schema: syncFailuresSchema } },
    },
  },
  startResync: {
    id: 'startResync',
    method: 'POST',
    path: '/sync/resyncs',
    function: 'reporting-resync-start',
    auth: 'user',
    roles: ['admin'],
    summary: 'A national re-sync: send a range of dossiers to the national portal again, although it acknowledged them',
    description:
      "The province's administrator only (an admin of no agency). Records the job (who, why, which range) and " +
      'answers 202 with it; the sweep (every 5 minutes) then marks the range a few pages at a time and sends each ' +
      "marked dossier's current record at its normal pace, with its retry backoff. A dossier whose newer version " +
      'is pending stays pending (that step carries the current record); one never acknowledged is left to the ' +
      'normal sync; one already marked is not marked again. While a job is marking the same range, the same ' +
      'request answers that job (header `x-resync-created: false`). Progress: GET /sync/resyncs/{id}.',
    tags,
    schemas: {
      body: startResyncBodySchema,
      responses: { 202: { description: 'the re-sync job (Location: /sync/resyncs/{id})', schema: resyncSchema } },
    },
  },
  getResync: {
    id: 'getResync',
    method: 'GET',
    path: '/sync/resyncs/{id}',
    function: 'reporting-resync-get',
    auth: 'user',
    roles: ['admin'],
    summary: "A national re-sync's progress: dossiers marked, pushed, failing",
    tags,
    schemas: {
      params: resyncParamsSchema,
      responses: { 200: { description: 'the re-sync job', schema: resyncSchema } },
    },
  },
} as const satisfies Record<string, RouteDecl>;

const read = [{ table: 'reporting', access: 'read' as const }];
const readwrite = [{ table: 'reporting', access: 'readwrite' as const }];

const fn = (
  name: string,
  file: string,
  kind: FunctionDecl['kind'],
  tables: FunctionDecl['tables'],
  extra: Partial<FunctionDecl> = {},
) =>
  ({
    name,
    entry: `functions/reporting/handlers/${file}.ts`,
    kind,
    memoryMb: 256,
    tables,
    ...extra,
  }) satisfies FunctionDecl;

/** Dossier events the projection and the sync follow (every change of a dossier). */
const dossierEvents = [...DOSSIER_EVENT_TYPES];

export const topology: ContextTopology = {
  context: 'reporting',
  tables: [
    {
      name: 'reporting',
      partitionKey: 'pk',
      sortKey: 'sk',
      outbox: false,
      ttlAttribute: 'expiresAt',
      indexes: [
        {
          name: 'gsi1',
          partitionKey: 'gsi1pk',
          sortKey: 'gsi1sk',
          accessPattern:
            "gsi1pk='SYNC#PENDING', gsi1sk=<next attempt, ISO>: the dossiers whose push to the national portal is " +
            'pending (only while pending): the sweep reads those overdue, GET /sync/failures those that failed. ' +
            "gsi1pk='SYNC#RESYNC': those pending only for a national re-sync's re-send (the sweep reads them after " +
            "the overdue ones). gsi1pk='RESYNC#MARKING', gsi1sk=<requested at>#<id>: re-sync jobs still marking.",
        },
      ],
      accessPatterns: [
        'Dossier fact: pk=FACT#<code>, sk=FACT — the newest fact (lastSequence, syncedSequence mirrored as ' +
          'attributes for the optimistic conditions).',
        'Counters: pk=COUNTERS#<YYYY-MM>, sk=<agency>#<procedure> — one numeric attribute per counter, moved by ADD. ' +
          'A report Queries one partition per month of its period (begins_with(sk, <agency>#) for one agency).',
        'Open change points: pk=OPEN#<YYYY-MM>, sk=<agency>#<procedure> — attributes <day>#<state>, moved by ADD; ' +
          'all-time sums per bucket key: pk=OPENTOTAL, sk=<agency>#<procedure>; the months holding points: ' +
          'pk=META, sk=OPEN_MONTHS (a string set; a period end reads the months from its own to the last).',
        'Online payment of a dossier (payment.completed): pk=PAYMENT#<code>, sk=PAYMENT.',
        'Catalog copy: pk=CATALOG#PROCEDURE | CATALOG#AGENCY | CATALOG#CALENDAR, sk=<code | year>; the index ' +
          'catalog figures: pk=CATALOG#STATS, sk=PROVINCE | AGENCY#<code>.',
        'Sync state: pk=SYNC#<code>, sk=SYNC — what the portal acknowledged, the hash of the last dossier record it ' +
          'accepted, attempts, last error, next attempt, owner of the retry, lease (pending ones in gsi1); the steps ' +
          'waiting to be sent: pk=SYNC#<code>, sk=STEP#<version> (Query begins_with, oldest first); the last ' +
          'dossier record the portal accepted: pk=SYNC#<code>, sk=RECORD.',
        'National re-sync job: pk=RESYNC#<id>, sk=RESYNC (range, who, why, the scan cursor, counts moved by ADD); ' +
          'the job marking a range: pk=RESYNCLOCK#<range key>, sk=LOCK. Marking Scans the dossier facts ' +
          '(filter sk=FACT), one bounded page at a time, resuming from the cursor.',
        'Inbox: pk=INBOX#<consumer>#<event id>, sk=INBOX, expiring by TTL (expiresAt).',
      ],
    },
  ],
  buckets: [],
  functions: [
    fn('reporting-on-dossier-event', 'on-dossier-event', 'consumer', readwrite, { timeoutSeconds: 30 }),
    fn('reporting-on-catalog-event', 'on-catalog-event', 'consumer', readwrite, { timeoutSeconds: 30 }),
    // The push to the national portal: its endpoint is NATIONAL_PORTAL_URL, its credentials the province's
    // `national-portal` secret (NATIONAL_PORTAL_SECRET_NAME).
    fn('reporting-sync-on-dossier-event', 'sync-on-dossier-event', 'consumer', readwrite, {
      timeoutSeconds: 30,
      secrets: ['national-portal'],
    }),
    fn('reporting-sync-sweep', 'sync-sweep', 'schedule', readwrite, {
      timeoutSeconds: 120,
      secrets: ['national-portal'],
    }),
    fn('reporting-dossier-report', 'get-dossier-report', 'http', read, { memoryMb: 512, timeoutSeconds: 29 }),
    fn('reporting-index', 'get-index', 'http', read, { memoryMb: 512, timeoutSeconds: 29 }),
    fn('reporting-public-index', 'get-public-index', 'http', read, { memoryMb: 512, timeoutSeconds: 29 }),
    fn('reporting-sync-status', 'get-sync-status', 'http', read),
    fn('reporting-sync-failures', 'list-sync-failures', 'http', read),
    fn('reporting-resync-start', 'start-resync', 'http', readwrite),
    fn('reporting-resync-get', 'get-resync', 'http', read),
  ],
  routes: Object.values(routes),
  consumers: [
    {
      queue: 'reporting-from-dossiers',
      function: 'reporting-on-dossier-event',
      eventTypes: [...dossierEvents, 'payment.completed'],
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
    },
    {
      queue: 'reporting-from-catalog',
      function: 'reporting-on-catalog-event',
      eventTypes: ['catalog.procedure_published', 'catalog.agency_upserted', 'catalog.calendar_updated'],
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
    },
    {
      // A failing push is retried by redelivery with the visibility stretched to the backoff (1, 2, 4, … 60 min):
      // 20 receives ride out about 14 hours of outage before the DLQ, and the sweep still pushes after that.
      queue: 'reporting-national-portal-sync',
      function: 'reporting-sync-on-dossier-event',
      eventTypes: dossierEvents,
      batchSize: 5,
      maxBatchingWindowSeconds: 1,
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 20,
    },
  ],
  schedules: [
    {
      name: 'reporting-sync-retry-sweep',
      function: 'reporting-sync-sweep',
      rateMinutes: 5,
      description:
        'Push to the national portal every dossier whose pending push is overdue (safety net of the retries).',
    },
  ],
};
