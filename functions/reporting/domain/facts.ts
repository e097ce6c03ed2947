/**
 * The dossier fact: the little reporting keeps per dossier, derived from the snapshot every dossier event carries.
 *
 * Counters are never incremented by event type. Each event replaces the dossier's fact with one derived from its
 * snapshot, and the counters move by the difference between what the old fact and the new fact contribute
 * (counters.ts, period.ts). So a duplicate event changes nothing and a stale one is dropped by `shouldApply`: the
 * counters always equal the sum over the newest fact of every dossier, whatever the delivery order.
 */
import * as z from 'zod';
import { DOSSIER_STATUSES, type DossierSnapshot, type DossierStatus } from '#dossiers/events.ts';
import { DAY_MS, toMinutes, toMs, weekdayTimeBetween } from './time.ts';

export const FINAL_TIMELINESS = ['early', 'on_time', 'late'] as const;
export type FinalTimeliness = (typeof FINAL_TIMELINESS)[number];

export const FEEDBACK_RATINGS = ['satisfied', 'neutral', 'dissatisfied'] as const;

export const dossierFactSchema = z.object({
  code: z.string().min(1),
  agencyCode: z.string().min(1),
  procedureCode: z.string().min(1),
  field: z.string(),
  channel: z.enum(['in_person', 'online', 'post']),
  status: z.enum(DOSSIER_STATUSES),
  submittedAt: z.string(),
  receivedAt: z.string().nullable(),
  appointmentAt: z.string().nullable(),
  /** End of processing under the national rule; null while processing or for a withdrawal before reception. */
  endedAt: z.string().nullable(),
  /** When the dossier left the pipeline for good: the end of processing, or a withdrawal before reception. */
  closedAt: z.string().nullable(),
  supplements: z.array(z.object({ requestedAt: z.string(), completedAt: z.string().nullable() })),
  feeTotal: z.number().int().nonnegative(),
  paidOnline: z.boolean(),
  documentCount: z.number().int().nonnegative(),
  digitizedDocuments: z.number().int().nonnegative(),
  reusedDocuments: z.number().int().nonnegative(),
  resultType: z.enum(['electronic', 'paper']),
  hasResult: z.boolean(),
  electronicResult: z.boolean(),
  /** The result exists as a file (electronic, or a scanned paper result). */
  resultDigitized: z.boolean(),
  feedbackRating: z.enum(FEEDBACK_RATINGS).nullable(),
  complained: z.boolean(),
  timeliness: z.enum(FINAL_TIMELINESS).nullable(),
  /** Working time from reception to the end, less the applicant's supplementation time; null while open. */
  handlingMinutes: z.number().int().nonnegative().nullable(),
  /** Highest dossier version pushed to the national portal, carried across facts (set by the sync worker). */
  syncedSequence: z.number().int().nullable(),
  lastSequence: z.number().int(),
});
export type DossierFact = z.infer<typeof dossierFactSchema>;

/** How working time is measured (ms between two instants); inject the province calendar's `workingTimeBetween`. */
export type WorkingTimeMeasure = (from: Date, to: Date) => number;

export interface FactOptions {
  /** Defaults to Monday–Friday in GMT+7 without public holidays. */
  workingTime?: WorkingTimeMeasure;
  /** Carried from the previous fact: the sync state is reporting's, not the snapshot's. */
  syncedSequence?: number | null;
}

const ENDING_STATUSES: ReadonlySet<DossierStatus> = new Set([
  'resolved',
  'returned',
  'rejected',
  'stopped',
  'withdrawn',
]);

/** Statuses whose processing finished with a result (the population of the average handling time, 2.2). */
export const RESOLVED_STATUSES: ReadonlySet<DossierStatus> = new Set(['resolved', 'returned']);

/** The fact a dossier event's snapshot gives, tagged with the event's sequence (the dossier's version). */
export function factFromSnapshot(snapshot: DossierSnapshot, sequence: number, options: FactOptions = {}): DossierFact {
  const measure = options.workingTime ?? weekdayTimeBetween;
  const closedAt = closingTime(snapshot);
  // Withdrawal ends processing only for a received dossier (national rule); before that nothing was processed.
  const endedAt = closedAt !== null && (snapshot.status !== 'withdrawn' || snapshot.receivedAt) ? closedAt : null;
  const supplements = snapshot.supplements.map((round) => ({
    requestedAt: round.requestedAt,
    completedAt: round.completedAt ?? null,
  }));
  const handlingMinutes =
    endedAt === null ? null : handlingTime(snapshot.receivedAt ?? snapshot.submittedAt, endedAt, supplements, measure);
  const result = snapshot.result;
  const complaints = (snapshot as DossierSnapshot & { complaints?: readonly unknown[] }).complaints;
  return {
    code: snapshot.code,
    agencyCode: snapshot.agencyCode,
    procedureCode: snapshot.procedureCode,
    field: snapshot.field,
    channel: snapshot.channel,
    status: snapshot.status,
    submittedAt: snapshot.submittedAt,
    receivedAt: snapshot.receivedAt ?? null,
    appointmentAt: snapshot.appointmentAt ?? null,
    endedAt,
    closedAt,
    supplements,
    feeTotal: snapshot.feeTotal,
    paidOnline: snapshot.paidOnline,
    documentCount: snapshot.documents.length,
    digitizedDocuments: snapshot.documents.filter((document) => document.digitized).length,
    reusedDocuments: snapshot.documents.filter((document) => document.reused).length,
    resultType: snapshot.resultType,
    hasResult: result !== undefined,
    electronicResult: result?.electronic === true,
    resultDigitized: result !== undefined && (result.electronic || result.documentId !== undefined),
    feedbackRating: snapshot.feedback?.rating ?? null,
    complained: (complaints?.length ?? 0) > 0,
    timeliness:
      endedAt === null
        ? null
        : timelinessAtEnd({
            endedAt,
            appointmentAt: snapshot.appointmentAt ?? null,
            supplementRounds: supplements.length,
            handlingMinutes,
            legalMaxWorkingDays: snapshot.legalMaxWorkingDays,
          }),
    handlingMinutes,
    syncedSequence: options.syncedSequence ?? null,
    lastSequence: sequence,
  };
}

/** Events arrive at least once and in any order: only a newer version of the dossier replaces its fact. */
export function shouldApply(existing: DossierFact | undefined, sequence: number): boolean {
  return existing === undefined || sequence > existing.lastSequence;
}

/** The fact after a successful push of version `sequence` to the national portal (idempotent, never goes back). */
export function markSynced(fact: DossierFact, sequence: number): DossierFact {
  const syncedSequence = Math.max(fact.syncedSequence ?? sequence, sequence);
  return syncedSequence === fact.syncedSequence ? fact : { ...fact, syncedSequence };
}

/** The portal holds the dossier's current state (indicator 1.4 counts these). */
export function isSynced(fact: DossierFact): boolean {
  return fact.syncedSequence !== null && fact.syncedSequence >= fact.lastSequence;
}

function closingTime(snapshot: DossierSnapshot): string | null {
  if (!ENDING_STATUSES.has(snapshot.status)) return null;
  if (snapshot.endedAt) return snapshot.endedAt;
  // "End = the first of resolved, returned, stopped/rejected": the earliest ending transition in the history.
  let earliest: string | null = null;
  for (const entry of snapshot.history) {
    if (ENDING_STATUSES.has(entry.to) && (earliest === null || toMs(entry.at) < toMs(earliest))) earliest = entry.at;
  }
  return earliest ?? snapshot.rejectedAt ?? snapshot.returnedAt ?? snapshot.submittedAt;
}

function handlingTime(
  start: string,
  end: string,
  supplements: DossierFact['supplements'],
  measure: WorkingTimeMeasure,
): number {
  const startMs = toMs(start);
  const endMs = toMs(end);
  let total = measure(new Date(startMs), new Date(endMs));
  // The applicant's supplementation time is not the agency's (national rule), clipped to the handling window.
  for (const round of supplements) {
    const from = Math.max(toMs(round.requestedAt), startMs);
    const to = Math.min(round.completedAt === null ? endMs : toMs(round.completedAt), endMs);
    if (to > from) total -= measure(new Date(from), new Date(to));
  }
  return toMinutes(Math.max(0, total));
}

export interface TimelinessInput {
  endedAt: string;
  appointmentAt: string | null;
  supplementRounds: number;
  handlingMinutes: number | null;
  legalMaxWorkingDays?: number;
}

/**
 * The national timeliness rule for a finished dossier. The appointment compared against is the dossier's current
 * one, which the dossiers context has already moved by each supplementation pause (so pause time is not counted
 * twice) and which is what the portal receives as the appointment date. More than one supplementation request
 * makes a dossier late. Without an appointment, handling time (reception to end, less pauses) is compared with the
 * legal maximum; with neither, nothing can be missed and the dossier is on time.
 */
export function timelinessAtEnd(input: TimelinessInput): FinalTimeliness {
  if (input.supplementRounds > 1) return 'late';
  if (input.appointmentAt !== null) {
    const end = toMs(input.endedAt);
    const appointment = toMs(input.appointmentAt);
    if (end < appointment) return 'early';
    return end === appointment ? 'on_time' : 'late';
  }
  if (input.legalMaxWorkingDays !== undefined && input.handlingMinutes !== null) {
    return input.handlingMinutes * 60_000 <= input.legalMaxWorkingDays * DAY_MS ? 'on_time' : 'late';
  }
  return 'on_time';
}
