/**
 * The aggregate design: integer counters per (month in GMT+7, agency, procedure). A report or the national index
 * reads one bucket per month × agency × procedure it covers and sums them, so its cost depends on the period and
 * the catalog, never on how many dossiers there are.
 *
 * Each dossier contributes to a few buckets, a pure function of its fact; an event moves the counters by
 * `diffCounters(old fact, new fact)`. Which month a contribution lands in:
 * - intake counters (received, channels, fees and online payment, documents, digitization, reuse, online share,
 *   synced): the reception month, and only for dossiers actually received (domain.md: rejected at reception and
 *   withdrawn before reception are not received; online, digitized and reused are shares of received dossiers);
 * - outcome counters (ended, early / on time / late, resolved, returned, rejected, withdrawn, stopped, handling
 *   time, results, feedback, complaints): the month processing ended (a withdrawal before reception counts in
 *   `withdrawn` in its own month but is not "ended");
 * - supplementation rounds: the month each request was made.
 * Feedback is counted with the outcome so that 5.4's "late rate" and "dislike rate" share one population.
 */
import { type DossierFact, isSynced, RESOLVED_STATUSES } from './facts.ts';
import { vnMonth } from './time.ts';

export const COUNTER_NAMES = [
  // intake month
  'received',
  'receivedOnline',
  'receivedInPerson',
  'receivedPost',
  /** Online, and where the result is a document it is electronic (3.3). */
  'onlineCounted',
  'feeBearing',
  'paidOnline',
  'documents',
  'digitizedDocuments',
  'reusedDocuments',
  /** Every submitted document digitized, and the result too when there is one (4.2). */
  'digitized',
  /** At least one document reused from the citizen's store (4.3). */
  'reusing',
  'synced',
  // outcome month
  'ended',
  'early',
  'onTime',
  'late',
  'resolved',
  'returned',
  'rejected',
  'withdrawn',
  'stopped',
  /** Resolved or returned: the population of the average handling time (2.2). */
  'handled',
  'handlingMinutes',
  'results',
  'electronicResults',
  'feedbackSatisfied',
  'feedbackNeutral',
  'feedbackDissatisfied',
  'complaints',
  /** Dissatisfied feedback or a complaint (5.4). */
  'disliked',
  // request month
  'supplementRounds',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export type Counters = Record<CounterName, number>;

export interface BucketKey {
  month: string;
  agencyCode: string;
  procedureCode: string;
}
export interface CounterBucket extends BucketKey {
  counts: Counters;
}
/** Increments (negative: decrements) for one bucket; only non-zero counters are present. */
export interface CounterDelta extends BucketKey {
  counts: Partial<Counters>;
}

/** All counters at zero. */
export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Counters;
}

/** A bucket's storage key. */
export function bucketId(key: BucketKey): string {
  return `${key.month}#${key.agencyCode}#${key.procedureCode}`;
}

const TERMINAL_WITHOUT_RESULT = new Set(['rejected', 'withdrawn', 'stopped']);

/** What one fact adds to the counters, per bucket. */
export function contributions(fact: DossierFact): CounterDelta[] {
  const deltas = new Map<string, CounterDelta>();
  const add = (month: string, name: CounterName, amount = 1): void => {
    if (amount === 0) return;
    const key = { month, agencyCode: fact.agencyCode, procedureCode: fact.procedureCode };
    const id = bucketId(key);
    let delta = deltas.get(id);
    if (!delta) {
      delta = { ...key, counts: {} };
      deltas.set(id, delta);
    }
    delta.counts[name] = (delta.counts[name] ?? 0) + amount;
  };

  if (fact.receivedAt !== null) {
    const intake = vnMonth(fact.receivedAt);
    add(intake, 'received');
    add(
      intake,
      fact.channel === 'online' ? 'receivedOnline' : fact.channel === 'post' ? 'receivedPost' : 'receivedInPerson',
    );
    if (fact.channel === 'online' && resultAllowsOnline(fact)) add(intake, 'onlineCounted');
    if (fact.feeTotal > 0) {
      add(intake, 'feeBearing');
      if (fact.paidOnline) add(intake, 'paidOnline');
    }
    add(intake, 'documents', fact.documentCount);
    add(intake, 'digitizedDocuments', fact.digitizedDocuments);
    add(intake, 'reusedDocuments', fact.reusedDocuments);
    if (isDigitized(fact)) add(intake, 'digitized');
    if (fact.reusedDocuments > 0) add(intake, 'reusing');
    if (isSynced(fact)) add(intake, 'synced');
  }

  if (fact.closedAt !== null) {
    const outcome = vnMonth(fact.closedAt);
    if (fact.endedAt !== null) {
      add(outcome, 'ended');
      if (fact.timeliness === 'early') add(outcome, 'early');
      else if (fact.timeliness === 'on_time') add(outcome, 'onTime');
      else if (fact.timeliness === 'late') add(outcome, 'late');
    }
    if (RESOLVED_STATUSES.has(fact.status)) {
      add(outcome, 'resolved');
      add(outcome, 'handled');
      add(outcome, 'handlingMinutes', fact.handlingMinutes ?? 0);
    }
    if (fact.status === 'returned') add(outcome, 'returned');
    if (fact.status === 'rejected') add(outcome, 'rejected');
    if (fact.status === 'withdrawn') add(outcome, 'withdrawn');
    if (fact.status === 'stopped') add(outcome, 'stopped');
    if (fact.hasResult) {
      add(outcome, 'results');
      if (fact.electronicResult) add(outcome, 'electronicResults');
    }
    if (fact.feedbackRating === 'satisfied') add(outcome, 'feedbackSatisfied');
    if (fact.feedbackRating === 'neutral') add(outcome, 'feedbackNeutral');
    if (fact.feedbackRating === 'dissatisfied') add(outcome, 'feedbackDissatisfied');
    if (fact.complained) add(outcome, 'complaints');
    if (fact.complained || fact.feedbackRating === 'dissatisfied') add(outcome, 'disliked');
  }

  for (const round of fact.supplements) add(vnMonth(round.requestedAt), 'supplementRounds');
  return [...deltas.values()];
}

/** 4.2: documents and result digitized; a dossier with no documents has nothing digitized, so it is not. */
export function isDigitized(fact: DossierFact): boolean {
  return (
    fact.documentCount > 0 &&
    fact.digitizedDocuments === fact.documentCount &&
    (!fact.hasResult || fact.resultDigitized)
  );
}

/**
 * 3.3 counts an online dossier only if, where the result is a document, it is electronic. A result issued decides;
 * a dossier that closed without a result has none to fail on; an open one is judged by the procedure's result type.
 */
function resultAllowsOnline(fact: DossierFact): boolean {
  if (fact.hasResult) return fact.electronicResult;
  if (TERMINAL_WITHOUT_RESULT.has(fact.status)) return true;
  return fact.resultType === 'electronic';
}

/**
 * The deltas that move the counters from what `previous` contributed to what `next` contributes. Applying them
 * once per (dossier, sequence) keeps counters exact; an older fact arriving after a newer one gives no deltas.
 */
export function diffCounters(previous: DossierFact | undefined, next: DossierFact): CounterDelta[] {
  if (previous !== undefined && next.lastSequence < previous.lastSequence) return [];
  const net = new Map<string, CounterDelta>();
  const accumulate = (deltas: CounterDelta[], sign: 1 | -1): void => {
    for (const delta of deltas) {
      const id = bucketId(delta);
      let target = net.get(id);
      if (!target) {
        target = { month: delta.month, agencyCode: delta.agencyCode, procedureCode: delta.procedureCode, counts: {} };
        net.set(id, target);
      }
      for (const [name, amount] of Object.entries(delta.counts) as [CounterName, number][]) {
        const value = (target.counts[name] ?? 0) + sign * amount;
        if (value === 0) delete target.counts[name];
        else target.counts[name] = value;
      }
    }
  };
  if (previous !== undefined) accumulate(contributions(previous), -1);
  accumulate(contributions(next), 1);
  return [...net.values()].filter((delta) => Object.keys(delta.counts).length > 0);
}

/** The buckets after applying deltas (a pure in-memory store; the DynamoDB store uses ADD updates instead). */
export function applyCounterDeltas(
  buckets: readonly CounterBucket[],
  deltas: readonly CounterDelta[],
): CounterBucket[] {
  const byId = new Map(buckets.map((bucket) => [bucketId(bucket), { ...bucket, counts: { ...bucket.counts } }]));
  for (const delta of deltas) {
    const id = bucketId(delta);
    let bucket = byId.get(id);
    if (!bucket) {
      bucket = {
        month: delta.month,
        agencyCode: delta.agencyCode,
        procedureCode: delta.procedureCode,
        counts: emptyCounters(),
      };
      byId.set(id, bucket);
    }
    for (const [name, amount] of Object.entries(delta.counts) as [CounterName, number][]) {
      bucket.counts[name] += amount;
    }
  }
  return [...byId.values()].sort((a, b) => bucketId(a).localeCompare(bucketId(b)));
}

export interface BucketFilter {
  fromMonth?: string;
  toMonth?: string;
  agencyCode?: string;
  procedureCode?: string;
}

/** The buckets a query covers (months inclusive). */
export function selectBuckets<T extends BucketKey>(buckets: readonly T[], filter: BucketFilter): T[] {
  return buckets.filter(
    (bucket) =>
      (filter.fromMonth === undefined || bucket.month >= filter.fromMonth) &&
      (filter.toMonth === undefined || bucket.month <= filter.toMonth) &&
      (filter.agencyCode === undefined || bucket.agencyCode === filter.agencyCode) &&
      (filter.procedureCode === undefined || bucket.procedureCode === filter.procedureCode),
  );
}

/** Sums counters across buckets (months, agencies, procedures); missing counters count as 0. */
export function mergeBuckets(buckets: readonly { counts: Partial<Counters> }[]): Counters {
  const total = emptyCounters();
  for (const bucket of buckets) {
    for (const name of COUNTER_NAMES) total[name] += bucket.counts[name] ?? 0;
  }
  return total;
}
