/**
 * The recount of the agencies' status counts (decision 0022): makes the counters exact from the dossiers
 * themselves, for heads written before they carried the `countedIn` marker (before the counters, or before the
 * marker). Safe beside live transitions and idempotent: it counts only heads no one counted yet, each under the
 * rule every write follows (store.countHead: marker and count in one transaction, conditioned on the version
 * read and on no marker), so a dossier is counted exactly once whoever — recount or transition — gets there first.
 */
import { logger } from '#platform/observability.ts';
import { DOSSIER_STATUSES } from './events.ts';
import * as store from './store.ts';

export interface RecountOptions {
  /** One agency (the dossiers it holds, by its status index); without it the whole province. */
  agencyCode?: string;
  /**
   * Called after a head was read and before it is counted. Only tests pass it: to make a transition land in
   * exactly that gap, deterministically.
   */
  beforeCounting?: (code: string) => Promise<void>;
}

export interface RecountSummary {
  agencyCode?: string;
  /** Heads looked at (one seen twice by the pages, having moved between statuses, is looked at twice). */
  seen: number;
  /** Heads this run counted. */
  counted: number;
  /** Heads already counted (by a transition, or an earlier recount). */
  alreadyCounted: number;
}

/** Reading a head again after a lost condition: a transition that counted it, or changed it, got there first. */
const ATTEMPTS_PER_HEAD = 5;

export async function recountStatusCounts(options: RecountOptions = {}): Promise<RecountSummary> {
  const { agencyCode } = options;
  const summary: RecountSummary = { ...(agencyCode ? { agencyCode } : {}), seen: 0, counted: 0, alreadyCounted: 0 };
  // A head that moves while the pages are read may be seen twice (a marker then) or not at all: only a write moves
  // it, and every write counts it. Heads written since the start are counted by their own write.
  const scopes = agencyCode === undefined ? [undefined] : DOSSIER_STATUSES.map((status) => ({ agencyCode, status }));
  for (const scope of scopes) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await store.pageHeadCodes(scope, startKey);
      for (const code of page.codes) {
        summary.seen++;
        if (await countOnce(code, options)) summary.counted++;
        else summary.alreadyCounted++;
      }
      startKey = page.nextKey;
    } while (startKey !== undefined);
  }
  if (agencyCode === undefined) await store.markRecounted(new Date(), summary.seen);
  logger.info('status counts recounted', { ...summary });
  return summary;
}

/** `npm start`: the whole province once, when no recount ever finished on this data (a kept `.local/`). */
export async function recountUnlessDone(): Promise<RecountSummary | undefined> {
  if (await store.wasRecounted()) return undefined;
  return recountStatusCounts();
}

/** True when this run counted the dossier; false when it was counted already (or is gone). */
async function countOnce(code: string, options: RecountOptions): Promise<boolean> {
  for (let attempt = 1; attempt <= ATTEMPTS_PER_HEAD; attempt++) {
    const head = await store.getHeadCount(code);
    if (head === undefined || head.countedAs !== undefined) return false;
    await options.beforeCounting?.(code);
    if (await store.countHead(head)) return true;
  }
  // Five transitions of one dossier during one recount's five reads of it: each of them counted it.
  const head = await store.getHeadCount(code);
  if (head?.countedAs === undefined)
    throw new Error(`dossier ${code}: still uncounted after ${ATTEMPTS_PER_HEAD} reads`);
  return false;
}
