/**
 * A national re-sync (rules: domain/resync.ts). `POST /sync/resyncs` only records the job (who, why, which
 * range); the sweep (`reporting-sync-retry-sweep`, every 5 minutes) then marks the range a few pages at a time,
 * resuming where the last page stopped, and pushes the marked dossiers at its own pace with the usual backoff
 * (use-cases/sync.ts). A province of millions of dossiers is therefore marked over many sweeps, each bounded.
 */
import { randomUUID } from 'node:crypto';
import { now } from '#platform/clock.ts';
import { lostRace } from '#platform/dynamo.ts';
import type { Identity } from '#platform/identity.ts';
import { logger } from '#platform/observability.ts';
import {
  decideResyncMark,
  inResyncRange,
  type ResyncCounts,
  type ResyncRange,
  type ResyncStatus,
  resyncRangeKey,
  resyncStatus,
} from '../domain/resync.ts';
import {
  countMarked,
  createResyncJob,
  getResyncJob,
  listMarkingResyncJobs,
  type ResyncJob,
  saveMarkingPage,
  scanFactsPage,
} from '../store/resync.ts';
import { getKeptRecord, getSyncRecord, putSyncRecord } from '../store/sync.ts';
import { MAX_WRITE_ATTEMPTS, pause } from './transactions.ts';

/** Items of the table one marking page reads (facts and every other item): a few hundred dossiers at most. */
export const RESYNC_PAGE_ITEMS = 1_000;
/** Marking pages a sweep runs at most, over every job (and only while the invocation has time left). */
export const RESYNC_PAGES_PER_SWEEP = 20;

export interface ResyncView {
  id: string;
  status: ResyncStatus;
  range: ResyncRange;
  reason: string;
  requestedBy: { sub: string; name?: string };
  requestedAt: string;
  markingFinishedAt: string | null;
  counts: ResyncCounts;
}

export function resyncView(job: ResyncJob): ResyncView {
  return {
    id: job.id,
    status: resyncStatus(job.markingDone, job.counts),
    range: job.range,
    reason: job.reason,
    requestedBy: job.requestedBy,
    requestedAt: job.requestedAt,
    markingFinishedAt: job.markingFinishedAt ?? null,
    counts: job.counts,
  };
}

/**
 * Records a re-sync of `range` asked by `who`; while a job is marking the same range, that job is the answer
 * (`created` false) and nothing is written.
 */
export async function startResync(
  range: ResyncRange,
  reason: string,
  who: Identity,
): Promise<{ created: boolean; job: ResyncView }> {
  const requestedBy = { sub: who.sub, ...(who.name ? { name: who.name } : {}) };
  const started = await createResyncJob({
    id: randomUUID(),
    range,
    rangeKey: resyncRangeKey(range),
    reason,
    requestedBy,
    requestedAt: now().toISOString(),
  });
  // The audit trail: who asked for which range and why (also kept on the job, GET /sync/resyncs/{id}).
  logger.info(started.created ? 'national re-sync started' : 'national re-sync already marking this range', {
    jobId: started.id,
    requestedBy,
    range,
    reason,
  });
  const job = await getResyncJob(started.id);
  if (!job) throw new Error(`re-sync ${started.id} not found after it was recorded`);
  return { created: started.created, job: resyncView(job) };
}

export async function findResync(id: string): Promise<ResyncView | undefined> {
  const job = await getResyncJob(id);
  return job ? resyncView(job) : undefined;
}

type MarkOutcome = 'marked' | 'markedBefore' | 'alreadyMarked' | 'notSynced' | 'unavailable';

/** Marks one dossier for job `jobId` (domain/resync.ts `decideResyncMark`), the job's count in the same write. */
export async function markDossierForResync(code: string, jobId: string): Promise<MarkOutcome> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const record = await getSyncRecord(code);
    if (!record) return 'notSynced';
    const at = now();
    const decision = decideResyncMark(record.state, record.resync, jobId, at);
    if (decision.kind === 'not-synced') return 'notSynced';
    if (decision.kind === 'already-marked') return decision.byThisJob ? 'markedBefore' : 'alreadyMarked';
    if (decision.needsKeptRecord && !(await getKeptRecord(code))) return 'unavailable';
    try {
      await putSyncRecord(
        { ...record, state: decision.state, resync: { jobId, markedAt: at.toISOString() } },
        record.revision,
        [countMarked(jobId, record.state.attempts > 0)],
      );
      return 'marked';
    } catch (error) {
      if (!lostRace(error)) throw error;
      await pause(attempt);
    }
  }
  throw new Error(`dossier ${code}: could not mark it for re-sync (contention)`);
}

/** One marking page of a job: the dossiers of the range in it marked, the page saved. False if another took it. */
async function markPage(job: ResyncJob): Promise<{ saved: boolean; done: boolean; marked: number }> {
  const page = await scanFactsPage(job.cursor, RESYNC_PAGE_ITEMS);
  const counts: Partial<ResyncCounts> = { scanned: page.dossiers.length, matched: 0 };
  let marked = 0;
  for (const dossier of page.dossiers) {
    if (!inResyncRange(job.range, dossier)) continue;
    counts.matched = (counts.matched ?? 0) + 1;
    const outcome = await markDossierForResync(dossier.code, job.id);
    // `marked` is counted with the mark itself; one marked before (a page replayed) was counted then.
    if (outcome === 'marked') marked += 1;
    if (outcome === 'alreadyMarked' || outcome === 'notSynced' || outcome === 'unavailable') {
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
  }
  const saved = await saveMarkingPage(job, counts, page.nextCursor, now().toISOString());
  return { saved, done: page.nextCursor === undefined, marked };
}

/**
 * Advances the jobs still marking, oldest first, by at most `pages` marking pages in all and while `hasTime`
 * (the bounds of one sweep). A page another sweep saved first ends that job's turn.
 */
export async function advanceResyncJobs(
  hasTime: () => boolean = () => true,
  pages: number = RESYNC_PAGES_PER_SWEEP,
): Promise<{ jobs: number; pages: number; marked: number }> {
  let budget = pages;
  let marked = 0;
  const jobs = budget > 0 && hasTime() ? await listMarkingResyncJobs(10) : [];
  for (const listed of jobs) {
    let job: ResyncJob | undefined = await getResyncJob(listed.id);
    while (budget > 0 && hasTime() && job && !job.markingDone) {
      budget -= 1;
      const result = await markPage(job);
      marked += result.marked;
      if (!result.saved || result.done) break;
      job = await getResyncJob(job.id);
    }
    if (budget === 0 || !hasTime()) break;
  }
  return { jobs: jobs.length, pages: pages - budget, marked };
}
