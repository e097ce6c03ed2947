/**
 * The dossier fact: the little reporting keeps per dossier, derived from the snapshot every dossier event carries.
 *
 * Counters are never incremented by event type. Each event replaces the dossier's fact with one derived from its
 * snapshot, and the counters move by the difference between what the old fact and the new fact contribute
 * (counters.ts, period.ts). So a duplicate event changes nothing and a stale one is dropped by `shouldApply`: the
 * counters always equal the sum over the newest fact of every dossier, whatever the delivery order.
 */
import * as z from 'zod';
import { createWorkingCalendar } from '#calendar/calendar.ts';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import {
  FINAL_TIMELINESS,
  finalTimeliness,
  handlingMinutes,
  OPEN_TIMELINESS,
  openStateChanges,
  type TimelinessRules,
} from '#calendar/timeliness.ts';
import { DOSSIER_STATUSES, type DossierSnapshot, type DossierStatus } from '#dossiers/events.ts';
import { toMs } from './time.ts';

export { FINAL_TIMELINESS, type FinalTimeliness } from '#calendar/timeliness.ts';

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
  /** The kernel's final timeliness (packages/calendar/src/timeliness.ts); null while open or never received. */
  timeliness: z.enum(FINAL_TIMELINESS).nullable(),
  /** Office minutes from reception to the end, less the applicant's pauses (kernel); null while open. */
  handlingMinutes: z.number().int().nonnegative().nullable(),
  /**
   * The kernel's open-state step function (`openStateChanges`): stored with the fact so that retracting an old
   * fact removes exactly the points it added, whatever the calendar says by then.
   */
  openStates: z.array(z.object({ at: z.string(), state: z.enum(OPEN_TIMELINESS).nullable() })),
  /** Highest dossier version pushed to the national portal, carried across facts (set by the sync worker). */
  syncedSequence: z.number().int().nullable(),
  lastSequence: z.number().int(),
});
export type DossierFact = z.infer<typeof dossierFactSchema>;

/** The built-in national calendar with the default office hours, for callers that do not pass the province's. */
const NATIONAL_RULES: TimelinessRules = { calendar: createWorkingCalendar(VIETNAM_CALENDAR_2025_2027) };

export interface FactOptions {
  /** The province's calendar and office hours; defaults to the built-in national calendar, default hours. */
  rules?: TimelinessRules;
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
  const rules = options.rules ?? NATIONAL_RULES;
  const closedAt = closingTime(snapshot);
  // Only a received dossier is processed, so only its closing ends processing (rejected at reception and
  // withdrawn before reception never started): the kernel's population rule, docs/timeliness.md rule 10.
  const endedAt = closedAt !== null && snapshot.receivedAt !== undefined ? closedAt : null;
  const supplements = snapshot.supplements.map((round) => ({
    requestedAt: round.requestedAt,
    completedAt: round.completedAt ?? null,
  }));
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
    // The kernel is handed the end found here (an older snapshot may lack endedAt; the history still has it),
    // so the verdict and the fact's own endedAt can never disagree.
    timeliness: endedAt === null ? null : finalTimeliness({ ...snapshot, endedAt }, rules),
    handlingMinutes: endedAt === null ? null : handlingMinutes({ ...snapshot, endedAt }, rules),
    openStates: openStateChanges(snapshot, rules),
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
