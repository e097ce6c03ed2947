/**
 * Requests and responses of the dossiers' HTTP API. The handlers validate with these schemas and the OpenAPI
 * document is generated from them, so what is documented is what is enforced.
 */
import * as z from 'zod';
import { AgencyCodeSchema, ProcedureCodeSchema } from '#catalog/contract.ts';
import { dossierActionSchema } from '../domain/model.ts';
import { OFFICIAL_ACTION_TYPES } from '../domain/transitions.ts';
import { DOSSIER_STATUSES } from '../events.ts';

/** Page size of the lists when the caller does not ask for one. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const text = (max: number) => z.string().trim().min(1).max(max);

/** The form is flat (catalog's formSchema: scalar fields), so is its data; its JSON is bounded as a whole. */
export const MAX_FORM_DATA_CHARS = 64 * 1024;
const formDataSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a field name of the form'),
    z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]),
  )
  .superRefine((data, ctx) => {
    const size = JSON.stringify(data).length;
    if (size > MAX_FORM_DATA_CHARS) {
      // A built-in issue code, so the message comes in the caller's language like every other.
      ctx.addIssue({ code: 'too_big', origin: 'string', maximum: MAX_FORM_DATA_CHARS, inclusive: true, input: data });
    }
  })
  .meta({ maxProperties: 200 });

// ---------------------------------------------------------------------------------------------------------
// Parameters and headers

/**
 * A dossier code in a path. Any string is accepted here: a malformed code is answered like an unknown one
 * (404), so that the answer never depends on anything but whether the caller may see the dossier.
 */
export const dossierParamsSchema = z.object({
  code: z.string().min(1).max(80).describe('Dossier code, e.g. 000.00.15.H19-260302-0001.'),
});

export const agencyDossiersParamsSchema = z.object({ code: AgencyCodeSchema });

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export const submitHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY, '8–128 characters [A-Za-z0-9._:-]')
    .describe('Makes the submission safe to retry: the same key with the same body gives the same answer.'),
});

export const ifMatchHeadersSchema = z.object({
  'if-match': z
    .string()
    .max(40)
    .optional()
    .describe('The version (ETag) the change is based on. Required for officials’ actions (428 without it).'),
});

const limitSchema = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.int().min(1).max(MAX_PAGE_SIZE))
  .optional()
  .describe(`Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`);

const cursorSchema = z.string().min(1).max(2000).optional().describe('The nextCursor of the previous page.');

export const myDossiersQuerySchema = z.object({ cursor: cursorSchema, limit: limitSchema });

export const agencyDossiersQuerySchema = z.object({
  status: z
    .enum(DOSSIER_STATUSES)
    .optional()
    .describe('Only dossiers in this status. Without it: every unfinished dossier (the work queue).'),
  dueBefore: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .optional()
    .describe(
      'Only dossiers whose appointment date is strictly before this instant; a date YYYY-MM-DD means 00:00 ' +
        'GMT+7 of that day. Dossiers without an appointment date are left out.',
    ),
  cursor: cursorSchema,
  limit: limitSchema,
});

export const publicStatusQuerySchema = z.object({
  idNumber: z
    .string()
    .min(1)
    .max(20)
    .describe("The applicant's personal identification number; without the right one the dossier is not found."),
});

// ---------------------------------------------------------------------------------------------------------
// Bodies

const documentRefSchema = z.object({
  requirementCode: text(64).describe('Code of the document requirement (thành phần hồ sơ) this document meets.'),
  documentId: text(128).describe('A verified document of the applicant (from POST /documents).'),
});

export const applicantSchema = z.object({
  idNumber: z
    .string()
    .regex(/^\d{12}$/, 'must be the 12-digit personal identification number')
    .describe("The applicant's 12-digit personal identification number (the caller's own)."),
  fullName: text(200),
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 .-]{7,19}$/, 'must be a phone number')
    .optional(),
  email: z.email().max(254).optional(),
  address: text(500).optional(),
  type: z.enum(['citizen', 'business']).default('citizen').describe('A person or a business (default: citizen).'),
});

export const submitBodySchema = z.object({
  procedureCode: ProcedureCodeSchema,
  agencyCode: AgencyCodeSchema.describe('The agency that receives the dossier; it must handle the procedure.'),
  applicant: applicantSchema,
  formData: formDataSchema.describe(
    `The procedure's form, valid against its formSchema: scalar fields, at most ${MAX_FORM_DATA_CHARS} characters as JSON.`,
  ),
  documents: z.array(documentRefSchema).max(100).default([]),
  resultDelivery: z.enum(['online', 'counter', 'post']).describe('How the result reaches the applicant.'),
  channel: z
    .enum(['online', 'in_person', 'post'])
    .default('online')
    .describe(
      'How the dossier arrived. Citizens: online only. Officials of a one-stop desk register in_person (at the ' +
        'counter) or post (arrived by mail) on behalf of the applicant.',
    ),
  receivingAgencyCode: AgencyCodeSchema.optional().describe(
    "Officials: the desk taking the dossier in (default: the official's agency; it must be theirs). Any desk of " +
      'the province may receive for a procedure of another agency (boundary-free); the result comes back to it.',
  ),
  receive: z
    .boolean()
    .default(false)
    .describe('Officials: receive at once (the appointment is fixed now) instead of leaving it submitted.'),
});

export type SubmitBody = z.output<typeof submitBodySchema>;

/** The actions `POST /dossiers/{code}/actions` accepts: the lifecycle actions officials take. */
export const officialActionSchema = z.discriminatedUnion(
  'type',
  dossierActionSchema.options.filter((option) =>
    (OFFICIAL_ACTION_TYPES as readonly string[]).includes(option.shape.type.value),
  ) as unknown as [(typeof dossierActionSchema.options)[number], ...(typeof dossierActionSchema.options)[number][]],
);

export const supplementBodySchema = z.object({
  documents: z.array(documentRefSchema).max(100).default([]).describe('Corrected or added documents.'),
  formData: formDataSchema
    .optional()
    .describe('Form fields to change; merged into the form and validated as a whole (bounded like on submission).'),
  note: text(2000).optional(),
});

export const withdrawBodySchema = z.object({ reason: text(2000).optional() }).optional();

export const feedbackBodySchema = z.object({
  rating: z.enum(['satisfied', 'neutral', 'dissatisfied']),
  comment: text(2000).optional(),
});

// ---------------------------------------------------------------------------------------------------------
// Responses

const actorSchema = z.object({
  sub: z.string(),
  name: z.string().optional(),
  title: z.string().optional(),
  agencyCode: z.string().optional(),
  role: z.string().optional(),
});

const statusSchema = z.enum(DOSSIER_STATUSES);
const timelinessSchema = z
  .enum(['early', 'on_time', 'late', 'in_progress_on_time', 'in_progress_overdue', 'paused_on_time', 'paused_overdue'])
  .nullable()
  .describe('By the national rule (docs/timeliness.md); for an unfinished dossier as of the moment of the request.');

const feeLineSchema = z.object({ code: z.string(), name: z.string(), amount: z.int() });

export const historyEntrySchema = z.object({
  at: z.string(),
  action: z.string(),
  by: actorSchema,
  from: statusSchema.nullable(),
  to: statusSchema,
  note: z.string().optional(),
  reason: z.string().optional(),
});

const viewDocumentSchema = z.object({
  requirementCode: z.string(),
  documentId: z.string(),
  digitized: z.boolean(),
  reused: z.boolean(),
});

const supplementRoundSchema = z.object({
  requestedAt: z.string(),
  requestedBy: actorSchema,
  reason: z.string(),
  completedAt: z.string().optional(),
  documents: z.array(viewDocumentSchema).optional().describe('What the applicant gave with the supplement.'),
});

const stepSchema = z.object({
  agencyCode: z.string(),
  allottedWorkingDays: z.number(),
  startedAt: z.string().optional(),
  dueAt: z.string().optional(),
  endedAt: z.string().optional(),
});

const apologySchema = z.object({
  at: z.string(),
  newAppointmentAt: z.string(),
  previousAppointmentAt: z.string(),
  reason: z.string(),
  by: actorSchema,
});

const resultSchema = z.object({
  documentId: z.string().optional(),
  number: z.string(),
  signer: z.string(),
  issuedBy: z.string(),
  signedAt: z.string(),
  documentType: z.string().optional(),
  electronic: z.boolean(),
});

const feedbackSchema = z.object({
  rating: z.enum(['satisfied', 'neutral', 'dissatisfied']),
  comment: z.string().optional(),
  at: z.string(),
});

const resultReturnSchema = z
  .object({
    to: z.enum(['counter', 'post', 'online']),
    at: z.string(),
    agencyCode: z.string(),
    collectedBy: z.object({ name: z.string(), idNumber: z.string(), authorization: z.string().optional() }).optional(),
    shipment: z
      .object({
        provider: z.string(),
        trackingNumber: z.string(),
        status: z.enum(['in_transit', 'delivered', 'returned_to_sender']),
        handedOverAt: z.string(),
        settledAt: z.string().optional(),
      })
      .optional(),
  })
  .describe('How the result was returned: who collected it at the counter, the postal shipment, or online.');

export const dossierViewSchema = z
  .object({
    code: z.string(),
    procedureCode: z.string(),
    procedureName: z.string(),
    procedureVersion: z.int(),
    field: z.string(),
    agencyCode: z.string(),
    currentAgencyCode: z.string(),
    receivingAgencyCode: z
      .string()
      .optional()
      .describe('The desk that took it in, when not the competent agency (boundary-free intake).'),
    channel: z.enum(['in_person', 'online', 'post']),
    applicant: z.object({
      idNumber: z.string(),
      fullName: z.string(),
      type: z.enum(['citizen', 'business']),
      phone: z.string().optional(),
      email: z.string().optional(),
      address: z.string().optional(),
      language: z.enum(['vi', 'en']),
    }),
    formData: z.record(z.string(), z.unknown()),
    documents: z.array(viewDocumentSchema),
    status: statusSchema,
    nationalStatusCode: z.int(),
    version: z.int(),
    submittedAt: z.string(),
    receivedAt: z.string().optional(),
    appointmentAt: z.string().optional(),
    previousAppointments: z.array(z.string()),
    endedAt: z.string().optional(),
    returnedAt: z.string().optional(),
    rejectedAt: z.string().optional(),
    timeliness: timelinessSchema,
    supplements: z.array(supplementRoundSchema).describe('Supplementation requests, with when they were met.'),
    steps: z.array(stepSchema).describe('Processing steps (inter-agency dossiers), each timed.'),
    apologies: z.array(apologySchema).describe('Apology letters: each new appointment date with the one it replaced.'),
    fees: z.array(feeLineSchema),
    feeTotal: z.int(),
    paymentStatus: z.enum(['unpaid', 'pending', 'paid', 'refunded']).optional(),
    paidOnline: z.boolean(),
    paymentReceipt: z
      .object({ number: z.string(), issuedAt: z.string() })
      .optional()
      .describe('The receipt (biên lai) of the payment that settled the fees.'),
    resultType: z.enum(['electronic', 'paper']),
    resultDelivery: z.enum(['online', 'counter', 'post']),
    result: resultSchema.optional(),
    feedback: feedbackSchema.optional(),
    returned: resultReturnSchema.optional(),
    history: z.array(historyEntrySchema),
    allowedActions: z.array(z.string()).describe('What the caller may do with the dossier now.'),
  })
  .describe('A dossier (hồ sơ), as its owner or an official of the handling agency sees it.');

export const dossierSummarySchema = z.object({
  code: z.string(),
  procedureCode: z.string(),
  procedureName: z.string(),
  agencyCode: z.string(),
  currentAgencyCode: z.string(),
  channel: z.enum(['in_person', 'online', 'post']),
  source: z
    .enum(['dvcqg'])
    .optional()
    .describe("Where it came from when not one of motcua's own doors: dvcqg = forwarded by the national portal."),
  applicant: z.object({ idNumber: z.string(), fullName: z.string() }),
  status: statusSchema,
  nationalStatusCode: z.int(),
  version: z.int(),
  submittedAt: z.string(),
  receivedAt: z.string().optional(),
  appointmentAt: z.string().optional(),
  endedAt: z.string().optional(),
  timeliness: timelinessSchema,
  feeTotal: z.int(),
  paymentStatus: z.enum(['unpaid', 'pending', 'paid', 'refunded']).optional(),
});

export const dossierPageSchema = z.object({
  items: z.array(dossierSummarySchema),
  nextCursor: z.string().optional(),
});

export const agencyStatusCountsSchema = z
  .object({
    agencyCode: z.string(),
    counts: z
      .record(statusSchema, z.int())
      .describe('Dossiers the agency holds now in each status (every status, 0 if none), closed ones included.'),
    unfinished: z.int().describe('Dossiers not in a final status: the length of the work queue without a status.'),
  })
  .describe("Counts of an agency's whole queue per status, kept with every transition (not the loaded pages).")
  .meta({
    examples: [
      {
        agencyCode: '000.00.15.H19',
        counts: {
          submitted: 12,
          received: 40,
          rejected: 3,
          processing: 85,
          supplement_requested: 7,
          payment_requested: 2,
          withdrawn: 1,
          stopped: 0,
          resolved: 9,
          returned: 1204,
        },
        unfinished: 155,
      },
    ],
  });

export const publicStatusSchema = z
  .object({
    code: z.string(),
    procedureCode: z.string(),
    procedureName: z.string(),
    agencyCode: z.string(),
    status: statusSchema,
    nationalStatusCode: z.int(),
    submittedAt: z.string(),
    appointmentAt: z.string().optional(),
  })
  .describe('Where a dossier stands, without personal data.');

export type DossierView = z.output<typeof dossierViewSchema>;
export type DossierSummary = z.output<typeof dossierSummarySchema>;
export type PublicStatus = z.output<typeof publicStatusSchema>;

// ---------------------------------------------------------------------------------------------------------
// The one-stop counter: slips, the desk's day, the tracking book, the stand-in post

export const slipParamsSchema = z.object({
  code: z.string().min(1).max(80).describe('Dossier code.'),
  kind: z
    .enum(['receipt', 'supplement-request', 'refusal', 'apology', 'control-sheet'])
    .describe(
      'receipt (Mẫu 01 giấy tiếp nhận và hẹn trả), supplement-request (Mẫu 02), refusal (Mẫu 03), apology ' +
        '(Mẫu 04), control-sheet (Mẫu 05 phiếu kiểm soát) — Circular 01/2018/TT-VPCP.',
    ),
});

export const deskDayQuerySchema = z.object({
  date: z.iso.date().optional().describe('The day (GMT+7), YYYY-MM-DD; default today.'),
});

export const trackingBookQuerySchema = z.object({
  from: z.iso.date().describe('First day (GMT+7), YYYY-MM-DD.'),
  to: z.iso.date().describe('Last day, included; at most 92 days after from.'),
  format: z.enum(['csv', 'pdf']).default('csv'),
});

const deskDossierSchema = dossierSummarySchema;

export const deskDaySchema = z.object({
  agencyCode: z.string(),
  date: z.string(),
  receivedToday: z.array(deskDossierSchema).describe('Taken in at this desk that day, in order of intake.'),
  toCollect: z.array(deskDossierSchema).describe('Resolved and back at the desk, due that day or earlier.'),
  waitingAtDesk: z.array(deskDossierSchema).describe('Submitted and not yet received by the desk.'),
  countsByOfficial: z.array(z.object({ sub: z.string(), name: z.string().optional(), received: z.int() })),
  truncated: z.boolean().optional().describe('A list reached its page size (100).'),
});

export const shipmentParamsSchema = z.object({ trackingNumber: z.string().regex(/^[A-Z]{2}\d{9}VN$/) });
export const settleShipmentBodySchema = z.object({ status: z.enum(['delivered', 'returned_to_sender']) });
