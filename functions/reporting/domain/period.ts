/**
 * Open dossiers classified at the end of a period: in progress within time / overdue, paused (awaiting the
 * applicant's supplementation) within time / overdue — for any period end, past ones included, at a cost that
 * does not grow with the number of dossiers.
 *
 * Design: a received dossier's open life is a step function of time. It enters a state at reception, changes
 * state when its appointment passes, when a supplementation request pauses it and when the applicant completes it,
 * and leaves at the end of processing. Every change is a (day, state, ±1) point; points are summed per
 * (month, agency, procedure) into one bucket holding at most 31 days × 4 states. The number of dossiers in a state
 * at the end of day E is the sum of all points on days ≤ E (`classifyOpenAt`). A dossier that ended after E has
 * its leaving point after E, so it still counts as open at E: past periods stay exact, because end dates are
 * recorded as points rather than by removing the dossier.
 *
 * Reads: the buckets of every month up to E (forward), or — cheaper for recent periods — a running total of all
 * points ever plus the buckets after E, subtracted (`classifyOpenFromTotals`; future months exist only for
 * appointments not yet reached). Either way a bounded number of items per (agency, procedure) and month.
 *
 * Rules: the states and the instants they change at are the kernel's (`openStateChanges` in
 * packages/calendar/src/timeliness.ts, stored in the fact), so the state of a dossier at the end of any period
 * is exactly what the dossier view says for that instant. The due instant used is the legal one (reception's
 * appointment moved by pauses; an apology letter's date never excuses a dossier), so past periods stay exact.
 * Periods end at the end of a GMT+7 day, so day granularity is exact.
 */
import type { OpenTimeliness } from '#calendar/timeliness.ts';
import type { DossierFact } from './facts.ts';
import { isDay, vnDay } from './time.ts';

export const OPEN_STATES = ['inProgressOnTime', 'inProgressOverdue', 'pausedOnTime', 'pausedOverdue'] as const;
export type OpenState = (typeof OPEN_STATES)[number];
export type OpenCounts = Record<OpenState, number>;
type DayPoints = Record<string, Partial<OpenCounts>>;

/** One (month, agency, procedure) bucket of change points, keyed by day 'YYYY-MM-DD'. */
export interface OpenBucket {
  month: string;
  agencyCode: string;
  procedureCode: string;
  days: DayPoints;
}
/** Same shape as a bucket: the points to add (only non-zero entries). */
export type OpenDelta = OpenBucket;

/** All open counts at zero. */
export function emptyOpenCounts(): OpenCounts {
  return { inProgressOnTime: 0, inProgressOverdue: 0, pausedOnTime: 0, pausedOverdue: 0 };
}

export interface StateChange {
  at: number;
  from: OpenState | null;
  to: OpenState | null;
}

const STATE_NAMES: Record<OpenTimeliness, OpenState> = {
  in_progress_on_time: 'inProgressOnTime',
  in_progress_overdue: 'inProgressOverdue',
  paused_on_time: 'pausedOnTime',
  paused_overdue: 'pausedOverdue',
};

/** The instants at which a dossier's open state changes, in time order (from the kernel's stored step function). */
export function openTimeline(fact: DossierFact): StateChange[] {
  const changes: StateChange[] = [];
  let current: OpenState | null = null;
  // Facts written before the open states were stored have none (they were projected by an earlier release).
  for (const change of fact.openStates ?? []) {
    const to = change.state === null ? null : STATE_NAMES[change.state];
    changes.push({ at: Date.parse(change.at), from: current, to });
    current = to;
  }
  return changes;
}

function pointsOf(fact: DossierFact, sign: 1 | -1, into: Map<string, OpenDelta>): void {
  for (const change of openTimeline(fact)) {
    const day = vnDay(change.at);
    const month = day.slice(0, 7);
    const id = `${month}#${fact.agencyCode}#${fact.procedureCode}`;
    let bucket = into.get(id);
    if (!bucket) {
      bucket = { month, agencyCode: fact.agencyCode, procedureCode: fact.procedureCode, days: {} };
      into.set(id, bucket);
    }
    const points = bucket.days[day] ?? {};
    bucket.days[day] = points;
    if (change.from !== null) points[change.from] = (points[change.from] ?? 0) - sign;
    if (change.to !== null) points[change.to] = (points[change.to] ?? 0) + sign;
  }
}

function pruneZeros(buckets: Iterable<OpenDelta>): OpenDelta[] {
  const kept: OpenDelta[] = [];
  for (const bucket of buckets) {
    const days: DayPoints = {};
    for (const [day, points] of Object.entries(bucket.days)) {
      const nonZero = Object.entries(points).filter(([, value]) => value !== 0);
      if (nonZero.length > 0) days[day] = Object.fromEntries(nonZero) as Partial<OpenCounts>;
    }
    if (Object.keys(days).length > 0) kept.push({ ...bucket, days });
  }
  return kept;
}

/**
 * The change points to add to move the open buckets from what `previous` put there to what `next` puts there;
 * none when `next` is older than `previous` (out-of-order delivery).
 */
export function openDeltas(previous: DossierFact | undefined, next: DossierFact): OpenDelta[] {
  if (previous !== undefined && next.lastSequence < previous.lastSequence) return [];
  const net = new Map<string, OpenDelta>();
  if (previous !== undefined) pointsOf(previous, -1, net);
  pointsOf(next, 1, net);
  return pruneZeros(net.values());
}

/** The open buckets after applying deltas (a pure in-memory store; DynamoDB uses ADD on `openPointAttributes`). */
export function applyOpenDeltas(buckets: readonly OpenBucket[], deltas: readonly OpenDelta[]): OpenBucket[] {
  const byId = new Map<string, OpenBucket>();
  for (const bucket of [...buckets, ...deltas]) {
    const id = `${bucket.month}#${bucket.agencyCode}#${bucket.procedureCode}`;
    let target = byId.get(id);
    if (!target) {
      target = { month: bucket.month, agencyCode: bucket.agencyCode, procedureCode: bucket.procedureCode, days: {} };
      byId.set(id, target);
    }
    for (const [day, points] of Object.entries(bucket.days)) {
      const targetPoints = target.days[day] ?? {};
      target.days[day] = targetPoints;
      for (const [state, value] of Object.entries(points) as [OpenState, number][]) {
        targetPoints[state] = (targetPoints[state] ?? 0) + value;
      }
    }
  }
  return pruneZeros(byId.values()).sort((a, b) =>
    `${a.month}#${a.agencyCode}#${a.procedureCode}`.localeCompare(`${b.month}#${b.agencyCode}#${b.procedureCode}`),
  );
}

function assertDay(periodEnd: string): void {
  if (!isDay(periodEnd)) throw new RangeError(`Expected the period's last day as YYYY-MM-DD, got ${periodEnd}`);
}

/**
 * Open dossiers at the end of day `periodEnd` (GMT+7, inclusive), from the buckets of every month up to it
 * (later buckets may be passed too; they are ignored).
 */
export function classifyOpenAt(openBuckets: readonly OpenBucket[], periodEnd: string): OpenCounts {
  assertDay(periodEnd);
  const counts = emptyOpenCounts();
  for (const bucket of openBuckets) {
    if (bucket.month > periodEnd.slice(0, 7)) continue;
    for (const [day, points] of Object.entries(bucket.days)) {
      if (day > periodEnd) continue;
      for (const state of OPEN_STATES) counts[state] += points[state] ?? 0;
    }
  }
  return counts;
}

/** The sum of every point in the deltas: what a store adds to its all-time running total. */
export function openTotalsDelta(deltas: readonly OpenDelta[]): OpenCounts {
  const totals = emptyOpenCounts();
  for (const delta of deltas) {
    for (const points of Object.values(delta.days)) {
      for (const state of OPEN_STATES) totals[state] += points[state] ?? 0;
    }
  }
  return totals;
}

/**
 * Open dossiers at the end of `periodEnd` from the all-time totals minus the points after it: reads only the
 * buckets of the period's month and later (earlier ones may be passed; they are ignored).
 */
export function classifyOpenFromTotals(
  totals: OpenCounts,
  laterBuckets: readonly OpenBucket[],
  periodEnd: string,
): OpenCounts {
  assertDay(periodEnd);
  const counts = { ...totals };
  for (const bucket of laterBuckets) {
    if (bucket.month < periodEnd.slice(0, 7)) continue;
    for (const [day, points] of Object.entries(bucket.days)) {
      if (day <= periodEnd) continue;
      for (const state of OPEN_STATES) counts[state] -= points[state] ?? 0;
    }
  }
  return counts;
}

const POINT_ATTRIBUTE = /^(\d{4}-\d{2}-\d{2})#(inProgressOnTime|inProgressOverdue|pausedOnTime|pausedOverdue)$/;

/**
 * A bucket's or delta's points as flat attributes `<day>#<state>` → count. DynamoDB cannot ADD into a nested map
 * that does not exist yet, so the store keeps points as top-level numbers and ADDs these in one UpdateItem.
 */
export function openPointAttributes(bucket: Pick<OpenBucket, 'days'>): Record<string, number> {
  const attributes: Record<string, number> = {};
  for (const [day, points] of Object.entries(bucket.days)) {
    for (const state of OPEN_STATES) {
      const value = points[state];
      if (value !== undefined && value !== 0) attributes[`${day}#${state}`] = value;
    }
  }
  return attributes;
}

/** The bucket stored as flat `<day>#<state>` attributes (other attributes of the item are ignored). */
export function openBucketFromAttributes(key: Omit<OpenBucket, 'days'>, item: Record<string, unknown>): OpenBucket {
  const days: DayPoints = {};
  for (const [name, value] of Object.entries(item)) {
    const match = POINT_ATTRIBUTE.exec(name);
    if (!match || typeof value !== 'number' || value === 0) continue;
    const points = days[match[1]!] ?? {};
    points[match[2] as OpenState] = value;
    days[match[1]!] = points;
  }
  return { ...key, days };
}
