/**
 * The documents context's declaration: one table (documents, access grants, access log, signed results,
 * the catalog's requirements, outbox/inbox), one versioned bucket (`quarantine/` for uploads, `clean/` for
 * verified files), the HTTP routes, and the consumers of dossier, catalog and malware-scan events.
 */
import type { ConsumerDecl, ContextTopology, FunctionDecl, RouteDecl } from '#topology/types.ts';
import {
  accessLogResponseSchema,
  completeDocumentResponseSchema,
  createDocumentBodySchema,
  createDocumentResponseSchema,
  documentParamsSchema,
  documentViewSchema,
  myDocumentsResponseSchema,
  pageQuerySchema,
  resultParamsSchema,
  verifyResultResponseSchema,
} from './api/schemas.ts';
import { DOCUMENT_EVENT_TYPES } from './events.ts';

const tags = ['documents'];

export const routes = {
  createDocument: {
    id: 'createDocument',
    method: 'POST',
    path: '/documents',
    function: 'documents-create',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader'],
    summary: 'Open an upload: a presigned POST form for exactly this file',
    description:
      'The form accepts exactly the declared size and type under the returned key, for 5 minutes; the file lands ' +
      'in quarantine. Citizens upload their own documents; officials upload for their agency, or with digitized and ' +
      "onBehalfOf a scan for an applicant: into the applicant's store only for a dossier of the official's agency " +
      '(dossierCode, else once such a dossier carries it; 403 for a dossier the agency is not on). ' +
      'Types: application/pdf, image/jpeg, image/png (or what ' +
      'the requirement of procedureCode lists); at most 20 MB.',
    tags,
    schemas: {
      body: createDocumentBodySchema,
      responses: { 201: { description: 'the upload form', schema: createDocumentResponseSchema } },
    },
  },
  completeDocument: {
    id: 'completeDocument',
    method: 'POST',
    path: '/documents/{id}/complete',
    function: 'documents-complete',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader'],
    summary: 'Verify the uploaded file (size, real type by content, checksum)',
    description:
      'Clean files leave quarantine (on AWS once GuardDuty has also scanned them clean) and document.verified is ' +
      'published; rejected ones are deleted and the reason kept. Calling it again returns the same outcome.',
    tags,
    schemas: {
      params: documentParamsSchema,
      responses: {
        200: { description: 'the outcome', schema: completeDocumentResponseSchema },
        409: { description: 'nothing was uploaded yet' },
      },
    },
  },
  getDocument: {
    id: 'getDocument',
    method: 'GET',
    path: '/documents/{id}',
    function: 'documents-get',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader'],
    summary: "A document's metadata (owner, or officials of an agency handling a dossier that carries it)",
    description: 'Every read is written to the access log. Anyone else gets 404.',
    tags,
    schemas: {
      params: documentParamsSchema,
      responses: { 200: { description: 'the metadata', schema: documentViewSchema } },
    },
  },
  getDocumentContent: {
    id: 'getDocumentContent',
    method: 'GET',
    path: '/documents/{id}/content',
    function: 'documents-get-content',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader'],
    summary: 'Download: 302 to a presigned URL valid for 5 minutes',
    description:
      'Same access rule as the metadata; only usable documents; every download is written to the access log.',
    tags,
    schemas: {
      params: documentParamsSchema,
      responses: {
        302: { description: 'Location: a short-lived URL of the file' },
        409: { description: 'the document is not (yet) usable' },
      },
    },
  },
  listDocumentAccesses: {
    id: 'listDocumentAccesses',
    method: 'GET',
    path: '/documents/{id}/accesses',
    function: 'documents-list-accesses',
    auth: 'user',
    roles: ['citizen', 'officer', 'leader'],
    summary: 'Who read this document and when (its owner only)',
    tags,
    schemas: {
      params: documentParamsSchema,
      query: pageQuerySchema,
      responses: { 200: { description: 'the access log', schema: accessLogResponseSchema } },
    },
  },
  listMyDocuments: {
    id: 'listMyDocuments',
    method: 'GET',
    path: '/me/documents',
    function: 'documents-list-mine',
    auth: 'citizen',
    roles: ['citizen'],
    summary: "The citizen's document store: verified documents, digitized ones and signed results, reusable",
    tags,
    schemas: {
      query: pageQuerySchema,
      responses: { 200: { description: 'one page, newest first', schema: myDocumentsResponseSchema } },
    },
  },
  verifyResult: {
    id: 'verifyResult',
    method: 'GET',
    path: '/results/{dossierCode}/verify',
    function: 'documents-verify-result',
    auth: 'public',
    summary: "Verify a dossier's electronic result: signature over its metadata and the file's hash",
    tags,
    schemas: {
      params: resultParamsSchema,
      responses: { 200: { description: 'the verification', schema: verifyResultResponseSchema } },
    },
  },
} as const satisfies Record<string, RouteDecl>;

const TABLE = 'documents';
const BUCKET = 'documents';
const readTable = [{ table: TABLE, access: 'read' as const }];
const writeTable = [{ table: TABLE, access: 'readwrite' as const }];
const readBucket = [{ bucket: BUCKET, access: 'read' as const }];
const writeBucket = [{ bucket: BUCKET, access: 'readwrite' as const }];

const fn = (
  name: string,
  kind: FunctionDecl['kind'],
  file: string,
  grants: Pick<FunctionDecl, 'tables' | 'buckets' | 'permissions'>,
  extra: Partial<FunctionDecl> = {},
): FunctionDecl => ({
  name,
  entry: `functions/documents/handlers/${file}.ts`,
  kind,
  memoryMb: 256,
  ...grants,
  ...extra,
});

/**
 * GuardDuty Malware Protection for S3 publishes "GuardDuty Malware Protection Object Scan Result" to the
 * account's default EventBridge bus (source aws.guardduty); on AWS a rule on that detail-type and this
 * bucket targets this queue. Nothing scans locally, so locally the queue stays empty.
 */
export const MALWARE_SCAN_RESULT_DETAIL_TYPE = 'GuardDuty Malware Protection Object Scan Result';

const consumer = (queue: string, function_: string, eventTypes: string[], batchSize = 10): ConsumerDecl => ({
  queue,
  function: function_,
  eventTypes,
  batchSize,
  maxBatchingWindowSeconds: 1,
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 5,
});

export const topology: ContextTopology = {
  context: 'documents',
  publishes: DOCUMENT_EVENT_TYPES,
  tables: [
    {
      name: TABLE,
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
            "A citizen's store (GET /me/documents): gsi1pk=OWNER#<ID number>, gsi1sk=<verifiedAt>#<id>, set on a " +
            'document once verified (digitized ones for the applicant; signed results for the applicant once signed).',
        },
      ],
      accessPatterns: [
        'Document and its read grants in one query: pk=DOC#<id>, sk=DOC (the document; expiresAt while the upload ' +
          'is pending) and sk=GRANT#AGENCY#<code> / GRANT#CITIZEN#<ID number> (from dossier events).',
        'Access log of a document, newest first: pk=ACCESS#<id>, sk=<at>#<uuid>.',
        'Signed result of a dossier: pk=RESULT#<dossier code>, sk=RESULT.',
        "Requirements of a procedure's latest published version (catalog read model): pk=PROCEDURE#<code>, sk=REQUIREMENTS.",
        'Local result-signing key pair (local cloud only): pk=SIGNING_KEY, sk=LOCAL.',
        'Outbox pk=OUTBOX#<event id>; inbox pk=INBOX#<consumer>#<event id> (both expire by TTL).',
      ],
    },
  ],
  buckets: [
    {
      name: BUCKET,
      // Uploads never completed (or left behind after verification) go after a day.
      prefixExpiry: [{ prefix: 'quarantine/', days: 1 }],
      noncurrentVersionDays: 90,
      malwareScanPrefixes: ['quarantine/'],
    },
  ],
  functions: [
    fn('documents-create', 'http', 'create-document', { tables: writeTable, buckets: writeBucket }),
    fn(
      'documents-complete',
      'http',
      'complete-document',
      { tables: writeTable, buckets: writeBucket },
      { memoryMb: 512, timeoutSeconds: 29 },
    ),
    fn('documents-get', 'http', 'get-document', { tables: writeTable }),
    fn('documents-get-content', 'http', 'get-document-content', { tables: writeTable, buckets: readBucket }),
    fn('documents-list-accesses', 'http', 'list-document-accesses', { tables: readTable }),
    fn('documents-list-mine', 'http', 'list-my-documents', { tables: readTable }),
    fn(
      'documents-verify-result',
      'http',
      'verify-result',
      { tables: readTable, buckets: readBucket, permissions: ['kms:verify'] },
      { memoryMb: 512 },
    ),
    fn('documents-on-dossier-access', 'consumer', 'on-dossier-access', { tables: writeTable }),
    fn(
      'documents-sign-result',
      'consumer',
      'on-dossier-resolved',
      { tables: writeTable, buckets: readBucket, permissions: ['kms:sign'] },
      { memoryMb: 512, timeoutSeconds: 60 },
    ),
    fn('documents-on-catalog', 'consumer', 'on-catalog-event', { tables: writeTable }),
    fn(
      'documents-on-portal-event',
      'consumer',
      'on-portal-event',
      { tables: writeTable, buckets: writeBucket },
      { memoryMb: 512, timeoutSeconds: 30 },
    ),
    fn(
      'documents-on-malware-scan',
      'consumer',
      'on-malware-scan',
      { tables: writeTable, buckets: writeBucket },
      { memoryMb: 512, timeoutSeconds: 60 },
    ),
  ],
  routes: Object.values(routes),
  consumers: [
    consumer('documents-dossier-access', 'documents-on-dossier-access', [
      'dossier.submitted',
      'dossier.supplemented',
      'dossier.transferred',
    ]),
    consumer('documents-result-signing', 'documents-sign-result', ['dossier.resolved'], 5),
    consumer('documents-from-catalog', 'documents-on-catalog', ['catalog.procedure_published']),
    consumer('documents-from-portal', 'documents-on-portal-event', ['portal.files_received'], 5),
    {
      ...consumer('documents-malware-scans', 'documents-on-malware-scan', [MALWARE_SCAN_RESULT_DETAIL_TYPE]),
      awsEventSource: { source: 'aws.guardduty', detailType: MALWARE_SCAN_RESULT_DETAIL_TYPE, bucket: BUCKET },
    },
  ],
  schedules: [],
};
