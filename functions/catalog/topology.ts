/**
 * The catalog context's declaration: one table (agencies, procedure versions, calendar years, outbox), public
 * reads and admin writes. No consumers: the catalog only publishes (`catalog.*` events).
 */
import type { ContextTopology, FunctionDecl, RouteDecl } from '#topology/types.ts';
import {
  agencyListSchema,
  agencyParamsSchema,
  calendarParamsSchema,
  calendarSchema,
  exportPageSchema,
  exportParamsSchema,
  exportQuerySchema,
  importBodySchema,
  importResultSchema,
  procedureGetQuerySchema,
  procedureListQuerySchema,
  procedureListSchema,
  procedureParamsSchema,
  procedurePutBodySchema,
  procedureVersionListSchema,
  procedureVersionsQuerySchema,
  procedureViewSchema,
} from './api/schemas.ts';
import { AgencySchema } from './domain/schemas.ts';
import { CATALOG_EVENT_TYPES } from './events.ts';

const tags = ['catalog'];

// Admin writes accept a token from either issuer (`user`), so that a citizen's token reaches the handler and
// is told 403 (authenticated, not allowed) rather than 401; only the officials' issuer can carry `admin`.
export const routes = {
  listAgencies: {
    id: 'listAgencies',
    method: 'GET',
    path: '/agencies',
    function: 'catalog-list-agencies',
    auth: 'public',
    summary: 'The agencies of the province',
    tags,
    schemas: { responses: { 200: { description: 'agencies, ordered by code', schema: agencyListSchema } } },
  },
  putAgency: {
    id: 'putAgency',
    method: 'PUT',
    path: '/agencies/{code}',
    function: 'catalog-put-agency',
    auth: 'user',
    roles: ['admin'],
    summary: 'Create or update an agency',
    description: 'Sending what the catalog already holds changes nothing and publishes no event.',
    tags,
    schemas: {
      params: agencyParamsSchema,
      body: AgencySchema,
      responses: {
        200: { description: 'the agency as stored', schema: AgencySchema },
        201: { description: 'the agency was created', schema: AgencySchema },
      },
    },
  },
  listProcedures: {
    id: 'listProcedures',
    method: 'GET',
    path: '/procedures',
    function: 'catalog-list-procedures',
    auth: 'public',
    summary: 'Search the published procedures',
    description: 'Filters combine; the search ignores case and Vietnamese diacritics. Ordered by code; paginated.',
    tags,
    schemas: {
      query: procedureListQuerySchema,
      responses: { 200: { description: 'one page of procedures', schema: procedureListSchema } },
    },
  },
  getProcedure: {
    id: 'getProcedure',
    method: 'GET',
    path: '/procedures/{code}',
    function: 'catalog-get-procedure',
    auth: 'public',
    summary: 'One procedure: the version in effect today, or the one asked for',
    tags,
    schemas: {
      params: procedureParamsSchema,
      query: procedureGetQuerySchema,
      responses: { 200: { description: 'the procedure version', schema: procedureViewSchema } },
    },
  },
  listProcedureVersions: {
    id: 'listProcedureVersions',
    method: 'GET',
    path: '/procedures/{code}/versions',
    function: 'catalog-list-procedure-versions',
    auth: 'user',
    roles: ['admin'],
    summary: "A procedure's versions: in force, scheduled, superseded, retired (admin)",
    description:
      'Every published or retired version, newest first, with its validity, where it stands today (GMT+7) and ' +
      'who published it when; paginated. Open one with GET /procedures/{code}?version=N. The working copy ' +
      '(draft) is not listed. A procedure with no published version is a 404.',
    tags,
    schemas: {
      params: procedureParamsSchema,
      query: procedureVersionsQuerySchema,
      responses: { 200: { description: 'one page of versions, newest first', schema: procedureVersionListSchema } },
    },
  },
  putProcedure: {
    id: 'putProcedure',
    method: 'PUT',
    path: '/procedures/{code}',
    function: 'catalog-put-procedure',
    auth: 'user',
    roles: ['admin'],
    summary: 'Save a draft of a procedure, or publish a new version',
    description:
      "status 'draft' saves the working copy (not public). status 'published' publishes it as a new version from " +
      'validFrom; the previous version ends the day before (retired once the new one applies). Publishing what is ' +
      'already published changes nothing and publishes no event.',
    tags,
    schemas: {
      params: procedureParamsSchema,
      body: procedurePutBodySchema,
      responses: {
        200: { description: 'nothing changed, or the draft was updated', schema: procedureViewSchema },
        201: { description: 'a new version (published or draft) was created', schema: procedureViewSchema },
      },
    },
  },
  getCalendar: {
    id: 'getCalendar',
    method: 'GET',
    path: '/calendar/{year}',
    function: 'catalog-get-calendar',
    auth: 'public',
    summary: 'One year of the working-day calendar (holidays, working weekend days)',
    tags,
    schemas: {
      params: calendarParamsSchema,
      responses: { 200: { description: 'the calendar year', schema: calendarSchema } },
    },
  },
  putCalendar: {
    id: 'putCalendar',
    method: 'PUT',
    path: '/calendar/{year}',
    function: 'catalog-put-calendar',
    auth: 'user',
    roles: ['admin'],
    summary: 'Set one year of the working-day calendar',
    tags,
    schemas: {
      params: calendarParamsSchema,
      body: calendarSchema,
      responses: { 200: { description: 'the calendar year as stored', schema: calendarSchema } },
    },
  },
  importCatalog: {
    id: 'importCatalog',
    method: 'POST',
    path: '/catalog/imports',
    function: 'catalog-import',
    auth: 'user',
    roles: ['admin'],
    summary: 'Import agencies or procedures (JSON or CSV), all or nothing',
    description:
      'Every row is validated first; if any fails, nothing is written and the 400 lists each error with its row ' +
      'and field. Then every row is applied as PUT would, in transactions of at most 100 items; rows identical to ' +
      'the catalog are skipped. A write failure part-way can be fixed by importing the same file again.',
    tags,
    schemas: {
      body: importBodySchema,
      responses: { 200: { description: 'what the import changed', schema: importResultSchema } },
    },
  },
  exportCatalog: {
    id: 'exportCatalog',
    method: 'GET',
    path: '/catalog/exports/{kind}',
    function: 'catalog-export',
    auth: 'user',
    roles: ['admin'],
    summary: 'Export agencies or the current published procedures (paginated; the CLI writes JSON or CSV)',
    tags,
    schemas: {
      params: exportParamsSchema,
      query: exportQuerySchema,
      responses: { 200: { description: 'one page of items', schema: exportPageSchema } },
    },
  },
} as const satisfies Record<string, RouteDecl>;

const read = [{ table: 'catalog', access: 'read' as const }];
const readwrite = [{ table: 'catalog', access: 'readwrite' as const }];

const http = (name: string, file: string, tables: FunctionDecl['tables'], extra: Partial<FunctionDecl> = {}) =>
  ({
    name,
    entry: `functions/catalog/handlers/${file}.ts`,
    kind: 'http',
    memoryMb: 256,
    tables,
    ...extra,
  }) satisfies FunctionDecl;

export const topology: ContextTopology = {
  context: 'catalog',
  publishes: CATALOG_EVENT_TYPES,
  tables: [
    {
      name: 'catalog',
      partitionKey: 'pk',
      sortKey: 'sk',
      outbox: true,
      ttlAttribute: 'expiresAt',
      indexes: [
        {
          name: 'gsi1',
          partitionKey: 'gsi1pk',
          sortKey: 'gsi1sk',
          accessPattern:
            "Lists of a bounded size, one partition each, ordered by code: gsi1pk='PUBLISHED' holds the head of every " +
            'procedure with a published version (summary, normalized search text, field key, agency codes, mode: ' +
            "GET /procedures filters these server-side and pages with a cursor); gsi1pk='AGENCIES' holds every agency.",
        },
      ],
      accessPatterns: [
        'Agency by code: pk=AGENCY#<code>, sk=AGENCY (all agencies: gsi1 AGENCIES).',
        'Procedure head by code: pk=PROCEDURE#<code>, sk=HEAD — revision (optimistic concurrency), the published, ' +
          'draft and latest version numbers, the validity (and publication) of every published version, the ' +
          'listing summary; GET /procedures/{code}/versions pages through those refs from this one item.',
        'Procedure version: pk=PROCEDURE#<code>, sk=VERSION#<10-digit version> — the full procedure (draft, ' +
          'published or retired); the current one is found through the head.',
        'Published procedures, filtered and paginated: gsi1 PUBLISHED (see the index).',
        'Calendar year: pk=CALENDAR#<year>, sk=CALENDAR.',
        'Outbox: pk=OUTBOX#<event id>, sk=OUTBOX, expiring by TTL (expiresAt) after a week.',
      ],
    },
  ],
  buckets: [],
  functions: [
    http('catalog-list-agencies', 'list-agencies', read),
    http('catalog-put-agency', 'put-agency', readwrite),
    http('catalog-list-procedures', 'list-procedures', read),
    http('catalog-get-procedure', 'get-procedure', read),
    http('catalog-list-procedure-versions', 'list-procedure-versions', read),
    http('catalog-put-procedure', 'put-procedure', readwrite),
    http('catalog-get-calendar', 'get-calendar', read),
    http('catalog-put-calendar', 'put-calendar', readwrite),
    http('catalog-import', 'import-catalog', readwrite, { memoryMb: 1024, timeoutSeconds: 29 }),
    http('catalog-export', 'export-catalog', read, { memoryMb: 512, timeoutSeconds: 29 }),
  ],
  routes: Object.values(routes),
  consumers: [],
  schedules: [],
};
