import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TABLE_BEGIN, EVENT_TABLE_END, eventRoutes, eventTableMarkdown } from '#topology/event-table.ts';
import { allTopologies } from '#topology/index.ts';
import type { ContextTopology } from '#topology/types.ts';

const bare = (context: ContextTopology['context'], extra: Partial<ContextTopology>): ContextTopology => ({
  context,
  tables: [],
  buckets: [],
  functions: [],
  routes: [],
  consumers: [],
  schedules: [],
  ...extra,
});

const consumer = (queue: string, fn: string, eventTypes: string[]) => ({
  queue,
  function: fn,
  eventTypes,
  batchSize: 10,
  maxBatchingWindowSeconds: 1,
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: 5,
});

describe('the event table', () => {
  it('names the publisher and every consumer with its queue and DLQ', () => {
    const routes = eventRoutes([
      bare('dossiers', { publishes: ['dossier.received'] }),
      bare('payments', {
        consumers: [consumer('payments-from-dossiers', 'payments-on-dossier-event', ['dossier.received'])],
      }),
    ]);
    expect(routes).toEqual([
      {
        type: 'dossier.received',
        publisher: 'dossiers',
        consumers: [
          {
            context: 'payments',
            function: 'payments-on-dossier-event',
            queue: 'payments-from-dossiers',
            dlq: 'payments-from-dossiers-dlq',
          },
        ],
      },
    ]);
  });

  it('refuses one type published by two contexts', () => {
    expect(() =>
      eventRoutes([bare('dossiers', { publishes: ['x.y'] }), bare('payments', { publishes: ['x.y'] })]),
    ).toThrow(/published by both/);
  });

  it('every consumed event type of the declared topology is published by some context', () => {
    const orphans = eventRoutes(allTopologies())
      .filter((route) => route.publisher === undefined)
      .map((route) => `${route.type} ← ${route.consumers.map((c) => c.function).join(', ')}`);
    expect(orphans).toEqual([]);
  });

  it('docs/architecture.md holds the table generated from the current topology (run `npm run docs:events`)', () => {
    const doc = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
    const begin = doc.indexOf(EVENT_TABLE_BEGIN);
    const end = doc.indexOf(EVENT_TABLE_END);
    expect(begin, 'the generated table markers are in docs/architecture.md').toBeGreaterThanOrEqual(0);
    expect(doc.slice(begin, end + EVENT_TABLE_END.length)).toBe(eventTableMarkdown(allTopologies()));
  });
});
