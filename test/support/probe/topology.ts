/**
 * A tiny context used only by the platform tests: it writes state + events through the outbox and has
 * two ordinary consumers and one that always fails, so the mechanics (publish, fan-out, once-only, DLQ,
 * crash between write and publish, JWT checks) are tested without any business context.
 */
import * as z from 'zod';
import type { ContextTopology, RouteDecl } from '#topology/types.ts';

export const probeRoutes = {
  create: {
    id: 'probeCreate',
    method: 'POST',
    path: '/probe/things',
    function: 'probe-http',
    auth: 'user',
    summary: 'probe',
    tags: ['probe'],
    schemas: { body: z.object({ id: z.string().min(1), poison: z.boolean().optional() }) },
  },
  received: {
    id: 'probeReceived',
    method: 'GET',
    path: '/probe/things/{id}',
    function: 'probe-http',
    auth: 'public',
    summary: 'probe',
    tags: ['probe'],
    schemas: { params: z.object({ id: z.string() }) },
  },
  citizenOnly: {
    id: 'probeCitizen',
    method: 'GET',
    path: '/probe/citizen',
    function: 'probe-http',
    auth: 'citizen',
    summary: 'probe',
    tags: ['probe'],
    schemas: {},
  },
  officialOnly: {
    id: 'probeOfficial',
    method: 'GET',
    path: '/probe/official',
    function: 'probe-http',
    auth: 'official',
    summary: 'probe',
    tags: ['probe'],
    schemas: {},
  },
} as const satisfies Record<string, RouteDecl>;

const entry = 'test/support/probe/handlers.ts';
export const probeTopology: ContextTopology = {
  context: 'reporting',
  tables: [
    {
      name: 'probe',
      partitionKey: 'pk',
      sortKey: 'sk',
      outbox: true,
      ttlAttribute: 'expiresAt',
      indexes: [],
      accessPatterns: [],
    },
  ],
  buckets: [],
  functions: [
    { name: 'probe-http', entry, kind: 'http', tables: [{ table: 'probe', access: 'readwrite' }] },
    { name: 'probe-consumer-a', entry: 'test/support/probe/consumer-a.ts', kind: 'consumer' },
    { name: 'probe-consumer-b', entry: 'test/support/probe/consumer-b.ts', kind: 'consumer' },
    { name: 'probe-consumer-poison', entry: 'test/support/probe/consumer-poison.ts', kind: 'consumer' },
  ],
  routes: Object.values(probeRoutes),
  consumers: [
    {
      queue: 'probe-a',
      function: 'probe-consumer-a',
      eventTypes: ['probe.created'],
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 3,
    },
    {
      queue: 'probe-b',
      function: 'probe-consumer-b',
      eventTypes: ['probe.created'],
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 3,
    },
    {
      queue: 'probe-poison',
      function: 'probe-consumer-poison',
      eventTypes: ['probe.poisoned'],
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 2,
    },
  ],
  schedules: [],
};
