import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DossierSnapshot } from '#dossiers/events.ts';
import { applyCounterDeltas, diffCounters } from '#reporting/domain/counters.ts';
import { factFromSnapshot } from '#reporting/domain/facts.ts';
import { applyOpenDeltas, openDeltas } from '#reporting/domain/period.ts';
import { marchDossiers } from './fixtures.ts';
import { MemoryProjection } from './projection.ts';

const dossiers = Object.values(marchDossiers());
const allEvents: DossierSnapshot[] = dossiers.flatMap((builder) => builder.versions);

function project(events: readonly DossierSnapshot[]): MemoryProjection {
  const projection = new MemoryProjection();
  for (const event of events) projection.deliver(event);
  return projection;
}

const inOrder = project(allEvents);

describe('the projection is order- and duplicate-insensitive', () => {
  test('any order with duplicates gives the same counters and open points as applying once in order', () => {
    const indices = allEvents.map((_, index) => index);
    const deliveries = fc.array(fc.constantFrom(...indices), { maxLength: 40 }).chain((duplicates) => {
      const all = [...indices, ...duplicates];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    });
    fc.assert(
      fc.property(deliveries, (order) => {
        const shuffled = project(order.map((index) => allEvents[index]!));
        expect(shuffled.buckets).toEqual(inOrder.buckets);
        expect(shuffled.open).toEqual(inOrder.open);
        expect(shuffled.openTotals).toEqual(inOrder.openTotals);
      }),
      { numRuns: 200 },
    );
  });

  test('applied in order, the counters equal the contributions of each dossier’s final fact alone', () => {
    const finals = dossiers.map((builder) => factFromSnapshot(builder.last, builder.last.version));
    const counters = applyCounterDeltas(
      [],
      finals.flatMap((fact) => diffCounters(undefined, fact)),
    ).filter((bucket) => Object.values(bucket.counts).some((value) => value !== 0));
    const open = applyOpenDeltas(
      [],
      finals.flatMap((fact) => openDeltas(undefined, fact)),
    );
    expect(inOrder.buckets).toEqual(counters);
    expect(inOrder.open).toEqual(open);
  });

  test('a random subset delivered in any order equals the newest delivered version of each dossier', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          allEvents.map((_, index) => index),
          { minLength: 1 },
        ),
        (order) => {
          const shuffled = project(order.map((index) => allEvents[index]!));
          const newest = new Map<string, DossierSnapshot>();
          for (const index of order) {
            const event = allEvents[index]!;
            const known = newest.get(event.code);
            if (!known || event.version > known.version) newest.set(event.code, event);
          }
          const expected = project([...newest.values()]);
          expect(shuffled.buckets).toEqual(expected.buckets);
          expect(shuffled.open).toEqual(expected.open);
        },
      ),
      { numRuns: 150 },
    );
  });
});
