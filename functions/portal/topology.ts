/**
 * The portal context's declaration: the national portal (DVCQG) as the front door. One table (forwarded
 * dossiers and their needs-attention list, the local↔national procedure mapping, the national catalog pulled
 * from the portal, read models of the local catalog, inbox/outbox), a staging bucket for files fetched from the
 * portal, the machine-to-machine intake doors (forwarded dossiers, and supplementation rounds citizens answer on
 * the portal), the officials' needs-attention routes, the admin's mapping routes, and two schedules (pull
 * pending dossiers and supplements, pull the national catalog).
 */
import * as z from 'zod';
import { FORWARDED_SUPPLEMENT_EVENT_TYPES } from '#dossiers/events.ts';
import type { ConsumerDecl, ContextTopology, FunctionDecl, RouteDecl } from '#topology/types.ts';
import {
  catalogPullResultSchema,
  forwardedListQuerySchema,
  forwardPageSchema,
  forwardViewSchema,
  intakeAnswerSchema,
  mappingBodySchema,
  mappingListQuerySchema,
  mappingPageSchema,
  mappingParamsSchema,
  mappingViewSchema,
  nationalAgencyListSchema,
  nationalIdParamsSchema,
  rejectBodySchema,
  supplementAnswerSchema,
  unmappedNationalSchema,
} from './api/schemas.ts';
import { PORTAL_EVENT_TYPES } from './events.ts';

const tags = ['national portal'];
const OFFICIALS = ['officer', 'leader', 'admin'] as const;

export const STAGING_BUCKET = 'portal-intake';

export const routes = {
  receiveForwarded: {
    id: 'receiveForwardedDossier',
    method: 'POST',
    path: '/portal/dvcqg/dossiers',
    function: 'portal-intake',
    auth: 'webhook',
    summary: 'The national portal forwards a dossier submitted on DVCQG (machine to machine)',
    description:
      "Authorization: Bearer <the province's intake key> (401 without it, nothing changes). The body is the " +
      'forwarded dossier record (docs/national-portal.md). Idempotent by MaHoSo: the same record again answers ' +
      'the same; a changed record is a conflict (409), kept and shown, not applied. A record that cannot be ' +
      'mapped, validated or fetched is held on the needs-attention list (202, error_code 0).',
    tags,
    schemas: {
      body: z.unknown(),
      responses: {
        202: { description: 'taken in, or held for an official', schema: intakeAnswerSchema },
        409: { description: 'a different record under the same MaHoSo (kept as a conflict)' },
      },
    },
  },
  receiveSupplement: {
    id: 'receiveForwardedSupplement',
    method: 'POST',
    path: '/portal/dvcqg/supplements',
    function: 'portal-intake',
    auth: 'webhook',
    summary: 'The national portal forwards a supplement the citizen gave on DVCQG (machine to machine)',
    description:
      "Authorization: Bearer <the province's intake key> (401 without it, nothing changes). The body is one " +
      'supplementation round (an element of DanhSachHoSoBoSung, with the MaHoSo of its dossier and its files in ' +
      'DanhSachGiayToBoSung; docs/national-portal.md). Idempotent by MaHoSo + HoSoBoSungId: the same round again ' +
      'answers the same; a changed one is a conflict (409), kept, not applied. The files are fetched and verified ' +
      "like a forwarded dossier's, then the dossier's supplement action is applied. What cannot be applied (no " +
      'such dossier, not waiting for a supplement, a file unreachable or refused) is held on the needs-attention ' +
      'list with the reason (202, error_code 0).',
    tags,
    schemas: {
      body: z.unknown(),
      responses: {
        202: { description: 'taken in, or held for an official', schema: supplementAnswerSchema },
        409: { description: 'a different round under the same HoSoBoSungId (kept as a conflict)' },
      },
    },
  },
  listForwarded: {
    id: 'listForwardedDossiers',
    method: 'GET',
    path: '/portal/forwarded',
    function: 'portal-forwarded',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: 'Forwarded dossiers by state; by default the needs-attention list, with the reason of each',
    description:
      "Officials see their agency's; admins see every one (also those no agency could be found for). " +
      'Supplementation rounds answered on the portal are listed too (kind supplement, with supplementId).',
    tags,
    schemas: {
      query: forwardedListQuerySchema,
      responses: { 200: { description: 'forwarded dossiers, oldest first', schema: forwardPageSchema } },
    },
  },
  getForwarded: {
    id: 'getForwardedDossier',
    method: 'GET',
    path: '/portal/forwarded/{nationalId}',
    function: 'portal-forwarded',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: 'One forwarded dossier (with its conflicts and the supplementation rounds answered on the portal)',
    tags,
    schemas: {
      params: nationalIdParamsSchema,
      responses: { 200: { description: 'the forwarded dossier', schema: forwardViewSchema } },
    },
  },
  retryForwarded: {
    id: 'retryForwardedDossier',
    method: 'POST',
    path: '/portal/forwarded/{nationalId}/retry',
    function: 'portal-forwarded-act',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: 'Take a held dossier in again (after the mapping was fixed or the portal is back)',
    description:
      'When the dossier was taken in and a supplementation round of it is held, that round is taken in again ' +
      '(or only forwarded again to the dossier when its files are verified already).',
    tags,
    schemas: {
      params: nationalIdParamsSchema,
      responses: { 200: { description: 'the forwarded dossier after the attempt', schema: forwardViewSchema } },
    },
  },
  rejectForwarded: {
    id: 'rejectForwardedDossier',
    method: 'POST',
    path: '/portal/forwarded/{nationalId}/reject',
    function: 'portal-forwarded-act',
    auth: 'official',
    roles: [...OFFICIALS],
    summary: 'Refuse a held dossier with a reason (sent back to the portal)',
    description: 'When the dossier was taken in and a supplementation round of it is held, that round is refused.',
    tags,
    schemas: {
      params: nationalIdParamsSchema,
      body: rejectBodySchema,
      responses: { 200: { description: 'the forwarded dossier, rejected', schema: forwardViewSchema } },
    },
  },
  putMapping: {
    id: 'mapProcedureToNational',
    method: 'PUT',
    path: '/portal/mappings/{procedureCode}',
    function: 'portal-mappings',
    auth: 'official',
    roles: ['admin'],
    summary: 'Map a local procedure to its national procedure code (admin)',
    description: 'One national code maps to one local procedure: mapping a taken code is 409.',
    tags,
    schemas: {
      params: mappingParamsSchema,
      body: mappingBodySchema,
      responses: { 200: { description: 'the mapping', schema: mappingViewSchema } },
    },
  },
  listMappings: {
    id: 'listProcedureMappings',
    method: 'GET',
    path: '/portal/mappings',
    function: 'portal-mappings',
    auth: 'official',
    roles: ['admin'],
    summary: 'Local procedures with their national code; unmapped ones with name-similarity suggestions',
    tags,
    schemas: {
      query: mappingListQuerySchema,
      responses: { 200: { description: 'the mappings', schema: mappingPageSchema } },
    },
  },
  listUnmappedNational: {
    id: 'listUnmappedNationalProcedures',
    method: 'GET',
    path: '/portal/national-catalog/unmapped',
    function: 'portal-mappings',
    auth: 'official',
    roles: ['admin'],
    summary: 'Procedures the province offers on DVCQG that no local procedure is mapped to',
    tags,
    schemas: { responses: { 200: { description: 'unmapped national procedures', schema: unmappedNationalSchema } } },
  },
  listNationalAgencies: {
    id: 'listNationalAgencies',
    method: 'GET',
    path: '/portal/national-catalog/agencies',
    function: 'portal-mappings',
    auth: 'official',
    roles: ['admin'],
    summary: "The portal's agencies of the province, and whether motcua knows each",
    tags,
    schemas: { responses: { 200: { description: 'national agencies', schema: nationalAgencyListSchema } } },
  },
  pullCatalog: {
    id: 'pullNationalCatalog',
    method: 'POST',
    path: '/portal/national-catalog/pull',
    function: 'portal-pull-catalog',
    auth: 'official',
    roles: ['admin'],
    summary: 'Pull the national procedures, agencies and fields from the portal now (also daily)',
    tags,
    schemas: { responses: { 200: { description: 'what was pulled', schema: catalogPullResultSchema } } },
  },
} as const satisfies Record<string, RouteDecl>;

const readwrite = [{ table: 'portal', access: 'readwrite' as const }];
const staging = [{ bucket: STAGING_BUCKET, access: 'readwrite' as const }];

const fn = (
  name: string,
  kind: FunctionDecl['kind'],
  file: string,
  extra: Partial<FunctionDecl> = {},
): FunctionDecl => ({
  name,
  entry: `functions/portal/handlers/${file}.ts`,
  kind,
  memoryMb: 512,
  timeoutSeconds: kind === 'http' ? 29 : 120,
  tables: readwrite,
  ...extra,
});

const queue = (name: string, fnName: string, eventTypes: string[]): ConsumerDecl => ({
  queue: name,
  function: fnName,
  eventTypes,
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  visibilityTimeoutSeconds: 720,
  maxReceiveCount: 5,
});

export const topology: ContextTopology = {
  context: 'portal',
  publishes: PORTAL_EVENT_TYPES,
  tables: [
    {
      name: 'portal',
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
            'Forwarded dossiers by state, oldest first (GET /portal/forwarded?status=): gsi1pk=FORWARDS#<status>, ' +
            'gsi1sk=<receivedAt ISO>#<nationalId>.',
        },
      ],
      accessPatterns: [
        'Forwarded dossier by the portal id: pk=FORWARD#<MaHoSo>, sk=FORWARD — the record as received, its ' +
          'fingerprint, state, hold reason, files, conflicts; version for optimistic concurrency.',
        'Supplementation round answered on the portal: pk=FORWARD#<MaHoSo>, sk=SUPPLEMENT#<HoSoBoSungId> — as a ' +
          'forwarded dossier (record, fingerprint, state, hold, files, conflicts, version); on gsi1 with ' +
          'gsi1sk=<receivedAt>#<MaHoSo>#<HoSoBoSungId>, so it is on the same needs-attention list.',
        'File → forwarded dossier (and round): pk=DOCREF#<documentId>, sk=DOCREF, with supplementId for a ' +
          "round's file (documents events name only the document).",
        'Mapping: pk=MAP#<local procedure code>, sk=MAP and its reverse pk=NATIONAL#<national code>, sk=MAP, ' +
          'written together (one national code, one local procedure).',
        'Local procedures (read model of catalog.procedure_published/retired): pk=PROCEDURE, sk=<code> — latest ' +
          'published version of each, read whole for the mapping page.',
        'Agencies (read model of catalog.agency_upserted): pk=AGENCY, sk=<code>.',
        'National catalog pulled from the portal: pk=NATCAT#PROCEDURE | NATCAT#AGENCY | NATCAT#FIELD, sk=<code>; ' +
          'pk=NATCAT, sk=PULLED (when).',
        'Inbox of each consumer: pk=INBOX#<consumer>#<event id>, sk=INBOX (TTL).',
        'Outbox: pk=OUTBOX#<event id>, sk=OUTBOX (TTL).',
      ],
    },
  ],
  buckets: [
    {
      name: STAGING_BUCKET,
      // Files fetched from the portal wait here until the documents context has taken them in.
      expireAfterDays: 7,
      noncurrentVersionDays: 1,
    },
  ],
  functions: [
    fn('portal-intake', 'http', 'receive-forwarded', { buckets: staging, secrets: ['dvcqg-intake'] }),
    fn('portal-forwarded', 'http', 'list-forwarded', { memoryMb: 256 }),
    fn('portal-forwarded-act', 'http', 'act-on-forwarded', { buckets: staging }),
    fn('portal-mappings', 'http', 'mappings', { memoryMb: 256 }),
    fn('portal-pull-catalog', 'http', 'pull-catalog', { secrets: ['national-portal'] }),
    fn('portal-pull-catalog-daily', 'schedule', 'pull-catalog-daily', { secrets: ['national-portal'] }),
    fn('portal-pull-forwarded', 'schedule', 'pull-forwarded', { buckets: staging, secrets: ['national-portal'] }),
    fn('portal-on-catalog-event', 'consumer', 'on-catalog-event', { memoryMb: 256 }),
    fn('portal-on-intake-event', 'consumer', 'on-intake-event', { memoryMb: 256 }),
  ],
  routes: Object.values(routes),
  consumers: [
    queue('portal-from-catalog', 'portal-on-catalog-event', [
      'catalog.procedure_published',
      'catalog.procedure_retired',
      'catalog.agency_upserted',
    ]),
    queue('portal-from-intake', 'portal-on-intake-event', [
      'document.verified',
      'document.rejected',
      'dossier.submitted',
      ...FORWARDED_SUPPLEMENT_EVENT_TYPES,
    ]),
  ],
  schedules: [
    {
      name: 'portal-pull-forwarded',
      function: 'portal-pull-forwarded',
      rateMinutes: 5,
      description:
        'Fetch the dossiers, then the supplements, the national portal holds for the province and take each in ' +
        '(pull delivery).',
    },
    {
      name: 'portal-pull-national-catalog',
      function: 'portal-pull-catalog-daily',
      rateMinutes: 1440,
      description: 'Pull the national procedures, agencies and fields (LayDanhSachTTHC, LayDanhMucCoQuan, …).',
    },
  ],
};
