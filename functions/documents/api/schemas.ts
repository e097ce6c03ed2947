/**
 * Requests and responses of the documents HTTP API. The handlers validate with these schemas and the OpenAPI
 * document is generated from them.
 */
import * as z from 'zod';
import { MAX_DOCUMENT_BYTES } from '../domain/content.ts';

const MEDIA_TYPE = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/;
const ID_NUMBER = /^\d{12}$/;
// Control characters and path separators have no place in a file name shown to people and sent in headers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this pattern exists to refuse control characters
const UNSAFE_FILE_NAME = /[\u0000-\u001f\u007f/\\]/;

export const documentIdSchema = z.uuid().describe('Document id (UUID).');
export const documentParamsSchema = z.object({ id: documentIdSchema });

export const createDocumentBodySchema = z.strictObject({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine((name) => !UNSAFE_FILE_NAME.test(name), 'must not contain control characters, / or \\')
    .describe('The file name as the user chose it, e.g. "giay-khai-sinh.pdf".'),
  contentType: z
    .string()
    .toLowerCase()
    .regex(MEDIA_TYPE, 'must be a media type such as application/pdf')
    .describe('Declared media type; the file content must really be of this type.'),
  size: z
    .int()
    .min(1)
    .max(MAX_DOCUMENT_BYTES)
    .describe(`Exact size in bytes (at most ${MAX_DOCUMENT_BYTES}); the upload form accepts exactly this size.`),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
    .transform((h) => h.toLowerCase())
    .optional()
    .describe('SHA-256 of the file (hex); checked after upload when given.'),
  requirementCode: z.string().min(1).max(64).optional().describe('The procedure requirement this document answers.'),
  procedureCode: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('The procedure of the requirement: its accepted types and size apply.'),
  dossierCode: z.string().min(1).max(64).optional().describe('The dossier the document is meant for, if known.'),
  digitized: z.boolean().optional().describe('Officials: a scan of a paper document (số hóa).'),
  onBehalfOf: z
    .string()
    .regex(ID_NUMBER, 'must be a 12-digit personal identification number')
    .optional()
    .describe(
      "Officials digitizing: the applicant's ID number. With `dossierCode` of the applicant's dossier the official's " +
        'agency is on, the scan goes into their store at once; without it, when a dossier of that agency carries it.',
    ),
});
export type CreateDocumentBody = z.output<typeof createDocumentBodySchema>;

export const createDocumentResponseSchema = z.object({
  documentId: documentIdSchema,
  upload: z
    .object({
      url: z.string().describe('POST the form here (multipart/form-data).'),
      fields: z.record(z.string(), z.string()).describe('Form fields to send as they are, before the `file` field.'),
    })
    .describe('A presigned POST: exactly this key, type and size, until expiresAt.'),
  expiresAt: z.string().describe('When the upload form stops being accepted.'),
  maxBytes: z.int().describe('The size limit that applied.'),
});

const scanStatusSchema = z
  .enum(['pending', 'clean', 'infected', 'failed', 'skipped (local)'])
  .describe("Malware scan (GuardDuty on AWS; 'skipped (local)' on the local cloud).");

const reasonSchema = z
  .enum([
    'empty',
    'size-mismatch',
    'too-large',
    'executable',
    'unrecognized-content',
    'type-mismatch',
    'checksum-mismatch',
    'malware',
    'malware-scan-failed',
  ])
  .describe('Why the document was rejected.');

export const completeDocumentResponseSchema = z.object({
  documentId: documentIdSchema,
  status: z.enum(['clean', 'rejected']),
  reason: reasonSchema.optional(),
  detail: z.string().optional().describe('What the check found, for the person who uploaded.'),
  scanStatus: scanStatusSchema,
  usable: z.boolean().describe('Verified and (on AWS) scanned clean: may be downloaded and attached.'),
});

const resultInfoSchema = z.object({
  dossierCode: z.string(),
  number: z.string(),
  signer: z.string(),
  issuedBy: z.string(),
  signedAt: z.string(),
});

export const documentViewSchema = z.object({
  documentId: documentIdSchema,
  fileName: z.string(),
  contentType: z.string(),
  size: z.int(),
  sha256: z.string().optional(),
  status: z.enum(['pending', 'clean', 'rejected']),
  reason: reasonSchema.optional(),
  scanStatus: scanStatusSchema,
  usable: z.boolean(),
  kind: z.enum(['upload', 'result']),
  digitized: z.boolean(),
  requirementCode: z.string().optional(),
  procedureCode: z.string().optional(),
  dossierCode: z.string().optional(),
  ownerIdNumber: z.string().optional().describe('The citizen whose store it is in.'),
  onBehalfOf: z
    .string()
    .optional()
    .describe('An official’s scan: the applicant it was digitized for (in their store once a dossier carries it).'),
  ownerAgencyCode: z.string().optional(),
  createdAt: z.string(),
  verifiedAt: z.string().optional(),
  result: resultInfoSchema.optional().describe('For a signed electronic result.'),
});
export type DocumentView = z.output<typeof documentViewSchema>;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const pageQuerySchema = z.object({
  cursor: z.string().min(1).max(2000).optional().describe('The nextCursor of the previous page.'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE_SIZE))
    .optional()
    .describe(`Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`),
});

export const myDocumentsResponseSchema = z.object({
  items: z.array(documentViewSchema).describe('Verified documents and signed results, newest first.'),
  nextCursor: z.string().optional(),
});

export const accessLogEntrySchema = z.object({
  at: z.string(),
  action: z.enum(['metadata', 'content']),
  by: z.object({
    sub: z.string(),
    kind: z.enum(['citizen', 'official']),
    agencyCode: z.string().optional(),
  }),
});
export type AccessLogEntry = z.output<typeof accessLogEntrySchema>;

export const accessLogResponseSchema = z.object({
  items: z.array(accessLogEntrySchema).describe('Who read the document and when, newest first.'),
  nextCursor: z.string().optional(),
});

export const resultParamsSchema = z.object({
  dossierCode: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ -'),
});

export const verifyResultResponseSchema = z.object({
  valid: z.boolean().describe('The signature verifies over the stored metadata and the file as stored now.'),
  dossierCode: z.string(),
  documentId: z.string(),
  number: z.string(),
  signer: z.string(),
  issuedBy: z.string(),
  signedAt: z.string(),
  sha256: z.string().describe('The SHA-256 of the file that was signed.'),
  fileSha256: z.string().optional().describe('The SHA-256 of the file as stored now (absent if it is gone).'),
  algorithm: z.string(),
  keyId: z.string(),
});
export type VerifyResultResponse = z.output<typeof verifyResultResponseSchema>;
