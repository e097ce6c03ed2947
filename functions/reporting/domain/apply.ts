/**
 * One step of the reporting projection, composed from the pure parts: what a consumer writes (in one
 * transaction: the fact conditioned on its previous lastSequence, the counter ADDs and the open-point ADDs) when
 * a dossier event or a sync confirmation arrives.
 */
import type { DossierSnapshot } from '#dossiers/events.ts';
import { type CounterDelta, diffCounters } from './counters.ts';
import { type DossierFact, type FactOptions, factFromSnapshot, markSynced, shouldApply } from './facts.ts';
import { type OpenDelta, openDeltas } from './period.ts';

export interface ProjectionStep {
  fact: DossierFact;
  counterDeltas: CounterDelta[];
  openDeltas: OpenDelta[];
}

/**
 * The step for a dossier event, or null when the event is a duplicate or older than what is known. The sync state
 * is carried from the existing fact; `options.syncedSequence` only seeds a first fact (a push confirmed before the
 * fact existed).
 */
export function applySnapshot(
  existing: DossierFact | undefined,
  snapshot: DossierSnapshot,
  sequence: number,
  options: FactOptions = {},
): ProjectionStep | null {
  if (!shouldApply(existing, sequence)) return null;
  const syncedSequence = existing === undefined ? (options.syncedSequence ?? null) : existing.syncedSequence;
  const fact = factFromSnapshot(snapshot, sequence, { ...options, syncedSequence });
  return { fact, counterDeltas: diffCounters(existing, fact), openDeltas: openDeltas(existing, fact) };
}

/** The step for "version `sequence` reached the national portal", or null when that changes nothing. */
export function applySynced(existing: DossierFact, sequence: number): ProjectionStep | null {
  const fact = markSynced(existing, sequence);
  if (fact === existing) return null;
  return { fact, counterDeltas: diffCounters(existing, fact), openDeltas: [] };
}
