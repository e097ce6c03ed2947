/**
 * Requests and responses of the catalog's HTTP API. The handlers validate with these schemas and the OpenAPI
 * document is generated from them, so what is documented is what is enforced.
 */
import * as z from 'zod';
import { calendarYearSchema } from '#calendar/calendar.ts';
import {
  AgencyCodeSchema,
  AgencyLevelSchema,
  AgencySchema,
  LocalizedNameSchema,
  OnlineModeSchema,
  ProcedureCodeSchema,
  ProcedureFields,
  ProcedureSchema,
  ProcessingTimeSchema,
} from '../domain/schemas.ts';

// ---------------------------------------------------------------------------------------------------------
// Agencies

export const agencyParamsSchema = z.object({ code: AgencyCodeSchema });

export const agencyListSchema = z.array(AgencySchema).describe('Every agency of the province, ordered by code.');

// ---------------------------------------------------------------------------------------------------------
// Procedures: reads

/** Page size of `GET /procedures` when the caller does not ask for one. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const procedureListQuerySchema = z.object({
  q: z
    .string()
    .max(200)
    .optional()
    .describe('Words to find in the code, name or field; case and Vietnamese diacritics are ignored ("chung thuc").'),
  agencyCode: AgencyCodeSchema.optional().describe('Only procedures this agency receives.'),
  field: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("Only this field (lĩnh vực), e.g. 'Chứng thực' or 'chung thuc'."),
  mode: OnlineModeSchema.optional(),
  cursor: z.string().min(1).max(2000).optional().describe('The nextCursor of the previous page.'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE_SIZE))
    .optional()
    .describe(`Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`),
});

export type ProcedureListQuery = z.output<typeof procedureListQuerySchema>;

const derivedTiming = {
  processingDays: z
    .int()
    .min(0)
    .nullable()
    .describe(
      'Working days to the appointment date: 0 for same-day procedures, null when there is no appointment date.',
    ),
  sameDay: z.literal(true).optional().describe('Present (true) for same-day procedures.'),
};

export const procedureSummarySchema = z
  .object({
    code: ProcedureCodeSchema,
    version: z.int().min(1),
    name: LocalizedNameSchema,
    field: z.string(),
    levels: z.array(AgencyLevelSchema),
    agencyCodes: z.array(AgencyCodeSchema),
    mode: OnlineModeSchema,
    processingTime: ProcessingTimeSchema,
    ...derivedTiming,
    resultType: z.enum(['electronic', 'paper']),
    hasFees: z.boolean().describe('False when every fee rule is free (or there is none).'),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional(),
  })
  .describe('A published procedure, as listed.');

export type ProcedureSummary = z.infer<typeof procedureSummarySchema>;

export const procedureListSchema = z.object({
  items: z.array(procedureSummarySchema),
  nextCursor: z.string().optional().describe('Absent on the last page.'),
});

export const procedureParamsSchema = z.object({ code: ProcedureCodeSchema });

export const procedureGetQuerySchema = z.object({
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be a version number')
    .transform(Number)
    .optional()
    .describe('A specific published or retired version; default: the version in effect today.'),
});

/** The detail of a procedure version: the stored version plus the timing fields api.md promises. */
export const procedureViewSchema = ProcedureFields.extend(derivedTiming).describe(
  'One version of a procedure, with fees, document requirements and the application form (JSON Schema).',
);

export type ProcedureView = z.infer<typeof procedureViewSchema>;

// ---------------------------------------------------------------------------------------------------------
// Procedures: a procedure's versions (admin)

export const procedureVersionsQuerySchema = z.object({
  cursor: z.string().min(1).max(2000).optional().describe('The nextCursor of the previous page.'),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE_SIZE))
    .optional()
    .describe(`Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`),
});

export const versionStandingSchema = z
  .enum(['in_force', 'scheduled', 'superseded', 'retired'])
  .describe(
    'Where the version stands today (GMT+7): in_force — the version in effect, what GET /procedures/{code} ' +
      'answers; scheduled — published to apply from a later day; superseded — begun, but its last day has ' +
      'passed or a higher version applies now; retired — retired by the catalog (replaced by a version that ' +
      'applied, or before it ever began).',
  );

export const procedureVersionSchema = z
  .object({
    version: z.int().min(1),
    status: versionStandingSchema,
    validFrom: z.iso.date().describe('First day (GMT+7) the version applies.'),
    validTo: z.iso.date().optional().describe('Last day (GMT+7), inclusive; absent = open-ended.'),
    publishedAt: z.iso
      .datetime()
      .optional()
      .describe('When it was published; absent for versions published before the catalog recorded it.'),
    publishedBy: z.string().optional().describe('Who published it: the token subject, or seed / cli:<user>.'),
  })
  .describe('One published or retired version of a procedure; open it with GET /procedures/{code}?version=N.');

export const procedureVersionListSchema = z
  .object({
    code: ProcedureCodeSchema,
    items: z.array(procedureVersionSchema).describe('Newest first. The working copy (draft) is not a version yet.'),
    nextCursor: z.string().optional().describe('Absent on the last page.'),
  })
  .meta({
    examples: [
      {
        code: '2.000635',
        items: [
          {
            version: 3,
            status: 'scheduled',
            validFrom: '2027-01-01',
            publishedAt: '2026-12-07T03:15:00.000Z',
            publishedBy: 'admin-01',
          },
          {
            version: 2,
            status: 'in_force',
            validFrom: '2026-07-01',
            validTo: '2026-12-31',
            publishedAt: '2026-06-20T02:00:00.000Z',
            publishedBy: 'admin-01',
          },
          { version: 1, status: 'retired', validFrom: '2025-01-01', validTo: '2026-06-30' },
        ],
      },
    ],
  });

export type ProcedureVersionList = z.infer<typeof procedureVersionListSchema>;

// ---------------------------------------------------------------------------------------------------------
// Procedures: admin write

/** A placeholder that satisfies the code pattern while the cross-field rules (which never read it) run. */
const ANY_CODE = '1.000000';

/**
 * The body of `PUT /procedures/{code}`: a procedure. The server numbers versions, so `version` is optional
 * and ignored; `processingDays` / `sameDay` (read-only, derived) are accepted so that what GET returns can be
 * sent back as is.
 */
export const procedurePutBodySchema = ProcedureFields.extend({
  code: ProcedureCodeSchema.optional().describe('Must equal the code in the path when given.'),
  version: z.int().min(1).optional().describe('Ignored: the server numbers versions.'),
  status: z
    .enum(['draft', 'published'])
    .describe("'draft' saves the working copy; 'published' publishes it as a new version from validFrom."),
  processingDays: derivedTiming.processingDays.optional().describe('Read-only; ignored.'),
  sameDay: z.boolean().optional().describe('Read-only; ignored.'),
}).superRefine(
  (body, ctx) => {
    // Cross-field rules live on ProcedureSchema; run them on the body as it will be stored.
    const { processingDays: _days, sameDay: _sameDay, ...procedure } = body;
    const checked = ProcedureSchema.safeParse({
      ...procedure,
      code: body.code ?? ANY_CODE,
      version: body.version ?? 1,
    });
    if (!checked.success) {
      for (const issue of checked.error.issues)
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    // Only on an otherwise valid body: ProcedureSchema would repeat the nested rules' (fee tiers') issues.
  },
  { when: (payload) => payload.issues.length === 0 },
);

export type ProcedurePutBody = z.output<typeof procedurePutBodySchema>;

// ---------------------------------------------------------------------------------------------------------
// Calendar

export const calendarParamsSchema = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'must be a four-digit year')
    .transform(Number)
    .describe('Calendar year, e.g. 2026.'),
});

export const calendarSchema = calendarYearSchema.describe(
  'The non-standard days of one year: holidays (days off) and weekend days worked in exchange for a swapped weekday.',
);

// ---------------------------------------------------------------------------------------------------------
// Bulk import and export (admin)

export const catalogKindSchema = z.enum(['agencies', 'procedures']);

/** Largest import accepted in one request (the Lambda payload limit is 6 MB). */
export const MAX_IMPORT_CHARS = 5_000_000;

export const importBodySchema = z.object({
  kind: catalogKindSchema,
  format: z.enum(['json', 'csv']).optional().describe("Default: JSON when the content starts with '[', else CSV."),
  content: z.string().min(1).max(MAX_IMPORT_CHARS).describe('The file as text (UTF-8).'),
});

export const importResultSchema = z.object({
  kind: catalogKindSchema,
  total: z.int().describe('Rows in the file.'),
  changed: z.int().describe('Rows that created or changed something (each with its event).'),
  unchanged: z.int().describe('Rows identical to what the catalog already holds (no write, no event).'),
  skipped: z
    .int()
    .describe('Procedure rows that are history: earlier or retired versions of a code the file also publishes.'),
});

export type ImportSummary = z.infer<typeof importResultSchema>;

export const exportParamsSchema = z.object({ kind: catalogKindSchema });

export const exportQuerySchema = z.object({
  cursor: z.string().min(1).max(2000).optional().describe('The nextCursor of the previous page (procedures only).'),
});

export const exportPageSchema = z.object({
  items: z.array(z.union([AgencySchema, ProcedureFields])).describe('Agencies, or the current published procedures.'),
  nextCursor: z.string().optional(),
});
