/**
 * Timeliness by the national rule (domain.md, "Timeliness"), computed from the fields every dossier event
 * carries, so that the reporting context can classify snapshots exactly as the dossiers context does.
 *
 * - Nothing is classified before reception.
 * - End of processing = the first of resolved, returned, stopped, rejected, or withdrawn after reception
 *   (`endedAt`; a withdrawal before reception never sets it). A supplementation still outstanding at that
 *   end, or at `asOf`, makes its request time the end.
 * - The applicant's supplementation time does not count against the agency; more than one supplementation
 *   request (after reception) makes the dossier late.
 * - With an appointment date the dossier is judged against its legal due date: the appointment fixed at
 *   reception, moved by each completed supplementation pause. An apology letter's new date is a promise to the
 *   applicant, not an excuse: a dossier resolved after its legal due date stays late.
 * - Without an appointment date: on time if the working time from reception to the end, less the
 *   supplementation time, is at most the legal maximum (`legalMaxWorkingDays`; none → never late).
 *
 * Everything is evaluated "as of" an instant: events after it are ignored, so the same function answers for the
 * present and for the end of a past reporting period.
 */
import { DAY_MS, extendForPause, toLocalDate, type WorkingCalendar, workingTimeBetween } from '#calendar/index.ts';
import type { DossierSnapshot, SupplementRound, Timeliness } from '../events.ts';

/** The fields the rule reads (a `Dossier` or a `DossierSnapshot` both fit). */
export type TimelinessInput = Pick<
  DossierSnapshot,
  | 'receivedAt'
  | 'appointmentAt'
  | 'previousAppointments'
  | 'endedAt'
  | 'returnedAt'
  | 'rejectedAt'
  | 'supplements'
  | 'legalMaxWorkingDays'
>;

/** How an unfinished or finished dossier stands at the end of a reporting period. */
export type PeriodClassification =
  | 'early'
  | 'on_time'
  | 'late'
  | 'in_progress_on_time'
  | 'in_progress_overdue'
  | 'paused_on_time'
  | 'paused_overdue';

interface Assessment {
  ended: boolean;
  /** A supplementation is outstanding at the end (or at asOf for an unfinished dossier). */
  paused: boolean;
  late: boolean;
  early: boolean;
}

const ms = (iso: string): number => Date.parse(iso);

function firstDefinedEnd(d: TimelinessInput): number | undefined {
  const ends = [d.endedAt, d.rejectedAt, d.returnedAt].filter((v): v is string => v !== undefined).map(ms);
  return ends.length === 0 ? undefined : Math.min(...ends);
}

/** Rounds requested after reception and no later than `asOf` (earlier ones ran no clock). */
function roundsSinceReception(d: TimelinessInput, receivedAt: number, asOf: number): SupplementRound[] {
  return d.supplements.filter((r) => ms(r.requestedAt) >= receivedAt && ms(r.requestedAt) <= asOf);
}

function isCompletedBy(round: SupplementRound, instant: number): boolean {
  return round.completedAt !== undefined && ms(round.completedAt) <= instant;
}

/**
 * The date against which timeliness is judged: the appointment fixed at reception, moved by each supplementation
 * completed by `asOf`. `undefined` when the dossier has no appointment date. Apologies do not move it.
 */
export function legalDueAt(d: TimelinessInput, asOf: Date, cal: WorkingCalendar): Date | undefined {
  // Every move (supplementation or apology) pushes the date it replaces, so the first one is reception's.
  const original = d.previousAppointments[0] ?? d.appointmentAt;
  if (original === undefined || d.receivedAt === undefined) return undefined;
  let due = new Date(original);
  for (const round of roundsSinceReception(d, ms(d.receivedAt), asOf.getTime())) {
    if (isCompletedBy(round, asOf.getTime())) {
      due = extendForPause(due, new Date(round.requestedAt), new Date(round.completedAt!), cal);
    }
  }
  return due;
}

function assess(d: TimelinessInput, asOf: Date, cal: WorkingCalendar): Assessment | null {
  if (d.receivedAt === undefined) return null;
  const receivedAt = ms(d.receivedAt);
  const horizon = asOf.getTime();
  if (receivedAt > horizon) return null;

  const endOfProcessing = firstDefinedEnd(d);
  const ended = endOfProcessing !== undefined && endOfProcessing <= horizon;
  const until = ended ? endOfProcessing : horizon;
  const rounds = roundsSinceReception(d, receivedAt, until);
  const outstanding = rounds.find((r) => !isCompletedBy(r, until));
  const end = outstanding ? ms(outstanding.requestedAt) : until;
  const completed = rounds.filter((r) => isCompletedBy(r, end));
  const tooManyRounds = rounds.length > 1;

  const due = legalDueAt(d, new Date(end), cal);
  if (due !== undefined) {
    const late = tooManyRounds || end > due.getTime();
    const early = !late && toLocalDate(new Date(end)) < toLocalDate(due);
    return { ended, paused: outstanding !== undefined, late, early };
  }

  let counted = workingTimeBetween(new Date(receivedAt), new Date(end), cal);
  for (const round of completed) {
    counted -= workingTimeBetween(new Date(round.requestedAt), new Date(round.completedAt!), cal);
  }
  const overMaximum = d.legalMaxWorkingDays !== undefined && counted > d.legalMaxWorkingDays * DAY_MS;
  return { ended, paused: outstanding !== undefined, late: tooManyRounds || overMaximum, early: false };
}

/**
 * The dossier's timeliness as of `asOf`: final (early / on_time / late) once processing has ended, otherwise
 * `paused` while a supplementation is outstanding, else in progress on time or overdue. `null` before reception.
 */
export function computeTimeliness(d: TimelinessInput, asOf: Date, cal: WorkingCalendar): Timeliness | null {
  const a = assess(d, asOf, cal);
  if (a === null) return null;
  if (a.ended) return a.late ? 'late' : a.early ? 'early' : 'on_time';
  if (a.paused) return 'paused';
  return a.late ? 'in_progress_overdue' : 'in_progress_on_time';
}

/**
 * How a dossier counts in a report for the period ending at `periodEnd`: its final timeliness if processing
 * ended by then, otherwise in progress or paused (a supplementation outstanding at the period end counts its
 * request time as the end), each within time or overdue. `null` for a dossier not received by `periodEnd`.
 */
export function classifyAtPeriodEnd(
  d: TimelinessInput,
  periodEnd: Date,
  cal: WorkingCalendar,
): PeriodClassification | null {
  const a = assess(d, periodEnd, cal);
  if (a === null) return null;
  if (a.ended) return a.late ? 'late' : a.early ? 'early' : 'on_time';
  if (a.paused) return a.late ? 'paused_overdue' : 'paused_on_time';
  return a.late ? 'in_progress_overdue' : 'in_progress_on_time';
}
