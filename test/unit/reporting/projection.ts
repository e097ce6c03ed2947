/** An in-memory reporting store driven by the pure projection steps, as the DynamoDB consumer would drive its own. */
import type { DossierSnapshot } from '#dossiers/events.ts';
import { applySnapshot, applySynced, type ProjectionStep } from '#reporting/domain/apply.ts';
import { applyCounterDeltas, type CounterBucket } from '#reporting/domain/counters.ts';
import type { DossierFact, FactOptions } from '#reporting/domain/facts.ts';
import {
  applyOpenDeltas,
  emptyOpenCounts,
  OPEN_STATES,
  type OpenBucket,
  type OpenCounts,
  openTotalsDelta,
} from '#reporting/domain/period.ts';

export class MemoryProjection {
  readonly facts = new Map<string, DossierFact>();
  buckets: CounterBucket[] = [];
  open: OpenBucket[] = [];
  openTotals: OpenCounts = emptyOpenCounts();
  private readonly options: Omit<FactOptions, 'syncedSequence'>;

  constructor(options: Omit<FactOptions, 'syncedSequence'> = {}) {
    this.options = options;
  }

  /** Delivers a dossier event (its snapshot, sequence = version); returns null when it was dropped. */
  deliver(snapshot: DossierSnapshot): ProjectionStep | null {
    const step = applySnapshot(this.facts.get(snapshot.code), snapshot, snapshot.version, this.options);
    if (step) this.write(step);
    return step;
  }

  /** The sync worker reports version `sequence` of dossier `code` accepted by the national portal. */
  synced(code: string, sequence: number): ProjectionStep | null {
    const existing = this.facts.get(code);
    if (!existing) throw new Error(`No fact for ${code}`);
    const step = applySynced(existing, sequence);
    if (step) this.write(step);
    return step;
  }

  private write(step: ProjectionStep): void {
    this.facts.set(step.fact.code, step.fact);
    this.buckets = applyCounterDeltas(this.buckets, step.counterDeltas);
    this.open = applyOpenDeltas(this.open, step.openDeltas);
    const totals = openTotalsDelta(step.openDeltas);
    for (const state of OPEN_STATES) this.openTotals[state] += totals[state];
  }
}
