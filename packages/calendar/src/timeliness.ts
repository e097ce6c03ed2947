/**
 * Timeliness of a dossier: THE one implementation. The dossier view (GET /dossiers/{code}), the reporting facts
 * and counters, the period-end classification of open dossiers and the national index all call this module, so
 * they cannot disagree about a dossier. docs/timeliness.md lists the hand-worked cases, each one a unit test.
 *
 * Sources (article numbers as cited by provincial guidance; check the official text before quoting them):
 * - Decree 61/2018/NĐ-CP on the one-stop mechanism, as amended by Decree 107/2021/NĐ-CP: the appointment
 *   slip at reception, the supplementation request, and the apology letter with a new date for a result that
 *   will be late ("phiếu xin lỗi và hẹn lại ngày trả kết quả"); Circular 01/2018/TT-VPCP, its implementing
 *   circular. The same-day rule ("received after 15:00 → due the next working day") is the one domain.md gives.
 * - Decision 766/QĐ-TTg (2023) indicators 2.1 (on-time rate) and 5.4, and the national portal's statistics
 *   rules as summarized in ../shared/brief/domain.md ("Timeliness", "Time, office hours and precision"):
 *   early = ended on a day before the appointment date; on time = ended on the appointment date at or before
 *   the appointment minute; late = after it; end of processing = the first of resolved, returned, stopped,
 *   rejected (withdrawal only for a received dossier); an outstanding supplementation's request time is the end;
 *   the applicant's supplementation time does not count; more than one supplementation request makes the dossier
 *   late; without an appointment, on time if the office time from reception to the end, less supplementation
 *   time, is within the legal maximum; unfinished dossiers at a period end are in progress / paused, each within
 *   time or overdue.
 * - Nghệ An People's Committee dispatch 3170 (waiting for the applicant's financial obligation, e.g. land
 *   procedures): the applicant's time, paused like supplementation, where the procedure says so.
 *
 * The rule, as implemented:
 * 1. Every instant is truncated to the minute (GMT+7; seconds never decide).
 * 2. Only received dossiers are classified: rejected at reception and withdrawn before reception give `null`
 *    everywhere (they are not in the population of 2.1).
 * 3. The end of processing is the earliest of endedAt (resolved, stopped, withdrawn after reception),
 *    returnedAt and rejectedAt. If a pause is outstanding at the end (or at the instant asked about, for an
 *    open dossier), its start is the end.
 * 4. The legal due instant is the appointment fixed at reception (the first of `previousAppointments`, else
 *    `appointmentAt`), moved by each completed pause by the office time it consumed (deadline.ts). Without an
 *    appointment date it is the counting start plus the legal maximum in office time, moved the same way; with
 *    neither, nothing can be missed. An apology letter's date is the promise to the citizen and never the legal
 *    due: a dossier with an apology letter is late (overdue from the letter while open).
 * 5. Late if: more than one supplementation request, or an apology letter, or end > due (to the minute). Else
 *    early if the end's date is before the due date (only for an appointment date), else on time.
 * 6. Pauses: every supplementation request (after reception) until its completion; waiting for payment
 *    (payment_requested until the next transition) only when the procedure says so (`paymentPausesClock`).
 */
import type { WorkingCalendar } from './calendar.ts';
import {
  addOfficeMinutes,
  countingStart,
  extendForPause,
  type OfficeHours,
  officeMinutesBetween,
  toMinute,
  workingDaysToMinutes,
} from './deadline.ts';
import { toLocalDate } from './time.ts';

/** The fields the rule reads: the dossiers context's snapshot (and its stored dossier) fit this shape. */
export interface TimelineDossier {
  status: string;
  receivedAt?: string;
  appointmentAt?: string;
  /** Every appointment replaced (by a pause or an apology), oldest first: the first is reception's. */
  previousAppointments: readonly string[];
  endedAt?: string;
  returnedAt?: string;
  rejectedAt?: string;
  legalMaxWorkingDays?: number;
  supplements: readonly { requestedAt: string; completedAt?: string }[];
  /** Transitions in order: apology letters (`apologize`) and payment waits (status `payment_requested`). */
  history: readonly { at: string; action: string; from: string | null; to: string }[];
  /** The procedure counts waiting for the applicant's financial obligation as the applicant's time. */
  paymentPausesClock?: boolean;
}

/** The province's working calendar and office hours: everything the rule needs besides the dossier. */
export interface TimelinessRules {
  calendar: WorkingCalendar;
  hours?: OfficeHours;
}

export const FINAL_TIMELINESS = ['early', 'on_time', 'late'] as const;
export type FinalTimeliness = (typeof FINAL_TIMELINESS)[number];
export const OPEN_TIMELINESS = [
  'in_progress_on_time',
  'in_progress_overdue',
  'paused_on_time',
  'paused_overdue',
] as const;
export type OpenTimeliness = (typeof OPEN_TIMELINESS)[number];
export type TimelinessState = FinalTimeliness | OpenTimeliness;

interface Pause {
  kind: 'supplement' | 'payment';
  from: number;
  /** undefined: still outstanding. */
  to: number | undefined;
}

/** The dossier reduced to minutes, as the rule sees it. */
interface Timeline {
  received: number;
  /** End of processing (before any adjustment for an outstanding pause). */
  end: number | undefined;
  appointment: number | undefined;
  legalMaxMinutes: number | undefined;
  pauses: Pause[];
  supplementRequests: number[];
  apologies: number[];
}

const minuteOf = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO 8601 instant: ${iso}`);
  return toMinute(ms);
};

function timelineOf(d: TimelineDossier, hours: OfficeHours): Timeline | null {
  if (d.receivedAt === undefined || d.status === 'rejected') return null;
  const received = minuteOf(d.receivedAt);
  const ends = [d.endedAt, d.returnedAt, d.rejectedAt].filter((v): v is string => v !== undefined).map(minuteOf);
  const end = ends.length === 0 ? undefined : Math.min(...ends);
  const original = d.previousAppointments[0] ?? d.appointmentAt;
  const pauses: Pause[] = [];
  const supplementRequests: number[] = [];
  for (const round of d.supplements) {
    const from = minuteOf(round.requestedAt);
    // A request before reception (a supplementation asked by the desk) ran no clock.
    if (from < received) continue;
    supplementRequests.push(from);
    pauses.push({
      kind: 'supplement',
      from,
      to: round.completedAt === undefined ? undefined : minuteOf(round.completedAt),
    });
  }
  const apologies: number[] = [];
  let paymentFrom: number | undefined;
  for (const entry of d.history) {
    const at = minuteOf(entry.at);
    if (entry.action === 'apologize') apologies.push(at);
    if (!d.paymentPausesClock || at < received) continue;
    if (entry.from === 'payment_requested' && paymentFrom !== undefined) {
      pauses.push({ kind: 'payment', from: paymentFrom, to: at });
      paymentFrom = undefined;
    }
    if (entry.to === 'payment_requested' && entry.from !== 'payment_requested') paymentFrom = at;
  }
  if (paymentFrom !== undefined) pauses.push({ kind: 'payment', from: paymentFrom, to: undefined });
  pauses.sort((a, b) => a.from - b.from);
  return {
    received,
    end,
    appointment: original === undefined ? undefined : minuteOf(original),
    legalMaxMinutes:
      original === undefined && d.legalMaxWorkingDays !== undefined
        ? workingDaysToMinutes(d.legalMaxWorkingDays, hours)
        : undefined,
    pauses,
    supplementRequests,
    apologies,
  };
}

/** The legal due instant as of `asOf` (pauses completed by then applied), or undefined when nothing is due. */
function dueAt(t: Timeline, asOf: number, cal: WorkingCalendar, hours: OfficeHours): number | undefined {
  let due: Date;
  if (t.appointment !== undefined) due = new Date(t.appointment);
  else if (t.legalMaxMinutes !== undefined) {
    due = addOfficeMinutes(countingStart(new Date(t.received), cal, hours), t.legalMaxMinutes, cal, hours);
  } else return undefined;
  for (const pause of t.pauses) {
    if (pause.to !== undefined && pause.to <= asOf) {
      due = extendForPause(due, new Date(pause.from), new Date(pause.to), cal, hours);
    }
  }
  return due.getTime();
}

interface Assessment {
  ended: boolean;
  paused: boolean;
  late: boolean;
  early: boolean;
  /** The end the rule used (an outstanding pause's start, or the instant asked about for an open dossier). */
  effectiveEnd: number;
  due: number | undefined;
}

function assess(t: Timeline, asOf: number, cal: WorkingCalendar, hours: OfficeHours): Assessment | null {
  if (t.received > asOf) return null;
  const ended = t.end !== undefined && t.end <= asOf;
  const horizon = ended ? t.end! : asOf;
  const outstanding = t.pauses.find((p) => p.from <= horizon && (p.to === undefined || p.to > horizon));
  const effectiveEnd = outstanding ? outstanding.from : horizon;
  const due = dueAt(t, effectiveEnd, cal, hours);
  const tooManyRequests = t.supplementRequests.filter((at) => at <= horizon).length > 1;
  const apologized = t.apologies.some((at) => at <= horizon);
  const late = tooManyRequests || apologized || (due !== undefined && effectiveEnd > due);
  const early =
    !late &&
    t.appointment !== undefined &&
    due !== undefined &&
    toLocalDate(new Date(effectiveEnd)) < toLocalDate(new Date(due));
  return { ended, paused: outstanding !== undefined, late, early, effectiveEnd, due };
}

function stateOf(a: Assessment): TimelinessState {
  if (a.ended) return a.late ? 'late' : a.early ? 'early' : 'on_time';
  if (a.paused) return a.late ? 'paused_overdue' : 'paused_on_time';
  return a.late ? 'in_progress_overdue' : 'in_progress_on_time';
}

function rulesOf(rules: TimelinessRules): { cal: WorkingCalendar; hours: OfficeHours } {
  return { cal: rules.calendar, hours: rules.hours ?? rules.calendar.officeHours };
}

/**
 * The dossier's timeliness as of `asOf`: final (early / on_time / late) once processing has ended by then,
 * otherwise in progress or paused, each within time or overdue. `null` for a dossier not received (by `asOf`).
 * The same function classifies a period's open dossiers: pass the period's last minute.
 */
export function timelinessAt(d: TimelineDossier, asOf: Date, rules: TimelinessRules): TimelinessState | null {
  const { cal, hours } = rulesOf(rules);
  const t = timelineOf(d, hours);
  if (t === null) return null;
  const a = assess(t, toMinute(asOf), cal, hours);
  return a === null ? null : stateOf(a);
}

/** The final timeliness, or null while processing goes on (or for a dossier never received). */
export function finalTimeliness(d: TimelineDossier, rules: TimelinessRules): FinalTimeliness | null {
  const { cal, hours } = rulesOf(rules);
  const t = timelineOf(d, hours);
  if (t === null || t.end === undefined) return null;
  const state = stateOf(assess(t, t.end, cal, hours)!);
  return state === 'early' || state === 'on_time' || state === 'late' ? state : null;
}

/**
 * The legal due instant as of `asOf` (ISO in, Date out): the reception appointment moved by the pauses completed
 * by then, or reception plus the legal maximum; undefined when nothing is due or the dossier was not received.
 */
export function legalDueAt(d: TimelineDossier, asOf: Date, rules: TimelinessRules): Date | undefined {
  const { cal, hours } = rulesOf(rules);
  const t = timelineOf(d, hours);
  if (t === null) return undefined;
  const due = dueAt(t, toMinute(asOf), cal, hours);
  return due === undefined ? undefined : new Date(due);
}

/**
 * Office minutes the agency spent (2.2): from the counting start at reception to the end of processing, less
 * the pauses (the applicant's time). null while processing goes on or for a dossier never received.
 */
export function handlingMinutes(d: TimelineDossier, rules: TimelinessRules): number | null {
  const { cal, hours } = rulesOf(rules);
  const t = timelineOf(d, hours);
  if (t === null || t.end === undefined) return null;
  const a = assess(t, t.end, cal, hours)!;
  const start = countingStart(new Date(t.received), cal, hours);
  let minutes = officeMinutesBetween(start, new Date(a.effectiveEnd), cal, hours);
  for (const pause of t.pauses) {
    if (pause.to === undefined || pause.to > a.effectiveEnd) continue;
    minutes -= officeMinutesBetween(new Date(Math.max(pause.from, start.getTime())), new Date(pause.to), cal, hours);
  }
  return Math.max(0, minutes);
}

/** One change of an open dossier's state: from `at` (ISO, GMT+7) on it is `state`; null = no longer open. */
export interface OpenStateChange {
  at: string;
  state: OpenTimeliness | null;
}

/**
 * The open dossier's states as a step function of time: the instants at which `timelinessAt` changes while
 * processing goes on, with the state from then on, ending with `null` at the end of processing. Reporting
 * stores these and sums them per day, so the state of every dossier at the end of any past period is exact
 * and is, by construction, what `timelinessAt` answers for that instant. Empty for a dossier never received.
 */
export function openStateChanges(d: TimelineDossier, rules: TimelinessRules): OpenStateChange[] {
  const { cal, hours } = rulesOf(rules);
  const t = timelineOf(d, hours);
  if (t === null) return [];
  const end = t.end ?? Number.POSITIVE_INFINITY;
  const instants = new Set<number>([t.received]);
  for (const pause of t.pauses) {
    instants.add(pause.from);
    if (pause.to !== undefined) instants.add(pause.to);
  }
  for (const at of [...t.supplementRequests, ...t.apologies]) instants.add(at);
  // Overdue from the minute after the due minute; the due only moves when a pause completes (one of the above).
  for (const at of [...instants]) {
    const due = dueAt(t, at, cal, hours);
    if (due !== undefined) instants.add(due + 60_000);
  }
  const ordered = [...instants].filter((at) => at >= t.received && at < end).sort((a, b) => a - b);
  const changes: OpenStateChange[] = [];
  let current: OpenTimeliness | null = null;
  for (const at of ordered) {
    const state = stateOf(assess({ ...t, end: undefined }, at, cal, hours)!) as OpenTimeliness;
    if (state !== current) {
      changes.push({ at: new Date(at).toISOString(), state });
      current = state;
    }
  }
  if (Number.isFinite(end) && changes.length > 0) changes.push({ at: new Date(end).toISOString(), state: null });
  return changes;
}

/** The open state from a list of changes at an instant (the last change at or before it), null if not open. */
export function openStateAt(changes: readonly OpenStateChange[], at: Date): OpenTimeliness | null {
  let state: OpenTimeliness | null = null;
  const minute = toMinute(at);
  for (const change of changes) {
    if (Date.parse(change.at) > minute) break;
    state = change.state;
  }
  return state;
}
