/**
 * The dossier as the dossiers context keeps it: the published snapshot (events.ts) plus what no other context
 * needs to see (form data, the procedure's timing rules, where a pause returns to, apology letters).
 */
import * as z from 'zod';
import type { ProcessingTime } from '#calendar/index.ts';
import {
  type Actor,
  type Channel,
  type DossierSnapshot,
  type DossierStatus,
  type FeeLine,
  isSnapshotHistoryEntry,
  type SubmittedDocument,
} from '../events.ts';

/** An apology letter (phiếu xin lỗi): the agency promises a later date; the old one is kept. */
export interface Apology {
  at: string;
  newAppointmentAt: string;
  previousAppointmentAt: string;
  reason: string;
  by: Actor;
}

export interface Dossier extends DossierSnapshot {
  formData: Record<string, unknown>;
  idempotencyKey?: string;
  /** The procedure's processing time, copied at submission so later catalog edits do not move this dossier. */
  processingTime: ProcessingTime;
  /** The procedure requires the fees to be paid before the desk may receive the dossier. */
  payBeforeReception: boolean;
  /** Where a supplementation or payment pause returns to when it is over. */
  statusBeforePause?: DossierStatus;
  apologies: Apology[];
}

/**
 * Who is acting, as the lifecycle sees it: an official's role, the applicant (`owner`), or another context
 * (`system`, e.g. the payments context reporting a completed payment).
 */
export type ActorRole = 'officer' | 'leader' | 'admin' | 'owner' | 'system';

/** Statuses after which nothing changes except the applicant's feedback. */
export const FINAL_STATUSES: readonly DossierStatus[] = ['rejected', 'withdrawn', 'stopped', 'returned'];

export function isFinal(status: DossierStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * The dossier as events carry it: without form data and the context's own bookkeeping, and of the history only
 * the entries other contexts read (`isSnapshotHistoryEntry`: events.ts says which and why).
 */
export function toSnapshot(dossier: Dossier): DossierSnapshot {
  const {
    formData: _formData,
    idempotencyKey: _idempotencyKey,
    processingTime: _processingTime,
    payBeforeReception: _payBeforeReception,
    statusBeforePause: _statusBeforePause,
    apologies: _apologies,
    ...snapshot
  } = dossier;
  return structuredClone({ ...snapshot, history: snapshot.history.filter(isSnapshotHistoryEntry) });
}

const text = (max: number) => z.string().trim().min(1).max(max);
const common = { note: text(2000).optional(), reason: text(2000).optional() };

const submittedDocumentSchema = z.object({
  requirementCode: text(64),
  documentId: text(128),
  digitized: z.boolean().default(false),
  reused: z.boolean().default(false),
});

const feeLineSchema = z.object({ code: text(64), name: text(300), amount: z.int().nonnegative() });

const resultSchema = z.object({
  documentId: text(128).optional(),
  number: text(100),
  signer: text(200),
  issuedBy: text(200),
  signedAt: z.iso.datetime({ offset: true }),
  documentType: text(100).optional(),
  electronic: z.boolean(),
});

/**
 * Every action on a dossier. Officials send most of them to `POST /dossiers/{code}/actions`; the owner's
 * supplement, withdraw and feedback have their own routes; `payment-completed` comes from the payments context.
 * Whether a reason is required depends on the action and is checked against the transition table.
 */
export const dossierActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('receive'), ...common }),
  z.object({ type: z.literal('reject'), ...common }),
  z.object({ type: z.literal('request-supplement'), ...common }),
  z.object({
    type: z.literal('supplement'),
    ...common,
    documents: z.array(submittedDocumentSchema).max(100).optional(),
    formData: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ type: z.literal('start-processing'), ...common }),
  z.object({
    type: z.literal('transfer'),
    ...common,
    toAgencyCode: text(64),
    /** Needed when the procedure did not plan a step at that agency; half days allowed. */
    allottedWorkingDays: z.number().min(0).max(365).multipleOf(0.5).optional(),
  }),
  z.object({
    type: z.literal('request-payment'),
    ...common,
    /** Alone: one obligation line of this amount. With `fees`: must equal their total. */
    amount: z.int().positive().optional(),
    /** Replaces the dossier's fee lines. Without either, the fees known at submission are requested. */
    fees: z.array(feeLineSchema).min(1).max(50).optional(),
  }),
  z.object({
    type: z.literal('payment-completed'),
    ...common,
    paymentId: text(128),
    amount: z.int().nonnegative(),
    paidOnline: z.boolean().default(true),
    /** The receipt (biên lai) the payment was given, from the payments context's one series. */
    receipt: z.object({ number: text(64), issuedAt: text(40) }).optional(),
  }),
  z.object({ type: z.literal('resolve'), ...common, result: resultSchema }),
  z.object({
    type: z.literal('return-result'),
    ...common,
    /** Where the result went; without it, the way the applicant chose at submission (resultDelivery). */
    returnedTo: z.enum(['counter', 'post', 'online']).optional(),
    /** At the counter: who collected it, from the identity document the official checked (required there). */
    collectedBy: z
      .object({
        name: text(200),
        idNumber: z.string().regex(/^\d{12}$/, 'must be the 12-digit personal identification number'),
        /** Someone other than the applicant: the power of attorney (giấy ủy quyền) they showed. */
        authorization: text(500).optional(),
      })
      .optional(),
  }),
  z.object({ type: z.literal('stop'), ...common }),
  z.object({ type: z.literal('withdraw'), ...common }),
  z.object({
    type: z.literal('apologize'),
    ...common,
    /** `YYYY-MM-DD` (same time of day as the current appointment) or a date-time with offset. */
    newAppointmentDate: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  }),
  z.object({
    type: z.literal('feedback'),
    ...common,
    rating: z.enum(['satisfied', 'neutral', 'dissatisfied']),
    comment: text(2000).optional(),
  }),
]);

export type DossierAction = z.input<typeof dossierActionSchema>;
export type DossierActionType = DossierAction['type'];
export type ParsedDossierAction = z.output<typeof dossierActionSchema>;

/** A step the procedure plans for inter-agency (liên thông) dossiers, in order. */
export interface PlannedStep {
  agencyCode: string;
  /** Working days of office time, halves allowed (1.5 + 1.5 of a 3-day procedure). */
  allottedWorkingDays: number;
}

/** What `createDossier` needs: a validated submission plus the procedure snapshot and the assigned code. */
export interface NewDossierInput {
  code: string;
  agencyCode: string;
  /** The desk that took it in at its counter or by post, when not the competent agency's own. */
  receivingAgencyCode?: string;
  channel: Channel;
  applicant: DossierSnapshot['applicant'];
  authenticatedWithVneid: boolean;
  formData: Record<string, unknown>;
  documents: SubmittedDocument[];
  resultDelivery: DossierSnapshot['resultDelivery'];
  idempotencyKey?: string;
  procedure: {
    code: string;
    name: string;
    version: number;
    field: string;
    processingTime: ProcessingTime;
    payBeforeReception: boolean;
    resultType: DossierSnapshot['resultType'];
    fees: FeeLine[];
    legalMaxWorkingDays?: number;
    /** Waiting for the financial obligation is the applicant's time (catalog `paymentPausesClock`). */
    paymentPausesClock?: boolean;
    steps?: PlannedStep[];
  };
}
