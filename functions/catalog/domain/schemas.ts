/**
 * The catalog's data: agencies and procedure versions, with their fee rules, document requirements and forms.
 * These zod schemas validate seed files, imports and admin writes, and generate the catalog's OpenAPI, so
 * every field carries a description. Objects are strict: an unknown key is a typo until proven otherwise.
 */
import * as z from 'zod';
import type { ProcessingTime } from '#calendar/index.ts';
import type { FieldError } from '#platform/errors.ts';
import { FormSchemaDefinitionSchema } from './formSchema.ts';
import { splitPath } from './paths.ts';

// ---------------------------------------------------------------------------------------------------------
// Codes

/** Electronic identifier of an agency (Decision 20/2020/QĐ-TTg): `AAA.BB.CC.DNN`, DNN = the province. */
export const AGENCY_CODE_PATTERN = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
/** National procedure code (`2.000815`), optionally followed by a province variant's agency code. */
export const PROCEDURE_CODE_PATTERN = /^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$/;
const LOCAL_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const MIME_TYPE_PATTERN = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/;

export const AgencyCodeSchema = z
  .string()
  .regex(AGENCY_CODE_PATTERN, 'must look like 000.00.15.H19')
  .describe(
    "Agency electronic identifier, e.g. '000.00.15.H19'; '000.00.00.H19' is the provincial People's Committee.",
  );

export const ProcedureCodeSchema = z
  .string()
  .regex(PROCEDURE_CODE_PATTERN, 'must look like 2.000815 or 2.000815.000.00.00.H19')
  .describe("National procedure code (e.g. '2.000815') or a province variant (e.g. '2.000815.000.00.00.H19').");

export const LocalizedNameSchema = z
  .strictObject({
    vi: z.string().min(1).max(500).describe('Vietnamese name (authoritative).'),
    en: z.string().min(1).max(500).optional().describe('English name, where translated.'),
  })
  .describe('A name in Vietnamese, optionally in English.');

const noteField = z
  .string()
  .min(1)
  .max(2000)
  .optional()
  .describe('Free-text remark, e.g. a fact not yet verified against the source.');

// ---------------------------------------------------------------------------------------------------------
// Agencies

export const AgencyLevelSchema = z
  .enum(['province', 'district', 'commune'])
  .describe("Administrative level. 'district' is kept for history: the district level was abolished on 2025-07-01.");

export const OneStopDeskSchema = z
  .strictObject({
    address: z.string().min(1).max(500).describe('Street address of the one-stop desk (Bộ phận Một cửa).'),
    phone: z.string().min(3).max(40).optional().describe('Contact phone number.'),
    email: z.email().optional().describe('Contact e-mail address.'),
  })
  .describe('Where applicants are received in person.');

/** The agency's fields without cross-field rules: extend, pick or omit this one (zod forbids it on refined ones). */
export const AgencyFields = z.strictObject({
  code: AgencyCodeSchema,
  name: LocalizedNameSchema,
  level: AgencyLevelSchema,
  parentCode: AgencyCodeSchema.optional().describe('Code of the parent agency, if any.'),
  oneStopDesk: OneStopDeskSchema.optional(),
  active: z.boolean().describe('False for agencies that no longer exist (kept so old dossiers still resolve).'),
  note: noteField,
});

export const AgencySchema = AgencyFields.superRefine((agency, ctx) => {
  if (agency.parentCode === agency.code) {
    ctx.addIssue({ code: 'custom', path: ['parentCode'], message: 'an agency cannot be its own parent' });
  }
}).describe('An agency that receives or processes dossiers.');

export type AgencyLevel = z.infer<typeof AgencyLevelSchema>;
export type Agency = z.infer<typeof AgencySchema>;

// ---------------------------------------------------------------------------------------------------------
// Processing time: the calendar's `ProcessingTime`, which turns it into an appointment date. `satisfies` keeps
// the schema and that type from drifting apart.

export const ProcessingTimeSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('working_days'),
      days: z.int().min(1).max(365).describe('Working days from reception to the appointment date.'),
    }),
    z.strictObject({
      kind: z.literal('same_day'),
      cutoff: z
        .string()
        .regex(TIME_OF_DAY_PATTERN, 'must be HH:MM')
        .optional()
        .describe(
          'Local time (GMT+7) after which a dossier is due the next working day; the calendar default is 15:00.',
        ),
    }),
    z.strictObject({ kind: z.literal('none') }),
  ])
  .describe(
    'How the appointment date is set: N working days, same day (before a cut-off), or no appointment date.',
  ) satisfies z.ZodType<ProcessingTime>;

export type { ProcessingTime };

// ---------------------------------------------------------------------------------------------------------
// Fees

const feeCode = z.string().regex(LOCAL_CODE_PATTERN).describe('Fee line code, unique within the procedure.');
const feeName = z.string().min(1).max(300).describe('Fee name as printed on the receipt (Vietnamese).');
const vnd = z.int().min(0).max(1_000_000_000_000);
const positiveVnd = z.int().min(1).max(1_000_000_000_000);

export const PageTierSchema = z
  .strictObject({
    fromPage: z.int().min(1).describe('First page (1-based) this price applies to.'),
    toPage: z.int().min(1).optional().describe('Last page this price applies to; absent = every page after.'),
    amountPerPage: vnd.describe('VND per page in this tier.'),
  })
  .describe('A price band by page number.');

export const FeeRuleSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('fixed'),
        code: feeCode,
        name: feeName,
        amount: positiveVnd.describe("VND per dossier (use kind 'free' for no charge)."),
      })
      .describe('A fixed amount per dossier.'),
    z
      .strictObject({
        kind: z.literal('per_page'),
        code: feeCode,
        name: feeName,
        tiers: z
          .array(PageTierSchema)
          .min(1)
          .superRefine((tiers, ctx) => {
            for (const error of pageTierErrors(tiers)) {
              ctx.addIssue({ code: 'custom', path: splitPath(error.path), message: error.message });
            }
          })
          .describe('Contiguous bands from page 1; the last one is open-ended.'),
        capPerCopy: positiveVnd.optional().describe('Most charged for one copy, whatever its page count.'),
      })
      .describe('Priced by the pages of a document, per copy (needs soTrang and soBanSao).'),
    z
      .strictObject({
        kind: z.literal('per_copy'),
        code: feeCode,
        name: feeName,
        amountPerCopy: positiveVnd.describe('VND per copy.'),
      })
      .describe('Priced per copy (needs soBanSao).'),
    z
      .strictObject({
        kind: z.literal('free'),
        code: feeCode,
        name: feeName,
        condition: z
          .string()
          .min(1)
          .max(500)
          .optional()
          .describe('When the exemption applies, e.g. on-time registration.'),
      })
      .describe('No charge (shown as a zero line).'),
  ])
  .describe('A fee rule; amounts are whole VND.');

export type PageTier = z.infer<typeof PageTierSchema>;
export type FeeRule = z.infer<typeof FeeRuleSchema>;

function pageTierErrors(tiers: PageTier[]): FieldError[] {
  const errors: FieldError[] = [];
  tiers.forEach((tier, index) => {
    const expectedFrom = index === 0 ? 1 : (tiers[index - 1]?.toPage ?? Number.NaN) + 1;
    if (tier.fromPage !== expectedFrom) {
      errors.push({
        path: `${index}.fromPage`,
        message:
          index === 0 ? 'the first tier must start at page 1' : 'must follow the previous tier without gap or overlap',
      });
    }
    if (tier.toPage !== undefined && tier.toPage < tier.fromPage) {
      errors.push({ path: `${index}.toPage`, message: 'must not be before fromPage' });
    }
    const isLast = index === tiers.length - 1;
    if (isLast && tier.toPage !== undefined) {
      errors.push({ path: `${index}.toPage`, message: 'the last tier must be open-ended (no toPage)' });
    }
    if (!isLast && tier.toPage === undefined) {
      errors.push({ path: `${index}.toPage`, message: 'only the last tier may be open-ended' });
    }
  });
  return errors;
}

// ---------------------------------------------------------------------------------------------------------
// Procedures

export const DocumentRequirementSchema = z
  .strictObject({
    code: z.string().regex(LOCAL_CODE_PATTERN).describe('Requirement code, unique within the procedure.'),
    name: LocalizedNameSchema,
    required: z.boolean().describe('Whether the dossier must include it.'),
    contentTypes: z
      .array(z.string().regex(MIME_TYPE_PATTERN))
      .min(1)
      .describe('Accepted media types, e.g. application/pdf, image/jpeg, image/png.'),
    maxBytes: z
      .int()
      .min(1)
      .max(100 * 1024 * 1024)
      .describe('Largest accepted file, in bytes.'),
    copies: z.int().min(1).optional().describe('Number of copies asked for (số lượng bản), where stated.'),
  })
  .describe('A document the procedure asks for (thành phần hồ sơ).');

export const ProcessingStepSchema = z
  .strictObject({
    agencyCode: AgencyCodeSchema.optional().describe(
      'Agency doing this step; absent = the receiving agency, or a body outside the catalog named in role.',
    ),
    role: z.string().min(1).max(300).optional().describe('What the step is, e.g. verification by the police.'),
    allottedWorkingDays: z.number().min(0).multipleOf(0.5).describe('Working days allotted (half days allowed).'),
  })
  .describe('One step of an inter-agency (liên thông) procedure.');

export const OnlineModeSchema = z
  .enum(['full', 'partial', 'offline'])
  .describe('Online service level (Decree 42/2022/NĐ-CP): full (toàn trình), partial (một phần), offline.');

export const ProcedureStatusSchema = z
  .enum(['draft', 'published', 'retired'])
  .describe('Lifecycle of a procedure version.');

const isoDate = z.iso.date();

/** The procedure's fields without cross-field rules: extend, pick or omit this one. */
export const ProcedureFields = z.strictObject({
  code: ProcedureCodeSchema,
  version: z.int().min(1).describe('Version number; a change is a new version, never an edit of a published one.'),
  status: ProcedureStatusSchema,
  validFrom: isoDate.describe('First day (GMT+7) this version applies, YYYY-MM-DD.'),
  validTo: isoDate.optional().describe('Last day (GMT+7) this version applies, inclusive; absent = open-ended.'),
  name: LocalizedNameSchema,
  field: z.string().min(1).max(200).describe("Field (lĩnh vực), e.g. 'Chứng thực', 'Hộ tịch'."),
  levels: z.array(AgencyLevelSchema).min(1).describe('Administrative levels at which it is carried out.'),
  agencyCodes: z.array(AgencyCodeSchema).min(1).describe('Agencies that receive and settle it.'),
  mode: OnlineModeSchema,
  processingTime: ProcessingTimeSchema,
  legalMaxWorkingDays: z
    .int()
    .min(0)
    .optional()
    .describe('Legal maximum in working days, used for timeliness when there is no appointment date.'),
  steps: z.array(ProcessingStepSchema).min(1).optional().describe('Ordered inter-agency steps, if any.'),
  paymentPausesClock: z
    .boolean()
    .optional()
    .describe(
      "Waiting for the applicant's financial obligation (payment requested → paid) is the applicant's time: the clock pauses as for supplementation (e.g. land procedures).",
    ),
  payBeforeReception: z.boolean().describe('Fees are due at submission, before the desk receives the dossier.'),
  fees: z.array(FeeRuleSchema).describe('Fee rules; empty or all free means no charge.'),
  requirements: z.array(DocumentRequirementSchema).describe('Documents the dossier must or may include.'),
  formSchema: FormSchemaDefinitionSchema,
  resultType: z.enum(['electronic', 'paper']).describe('Whether the result is an electronic document.'),
  legalBasis: z.array(z.string().min(1).max(500)).optional().describe('Legal documents the procedure rests on.'),
  note: noteField,
});

export const ProcedureSchema = ProcedureFields.superRefine((procedure, ctx) => {
  for (const error of procedureErrors(procedure)) {
    ctx.addIssue({ code: 'custom', path: splitPath(error.path), message: error.message });
  }
}).describe('One version of an administrative procedure (thủ tục hành chính).');

export type DocumentRequirement = z.infer<typeof DocumentRequirementSchema>;
export type ProcessingStep = z.infer<typeof ProcessingStepSchema>;
export type OnlineMode = z.infer<typeof OnlineModeSchema>;
export type ProcedureStatus = z.infer<typeof ProcedureStatusSchema>;
export type Procedure = z.infer<typeof ProcedureSchema>;

/** Form fields a fee kind reads its quantities from (convention shared with `fees.ts`). */
export const QUANTITY_FIELDS = { pages: 'soTrang', copies: 'soBanSao' } as const;

function duplicates(values: string[]): Set<number> {
  const seen = new Set<string>();
  const repeated = new Set<number>();
  values.forEach((value, index) => {
    if (seen.has(value)) repeated.add(index);
    seen.add(value);
  });
  return repeated;
}

/** Cross-field rules of a procedure that its shape alone cannot express. */
function procedureErrors(procedure: z.infer<typeof ProcedureFields>): FieldError[] {
  const errors: FieldError[] = [];
  if (procedure.validTo !== undefined && procedure.validTo < procedure.validFrom) {
    errors.push({ path: 'validTo', message: 'must not be before validFrom' });
  }
  for (const index of duplicates(procedure.fees.map((fee) => fee.code))) {
    errors.push({ path: `fees.${index}.code`, message: 'duplicate fee code' });
  }
  for (const index of duplicates(procedure.requirements.map((requirement) => requirement.code))) {
    errors.push({ path: `requirements.${index}.code`, message: 'duplicate requirement code' });
  }
  for (const index of duplicates(procedure.agencyCodes)) {
    errors.push({ path: `agencyCodes.${index}`, message: 'duplicate agency code' });
  }
  for (const index of duplicates(procedure.levels)) {
    errors.push({ path: `levels.${index}`, message: 'duplicate level' });
  }
  const days = procedure.processingTime.kind === 'working_days' ? procedure.processingTime.days : undefined;
  if (days !== undefined && procedure.legalMaxWorkingDays !== undefined && procedure.legalMaxWorkingDays < days) {
    errors.push({ path: 'legalMaxWorkingDays', message: 'must not be less than the processing time' });
  }
  if (days !== undefined && procedure.steps !== undefined) {
    const allotted = procedure.steps.reduce((sum, step) => sum + step.allottedWorkingDays, 0);
    if (allotted > days) {
      errors.push({ path: 'steps', message: `steps allot ${allotted} working days, more than the ${days} promised` });
    }
  }
  const needs = new Set<string>();
  for (const fee of procedure.fees) {
    if (fee.kind === 'per_page') {
      needs.add(QUANTITY_FIELDS.pages);
      needs.add(QUANTITY_FIELDS.copies);
    }
    if (fee.kind === 'per_copy') needs.add(QUANTITY_FIELDS.copies);
  }
  for (const name of needs) {
    const field = Object.hasOwn(procedure.formSchema.properties, name)
      ? procedure.formSchema.properties[name]
      : undefined;
    if (field?.type !== 'integer' || !(procedure.formSchema.required ?? []).includes(name)) {
      errors.push({
        path: `formSchema.properties.${name}`,
        message: `the fees need a required integer field '${name}' in the form`,
      });
    } else if (field.minimum === undefined || field.minimum < 1) {
      errors.push({ path: `formSchema.properties.${name}.minimum`, message: 'must be at least 1' });
    }
  }
  return errors;
}
