/** Request and response schemas of the portal context's routes (also the OpenAPI document). */
import * as z from 'zod';

export const nationalIdParamsSchema = z.object({ nationalId: z.string().min(1).max(100) });

export const FORWARD_STATUSES = ['needs_attention', 'awaiting_documents', 'forwarded', 'accepted', 'rejected'] as const;

export const HOLD_REASONS = [
  'invalid-data',
  'unmapped-procedure',
  'unknown-procedure',
  'unmapped-agency',
  'file-unreachable',
  'file-corrupt',
  'file-rejected',
  'unknown-dossier',
  'not-awaiting-supplement',
] as const;

export const forwardedListQuerySchema = z.object({
  status: z.enum(FORWARD_STATUSES).default('needs_attention'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const holdSchema = z.object({
  code: z.enum(HOLD_REASONS),
  detail: z.string(),
  at: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

const forwardFileSchema = z.object({
  fileName: z.string(),
  requirementCode: z.string(),
  documentId: z.string().optional(),
  state: z.enum(['staged', 'verified', 'rejected']),
});

/** A supplementation round answered on the portal, as listed with its forwarded dossier. */
const supplementSummarySchema = z.object({
  supplementId: z.string().describe('HoSoBoSungId'),
  status: z.enum(FORWARD_STATUSES),
  receivedAt: z.string(),
  updatedAt: z.string(),
  via: z.enum(['push', 'pull']),
  hold: holdSchema.optional(),
  rejection: z.object({ reason: z.string(), at: z.string(), by: z.string() }).optional(),
  files: z.array(forwardFileSchema),
  attempts: z.number(),
  conflicts: z.number().describe('changed re-sends of the round, kept and not applied'),
});

export const forwardViewSchema = z
  .object({
    kind: z
      .enum(['dossier', 'supplement'])
      .describe(
        'dossier: the forwarded dossier; supplement: one supplementation round of it answered on the portal ' +
          '(supplementId), with its own state, hold and files',
      ),
    nationalId: z.string(),
    supplementId: z.string().optional().describe('HoSoBoSungId, for kind supplement'),
    status: z.enum(FORWARD_STATUSES),
    receivedAt: z.string(),
    updatedAt: z.string(),
    via: z.enum(['push', 'pull']),
    nationalProcedureCode: z.string(),
    procedureCode: z.string().optional(),
    agencyCode: z.string().optional(),
    applicantName: z.string(),
    hold: holdSchema.optional(),
    dossierCode: z.string().optional(),
    rejection: z.object({ reason: z.string(), at: z.string(), by: z.string() }).optional(),
    files: z.array(forwardFileSchema),
    attempts: z.number(),
    conflicts: z.array(z.object({ at: z.string(), changedFields: z.array(z.string()), fingerprint: z.string() })),
    version: z.number(),
    supplements: z
      .array(supplementSummarySchema)
      .optional()
      .describe('GET of one forwarded dossier: the supplementation rounds answered on the portal, oldest first'),
  })
  .describe(
    'A dossier forwarded by the national portal, or one supplementation round of it answered on the portal, as ' +
      'motcua holds it.',
  );

export const forwardPageSchema = z.object({ items: z.array(forwardViewSchema) });

export const supplementAnswerSchema = z
  .object({
    error_code: z.number(),
    message: z.string(),
    MaHoSo: z.string(),
    HoSoBoSungId: z.string(),
    TrangThaiTiepNhan: z.string(),
    MaHoSoTinh: z.string(),
  })
  .describe('What the province answers about a supplementation round: error_code 0 = taken in (or held).');

export const intakeAnswerSchema = z
  .object({
    error_code: z.number(),
    message: z.string(),
    MaHoSo: z.string(),
    TrangThaiTiepNhan: z.string(),
    MaHoSoTinh: z.string(),
  })
  .describe('What the province answers the portal: error_code 0 = taken in (or held for an official).');

export const rejectBodySchema = z.object({ reason: z.string().trim().min(1).max(2000) });

export const mappingParamsSchema = z.object({ procedureCode: z.string().min(1).max(64) });
export const mappingBodySchema = z.object({ nationalCode: z.string().trim().min(1).max(64) });

export const mappingViewSchema = z.object({
  procedureCode: z.string(),
  procedureName: z.string(),
  nationalCode: z.string().optional(),
  nationalName: z.string().optional(),
  suggestions: z.array(z.object({ nationalCode: z.string(), name: z.string(), score: z.number() })),
});

export const mappingListQuerySchema = z.object({
  unmapped: z.enum(['true', 'false']).optional(),
});

export const mappingPageSchema = z.object({ items: z.array(mappingViewSchema) });

export const nationalProcedureSchema = z.object({
  nationalCode: z.string(),
  name: z.string(),
  fieldCode: z.string().optional(),
  fieldName: z.string().optional(),
  agencyCodes: z.array(z.string()),
});

export const unmappedNationalSchema = z.object({
  items: z.array(nationalProcedureSchema),
  pulledAt: z.string().optional(),
});

export const catalogPullResultSchema = z.object({
  procedures: z.number(),
  agencies: z.number(),
  fields: z.number(),
  pulledAt: z.string(),
});

export const nationalAgencyListSchema = z.object({
  items: z.array(z.object({ code: z.string(), name: z.string(), local: z.boolean() })),
});
